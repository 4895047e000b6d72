"""Strong CSV exports, in every layout the app has written (one row per set):

* current: ``"Workout #";"Date";"Workout Name";"Duration (sec)";...;"Weight (kg)";...;"Distance (meters)";
  "Seconds";"Notes";"Workout Notes"`` (semicolons, units in the headers, duration in seconds);
* with unit columns: ``Date,Workout Name,Exercise Name,Set Order,Weight,Weight Unit,Reps,RPE,Distance,
  Distance Unit,Seconds,Notes,Workout Notes,Workout Duration`` (duration like "1h 26m", "45m", "20s");
* 2019: the same without ``Workout Duration`` (no duration at all: sessions are marked estimated);
* classic: ``Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,
  Workout Notes,RPE`` (no unit anywhere: the person says kg or lb, and distances follow it: km or miles).

The file's own unit is used whenever it states one; ``unit`` is needed only when it does not.
``Set Order`` is a number, or W / D / F for warm-up, drop and failure sets; "Rest Timer" rows are skipped.
"""

from __future__ import annotations

import re
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
    parse_duration,
    read_with_fallback,
)
from backcare.records import ImportBatch

REQUIRED = ("Date", "Exercise Name", "Set Order", "Reps")
SET_ORDER = {"w": "warmup", "d": "drop", "f": "failure"}
WEIGHT_UNITS = {"kg": 1.0, "kgs": 1.0, "lb": LB_TO_KG, "lbs": LB_TO_KG}
DISTANCE_UNITS = {"m": 1.0, "meters": 1.0, "metres": 1.0, "km": 1000.0, "mi": MILE_M, "miles": MILE_M,
                  "ft": 0.3048, "feet": 0.3048, "yd": 0.9144, "yards": 0.9144}  # fmt: skip
_SUFFIX = re.compile(r"^(.*?)\s*\(([^)]*)\)$")
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %I:%M:%S %p", "%Y-%m-%d %I:%M %p")


def _columns(header: list[str]) -> dict[str, tuple[str, str | None]]:
    """Plain column name -> (header as written, unit in its suffix): 'Weight (kg)' -> ('Weight', 'kg')."""
    found: dict[str, tuple[str, str | None]] = {}
    for column in header:
        match = _SUFFIX.match(column)
        plain, suffix = (match.group(1), match.group(2).strip().lower()) if match else (column, None)
        found.setdefault(plain, (column, suffix))
    return found


def _start(text: str, where: str) -> datetime:
    cleaned = text.replace("\u202f", " ").replace("\u00a0", " ").strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    raise ImportFormatError(f"{where}: the date '{text}' is not like 2024-06-26 18:06:30.")


def read_strong(
    path: Path,
    name: str,
    *,
    unit: str | None,
    catalogue: Iterable[str] = (),
    progress: Callable[[int, int], None] = lambda d, t: None,
) -> ImportBatch:
    """Read a Strong CSV export of any layout; `unit` ('kg' or 'lb') is needed only when the file
    has weights and states no unit."""
    names = list(catalogue)
    return read_with_fallback(lambda encoding: _read(path, name, encoding, unit, names, progress), name)


def _read(
    path: Path, name: str, encoding: str, unit: str | None, catalogue: list[str],
    progress: Callable[[int, int], None],
) -> ImportBatch:  # fmt: skip
    batch = ImportBatch("strong", name)
    builder = WorkoutBuilder(batch, catalogue)
    total = path.stat().st_size
    columns: dict[str, tuple[str, str | None]] = {}
    asked_unit_used = False
    file_unit: str | None = None
    for line, header, row in csv_rows(path, name, encoding):
        where = f"{name}, line {line}"
        if not columns:
            columns = _columns(header)
            missing = [c for c in REQUIRED if c not in columns]
            if "Weight" not in columns:
                missing.append("Weight")
            if missing:
                raise ImportFormatError(
                    f"{name}: this does not look like a Strong export; missing column(s): {', '.join(missing)}. "
                    "Export again from Strong (Settings > Export Strong Data) and choose that CSV file."
                )

        def cell(
            plain: str, row: dict[str, str] = row, columns: dict[str, tuple[str, str | None]] = columns
        ) -> str:
            return row.get(columns[plain][0], "") if plain in columns else ""

        if cell("Set Order").lower().startswith("rest"):
            batch.skip("rest-timer rows")
            continue
        start = _start(cell("Date"), where)
        weight = number(cell("Weight"), "weight", where)
        stated = (cell("Weight Unit") or columns["Weight"][1] or "").lower()
        if stated and stated not in WEIGHT_UNITS:
            raise ImportFormatError(f"{where}: the weight unit '{stated}' is not kg or lbs.")
        if weight and not stated:
            if unit not in ("kg", "lb"):
                raise ImportFormatError(
                    f"{name}: this Strong export does not say whether weights are in kg or lb. "
                    "Choose the unit you use in Strong."
                )
            asked_unit_used = True
        factor = WEIGHT_UNITS.get(stated or unit or "kg", 1.0)
        file_unit = file_unit or (stated or None)
        distance = number(cell("Distance"), "distance", where)
        distance_unit = (cell("Distance Unit") or columns.get("Distance", ("", None))[1] or "").lower()
        if not distance_unit:
            distance_unit = "mi" if unit == "lb" else "km"
        if distance_unit not in DISTANCE_UNITS:
            raise ImportFormatError(f"{where}: the distance unit '{distance_unit}' is not understood.")
        order = cell("Set Order").strip().lower()
        seconds = number(cell("Seconds"), "seconds", where)
        reps = number(cell("Reps"), "reps", where)
        exercise = cell("Exercise Name")
        if not exercise:
            batch.skip("sets without an exercise name")
            continue
        title = cell("Workout Name") or "Strong workout"
        key = (cell("Workout #") or start.isoformat(), title)
        workout_seconds = _workout_seconds(cell, where)
        builder.add(
            key,
            (start, title, workout_seconds, cell("Workout Notes")),
            SetRow(
                exercise=exercise, set_type=SET_ORDER.get(order[:1], "normal"), reps=reps or None,
                kg=weight * factor if weight else None, seconds=seconds or None,
                metres=distance * DISTANCE_UNITS[distance_unit] if distance else None,
                rpe=number(cell("RPE"), "RPE", where), note=cell("Notes"),
            ),
            where,
        )  # fmt: skip
        if line % 5000 == 0:
            progress(min(total, line * 60), total)
    progress(total, total)
    if (
        file_unit
        and unit
        and unit != {"lbs": "lb", "kgs": "kg"}.get(file_unit, file_unit)
        and not asked_unit_used
    ):
        batch.notices.append(f"The file states its weights in {file_unit}; that unit was used, not {unit}.")
    return builder.finish()


def _workout_seconds(cell: Callable[[str], str], where: str) -> float | None:
    """The workout's duration in seconds from whichever column this layout has (None: none)."""
    text = cell("Duration")
    if text and re.fullmatch(r"\d+(\.\d+)?", text):
        return number(text, "duration", where)  # 'Duration (sec)': plain seconds
    return parse_duration(text) if text else parse_duration(cell("Workout Duration"))
