"""The rules of docs/architecture.md, enforced by code instead of memory."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from backcare.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
BACKCARE = ROOT / "backcare"
VIEWS = ROOT / "views"
SQL = re.compile(
    r"\b(SELECT\b[^;]*?\bFROM\b|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX)|PRAGMA\s)",
    re.IGNORECASE,
)


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def string_constants(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
        and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)
    }  # fmt: skip
    return [
        n.value for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]  # fmt: skip


def test_rule1_only_ui_imports_streamlit():
    offenders = [
        p.relative_to(ROOT) for p in python_files(BACKCARE)
        if "ui" not in p.relative_to(BACKCARE).parts[:1] and "streamlit" in imported_modules(p)
    ]  # fmt: skip
    assert offenders == []
    assert "streamlit" in imported_modules(BACKCARE / "ui" / "widgets.py")  # the rule looks at real files


def test_modules_stay_under_about_400_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in python_files(BACKCARE) + python_files(VIEWS)
        if (n := len(p.read_text().splitlines())) > 440
    }
    assert not long, long


def test_rule2_views_and_router_have_no_database_access_or_sql():
    for path in [ROOT / "app.py", *python_files(VIEWS)]:
        assert not {"sqlite3", "sqlite_utils"} & imported_modules(path), path
        assert not [s for s in string_constants(path) if SQL.search(s)], path


def test_rule3_every_view_is_registered_and_every_registered_view_exists():
    router = (ROOT / "app.py").read_text()
    registered = set(re.findall(r'st\.Page\("(views/[\w]+\.py)"', router))
    on_disk = {str(p.relative_to(ROOT)) for p in VIEWS.glob("*.py")}
    assert registered == on_disk
    assert not (ROOT / "pages").exists(), (
        "use views/: a pages/ folder makes Streamlit run screens without the router"
    )


# The store is the bottom layer: it may import only these backcare modules (and itself).
STORE_MAY_IMPORT = {"backcare.errors", "backcare.models", "backcare.parsing", "backcare.records",
                    "backcare.catalogue", "backcare.private_files"}  # fmt: skip


def backcare_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("backcare"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("backcare"))
    return found


def test_rule6_the_store_imports_nothing_above_it():
    offenders = {
        f"{path.relative_to(ROOT)} imports {module}"
        for path in python_files(BACKCARE / "store")
        for module in backcare_imports(path)
        if module not in STORE_MAY_IMPORT and not module.startswith("backcare.store")
    }
    assert not offenders, sorted(offenders)
    lower = [
        BACKCARE / "records.py",
        BACKCARE / "models.py",
        BACKCARE / "parsing.py",
        BACKCARE / "errors.py",
        BACKCARE / "catalogue.py",
    ]
    for path in lower:
        assert backcare_imports(path) <= {
            "backcare.errors", "backcare.models", "backcare.parsing", "backcare.catalogue"
        }, path  # fmt: skip


def test_rule4_only_the_store_contains_sql():
    offenders = [
        p.relative_to(ROOT) for p in python_files(BACKCARE)
        if "store" not in p.relative_to(BACKCARE).parts and any(SQL.search(s) for s in string_constants(p))
    ]  # fmt: skip
    assert offenders == []


def _parsers(parser):
    yield parser
    for action in parser._actions:
        choices = getattr(action, "choices", None)
        if isinstance(choices, dict):
            for sub in choices.values():
                yield from _parsers(sub)


def test_rule5_every_cli_command_and_option_has_help():
    for parser in _parsers(build_parser()):
        assert parser.description, f"{parser.prog} has no description"
        for action in parser._actions:
            if action.dest != "help" and not isinstance(getattr(action, "choices", None), dict):
                assert action.help, f"{parser.prog} {action.dest} has no help"


def test_user_text_is_never_rendered_as_html_and_no_icon_is_fetched():
    for path in [ROOT / "app.py", *python_files(VIEWS), *python_files(BACKCARE)]:
        text = path.read_text()
        assert "unsafe_allow_html" not in text, path
        assert "st.html(" not in text, path
    assert ":material/" not in (ROOT / "app.py").read_text()


def test_streamlit_config_is_private():
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    assert 'address = "127.0.0.1"' in config
    assert "gatherUsageStats = false" in config


def test_public_functions_have_docstrings_and_type_hints():
    missing = []
    for path in python_files(BACKCARE):
        tree = ast.parse(path.read_text())
        top = [*tree.body, *(n for c in tree.body if isinstance(c, ast.ClassDef) for n in c.body)]
        for node in top:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                overload = any(
                    getattr(d, "id", getattr(d, "attr", "")) == "overload" for d in node.decorator_list
                )
                if ast.get_docstring(node) is None and not node.name.startswith("cmd_") and not overload:
                    missing.append(f"{path.name}:{node.name} docstring")
                if node.returns is None and node.name != "__init__":
                    missing.append(f"{path.name}:{node.name} return type")
    assert missing == []
