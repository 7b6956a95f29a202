"""No supervisor-facing text escapes translation: the review app's key screens, the CLI's run-time messages,
the text report and a played scenario's summary, under the made-up language of tests/test_pseudo_locale.py (every catalogue string accented and
marked ⟦…⟧, scenario text and names in Cyrillic). An ASCII word left over is app text outside gettext, unless it
is known data: ids, tags, key names, file paths, English month names."""

from __future__ import annotations

import re
from datetime import date, timedelta

from textual.widgets import DataTable

from tests.test_pseudo_locale import SIZE, check, cyrillic_scenarios, install_pseudo_language
from trainer.cli import cli
from trainer.launch import create_review_app
from trainer.play.recording import RecordedAttempt
from trainer.progress import audit, passphrase, programme
from trainer.progress.store import Store
from trainer.scenario.library import load_library

SECRET = "correct horse battery"
SUPERVISOR = "Сэм Супервайзер"
PLAYS = [("Зоя Ветрова", "privacy-call", ["warm-opening", "check-authorisation", "offer-route"]),
         ("Зоя Ветрова", "privacy-call", ["confirm-patient", "read-results"]),
         ("Лука Орлов", "privacy-call", ["warm-opening", "check-authorisation", "policy-wall"]),
         ("Лука Орлов", "move", ["help"])]


def recorded_site(tmp_path):
    """A personal database with a supervisor passphrase, attempts by two trainees on the Cyrillic scenarios,
    a supervisor's note and an assignment, recorded the way the app records them."""
    folder = cyrillic_scenarios(tmp_path)
    library = load_library((folder,), include_bundled=False)
    store = Store.open(tmp_path / "progress.db")
    passphrase.set_passphrase(store, SECRET)
    clock = iter(range(1_700_000_000, 1_800_000_000, 7)).__next__
    ids = {}
    for name, scenario, choices in PLAYS:
        scenario = library.get(scenario)
        attempt = RecordedAttempt.start(store, store.trainee(name), scenario, "assessment",
                                        clock=lambda: float(clock()))
        for choice in choices:
            attempt.choose(choice)
        ids.setdefault(name, attempt.attempt_id)
    audit.add_note(store, ids["Зоя Ветрова"], SUPERVISOR, "Хорошо проверили личность.")
    programme.assign(store, programme.expand(store, list(library.scenarios), library.scenarios), SUPERVISOR,
                     date.today() + timedelta(days=7), trainee="Лука Орлов")
    return store, folder, library


def data_of(library) -> set[str]:
    """Ids a supervisor's screens show as they are: scenario, node and choice ids."""
    words = set(library.scenarios)
    for scenario in library.scenarios.values():
        words |= set(scenario.nodes) | set(scenario.endings)
        words |= {choice.id for node in scenario.nodes.values() for choice in node.choices}
    return words


def ascii_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]+", text))


