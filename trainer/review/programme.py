"""Review: the completion grid (every trainee x every scenario assigned to them, filtered by group and
status), assigning work, and waiving retraining, all under the signed-in supervisor's name."""

from __future__ import annotations

import time
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Static

from trainer.progress import programme
from trainer.progress.schedule import MODES, STATUSES, check_due, parse_every
from trainer.review.dialogs import ConfirmScreen
from trainer.sanitize import line

STATUS_STYLE = {"passed": "green", "waived": "green", "overdue": "bold red", "failed": "red",
                "retraining-due": "yellow", "in-progress": "cyan", "not-started": "dim"}


def today_of(app) -> date:
    return date.fromtimestamp(getattr(app, "clock", time.time)())


class CompletionScreen(Screen):
    BINDINGS = [
        Binding("g", "cycle_group", "Group", id="grid-group"),
        Binding("s", "cycle_status", "Status", id="grid-status"),
        Binding("n", "assign", "Assign", id="grid-assign"),
        Binding("w", "waive", "Waive retraining", id="grid-waive"),
        Binding("escape", "app.pop_screen", "Back", id="back-grid"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.group: str | None = None
        self.status: str | None = None
        self.rows: dict[str, dict] = {}

    def compose(self) -> ComposeResult:
        yield Static("Completion grid: every trainee × every scenario assigned to them", classes="screen-title")
        yield DataTable(id="grid", cursor_type="row", zebra_stripes=True)
        yield Static(id="grid-status-line", classes="muted")
        yield Footer(compact=True)  # ^q Quit and ? Help fit beside the grid keys

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("Trainee", 14), ("Scenario", 24), ("Due", 10), ("Status", 14), ("Left", 4),
                             ("Passed", 13), ("Via", 12)):
            table.add_column(label, key=label.lower(), width=width)
        self.reload()
        table.focus()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        grid = programme.completion_grid(self.app.store, self.app.library.summaries, today_of(self.app),
                                         group=self.group, status=self.status)
        self.rows = {}
        for r in grid:
            key = f"{r['trainee_id']}:{r['scenario']}"
            self.rows[key] = r
            passed = f"{r['passed_at'][:10]} v{r['passed_version']}" if r["passed_at"] else ""
            left = "" if r["attempts_left"] is None else str(r["attempts_left"])
            table.add_row(Text(line(r["trainee"])), Text(line(r["title"]), overflow="ellipsis", no_wrap=True),
                          Text(r["due"]), Text(r["status"], style=STATUS_STYLE.get(r["status"], "")),
                          Text(left, justify="right"), Text(passed), Text(line(r["via"].removeprefix("group ")), overflow="ellipsis", no_wrap=True), key=key)
        parts = [f"{len(grid)} assignment(s)"]
        counts = {s: sum(1 for r in grid if r["status"] == s) for s in STATUSES}
        parts.append(", ".join(f"{n} {s}" for s, n in counts.items() if n) or "none yet: n to assign")
        parts.append(f"group: {line(self.group) if self.group else 'all'} (g)")
        parts.append(f"status: {self.status or 'all'} (s)")
        self.query_one("#grid-status-line", Static).update(Text(" · ".join(parts)))

    def _groups(self) -> list[str]:
        return [r[0] for r in self.app.store.db.execute("SELECT name FROM groups ORDER BY name_key")]

    def action_cycle_group(self) -> None:
        order = [None, *self._groups()]
        self.group = order[(order.index(self.group) + 1) % len(order)] if self.group in order else None
        self.reload()

    def action_cycle_status(self) -> None:
        order = [None, *STATUSES]
        self.status = order[(order.index(self.status) + 1) % len(order)]
        self.reload()

    def action_assign(self) -> None:
        def done(message: str | None) -> None:
            if message:
                self.notify(message, markup=False)
                self.reload()
        self.app.push_screen(AssignScreen(), done)

    def action_waive(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        row = self.rows[table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value]
        if row["status"] != "retraining-due":
            self.notify(f"Only retraining can be waived; this assignment is {row['status']}.", severity="warning",
                        markup=False)
            return
        question = (f"Accept {line(row['trainee'])}'s version {row['passed_version']} pass of "
                    f"{line(row['title'])} for version {row['current_version']}? (recorded as waived by "
                    f"{line(self.app.supervisor)})")

        def decide(yes: bool | None) -> None:
            if yes:
                try:
                    programme.waive(self.app.store, row["trainee"], row["scenario"], self.app.library.summaries,
                                    self.app.supervisor, today_of(self.app))
                except programme.ProgrammeError as exc:
                    self.notify(line(str(exc)), severity="error", markup=False)
                    return
                self.notify("Retraining waived.")
                self.reload()
        self.app.push_screen(ConfirmScreen(question), decide)


FIELDS = (("what", "Scenario ids or set names, comma-separated"), ("trainee", "Trainee (or leave empty)"),
          ("group", "Group (or leave empty)"), ("due", "Due date YYYY-MM-DD"), ("mode", "Mode: assessment or practice"),
          ("attempts", "Attempts allowed (empty: unlimited)"), ("every", "Every, e.g. 12m (empty: once)"))


class AssignScreen(ModalScreen[str | None]):
    """The form for `trainer assign`: the same checks, the same audit entry. Enter on the last field
    (or ctrl+s anywhere) assigns."""

    AUTO_FOCUS = "#assign-what"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel-assign"),
                Binding("ctrl+s", "save", "Assign", id="save-assign")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static("Assign", classes="screen-title")
            for key, label in FIELDS:
                yield Static(label, classes="muted")
                yield Input(value="assessment" if key == "mode" else "", id=f"assign-{key}")
            yield Static(id="assign-message")
        yield Footer()

    def value(self, key: str) -> str:
        return self.query_one(f"#assign-{key}", Input).value.strip()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == f"assign-{FIELDS[-1][0]}":
            self.action_save()
        else:
            self.focus_next()

    def fail(self, message: str) -> None:
        self.query_one("#assign-message", Static).update(Text(message, style="bold red"))

    def action_save(self) -> None:
        items = [i.strip() for i in self.value("what").split(",") if i.strip()]
        trainee, group = self.value("trainee") or None, self.value("group") or None
        if not items:
            return self.fail("Name at least one scenario id or set.")
        if (trainee is None) == (group is None):
            return self.fail("Give a trainee or a group (one of them).")
        if self.value("mode") not in MODES:
            return self.fail("Mode is assessment or practice.")
        try:
            due = check_due(self.value("due"), today_of(self.app))
            months = parse_every(self.value("every")) if self.value("every") else None
            attempts = int(self.value("attempts")) if self.value("attempts") else None
            if attempts is not None and attempts < 1:
                raise ValueError("attempts must be 1 or more")
        except ValueError as exc:
            return self.fail(line(str(exc)))
        store = self.app.store
        try:
            scenarios = programme.expand(store, items, self.app.library.scenarios)
            programme.assign(store, scenarios, self.app.supervisor, due, trainee=trainee, group=group,
                             mode=self.value("mode"), max_attempts=attempts, every_months=months)
        except programme.ProgrammeError as exc:
            return self.fail(line(str(exc)))
        who = f"group {group}" if group else trainee
        self.dismiss(line(f"Assigned {len(scenarios)} scenario(s) to {who}, due {due.isoformat()}."))

    def action_cancel(self) -> None:
        self.dismiss(None)
