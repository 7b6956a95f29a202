"""Review views beyond the trainee drill-down: one scenario's item analysis in conversation order, and
techniques grouped by the framework they come from (NURSE, HEARD, AIDET, SPIKES, identity verification)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from trainer.reports.charts import in_conversation_order
from trainer.reports.data import scenario_rows, technique_usage
from trainer.sanitize import line

# Tag prefix -> framework, in the order /work/shared/frameworks.md teaches them.
FRAMEWORKS = (
    ("NURSE — responding to emotion", ("nurse",)),
    ("HEARD — service recovery", ("heard", "leap", "cares", "de-escalation")),
    ("AIDET — encounter structure", ("aidet",)),
    ("SPIKES — difficult news", ("spikes",)),
    ("Identity verification and minimum necessary", ("verify", "privacy", "identity")),
    ("Emergencies", ("emergency", "be-fast", "red-flags")),
    ("Teach-back and plain language", ("teach-back", "plain-language", "language-access")),
    ("Team self-care", ("team-care",)),
)
OTHER = "Other techniques"


def framework_of(tag: str) -> str:
    prefix = tag.split(":", 1)[0].strip().lower()
    return next((name for name, prefixes in FRAMEWORKS if prefix in prefixes), OTHER)


def _pct(value) -> Text:
    return Text("—" if value is None else f"{value:.0f}%", justify="right")


class ItemsScreen(Screen):
    """Every choice picked in one scenario, step by step as the conversation runs."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="back-items")]

    def __init__(self, scenario_id: str, mode: str | None = None):
        super().__init__()
        self.scenario_id, self.mode = scenario_id, mode

    def compose(self) -> ComposeResult:
        yield Static(id="items-title", classes="screen-title")
        yield DataTable(id="items", cursor_type="row", zebra_stripes=True)
        yield Static(id="items-status", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        store = self.app.store
        kwargs = {"mode": self.mode} if self.mode else {}
        rows = scenario_rows(store, scenario=self.scenario_id, **kwargs)
        row = rows[0] if rows else None
        title = (row["title"] if row else None) or self.scenario_id
        suffix = f" · {self.mode}" if self.mode else ""
        self.query_one("#items-title", Static).update(Text(f"Item analysis · {line(title)}{suffix}"))
        table = self.query_one(DataTable)
        for label, key, width in (("Step", "step", 16), ("Choice", "choice", 34), ("Picked", "picks", 6),
                                  ("Share", "share", 5), ("Avg", "points", 5)):
            table.add_column(label, key=key, width=width)
        items = in_conversation_order(store, self.scenario_id, row["items"], self.app.library.scenarios) if row else []
        node = None
        for k, item in enumerate(items):
            step = Text(line(item["node"]) if item["node"] != node else "", style="bold")
            node = item["node"]
            choice = Text(line(" ".join((item["text"] or item["choice_id"]).split())))
            if item["critical"]:
                choice = Text("CRITICAL ", style="bold red") + choice
            points = Text(f"{item['average_points']:+.1f}", justify="right",
                          style="red" if item["average_points"] < 0 else "green" if item["average_points"] > 0 else "")
            table.add_row(step, choice, Text(str(item["picks"]), justify="right"), _pct(item["share"]), points,
                          key=str(k))
        status = (f"{row['attempts']} attempts · pass rate {_pct(row['pass_rate'])} · in conversation order"
                  if row else "No attempts recorded for this scenario yet.")
        self.query_one("#items-status", Static).update(Text(status))
        table.focus()


class TechniquesScreen(Screen):
    """Each framework's techniques: who uses them well, who misses them."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="back-techniques")]

    def __init__(self, mode: str | None = None):
        super().__init__()
        self.mode = mode

    def compose(self) -> ComposeResult:
        suffix = f" ({self.mode})" if self.mode else ""
        yield Static(f"Techniques by framework: used well, and missed{suffix}", classes="screen-title")
        yield DataTable(id="techniques", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label in ("Technique", "Trainee", "Used well", "Missed"):
            table.add_column(label, key=label.lower())
        order = [name for name, _ in FRAMEWORKS] + [OTHER]
        grouped: dict[str, list[tuple[str, str, int, int]]] = {name: [] for name in order}
        for person in self.app.store.trainees():
            args = (self.mode,) if self.mode else ()
            for row in technique_usage(self.app.store, person.name, *args):
                grouped[framework_of(row["tag"])].append((row["tag"], person.name, row["used_well"], row["missed"]))
        for name in order:
            if not grouped[name]:
                continue
            table.add_row(Text(name, style="bold"), Text(""), Text(""), Text(""), key=f"framework:{name}")
            for tag, who, good, missed in sorted(grouped[name], key=lambda r: (r[0].lower(), r[1].lower())):
                table.add_row(Text("  " + line(tag)), Text(line(who)), Text(str(good), justify="right"),
                              Text(str(missed), justify="right", style="red" if missed > good else ""))
        table.focus()
