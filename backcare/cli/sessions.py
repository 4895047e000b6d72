"""Exercise sessions (add, change, list, delete) and the person's own exercise types."""

from __future__ import annotations

import argparse
from typing import Any

from backcare.cli.common import (
    add_command,
    add_group,
    date_range,
    day_arg,
    int_arg,
    open_store,
    print_listing,
)
from backcare.errors import BackcareError
from backcare.models import session_from_input
from backcare.store import add_session, delete_sessions, get_session, session_rows, update_session

# Fields `edit session` can change -> the words used when saying what changed.
EDITABLE = {
    "date": "date", "exercise_type": "type", "duration_min": "minutes", "start_time": "start time",
    "rpe": "effort", "pain_before": "pain before", "pain_after": "pain after", "notes": "note",
}  # fmt: skip


def cmd_session_add(args: argparse.Namespace) -> int:
    session = session_from_input(
        date=day_arg(args.date), exercise_type=args.exercise_type, duration_min=args.duration_min,
        start_time=args.start_time, rpe=args.rpe, pain_before=args.pain_before, pain_after=args.pain_after,
        notes=args.notes, movements=args.movement or (),
    )  # fmt: skip
    with open_store(args) as store:
        session_id = add_session(store, session, create_movements=False)
    print(
        f"Logged {session.duration_min} min of {session.exercise_type} on {session.date.isoformat()} (#{session_id})."
    )
    return 0


def cmd_edit_session(args: argparse.Namespace) -> int:
    named = {key: getattr(args, key) for key in EDITABLE if getattr(args, key) is not None}
    if not named:
        raise BackcareError("Name at least one field to change, e.g. --minutes 30 or --type yoga.")
    with open_store(args) as store:
        existing = _existing(store, args.id)
        raw = {key: existing[key] for key in EDITABLE} | named
        if "date" in named:
            raw["date"] = day_arg(named["date"])
        session = session_from_input(
            **raw, with_instructor=existing["with_instructor"], source=existing["source"],
            source_id=existing["source_id"], source_label=existing["source_label"],
            movements=list(existing["movements"]),
        )  # fmt: skip
        update_session(store, args.id, session)
    changed = ", ".join(EDITABLE[key] for key in named if str(existing[key]) != str(getattr(session, key)))
    print(f"Updated session #{args.id}: {changed or 'nothing changed'}.")
    return 0


def _existing(store: Any, session_id: int) -> dict[str, Any]:
    existing = get_session(store, session_id)
    if existing is None:
        raise BackcareError(
            f"There is no session #{session_id}; see `backcare list sessions` for the numbers."
        )
    return existing


def cmd_delete_session(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        existing = _existing(store, args.id)
        delete_sessions(store, [args.id])
    print(
        f"Deleted session #{args.id}: {existing['duration_min']} min of {existing['exercise_type']} "
        f"on {existing['date']}."
    )
    return 0


def cmd_list_sessions(args: argparse.Namespace) -> int:
    start, end = date_range(args)
    with open_store(args) as store:
        rows = session_rows(store, start, end)
    return print_listing(
        rows, args.json, "sessions",
        f"{'#':>5}  {'date':<10}  {'type':<20}  {'min':>4}  {'pain before/after':>17}  notes",
        lambda r: f"{r['id']:>5}  {r['date']:<10}  {r['type_name']:<20}  {r['duration_min']:>4}  "
        f"{_dash(r['pain_before']) + '/' + _dash(r['pain_after']):>17}  {r['notes']}",
    )  # fmt: skip


def _dash(value: Any) -> str:
    return "-" if value is None else str(value)


def cmd_types_add(args: argparse.Namespace) -> int:
    from backcare.models import clean_text, type_key_from_name
    from backcare.store import add_exercise_type

    name = clean_text(args.name, "Name", 60)
    if not name:
        raise BackcareError("The new exercise type needs a name.")
    type_key_from_name(name)  # refuse names that cannot make a key before opening the diary
    with open_store(args) as store:
        key = add_exercise_type(store, name)
    print(f"Added exercise type '{name}' (key: {key}); use it as: backcare session add {key} 30")
    return 0


def _session_fields(p: argparse.ArgumentParser) -> None:
    p.add_argument("--start-time", dest="start_time", help="time the session started, HH:MM")
    p.add_argument("--rpe", help="effort from 1 (very light) to 10 (maximal)")
    p.add_argument("--pain-before", dest="pain_before", help="pain just before, 0-10")
    p.add_argument("--pain-after", dest="pain_after", help="pain just after, 0-10")
    p.add_argument("--note", dest="notes", help="a short note")


def register(sub: Any) -> None:
    """Add the session and exercise-type commands to the parser."""
    session_sub = add_group(sub, "session", "Exercise sessions.", "session_command")
    p = add_command(session_sub, "add", cmd_session_add, "Log an exercise session.")
    p.add_argument(
        "exercise_type", metavar="type", help="exercise type key, e.g. yoga, pilates, strength, walking"
    )
    p.add_argument("duration_min", metavar="minutes", help="duration in minutes (1-600)")
    p.add_argument("--date", help="day of the session, YYYY-MM-DD (default: today)")
    _session_fields(p)
    p.add_argument("--movement", action="append", help="a movement from the catalogue (repeatable)")

    types_sub = add_group(sub, "types", "Exercise types.", "types_command")
    p = add_command(types_sub, "add", cmd_types_add, "Add your own exercise type (e.g. 'Tai chi').")
    p.add_argument("name", help="the name to show, e.g. 'Tai chi'")


def register_verbs(verbs: dict[str, Any]) -> None:
    """Add `edit session`, `delete session` and `list sessions`."""
    p = add_command(
        verbs["edit"], "session", cmd_edit_session, "Change a session (only the fields you name)."
    )
    p.add_argument("id", type=int_arg, help="the session's number (see: backcare list sessions)")
    p.add_argument("--date", help="day of the session, YYYY-MM-DD")
    p.add_argument("--type", dest="exercise_type", help="exercise type key")
    p.add_argument("--minutes", dest="duration_min", help="duration in minutes (1-600)")
    _session_fields(p)

    p = add_command(verbs["delete"], "session", cmd_delete_session, "Delete a session and its movements.")
    p.add_argument("id", type=int_arg, help="the session's number (see: backcare list sessions)")

    p = add_command(
        verbs["list"], "sessions", cmd_list_sessions, "Print sessions in date order with their numbers."
    )
    p.add_argument("--from", dest="from_date", help="first day, YYYY-MM-DD (default: all)")
    p.add_argument("--to", dest="to_date", help="last day, YYYY-MM-DD (default: all)")
    p.add_argument("--json", action="store_true", help="print a JSON list with every stored field")
