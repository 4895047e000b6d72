"""Domain records and the one place that validates them (pain is 0-10, minutes 1-600, ...).

Every entry point (a form, the CLI, an importer, the History editor) builds records through
``checkin_from_input`` / ``session_from_input`` so a bad value is refused the same way
everywhere, with a message that says what to fix.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from backcare.errors import ValidationError

PAIN_MIN, PAIN_MAX = 0, 10
MINUTES_MIN, MINUTES_MAX = 1, 600
RPE_MIN, RPE_MAX = 1, 10
NOTE_MAX_CHARS = 2000
EARLIEST_DATE = date(1900, 1, 1)

PAIN_ANCHORS = "0 = no pain, 10 = worst pain imaginable"

PAIN_LOCATIONS: dict[str, str] = {
    "lower_back": "Lower back",
    "upper_back": "Upper back",
    "neck": "Neck",
    "buttock": "Buttock",
    "hip": "Hip",
    "leg_left": "Left leg",
    "leg_right": "Right leg",
}

PAIN_QUALITIES: dict[str, str] = {
    "aching": "Aching",
    "stiff": "Stiff",
    "sharp": "Sharp or stabbing",
    "burning": "Burning",
    "shooting": "Shooting",
    "tingling": "Tingling or numb",
    "throbbing": "Throbbing",
}

TYPE_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
WHOLE_NUMBER_RE = re.compile(r"[+-]?[0-9]+")  # no underscores, exponents or other scripts' digits
ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class CheckIn:
    """One day's pain check-in (at most one per date)."""

    date: date
    pain: int
    worst_pain: int | None = None
    stiffness: int | None = None
    sleep_quality: int | None = None
    stress: int | None = None
    locations: tuple[str, ...] = ()
    qualities: tuple[str, ...] = ()
    medication: str | None = None
    flare: bool = False
    notes: str | None = None
    source: str = "manual"
    time: str | None = None  # "HH:MM" when the pain was rated


@dataclass(frozen=True)
class MovementLog:
    """A movement done in a session, optionally with sets, reps and load."""

    name: str
    sets: int | None = None
    reps: int | None = None
    weight_kg: float | None = None
    details: SetDetails | None = None  # one imported set as the other app recorded it


@dataclass(frozen=True)
class SetDetails:
    """One set exactly as another app recorded it (values outside what a form accepts are kept and
    flagged ``implausible`` rather than dropped)."""

    set_type: str = "normal"  # one of SET_TYPES
    reps: int | None = None
    weight_kg: float | None = None
    duration_s: float | None = None
    distance_m: float | None = None
    rpe: float | None = None
    notes: str | None = None
    implausible: bool = False


SET_TYPES = ("normal", "warmup", "drop", "failure")
DURATION_QUALITIES = ("recorded", "estimated", "unreliable")
OFFSET_RE = re.compile(r"^[+-][01]\d:[0-5]\d$")


@dataclass(frozen=True)
class Session:
    """One exercise session."""

    date: date
    exercise_type: str
    duration_min: int
    start_time: str | None = None
    rpe: int | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    with_instructor: bool = False
    notes: str | None = None
    movements: tuple[MovementLog, ...] = field(default_factory=tuple)
    source: str = "manual"
    source_id: str | None = None
    source_label: str | None = None
    duration_quality: str = "recorded"  # one of DURATION_QUALITIES
    recorded_duration_min: int | None = None  # what a timer said when it could not be used
    utc_offset: str | None = None  # "+HH:MM" of the place and time the session happened


# ---------------------------------------------------------------------------------------------
# Small parsers: each returns a clean value or raises ValidationError naming the field.


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    try:  # pandas NA / NaT without importing pandas here
        return bool(value != value)
    except (TypeError, ValueError):
        return False


def parse_int(
    value: Any, label: str, lo: int, hi: int, *, required: bool = False, hint: str = ""
) -> int | None:
    """Parse a whole number in [lo, hi]; blank gives None unless required."""
    if _is_blank(value):
        if required:
            raise ValidationError(f"{label} is required: enter a whole number from {lo} to {hi}{hint}.")
        return None
    number: float
    try:
        if isinstance(value, bool) or (
            isinstance(value, str) and not WHOLE_NUMBER_RE.fullmatch(value.strip())
        ):
            raise ValueError
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(
            f"{label} must be a whole number from {lo} to {hi}{hint}; '{value}' is not a number."
        ) from None
    if not math.isfinite(number) or number != int(number):
        raise ValidationError(f"{label} must be a whole number from {lo} to {hi}{hint}; you entered {value}.")
    if not lo <= number <= hi:
        raise ValidationError(f"{label} must be from {lo} to {hi}{hint}; you entered {int(number)}.")
    return int(number)


