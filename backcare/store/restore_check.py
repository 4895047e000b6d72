"""What a file must be before it may replace the diary: exactly backcare's schema for its version,
and every row one that schema accepts.

The reference is built fresh with the project's own migrations up to the file's version, so the
check follows the schema wherever it goes. Checked, in this order, all read-only on the file:
SQLite's header; the application id, schema version and text encoding; every object in
``sqlite_master`` (tables, indexes and backcare's own triggers, no views, nothing extra; CREATE
statements compared with whitespace normalised); every table's columns (name, type, not-null, default,
primary key), foreign keys and indexes; only then ``integrity_check`` (which evaluates the
schema's expressions); the record of applied migrations; then every row,
re-inserted into the reference, so each CHECK, NOT NULL and UNIQUE constraint judges it, followed
by ``foreign_key_check``; finally ``meta`` (the revision must be a whole number).
"""

from __future__ import annotations

import re
import sqlite3
import struct
from pathlib import Path
from typing import Any

from backcare.errors import StoreError
from backcare.records import ExperimentPlan
from backcare.store.connection import SQLITE_HEADER, sqlite_problem
from backcare.store.version import APPLICATION_ID, SCHEMA_VERSION


def migration_names() -> list[str]:
    """Names of backcare's migrations in order (imports sqlite-utils: only when a file is checked)."""
    from backcare.store.schema import migrations

    return [m.name for m in migrations._migrations]


_SPACE = re.compile(r"\s+")


def quoted(name: str) -> str:
    """An SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def failure(exc: sqlite3.Error, label: str) -> StoreError:
    """A StoreError for an SQLite failure while preparing ``label``: damage, or the real cause
    (never naming a work file)."""
    code = getattr(exc, "sqlite_errorcode", 0) or 0
    if code & 0xFF in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT) or not code:
        detail = " ".join(str(exc).split())  # SQLite may quote the damaged schema, newlines and all
        detail = detail if len(detail) <= 120 else detail[:117] + "..."
        return StoreError(f"{label} is damaged and cannot be restored ({detail}). Nothing was changed.")
    return StoreError(f"{label} could not be prepared: {sqlite_problem(exc)}. Nothing was changed.")


MAX_RESTORE_BYTES = 1 << 30  # 1 GiB: years of daily entries take a few MB
_HEADER = struct.Struct(">16sHBBBBBBIIIIIIIIIIII20sII")  # SQLite's 100-byte file header


def check_size(header: bytes, size: int, label: str, *, companion_bytes: int = 0) -> None:
    """Refuse, from the first 100 bytes and the sizes alone (before anything is copied), a file that
    cannot be a diary: no SQLite header, a page size SQLite never writes, a size that is not whole
    pages or (with no -wal/-journal beside it) differs from the page count its header records, or
    more than MAX_RESTORE_BYTES together with its -wal/-journal (``companion_bytes``)."""
    damaged = f"{label} is damaged and cannot be restored"
    if len(header) < _HEADER.size or not header.startswith(SQLITE_HEADER):
        raise StoreError(f"{label} is not a backcare backup (not a SQLite database). Nothing was changed.")
    fields = _HEADER.unpack(header[: _HEADER.size])
    page_size = 65536 if fields[1] == 1 else fields[1]
    change_counter, page_count, valid_for = fields[8], fields[9], fields[-2]
    if page_size < 512 or page_size & (page_size - 1):
        raise StoreError(f"{damaged} (its header gives a page size of {fields[1]}). Nothing was changed.")
    if size % page_size:
        raise StoreError(f"{damaged} (its size is not a whole number of pages). Nothing was changed.")
    if not companion_bytes and page_count and change_counter == valid_for and page_count * page_size != size:
        raise StoreError(
            f"{damaged} (its size, {size:,} bytes, differs from the {page_count * page_size:,} its header "
            "records). Nothing was changed."
        )
    if size + companion_bytes > MAX_RESTORE_BYTES:
        raise StoreError(
            f"{label} is {(size + companion_bytes) / 2**30:.1f} GiB, larger than any backcare diary "
            f"({MAX_RESTORE_BYTES >> 30} GiB at most); it was not restored. Nothing was changed."
        )


def open_read_only(path: Path) -> sqlite3.Connection:
    """Open a file that is not trusted yet: read-only, page cells checked as they are read."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    conn.execute("PRAGMA cell_size_check = ON")
    return conn


def build_reference(path: Path, version: int) -> sqlite3.Connection:
    """A fresh database at ``path`` built by backcare's migrations up to schema ``version``."""
    from sqlite_utils import Database  # only here: importing it pulls pandas in (the lean CLI path)

    from backcare.store.schema import migrations

    conn = sqlite3.connect(str(path), isolation_level=None, uri=True)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    names = migration_names()
    stop = names[version] if version < len(names) else None
    migrations.apply(Database(conn), stop_before=stop)
    return conn


