"""The command line stays lean: writing one row loads neither pandas nor numpy (nor sqlite-utils),
whichever entry point runs it. Not timed: benchmarks/bench_cli.py prints the figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from backcare.store import SCHEMA_VERSION, Store
from backcare.store.schema import migrations

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "numpy", "sqlite_utils")

PROBE = """
import json, sys
{body}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def _loaded(body: str, db: Path) -> list[str]:
    env = {**os.environ, "BACKCARE_DB": str(db), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(body=body, heavy=HEAVY)],
        capture_output=True, text=True, env=env, timeout=60, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_hard_coded_schema_version_is_the_number_of_migrations():
    assert len(migrations._migrations) == SCHEMA_VERSION


def test_importing_the_cli_loads_no_pandas_numpy_or_sqlite_utils(tmp_path):
    assert _loaded("import backcare.cli", tmp_path / "d.db") == []


def test_checkin_session_list_and_import_on_a_current_diary_stay_lean(tmp_path):
    db = tmp_path / "d.db"
    Store(db).close()  # created and migrated by this (test) process
    body = (
        "from backcare.cli import main\n"
        "assert main(['checkin', '4', '--date', '2026-01-05']) == 0\n"
        "assert main(['session', 'add', 'yoga', '30', '--date', '2026-01-05']) == 0\n"
        "assert main(['list', 'checkins', '--json']) == 0\n"
        "assert main(['list', 'sessions']) == 0\n"
        f"assert main(['import', 'hevy', {str(ROOT / 'tests' / 'fixtures' / 'imports' / 'hevy_export.csv')!r}]) == 0"
    )
    assert _loaded(body, db) == []
    with Store(db) as store:
        assert store.value("SELECT pain FROM checkins WHERE date = '2026-01-05'") == 4


def test_python_dash_m_runs_the_same_lean_main(tmp_path):
    """`python -m backcare` has no import tricks of its own: it is the console script's main()."""
    db = tmp_path / "d.db"
    Store(db).close()
    body = "import runpy, sys\nsys.argv = ['backcare', 'checkin', '3', '--date', '2026-01-05']\n"
    body += "try:\n    runpy.run_module('backcare', run_name='__main__')\nexcept SystemExit as e:\n    assert e.code == 0\n"
    assert _loaded(body, db) == []
    main_source = (ROOT / "backcare" / "__main__.py").read_text()
    assert "sys.modules" not in main_source


def test_a_pending_migration_still_runs(tmp_path):
    """The fast path only skips migrating a diary that is already current."""
    import shutil

    db = tmp_path / "v2.db"
    shutil.copy(ROOT / "tests" / "fixtures" / "schema" / "v2.db", db)
    with Store(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert "time" in {r["name"] for r in store.rows("PRAGMA table_info(checkins)")}
