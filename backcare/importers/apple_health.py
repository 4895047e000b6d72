"""Apple Health export (export.zip or export.xml): workouts and lower-back-pain records, streamed.

How it stays fast and small on multi-gigabyte exports (docs/formats.md in the design notes):

* The file is read in 8 MB chunks straight out of the zip (never extracted, never loaded whole).
* Only two kinds of element matter, and they are found by byte search: ``<Workout ...>...</Workout>``
  and ``<Record ...HKCategoryTypeIdentifierLowerBackPain...>``. Each one found is parsed on its own
  by the standard XML parser, so attribute order, entities and self-closing forms are handled
  properly while the millions of heart-rate and step records are skipped at memory speed.
* The internal DTD is never parsed, so the broken iOS 16 DTD does no harm; stray control
  characters (``\\x0b``) are removed before parsing an element.
* The export must end with ``</HealthData>``: a cut-off file is refused as a whole.
"""

from __future__ import annotations

import hashlib
import math
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO
from xml.etree import ElementTree as ET

from backcare.errors import ImportFormatError
from backcare.models import Session
from backcare.records import ImportBatch, SymptomRecord, plausible_day

SOURCE = "apple_health"
CHUNK = 8 * 1024 * 1024
WORKOUT_OPEN = b"<Workout "
WORKOUT_CLOSE = b"</Workout>"
BACK_PAIN = b'"HKCategoryTypeIdentifierLowerBackPain"'
RECORD_OPEN = b"<Record "
RECORD_CLOSE = b"</Record>"
NEWLINE = b"\n"
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# HKWorkoutActivityType names (without the prefix) -> backcare type keys; everything else is "other".
ACTIVITY_TYPES = {
    "Yoga": "yoga", "MindAndBody": "yoga",
    "Pilates": "pilates", "Barre": "pilates", "DanceInspiredTraining": "pilates",
    "TraditionalStrengthTraining": "strength", "FunctionalStrengthTraining": "strength", "CoreTraining": "strength",
    "Walking": "walking", "Hiking": "walking",
    "Flexibility": "stretching", "Cooldown": "stretching", "PreparationAndRecovery": "stretching",
    "Swimming": "swimming", "Cycling": "cycling", "HandCycling": "cycling",
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


def _parse_time(text: str | None, what: str) -> datetime:
    if not text:
        raise ValueError(f"{what} is missing")
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


def _workout_session(el: ET.Element) -> Session | str:
    """A Session for one <Workout>, or the reason it is skipped."""
    raw_type = el.get("workoutActivityType", "")
    label = raw_type.removeprefix("HKWorkoutActivityType") or "Unknown"
    start = _parse_time(el.get("startDate"), "startDate")
    end = _parse_time(el.get("endDate"), "endDate")
    duration = _number(el.get("duration"))
    minutes = duration * _MINUTES.get(el.get("durationUnit", "min"), 1.0) if duration is not None else None
    if minutes is None:
        minutes = (end - start).total_seconds() / 60
    if not plausible_day(start.date()):
        return "workouts with impossible dates"
    if minutes < 0.5:
        return "workouts shorter than a minute"
    if minutes > 600:
        return "workouts longer than 10 hours"
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
    key = "|".join([raw_type, source_name, el.get("startDate", ""), el.get("endDate", "")])
    return Session(
        date=start.date(),
        start_time=start.strftime("%H:%M"),
        exercise_type=ACTIVITY_TYPES.get(label, "other"),
        duration_min=max(1, round(minutes)),
        notes=f"Apple Health: {note}"[:2000] if note else "Apple Health",
        source=SOURCE,
        source_id=hashlib.sha1(key.encode()).hexdigest(),
        source_label=label,
    )


def _back_pain(el: ET.Element) -> SymptomRecord:
    start = _parse_time(el.get("startDate"), "startDate")
    value = el.get("value", "")
    key = "|".join([el.get("sourceName", ""), el.get("startDate", ""), el.get("endDate", ""), value])
    return SymptomRecord(
        date=start.date(),
        time=start.strftime("%H:%M"),
        symptom="Lower back pain",
        scale="Apple Health severity",
        value=SEVERITY.get(value, value.removeprefix("HKCategoryValueSeverity") or "unknown"),
        source=SOURCE,
        source_id=hashlib.sha1(key.encode()).hexdigest(),
    )


def _is_health_xml(head: bytes) -> bool:
    return b"<!DOCTYPE HealthData" in head or b"<HealthData" in head


def open_export(path: Path, name: str) -> tuple[IO[bytes], int, zipfile.ZipFile | None]:
    """Open export.xml directly or inside a zip (found by content, not by its localized name)."""
    try:
        if zipfile.is_zipfile(path):
            archive = zipfile.ZipFile(path)
            for info in archive.infolist():
                if info.filename.lower().endswith(".xml") and not info.is_dir():
                    with archive.open(info) as probe:
                        if _is_health_xml(probe.read(4096)):
                            return archive.open(info), info.file_size, archive
            archive.close()
            raise ImportFormatError(
                f"{name}: this zip does not contain an Apple Health export (no export.xml with HealthData inside)."
            )
        with path.open("rb") as probe:
            head = probe.read(4096)
        if head.startswith(b"PK\x03\x04"):
            raise ImportFormatError(
                f"{name}: this zip file is damaged or incomplete (perhaps cut off while copying). "
                "Copy or export it again; nothing was imported."
            )
        if not _is_health_xml(head):
            raise ImportFormatError(
                f"{name}: this is not an Apple Health export. Choose export.zip (or the export.xml inside it) "
                "from Health > your profile > Export All Health Data."
            )
        return path.open("rb"), path.stat().st_size, None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise ImportFormatError(f"{name}: the file cannot be read as a zip or XML file ({exc}).") from exc


def _element_end(buffer: bytes, start: int, kind: str) -> int:
    """Index just past the element starting at `start`, or -1 if it is not complete in the buffer."""
    gt = buffer.find(b">", start)
    if gt == -1:
        return -1
    if buffer[gt - 1 : gt] == b"/":  # self-closing: <Workout .../> or <Record .../>
        return gt + 1
    close = WORKOUT_CLOSE if kind == "workout" else RECORD_CLOSE
    end = buffer.find(close, gt)
    return end + len(close) if end != -1 else -1


def _next_element(buffer: bytes, pos: int, floor: int) -> tuple[int, str]:
    """Start and kind of the next workout or back-pain record at or after pos (-1 if none)."""
    w = buffer.find(WORKOUT_OPEN, pos)
    p = buffer.find(BACK_PAIN, pos)
    while p != -1:
        record = buffer.rfind(RECORD_OPEN, floor, p)
        if record != -1 and (w == -1 or record < w):
            return record, "pain"
        if record != -1 or w != -1:
            break
        p = buffer.find(BACK_PAIN, p + 1)
    return w, "workout"


def _elements(
    stream: IO[bytes], total: int, name: str, progress: Callable[[int, int], None]
) -> Iterator[tuple[str, bytes, int]]:
    """Yield ('workout' | 'pain', element bytes, line number) for every element of interest."""
    buffer = b""
    done = 0
    line = 1  # line number at buffer[mark]
    mark = 0
    while True:
        try:
            chunk = stream.read(CHUNK)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error) as exc:
            raise ImportFormatError(f"{name}: the export is damaged or cut off ({exc}).") from exc
        done += len(chunk)
        progress(min(done, total), total)
        at_end = not chunk
        buffer += chunk
        pos = floor = 0  # search from pos; a record's start tag may begin at or after floor
        while True:
            start, kind = _next_element(buffer, pos, floor)
            if start == -1:
                break
            stop = _element_end(buffer, start, kind)
            if stop == -1:
                if at_end:
                    where = line + buffer.count(NEWLINE, mark, start)
                    raise ImportFormatError(
                        f"{name}, line {where}: the export is cut off in the middle of an entry. "
                        "Export again from the Health app; nothing was imported."
                    )
                break
            line += buffer.count(NEWLINE, mark, start)
            mark = start
            yield kind, buffer[start:stop], line
            pos = floor = stop
        if at_end:
            break
        # Keep what may hold an unfinished element: from the unfinished start, else the last 16 KB.
        keep = start if start != -1 else max(floor, len(buffer) - 16384)
        line += buffer.count(NEWLINE, mark, keep)
        mark = 0
        buffer = buffer[keep:]
    if b"</HealthData>" not in buffer[-4096:]:
        raise ImportFormatError(
            f"{name}: the export is cut off (it does not end with </HealthData>). "
            "Export again from the Health app; nothing was imported."
        )


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
    try:
        for kind, raw, line in _elements(stream, total, name, progress):
            try:
                el = ET.fromstring(_CONTROL.sub(b"", raw))
                if kind == "workout":
                    session = _workout_session(el)
                    if isinstance(session, str):
                        batch.skipped[session] += 1
                    else:
                        batch.sessions.append(session)
                else:
                    record = _back_pain(el)
                    if plausible_day(record.date):
                        batch.symptoms.append(record)
                    else:
                        batch.skipped["back-pain records with impossible dates"] += 1
            except (ET.ParseError, ValueError) as exc:
                raise ImportFormatError(
                    f"{name}, line {line}: an entry cannot be read ({exc}). Nothing was imported."
                ) from exc
    finally:
        stream.close()
        if archive is not None:
            archive.close()
    return batch
