"""The private Textual details the app leans on (trainer.ui.textual_private) are still there. When a Textual
upgrade changes one, this fails by name, with the version we pinned, instead of the footer or the play
screen going wrong somewhere later."""

from __future__ import annotations

import re
from pathlib import Path

import textual

from trainer.ui import textual_private
from trainer.ui.textual_private import PINNED_TEXTUAL, private_details_missing

ROOT = Path(__file__).resolve().parent.parent


def test_every_private_textual_detail_we_use_is_still_there():
    missing = private_details_missing()
    assert missing == [], (f"textual {textual.__version__} changed private details trainer relies on "
                           f"(written against the pinned textual {PINNED_TEXTUAL}; see trainer/ui/textual_private.py): "
                           + "; ".join(missing))


def test_the_pin_in_pyproject_is_the_version_the_private_details_were_checked_on():
    pinned = re.search(r'"textual==([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pinned and pinned.group(1) == PINNED_TEXTUAL, (
        f"pyproject pins textual {pinned and pinned.group(1)}, but trainer/ui/textual_private.py was checked on "
        f"{PINNED_TEXTUAL}: check each private detail there, then update PINNED_TEXTUAL")
    assert textual.__version__ == PINNED_TEXTUAL, f"installed textual {textual.__version__}, pinned {PINNED_TEXTUAL}"


def test_a_changed_detail_is_named(monkeypatch):
    """What an upgrade that drops one looks like (here Footer's `_bindings_ready`)."""
    monkeypatch.delattr(textual_private.Footer, "_bindings_ready")
    assert private_details_missing() == ["Footer no longer has `_bindings_ready`"]


def test_only_textual_private_reaches_into_textual_private_modules():
    """No `textual.*._module` import, no `._disabled`/`._pruning`/`._bindings_ready`/`._notifications` or
    DataTable's `._new_rows`/`._require_update_dimensions`/`._clear_caches` anywhere else in the app."""
    offenders = []
    for path in sorted((ROOT / "trainer").rglob("*.py")):
        if path.name == "textual_private.py":
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"from textual[\w.]*\._\w+ import",
                        r"\._(disabled|pruning|bindings_ready|notifications|new_rows|require_update_dimensions"
                        r"|clear_caches)\b"):
            offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offenders == []
