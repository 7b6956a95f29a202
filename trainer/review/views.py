"""Review views beyond the trainee drill-down: one scenario's item analysis in conversation order, and
techniques grouped by the framework they come from (NURSE, HEARD, AIDET, SPIKES, identity verification)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from trainer.i18n import N_, _, ngettext
from trainer.reports.charts import in_conversation_order
from trainer.reports.data import scenario_rows, technique_usage
from trainer.sanitize import line
from trainer.ui.tables import FlowTable, one_line, wrapping
from trainer.ui.translated import TranslatedScreen
from trainer.ui.widgets import word
from trainer.ui.footer import KeysFooter

# Tag prefix -> framework, in the order /work/shared/frameworks.md teaches them.
FRAMEWORKS = (
    (N_("NURSE — responding to emotion"), ("nurse",)),
    (N_("HEARD — service recovery"), ("heard", "leap", "cares", "de-escalation")),
    (N_("AIDET — encounter structure"), ("aidet",)),
    (N_("SPIKES — difficult news"), ("spikes",)),
    (N_("Identity verification and minimum necessary"), ("verify", "privacy", "identity")),
    (N_("Emergencies"), ("emergency", "be-fast", "red-flags")),
    (N_("Teach-back and plain language"), ("teach-back", "plain-language", "language-access")),
    (N_("Team self-care"), ("team-care",)),
)
OTHER = N_("Other techniques")


def framework_of(tag: str) -> str:
    prefix = tag.split(":", 1)[0].strip().lower()
    return next((name for name, prefixes in FRAMEWORKS if prefix in prefixes), OTHER)


def _pct(value) -> Text:
    return Text("—" if value is None else f"{value:.0f}%", justify="right")


class ItemsScreen(TranslatedScreen):
    """Every choice picked in one scenario, step by step as the conversation runs."""

    BINDINGS = [Binding("escape", "app.pop_screen", N_("Back"), id="back-items")]

    def __init__(self, scenario_id: str, mode: str | None = None):
        super().__init__()
        self.scenario_id, self.mode = scenario_id, mode

    def compose(self) -> ComposeResult:
        yield Static(id="items-title", classes="screen-title")
        yield FlowTable(id="items", cursor_type="row", zebra_stripes=True)
        yield Static(id="items-status", classes="muted")
        yield KeysFooter()

    def on_mount(self) -> None:
        store = self.ctx.store
        kwargs = {"mode": self.mode} if self.mode else {}
        rows = scenario_rows(store, scenario=self.scenario_id, **kwargs)
        row = rows[0] if rows else None
        title = (row["title"] if row else None) or self.scenario_id
        suffix = f" · {word(self.mode)}" if self.mode else ""
        self.query_one("#items-title", Static).update(Text(_("Item analysis") + f" · {line(title)}{suffix}"))
        table = self.query_one(DataTable)
        for heading, key, width in ((N_("Step"), "step", 16), (N_("Choice"), "choice", 34), (N_("Picked"), "picks", 6),
                                    (N_("Share"), "share", 5), (N_("Avg"), "points", 5)):
            table.add_column(_(heading), key=key, width=width)
        table.flex("choice", 24, 100)  # the whole choice, wrapped: it is what the row is about
        items = in_conversation_order(store, self.scenario_id, row["items"], self.ctx.library.scenarios) if row else []
        node = None
        for k, item in enumerate(items):
            step = one_line(Text(line(item["node"]) if item["node"] != node else "", style="bold"))
            node = item["node"]
            choice = Text(line(" ".join((item["text"] or item["choice_id"]).split())))
            if item["critical"]:
                choice = Text(_("CRITICAL") + " ", style="bold red") + choice
            points = Text(f"{item['average_points']:+.1f}", justify="right",
                          style="red" if item["average_points"] < 0 else "green" if item["average_points"] > 0 else "")
            table.add_row(step, wrapping(choice), Text(str(item["picks"]), justify="right"), _pct(item["share"]),
                          points, key=str(k), height=None)
        status = (ngettext("{count} attempt · pass rate {rate} · in conversation order",
                           "{count} attempts · pass rate {rate} · in conversation order", row["attempts"]).format(
                      count=row["attempts"], rate=_pct(row["pass_rate"])) if row
                  else _("No attempts recorded for this scenario yet."))
        self.query_one("#items-status", Static).update(Text(status))
        table.focus()


class TechniquesScreen(TranslatedScreen):
    """Each framework's techniques: who uses them well, who misses them."""

    BINDINGS = [Binding("escape", "app.pop_screen", N_("Back"), id="back-techniques")]

    def __init__(self, mode: str | None = None):
        super().__init__()
        self.mode = mode

    def compose(self) -> ComposeResult:
        suffix = f" ({word(self.mode)})" if self.mode else ""
        yield Static(_("Techniques by framework: used well, and missed") + suffix, classes="screen-title")
        yield DataTable(id="techniques", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for heading, key in ((N_("Technique"), "technique"), (N_("Trainee"), "trainee"), (N_("Used well"), "used well"),
                             (N_("Missed"), "missed")):
            table.add_column(_(heading), key=key)
        order = [name for name, _prefixes in FRAMEWORKS] + [OTHER]
        grouped: dict[str, list[tuple[str, str, int, int]]] = {name: [] for name in order}
        for person in self.ctx.store.trainees():
            args = (self.mode,) if self.mode else ()
            for row in technique_usage(self.ctx.store, person.name, *args):
                grouped[framework_of(row["tag"])].append((row["tag"], person.name, row["used_well"], row["missed"]))
        for name in order:
            if not grouped[name]:
                continue
            table.add_row(Text(_(name), style="bold"), Text(""), Text(""), Text(""), key=f"framework:{name}")
            for tag, who, good, missed in sorted(grouped[name], key=lambda r: (r[0].lower(), r[1].lower())):
                table.add_row(Text("  " + line(tag)), Text(line(who)), Text(str(good), justify="right"),
                              Text(str(missed), justify="right", style="red" if missed > good else ""))
        table.focus()
