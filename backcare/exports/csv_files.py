"""Tidy CSV export (a zip of files a spreadsheet opens) and the matching import.

* UTF-8 with a byte-order mark so Excel reads accents; ISO dates; units in the headers.
* Text beginning with = + - @ (or a tab / carriage return) is prefixed with a single quote so a
  spreadsheet never runs it as a formula; the import removes exactly that quote again.
* Import reads the same files back into an empty diary, all or nothing, reporting every problem
  with its file and line.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from datetime import date
from functools import partial
from typing import Any

import pandas as pd

from backcare.analysis.trends import in_range
from backcare.errors import ImportFormatError, ValidationError
from backcare.models import checkin_from_input, parse_date, parse_int, session_from_input
from backcare.records import CsvDiary, DiaryTables

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ";"

CHECKIN_HEADER = [
    "date", "pain_0_10", "worst_pain_0_10", "stiffness_0_10", "sleep_quality_0_10", "stress_0_10",
    "locations", "qualities", "medication", "flare", "notes", "source",
]  # fmt: skip
SESSION_HEADER = [
    "session_id", "date", "start_time", "exercise_type", "exercise_type_name", "duration_min", "effort_rpe_1_10",
    "pain_before_0_10", "pain_after_0_10", "with_instructor", "notes", "source", "source_id", "source_label",
]  # fmt: skip
MOVEMENT_HEADER = ["session_id", "position", "movement", "sets", "reps", "weight_kg"]
TYPE_HEADER = ["exercise_type", "name"]
PEG_HEADER = [
    "date",
    "pain_0_10",
    "enjoyment_interference_0_10",
    "activity_interference_0_10",
    "peg_score_0_10",
]
IMPRESSION_HEADER = ["date", "global_impression_minus3_plus3"]
RED_FLAG_HEADER = ["date", "answers", "level", "resolved_at", "resolution"]
FILES = {
    "checkins.csv": CHECKIN_HEADER, "sessions.csv": SESSION_HEADER, "session_movements.csv": MOVEMENT_HEADER,
    "exercise_types.csv": TYPE_HEADER, "peg.csv": PEG_HEADER, "global_impression.csv": IMPRESSION_HEADER,
    "red_flags.csv": RED_FLAG_HEADER,
}  # fmt: skip
README = """backcare export
================
Files (UTF-8, comma-separated, ISO dates YYYY-MM-DD):
- checkins.csv: one row per day; pain on the 0-10 scale (0 = no pain, 10 = worst pain imaginable).
- sessions.csv: one row per exercise session; duration in minutes, effort as RPE 1-10.
- session_movements.csv: movements of each session (weight in kg), joined by session_id.
- exercise_types.csv: the exercise types used (key and display name).
- peg.csv: weekly PEG-3 answers (Krebs et al. 2009); score = mean of the three items.
- global_impression.csv: monthly global impression of change, -3 (much worse) to +3 (much better).
- red_flags.csv: red-flag screenings (item keys separated by ';').
Lists inside a cell are separated by ';'. Text that would start with = + - @ begins with an extra
apostrophe so spreadsheets do not treat it as a formula.
"""


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with a single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def restore(text: str) -> str:
    """Undo neutralise() on a cell read back from our own CSV."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return neutralise(value)


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def export_zip(tables: DiaryTables, start: date | None = None, end: date | None = None) -> bytes:
    """The zip of tidy CSV files for the date range (all dates when start/end are None)."""

    within = partial(in_range, start=start, end=end)

    checkins = within(tables.checkins)
    sessions = within(tables.sessions)
    movements = (
        tables.movements[tables.movements["session_id"].isin(sessions["id"])]
        if len(sessions)
        else tables.movements.iloc[0:0]
    )
    files = {
        "checkins.csv": _csv(CHECKIN_HEADER, (
            [r["date"], r["pain"], r["worst_pain"], r["stiffness"], r["sleep_quality"], r["stress"],
             LIST_SEPARATOR.join(r["locations"]), LIST_SEPARATOR.join(r["qualities"]), r["medication"],
             bool(r["flare"]), r["notes"], r["source"]] for r in checkins.to_dict("records"))),
        "sessions.csv": _csv(SESSION_HEADER, (
            [r["id"], r["date"], r["start_time"], r["exercise_type"], tables.type_names.get(r["exercise_type"], ""),
             r["duration_min"], r["rpe"], r["pain_before"], r["pain_after"], bool(r["with_instructor"]), r["notes"],
             r["source"], r["source_id"], r["source_label"]] for r in sessions.to_dict("records"))),
        "session_movements.csv": _csv(MOVEMENT_HEADER, (
            [r["session_id"], r["position"], r["name"], r["sets"], r["reps"], r["weight_kg"]]
            for r in movements.to_dict("records"))),
        "exercise_types.csv": _csv(TYPE_HEADER, ([k, v] for k, v in tables.type_names.items())),
        "peg.csv": _csv(PEG_HEADER, (
            [r["date"], r["pain"], r["enjoyment"], r["activity"], r["score"]] for r in within(tables.peg).to_dict("records"))),
        "global_impression.csv": _csv(IMPRESSION_HEADER, (
            [r["date"], r["rating"]] for r in within(tables.impressions).to_dict("records"))),
        "red_flags.csv": _csv(RED_FLAG_HEADER, (
            [r["date"], LIST_SEPARATOR.join(json.loads(r["answers"])), r["level"], r["resolved_at"], r["resolution"]]
            for r in within(tables.red_flags).to_dict("records"))),
    }  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


# -- import ------------------------------------------------------------------------------------


