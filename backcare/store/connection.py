"""The Store: one SQLite connection per process, a write lock, and all-or-nothing transactions.

Streamlit runs every browser session in its own thread, so the Store shares one connection
(``check_same_thread=False``) behind a re-entrant lock; writes open ``BEGIN IMMEDIATE`` so
another process (the CLI, a second app) waits for the write lock instead of failing halfway.

Before anything is opened for writing, ``examine_path`` looks at the file without changing it
(its 100-byte header, or a read-only look that creates no journal): another program's SQLite file,
a dangling link, a read-only file or folder are refused with the real cause, untouched.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backcare.errors import StoreError
from backcare.private_files import create_private_file, os_problem, remove_stale_workspaces
from backcare.store.version import APPLICATION_ID, SCHEMA_VERSION

if TYPE_CHECKING:
    import pandas as pd

BUSY_TIMEOUT_S = 30
SQLITE_HEADER = b"SQLite format 3\x00"
_WRITABLE = os.W_OK | os.X_OK


# Extended codes of writes that could not grow a file: the disk or the file-size limit is full.
_DISK_FULL = {
    sqlite3.SQLITE_IOERR_WRITE, sqlite3.SQLITE_IOERR_FSYNC, sqlite3.SQLITE_IOERR_SHMSIZE,
    sqlite3.SQLITE_IOERR_TRUNCATE,
}  # fmt: skip


def sqlite_problem(exc: sqlite3.Error, path: Path | None = None) -> str:
    """The real cause of a failed SQLite operation (on the file ``path``, if it may be named), in plain words."""
    code = getattr(exc, "sqlite_errorcode", 0) or 0
    primary = code & 0xFF
    if primary == sqlite3.SQLITE_FULL or code in _DISK_FULL:
        return "the disk is full (or failing): a write did not complete"
    if primary == sqlite3.SQLITE_READONLY:
        return f"{path or 'a file it needs'} or its folder is read-only"
    if primary == sqlite3.SQLITE_CANTOPEN:
        return f"{path or 'a file it needs'} cannot be opened (is its folder read-only or missing?)"
    return str(exc)


def _first_existing(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _holds_tables(path: Path) -> bool:
    """Whether the SQLite file has any schema, read with ``immutable=1``: no lock, journal or -shm is created."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    finally:
        conn.close()


def examine_path(path: Path, *, create: bool = True) -> None:
    """Refuse, without writing anything, a path that is not (and cannot become) a writable backcare diary."""
    if path.is_symlink() and not path.exists():
        raise StoreError(f"{path} is a link to a file that does not exist.")
    if not path.exists():
        if not create:
            raise StoreError(f"There is no backcare database at {path}.")
        folder = _first_existing(path.parent)
        if not folder.is_dir():
            raise StoreError(f"{folder} is a file, so the diary cannot be created inside it.")
        if not os.access(folder, _WRITABLE, effective_ids=True):
            raise StoreError(f"The folder {folder} is read-only: backcare cannot create its diary there.")
        return
    if not path.is_file():
        raise StoreError(f"{path} is a folder or a device, not a backcare database file.")
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise StoreError(f"{path} cannot be read: {os_problem(exc, path)}.") from None
    if header:
        if len(header) < 100 or not header.startswith(SQLITE_HEADER):
            raise StoreError(f"{path} is not a backcare database (not a SQLite file). It was left untouched.")
        app_id = int.from_bytes(header[68:72], "big")
        try:
            foreign = app_id != APPLICATION_ID and (app_id != 0 or _holds_tables(path))
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{path} is damaged or not a backcare database ({exc}). It was left untouched."
            ) from None
        if foreign:
            raise StoreError(f"{path} is a SQLite file, but not a backcare database. It was left untouched.")
    real = path.resolve()  # SQLite writes its journal next to the file a link points to
    if not os.access(real, os.R_OK | os.W_OK, effective_ids=True):
        raise StoreError(f"The diary {path} is read-only: backcare needs to write to it.")
    if not os.access(real.parent, _WRITABLE, effective_ids=True):
        raise StoreError(
            f"The folder {real.parent} is read-only: backcare needs to write its journal next to the diary."
        )


