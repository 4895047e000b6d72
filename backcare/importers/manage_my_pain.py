"""Manage My Pain CSV export (pain records).

What is known: Manage My Pain records pain *episodes*, several a day, each with a severity, body
locations, characteristics, duration and factors (Bhatia et al. 2021; bio-protocol r9856916), and
its severity slider runs from 0 to 10. No public parser, issue or sample file describing the CSV
columns was found, so this reader is deliberately tolerant and says exactly what it needs: a date
column (``Date``, ``Start Date`` or ``Date/Time``), a severity column (``Severity``,
``Pain Severity`` or ``Pain Level``), and optionally ``Time``/``Start Time`` and a location column.
Dates must be unambiguous (2024-06-24, 'Jun 24, 2024' or '24 Jun 2024'; 06/07/2024 is refused
because it could mean June or July).

Why symptom records and not check-ins, although the scale is 0-10: a backcare check-in is one
rating per day, while Manage My Pain's records are episodes (several a day, each with its own
time and duration). Choosing one of them or averaging them would invent a daily score the person
never gave. Each episode is therefore kept as it was recorded, with its time, on the
"Manage My Pain severity 0-10" scale, never rescaled.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path

from backcare.errors import ImportFormatError
from backcare.importers.tracker_csv import CsvStream, Progress, occurrence, skip_day
from backcare.records import ImportBatch, SymptomRecord

HINT = "In Manage My Pain: Menu > Reports > Export records as a spreadsheet (CSV)."
SCALE = "Manage My Pain severity 0-10"
DATE_COLUMNS = ("date", "start date", "date/time", "start date/time")
TIME_COLUMNS = ("time", "start time")
SEVERITY_COLUMNS = ("severity", "pain severity", "pain level", "pain intensity")
LOCATION_COLUMNS = ("location", "locations", "body location", "body locations", "body location(s)")
_DATES = ("%Y-%m-%d", "%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?!\d)")
_TIMES = ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p", "%I:%M%p")


def _first(columns: list[str], names: tuple[str, ...]) -> str | None:
    return next((name for name in names if name in columns), None)


def _when(text: str, time_text: str, name: str, line: int) -> tuple[date, str | None]:
    """Date and HH:MM from a date cell (maybe with the time in it) and an optional time cell."""
    iso = text[:4].isdigit()
    if iso and not _ISO.match(text):  # strptime would read a truncated '2024-06-2' as 2 June
        raise ImportFormatError(f"{name}, line {line}: the date '{text}' is not like 2024-06-24.")
    for fmt in _DATES[:1] if iso else _DATES[1:]:
        for time_fmt in (
            "",
            *(" " + t for t in _TIMES),
            *(", " + t for t in _TIMES),
            *("T" + t for t in _TIMES),
        ):
            try:
                moment = datetime.strptime(text.strip(), fmt + time_fmt)
            except ValueError:
                continue
            clock = moment.strftime("%H:%M") if time_fmt else None
            if time_text:
                clock = _clock(time_text, name, line)
            return moment.date(), clock
    raise ImportFormatError(
        f"{name}, line {line}: the date '{text}' is not like 2024-06-24 or 'Jun 24, 2024' "
        "(day/month order must be clear)."
    )


def _clock(text: str, name: str, line: int) -> str:
    for fmt in _TIMES:
        try:
            return datetime.strptime(text.strip(), fmt).strftime("%H:%M")
        except ValueError:
            continue
    raise ImportFormatError(f"{name}, line {line}: the time '{text}' is not like 08:30 or 8:30 AM.")


def read_manage_my_pain(path: Path, name: str, *, progress: Progress = lambda d, t: None) -> ImportBatch:
    """Read a Manage My Pain CSV export into symptom records on its own 0-10 severity scale."""
    stream = CsvStream(path, name, "Manage My Pain", [], HINT)
    date_col = _first(stream.columns, DATE_COLUMNS)
    severity_col = _first(stream.columns, SEVERITY_COLUMNS)
    if date_col is None or severity_col is None:
        missing = [label for label, col in (("Date", date_col), ("Severity", severity_col)) if col is None]
        raise ImportFormatError(
            f"{name}: this does not look like a Manage My Pain export; missing column(s): {', '.join(missing)}. {HINT}"
        )
    time_col = _first(stream.columns, TIME_COLUMNS)
    location_col = _first(stream.columns, LOCATION_COLUMNS)
    batch = ImportBatch("manage_my_pain", name)
    seen: Counter[str] = Counter()
    for line, row in stream.rows(progress):
        day, clock = _when(row[date_col], row.get(time_col or "", ""), name, line)
        if skip_day(day, batch.skipped):
            continue
        value = row[severity_col]
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            number = math.nan
        if not 0 <= number <= 10:
            batch.skipped["pain records without a severity from 0 to 10"] += 1
            continue
        value = value if len(value) <= 12 else f"{number:g}"  # as written, unless absurdly long
        where = row.get(location_col or "", "")
        symptom = f"Pain ({where[:70]})" if where else "Pain"
        key = occurrence(seen, f"{day.isoformat()}T{clock or ''}")
        batch.symptoms.append(SymptomRecord(day, clock, symptom, SCALE, value, "manage_my_pain", key))
    return batch
