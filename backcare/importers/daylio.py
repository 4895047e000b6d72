"""Daylio CSV export (More > Export entries > CSV): a mood diary whose activities can be exercise.

Layouts read (column names and value formats from public parsers and their issues:
MichaelCurrin/daylio-csv-parser, staticf0x/daylio-parser, CampbellMG/MiniMoods#3):

* ``full_date,date,weekday,time,mood,activities,note_title,note`` (current), also without
  ``note_title`` and with a ``scales`` column; ``full_date`` is ISO (2021-03-27);
* ``year,date,weekday,time,mood,activities,note`` (early exports): ``date`` is '18 May' or 'May 18';
* ``time`` is 24-hour ('20:39') or 12-hour ('6:50 pm'); activities are joined with ' | ';
  the file starts with a UTF-8 BOM; notes may carry simple HTML (<br>, <b>, <li>).

What is imported: each entry's activities that the person mapped to an exercise type become one
session each (Daylio records no minutes: estimated, unless the note states one duration).
Daylio has no pain scale: its mood (rad ... awful, renamable) is not pain and is not imported,
so this importer makes neither check-ins nor symptom records.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

from backcare.errors import ImportFormatError
from backcare.importers.tracker_csv import ActivityMap, CsvStream, Progress, occurrence, skip_day
from backcare.records import ImportBatch

HINT = "In Daylio: More > Export entries > CSV, then choose daylio_export.csv."
_TAG = re.compile(r"<\s*(/?)\s*(br|p|div|li|ul|ol|b|i|u|s|strong|em|span)\b[^>]*>", re.IGNORECASE)


def _tag(match: re.Match[str]) -> str:
    closing, tag = bool(match.group(1)), match.group(2).lower()
    breaks = tag == "br" or (tag in ("p", "div") and closing) or (tag == "li" and not closing)
    return "\n" if breaks else ""


def _plain(note: str) -> str:
    """Daylio's simple note HTML as plain text (line breaks kept, other tags dropped)."""
    return re.sub(r"\n{3,}", "\n\n", _TAG.sub(_tag, note)).strip()


def _day(row: dict[str, str], name: str, line: int) -> date:
    if row.get("full_date"):
        try:
            return date.fromisoformat(row["full_date"][:10])
        except ValueError:
            raise ImportFormatError(
                f"{name}, line {line}: the date '{row['full_date']}' is not like 2021-03-27."
            ) from None
    for fmt in ("%Y %d %B", "%Y %d %b", "%Y %B %d", "%Y %b %d"):
        try:
            return datetime.strptime(f"{row.get('year', '')} {row.get('date', '')}", fmt).date()
        except ValueError:
            continue
    raise ImportFormatError(
        f"{name}, line {line}: the date '{row.get('date', '')}' of {row.get('year', '')} is not like '18 May'."
    )


def _time(text: str, name: str, line: int) -> str:
    for fmt in ("%H:%M", "%I:%M %p", "%I:%M%p"):
        try:
            return datetime.strptime(text.strip(), fmt).strftime("%H:%M")
        except ValueError:
            continue
    raise ImportFormatError(f"{name}, line {line}: the time '{text}' is not like 20:39 or 8:39 pm.")


def read_daylio(
    path: Path, name: str, *, mapping: Mapping[str, str] | None = None, progress: Progress = lambda d, t: None
) -> ImportBatch:
    """Read a Daylio CSV export; ``mapping`` maps Daylio activity names to exercise type keys."""
    stream = CsvStream(path, name, "Daylio", ["date", "time", "mood", "activities"], HINT)
    if "full_date" not in stream.columns and "year" not in stream.columns:
        raise ImportFormatError(
            f"{name}: this does not look like a Daylio export; missing column(s): full_date. {HINT}"
        )
    batch = ImportBatch("daylio", name)
    activities = ActivityMap(batch, mapping)
    seen: Counter[str] = Counter()
    for line, row in stream.rows(progress):
        day = _day(row, name, line)
        time = _time(row["time"], name, line)
        entry_id = occurrence(seen, f"{day.isoformat()}T{time}")
        if skip_day(day, batch.skipped):
            continue
        names = [a for a in row["activities"].split("|") if a.strip()]
        if not names:
            batch.skipped["entries with no activities"] += 1
            continue
        parts = [row.get("note_title", ""), _plain(row.get("note", ""))]
        note = "\n".join(p for p in parts if p) or None
        activities.add(day, time, names, note, entry_id)
    activities.finish()
    return batch
