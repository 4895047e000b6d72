"""What Strong and Hevy share: streaming CSV rows, numbers, set types, and workouts built from sets.

Sets are kept packed (30 bytes each, compressed once their workout's rows end) until the batch is
written, so a million-row export
stays within tens of megabytes; each session's movements are rebuilt only while it is written.
Durations are used as the file records them; a file without durations gets an estimate that is
marked ``estimated``, and a timer that ran over 10 hours is kept with its sets and marked
``unreliable`` (the recorded minutes are kept). Values outside what a form accepts (a 4,500-rep
set) are kept as given and flagged ``implausible``; negative values are refused per set with a
message in the summary. A workout gets the type of what it holds (a run is ``running``).
"""

from __future__ import annotations

import csv
import io
import math
import re
import struct
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from backcare.errors import ImportFormatError, ValidationError
from backcare.models import (
    MINUTES_MAX,
    RECORDED_MAX,
    SET_TYPES,
    MovementLog,
    Session,
    SetDetails,
    clean_text,
    parse_date,
    parse_int,
)
from backcare.records import ImportBatch

LB_TO_KG = 0.45359237
MILE_M = 1609.344
MAX_LINE = 1 << 20  # characters in one line of a CSV export; longer is not an export
MAX_REPS, MAX_KG, MAX_SECONDS, MAX_METRES = 1000, 1000.0, 86400.0, 1_000_000.0
STORABLE_MAX = 1e9  # a set value beyond this cannot be kept (SQLite integers, the packed float32): left out
MINUTES_PER_SET = 5  # the estimate when a file has no duration (marked estimated, never shown as real)
# movement, set type, implausible, reps, kg, seconds, metres, rpe, note: 30 bytes a set (float32 keeps
# 7 significant digits; values are rounded to 3 decimals when the set is rebuilt)
_PACK = struct.Struct("<iBBfffffi")
NO_NOTE = -1
_CARDIO = (
    ("running", re.compile(r"\b(run|running|jog|jogging|sprints?)\b")),
    ("cycling", re.compile(r"\b(cycling|cycle|bike|biking|bicycle|spinning|spin)\b")),
    ("swimming", re.compile(r"\b(swim|swimming)\b")),
    ("rowing", re.compile(r"\b(rowing|rower|ergometer|erg)\b")),
    ("walking", re.compile(r"\b(walk|walking|hike|hiking)\b")),
    ("other", re.compile(r"\b(elliptical|cross trainer|stair ?master|stair climber|jump rope|skipping)\b")),
)  # fmt: skip


def cardio_kind(name: str, seconds: float | None = None, metres: float | None = None) -> str | None:
    """The cardio type a movement name describes ('Running (Treadmill)' -> 'running'), else None."""
    text = name.casefold()
    if "treadmill" in text and not any(p.search(text) for _, p in _CARDIO[:1] + _CARDIO[4:5]):
        fast = seconds and metres and metres / seconds * 3.6 >= 7.0  # km/h: a run, not a walk
        return "running" if fast or not (seconds and metres) else "walking"
    for kind, pattern in _CARDIO:
        if pattern.search(text):
            return kind
    return None


def number(text: str, what: str, where: str) -> float | None:
    """A number from a cell ('' and '-' are empty; a decimal comma is accepted); refuse nan/inf."""
    text = text.strip()
    if text in ("", "-"):
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ImportFormatError(f"{where}: {what} '{text}' is not a number.")
    return value


def _lines(stream: io.TextIOWrapper, where: str) -> Iterator[str]:
    """Lines of a text stream, each read with a bound (a file of one endless line is refused)."""
    while True:
        line = stream.readline(MAX_LINE)
        if not line:
            return
        if len(line) >= MAX_LINE and not line.endswith("\n"):
            raise ImportFormatError(
                f"{where}: a line is longer than {MAX_LINE:,} characters; this is not an export."
            )
        yield line


def csv_rows(path: Path, name: str, encoding: str) -> Iterator[tuple[int, list[str], dict[str, str]]]:
    """Stream (line, header, row) from a CSV file; the delimiter (',' or ';') is taken from the header."""
    with path.open("rb") as raw:
        if b"\x00" in raw.read(4096):
            raise ImportFormatError(f"{name}: this is not a CSV text file.")
        raw.seek(0)
        lines = _lines(io.TextIOWrapper(raw, encoding=encoding, newline=""), name)
        first = next(lines, "")
        delimiter = ";" if first.count(";") > first.count(",") else ","
        header = [h.strip().lstrip("\ufeff") for h in next(csv.reader([first], delimiter=delimiter), [])]
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                yield (
                    reader.line_num + 1,
                    header,
                    {k: (v or "").strip() for k, v in zip(header, row, strict=False)},
                )
        except csv.Error as exc:
            raise ImportFormatError(f"{name}, line {reader.line_num + 1}: {exc}.") from exc


