"""Looking after the diary: create it, back it up, restore it, protect the app with a password, demo data."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

from backcare import config
from backcare.cli.common import (
    add_command,
    diary_path,
    input_file,
    int_arg,
    open_store,
    output_path,
    write_error,
)
from backcare.errors import BackcareError


def cmd_init(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        print(f"backcare database ready at {store.path} (schema {store.schema_version})")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from backcare.store import backup_to

    out = output_path(args.out, args)
    with open_store(args) as store:
        try:
            target = backup_to(store, out)
        except (OSError, sqlite3.Error) as exc:
            raise write_error(exc, out) from None
    print(
        f"Backup written to {target} ({target.stat().st_size / 1024:.0f} KB). Keep it somewhere safe and private."
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from backcare.store import count_entries, restore_from

    source = input_file(Path(args.file))
    with open_store(args) as store:
        safety = restore_from(store, source)
        entries = count_entries(store)
    print(
        f"Restored {source.name}: {entries} check-ins and sessions. Your previous diary was saved as {safety}."
    )
    return 0


def cmd_set_password(args: argparse.Namespace) -> int:
    import getpass

    from backcare import auth

    path = config.auth_path(diary_path(args))
    if args.clear:
        auth.save_record(path, None)
        print("Password removed. The app is open to anyone who can reach it on this computer.")
        return 0
    given = os.environ.get("BACKCARE_NEW_PASSWORD")
    if not given and not sys.stdin.isatty():
        raise BackcareError(
            "set-password asks for the password in a terminal; run it in one "
            "(or give it in the BACKCARE_NEW_PASSWORD environment variable). Nothing was changed."
        )
    first = given or getpass.getpass("New password: ")
    second = given or getpass.getpass("Same password again: ")
    if first != second:
        raise BackcareError("The two passwords differ; nothing was changed.")
    auth.save_record(path, auth.hash_password(first))
    print(f"Password set (stored as a scrypt hash in {path}). Every page now asks for it.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from backcare import demo

    with open_store(args) as store:
        history = demo.write_demo(store, days=args.days, seed=args.seed)
        print(
            f"Wrote {len(history.checkins)} check-ins and {len(history.sessions)} sessions of demo data "
            f"to {store.path}."
        )
    return 0


def register_init(sub: Any) -> None:
    """Add `init` (first in the command list)."""
    add_command(sub, "init", cmd_init, "Create the database if it is missing (safe to run again).")


def register(sub: Any) -> None:
    """Add the backup, restore, password and demo commands to the parser."""
    p = add_command(
        sub, "backup", cmd_backup, "Write a complete, consistent copy of the diary (safe while the app runs)."
    )
    p.add_argument("--out", required=True, help="backup file to write")
    p = add_command(
        sub, "restore", cmd_restore,
        "Replace the diary with a backup (checked first; the current diary is kept as a backup).",
    )  # fmt: skip
    p.add_argument("file", help="a backup made by backcare (the .db file)")

    p = add_command(
        sub,
        "set-password",
        cmd_set_password,
        "Protect the web app with a password (or remove it with --clear).",
    )
    p.add_argument("--clear", action="store_true", help="remove the password")

    p = add_command(
        sub, "demo", cmd_demo, "Fill an empty (or demo) database with realistic invented history."
    )
    p.add_argument("--days", type=int_arg, default=180, help="number of days (default 180)")
    p.add_argument("--seed", type=int_arg, default=7, help="random seed (default 7)")
