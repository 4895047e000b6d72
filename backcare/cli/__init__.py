"""Command line: ``backcare`` (or ``python -m backcare``). Each command is a few lines over backcare.

Exit codes: 0 success; 2 bad input or usage, a refused file, a busy or full disk (one plain line
on stderr, no traceback); 1 unexpected error. The parser is assembled from one module per
command group; every module imports pandas, numpy and the heavy engines inside its commands only.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from backcare.cli import admin, diary, files, insights, serve, sessions
from backcare.cli.common import DISK_FULL, Handler, Parser, UsageError, add_group
from backcare.errors import BackcareError

__all__ = ["UsageError", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (every command has help text; tests check it)."""
    parser = Parser(prog="backcare", description="backcare: a private back-pain and exercise diary.")
    parser.add_argument("--db", help="database file (default: $BACKCARE_DB, else data/backcare.db)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    admin.register_init(sub)
    diary.register(sub)
    sessions.register(sub)
    verbs = {
        "list": add_group(sub, "list", "Print check-ins or sessions (optionally as JSON).", "list_what"),
        "edit": add_group(
            sub, "edit", "Change a check-in or a session (only the fields you name).", "edit_what"
        ),
        "delete": add_group(sub, "delete", "Delete a check-in or a session (asks nothing).", "delete_what"),
    }
    diary.register_verbs(verbs)
    sessions.register_verbs(verbs)
    insights.register(sub)
    files.register(sub)
    admin.register(sub)
    serve.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code.

    As the process's own entry point (no ``argv``), a command marked ``end_at_once`` (the report,
    which loads pandas, SciPy, WeasyPrint and vl-convert) ends the process as soon as it has
    succeeded and its output is flushed: Python's teardown of those libraries cost about 0.3 s."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        handler: Handler | None = getattr(args, "handler", None)
        if handler is None:
            parser.print_help()
            return 2
        code = handler(args)
        if argv is None and code == 0 and getattr(args, "end_at_once", False):
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        return code
    except BackcareError as exc:
        return _refuse(str(exc))
    except KeyboardInterrupt:
        return _refuse("interrupted; nothing partial was saved.")
    except OSError as exc:
        if exc.errno in DISK_FULL:
            return _refuse("the disk is full; nothing partial was saved.")
        return _unexpected(exc)  # pragma: no cover - the safety net
    except Exception as exc:  # pragma: no cover - the safety net
        return _unexpected(exc)


def _refuse(line: str) -> int:
    # One line, whatever a file put into the message: newlines and terminal escapes are shown, not obeyed.
    shown = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in line)
    print(f"backcare: {shown}", file=sys.stderr)
    return 2


def _unexpected(exc: BaseException) -> int:  # pragma: no cover - the safety net
    if os.environ.get("BACKCARE_DEBUG"):
        traceback.print_exc()
    print(f"backcare: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
    return 1
