"""The domain never imports the UI: scoring has no I/O at all, and loader/engine/store stay Textual-free."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ["scoring", "trainer.diagnostics", "trainer.yamlsrc", "trainer.format", "trainer.model",
          "trainer.loader", "trainer.analysis", "trainer.engine", "trainer.lint",
          "trainer.library", "trainer.analyze", "trainer.report_json", "trainer.cli", "trainer.store",
          "trainer.migrations", "trainer.recording", "trainer.reports", "trainer.report_formats",
          "trainer.exports", "trainer.passphrase", "trainer.schema", "trainer.graph", "trainer.random_play",
          "trainer.starter", "trainer.cli_authoring", "trainer.cli_supervisor", "trainer.cache",
          "trainer.vocabulary"]


@pytest.mark.parametrize("module", DOMAIN)
def test_domain_module_does_not_load_textual(module):
    code = (f"import sys, {module}\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual',))\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "", f"{module} pulls in: {out.stdout.strip()}"


def test_scoring_imports_nothing_with_io():
    forbidden = {"textual", "sqlite3", "sqlite_utils", "yaml", "os", "pathlib", "io", "trainer", "rich", "click"}
    for path in (ROOT / "scoring").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"
