"""The layout's rules, checked on the source: the domain never imports the UI, scoring has no I/O at all,
nothing imports the CLI and only the CLI imports click, the review app and the UI kit never import the
trainee app (trainer.ui is what they share), and no package or module imports round in a circle."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOMAIN_PACKAGES = ("scenario", "play", "progress", "reports", "outbox")
MAX_TOP_MODULES = 6
MAX_MODULE_LINES = 500
# what each UI package must not import: the review runs on the shared kit, never on the trainee app's parts,
# and the kit serves both apps without knowing either
UI_KIT_USERS = {"review": ("trainer.tui",), "ui": ("trainer.tui", "trainer.review")}


def _within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every module imported anywhere in the file (top level or inside a function), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.module, node.lineno))
            out += [(f"{node.module}.{a.name}", node.lineno) for a in node.names]
    return out


def _reaches_into_app(path: Path) -> list[tuple[str, int]]:
    """Every `<something>.app.store` (or `.store_is_open`) in the file: screens read the typed context instead."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.attr, node.lineno) for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr in ("store", "store_is_open")
            and isinstance(node.value, ast.Attribute) and node.value.attr == "app"]


def _sources(root: Path = ROOT):
    for top in ("trainer", "scoring"):
        yield from sorted((root / top).rglob("*.py"))


def _graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the project modules it imports (a `from pkg import mod` counts as importing pkg.mod)."""
    files = list(_sources(root))
    known = {_module_name(p, root) for p in files}
    graph: dict[str, set[str]] = {}
    for path in files:
        name = _module_name(path, root)
        deps = set()
        for imported, _ in _imports(path):
            if imported in known and imported != name:
                deps.add(imported)
        graph[name] = deps
    return graph


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "trainer" and len(parts) > 2 else module


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle, if there is any (depth-first search with colours)."""
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if colour.get(dep) == 1:
                return stack[stack.index(dep):] + [dep]
            if colour.get(dep) is None:
                found = visit(dep)
                if found:
                    return found
        stack.pop()
        colour[node] = 2
        return None

    for node in sorted(graph):
        if node not in colour:
            found = visit(node)
            if found:
                return found
    return None


def _violations(root: Path = ROOT) -> list[str]:
    """Every broken layout rule under `root` (a checkout of this project), as readable lines."""
    bad = []
    for path in _sources(root):
        rel = path.relative_to(root)
        top, *rest = rel.parts
        package = rest[0] if len(rest) > 1 else ""
        for imported, line in _imports(path):
            first = imported.split(".")[0]
            if top == "scoring" and first in {"textual", "sqlite3", "sqlite_utils", "yaml", "os", "pathlib", "io",
                                              "trainer", "rich", "click"}:
                bad.append(f"{rel}:{line}: scoring imports {imported}")
            if top == "trainer" and package in DOMAIN_PACKAGES and first == "textual":
                bad.append(f"{rel}:{line}: the {package} package imports textual")
            entry_point = rel.as_posix() == "trainer/__main__.py"  # `python -m trainer` runs the CLI
            if imported.startswith("trainer.cli") and not (package == "cli" or entry_point):
                bad.append(f"{rel}:{line}: {imported} imported outside the CLI (nothing imports the CLI)")
            if top == "trainer" and package != "cli" and first == "click":
                bad.append(f"{rel}:{line}: click imported outside trainer/cli/ (launch raises, the CLI words it)")
            if top == "trainer" and package in UI_KIT_USERS and _within(imported, UI_KIT_USERS[package]):
                bad.append(f"{rel}:{line}: the {package} package imports {imported} (shared parts live in trainer.ui)")
        if top == "trainer" and package in ("tui", "review", "ui"):
            bad += [f"{rel}:{line}: a screen reaches into `app.{attr}` (read `self.ctx.{attr}`, trainer.ui.context)"
                    for attr, line in _reaches_into_app(path)]
    graph = _graph(root)
    loop = _cycle(graph)
    if loop:
        bad.append("import circle between modules: " + " -> ".join(loop))
    packages: dict[str, set[str]] = {}
    for module, deps in graph.items():
        packages.setdefault(_package(module), set()).update(_package(d) for d in deps if _package(d) != _package(module))
    loop = _cycle(packages)
    if loop:
        bad.append("import circle between packages: " + " -> ".join(loop))
    return bad


