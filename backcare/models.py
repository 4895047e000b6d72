"""Domain records and the one place that validates them (pain is 0-10, minutes 1-600, ...).

Every entry point (a form, the CLI, an importer, the History editor) builds records through
``checkin_from_input`` / ``session_from_input`` so a bad value is refused the same way
everywhere, with a message that says what to fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from backcare.errors import Problems, ValidationError
from backcare.parsing import (  # noqa: F401  (re-exported: the parsers' home before the split)
    EARLIEST_DATE,
    ISO_DATE_RE,
    NOTE_MAX_CHARS,
    TIME_RE,
    TYPE_KEY_RE,
    WHOLE_NUMBER_RE,
    _is_blank,
    clean_text,
    parse_bool,
    parse_choices,
    parse_date,
    parse_float,
    parse_int,
    parse_time,
    parse_type_key,
    type_key_from_name,
)

PAIN_MIN, PAIN_MAX = 0, 10
MINUTES_MIN, MINUTES_MAX = 1, 600
RECORDED_MAX = (
    10**9
)  # minutes a timer may claim (kept beside an unreliable duration), beyond any real session
RPE_MIN, RPE_MAX = 1, 10

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
    utc_offset: str | None = None  # "+HH:MM" where it was rated; None: this computer's offset when saved


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
OFFSET_RE = re.compile(r"^[+-][01][0-9]:[0-5][0-9]\Z")


def parse_offset(value: Any) -> str | None:
    """A UTC offset "+HH:MM" / "-HH:MM" (None when blank); raise ValidationError otherwise."""
    if _is_blank(value):
        return None
    offset = str(value).strip()
    if not OFFSET_RE.match(offset):
        raise ValidationError(f"UTC offset '{offset}' is not like +01:00 or -08:00.")
    return offset


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
# Record builders


def checkin_from_input(**raw: Any) -> CheckIn:
    """Build a validated CheckIn from loosely typed input; raise ValidationError listing every problem."""
    problems = Problems()
    attempt = problems.attempt
    hint = " (0 = no pain, 10 = worst pain imaginable)"
    values: dict[str, Any] = {
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
        "utc_offset": attempt(parse_offset, raw.get("utc_offset")),
    }
    if (
        not problems
        and values["worst_pain"] is not None
        and values["pain"] is not None
        and values["worst_pain"] < values["pain"]
    ):
        problems.add(
            f"Worst pain ({values['worst_pain']}) cannot be lower than average pain ({values['pain']})."
        )
    problems.raise_if_any()
    return CheckIn(
        flare=parse_bool(raw.get("flare")),
        source=str(raw.get("source") or "manual"),
        **values,
    )


def session_from_input(**raw: Any) -> Session:
    """Build a validated Session from loosely typed input; raise ValidationError listing every problem."""
    problems = Problems()
    attempt = problems.attempt
    values: dict[str, Any] = {
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
        problems.add("Movements are not understood: give a list of movement names.")
        raw_moves = ()
    for item in raw_moves:
        log = attempt(movement_from_input, item)
        if log is not None:
            movements.append(log)
    quality = str(raw.get("duration_quality") or "recorded")
    if quality not in DURATION_QUALITIES:
        problems.add(f"Duration quality '{quality}' is not one of: {', '.join(DURATION_QUALITIES)}.")
    offset = attempt(parse_offset, raw.get("utc_offset"))
    recorded = attempt(parse_int, raw.get("recorded_duration_min"), "Recorded minutes", 0, RECORDED_MAX)
    problems.raise_if_any()
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
