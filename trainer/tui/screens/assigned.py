"""The catalogue's "Assigned to you" section: the trainee's assignments with due date, status (overdue in
the theme's error colour) and attempts left, above everything else. Mounted only for a trainee who has
assignments, so the catalogue of someone without any is unchanged."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from trainer.i18n import _
from trainer.sanitize import line
from trainer.ui.tables import FlowTable, one_line, wrapping
from trainer.play.offered import due_words, status_words  # noqa: F401  (also read by tests)


class SectionTable(FlowTable):
    """A table that fits the window (trainer.ui.tables) and hands the cursor to the next (or previous) table at its edge, so the arrows move
    through "Next for you" and "Assigned to you" into the rest of the catalogue and back."""

    ORDER = ("next", "assigned", "catalogue")

    def _neighbour(self, step: int) -> DataTable | None:
        here = self.ORDER.index(self.id) if self.id in self.ORDER else -1
        others = self.ORDER[here + 1:] if step > 0 else reversed(self.ORDER[:max(here, 0)])
        for ident in others:
            found = self.screen.query(f"#{ident}")
            if found and found.first().row_count:
                return found.first()
        return None

    async def _on_click(self, event) -> None:
        """One click on a row selects it (the cursor moves there); a double click, or Enter, opens it.
        DataTable's own click opened the row the cursor was already on, so one click opened a scenario."""
        meta = event.style.meta
        if event.chain >= 2 or meta.get("row", -1) < 0 or "column" not in meta:
            return  # a double click, a header or outside the rows: DataTable's own handling
        event.prevent_default()
        event.stop()
        self.focus()
        self.move_cursor(row=meta["row"])

    def action_cursor_down(self) -> None:
        if self.cursor_row >= self.row_count - 1 and (other := self._neighbour(1)) is not None:
            other.move_cursor(row=0)
            other.focus()
            return
        super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.cursor_row <= 0 and (other := self._neighbour(-1)) is not None:
            other.move_cursor(row=other.row_count - 1)
            other.focus()
            return
        super().action_cursor_up()


class AssignedSection(Vertical):
    def __init__(self, rows: list[dict], today: date, **kwargs):
        super().__init__(**kwargs)
        self.rows, self.today = rows, today

    def compose(self) -> ComposeResult:
        yield Static(Text(_("Assigned to you"), style="bold"), classes="section-title")
        yield SectionTable(id="assigned", cursor_type="row", zebra_stripes=True)
        yield Static(Text(_("Everything else"), style="bold"), classes="section-title")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(Text(_("Scenario")), key="title", width=20)
        table.add_column(Text(_("Due")), key="due", width=26)
        table.add_column(Text(_("Status")), key="status", width=24)
        table.add_column(Text(_("Left")), key="left", width=6)
        table.flex("title", 20, 50)  # the title takes the rest, and wraps at 80 columns
        self.show(self.rows, self.today)
        self.app.theme_changed_signal.subscribe(self, lambda _: self.show(self.rows, self.today))  # colours follow
        table.focus()  # what is assigned comes first

    def show(self, rows: list[dict], today: date) -> None:
        self.rows, self.today = rows, today
        table = self.query_one(DataTable)
        selected = table.cursor_row if table.row_count else 0
        table.clear()
        colours = self.app.theme_variables  # the theme's colours for text (its error and success are for fills)
        error, success = colours.get("text-error", "red"), colours.get("text-success", "green")
        for row in rows:
            late = row["status"] == "overdue" or (row["status"] == "failed" and row["attempts_left"] == 0) \
                or row["status"] == "retraining-due"
            done = row["status"] in ("passed", "waived")
            style = error if late else success if done else ""
            left = "" if row["attempts_left"] is None or done else str(row["attempts_left"])
            mode = " (" + _("practice") + ")" if row["mode"] == "practice" else ""
            title = Text(line(row["title"]), overflow="ellipsis", no_wrap=True)
            if row["scenario"] in self.app.library.summaries:  # in the version for the catalogue's language
                from trainer.ui.widgets import version_title

                title = version_title(self.app.library, row["scenario"], self.app.scenario_language)
            table.add_row(wrapping(title.append(mode)),
                          one_line(due_words(row, today), style=error if row["status"] == "overdue" else ""),
                          one_line(status_words(row), style=style), Text(left, justify="right"), key=row["scenario"],
                          height=None)
        if table.row_count:
            table.move_cursor(row=min(selected, table.row_count - 1))
