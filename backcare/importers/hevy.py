"""Hevy CSV export: one row per set, the workout's fields repeated on every row.

``"title","start_time","end_time","description","exercise_title","superset_id","exercise_notes",
"set_index","set_type","weight_kg","reps","distance_km","duration_seconds","rpe"``; the unit is in
the column name (``weight_lbs`` / ``distance_miles`` for imperial settings). Times look like
``26 Jun 2024, 18:06`` with no time zone. ``set_type`` is normal, warmup, failure or dropset.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from backcare.errors import ImportFormatError
from backcare.importers.workout_sets import (
    LB_TO_KG,
    MILE_M,
    SetRow,
    WorkoutBuilder,
    csv_rows,
    number,
    read_with_fallback,
)
from backcare.records import ImportBatch

REQUIRED = ("title", "start_time", "end_time", "exercise_title", "set_index", "reps")
SET_TYPES = {"normal": "normal", "warmup": "warmup", "warm_up": "warmup", "failure": "failure",
             "dropset": "drop", "drop_set": "drop", "drop": "drop"}  # fmt: skip
WEIGHTS = (("weight_kg", 1.0), ("weight_lbs", LB_TO_KG), ("weight_lb", LB_TO_KG))
DISTANCES = (
    ("distance_km", 1000.0),
    ("distance_miles", MILE_M),
    ("distance_meters", 1.0),
    ("distance_m", 1.0),
)
_FORMATS = (
    "%d %b %Y, %H:%M",
    "%d %b %Y, %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
)


def _time(text: str, where: str) -> datetime:
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    raise ImportFormatError(f"{where}: the time '{text}' is not like '26 Jun 2024, 18:06'.")


def read_hevy(
    path: Path,
    name: str,
    *,
    catalogue: Iterable[str] = (),
    progress: Callable[[int, int], None] = lambda d, t: None,
) -> ImportBatch:
    """Read a Hevy CSV export (weights and distances in the units its column names state)."""
    names = list(catalogue)
    return read_with_fallback(lambda encoding: _read(path, name, encoding, names, progress), name)


def _measure(
    row: dict[str, str], options: tuple[tuple[str, float], ...], what: str, where: str
) -> float | None:
    for column, factor in options:
        if column in row:
            value = number(row[column], what, where)
            return value * factor if value is not None else None
    return None


def _read(
    path: Path, name: str, encoding: str, catalogue: list[str], progress: Callable[[int, int], None]
) -> ImportBatch:
    batch = ImportBatch("hevy", name)
    builder = WorkoutBuilder(batch, catalogue)
    total = path.stat().st_size
    checked = False
    unknown_types = 0
    for line, header, row in csv_rows(path, name, encoding):
        where = f"{name}, line {line}"
        if not checked:
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise ImportFormatError(
                    f"{name}: this does not look like a Hevy export; missing column(s): {', '.join(missing)}. "
                    "Export again from Hevy (Settings > Export & Import Data) and choose that CSV file."
                )
            checked = True
        if not row.get("exercise_title"):
            batch.skip("sets without an exercise name")
            continue
        start = _time(row["start_time"], where)
        end = _time(row["end_time"], where) if row.get("end_time") else None
        set_type = row.get("set_type", "").strip().lower() or "normal"
        if set_type not in SET_TYPES:
            unknown_types += 1
        title = row.get("title", "") or "Hevy workout"
        seconds = None if end is None else (end - start).total_seconds()
        kg = _measure(row, WEIGHTS, "weight", where)
        builder.add(
            (start, title),
            (start, title, seconds, row.get("description", "")),
            SetRow(
                exercise=row["exercise_title"], set_type=SET_TYPES.get(set_type, "normal"),
                reps=number(row.get("reps", ""), "reps", where), kg=kg or None,
                seconds=number(row.get("duration_seconds", ""), "duration", where) or None,
                metres=_measure(row, DISTANCES, "distance", where) or None,
                rpe=number(row.get("rpe", ""), "RPE", where), note=row.get("exercise_notes", ""),
            ),
            where,
        )  # fmt: skip
        if line % 5000 == 0:
            progress(min(total, line * 80), total)
    progress(total, total)
    if unknown_types:
        batch.notices.append(
            f"{unknown_types} sets of a type backcare does not know were kept as normal sets."
        )
    return builder.finish()
