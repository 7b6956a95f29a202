"""Rows whose height follows their cells' wrapping (trainer.ui.tables.FlowTable) get exactly the height
Textual's own measuring gives them (`height=None` on a plain DataTable), at every width: titles of every
bundled scenario, in the wrapping and one-line cells the catalogue uses, then refitted narrower and wider."""

from __future__ import annotations

from rich.text import Text
from textual.app import App
from textual.widgets import DataTable

from trainer.scenario.library import load_library
from trainer.ui.tables import FlowTable, one_line, wrapping

TITLES = sorted({s.title for s in load_library((), include_bundled=True).summaries.values()})
WIDTHS = (8, 13, 20, 27, 34, 41, 55, 80)


class Tables(App):
    def compose(self):
        yield FlowTable(id="flow")
        yield DataTable(id="plain")


def fill(table: DataTable, width: int) -> None:
    table.clear(columns=True)
    table.add_column("Scenario", key="title", width=width)
    table.add_column("Level", key="level", width=6)
    for number, title in enumerate(TITLES):
        table.add_row(wrapping(Text(title)), one_line("intermediate"), key=str(number), height=None)


async def test_flowing_rows_are_as_tall_as_textual_measures_them():
    app = Tables()
    async with app.run_test(size=(120, 40)) as pilot:
        flow, plain = app.query_one("#flow", FlowTable), app.query_one("#plain", DataTable)
        for width in WIDTHS:
            fill(flow, width)
            fill(plain, width)
            await pilot.pause()
            plain._update_dimensions(plain.rows)  # Textual measures auto-height rows when idle: now
            measured = {k.value: plain.rows[k].height for k in plain.rows}
            ours = {k.value: flow.rows[k].height for k in flow.rows}
            assert ours == measured, width
            assert max(measured.values()) > 1 or width > 70  # the narrow widths do wrap
        # refitted: the same rows, a new width for the title column (as a resize does)
        for width in (12, 60):
            flow.columns[flow.ordered_columns[0].key].width = width
            flow._refit_rows()
            fill(plain, width)
            plain._update_dimensions(plain.rows)
            assert ({k.value: flow.rows[k].height for k in flow.rows}
                    == {k.value: plain.rows[k].height for k in plain.rows}), width
