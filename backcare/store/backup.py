"""Backups and restore with SQLite's online backup API: consistent copies while the app runs.

* ``backup_to`` writes a complete, consistent copy (owner-only file), even while another window writes.
* ``daily_backup`` keeps one automatic backup per day the app is used, the last 14, in ``backups/``
  next to the diary.
* ``restore_from`` works on a private copy in an owner-only folder next to the diary (never the
  system temporary folder): it folds in the file's ``-wal`` when there is one, checks the copy
  completely (``restore_check``: exact schema for its version, every row against every
  constraint), upgrades it if older, gives it the diary's page size and a newer revision, saves
  the current diary as a backup, and only then copies it into the live database in one step of
  the backup API (readers see the old or the new diary, never a mix). Any failure before or during
  that step leaves the diary exactly as it was, and says so.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from contextlib import ExitStack
from datetime import date, datetime
from pathlib import Path

from backcare.errors import StoreError
from backcare.private_files import OWNER_ONLY, os_problem, private_workspace, replacing
from backcare.store.connection import Store, sqlite_problem
from backcare.store.fingerprints import restamp_blocks
from backcare.store.restore_check import check_file, check_size, check_upgraded, failure, open_read_only
from backcare.store.version import SCHEMA_VERSION

KEEP_DAILY = 14
BACKUP_DIR = "backups"


def backups_folder(store: Store) -> Path:
    """The folder holding automatic backups, created owner-only."""
    folder = store.path.parent / BACKUP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, stat.S_IRWXU)
    return folder


def _workspace(stack: ExitStack, store: Store) -> Path:
    """An owner-only work folder next to the diary, removed when ``stack`` closes."""
    try:
        return stack.enter_context(private_workspace(store.path.parent))
    except OSError as exc:
        problem = os_problem(exc, store.path.parent)
        raise StoreError(
            f"backcare needs room next to the diary to work, but {problem}. Nothing was changed."
        ) from None


def _write_copy(store: Store, target: Path, shown: Path, what: str = "The backup") -> None:
    """Copy the diary into ``target`` (replaced atomically); failures name ``shown``, never a temporary file."""
    try:
        with replacing(target) as temp:
            copy = sqlite3.connect(str(temp))
            try:
                with store._lock:
                    store.conn.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
            finally:
                copy.close()
    except OSError as exc:
        raise StoreError(f"{what} could not be written: {os_problem(exc, shown)}.") from None
    except sqlite3.Error as exc:
        raise StoreError(f"{what} could not be written: {sqlite_problem(exc, shown)}.") from None


def backup_to(store: Store, target: Path) -> Path:
    """Write a consistent copy of the diary to ``target`` (replaced atomically); return the path."""
    target = Path(target)
    _write_copy(store, target, target)
    return target


def backup_bytes(store: Store) -> bytes:
    """A consistent copy of the diary as bytes (for a download button), made next to the diary."""
    with ExitStack() as stack:
        copy = _workspace(stack, store) / "backup.db"
        _write_copy(store, copy, store.path.parent)
        return copy.read_bytes()


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


def check_backup_file(path: Path, name: str | None = None, *, work: Path | None = None) -> int:
    """Validate a single SQLite file as a restorable backcare diary, read-only; return its schema version.

    Raises StoreError naming ``name`` (default: the file's name). The reference schema is built in
    the folder ``work`` when given (a restore's private folder), otherwise in memory.
    """
    label = name or path.name
    try:
        _check_size(path, label)
    except OSError as exc:
        raise StoreError(f"{label} cannot be read ({exc.strerror or exc}). Nothing was changed.") from None
    return check_file(path, work / "reference.db" if work else Path(":memory:"), label)


def _check_size(path: Path, label: str, companions: tuple[Path, ...] = ()) -> int:
    """``check_size`` from the file's header and sizes, reading 100 bytes; return the bytes a copy
    of it and its ``companions`` takes."""
    with open(path, "rb") as handle:
        header, size = handle.read(100), os.fstat(handle.fileno()).st_size
    extra = sum(s.st_size for p in companions if (s := _stat(p)) and stat.S_ISREG(s.st_mode))
    check_size(header, size, label, companion_bytes=extra)
    return size + extra


def _room_for(needed: int, label: str, folder: Path) -> None:
    """Refuse before copying when the diary's disk has not room for the copy and its rebuild."""
    free = shutil.disk_usage(folder).free
    if free < 2 * needed + (1 << 20):
        raise StoreError(
            f"{label} needs about {2 * needed / 2**20:,.0f} MB free next to the diary to be checked, "
            f"but the disk has {free / 2**20:,.0f} MB free. Nothing was changed."
        )


def _fingerprint(*paths: Path) -> list[tuple[int, int] | None]:
    return [(s.st_size, s.st_mtime_ns) if (s := _stat(p)) else None for p in paths]


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def _copy_in(source: Path, target: Path, label: str, folder: Path) -> None:
    try:
        reader = open(source, "rb")  # noqa: SIM115 - closed below; read errors and write errors differ
    except OSError as exc:
        raise StoreError(f"{label} cannot be read ({exc.strerror or exc}). Nothing was changed.") from None
    with reader:
        try:
            with os.fdopen(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY), "wb") as writer:
                shutil.copyfileobj(reader, writer, 1 << 20)
        except OSError as exc:
            problem = os_problem(exc, folder)
            raise StoreError(
                f"{label} could not be copied next to the diary: {problem}. Nothing was changed."
            ) from None


def _gather(source: Path, candidate: Path, label: str, folder: Path) -> None:
    """Copy ``source`` as ``candidate`` with its ``-wal`` or ``-journal`` when present, then let SQLite
    fold the WAL in (or roll an interrupted write back) so one self-contained file remains."""
    try:
        regular = source.is_file()
    except OSError as exc:
        raise StoreError(f"{label} cannot be read ({exc.strerror or exc}). Nothing was changed.") from None
    if not regular:
        raise StoreError(f"{label} is not a file that can be restored. Nothing was changed.")
    companions = [source.with_name(source.name + suffix) for suffix in ("-wal", "-journal")]
    before = _fingerprint(source, *companions)
    try:
        needed = _check_size(source, label, tuple(companions))
    except OSError as exc:
        raise StoreError(f"{label} cannot be read ({exc.strerror or exc}). Nothing was changed.") from None
    _room_for(needed, label, folder)
    _copy_in(source, candidate, label, folder)
    for companion in companions:
        if companion.is_file():
            _copy_in(
                companion,
                candidate.with_name(candidate.name + companion.name[len(source.name) :]),
                label,
                folder,
            )
    if _fingerprint(source, *companions) != before:
        raise StoreError(
            f"{label} changed while it was being read (is a program using it?). "
            "Close that program and try again. Nothing was changed."
        )
    try:
        conn = sqlite3.connect(str(candidate), isolation_level=None)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master")  # the first read rolls a hot journal back
            conn.execute("PRAGMA journal_mode = DELETE")  # folds a WAL in
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise failure(exc, label) from None


def _finish(candidate: Path, label: str, folder: Path, *, page_size: int, revision: int) -> None:
    """Check and upgrade the copy, give it the diary's page size, a revision newer than ``revision``
    (the diary's) and its own, and fresh block stamps."""
    if check_backup_file(candidate, label, work=folder) < SCHEMA_VERSION:
        try:
            Store(candidate).close()  # migrates the copy, never the original file
        except StoreError:
            raise StoreError(
                f"{label} could not be upgraded to this backcare's schema. Nothing was changed."
            ) from None
    try:
        conn = sqlite3.connect(str(candidate), isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
            if conn.execute("PRAGMA page_size").fetchone()[0] != page_size:
                conn.execute(f"PRAGMA page_size = {int(page_size)}")
                conn.execute("VACUUM")  # the backup API cannot change a WAL diary's page size
            # Caches key on the revision: it must never go back to a number seen before.
            own = int(conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()[0])
            conn.execute("UPDATE meta SET value = ? WHERE key = 'revision'", [str(max(revision, own) + 1)])
            restamp_blocks(conn)  # the stamps that came with the file describe writes this diary never saw
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise failure(exc, label) from None
    check_upgraded(candidate, folder / "reference-now.db", label)


def restore_from(store: Store, source: Path, *, name: str | None = None) -> Path:
    """Replace the diary's content with a completely validated backup; return the safety backup of
    the old diary. Raises StoreError, with the diary exactly as before, on any problem."""
    source = Path(source)
    label = name or source.name
    with ExitStack() as stack:
        folder = _workspace(stack, store)
        candidate = folder / "candidate.db"
        try:
            _gather(source, candidate, label, store.path.parent)
            _finish(
                candidate,
                label,
                folder,
                page_size=int(store.value("PRAGMA page_size")),
                revision=store.revision(),
            )
        except UnicodeDecodeError:  # text in the file that is not UTF-8: damaged, or not backcare's
            raise StoreError(f"{label} is damaged and cannot be restored. Nothing was changed.") from None
        stamp = datetime.now().strftime("%Y-%m-%dT%H%M%S")
        try:
            folder_of_backups = backups_folder(store)
        except OSError as exc:
            problem = os_problem(exc, store.path.parent / BACKUP_DIR)
            raise StoreError(
                f"Your diary could not be saved before restoring: {problem}. Nothing was changed."
            ) from None
        safety = folder_of_backups / f"{store.path.stem}-before-restore-{stamp}.db"
        try:
            _write_copy(store, safety, folder_of_backups, "The copy of your diary to keep before restoring")
        except StoreError as exc:
            raise StoreError(f"{exc} Nothing was changed.") from None
        _swap(store, candidate, label, safety)
    return safety


def _swap(store: Store, candidate: Path, label: str, safety: Path) -> None:
    """Copy the prepared candidate into the live diary in one step of the backup API."""
    conn = open_read_only(candidate)
    try:
        with store._lock:
            conn.backup(store.conn)
    except sqlite3.Error as exc:
        raise StoreError(
            f"Restoring {label} failed: {sqlite_problem(exc, store.path)}. Your diary was not changed; "
            f"the copy saved just before is {safety}."
        ) from None
    finally:
        conn.close()


def restore_bytes(store: Store, data: bytes, *, name: str) -> Path:
    """``restore_from`` for an uploaded file: the bytes are kept next to the diary, never in /tmp."""
    with ExitStack() as stack:
        check_size(data[:100], len(data), name)
        upload = _workspace(stack, store) / "upload.db"
        try:
            with os.fdopen(os.open(upload, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY), "wb") as handle:
                handle.write(data)
        except OSError as exc:
            problem = os_problem(exc, store.path.parent)
            raise StoreError(
                f"{name} could not be stored next to the diary: {problem}. Nothing was changed."
            ) from None
        return restore_from(store, upload, name=name)
