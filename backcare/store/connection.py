"""The Store: one SQLite connection per process, a write lock, and all-or-nothing transactions.

Streamlit runs every browser session in its own thread, so the Store shares one connection
(``check_same_thread=False``) behind a re-entrant lock; writes open ``BEGIN IMMEDIATE`` so
another process (the CLI, a second app) waits for the write lock instead of failing halfway.
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
from backcare.private_files import create_private_file
from backcare.store.version import APPLICATION_ID, SCHEMA_VERSION

if TYPE_CHECKING:
    import pandas as pd

BUSY_TIMEOUT_S = 30


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
        if not self.path.exists():
            if not create:
                raise StoreError(f"There is no backcare database at {self.path}.")
            create_private_file(self.path)
        try:
            self.conn = sqlite3.connect(
                str(self.path), check_same_thread=False, timeout=busy_timeout, isolation_level=None
            )
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = FULL")
            self._lock = threading.RLock()
            self._check_identity()
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a usable backcare database ({exc}).") from None

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
        """A counter bumped by every committed write: cached views key on it."""
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
                yield self.conn
                if self._has_meta():
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

    # -- settings ----------------------------------------------------------------------------------
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        """Read an app setting stored in the database."""
        value = self.value("SELECT value FROM meta WHERE key = ?", [f"setting:{key}"])
        return default if value is None else str(value)

    def set_setting(self, key: str, value: str) -> None:
        """Store an app setting in the database."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [f"setting:{key}", value],
            )