def parse_float(value: Any, label: str, lo: float, hi: float) -> float | None:
    """Parse an optional number in [lo, hi]."""
    if _is_blank(value):
        return None
    try:
        number = float(str(value).strip().replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{label} must be a number; '{value}' is not a number.") from None
    if not math.isfinite(number) or not lo <= number <= hi:
        raise ValidationError(f"{label} must be between {lo:g} and {hi:g}; you entered {value}.")
    return number


def parse_date(value: Any, label: str = "Date", *, allow_future: bool = False) -> date:
    """Parse a date (date, datetime, Timestamp or YYYY-MM-DD text); the future is refused by default."""
    if _is_blank(value):
        raise ValidationError(f"{label} is required (YYYY-MM-DD).")
    parsed: date
    if isinstance(value, datetime):
        parsed = value.date()
    elif isinstance(value, date):
        parsed = value
    elif hasattr(value, "to_pydatetime"):
        parsed = value.to_pydatetime().date()
    else:
        text = str(value).strip()
        try:
            if ISO_DATE_RE.fullmatch(text):
                parsed = date.fromisoformat(text)
            elif ISO_DATE_RE.fullmatch(text[:10]) and text[10:11] in ("T", " "):
                parsed = datetime.fromisoformat(text).date()  # a full date and time
            else:
                raise ValueError
        except ValueError:
            raise ValidationError(
                f"{label} '{text}' is not a date; write it as YYYY-MM-DD, for example 2026-03-01."
            ) from None
    if parsed < EARLIEST_DATE:
        raise ValidationError(f"{label} {parsed.isoformat()} is too far in the past.")
    if not allow_future and parsed > date.today():
        raise ValidationError(
            f"{label} {parsed.isoformat()} is in the future; you can only log days that have begun."
        )
    return parsed


def parse_time(value: Any, label: str = "Start time") -> str | None:
    """Parse an optional time of day as HH:MM (24-hour)."""
    if _is_blank(value):
        return None
    if isinstance(value, time):
        return value.strftime("%H:%M")
    text = str(value).strip()
    if re.fullmatch(r"\d:\d\d", text):
        text = "0" + text
    if re.fullmatch(r"[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?", text):
        text = text[:5]  # seconds are dropped
    if not TIME_RE.fullmatch(text):
        raise ValidationError(f"{label} '{value}' is not a time; use 24-hour HH:MM, for example 07:30.")
    return text


def clean_text(value: Any, label: str = "Notes", max_chars: int = NOTE_MAX_CHARS) -> str | None:
    """Trim text, drop control characters (keeping newlines and tabs) and enforce a length limit."""
    if _is_blank(value):
        return None
    text = str(value)
    if not text.isprintable():  # printable text has no control characters: nothing to drop
        text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))
    text = text.strip()
    if not text:
        return None
    if len(text) > max_chars:
        raise ValidationError(f"{label} is too long ({len(text)} characters); keep it under {max_chars}.")
    return text


def parse_bool(value: Any) -> bool:
    """Interpret checkboxes, 0/1, yes/no and true/false text."""
    if _is_blank(value):
        return False
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "y", "on", "x"}
    return bool(value)


def parse_choices(value: Any, allowed: Mapping[str, str], label: str) -> tuple[str, ...]:
    """Parse a list (or ';'/','-separated text) of keys or display names into allowed keys."""
    if _is_blank(value):
        return ()
    items: Iterable[Any]
    if isinstance(value, str):
        items = re.split(r"[;,]", value)
    elif isinstance(value, Iterable):
        items = value
    else:
        items = [value]
    by_name = {name.lower(): key for key, name in allowed.items()}
    keys: list[str] = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        key = text if text in allowed else by_name.get(text.lower())
        if key is None:
            options = ", ".join(allowed.values())
            raise ValidationError(f"{label}: '{text}' is not one of: {options}.")
        if key not in keys:
            keys.append(key)
    return tuple(keys)


