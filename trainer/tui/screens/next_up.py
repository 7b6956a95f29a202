"""The catalogue's "Next for you" row: up to three scenarios from trainer.play.suggest, each with its
reason in full (a row grows to two lines when the reason needs it), above everything else. The arrows
reach it from the first row of the tables below it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from trainer.i18n import _
from trainer.sanitize import line
from trainer.tui.screens.assigned import SectionTable
from trainer.ui.tables import wrapping


class NextSection(Vertical):
    def __init__(self, suggestions: list, **kwargs):
        super().__init__(**kwargs)
        self.suggestions = suggestions

    def compose(self) -> ComposeResult:
        yield Static(Text(_("Next for you"), style="bold"), classes="section-title")
        yield SectionTable(id="next", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        title = max(18, min(40, (self.app.size.width - 8) * 2 // 5))
        table.add_column(Text(_("Scenario")), key="title", width=title)
        table.add_column(Text(_("Why")), key="why", width=20)
        table.flex("why", 20, 200)  # the reason takes the rest, refitted on a resize
        self.show(self.suggestions)  # no focus taken: it arrives once the database is open, and the
        # trainee may already be moving in the catalogue; ↑ from its first row comes here

    def show(self, suggestions: list) -> None:
        self.suggestions = suggestions
        table = self.query_one(DataTable)
        selected = table.cursor_row if table.row_count else 0
        table.clear()
        from trainer.ui.widgets import version_title

        library, language = self.app.library, self.app.scenario_language
        for s in suggestions:
            title = wrapping(version_title(library, s.scenario, language) if s.scenario in library.summaries
                             else Text(line(s.title)))
            table.add_row(title, Text(line(s.reason)), key=s.scenario, height=None)
        if table.row_count:
            table.move_cursor(row=min(selected, table.row_count - 1))