def _objects(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[str, str]]:
    # SQLite's own statistics (ANALYZE, PRAGMA optimize, a database browser's "Optimize") only guide
    # its query planner; a diary they were made on is still the diary. Names starting "sqlite_" are
    # reserved, so no one can make a table of their own under these.
    # A damaged file may hold a blob where the schema has text: read every value as text.
    rows = conn.execute(
        "SELECT CAST(type AS TEXT), CAST(name AS TEXT), CAST(tbl_name AS TEXT), CAST(sql AS TEXT) "
        "FROM sqlite_master WHERE NOT (type = 'table' AND name GLOB 'sqlite_stat[1-4]')"
    ).fetchall()
    return {(t, n): (tbl, _SPACE.sub(" ", sql or "").strip()) for t, n, tbl, sql in rows}


def _table_details(conn: sqlite3.Connection, table: str) -> dict[str, Any]:
    q = quoted(table)
    indexes = conn.execute(f"PRAGMA index_list({q})").fetchall()
    return {
        "columns": [
            (r[1], r[2].upper(), r[3], r[4], r[5], r[6]) for r in conn.execute(f"PRAGMA table_xinfo({q})")
        ],
        "foreign keys": sorted(conn.execute(f"PRAGMA foreign_key_list({q})").fetchall()),
        "indexes": sorted(
            (r[1], r[2], r[3], r[4], tuple(conn.execute(f"PRAGMA index_xinfo({quoted(r[1])})").fetchall()))
            for r in indexes
        ),
    }


def schema_difference(candidate: sqlite3.Connection, reference: sqlite3.Connection) -> str | None:
    """How the candidate's schema differs from the reference, in words; None when it is the same."""
    from backcare.store.schema_m005 import TRIGGER_NAMES

    have, want = _objects(candidate), _objects(reference)
    for kind in ("trigger", "view"):
        # Any trigger or view backcare does not make, or one of backcare's defined otherwise. (One
        # of backcare's own triggers in a file of an older version is a schema difference, below.)
        extra = sorted(
            n
            for t, n in have
            if t == kind and (n not in TRIGGER_NAMES or ((t, n) in want and have[(t, n)] != want[(t, n)]))
        )
        if extra:
            return f"it contains a {kind} ({extra[0]}), which backcare never makes"
    # Tables first: a rebuilt table also loses its automatic indexes, and the table is the news; a
    # table defined otherwise before a missing or extra one (a file of another version: what changed).
    order = sorted(
        set(want) | set(have), key=lambda key: (key[0] != "table", key not in have or key not in want, key)
    )
    for key in order:
        if key not in have:
            return f"the {key[0]} {key[1]} is missing"
        if key not in want:
            return f"it has an extra {key[0]} {key[1]}"
        if have[key] != want[key]:
            return f"the {key[0]} {key[1]} is not defined as backcare defines it"
    for kind, name in sorted(want):
        if kind == "table":
            mine, theirs = _table_details(candidate, name), _table_details(reference, name)
            for aspect, value in theirs.items():
                if mine[aspect] != value:
                    return f"the {aspect} of the table {name} differ from backcare's"
    return None


def _integrity(conn: sqlite3.Connection, label: str) -> None:
    if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
        raise StoreError(f"{label} failed SQLite's integrity check; it is damaged. Nothing was changed.")


def _header_facts(conn: sqlite3.Connection, label: str) -> int:
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if app_id != APPLICATION_ID:
        raise StoreError(f"{label} is a SQLite database, but not a backcare diary. Nothing was changed.")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{label} was made by a newer backcare (schema {version}; this one knows {SCHEMA_VERSION}). "
            "Update backcare first. Nothing was changed."
        )
    if version < 1:
        raise StoreError(f"{label} is an empty backcare file with no diary in it. Nothing was changed.")
    if conn.execute("PRAGMA encoding").fetchone()[0] != "UTF-8":
        raise StoreError(f"{label} uses a text encoding backcare never writes. Nothing was changed.")
    return version


def _untrusted(label: str, reason: str) -> StoreError:
    one_line = " ".join(reason.split())  # SQLite quotes multi-line CHECK expressions
    return StoreError(
        f"{label} is not a backcare diary this version can restore: {one_line}. Nothing was changed."
    )


# The storage classes a column of each declared type may hold (what backcare itself writes).
_STORED_AS = {"TEXT": ("text",), "INTEGER": ("integer",), "REAL": ("real", "integer")}


