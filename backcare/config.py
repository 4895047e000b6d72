"""Where things live: --db PATH > $BACKCARE_DB > data/backcare.db."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = PROJECT_ROOT / "data" / "backcare.db"
DB_ENV = "BACKCARE_DB"
DEMO_DB_NAME = "backcare-demo.db"


def db_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """Return the database path chosen by --db, then $BACKCARE_DB, then data/backcare.db."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return DEFAULT_DB


def demo_db_path(main_db: Path | None = None) -> Path:
    """Return the separate demo database that lives next to the person's own database."""
    return (main_db or db_path()).with_name(DEMO_DB_NAME)


AUTH_FILE_NAME = "backcare-auth.json"


def auth_path(main_db: Path | None = None) -> Path:
    """The optional password file (a scrypt hash), next to the person's own database."""
    return (main_db or db_path()).with_name(AUTH_FILE_NAME)
