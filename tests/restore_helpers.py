"""Shared by the restore tests: hostile backups made from real backcare files, and a diary fingerprint."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from backcare import demo
from backcare.store import Store, backup_to
from tests.conftest import ROOT

TABLES = ("checkins", "sessions", "session_movements", "movements", "exercise_types", "symptom_records",
          "experiments", "peg", "global_impression", "red_flag_checks")  # fmt: skip


def fingerprint(diary: Path) -> tuple[str, str]:
    """SHA-256 of the diary file and of its -wal: what 'byte-for-byte as before' means."""
    wal = diary.with_name(diary.name + "-wal")
    digest = hashlib.sha256(diary.read_bytes()).hexdigest()
    return digest, hashlib.sha256(wal.read_bytes()).hexdigest() if wal.exists() else ""


def content(path: Path) -> dict[str, list[tuple]]:
    """Every row of every diary table (not meta), read-only, in a stable order."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}
    finally:
        conn.close()


def demo_backup(folder: Path, days: int = 60, seed: int = 5, name: str = "backup.db") -> Path:
    """A real backup file of a demo diary."""
    folder.mkdir(parents=True, exist_ok=True)
    with Store(folder / f"source-{name}") as source:
        demo.write_demo(source, days, seed)
        return backup_to(source, folder / name)


def mutate(path: Path, *statements: str) -> Path:
    """Run SQL on a backup file as an attacker would: constraints and foreign keys off."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA ignore_check_constraints = ON")
        for sql in statements:
            conn.execute(sql)
    finally:
        conn.close()
    return path


def rebuild_without_checks(path: Path, table: str, retype: dict[str, str] | None = None) -> Path:
    """Rebuild ``table`` with the same column names but no constraints (optionally other types)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        columns = [
            (r[1], (retype or {}).get(r[1], r[2])) for r in conn.execute(f"PRAGMA table_info({table})")
        ]
        spec = ", ".join(f"{name} {kind}" for name, kind in columns)
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA legacy_alter_table = ON")
        conn.execute(f"CREATE TABLE rebuilt ({spec})")
        conn.execute(f"INSERT INTO rebuilt SELECT * FROM {table}")
        conn.execute(f"DROP TABLE {table}")
        conn.execute(f"ALTER TABLE rebuilt RENAME TO {table}")
    finally:
        conn.close()
    return path


def run_cli(
    *args: str, limit_bytes: int | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """``python -m backcare ...`` in a real process; optionally with a file-size limit (a full disk:
    writes past it fail with EFBIG because SIGXFSZ is ignored)."""

    def limited() -> None:
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.run(
        [sys.executable, "-m", "backcare", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        preexec_fn=limited if limit_bytes else None,
        timeout=120,
    )


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make a file or folder read-only even for root (immutable flag), or by its mode otherwise."""
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)]).returncode:
            pytest.skip("running as root without chattr: nothing is read-only for root")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        mode = stat.S_IMODE(path.stat().st_mode)
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)


def leftovers(folder: Path) -> list[str]:
    """Work files a restore or backup may have left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".restore-", ".backcare-")))
