"""Strong and Hevy CSV exports: one row per set, grouped into sessions by start time and workout name.

Strong has no unit column (weights are in the person's display unit: ask, or pass --unit);
Android Strong exports use semicolons. Hevy names the unit in the column (weight_kg / weight_lbs).
Movements are matched to the catalogue by name ("Romanian Deadlift (Dumbbell)" -> "Romanian
deadlift") or added as new movements; every set is kept with its reps and weight in kg.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from backcare.errors import ImportFormatError
from backcare.models import MovementLog, Session
from backcare.records import ImportBatch, plausible_day

LB_TO_KG = 0.45359237
STRONG_COLUMNS = {"Date", "Workout Name", "Exercise Name", "Set Order", "Weight", "Reps"}
HEVY_COLUMNS = {"title", "start_time", "end_time", "exercise_title", "set_index", "reps"}
_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?\s*$")


def parse_duration(text: str) -> int | None:
    """Minutes from Strong's '2h 38m', '38m' or '45s' (None if blank or unreadable)."""
    match = _DURATION.match(text or "")
    if not text or not text.strip() or not match or not any(match.groups()):
        return None
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return hours * 60 + minutes + round(seconds / 60)


def _base_name(name: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*$", "", name).strip()


def match_movement(name: str, catalogue: Iterable[str]) -> str:
    """The catalogue movement with the same name (ignoring case and equipment), else the name itself."""
    known = {m.casefold(): m for m in catalogue}
    return known.get(name.casefold()) or known.get(_base_name(name).casefold()) or name.strip()[:120]


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFormatError(f"{name}: the file is not text (cannot decode it).")


def _rows(data: bytes, name: str, required: set[str], app: str) -> list[tuple[int, dict[str, str]]]:
    text = _decode(data, name)
    if "\x00" in text:
        raise ImportFormatError(f"{name}: this is not a CSV text file.")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = {h.strip() for h in (reader.fieldnames or [])}
    missing = required - headers
    if missing:
        raise ImportFormatError(
            f"{name}: this does not look like a {app} export; missing column(s): {', '.join(sorted(missing))}. "
            f"Export again from {app} (Settings > Export data) and choose that CSV file."
        )
    try:
        return [
            (number, {k.strip(): (v or "").strip() for k, v in row.items() if k})
            for number, row in enumerate(reader, start=2)
        ]
    except csv.Error as exc:
        raise ImportFormatError(f"{name}, line {reader.line_num}: {exc}.") from exc


def _float(text: str, what: str, name: str, line: int) -> float | None:
    if text in ("", "-"):
        return None
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ImportFormatError(f"{name}, line {line}: {what} '{text}' is not a number.")
    return number


@dataclass
class _Workout:
    start: datetime
    title: str
    minutes: int | None
    notes: str
    sets: list[MovementLog] = field(default_factory=list)
    rpe: list[float] = field(default_factory=list)


def _session(w: _Workout, source: str, skipped: Counter[str]) -> Session | None:
    if not plausible_day(w.start.date()):
        skipped["workouts with impossible dates"] += 1
        return None
    minutes = w.minutes
    if minutes is None or minutes < 1:
        minutes = max(1, min(600, 5 * len(w.sets)))  # no duration in the file: a modest estimate
    if minutes > 600:
        skipped["workouts longer than 10 hours"] += 1
        return None
    rpe = round(max(w.rpe)) if w.rpe else None
    return Session(
        date=w.start.date(),
        start_time=w.start.strftime("%H:%M"),
        exercise_type="strength",
        duration_min=minutes,
        rpe=min(10, max(1, rpe)) if rpe else None,
        notes=(f"{w.title}: {w.notes}" if w.notes else w.title)[:2000] or None,
        movements=tuple(w.sets),
        source=source,
        source_id=f"{w.start:%Y-%m-%dT%H:%M:%S}|{w.title}",
        source_label=w.title[:120] or None,
    )


def _set(movement: str, reps: float | None, weight_kg: float | None) -> MovementLog:
    return MovementLog(
        name=movement,
        sets=1,
        reps=int(reps) if reps and 0 < reps <= 1000 else None,
        weight_kg=round(weight_kg, 2) if weight_kg and 0 < weight_kg <= 1000 else None,
    )


@dataclass(frozen=True)
class _SetRow:
    """One set as an app's CSV row describes it, units already converted to kg."""

    start: datetime
    title: str
    minutes: int | None
    notes: str
    exercise: str
    reps: float | None
    kg: float | None
    rpe: float | None


RowParser = Callable[[dict[str, str], int, Counter[str]], _SetRow | None]


def _read_sets(
    data: bytes, name: str, app: str, columns: set[str], parse: RowParser, catalogue: Iterable[str],
    progress: Callable[[int, int], None],
) -> ImportBatch:  # fmt: skip
    """Shared by Strong and Hevy: parse rows, group sets into workouts by start time and title."""
    rows = _rows(data, name, columns, app)
    names = list(catalogue)
    batch = ImportBatch(app.lower(), name)
    workouts: dict[tuple[datetime, str], _Workout] = {}
    for done, (line, row) in enumerate(rows, start=1):
        parsed = parse(row, line, batch.skipped)
        if parsed is not None:
            key = (parsed.start, parsed.title)
            if key not in workouts:
                workouts[key] = _Workout(parsed.start, parsed.title, parsed.minutes, parsed.notes)
            workout = workouts[key]
            workout.notes = workout.notes or parsed.notes
            workout.sets.append(_set(match_movement(parsed.exercise, names), parsed.reps, parsed.kg))
            if parsed.rpe is not None:
                workout.rpe.append(parsed.rpe)
        if done % 500 == 0:
            progress(done, len(rows))
    progress(len(rows), len(rows))
    for workout in workouts.values():
        session = _session(workout, batch.source, batch.skipped)
        if session is not None:
            batch.sessions.append(session)
    return batch


def read_strong(
    data: bytes,
    name: str,
    *,
    unit: str | None,
    catalogue: Iterable[str] = (),
    progress: Callable[[int, int], None] = lambda d, t: None,
) -> ImportBatch:
    """Read a Strong CSV export; `unit` ('kg' or 'lb') is required when any set has a weight."""

    def parse(row: dict[str, str], line: int, skipped: Counter[str]) -> _SetRow | None:
        if row.get("Set Order", "").lower().startswith("rest"):
            skipped["rest-timer rows"] += 1
            return None
        try:
            start = datetime.strptime(row["Date"], "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise ImportFormatError(
                f"{name}, line {line}: the date '{row['Date']}' is not like 2024-06-26 18:06:30."
            ) from None
        weight = _float(row.get("Weight", ""), "weight", name, line)
        if weight and unit not in ("kg", "lb"):
            raise ImportFormatError(
                f"{name}: Strong exports do not say whether weights are in kg or lb. Choose the unit you use in Strong."
            )
        if not row.get("Exercise Name"):
            skipped["sets without an exercise name"] += 1
            return None
        return _SetRow(
            start=start,
            title=row.get("Workout Name", "") or "Strong workout",
            minutes=parse_duration(row.get("Duration", "")),
            notes=row.get("Workout Notes", ""),
            exercise=row["Exercise Name"],
            reps=_float(row.get("Reps", ""), "reps", name, line),
            kg=weight * (LB_TO_KG if unit == "lb" else 1.0) if weight else None,
            rpe=_float(row.get("RPE", ""), "RPE", name, line),
        )

    return _read_sets(data, name, "Strong", STRONG_COLUMNS, parse, catalogue, progress)


def _hevy_time(text: str, name: str, line: int) -> datetime:
    for fmt in ("%d %b %Y, %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ImportFormatError(f"{name}, line {line}: the time '{text}' is not like '26 Jun 2024, 18:06'.")


def read_hevy(
    data: bytes,
    name: str,
    *,
    catalogue: Iterable[str] = (),
    progress: Callable[[int, int], None] = lambda d, t: None,
) -> ImportBatch:
    """Read a Hevy CSV export (weights in kg or lb as named by the weight column)."""

    def parse(row: dict[str, str], line: int, skipped: Counter[str]) -> _SetRow | None:
        if not row.get("exercise_title"):
            skipped["sets without an exercise name"] += 1
            return None
        start = _hevy_time(row["start_time"], name, line)
        end = _hevy_time(row["end_time"], name, line) if row.get("end_time") else None
        if "weight_lbs" in row:
            pounds = _float(row["weight_lbs"], "weight", name, line)
            kg = pounds * LB_TO_KG if pounds else None
        else:
            kg = _float(row.get("weight_kg", ""), "weight", name, line)
        return _SetRow(
            start=start,
            title=row.get("title", "") or "Hevy workout",
            minutes=round((end - start).total_seconds() / 60) if end else None,
            notes=row.get("description", ""),
            exercise=row["exercise_title"],
            reps=_float(row.get("reps", ""), "reps", name, line),
            kg=kg,
            rpe=_float(row.get("rpe", ""), "RPE", name, line),
        )

    return _read_sets(data, name, "Hevy", HEVY_COLUMNS, parse, catalogue, progress)
