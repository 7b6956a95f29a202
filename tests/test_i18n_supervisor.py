"""The supervisor's side in the environment's language: the review app, the CLI's run-time messages and the
report's human-facing labels in Spanish with LANG=es_ES.UTF-8; exit codes, CSV headers and JSON keys unchanged."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from textual.widgets import DataTable

from tests.conftest import FIXTURES
from tests.recorded import recorded_store
from tests.test_cli_errors import assert_one_line, run_main
from tests.test_tui_output_safety import screen_text
from tests.tui_helpers import scenario_folder
from trainer import i18n
from trainer.cli import cli
from trainer.launch import create_review_app
from trainer.progress import passphrase

SIZE = (80, 24)
SECRET = "correct horse battery"


def in_spanish(monkeypatch) -> None:
    """As a new process started with LANG=es_ES.UTF-8 chooses its language."""
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    i18n.set_language(None)


async def test_the_review_app_in_spanish(tmp_path, monkeypatch):
    store = recorded_store(tmp_path)
    passphrase.set_passphrase(store, SECRET)
    in_spanish(monkeypatch)
    app = create_review_app(store=store, scenario_dirs=[scenario_folder(tmp_path)], bundled=False,
                            supervisor="Sam Supervisor")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        gate = screen_text(app)
        assert "Revisión de supervisor" in gate and "Escriba la frase de acceso de supervisor." in gate
        await pilot.press(*"guess", "enter")
        await pilot.pause()
        assert "Esa frase de acceso no es correcta. Le quedan 4 intentos." in screen_text(app)
        await pilot.press(*SECRET, "enter")
        await pilot.pause()
        trainees = screen_text(app)
        assert "Alumnos" in trainees and "solo evaluación (m: práctica) · 2 alumnos · orden: nombre" in trainees
        assert "Exportar" in trainees and "Ayuda" in trainees  # footer keys
        assert "Trainees" not in trainees and "sorted by" not in trainees
        await pilot.press("enter")
        await pilot.pause()
        attempts = screen_text(app)
        assert "Intentos · Dana Whitfield" in attempts and "Lo siguiente para este alumno" in attempts
        assert "Cuándo" in attempts and "evaluación" in attempts
        table = app.screen.query_one(DataTable)
        assert sorted(str(table.get_row_at(i)[5]) for i in range(table.row_count)) == ["✓ aprobado", "✗ no aprobado"]
    store.close()


# --- the command line -------------------------------------------------------------------------------------------

MISUSE = [  # (arguments, the reason in English, in Spanish, exit status) — docs/cli.md's statuses, in both languages
    (["simulate", "no-such-scenario"], "no scenario 'no-such-scenario'", "no hay ningún escenario 'no-such-scenario'", 2),
    (["report", "--trainee", "Nobody"], "no trainee 'Nobody'", "no hay ningún alumno 'Nobody'", 2),
    (["assign", "minimal", "--due", "2030-01-01"], "give one of --trainee NAME or --group GROUP",
     "indique --trainee NOMBRE o --group GRUPO", 2),
    (["sync", "--status"], "this is a personal database", "esta es una base de datos personal", 1),
    (["report", "--since", "yesterday"], "'yesterday' is not a date like 2026-11-01",
     "'yesterday' no es una fecha como 2026-11-01", 2),
    (["waive", "minimal", "--trainee", "Nobody"], "there is no trainee named 'Nobody'",
     "no hay ningún alumno llamado 'Nobody'", 1),
]


@pytest.mark.parametrize("args, english, spanish, status", MISUSE)
def test_cli_errors_in_spanish_keep_their_exit_status_and_one_line(monkeypatch, capsys, args, english, spanish,
                                                                   status):
    code, output = run_main(monkeypatch, capsys, *args)
    assert code == status
    assert_one_line(output, english)
    in_spanish(monkeypatch)
    code, output = run_main(monkeypatch, capsys, *args)
    assert code == status
    assert_one_line(output, spanish)
    assert english not in output


def test_lang_es_in_a_real_process_gives_the_error_in_spanish(tmp_path):
    env = {**os.environ, "LANG": "es_ES.UTF-8", "TRAINER_DB": str(tmp_path / "progress.db")}
    done = subprocess.run([sys.executable, "-m", "trainer", "report", "--trainee", "Nadie"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "Error: no hay ningún alumno 'Nadie'" in done.stderr and "Traceback" not in done.stderr


def test_json_output_is_the_same_in_every_language(runner, monkeypatch):
    commands = [["list", "--format", "json"], ["simulate", str(FIXTURES / "minimal.yaml"), "--choose", "1",
                                                "--format", "json"],
                ["validate", str(FIXTURES / "minimal.yaml"), "--format", "json"]]
    def timeless(value):  # a step's time and latency are the only things allowed to differ between the two runs
        if isinstance(value, dict):
            return {k: "…" if k in ("at", "latency") else timeless(v) for k, v in value.items()}
        return [timeless(v) for v in value] if isinstance(value, list) else value

    english = [timeless(json.loads(runner.invoke(cli, args).output)) for args in commands]
    in_spanish(monkeypatch)
    spanish = [timeless(json.loads(runner.invoke(cli, args).output)) for args in commands]
    assert spanish == english and all(english)


def test_run_time_messages_in_spanish(runner, monkeypatch, tmp_path):
    in_spanish(monkeypatch)
    listing = runner.invoke(cli, ["list"])
    assert listing.exit_code == 0 and re.search(r"\d+ escenarios en \d+ categorías", listing.output)
    assert "privacidad" in listing.output  # a category, as the app shows it
    checked = runner.invoke(cli, ["validate", str(FIXTURES / "minimal.yaml")])
    assert checked.exit_code == 0 and "1 archivo revisado: 0 errores" in checked.output
    wrong = runner.invoke(cli, ["simulate", str(FIXTURES / "minimal.yaml"), "--choose", "9"])
    assert wrong.exit_code == 1 and "error: la elección 1 ('9') no está disponible en el nodo" in wrong.output


# --- reports ----------------------------------------------------------------------------------------------------

def test_the_text_and_html_reports_in_spanish_csv_and_json_unchanged(tmp_path, runner, monkeypatch):
    recorded_store(tmp_path).close()  # the database TRAINER_DB names; no passphrase, so no gate
    folder = ["--scenarios", str(scenario_folder(tmp_path))]

    def run(*args) -> str:
        result = runner.invoke(cli, [*folder, *args])
        assert result.exit_code == 0, result.output
        return result.output

    def undated(text: str):
        data = json.loads(text)
        data.pop("generated_at")
        return data

    english = {fmt: run("report", "--format", fmt) for fmt in ("text", "csv", "json", "html")}
    english["export"] = run("export", "--format", "csv")
    in_spanish(monkeypatch)
    text = run("report")
    assert text.startswith("Alumnos (2)") and "Escenarios (2)" in text
    assert "Dana Whitfield · evaluación: 2 intentos, 2 completados, tasa de aprobación 50%" in text
    assert "Trainees" not in text and "pass rate" not in text
    page = run("report", "--format", "html")
    assert "<html lang='es'>" in page and "<h1>Informe de progreso de la formación</h1>" in page
    assert "Tasa de aprobación por escenario" in page and "Training progress report" not in page
    assert run("report", "--format", "csv") == english["csv"]  # other tools read these: never translated
    assert run("export", "--format", "csv") == english["export"]
    assert undated(run("report", "--format", "json")) == undated(english["json"])
    assert english["text"].startswith("Trainees (2)") and "<html lang='en'>" in english["html"]


def test_the_training_record_pdf_in_spanish(runner, tmp_path, monkeypatch, fast_hashing):
    from tests.test_record import SAM, pdf_text, site

    db = site.__wrapped__(runner, monkeypatch, tmp_path, fast_hashing)  # the record tests' site, as they build it
    in_spanish(monkeypatch)
    out = tmp_path / "out" / "sam.pdf"
    assert runner.invoke(cli, ["--db", str(db), "record", SAM, "-o", str(out)]).exit_code == 0
    text = pdf_text(out.read_bytes()).replace("\n", " ")
    assert "Expediente de formación" in text and f"Alumno: {SAM}" in text and "Grupos: Front desk" in text
    assert "Pendientes" in text and "no superado, queda 1 intento" in text and "evaluación" in text
    assert "Training record" not in text and "Outstanding" not in text
    printed = re.search(r"Impreso: (\S+ \S+ \S+)", text).group(1)
    assert printed.split()[1].islower()  # the month as Spanish writes it (nov, not Nov)
