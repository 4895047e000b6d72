"""Backups and restore with SQLite's online backup API: consistent copies while the app runs.

* ``backup_to`` writes a complete, consistent copy (owner-only file), even while another window writes.
* ``daily_backup`` keeps one automatic backup per day the app is used, the last 14, in ``backups/``
  next to the diary.
* ``restore_from`` validates a file first (SQLite integrity check, a backcare database, a schema
  version this backcare knows), upgrades a copy if it is older, saves the current diary as a
  backup, then copies the restored content into the live database in one step of the backup API
  (readers see either the old or the new diary, never a mix). A bad file changes nothing.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import tempfile
from datetime import date, datetime
from pathlib import Path

from backcare.errors import StoreError
from backcare.private_files import create_private_file, replacing
from backcare.store.connection import Store
from backcare.store.version import APPLICATION_ID, SCHEMA_VERSION

KEEP_DAILY = 14
BACKUP_DIR = "backups"


def backups_folder(store: Store) -> Path:
    """The folder holding automatic backups, created owner-only."""
    folder = store.path.parent / BACKUP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, stat.S_IRWXU)
    return folder


def backup_to(store: Store, target: Path) -> Path:
    """Write a consistent copy of the diary to ``target`` (replaced atomically); return the path."""
    target = Path(target)
    with replacing(target) as temp:
        copy = sqlite3.connect(str(temp))
        try:
            with store._lock:
                store.conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
        finally:
            copy.close()
    return target


def backup_bytes(store: Store) -> bytes:
    """A consistent copy of the diary as bytes (for a download button)."""
    with tempfile.TemporaryDirectory(prefix="backcare-") as folder:
        return backup_to(store, Path(folder) / "backup.db").read_bytes()


def daily_backup(store: Store, today: date | None = None) -> Path | None:
    """Make today's automatic backup if there is none yet; keep the newest 14. Returns the new file."""
    today = today or date.today()
    folder = backups_folder(store)
    target = folder / f"{store.path.stem}-{today.isoformat()}.db"
    if target.exists():
        return None
    backup_to(store, target)
    daily = sorted(folder.glob(f"{store.path.stem}-????-??-??.db"))
    for old in daily[:-KEEP_DAILY]:
        old.unlink(missing_ok=True)
    return target


def check_backup_file(path: Path, name: str | None = None) -> int:
    """Validate a file as a restorable backcare database; return its schema version or raise StoreError."""
    label = name or path.name
    try:
        with open(path, "rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise StoreError(f"{label} cannot be read ({exc}).") from exc
    if header != b"SQLite format 3\x00":
        raise StoreError(f"{label} is not a backcare backup (not a SQLite database). Nothing was changed.")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise StoreError(f"{label} is damaged and cannot be restored ({exc}). Nothing was changed.") from exc
    if result != [("ok",)]:
        raise StoreError(f"{label} failed SQLite's integrity check; it is damaged. Nothing was changed.")
    if app_id != APPLICATION_ID:
        raise StoreError(f"{label} is a SQLite database, but not a backcare diary. Nothing was changed.")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{label} was made by a newer backcare (schema {version}; this one knows {SCHEMA_VERSION}). "
            "Update backcare first. Nothing was changed."
        )
    if version < 1:
        raise StoreError(f"{label} is an empty backcare file with no diary in it. Nothing was changed.")
    return int(version)


def restore_from(store: Store, source: Path, *, name: str | None = None) -> Path:
    """Replace the diary's content with a validated backup; return the safety backup of the old diary."""
    label = name or Path(source).name
    with tempfile.TemporaryDirectory(prefix="backcare-restore-") as folder:
        candidate = Path(folder) / "candidate.db"
        create_private_file(candidate)
        shutil.copyfile(source, candidate)
        check_backup_file(candidate, label)
        with Store(candidate) as upgraded:  # migrates an older schema on the copy, never on the original
            upgraded.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            if upgraded.value("PRAGMA integrity_check") != "ok":
                raise StoreError(f"{label} could not be upgraded safely. Nothing was changed.")
        stamp = datetime.now().strftime("%Y-%m-%dT%H%M%S")
        safety = backup_to(store, backups_folder(store) / f"{store.path.stem}-before-restore-{stamp}.db")
        source_conn = sqlite3.connect(str(candidate))
        try:
            with store._lock:
                old_revision = store.revision()
                source_conn.backup(store.conn)
                # Caches key on the revision: make sure it never goes back to a number seen before.
                with store.transaction() as conn:
                    conn.execute(
                        "UPDATE meta SET value = CAST(? AS TEXT) WHERE key = 'revision'",
                        [max(old_revision, store.revision()) + 1],
                    )
        finally:
            source_conn.close()
    return safety