def type_key_from_name(name: str) -> str:
    """Make a stable lowercase key ('Tai chi' -> 'tai_chi') for a new exercise type."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    if key and not key[0].isalpha():
        key = "t_" + key
    key = key[:40]
    if not TYPE_KEY_RE.match(key):
        raise ValidationError(f"'{name}' cannot be used as an exercise type name; use letters and numbers.")
    return key


def parse_type_key(value: Any) -> str:
    """Validate an exercise type key such as 'yoga'."""
    if _is_blank(value):
        raise ValidationError("Exercise type is required.")
    key = str(value).strip().lower()
    if not TYPE_KEY_RE.match(key):
        raise ValidationError(f"Exercise type '{value}' is not valid; pick one from the list.")
    return key


# ---------------------------------------------------------------------------------------------
# Record builders


def checkin_from_input(**raw: Any) -> CheckIn:
    """Build a validated CheckIn from loosely typed input; raise ValidationError listing every problem."""
    problems: list[str] = []

    def attempt(fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            problems.extend(exc.problems)
            return None

    hint = " (0 = no pain, 10 = worst pain imaginable)"
    values = {
        "date": attempt(parse_date, raw.get("date"), "Date"),
        "pain": attempt(parse_int, raw.get("pain"), "Pain", PAIN_MIN, PAIN_MAX, required=True, hint=hint),
        "worst_pain": attempt(parse_int, raw.get("worst_pain"), "Worst pain", PAIN_MIN, PAIN_MAX),
        "stiffness": attempt(parse_int, raw.get("stiffness"), "Stiffness", 0, 10),
        "sleep_quality": attempt(parse_int, raw.get("sleep_quality"), "Sleep quality", 0, 10),
        "stress": attempt(parse_int, raw.get("stress"), "Stress", 0, 10),
        "locations": attempt(parse_choices, raw.get("locations"), PAIN_LOCATIONS, "Pain location"),
        "qualities": attempt(parse_choices, raw.get("qualities"), PAIN_QUALITIES, "Pain quality"),
        "medication": attempt(clean_text, raw.get("medication"), "Medication", 500),
        "notes": attempt(clean_text, raw.get("notes"), "Notes"),
        "time": attempt(parse_time, raw.get("time"), "Time"),
    }
    if (
        not problems
        and values["worst_pain"] is not None
        and values["pain"] is not None
        and values["worst_pain"] < values["pain"]
    ):
        problems.append(
            f"Worst pain ({values['worst_pain']}) cannot be lower than average pain ({values['pain']})."
        )
    if problems:
        raise ValidationError(problems)
    return CheckIn(
        flare=parse_bool(raw.get("flare")),
        source=str(raw.get("source") or "manual"),
        **values,
    )


def session_from_input(**raw: Any) -> Session:
    """Build a validated Session from loosely typed input; raise ValidationError listing every problem."""
    problems: list[str] = []

    def attempt(fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            problems.extend(exc.problems)
            return None

    values = {
        "date": attempt(parse_date, raw.get("date"), "Date"),
        "exercise_type": attempt(parse_type_key, raw.get("exercise_type")),
        "duration_min": attempt(
            parse_int, raw.get("duration_min"), "Minutes", MINUTES_MIN, MINUTES_MAX, required=True
        ),
        "start_time": attempt(parse_time, raw.get("start_time")),
        "rpe": attempt(parse_int, raw.get("rpe"), "Effort (RPE)", RPE_MIN, RPE_MAX),
        "pain_before": attempt(parse_int, raw.get("pain_before"), "Pain before", PAIN_MIN, PAIN_MAX),
        "pain_after": attempt(parse_int, raw.get("pain_after"), "Pain after", PAIN_MIN, PAIN_MAX),
        "notes": attempt(clean_text, raw.get("notes"), "Notes"),
        "source_label": attempt(clean_text, raw.get("source_label"), "Original label", 200),
    }
    movements: list[MovementLog] = []
    raw_moves = raw.get("movements") or ()
    if isinstance(raw_moves, str | Mapping | MovementLog):
        raw_moves = [raw_moves]
    elif not isinstance(raw_moves, list | tuple):
        problems.append("Movements are not understood: give a list of movement names.")
        raw_moves = ()
    for item in raw_moves:
        log = attempt(movement_from_input, item)
        if log is not None:
            movements.append(log)
    quality = str(raw.get("duration_quality") or "recorded")
    if quality not in DURATION_QUALITIES:
        problems.append(f"Duration quality '{quality}' is not one of: {', '.join(DURATION_QUALITIES)}.")
    offset = None if _is_blank(raw.get("utc_offset")) else str(raw.get("utc_offset")).strip()
    if offset is not None and not OFFSET_RE.match(offset):
        problems.append(f"UTC offset '{offset}' is not like +01:00 or -08:00.")
    recorded = attempt(parse_int, raw.get("recorded_duration_min"), "Recorded minutes", 0, 10**9)
    if problems:
        raise ValidationError(problems)
    source_id = raw.get("source_id")
    return Session(
        with_instructor=parse_bool(raw.get("with_instructor")),
        movements=tuple(movements),
        source=str(raw.get("source") or "manual"),
        source_id=None if _is_blank(source_id) else str(source_id),
        duration_quality=quality,
        recorded_duration_min=recorded,
        utc_offset=offset,
        **values,
    )


def movement_from_input(item: Any) -> MovementLog:
    """Accept a movement name, a MovementLog or a mapping with name/sets/reps/weight_kg."""
    if isinstance(item, MovementLog):
        item = {"name": item.name, "sets": item.sets, "reps": item.reps, "weight_kg": item.weight_kg,
                "details": item.details}  # fmt: skip
    if isinstance(item, str):
        item = {"name": item}
    if not isinstance(item, Mapping):
        raise ValidationError(f"Movement '{item}' is not understood.")
    name = clean_text(item.get("name"), "Movement name", 120)
    if not name:
        raise ValidationError("A movement needs a name.")
    return MovementLog(
        name=name,
        sets=parse_int(item.get("sets"), f"Sets of {name}", 1, 100),
        reps=parse_int(item.get("reps"), f"Reps of {name}", 0, 1000),
        weight_kg=parse_float(item.get("weight_kg"), f"Weight of {name} (kg)", 0, 1000),
        details=item.get("details") if isinstance(item.get("details"), SetDetails) else None,
    )
