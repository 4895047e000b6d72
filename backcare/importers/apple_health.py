"""Apple Health export (export.zip or export.xml): workouts and lower-back-pain records, streamed.

How it stays fast and small on multi-gigabyte exports:

* ``apple_health_stream`` reads the file in 1 MB chunks straight out of the zip and finds by byte
  search the only two kinds of element that matter, ``<Workout ...>...</Workout>`` and
  ``<Record ...HKCategoryTypeIdentifierLowerBackPain...>`` (XML comments skipped whole, an element
  over 16 MB refused), so the millions of heart-rate and step records are skipped at memory speed;
  each element found is parsed by the standard XML parser, so attribute order, entities and
  self-closing forms are handled properly. The internal DTD is never parsed, so the broken iOS 16
  DTD does no harm. The export must end with ``</HealthData>``: a cut-off file is refused as a whole.
* Python's cycle collector is paused during a read (entries hold no cycles; collecting while
  hundreds of thousands pile up made the read superlinear), and timestamps are cut apart with each
  day, time of day and zone checked once per read (``_Clock``).
* Every entry is checked by the same rules as a form (no future dates, text limits), and keeps the
  UTC offset it was recorded with; a workout whose timer ran over 10 hours is kept, its minutes
  marked unreliable (capped at 600, the recorded minutes kept beside them).
"""

from __future__ import annotations

import gc
import hashlib
import math
import re
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from xml.etree import ElementTree as ET

from backcare.errors import ImportFormatError
from backcare.importers.apple_health_stream import elements, open_export, parsed
from backcare.importers.workout_sets import validated_session
from backcare.models import MINUTES_MAX, Session
from backcare.records import ImportBatch, SymptomRecord, plausible_day

SOURCE = "apple_health"
GROUP, GROUP_BYTES = 256, 2 * 1024 * 1024  # elements parsed together, and their bytes at most
# HKWorkoutActivityType names (without the prefix) -> backcare type keys; everything else is "other".
ACTIVITY_TYPES = {
    "Yoga": "yoga", "MindAndBody": "yoga",
    "Pilates": "pilates", "Barre": "pilates", "DanceInspiredTraining": "pilates",
    "TraditionalStrengthTraining": "strength", "FunctionalStrengthTraining": "strength", "CoreTraining": "strength",
    "Walking": "walking", "Hiking": "walking",
    "Flexibility": "stretching", "Cooldown": "stretching", "PreparationAndRecovery": "stretching",
    "Swimming": "swimming", "Cycling": "cycling", "HandCycling": "cycling",
    "Running": "running", "Rowing": "rowing",
}  # fmt: skip
SEVERITY = {
    "HKCategoryValueSeverityUnspecified": "present (severity not given)",
    "HKCategoryValueSeverityNotPresent": "not present",
    "HKCategoryValueSeverityMild": "mild",
    "HKCategoryValueSeverityModerate": "moderate",
    "HKCategoryValueSeveritySevere": "severe",
}
_MINUTES = {"min": 1.0, "s": 1 / 60, "sec": 1 / 60, "hr": 60.0, "h": 60.0}
_ENERGY = {"kcal": 1.0, "Cal": 1.0, "cal": 0.001, "kJ": 1 / 4.184, "J": 1 / 4184}
_DISTANCE = {"km": 1.0, "m": 0.001, "mi": 1.609344, "yd": 0.0009144, "ft": 0.0003048}


_ZONES: dict[str, timezone] = {}
_EXACT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}")