async def test_the_review_app_speaks_only_the_pseudo_language(tmp_path, monkeypatch):
    store, folder, library = recorded_site(tmp_path)
    install_pseudo_language(tmp_path, monkeypatch)
    monkeypatch.chdir(tmp_path)  # the export's suggested file name is a path: data
    app = create_review_app(store=store, scenario_dirs=[folder], bundled=False, supervisor=SUPERVISOR)
    extra = data_of(library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        check(app, "the passphrase gate", extra)
        await pilot.press(*"guess", "enter")
        await pilot.pause()
        check(app, "a wrong passphrase", extra)
        await pilot.press(*SECRET, "enter")
        await pilot.pause()
        check(app, "trainees", extra)
        await pilot.press("m")
        check(app, "trainees, practice", extra)
        await pilot.press("m", "question_mark")
        check(app, "help over trainees", extra)
        await pilot.press("escape", "e")
        await pilot.pause()
        check(app, "the export dialog", extra | ascii_words(str(tmp_path)) | {"csv"})
        await pilot.press("escape", "enter")  # Зоя's attempts
        await pilot.pause()
        check(app, "a trainee's attempts", extra)
        await pilot.press("enter")
        await pilot.pause()
        check(app, "a transcript", extra)
        await pilot.press("s")
        await pilot.pause()
        check(app, "the sign-off question", extra)
        await pilot.press("n", "n")
        await pilot.pause()
        check(app, "the note prompt", extra)
        await pilot.press("escape", "escape", "escape", "v")
        await pilot.pause()
        check(app, "scenarios", extra)
        await pilot.press("enter")
        await pilot.pause()
        check(app, "item analysis", extra)
        await pilot.press("escape", "escape", "t")
        await pilot.pause()
        assert app.screen.query_one(DataTable).row_count
        check(app, "techniques", extra)
        await pilot.press("escape", "a")
        await pilot.pause()
        assert app.screen.query_one(DataTable).row_count
        check(app, "the completion grid", extra)
        await pilot.press("s")
        check(app, "the completion grid filtered by status", extra)
        await pilot.press("n")
        await pilot.pause()
        check(app, "the assign form", extra)
    store.close()


def cli_leftovers(text: str, data: set[str]) -> list[str]:
    """ASCII words of the app's own in a command's output: click's 'Error:' prefix, usage lines (click's
    own, help stays English) and known data taken out first."""
    kept = [line.removeprefix("Error: ") for line in text.splitlines()
            if not line.startswith(("Usage: ", "Try '"))]
    text = "\n".join(kept)
    for item in sorted(data, key=len, reverse=True):
        text = text.replace(item, " ")
    return [w for w in re.findall(r"[A-Za-z]+", text) if len(w) > 1]


def test_the_cli_speaks_only_the_pseudo_language(tmp_path, monkeypatch, runner):
    store, folder, library = recorded_site(tmp_path)
    store.close()
    every = load_library((folder,))  # the bundled scenarios too, as the command line sees them
    data = set(every.scenarios) | {s.title for s in every.summaries.values()} | {str(tmp_path / "new" / "pseudo-test.yaml"), str(tmp_path), "Nobody"}
    data |= {skill for s in every.scenarios.values() for skill in s.skills}  # a scenario's own skills, as written
    data |= {s.language for s in every.summaries.values()}  # language tags (`es`), data like the ids beside them
    data |= data_of(library)
    install_pseudo_language(tmp_path, monkeypatch)
    monkeypatch.setenv("TRAINER_DB", str(tmp_path / "progress.db"))
    monkeypatch.setenv("TRAINER_PASSPHRASE", SECRET)
    runs = {
        "list": ["--scenarios", str(folder), "list"],
        "validate": ["validate", str(folder)],
        "an unknown trainee": ["report", "--trainee", "Nobody"],
        "assign without a trainee": ["assign", "move", "--due", "2030-01-01"],
        "suggestions": ["--scenarios", str(folder), "suggest", "--trainee", "Лука Орлов"],
        "sets": ["sets", "list"],
        "a new scenario": ["new", "pseudo-test", "--category", "privacy", "--dir", str(tmp_path / "new")],
        "a choice that is not there": ["--scenarios", str(folder), "simulate", "move", "--choose", "9"],
        "the text report": ["--scenarios", str(folder), "report"],
        "a played scenario": ["--scenarios", str(folder), "simulate", "privacy-call", "--seed", "3", "--choose",
                              "confirm-patient,read-results"],
        "an unfinished one": ["--scenarios", str(folder), "simulate", "privacy-call", "--choose", "warm-opening"],
    }
    for what, args in runs.items():
        result = runner.invoke(cli, args)
        output = result.output  # standard output and error, as a terminal shows them
        if what == "validate":  # the scenario diagnostics above the summary are the author's (English) tool
            output = output.strip().splitlines()[-1]
        assert output.strip(), what
        assert not cli_leftovers(output, data), f"trainer {what}: app text outside gettext in {output!r}"
