"""Tables that fit the window: one flexible column takes the room the others leave, and is fitted again
whenever the table is resized, so a title wraps onto a second line of its row at 80 columns instead of
being cut, and a wider window gives it the room back. Short cells that must stay on one line (a category,
a level) end with "…" when cut (`one_line`), never mid-word with nothing to say so."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import DataTable

from trainer.ui.textual_private import relayout_rows


def one_line(text: str | Text, style: str = "") -> Text:
    """A cell that stays on one line and ends with "…" when its column is too narrow."""
    cell = text.copy() if isinstance(text, Text) else Text(text, style=style)
    cell.no_wrap, cell.overflow = True, "ellipsis"
    return cell


def wrapping(text: Text) -> Text:
    """A cell that wraps onto more lines of its row (add the row with `height=None`)."""
    text.no_wrap, text.overflow = False, "fold"
    return text


class FlowTable(DataTable):
    """A DataTable with one flexible column (`flex`), fitted to the table's width on every resize. Rows
    added with `height=None` get the lines their cells wrap to, worked out again after every fit.

    Why not Textual's own `height=None`: it finds a row's height by rendering every cell of the row, and
    again after every fit; a row of Rich `Text` cells in fixed-width columns has the height its cells
    wrap to, which `Text.wrap` gives at a fraction of the cost (the catalogue's 28 rows took 12 ms of the
    first frame). A row with any other kind of cell is left to Textual."""

    _flexible: tuple[str, int, int] | None = None
    _flowing: dict | None = None  # row key -> its cells, for rows whose height follows their wrapping

    def flex(self, key: str, minimum: int, maximum: int, margin: int = 2) -> int:
        """Make column `key` take what the other columns leave (between `minimum` and `maximum`); its width
        now, estimated from the screen's width before the table has one of its own."""
        self._flexible = (key, minimum, maximum)
        width = self.columns[key].width = self._fit(self.app.size.width - margin)
        self._refit_rows()
        return width

    def add_row(self, *cells, height: int | None = 1, key: str | None = None, label=None):
        if height is not None or label is not None:
            return super().add_row(*cells, height=height, key=key, label=label)
        lines = self._wrapped_height(cells)
        row_key = super().add_row(*cells, height=lines, key=key)
        if lines is not None:
            if self._flowing is None:
                self._flowing = {}
            self._flowing[row_key] = cells
        return row_key

    def clear(self, columns: bool = False):
        self._flowing = None
        return super().clear(columns)

    def remove_row(self, row_key) -> None:
        super().remove_row(row_key)
        if self._flowing:
            self._flowing = {k: v for k, v in self._flowing.items() if k != row_key}

    def _wrapped_height(self, cells) -> int | None:
        """The lines the row's cells take at their columns' widths, as DataTable renders them (each `Text`
        wrapped as its own `__rich_console__` wraps it); None when a cell is not `Text` or a column has no
        fixed width (Textual then measures the row itself)."""
        console, height = self.app.console, 1
        for column, cell in zip(self.ordered_columns, cells):
            if cell is None:
                continue
            if not isinstance(cell, Text) or column.auto_width or not column.width:
                return None
            if cell.no_wrap:
                lines = cell.plain.count("\n") + 1
            else:
                lines = len(cell.wrap(console, column.width, justify=cell.justify or "default",
                                      overflow=cell.overflow or "fold", tab_size=cell.tab_size or 8))
            height = max(height, lines)
        return height

    def _refit_rows(self) -> bool:
        """Give every flowing row the height its cells wrap to now; True when one changed."""
        changed = False
        for key, cells in (self._flowing or {}).items():
            row = self.rows.get(key)
            lines = self._wrapped_height(cells)
            if row is not None and lines is not None and row.height != lines:
                row.height, changed = lines, True
        if changed:
            relayout_rows(self)
            self.refresh(layout=True)
        return changed

    def _fit(self, available: int) -> int:
        key, minimum, maximum = self._flexible
        others = sum(column.get_render_width(self) for k, column in self.columns.items() if k.value != key)
        return max(minimum, min(maximum, available - others - 2 * self.cell_padding))

    def on_resize(self, event: events.Resize) -> None:
        self.reflow()

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        """A scrollbar that comes or goes (rows filtered, added) changes the room as a resize does."""
        self.call_after_refresh(self.reflow)

    def reflow(self) -> None:
        """Fit the flexible column to the table's width now, and measure the rows again if it changed."""
        if self._flexible is None or self._flexible[0] not in self.columns:
            return
        region = self.scrollable_content_region.width
        if region <= 0:
            return
        column = self.columns[self._flexible[0]]
        width = self._fit(region)
        if width == column.width:
            return
        column.width = width
        self._refit_rows()
        for row in self.rows.values():
            if row.auto_height:
                row.height = 0  # measured afresh: Textual renders a row of known height at that height
        relayout_rows(self, measure_again=True)  # ... and measures a row's height as when it is new
        self.refresh(layout=True)