def _check_storage(reference: sqlite3.Connection, tables: list[str], label: str) -> None:
    """Every value has the storage class its column's type says (no BLOB in a text column, no 0.5 in
    an integer one), every text is valid UTF-8, and every experiment plan is a plan backcare can read."""
    for table in tables:
        for column in reference.execute(f"PRAGMA main.table_info({quoted(table)})").fetchall():
            name, declared = column[1], str(column[2]).upper()
            allowed = _STORED_AS.get(declared)
            if allowed is None:
                continue
            listed = ", ".join(f"'{kind}'" for kind in (*allowed, "null"))
            wrong = reference.execute(
                f"SELECT typeof({quoted(name)}) FROM main.{quoted(table)} "
                f"WHERE typeof({quoted(name)}) NOT IN ({listed}) LIMIT 1"
            ).fetchone()
            if wrong is not None:
                raise _untrusted(
                    label,
                    f"the column {table}.{name} holds a {wrong[0]} value where backcare stores {declared.lower()}",
                )
        try:
            reference.execute(f"SELECT * FROM main.{quoted(table)}").fetchall()
        except (UnicodeDecodeError, sqlite3.OperationalError):
            raise _untrusted(label, f"the table {table} holds text that is not valid UTF-8") from None
    if "experiments" in tables:
        for (plan_json,) in reference.execute("SELECT plan_json FROM main.experiments"):
            try:
                ExperimentPlan.from_json(plan_json)
            except (ValueError, TypeError, KeyError):
                raise _untrusted(label, "an experiment's plan is not one backcare can read") from None


def _check_rows(reference: sqlite3.Connection, candidate: Path, version: int, label: str) -> None:
    """Re-insert every row of the candidate into the reference: each constraint judges each row."""
    tables = [r[0] for r in reference.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    # The reference only judges rows: its triggers (the block stamps) would write rows of their own.
    triggers = [r[0] for r in reference.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    for trigger in triggers:
        reference.execute(f"DROP TRIGGER main.{quoted(trigger)}")
    reference.execute("ATTACH DATABASE ? AS backup", [f"{candidate.resolve().as_uri()}?mode=ro"])
    try:
        for table in tables:
            reference.execute(f"DELETE FROM main.{quoted(table)}")
        for table in tables:
            columns = ", ".join(
                quoted(r[1]) for r in reference.execute(f"PRAGMA main.table_info({quoted(table)})")
            )
            try:
                reference.execute(
                    f"INSERT INTO main.{quoted(table)} ({columns}) SELECT {columns} FROM backup.{quoted(table)}"
                )
            except sqlite3.IntegrityError as exc:
                raise _untrusted(
                    label, f"the table {table} holds a value backcare never stores ({exc})"
                ) from None
    finally:
        reference.execute("DETACH DATABASE backup")
    _check_storage(reference, tables, label)
    dangling = reference.execute("PRAGMA main.foreign_key_check").fetchone()
    if dangling is not None:
        raise _untrusted(label, f"a row of {dangling[0]} refers to a missing row of {dangling[2]}")
    applied = [r[0] for r in reference.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    if applied != migration_names()[:version]:
        raise _untrusted(label, f"its record of schema changes does not match schema {version}")
    meta = dict(reference.execute("SELECT key, value FROM meta").fetchall())
    revision = meta.get("revision")
    whole = isinstance(revision, str) and revision.isascii() and revision.isdigit() and len(revision) < 16
    if meta.get("app") != "backcare" or not whole:
        raise _untrusted(label, "its meta table does not hold backcare's values")


def check_file(path: Path, reference_path: Path, label: str) -> int:
    """Validate the single SQLite file ``path`` completely, read-only; return its schema version.

    ``reference_path`` is where the reference database may be built (a private work folder).
    Raises StoreError naming ``label`` (never ``path``) on the first problem found.
    """
    try:
        conn = open_read_only(path)
        try:
            version = _header_facts(conn, label)
            reference = build_reference(reference_path, version)
            try:
                difference = schema_difference(conn, reference)
                if difference:
                    raise _untrusted(label, difference)
                _integrity(conn, label)  # only now: it evaluates the (verified) schema's expressions
                _check_rows(reference, path, version, label)
            finally:
                reference.close()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise failure(exc, label) from None
    except UnicodeDecodeError as exc:
        raise StoreError(f"{label} is damaged and cannot be restored ({exc}). Nothing was changed.") from None
    return version


def check_upgraded(path: Path, reference_path: Path, label: str) -> None:
    """After the upgrade of a checked copy: the schema is exactly the current one, integrity and keys hold."""
    try:
        conn = open_read_only(path)
        reference = build_reference(reference_path, SCHEMA_VERSION)
        try:
            difference = schema_difference(conn, reference)
            broken = conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]
            dangling = conn.execute("PRAGMA foreign_key_check").fetchone() is not None
        finally:
            reference.close()
            conn.close()
    except sqlite3.Error as exc:
        raise failure(exc, label) from None
    if difference or broken or dangling:
        raise StoreError(f"{label} could not be upgraded safely. Nothing was changed.")
