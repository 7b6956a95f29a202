from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import trainer.outbox  # noqa: F401  the statement builder, as the CLI and the apps register it (test_progress_records)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def write(tmp_path):
    """Write a dedented scenario file and return its path."""

    def _write(text: str, name: str = "sample.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


def doc_example() -> str:
    text = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    return re.findall(r"## A complete example.*?```yaml\n(.*?)```", text, re.S)[0]


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    """Never touch the real user database or extra scenario folders from the environment."""
    monkeypatch.setenv("TRAINER_DB", str(tmp_path / "progress.db"))
    (tmp_path / "out").mkdir()  # for `-o` files: the database's folder is refused (#24)
    monkeypatch.setenv("TRAINER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TRAINER_SCENARIOS", raising=False)
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):  # the app's own text in English unless a test asks
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    from trainer import i18n

    i18n.set_language(None)


@pytest.fixture
def fast_hashing(monkeypatch):
    """Cheap argon2id parameters for tests that hash many passphrases (test_passphrase.py checks the real
    defaults); stored hashes keep their own parameters, so checks stay exact."""
    from argon2 import PasswordHasher

    from trainer.progress import passphrase

    monkeypatch.setattr(passphrase, "hasher", lambda: PasswordHasher(time_cost=1, memory_cost=256, parallelism=1))
