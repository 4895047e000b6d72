"""What every command group shares: the parser class, opening the diary, checked output files, progress.

Nothing here imports pandas or numpy: ``backcare checkin 4`` stays a small, quick process.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from backcare import config
from backcare.errors import BackcareError, ValidationError
from backcare.models import WHOLE_NUMBER_RE, parse_date
from backcare.private_files import WORKSPACE_PREFIX, write_private
from backcare.store import Store

Handler = Callable[[argparse.Namespace], int]
DISK_FULL = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


class UsageError(BackcareError):
    """The command line itself is wrong (unknown option, missing argument)."""


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting, so errors are one plain line."""

    def error(self, message: str) -> NoReturn:
        """Raise UsageError with argparse's message and a pointer to --help."""
        hint = " ".join(["backcare", *self.prog.split()[1:], "--help"])
        raise UsageError(f"{message} (see: {hint})")


def add_command(parent: Any, name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
    """Add a sub-command whose help and description are ``help_text`` and which runs ``handler``."""
    parser: argparse.ArgumentParser = parent.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=handler)
    return parser


def add_group(parent: Any, name: str, help_text: str, dest: str) -> Any:
    """Add a command that only holds actions (``session add``, ``list checkins`` ...); return its subparsers."""
    group = parent.add_parser(name, help=help_text, description=help_text)
    return group.add_subparsers(dest=dest, metavar="ACTION", parser_class=Parser)


def int_arg(text: str) -> int:
    """argparse type: a plain whole number (digits with an optional sign, nothing else)."""
    if not WHOLE_NUMBER_RE.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number")
    if len(text.strip().lstrip("+-")) > 18:  # beyond what SQLite stores as an integer
        raise argparse.ArgumentTypeError(f"'{text}' is too large a number")
    return int(text)


def day_arg(value: str | None, label: str = "--date") -> date:
    """The day a command is about: --date (not in the future) or today."""
    return parse_date(value, label) if value else date.today()


def date_range(args: argparse.Namespace) -> tuple[date | None, date | None]:
    """--from / --to as dates (either may be missing); --from after --to is refused."""
    start = parse_date(args.from_date, "--from") if args.from_date else None
    end = parse_date(args.to_date, "--to") if args.to_date else None
    if start and end and start > end:
        raise ValidationError("--from must be on or before --to.")
    return start, end


def diary_path(args: argparse.Namespace) -> Path:
    """The diary chosen by --db, $BACKCARE_DB or the default (checked by config.db_path)."""
    return config.db_path(args.db)


def _diary_family(diary: Path) -> list[Path]:
    return [diary, diary.with_name(diary.name + "-wal"), diary.with_name(diary.name + "-shm")]


@contextlib.contextmanager
def open_store(args: argparse.Namespace) -> Iterator[Store]:
    """Open (creating if needed) the diary. Call it only after the arguments are validated: if the
    command still fails and the diary did not exist before, the file it created is removed again."""
    path = diary_path(args)
    existed = path.exists()
    store = Store(path, busy_timeout=config.busy_timeout_s())
    try:
        yield store
    except BaseException:
        untouched = not existed and _holds_nothing(store)
        store.close()
        if untouched:
            for created in _diary_family(path):
                created.unlink(missing_ok=True)
        raise
    store.close()


def _holds_nothing(store: Store) -> bool:
    """True when the diary has no check-in and no session (a file this command only created)."""
    from backcare.store import count_entries

    try:
        return count_entries(store) == 0
    except sqlite3.Error:
        return False


def protected_paths(diary: Path) -> dict[str, str]:
    """Every path (resolved, symbolic links followed) that no output may replace, with what it is
    (a phrase such as "is your diary"):
    derived from the diary's location, both as given and where a link to it really points.

    Files: the diary and the demo diary with their -wal/-shm/-journal, the password file (which also
    keys login tokens) and the login throttle file. Folders, written with a trailing separator, cover
    everything inside them: the automatic backups, the HTTPS key and certificate of ``serve --lan``.
    A key ending in ``.restore-`` covers every restore work folder beside the diary."""
    from backcare import auth
    from backcare.serve import TLS_FOLDER
    from backcare.store.backup import BACKUP_DIR

    protected: dict[str, str] = {}
    for place in (diary.absolute(), Path(os.path.realpath(diary))):
        folder = os.path.realpath(place.parent)
        for db, what in ((place, "is your diary"), (config.demo_db_path(place), "is the demo diary")):
            for suffix in ("", "-wal", "-shm", "-journal"):
                protected[os.path.join(folder, db.name + suffix)] = what
        password = config.auth_path(place)
        protected[os.path.join(folder, password.name)] = "is the password file (it also signs logins)"
        protected[os.path.join(folder, auth.throttle_path(password).name)] = "is the login throttle file"
        protected[os.path.join(folder, BACKUP_DIR, "")] = "is in the automatic backups folder"
        protected[os.path.join(folder, TLS_FOLDER, "")] = "is in the folder of the HTTPS key and certificate"
        protected[os.path.join(folder, WORKSPACE_PREFIX)] = "is in a restore work folder"
    return protected