def _parse_time(text: str | None, what: str) -> datetime:
    """'2019-06-17 21:07:11 -0400' (the export's form; an unpadded day is tolerated), zone kept."""
    if not text:
        raise ValueError(f"{what} is missing")
    text = text.strip()
    if _EXACT.fullmatch(text):  # the usual form, parsed without strptime (millions of entries)
        zone = _ZONES.get(text[20:])
        if zone is None:
            minutes = int(text[21:23]) * 60 + int(text[23:25])
            zone = _ZONES.setdefault(
                text[20:], timezone(timedelta(minutes=-minutes if text[20] == "-" else minutes))
            )
        return datetime(int(text[:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), int(text[14:16]),
                        int(text[17:19]), tzinfo=zone)  # fmt: skip
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S %z")
    except ValueError:
        date_part, _, rest = text.strip().partition(" ")
        y, m, d = (int(x) for x in date_part.split("-"))  # tolerate an unpadded day such as 2024-10-2
        return datetime.strptime(f"{y:04d}-{m:02d}-{d:02d} {rest}", "%Y-%m-%d %H:%M:%S %z")


def _number(value: str | None) -> float | None:
    try:
        number = float(value) if value not in (None, "") else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) else None


_OFFSETS: dict[object, str | None] = {}


def _offset(moment: datetime) -> str | None:
    """'+HH:MM' of an aware datetime (the zone the entry was recorded in), worked out once per zone."""
    if moment.tzinfo in _OFFSETS:
        return _OFFSETS[moment.tzinfo]
    delta = moment.utcoffset()
    text = None
    if delta is not None:
        minutes = int(delta.total_seconds() // 60)
        text = f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return _OFFSETS.setdefault(moment.tzinfo, text)


class _Clock:
    """Cuts the export's timestamps into (day, 'HH:MM', '+HH:MM'), for one read.

    A dense export repeats few days, times of day and zones, so each piece of the usual form
    ('2019-06-17 21:07:11 -0400') is checked once, by a full parse, and then looked up: pieces are
    independent, so a day valid in one timestamp is valid in any. Other forms are parsed each time."""

    def __init__(self) -> None:
        self.days: dict[str, date] = {}
        self.clocks: dict[str, str] = {}
        self.zones: dict[str, str | None] = {}

    def cut(self, text: str | None, what: str) -> tuple[date, str, str | None]:
        """(day, 'HH:MM', offset) of ``text``; ValueError naming ``what`` when it is not a time."""
        if text and _EXACT.fullmatch(text):
            day, clock, zone = self.days.get(text[:10]), self.clocks.get(text[11:19]), text[20:]
            if day is not None and clock is not None and zone in self.zones:
                return day, clock, self.zones[zone]
        moment = _parse_time(text, what)
        found = moment.date(), sys.intern(f"{moment.hour:02d}:{moment.minute:02d}"), _offset(moment)
        if text and _EXACT.fullmatch(text):
            self.days[text[:10]], self.clocks[text[11:19]], self.zones[text[20:]] = found
        return found


def _workout_session(el: ET.Element, batch: ImportBatch, today: date, clock: _Clock) -> Session | None:
    """A Session for one <Workout>, or None with the reason counted in the batch."""
    raw_type = el.get("workoutActivityType", "")
    label = sys.intern(
        raw_type.removeprefix("HKWorkoutActivityType") or "Unknown"
    )  # a few kinds, many workouts
    start_text, end_text = el.get("startDate"), el.get("endDate")
    day, start_time, offset = clock.cut(start_text, "startDate")
    clock.cut(end_text, "endDate")  # checked even when the duration is given
    duration = _number(el.get("duration"))
    minutes = duration * _MINUTES.get(el.get("durationUnit", "min"), 1.0) if duration is not None else None
    if minutes is None:
        start, end = _parse_time(start_text, "startDate"), _parse_time(end_text, "endDate")
        minutes = (end - start).total_seconds() / 60
    if minutes < 0.5:
        batch.skip("workouts shorter than a minute")
        return None
    quality = "unreliable" if minutes > MINUTES_MAX else "recorded"
    energy = distance = None
    for stat in el.iter("WorkoutStatistics"):  # iOS 16+: totals live here
        kind = stat.get("type", "")
        total = _number(stat.get("sum"))
        if total is None:
            continue
        if kind.endswith("ActiveEnergyBurned"):
            energy = total * _ENERGY.get(stat.get("unit", "kcal"), 1.0)
        elif kind.startswith("HKQuantityTypeIdentifierDistance"):
            distance = total * _DISTANCE.get(stat.get("unit", "km"), 1.0)
    if energy is None and (legacy := _number(el.get("totalEnergyBurned"))) is not None:
        energy = legacy * _ENERGY.get(el.get("totalEnergyBurnedUnit", "kcal"), 1.0)
    if distance is None and (legacy := _number(el.get("totalDistance"))) is not None:
        distance = legacy * _DISTANCE.get(el.get("totalDistanceUnit", "km"), 1.0)
    details = [f"{energy:.0f} kcal" if energy is not None else "", f"{distance:.2f} km" if distance else ""]
    source_name = el.get("sourceName", "")
    note = " · ".join(x for x in [*details, source_name] if x)
    key = "|".join([raw_type, source_name, start_text or "", end_text or ""])
    return validated_session(batch, today, "workouts", dict(
        date=day, start_time=start_time, exercise_type=ACTIVITY_TYPES.get(label, "other"),
        duration_min=MINUTES_MAX if quality == "unreliable" else max(1, round(minutes)),
        notes=f"Apple Health: {note}"[:2000] if note else "Apple Health", source=SOURCE,
        source_id=hashlib.sha1(key.encode()).hexdigest(), source_label=label, duration_quality=quality,
        recorded_duration_min=round(minutes) if quality == "unreliable" else None, utc_offset=offset,
    ))  # fmt: skip


def _back_pain(el: ET.Element, batch: ImportBatch, today: date, clock: _Clock) -> SymptomRecord | None:
    day, start_time, offset = clock.cut(el.get("startDate"), "startDate")
    value = el.get("value", "")
    key = "|".join([el.get("sourceName", ""), el.get("startDate", ""), el.get("endDate", ""), value])
    record = SymptomRecord(
        date=day,
        time=start_time,
        symptom="Lower back pain",
        scale="Apple Health severity",
        value=SEVERITY.get(value, value.removeprefix("HKCategoryValueSeverity") or "unknown"),
        source=SOURCE,
        source_id=hashlib.sha1(key.encode()).hexdigest(),
        utc_offset=offset,
    )
    if not plausible_day(record.date) or record.date > today:
        batch.skip("back-pain records dated in the future or before 1900 (refused, as in the forms)",
                   record.date.isoformat())  # fmt: skip
        return None
    if problems := record.problems():
        batch.skip("back-pain records with a value the diary cannot store", "; ".join(problems))
        return None
    return record


def read_apple_health(
    path: Path,
    *,
    display_name: str | None = None,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> ImportBatch:
    """Read workouts and lower-back-pain records from an Apple Health export; nothing is written."""
    name = display_name or path.name
    stream, total, archive = open_export(path, name)
    batch = ImportBatch(SOURCE, name)
    today = date.today()
    clock = _Clock()
    group: list[tuple[str, bytes, int]] = []

    def flush() -> None:
        for kind, el, line in parsed(group, name):
            try:
                if kind == "workout":
                    if (session := _workout_session(el, batch, today, clock)) is not None:
                        batch.sessions.append(session)
                elif (record := _back_pain(el, batch, today, clock)) is not None:
                    batch.symptoms.append(record)
            except ValueError as exc:
                raise ImportFormatError(
                    f"{name}, line {line}: an entry cannot be read ({exc}). Nothing was imported."
                ) from exc
        group.clear()

    collecting = gc.isenabled()
    gc.disable()  # the entries hold no reference cycles; collecting while they pile up is quadratic
    try:
        size = 0
        for element in elements(stream, total, name, progress):
            group.append(element)
            size += len(element[1])
            if len(group) == GROUP or size > GROUP_BYTES:
                flush()
                size = 0
        flush()
    finally:
        if collecting:
            gc.enable()
        stream.close()
        if archive is not None:
            archive.close()
    return batch
