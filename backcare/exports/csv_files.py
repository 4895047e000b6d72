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

from backcare.errors import ImportFormatError, Problems, ValidationError
from backcare.exports.experiment_rows import (
    EXPERIMENT_HEADER,
    README_LINE,
    at_most_one_running,
    experiment_from_row,
    experiment_rows,
)
from backcare.importers.zips import open_member
from backcare.models import (
    SET_TYPES,
    SetDetails,
    checkin_from_input,
    clean_text,
    parse_date,
    parse_float,
    parse_int,
    session_from_input,
)
from backcare.records import CsvDiary, DiaryTables, SymptomRecord

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUOTED = (*FORMULA_START, "'")  # a leading quote is doubled too, so '=1+1 comes back as '=1+1
MAX_MEMBER_BYTES = 256 * 1024 * 1024  # one inflated file of an export; a real diary is far smaller
MAX_BLANK_LINES = 10_000  # blank lines in one file; more is not an export (a zip bomb of newlines)
MAX_LINE = 1 << 20
LIST_SEPARATOR = ";"
MAX_SET_REPS = float(2**62)  # kept as recorded however implausible, but it must fit SQLite's integers

CHECKIN_HEADER = [
    "date", "pain_0_10", "worst_pain_0_10", "stiffness_0_10", "sleep_quality_0_10", "stress_0_10",
    "locations", "qualities", "medication", "flare", "notes", "source", "time", "utc_offset",
]  # fmt: skip
SESSION_HEADER = [
    "session_id", "date", "start_time", "exercise_type", "exercise_type_name", "duration_min", "effort_rpe_1_10",
    "pain_before_0_10", "pain_after_0_10", "with_instructor", "notes", "source", "source_id", "source_label",
    "duration_quality", "recorded_duration_min", "utc_offset",
]  # fmt: skip
MOVEMENT_HEADER = [
    "session_id", "position", "movement", "sets", "reps", "weight_kg", "set_type", "set_reps", "set_weight_kg",
    "duration_s", "distance_m", "set_rpe", "set_notes", "implausible",
]  # fmt: skip
SYMPTOM_HEADER = ["date", "time", "utc_offset", "symptom", "value", "scale", "source", "source_id"]
# Columns added later: older exports without them are still read (the missing cells are empty).
ADDED_COLUMNS = {"checkins.csv": 2, "sessions.csv": 3, "session_movements.csv": 8}
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
README = (
    """backcare export
================
Files (UTF-8, comma-separated, ISO dates YYYY-MM-DD):
- checkins.csv: one row per day; pain on the 0-10 scale (0 = no pain, 10 = worst pain imaginable);
  time (HH:MM) when the pain was rated, if known, and utc_offset, the offset from UTC there and then.
- sessions.csv: one row per exercise session; duration in minutes, effort as RPE 1-10;
  duration_quality says whether the minutes were recorded, estimated by backcare (the source had no
  duration) or unreliable (a timer left running; recorded_duration_min holds what it said);
  utc_offset is the offset from UTC where the session happened.
- session_movements.csv: movements of each session (weight in kg), joined by session_id; imported
  sets also carry set_type (normal, warmup, drop, failure), reps and weight as recorded, duration_s,
  distance_m, set_rpe, set_notes and implausible (1: a value kept as recorded although implausible).
- symptom_records.csv: symptom entries imported from other apps (Apple Health lower back pain), on
  that app's own scale (for Apple: not present, mild, moderate, severe); never a 0-10 score.
- exercise_types.csv: the exercise types used (key and display name).
- peg.csv: weekly PEG-3 answers (Krebs et al. 2009); score = mean of the three items.
- global_impression.csv: monthly global impression of change, -3 (much worse) to +3 (much better).
- red_flags.csv: red-flag screenings (item keys separated by ';').
"""
    + README_LINE
    + """Lists inside a cell are separated by ';'. Text that would start with = + - @ begins with an extra
apostrophe so spreadsheets do not treat it as a formula.
"""
)


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula (or that starts with a quote) with a quote."""
    if isinstance(value, str) and value.startswith(QUOTED):
        return "'" + value
    return value


def restore(text: str) -> str:
    """Undo neutralise() on a cell read back from our own CSV."""
    if text.startswith("'") and text[1:].startswith(QUOTED):
        return text[1:]
    return text


def _cell(value: Any) -> Any:
    import pandas as pd  # only exports need pandas; reading an export back does not

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

    from backcare.analysis.trends import in_range

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
             bool(r["flare"]), r["notes"], r["source"], r["time"], r["utc_offset"]] for r in checkins.to_dict("records"))),
        "sessions.csv": _csv(SESSION_HEADER, (
            [r["id"], r["date"], r["start_time"], r["exercise_type"], tables.type_names.get(r["exercise_type"], ""),
             r["duration_min"], r["rpe"], r["pain_before"], r["pain_after"], bool(r["with_instructor"]), r["notes"],
             r["source"], r["source_id"], r["source_label"], r["duration_quality"], r["recorded_duration_min"],
             r["utc_offset"]] for r in sessions.to_dict("records"))),
        "session_movements.csv": _csv(MOVEMENT_HEADER, (
            [r["session_id"], r["position"], r["name"], r["sets"], r["reps"], r["weight_kg"], r["set_type"],
             r["set_reps"], r["set_weight_kg"], r["duration_s"], r["distance_m"], r["set_rpe"], r["set_notes"],
             r["implausible"]] for r in movements.to_dict("records"))),
        "symptom_records.csv": _csv(SYMPTOM_HEADER, (
            [r[c] for c in SYMPTOM_HEADER] for r in within(tables.symptoms).to_dict("records"))),
        "exercise_types.csv": _csv(TYPE_HEADER, ([k, v] for k, v in tables.type_names.items())),
        "peg.csv": _csv(PEG_HEADER, (
            [r["date"], r["pain"], r["enjoyment"], r["activity"], r["score"]] for r in within(tables.peg).to_dict("records"))),
        "global_impression.csv": _csv(IMPRESSION_HEADER, (
            [r["date"], r["rating"]] for r in within(tables.impressions).to_dict("records"))),
        "red_flags.csv": _csv(RED_FLAG_HEADER, (
            [r["date"], LIST_SEPARATOR.join(json.loads(r["answers"])), r["level"], r["resolved_at"], r["resolution"]]
            for r in within(tables.red_flags).to_dict("records"))),
        "experiments.csv": _csv(EXPERIMENT_HEADER, experiment_rows(tables.experiments, start, end)),
    }  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


# -- import ------------------------------------------------------------------------------------


def _bounded_lines(stream: io.TextIOWrapper, where: str) -> Iterable[str]:
    """Lines of one file, each bounded, with too many blank lines refused (never read whole)."""
    blank = 0
    while line := stream.readline(MAX_LINE):
        if len(line) >= MAX_LINE and not line.endswith("\n"):
            raise ImportFormatError(
                f"{where}: a line is longer than {MAX_LINE:,} characters; this is not a backcare export."
            )
        if not line.strip():
            blank += 1
            if blank > MAX_BLANK_LINES:
                raise ImportFormatError(
                    f"{where}: more than {MAX_BLANK_LINES:,} blank lines; this is not a backcare export."
                )
            continue
        yield line


def _read(
    archive: zipfile.ZipFile, name: str, header: list[str], archive_name: str, *, optional: bool = False
) -> Iterable[tuple[int, dict[str, str]]]:
    """Stream the rows of one file of the export (bounded in size, line length and blank lines)."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        if optional:
            return
        raise ImportFormatError(
            f"{archive_name}: {name} is missing; this is not a complete backcare CSV export."
        ) from None
    if info.file_size > MAX_MEMBER_BYTES:
        raise ImportFormatError(
            f"{archive_name}: {name} would inflate to {info.file_size / 2**20:,.0f} MB; a backcare export "
            f"file is never over {MAX_MEMBER_BYTES // 2**20} MB. Nothing was imported."
        )
    where = f"{archive_name}, {name}"
    try:
        with open_member(archive, info, archive_name) as raw:
            reader = csv.DictReader(
                _bounded_lines(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""), where)
            )
            fields = reader.fieldnames or []
            oldest = len(header) - ADDED_COLUMNS.get(name, 0)
            if fields != header[: len(fields)] or len(fields) < oldest:
                raise ImportFormatError(f"{where}: unexpected columns; expected {', '.join(header)}.")
            for line, row in enumerate(reader, start=2):
                yield line, {k: restore(row.get(k) or "") for k in header}
    except csv.Error as exc:
        raise ImportFormatError(f"{where}: {exc}.") from exc
    except (UnicodeDecodeError, zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise ImportFormatError(f"{where} cannot be read ({exc}).") from exc


def _level(text: str) -> str:
    if text not in ("none", "urgent", "emergency"):
        raise ValueError(f"red-flag level '{text}' is not none, urgent or emergency")
    return text


def _number(text: str, label: str) -> float | None:
    return parse_float(text, label, 0, float("inf"))


def _set_details(row: dict[str, str]) -> SetDetails | None:
    """The recorded details of an imported set (None for a movement logged in the app)."""
    if not row["set_type"]:
        return None
    if row["set_type"] not in SET_TYPES:
        raise ValueError(f"set type '{row['set_type']}' is not one of {', '.join(SET_TYPES)}")
    reps = parse_float(row["set_reps"], "Set reps", 0, MAX_SET_REPS)
    rpe = parse_float(row["set_rpe"], "Set RPE", 0, 10)
    return SetDetails(
        set_type=row["set_type"], reps=None if reps is None else int(reps), weight_kg=_number(row["set_weight_kg"], "Set weight"),
        duration_s=_number(row["duration_s"], "Set duration"), distance_m=_number(row["distance_m"], "Set distance"),
        rpe=rpe, notes=clean_text(row["set_notes"], "Set notes"), implausible=row["implausible"] in ("1", "yes"),
    )  # fmt: skip


def _symptom(row: dict[str, str]) -> SymptomRecord:
    """A symptom record read back, checked by the rules the diary stores it with."""
    record = SymptomRecord(
        date=parse_date(row["date"]), time=row["time"] or None, symptom=row["symptom"], scale=row["scale"],
        value=row["value"], source=row["source"], source_id=row["source_id"], utc_offset=row["utc_offset"] or None,
    )  # fmt: skip
    if problems := record.problems():
        raise ValidationError(problems)
    return record


def read_csv_zip(data: bytes, archive_name: str) -> CsvDiary:
    """Parse and validate a backcare CSV export zip; raise ImportFormatError naming file and line."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFormatError(
            f"{archive_name}: this is not a zip file, or it is damaged or incomplete."
        ) from exc
    diary = CsvDiary()
    problems = Problems()

    def each(name: str, header: list[str], optional: bool = False) -> Iterable[tuple[int, dict[str, str]]]:
        return _read(archive, name, header, archive_name, optional=optional)

    def attempt(name: str, line: int, build: Any) -> Any:
        where = problems.under(f"{name}, line {line}")
        try:
            return where.attempt(build)
        except ValueError as exc:
            where.add(str(exc))
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
                flare=row["flare"] == "yes", notes=row["notes"], source=row["source"] or "manual",
                time=row["time"] or None, utc_offset=row["utc_offset"]))  # fmt: skip
            if checkin is not None:
                diary.checkins.append(checkin)
        moves: dict[str, list[dict[str, Any]]] = {}
        for line, row in each("session_movements.csv", MOVEMENT_HEADER):
            moves.setdefault(row["session_id"], []).append(
                {"name": row["movement"], "sets": row["sets"], "reps": row["reps"], "weight_kg": row["weight_kg"],
                 "details": attempt("session_movements.csv", line, lambda row=row: _set_details(row))}
            )  # fmt: skip
        for line, row in each("sessions.csv", SESSION_HEADER):
            session = attempt("sessions.csv", line, lambda row=row: session_from_input(
                date=row["date"], start_time=row["start_time"] or None, exercise_type=row["exercise_type"],
                duration_min=row["duration_min"], rpe=row["effort_rpe_1_10"], pain_before=row["pain_before_0_10"],
                pain_after=row["pain_after_0_10"], with_instructor=row["with_instructor"] == "yes", notes=row["notes"],
                source=row["source"] or "manual", source_id=row["source_id"] or None, source_label=row["source_label"],
                movements=moves.get(row["session_id"], []), duration_quality=row["duration_quality"] or "recorded",
                recorded_duration_min=row["recorded_duration_min"], utc_offset=row["utc_offset"]))  # fmt: skip
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
        for line, row in each("symptom_records.csv", SYMPTOM_HEADER, optional=True):
            record = attempt("symptom_records.csv", line, lambda row=row: _symptom(row))
            if record is not None:
                diary.symptoms.append(record)
        for line, row in each("experiments.csv", EXPERIMENT_HEADER, optional=True):
            experiment = attempt(
                "experiments.csv", line, lambda row=row: experiment_from_row(row, set(diary.type_names))
            )
            if experiment is not None:
                diary.experiments.append(experiment)
    if running := at_most_one_running(diary.experiments):
        problems.add(running)
    if problems:
        shown = problems.items[:10] + (
            [f"... and {len(problems) - 10} more problems"] if len(problems) > 10 else []
        )
        raise ImportFormatError(f"{archive_name}: nothing was imported. " + " ".join(shown))
    unknown = {s.exercise_type for s in diary.sessions} - set(diary.type_names)
    if unknown:
        raise ImportFormatError(
            f"{archive_name}: exercise_types.csv lacks {', '.join(sorted(unknown))}; nothing was imported."
        )
    return diary
