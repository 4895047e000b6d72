"""Where things live: --db PATH > $BACKCARE_DB > data/backcare.db."""

from __future__ import annotations

import os
from pathlib import Path

from backcare.errors import ValidationError

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = PROJECT_ROOT / "data" / "backcare.db"
DB_ENV = "BACKCARE_DB"
DEMO_DB_NAME = "backcare-demo.db"
BUSY_TIMEOUT_ENV = "BACKCARE_BUSY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT_S = 30.0


def db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """Return the database path chosen by --db, then $BACKCARE_DB, then data/backcare.db.

    An explicit --db is checked: empty text, a folder, a symbolic link to nothing or a file in a
    folder that does not exist (other than the default data/ folder, made on first use) is refused
    (ValidationError) rather than silently meaning the default diary, creating folders, or failing later.
    """
    if cli_value is not None:
        if not str(cli_value).strip():
            raise ValidationError("--db is empty; give the path of a diary file, e.g. --db data/backcare.db.")
        path = Path(cli_value).expanduser()
        try:
            return _checked_db(path)
        except OSError as exc:  # a name too long for the file system, a link loop in a folder ...
            raise ValidationError(f"--db {str(path)[:80]}: {exc.strerror or exc}.") from None
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return DEFAULT_DB


def _checked_db(path: Path) -> Path:
    """``--db`` as given, refused when it cannot be (or become) a diary file (see db_path)."""
    if path.is_symlink() and not path.exists():
        raise ValidationError(f"--db {path} is a symbolic link to {os.readlink(path)}, which does not exist.")
    if path.is_dir():
        raise ValidationError(f"--db {path} is a folder; give the path of a diary file inside it.")
    if path.parent.exists() and not path.parent.is_dir():
        raise ValidationError(f"--db {path}: {path.parent} is a file, not a folder.")
    if not path.parent.is_dir() and path.parent.absolute() != DEFAULT_DB.parent:
        raise ValidationError(f"--db {path}: the folder {path.parent} does not exist; create it first.")
    return path


def demo_db_path(main_db: Path | None = None) -> Path:
    """Return the separate demo database that lives next to the person's own database."""
    return (main_db or db_path()).with_name(DEMO_DB_NAME)


AUTH_FILE_NAME = "backcare-auth.json"


def auth_path(main_db: Path | None = None) -> Path:
    """The optional password file (a scrypt hash), next to the person's own database."""
    return (main_db or db_path()).with_name(AUTH_FILE_NAME)


def busy_timeout_s() -> float:
    """Seconds a write waits for another process's change to finish ($BACKCARE_BUSY_TIMEOUT, default 30)."""
    text = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    if not text:
        return DEFAULT_BUSY_TIMEOUT_S
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise ValidationError(
            f"${BUSY_TIMEOUT_ENV} must be a number of seconds from 0 to 3600, not '{text}'."
        )
    return seconds