def _covers(path: str, real: str) -> bool:
    """Whether the protected ``path`` (a file, a folder ending in a separator, or the work-folder
    prefix) is or contains the resolved path ``real``."""
    if path.endswith(os.sep):
        return (real + os.sep).startswith(path)
    if path.endswith(WORKSPACE_PREFIX):
        return real.startswith(path)
    return real == path


def _protection(out: Path, protected: dict[str, str]) -> str | None:
    """What protected thing ``out`` would replace (by its resolved path, or as a hard link), or None."""
    real = os.path.realpath(out)
    for path, what in protected.items():
        if _covers(path, real):
            return what
    if not out.is_file():
        return None
    mine = out.stat()
    for path, what in protected.items():
        candidates = Path(path).glob("*") if path.endswith(os.sep) else [Path(path)]
        for candidate in candidates:
            with contextlib.suppress(OSError):
                if candidate.is_file() and os.path.samestat(candidate.stat(), mine):
                    return what
    return None


def output_path(text: str, args: argparse.Namespace, option: str = "--out") -> Path:
    """Check a file the command will write before any work is done. Refused: anything that resolves
    (links followed, hard links included) to one of ``protected_paths`` of the diary, folders, and
    folders that are missing or read-only."""
    if not text.strip():
        raise ValidationError(f"{option} is empty; give the name of the file to write.")
    out = Path(text).expanduser()
    try:
        return _checked_output(out, args, option)
    except OSError as exc:  # a name too long for the file system, a link loop in a folder ...
        raise ValidationError(f"{option} {str(out)[:80]}: {exc.strerror or exc}.") from None


def _checked_output(out: Path, args: argparse.Namespace, option: str) -> Path:
    what = _protection(out, protected_paths(diary_path(args)))
    if what is not None:
        raise ValidationError(f"{option} {out} {what}; choose another file (nothing was written).")
    if out.is_dir():
        raise ValidationError(f"{option} {out} is a folder; give a file name inside it.")
    if out.exists() and not out.is_file():
        raise ValidationError(f"{option} {out} is a device or a pipe, not a file; give a file name.")
    folder = out.parent
    if not folder.is_dir():
        raise ValidationError(f"{option}: the folder {folder} does not exist.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValidationError(f"{option}: the folder {folder} is read-only.")
    return out


def write_error(exc: OSError | sqlite3.Error, target: Path) -> BackcareError:
    """A one-line explanation of a failed write that names the real cause and the person's file."""
    code = getattr(exc, "errno", None)
    if code in DISK_FULL or "disk is full" in str(exc):
        return BackcareError(f"Could not write {target}: the disk is full (nothing was written).")
    if code in READ_ONLY:
        return BackcareError(f"Could not write {target}: the folder {target.parent} is read-only.")
    reason = getattr(exc, "strerror", None) or str(exc)
    return BackcareError(f"Could not write {target}: {reason}.")


def write_file(target: Path, data: bytes) -> None:
    """Write an owner-only file atomically; failures become one plain line naming ``target``."""
    try:
        write_private(target, data)
    except OSError as exc:
        raise write_error(exc, target) from None


def progress_printer(label: str) -> Callable[[int, int], None]:
    """A progress(done, total) callback that draws a bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return lambda done, total: None

    def show(done: int, total: int) -> None:
        width = 30
        frac = 0.0 if total <= 0 else min(1.0, done / total)
        bar = "#" * int(frac * width)
        sys.stderr.write(f"\r{label} [{bar:<{width}}] {frac:6.1%}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def input_file(path: Path) -> Path:
    """A file a command reads (a backup, an export): refused with its real cause when it is missing,
    a folder, or a device or pipe rather than a file."""
    if path.is_dir():
        raise BackcareError(f"{path} is a folder; give the file itself.")
    if not path.exists():
        raise BackcareError(f"{path}: no such file.")
    if not path.is_file():
        raise BackcareError(f"{path} is not a regular file (a device or a pipe); give a file.")
    return path


def print_listing(
    rows: list[dict[str, Any]], as_json: bool, what: str, header: str, line: Callable[[dict[str, Any]], str]
) -> int:
    """Print `list` output: JSON, a plain 'No <what> in this range.', or a header and one line per row
    (newlines in notes flattened)."""
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif not rows:
        print(f"No {what} in this range.")
    else:
        print(header)
        for row in rows:
            print(line({**row, "notes": (row.get("notes") or "").replace("\n", " ")}))
    return 0