def _copy_of_sources(copy: Path) -> Path:
    """The project's sources copied under `copy`, to plant a broken rule in without touching the tree."""
    for path in _sources():
        target = copy / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return copy


def test_layout_rules_hold_on_main():
    assert _violations() == []


def test_a_planted_textual_import_in_the_scenario_package_is_caught(tmp_path):
    copy = _copy_of_sources(tmp_path / "tree")
    planted = copy / "trainer" / "scenario" / "model.py"
    planted.write_text("from textual.widgets import Static\n" + planted.read_text(encoding="utf-8"), encoding="utf-8")
    assert any("scenario package imports textual" in v for v in _violations(copy))


def test_a_planted_tui_import_in_the_review_is_caught(tmp_path):
    copy = _copy_of_sources(tmp_path / "tree")
    planted = copy / "trainer" / "review" / "views.py"
    planted.write_text(planted.read_text(encoding="utf-8") + "\n\ndef _late():\n    from trainer.tui.screens import brief\n",
                       encoding="utf-8")
    found = _violations(copy)
    assert any("trainer/review/views.py" in v and "review package imports trainer.tui.screens" in v for v in found), found


def test_a_planted_review_import_in_the_ui_kit_is_caught(tmp_path):
    copy = _copy_of_sources(tmp_path / "tree")
    planted = copy / "trainer" / "ui" / "widgets.py"
    planted.write_text("import trainer.review.app\n" + planted.read_text(encoding="utf-8"), encoding="utf-8")
    assert any("ui package imports trainer.review.app" in v for v in _violations(copy))


@pytest.mark.parametrize("where", ["launch.py", "tui/app.py", "progress/store.py"])
def test_a_planted_click_import_outside_the_cli_is_caught(tmp_path, where):
    copy = _copy_of_sources(tmp_path / "tree")
    planted = copy / "trainer" / where
    planted.write_text("import click\n" + planted.read_text(encoding="utf-8"), encoding="utf-8")
    found = _violations(copy)
    assert any(f"trainer/{where}:1: click imported outside trainer/cli/" in v for v in found), found


def test_a_planted_reach_into_the_apps_store_is_caught(tmp_path):
    copy = _copy_of_sources(tmp_path / "tree")
    planted = copy / "trainer" / "review" / "views.py"
    planted.write_text(planted.read_text(encoding="utf-8") + "\n\ndef _late(screen):\n    return screen.app.store\n",
                       encoding="utf-8")
    assert any("trainer/review/views.py" in v and "reaches into `app.store`" in v for v in _violations(copy))


def test_a_circle_between_packages_is_caught(tmp_path):
    copy = _copy_of_sources(tmp_path / "tree")
    store = copy / "trainer" / "progress" / "store.py"
    store.write_text(store.read_text(encoding="utf-8") + "\n\ndef _late():\n    from trainer.reports import data\n",
                     encoding="utf-8")
    assert any("circle" in v for v in _violations(copy))


