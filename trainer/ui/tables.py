"""Tables that fit the window: one flexible column takes the room the others leave, and is fitted again
whenever the table is resized, so a title wraps onto a second line of its row at 80 columns instead of
being cut, and a wider window gives it the room back. Short cells that must stay on one line (a category,
a level) end with "…" when cut (`one_line`), never mid-word with nothing to say so."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import DataTable


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
    added with `height=None` are measured again after a fit, so wrapped cells get the lines they need."""

    _flexible: tuple[str, int, int] | None = None

    def flex(self, key: str, minimum: int, maximum: int, margin: int = 2) -> int:
        """Make column `key` take what the other columns leave (between `minimum` and `maximum`); its width
        now, estimated from the screen's width before the table has one of its own."""
        self._flexible = (key, minimum, maximum)
        width = self.columns[key].width = self._fit(self.app.size.width - margin)
        return width

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
        for row in self.rows.values():
            if row.auto_height:
                row.height = 0  # measured afresh: Textual renders a row of known height at that height
        self._new_rows.update(self.rows)  # ... and measures a row's height when it is new
        self._require_update_dimensions = True
        self._clear_caches()
        self.refresh(layout=True)
