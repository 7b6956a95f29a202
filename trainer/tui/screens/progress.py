"""My progress: the trainee's own attempts, per-skill averages, recent trend, and the notes supervisors
left on their attempts (nobody else's)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Sparkline, Static

from trainer.tui.screens.brief import when
from trainer.sanitize import line


class ProgressScreen(Screen):
    BINDINGS = [Binding("escape,p", "app.pop_screen", "Back", id="back-from-progress"),
                Binding("k", "app.change_passphrase", "My passphrase", id="change-passphrase")]

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "app.change_passphrase" or action == "change_passphrase":
            return self.app.account is not None  # only a signed-in person has a passphrase of their own
        return True

    def compose(self) -> ComposeResult:
        trainee = self.app.trainee
        yield Static(Text(f"My progress · {line(trainee.name)}"), classes="screen-title")
        yield Static(id="progress-summary")
        yield Sparkline([], id="trend")
        yield Static(id="progress-notes")
        yield DataTable(id="attempts", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self._show_notes()
        store = self.app.store
        attempts = store.attempts_for(self.app.trainee)
        completed = [a for a in attempts if a["status"] == "completed"]
        scores = [a["overall"] for a in reversed(completed) if a["overall"] is not None]
        passed = sum(1 for a in completed if a["passed"])
        summary = Text()
        plural = "" if len(attempts) == 1 else "s"
        summary.append(f"{len(attempts)} attempt{plural} · {len(completed)} completed · {passed} passed")
        if completed:
            summary.append(f" · pass rate {100 * passed / len(completed):.0f}%")
        averages = store.skill_averages(self.app.trainee)
        if averages:
            summary.append("\nAverage by skill: ")
            summary.append("  ".join(f"{line(k)} {v:.0f}%" for k, v in averages.items()))
        if scores:
            summary.append("\nRecent overall scores (oldest → newest):", style="dim")
        self.query_one("#progress-summary", Static).update(summary)
        trend = self.query_one("#trend", Sparkline)
        trend.data = scores[-30:]
        trend.display = bool(scores)
        table = self.query_one(DataTable)
        for label, key in (("When", "when"), ("Scenario", "scenario"), ("Mode", "mode"), ("Status", "status"),
                           ("Score", "score"), ("Result", "result")):
            table.add_column(label, key=key)
        for a in attempts:
            result = "" if a["passed"] is None else ("✓ pass" if a["passed"] else "✗ not yet")
            score = "" if a["overall"] is None else f"{a['overall']:.0f}%"
            table.add_row(Text(when(a["started_at"])), Text(line(a["scenario_title"] or a["scenario_id"])),
                          Text(a["mode"]), Text(a["status"]), Text(score), Text(result), key=a["id"])
        if not attempts:
            self.query_one("#progress-summary", Static).update("No attempts yet: pick a scenario from the catalogue.")

    def _show_notes(self) -> None:
        from trainer.progress.audit import notes_for_trainee

        notes = notes_for_trainee(self.app.store, self.app.trainee.id)
        box = self.query_one("#progress-notes", Static)
        box.display = bool(notes)
        text = Text("Notes from your supervisor\n", style="bold")
        for note in notes[:5]:
            text.append(f"{when(note['at'])} · {line(note['scenario'])} · {line(note['author'])}: ", style="dim")
            text.append(line(" ".join(note["text"].split())) + "\n")
        box.update(text)