def now_iso() -> str:
    """Current UTC time as ISO-8601 text (seconds), as stored in created_at/updated_at."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def with_nullable_ints(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Give optional whole-number columns pandas' nullable Int64 dtype (None -> <NA>)."""
    import pandas as pd

    for col in columns:
        df[col] = pd.to_numeric(df[col]).astype("Int64")
    return df


class Store:
    """A backcare database file: migrated on open, written only inside ``transaction()``."""

    def __init__(
        self, path: str | os.PathLike[str], *, create: bool = True, busy_timeout: float = BUSY_TIMEOUT_S
    ):
        self.path = Path(path)
        examine_path(self.path, create=create)
        created = not self.path.exists()
        try:
            if created:
                create_private_file(self.path)
        except OSError as exc:
            raise StoreError(f"The diary cannot be created: {os_problem(exc, self.path)}.") from None
        remove_stale_workspaces(self.path.parent)
        self.conn = sqlite3.connect(
            str(self.path), check_same_thread=False, timeout=busy_timeout, isolation_level=None
        )
        self._lock = threading.RLock()
        try:
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = FULL")
            self._check_identity()
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            if created:  # a diary that could not even be set up is not left behind
                for made in (self.path, *(self.path.with_name(self.path.name + s) for s in ("-wal", "-shm"))):
                    made.unlink(missing_ok=True)
            code = getattr(exc, "sqlite_errorcode", 0) or 0
            if code & 0xFF in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
                raise StoreError(f"{self.path} is not a usable backcare database ({exc}).") from None
            raise StoreError(
                f"The diary {self.path} cannot be opened: {sqlite_problem(exc, self.path)}."
            ) from None
        except BaseException:
            self.conn.close()
            raise

    # -- lifecycle ------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_identity(self) -> None:
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if app_id == 0 and not tables:
            return  # a brand new file
        if app_id != APPLICATION_ID:
            raise StoreError(f"{self.path} is a SQLite file, but not a backcare database.")
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer backcare (schema {version}; this version knows "
                f"{SCHEMA_VERSION}). Update backcare to open it."
            )

    def _migrate(self) -> None:
        if self.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            return  # current: no need to load sqlite-utils (and, through it, pandas and numpy)
        from sqlite_utils import Database

        from backcare.store.schema import migrations

        db = Database(self.conn)
        if not migrations.pending(db):
            return
        with self.transaction():
            migrations.apply(db)
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- reading -----------------------------------------------------------------------------------
    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        """Run a read query and return rows as dicts."""
        with self._lock:
            cursor = self.conn.execute(sql, params)
            names = [d[0] for d in cursor.description or ()]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def value(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        """Run a read query and return the first column of the first row (or None)."""
        with self._lock:
            row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def frame(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> pd.DataFrame:
        """Run a read query and return a DataFrame (columns kept even when there are no rows)."""
        import pandas as pd

        with self._lock:
            cursor = self.conn.execute(sql, params)
            names = [d[0] for d in cursor.description or ()]
            return pd.DataFrame.from_records(cursor.fetchall(), columns=names)

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the file."""
        return int(self.value("PRAGMA user_version"))

    def revision(self) -> int:
        """A counter that every committed write moves (by one, or by the rows the diary's triggers
        saw): cached views key on it, and it never goes back."""
        return int(self.value("SELECT value FROM meta WHERE key = 'revision'") or 0)

    # -- writing -----------------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All-or-nothing write: BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception.

        Nested calls join the outer transaction.
        """
        with self._lock:
            if self.conn.in_transaction:
                yield self.conn
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError(
                    "The diary is busy with another change (another window or an import). "
                    "Nothing was saved; please try again in a moment."
                ) from exc
            try:
                before = self.revision() if self._has_meta() else None
                yield self.conn
                # The triggers on the diary's tables move the revision with each row they see
                # (migration m005): a transaction that moved it already is not counted again.
                if self._has_meta() and (before is None or self.revision() == before):
                    self.conn.execute(
                        "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'"
                    )
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    def _has_meta(self) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
            is not None
        )