@dataclass
class Workout:
    """One workout while its rows are read: its sets packed, what it holds counted."""

    start: datetime
    title: str
    seconds: float | None  # the duration the file records (None: the file has none)
    notes: str
    packed: bytearray = field(default_factory=bytearray)  # sets of the workout being read
    compressed: bytes = b""  # earlier sets, zlib-compressed once the rows moved on to another workout

    def close(self) -> None:
        """Compress the sets read so far (rows of one workout usually come together)."""
        if self.packed:
            self.compressed = zlib.compress(self.sets_bytes(), 1)
            self.packed = bytearray()

    def sets_bytes(self) -> bytes:
        """Every packed set of this workout."""
        return (zlib.decompress(self.compressed) if self.compressed else b"") + bytes(self.packed)

    sets: int = 0
    rpe: float | None = None
    kinds: Counter[str] = field(default_factory=Counter)
    last_note: tuple[int, int] = (-1, NO_NOTE)


@dataclass(frozen=True)
class SetRow:
    """One set as a CSV row describes it: weights already in kg, distances in metres."""

    exercise: str
    set_type: str
    reps: float | None
    kg: float | None
    seconds: float | None
    metres: float | None
    rpe: float | None
    note: str


class WorkoutBuilder:
    """Collects sets into workouts and turns them into sessions of an ImportBatch."""

    def __init__(self, batch: ImportBatch, catalogue: list[str]) -> None:
        self.batch = batch
        self.known = {m.casefold(): m for m in catalogue}
        self.workouts: dict[object, Workout] = {}
        self.current: Workout | None = None
        self.names: dict[str, int] = {}
        self.notes: dict[str, int] = {}

    def _index(self, table: dict[str, int], text: str) -> int:
        return table.setdefault(text, len(table))

    def add(
        self, key: object, workout_fields: tuple[datetime, str, float | None, str], row: SetRow, where: str
    ) -> None:
        """Add one set to the workout with this key (made from start, title, seconds, notes on first sight)."""
        for what, value in (
            ("reps", row.reps),
            ("weight", row.kg),
            ("time", row.seconds),
            ("distance", row.metres),
        ):
            if value is not None and value < 0:
                self.batch.skip("set(s) with a negative value (refused)", f"{where}: {what} {value:g}")
                return
        workout = self.workouts.get(key)
        if workout is None:
            workout = self.workouts[key] = Workout(*workout_fields)
        if workout is not self.current:
            if self.current is not None:
                self.current.close()
            self.current = workout
        movement = self._index(self.names, match_movement(row.exercise, self.known))
        note = self._index(self.notes, row.note[:2000]) if row.note else NO_NOTE
        if (movement, note) == workout.last_note and note != NO_NOTE:
            note = NO_NOTE  # an exercise note repeated on every set of that exercise is kept once
        else:
            workout.last_note = (movement, note)
        rpe = row.rpe
        if rpe is not None and not 0 <= rpe <= 10:
            self.batch.skip("RPE values outside 0-10 left out (the set is kept)", f"{where}: RPE {rpe:g}")
            rpe = None
        values = [row.reps, row.kg, row.seconds, row.metres]
        for i, value in enumerate(values):
            if value is not None and abs(value) > STORABLE_MAX:
                self.batch.skip(
                    "set value(s) too large to keep, left blank (the set is kept)", f"{where}: {value:g}"
                )
                values[i] = None
        reps, kg, seconds, metres = values
        implausible = any(
            value is not None and value > limit
            for value, limit in ((reps, MAX_REPS), (kg, MAX_KG), (seconds, MAX_SECONDS), (metres, MAX_METRES))
        ) or values != [row.reps, row.kg, row.seconds, row.metres]  # fmt: skip
        if implausible:
            self.batch.flagged["set(s) with implausible values"] += 1
        nan = math.nan
        workout.packed += _PACK.pack(
            movement, SET_TYPES.index(row.set_type), implausible,
            nan if reps is None else reps, nan if kg is None else kg,
            nan if seconds is None else seconds, nan if metres is None else metres,
            nan if rpe is None else rpe, note,
        )  # fmt: skip
        workout.sets += 1
        if rpe is not None:
            workout.rpe = max(workout.rpe or 0.0, rpe)
        workout.kinds[cardio_kind(row.exercise, row.seconds, row.metres) or "strength"] += 1

    def _loader(self, compressed: bytes) -> Callable[[], tuple[MovementLog, ...]]:
        names = self.names_list
        notes = self.notes_list

        def load() -> tuple[MovementLog, ...]:
            packed = zlib.decompress(compressed)
            return tuple(_unpack(values, names, notes) for values in _PACK.iter_unpack(packed))

        return load

    def finish(self, today: date | None = None) -> ImportBatch:
        """Turn every workout into a validated session (or a counted reason why not)."""
        self.names_list = list(self.names)
        self.notes_list = list(self.notes)
        for workout in self.workouts.values():
            session = self._session(workout, today or date.today())
            if session is not None:
                self.batch.sessions.append(session)
                workout.close()
                self.batch.set_loaders[session.source_id or ""] = self._loader(workout.compressed)
        self.workouts.clear()
        return self.batch

    def _session(self, w: Workout, today: date) -> Session | None:
        estimate = max(1, min(MINUTES_MAX, MINUTES_PER_SET * w.sets))
        recorded = None if w.seconds is None or w.seconds < 0 else round(w.seconds / 60)
        if recorded is None:
            minutes, quality = estimate, "estimated"
        elif recorded > MINUTES_MAX:
            minutes, quality = estimate, "unreliable"
        else:
            minutes, quality = max(1, recorded), "recorded"
        strength = w.kinds.get("strength", 0)
        cardio = [(n, k) for k, n in w.kinds.items() if k != "strength"]
        kind = "strength" if strength or not cardio else max(cardio)[1]
        return validated_session(self.batch, today, "workouts", dict(
            date=w.start.date(), start_time=w.start.strftime("%H:%M"), exercise_type=kind, duration_min=minutes,
            rpe=min(10, max(1, round(w.rpe))) if w.rpe else None,
            notes=(f"{w.title}: {w.notes}" if w.notes else w.title)[:2000] or None,
            source=self.batch.source, source_id=f"{w.start:%Y-%m-%dT%H:%M:%S}|{w.title}",
            source_label=w.title[:200] or None, duration_quality=quality,
            recorded_duration_min=recorded if quality == "unreliable" else None,
        ))  # fmt: skip


