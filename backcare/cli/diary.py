"""Diary entries: the daily check-in (create, change, list, delete), PEG-3, global impression, safety check."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import Any

from backcare.cli.common import add_command, date_range, day_arg, open_store, print_listing
from backcare.errors import BackcareError
from backcare.models import PAIN_ANCHORS, PAIN_LOCATIONS, PAIN_QUALITIES, checkin_from_input
from backcare.safety import RED_FLAGS
from backcare.store import Store, checkin_rows, delete_checkins, get_checkin, save_checkin

# Fields a command may name, with the words used when saying what changed.
FIELDS = {
    "pain": "pain", "worst_pain": "worst pain", "stiffness": "stiffness", "sleep_quality": "sleep quality",
    "stress": "stress", "locations": "locations", "qualities": "pain qualities", "medication": "medication",
    "flare": "flare", "notes": "note", "time": "time",
}  # fmt: skip


def _named(args: argparse.Namespace) -> dict[str, Any]:
    """The check-in fields this command line names (options left out are not touched)."""
    named = {key: getattr(args, key) for key in FIELDS if getattr(args, key, None) is not None}
    for key in ("locations", "qualities"):
        if key in named:
            named[key] = ",".join(named[key])
    return named


def _save(store: Store, day: date, named: dict[str, Any], *, create: bool) -> str:
    """Merge the named fields into the day's check-in (every other field kept) and save it.

    Returns the sentence to print. A new check-in, or a new pain rating today, gets the time of
    saving unless --time names one.
    """
    existing = get_checkin(store, day)
    if existing is None and not create:
        raise BackcareError(f"There is no check-in on {day.isoformat()}; nothing was changed.")
    base = {key: (existing or {}).get(key) for key in FIELDS}
    merged = {**base, **named}
    rerated = existing is None or ("pain" in named and named["pain"] != existing["pain"])
    if "time" not in named and rerated and day == date.today():
        merged["time"] = datetime.now().strftime("%H:%M")
    checkin = checkin_from_input(date=day, source=(existing or {}).get("source") or "manual", **merged)
    if existing is None:
        save_checkin(store, checkin)
        return f"Pain {checkin.pain}/10 created for {day.isoformat()}."
    changes = [
        _change(key, existing[key], getattr(checkin, key))
        for key in FIELDS
        if _comparable(existing[key]) != _comparable(getattr(checkin, key))
    ]
    if not changes:
        return f"Nothing changed: {day.isoformat()} already holds these values (pain {checkin.pain}/10)."
    save_checkin(store, checkin)
    return f"Updated {day.isoformat()}: {'; '.join(changes)}. Everything else was kept."


def _comparable(value: Any) -> Any:
    return list(value) if isinstance(value, list | tuple) else value


def _change(key: str, before: Any, after: Any) -> str:
    label = FIELDS[key]
    if key == "flare":
        return "marked as a flare" if after else "flare mark removed"
    if key in ("notes", "medication"):
        return f"{label} {'changed' if after else 'removed'}"
    if key in ("pain", "worst_pain"):
        return f"{label} {'-' if before is None else f'{before}/10'} -> {after}/10"
    shown = [
        ", ".join(v) if isinstance(v, list | tuple) else ("-" if v is None else v) for v in (before, after)
    ]
    return f"{label} {shown[0] or '-'} -> {shown[1] or '-'}"


def cmd_checkin(args: argparse.Namespace) -> int:
    day = day_arg(args.date)
    named = _named(args)
    checkin_from_input(date=day, **named)  # refuse bad input before the diary is opened
    with open_store(args) as store:
        print(_save(store, day, named, create=True))
    return 0


def cmd_edit_checkin(args: argparse.Namespace) -> int:
    day = day_arg(args.day, "DATE")
    named = _named(args)
    if not named:
        raise BackcareError("Name at least one field to change, e.g. --pain 4 or --note 'slept badly'.")
    checkin_from_input(date=day, **{"pain": 0, **named})
    with open_store(args) as store:
        print(_save(store, day, named, create=False))
    return 0


def cmd_delete_checkin(args: argparse.Namespace) -> int:
    day = day_arg(args.day, "DATE")
    with open_store(args) as store:
        existing = get_checkin(store, day)
        if existing is None:
            raise BackcareError(f"There is no check-in on {day.isoformat()}; nothing was deleted.")
        delete_checkins(store, [day])
    print(f"Deleted the check-in of {day.isoformat()} (pain {existing['pain']}/10).")
    return 0


def cmd_list_checkins(args: argparse.Namespace) -> int:
    start, end = date_range(args)
    with open_store(args) as store:
        rows = checkin_rows(store, start, end)
    return print_listing(
        rows, args.json, "check-ins", f"{'date':<10}  {'time':<5}  {'pain':>4}  {'flare':<5}  notes",
        lambda r: f"{r['date']:<10}  {r['time'] or '':<5}  {r['pain']:>4}  {'yes' if r['flare'] else '':<5}  {r['notes']}",
    )  # fmt: skip


def cmd_peg(args: argparse.Namespace) -> int:
    from backcare.questionnaires import peg_from_input
    from backcare.store import save_peg

    answer = peg_from_input(day_arg(args.date), args.pain, args.enjoyment, args.activity)
    with open_store(args) as store:
        save_peg(store, answer.date, answer.pain, answer.enjoyment, answer.activity)
    print(
        f"PEG-3 for {answer.date.isoformat()} saved: pain {answer.pain}, enjoyment {answer.enjoyment}, "
        f"activity {answer.activity} (score {answer.score:.1f} of 10)."
    )
    return 0


def cmd_impression(args: argparse.Namespace) -> int:
    from backcare.questionnaires import IMPRESSION_CHOICES, impression_from_input
    from backcare.store import save_global_impression

    day, rating = impression_from_input(day_arg(args.date), args.rating)
    with open_store(args) as store:
        save_global_impression(store, day, rating)
    print(f"Global impression for {day.isoformat()} saved: {rating:+d} ({IMPRESSION_CHOICES[rating]}).")
    return 0


def cmd_safety_check(args: argparse.Namespace) -> int:
    from backcare import safety
    from backcare.store import save_red_flag_check

    answers = list(dict.fromkeys(args.answer or []))
    level = safety.assess(answers)
    with open_store(args) as store:
        save_red_flag_check(store, date.today(), answers, level)
    if level == "none":
        print("Safety check saved: none of the warning signs was ticked. This is not medical advice.")
        return 0
    print(f"Safety check saved. You reported: {'; '.join(safety.labels(answers))}.")
    print(safety.EMERGENCY_MESSAGE if level == "emergency" else safety.URGENT_MESSAGE)
    return 0


def _add_checkin_fields(p: argparse.ArgumentParser, *, with_pain: bool) -> None:
    if with_pain:
        p.add_argument("--pain", help=f"average pain ({PAIN_ANCHORS})")
    p.add_argument("--time", help="when the pain was rated, HH:MM (default: now, when the day is today)")
    p.add_argument("--note", dest="notes", help="a short note (replaces the day's note)")
    p.add_argument(
        "--flare",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="mark (or --no-flare: unmark) a flare",
    )
    if with_pain:
        p.add_argument("--worst-pain", dest="worst_pain", help="worst pain of the day, 0-10")
        p.add_argument("--stiffness", help="stiffness, 0-10")
        p.add_argument("--sleep", dest="sleep_quality", help="sleep quality, 0-10")
        p.add_argument("--stress", help="stress, 0-10")
        p.add_argument("--medication", help="medication taken (text)")
        p.add_argument(
            "--location", dest="locations", action="append", choices=list(PAIN_LOCATIONS),
            help="where it hurts (repeatable; replaces the day's list)",
        )  # fmt: skip
        p.add_argument(
            "--quality", dest="qualities", action="append", choices=list(PAIN_QUALITIES),
            help="what the pain feels like (repeatable; replaces the day's list)",
        )  # fmt: skip


def register(sub: Any) -> None:
    """Add the diary-entry commands to the parser."""
    p = add_command(sub, "checkin", cmd_checkin, f"Log a day's pain ({PAIN_ANCHORS}).")
    p.add_argument("pain", help="pain from 0 to 10")
    p.add_argument("--date", help="day to log, YYYY-MM-DD (default: today)")
    _add_checkin_fields(p, with_pain=False)

    p = add_command(
        sub, "peg", cmd_peg, "Answer the weekly PEG-3 (pain, enjoyment of life, general activity)."
    )
    p.add_argument("pain", help="average pain in the past week, 0-10")
    p.add_argument("enjoyment", help="how pain interfered with your enjoyment of life, 0-10")
    p.add_argument("activity", help="how pain interfered with your general activity, 0-10")
    p.add_argument("--date", help="day answered, YYYY-MM-DD (default: today)")

    p = add_command(
        sub, "impression", cmd_impression, "Compared with when you started, how is your back overall?"
    )
    p.add_argument("rating", help="-3 much worse, 0 about the same, +3 much better")
    p.add_argument("--date", help="day answered, YYYY-MM-DD (default: today)")

    p = add_command(
        sub, "safety-check", cmd_safety_check,
        "Record the red-flag safety check and print the advice (not a diagnosis).",
    )  # fmt: skip
    p.add_argument(
        "--answer", action="append", choices=[flag.key for flag in RED_FLAGS],
        help="a warning sign you had in the past week (repeatable; none = all clear)",
    )  # fmt: skip


def register_verbs(verbs: dict[str, Any]) -> None:
    """Add `edit checkin`, `delete checkin` and `list checkins`."""
    p = add_command(
        verbs["edit"], "checkin", cmd_edit_checkin, "Change a day's check-in (only the fields you name)."
    )
    p.add_argument("day", metavar="DATE", help="the day, YYYY-MM-DD")
    _add_checkin_fields(p, with_pain=True)

    p = add_command(verbs["delete"], "checkin", cmd_delete_checkin, "Delete a day's check-in.")
    p.add_argument("day", metavar="DATE", help="the day, YYYY-MM-DD")

    p = add_command(verbs["list"], "checkins", cmd_list_checkins, "Print check-ins in date order.")
    p.add_argument("--from", dest="from_date", help="first day, YYYY-MM-DD (default: all)")
    p.add_argument("--to", dest="to_date", help="last day, YYYY-MM-DD (default: all)")
    p.add_argument("--json", action="store_true", help="print a JSON list with every stored field")
