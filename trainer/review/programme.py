"""Review: the completion grid (every trainee x every scenario assigned to them, filtered by group and
status), assigning work, and waiving retraining, all under the signed-in supervisor's name."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Input, Static

from trainer.i18n import N_, _, ngettext
from trainer.progress import programme
from trainer.progress.schedule import MODES, STATUSES, check_due, parse_every
from trainer.review.dialogs import ConfirmScreen
from trainer.sanitize import line
from trainer.ui.translated import TranslatedModalScreen, TranslatedScreen
from trainer.ui.widgets import coloured, word
from trainer.ui.footer import KeysFooter

STATUS_STYLE = {"passed": "green", "waived": "green", "overdue": "bold red", "failed": "red",
                "retraining-due": "yellow", "in-progress": "cyan", "not-started": "dim"}
# an assignment's status as shown (the stored word stays English)
STATUS_WORDS = {"passed": N_("passed"), "waived": N_("waived"), "overdue": N_("overdue"), "failed": N_("failed"),
                "retraining-due": N_("retraining due"), "in-progress": N_("in progress"),
                "not-started": N_("not started")}


def status_word(status: str) -> str:
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


class CompletionScreen(TranslatedScreen):
    BINDINGS = [
        Binding("g", "cycle_group", N_("Group"), id="grid-group"),
        Binding("s", "cycle_status", N_("Status"), id="grid-status"),
        Binding("n", "assign", N_("Assign"), id="grid-assign"),
        Binding("w", "waive", N_("Waive retraining"), id="grid-waive"),
        Binding("escape", "app.pop_screen", N_("Back"), id="back-grid"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.group: str | None = None
        self.status: str | None = None
        self.rows: dict[str, dict] = {}

    def compose(self) -> ComposeResult:
        yield Static(_("Completion grid: every trainee × every scenario assigned to them"), classes="screen-title")
        yield DataTable(id="grid", cursor_type="row", zebra_stripes=True)
        yield Static(id="grid-status-line", classes="muted")
        yield Footer(compact=True)  # ^q Quit and ? Help fit beside the grid keys

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for heading, width in ((N_("Trainee"), 14), (N_("Scenario"), 24), (N_("Due"), 10), (N_("Status"), 14),
                               (N_("Left"), 4), (N_("Passed"), 13), (N_("Via"), 12)):
            table.add_column(_(heading), key=heading.lower(), width=width)
        self.reload()
        table.focus()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        grid = programme.completion_grid(self.ctx.store, self.ctx.library.summaries, self.ctx.today(),
                                         group=self.group, status=self.status)
        self.rows = {}
        for r in grid:
            key = f"{r['trainee_id']}:{r['scenario']}"
            self.rows[key] = r
            passed = f"{r['passed_at'][:10]} v{r['passed_version']}" if r["passed_at"] else ""
            left = "" if r["attempts_left"] is None else str(r["attempts_left"])
            table.add_row(Text(line(r["trainee"])), Text(line(r["title"]), overflow="ellipsis", no_wrap=True),
                          Text(r["due"]), Text(status_word(r["status"]), style=STATUS_STYLE.get(r["status"], "")),
                          Text(left, justify="right"), Text(passed), Text(line(r["via"].removeprefix("group ")), overflow="ellipsis", no_wrap=True), key=key)
        parts = [ngettext("{count} assignment", "{count} assignments", len(grid)).format(count=len(grid))]
        counts = {s: sum(1 for r in grid if r["status"] == s) for s in STATUSES}
        parts.append(", ".join(f"{n} {status_word(s)}" for s, n in counts.items() if n) or _("none yet: n to assign"))
        parts.append(_("group: {name} (g)").format(name=line(self.group) if self.group else _("all")))
        parts.append(_("status: {status} (s)").format(status=status_word(self.status) if self.status else _("all")))
        self.query_one("#grid-status-line", Static).update(Text(" · ".join(parts)))

    def _groups(self) -> list[str]:
        from trainer.progress.lookups import group_names

        return group_names(self.ctx.store)

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
            self.notify(_("Only retraining can be waived; this assignment is {status}.").format(
                status=status_word(row["status"])), severity="warning", markup=False)
            return
        question = _("Accept {trainee}'s version {passed} pass of {title} for version {current}? (recorded as "
                     "waived by {supervisor})").format(trainee=line(row["trainee"]), passed=row["passed_version"],
                                                        title=line(row["title"]), current=row["current_version"],
                                                        supervisor=line(self.ctx.supervisor))

        def decide(yes: bool | None) -> None:
            if yes:
                try:
                    programme.waive(self.ctx.store, row["trainee"], row["scenario"], self.ctx.library.summaries,
                                    self.ctx.supervisor, self.ctx.today())
                except programme.ProgrammeError as exc:
                    self.notify(line(str(exc)), severity="error", markup=False)
                    return
                self.notify(_("Retraining waived."))
                self.reload()
        self.app.push_screen(ConfirmScreen(question), decide)


FIELDS = (("what", N_("Scenario ids or set names, comma-separated")), ("trainee", N_("Trainee (or leave empty)")),
          ("group", N_("Group (or leave empty)")), ("due", N_("Due date YYYY-MM-DD")),
          ("mode", N_("Mode: assessment or practice")),
          ("attempts", N_("Attempts allowed (empty: unlimited)")), ("every", N_("Every, e.g. 12m (empty: once)")))


class AssignScreen(TranslatedModalScreen[str | None]):
    """The form for `trainer assign`: the same checks, the same audit entry. Enter on the last field
    (or ctrl+s anywhere) assigns."""

    AUTO_FOCUS = "#assign-what"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="cancel-assign"),
                Binding("ctrl+s", "save", N_("Assign"), id="save-assign")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):  # one line per field: the whole form fits at 80x24
            yield Static(_("Assign"), classes="screen-title")
            for key, label in FIELDS:
                with Horizontal(classes="form-row"):
                    yield Static(_(label), classes="form-label")
                    yield Input(value=word("assessment") if key == "mode" else "", id=f"assign-{key}",
                                classes="form-input")
            yield Static(id="assign-message")
        yield KeysFooter()

    def value(self, key: str) -> str:
        return self.query_one(f"#assign-{key}", Input).value.strip()

    def mode(self) -> str | None:
        """The mode typed, in English or as shown in the current language; None when it is neither."""
        typed = self.value("mode").casefold()
        return next((m for m in MODES if typed in (m, word(m).casefold())), None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == f"assign-{FIELDS[-1][0]}":
            self.action_save()
        else:
            self.focus_next()

    def fail(self, message: str) -> None:
        self.query_one("#assign-message", Static).update(coloured(message, "bold red"))

    def action_save(self) -> None:
        items = [i.strip() for i in self.value("what").split(",") if i.strip()]
        trainee, group = self.value("trainee") or None, self.value("group") or None
        if not items:
            return self.fail(_("Name at least one scenario id or set."))
        if (trainee is None) == (group is None):
            return self.fail(_("Give a trainee or a group (one of them)."))
        mode = self.mode()
        if mode is None:
            return self.fail(_("Mode is assessment or practice."))
        try:
            due = check_due(self.value("due"), self.ctx.today())
            months = parse_every(self.value("every")) if self.value("every") else None
            attempts = int(self.value("attempts")) if self.value("attempts") else None
            if attempts is not None and attempts < 1:
                raise ValueError(_("attempts must be 1 or more"))
        except ValueError as exc:
            return self.fail(line(str(exc)))
        store = self.ctx.store
        try:
            scenarios = programme.expand(store, items, self.ctx.library.scenarios)
            from trainer.progress.accounts import jurisdiction_of

            here = jurisdiction_of(store)
            elsewhere = self.ctx.library.elsewhere([sid for sid, _via in scenarios], here)
            if elsewhere:
                ident, code = elsewhere[0]
                return self.fail(line(_("'{id}' teaches {code} law and practice and this site trains for {here}: "
                                        "pick a {here} scenario (`trainer assign --any-jurisdiction` assigns it "
                                        "anyway)").format(id=ident, code=code, here=here)))
            programme.assign(store, scenarios, self.ctx.supervisor, due, trainee=trainee, group=group,
                             mode=mode, max_attempts=attempts, every_months=months)
        except programme.ProgrammeError as exc:
            return self.fail(line(str(exc)))
        who = _("group {name}").format(name=group) if group else trainee
        self.dismiss(line(ngettext("Assigned {count} scenario to {who}, due {date}.",
                                   "Assigned {count} scenarios to {who}, due {date}.", len(scenarios)).format(
            count=len(scenarios), who=who, date=due.isoformat())))

    def action_cancel(self) -> None:
        self.dismiss(None)
