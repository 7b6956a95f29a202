"""The supervisor's side in the environment's language: the review app, the CLI's run-time messages and the
report's human-facing labels in Spanish with LANG=es_ES.UTF-8; exit codes, CSV headers and JSON keys unchanged."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.recorded import recorded_store
from tests.test_tui_output_safety import screen_text
from tests.tui_helpers import scenario_folder
from trainer import i18n
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