def _read(
    archive: zipfile.ZipFile, name: str, header: list[str], archive_name: str
) -> list[tuple[int, dict[str, str]]]:
    try:
        text = archive.read(name).decode("utf-8-sig")
    except KeyError:
        raise ImportFormatError(
            f"{archive_name}: {name} is missing; this is not a complete backcare CSV export."
        ) from None
    except (UnicodeDecodeError, zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise ImportFormatError(f"{archive_name}: {name} cannot be read ({exc}).") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames != header:
        raise ImportFormatError(f"{archive_name}, {name}: unexpected columns; expected {', '.join(header)}.")
    try:
        return [
            (line, {k: restore(v or "") for k, v in row.items() if k is not None})
            for line, row in enumerate(reader, start=2)
        ]
    except csv.Error as exc:
        raise ImportFormatError(f"{archive_name}, {name}, line {reader.line_num}: {exc}.") from exc


def _level(text: str) -> str:
    if text not in ("none", "urgent", "emergency"):
        raise ValueError(f"red-flag level '{text}' is not none, urgent or emergency")
    return text


def read_csv_zip(data: bytes, archive_name: str) -> CsvDiary:
    """Parse and validate a backcare CSV export zip; raise ImportFormatError naming file and line."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFormatError(
            f"{archive_name}: this is not a zip file, or it is damaged or incomplete."
        ) from exc
    diary = CsvDiary()
    problems: list[str] = []

    def each(name: str, header: list[str]) -> Iterable[tuple[int, dict[str, str]]]:
        return _read(archive, name, header, archive_name)

    def attempt(name: str, line: int, build: Any) -> Any:
        try:
            return build()
        except ValidationError as exc:
            problems.extend(f"{name}, line {line}: {p}" for p in exc.problems)
        except ValueError as exc:
            problems.append(f"{name}, line {line}: {exc}")
        return None

    with archive:
        for _line, row in each("exercise_types.csv", TYPE_HEADER):
            if row["exercise_type"]:
                diary.type_names[row["exercise_type"]] = row["name"]
        for line, row in each("checkins.csv", CHECKIN_HEADER):
            checkin = attempt("checkins.csv", line, lambda row=row: checkin_from_input(
                date=row["date"], pain=row["pain_0_10"], worst_pain=row["worst_pain_0_10"], stiffness=row["stiffness_0_10"],
                sleep_quality=row["sleep_quality_0_10"], stress=row["stress_0_10"],
                locations=[x for x in row["locations"].split(LIST_SEPARATOR) if x],
                qualities=[x for x in row["qualities"].split(LIST_SEPARATOR) if x], medication=row["medication"],
                flare=row["flare"] == "yes", notes=row["notes"], source=row["source"] or "manual"))  # fmt: skip
            if checkin is not None:
                diary.checkins.append(checkin)
        moves: dict[str, list[dict[str, Any]]] = {}
        for _line, row in each("session_movements.csv", MOVEMENT_HEADER):
            moves.setdefault(row["session_id"], []).append(
                {
                    "name": row["movement"],
                    "sets": row["sets"],
                    "reps": row["reps"],
                    "weight_kg": row["weight_kg"],
                }
            )
        for line, row in each("sessions.csv", SESSION_HEADER):
            session = attempt("sessions.csv", line, lambda row=row: session_from_input(
                date=row["date"], start_time=row["start_time"] or None, exercise_type=row["exercise_type"],
                duration_min=row["duration_min"], rpe=row["effort_rpe_1_10"], pain_before=row["pain_before_0_10"],
                pain_after=row["pain_after_0_10"], with_instructor=row["with_instructor"] == "yes", notes=row["notes"],
                source=row["source"] or "manual", source_id=row["source_id"] or None, source_label=row["source_label"],
                movements=moves.get(row["session_id"], [])))  # fmt: skip
            if session is not None:
                diary.sessions.append(session)
        for line, row in each("peg.csv", PEG_HEADER):
            values = attempt("peg.csv", line, lambda row=row: (
                parse_date(row["date"]), parse_int(row["pain_0_10"], "PEG pain", 0, 10, required=True),
                parse_int(row["enjoyment_interference_0_10"], "PEG enjoyment", 0, 10, required=True),
                parse_int(row["activity_interference_0_10"], "PEG activity", 0, 10, required=True)))  # fmt: skip
            if values is not None:
                diary.peg.append(values)
        for line, row in each("global_impression.csv", IMPRESSION_HEADER):
            value = attempt("global_impression.csv", line, lambda row=row: (
                parse_date(row["date"]),
                parse_int(row["global_impression_minus3_plus3"], "Global impression", -3, 3, required=True)))  # fmt: skip
            if value is not None:
                diary.impressions.append(value)
        for line, row in each("red_flags.csv", RED_FLAG_HEADER):
            flag = attempt("red_flags.csv", line, lambda row=row: (
                parse_date(row["date"]), [x for x in row["answers"].split(LIST_SEPARATOR) if x],
                _level(row["level"]), row["resolved_at"] or None, row["resolution"] or None))  # fmt: skip
            if flag is not None:
                diary.red_flags.append(flag)
    if problems:
        shown = problems[:10] + (
            [f"... and {len(problems) - 10} more problems"] if len(problems) > 10 else []
        )
        raise ImportFormatError(f"{archive_name}: nothing was imported. " + " ".join(shown))
    unknown = {s.exercise_type for s in diary.sessions} - set(diary.type_names)
    if unknown:
        raise ImportFormatError(
            f"{archive_name}: exercise_types.csv lacks {', '.join(sorted(unknown))}; nothing was imported."
        )
    return diary