def test_few_plain_modules_at_the_top_and_none_too_long():
    top = [p.name for p in (ROOT / "trainer").glob("*.py")]
    assert len(top) <= MAX_TOP_MODULES, top
    long = [f"{p.relative_to(ROOT)}: {n}" for p in _sources()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert long == []


def test_every_package_says_what_it_holds_and_may_import():
    for init in (ROOT / "trainer").glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "import" in doc.lower(), f"{init.relative_to(ROOT)} needs a docstring saying what it may import"


DOMAIN_MODULES = sorted(_module_name(p) for p in _sources()
                        if p.relative_to(ROOT).parts[0] == "scoring"
                        or (len(p.relative_to(ROOT).parts) > 2 and p.relative_to(ROOT).parts[1] in DOMAIN_PACKAGES))


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_domain_module_does_not_load_textual(module):
    """Not even indirectly, through another module it imports at load time."""
    code = (f"import sys, {module}\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual',))\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "", f"{module} pulls in: {out.stdout.strip()}"


# --- #23: SQL only in trainer/progress/, and the store's database is private ------------------------------
SQL_HOME = "progress"
SQL_EXEMPT: tuple[str, ...] = ()  # every package now reaches the database through progress/
SQL_STATEMENT = re.compile(r"\b(SELECT\b.+\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                           r"CREATE\s+(UNIQUE\s+)?(TABLE|INDEX|TRIGGER|VIEW)|DROP\s+(TABLE|INDEX|TRIGGER))\b", re.S)


def _string_text(node: ast.AST) -> str | None:
    """The text of a string constant, or of an f-string with each interpolation as `?` (so that
    f"SELECT {columns} FROM attempts" is still a SELECT)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else " ? " for v in node.values)
    return None


def _reaches_a_store(node: ast.AST) -> bool:
    """Whether an expression names a store: `store`, `self.app.store`, `other_store`, `obj.store()`,
    `Store.open(path)`."""
    if isinstance(node, ast.Call):
        node = node.func
        if isinstance(node, ast.Attribute) and node.attr in ("open", "memory"):
            node = node.value
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return name.lower().endswith("store")


def _data_access_violations(root: Path = ROOT) -> list[str]:
    bad = []
    for path in _sources(root):
        rel = path.relative_to(root)
        parts = rel.parts
        package = parts[1] if parts[0] == "trainer" and len(parts) > 2 else ""
        if package == SQL_HOME or package in SQL_EXEMPT:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            text = _string_text(node)
            if text is not None and isinstance(node, (ast.Constant, ast.JoinedStr)) and SQL_STATEMENT.search(text):
                bad.append(f"{rel}:{node.lineno}: SQL outside trainer/progress/ (add a named query there): "
                           f"{' '.join(text.split())[:60]}")
            if isinstance(node, ast.Attribute) and (node.attr == "_db"
                                                     or (node.attr == "db" and _reaches_a_store(node.value))):
                bad.append(f"{rel}:{node.lineno}: the store's database ({node.attr}) used outside trainer/progress/")
    return sorted(set(bad))


def test_sql_and_the_stores_database_stay_in_progress():
    assert _data_access_violations() == []


@pytest.mark.parametrize("planted, expected", [
    ("def _late(store):\n    return store.db.execute('SELECT name FROM trainees').fetchall()\n", "SQL outside"),
    ("def _late(conn, table):\n    conn.execute(f\"DELETE FROM {table} WHERE id = ?\", [1])\n", "SQL outside"),
    ("def _late(self):\n    return self.app.store.db\n", "the store's database (db)"),
    ("def _late(store):\n    return store._db\n", "the store's database (_db)"),
])
def test_planted_sql_or_store_database_outside_progress_is_caught(tmp_path, planted, expected):
    copy = _copy_of_sources(tmp_path / "tree")
    target = copy / "trainer" / "review" / "screens.py"
    target.write_text(target.read_text(encoding="utf-8") + "\n\n" + planted, encoding="utf-8")
    found = _data_access_violations(copy)
    assert any(expected in v and v.startswith("trainer/review/screens.py:") for v in found), found


def test_sql_inside_progress_and_paths_named_db_are_not_flagged(tmp_path):
    copy = _copy_of_sources(tmp_path / "tree")
    (copy / "trainer" / "cli" / "extra.py").write_text(
        "def f(obj):\n    return obj.db, 'Select a scenario from the list'\n", encoding="utf-8")
    assert _data_access_violations(copy) == []