def validated_session(batch: ImportBatch, today: date, what: str, fields: dict[str, Any]) -> Session | None:
    """A Session checked by the rules of the forms and the CSV import, or None with the reason counted.

    The fields an importer builds itself (type key, minutes 1-600, HH:MM start, RPE 1-10, offset)
    are valid by construction; the date, the recorded minutes of a timer left running and every
    text taken from the file go through the same parse functions as a form (tests check each imported session also passes session_from_input).
    """
    day = fields["date"]
    if day > today:
        batch.skip(f"{what} dated in the future (refused, as in the forms)", day.isoformat())
        return None
    try:
        parse_date(day, allow_future=True)
        parse_int(fields.get("recorded_duration_min"), "Recorded minutes", 0, RECORDED_MAX)
        notes = clean_text(fields.get("notes"), "Notes")
        label = clean_text(fields.get("source_label"), "Original label", 200)
    except ValidationError as exc:
        batch.skip(f"{what} with a value the diary cannot store", "; ".join(exc.problems))
        return None
    return Session(**{**fields, "notes": notes, "source_label": label})


def _unpack(values: tuple[float, ...], names: list[str], notes: list[str]) -> MovementLog:
    movement, set_type, implausible, reps, kg, seconds, metres, rpe, note = values
    clean = [None if math.isnan(v) else _exact(v) for v in (reps, kg, seconds, metres, rpe)]
    reps_v, kg_v, seconds_v, metres_v, rpe_v = clean
    whole_reps = None if reps_v is None else round(reps_v)
    return MovementLog(
        name=names[int(movement)],
        sets=1,
        reps=whole_reps if whole_reps is not None and whole_reps <= MAX_REPS else None,
        weight_kg=round(kg_v, 2) if kg_v is not None and kg_v <= MAX_KG else None,
        details=SetDetails(
            set_type=SET_TYPES[int(set_type)], reps=whole_reps, weight_kg=None if kg_v is None else round(kg_v, 3),
            duration_s=seconds_v, distance_m=metres_v, rpe=rpe_v,
            notes=notes[int(note)] if note != NO_NOTE else None, implausible=bool(implausible),
        ),
    )  # fmt: skip


def _exact(value: float) -> float:
    """A float32 value back as the decimal it was written as (3 decimals, 7 significant digits)."""
    return float(f"{value:.7g}") if abs(value) >= 1000 else round(value, 3)


def match_movement(name: str, known: dict[str, str]) -> str:
    """The catalogue movement with exactly this name (ignoring case), else the name as the app wrote it.

    Equipment stays part of the name: 'Romanian Deadlift (Dumbbell)' and '(Barbell)' are two movements.
    """
    clean = " ".join(name.split())[:120]
    return known.get(clean.casefold(), clean)


_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?\s*$")


def parse_duration(text: str) -> float | None:
    """Seconds from '1h 26m', '45m', '20s', '2h 38m 5s' (None if blank or unreadable)."""
    match = _DURATION.match(text or "")
    if not text or not text.strip() or not match or not any(match.groups()):
        return None
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    return float(hours * 3600 + minutes * 60 + seconds)


def read_with_fallback(read: Callable[[str], ImportBatch], name: str) -> ImportBatch:
    """Read as UTF-8 (with or without BOM), else as Windows-1252 (older Excel saves)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return read(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFormatError(f"{name}: the file is not text (cannot decode it).")
