"""Bearable CSV export ("long format": one row per thing tracked).

Columns ``date, date formatted, weekday, time of day, category, rating/amount, detail, notes``
(two independent public parsers agree on them). Value formats are known only from those parsers:
symptom rows carry a 0-4 rating with the severity word in the detail ('Lower back pain
(Moderate)'); factor-like rows (Factors, Lifestyle, Active, ...) list items joined with ' | ',
sometimes with an amount ('Walk - A lot'); ``time of day`` is a period (am, pm, all day), not a
clock time. Bearable's own documentation does not describe the file.

What is imported:
* pain and back symptoms (by name) as symptom records on Bearable's own 0-4 severity scale, with
  the severity word. They are never turned into 0-10 check-ins: 0-4 is not the 0-10 numeric
  rating scale, and mapping one onto the other would invent precision;
* factor items the person mapped to an exercise type, one session each; Bearable gives no minutes,
  so they are estimated (or taken from the row's note when it states exactly one duration).
Mood, energy, sleep and other rows are counted as not imported.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from backcare.errors import ImportFormatError
from backcare.importers.tracker_csv import (
    ActivityMap,
    CsvStream,
    Progress,
    occurrence,
    pain_related,
    skip_day,
)
from backcare.records import ImportBatch, SymptomRecord

COLUMNS = ["date", "date formatted", "category", "rating/amount", "detail"]
HINT = "In Bearable: Settings > Export data, then choose the CSV file it makes."
SCALE = "Bearable severity 0-4"
NOT_ACTIVITIES = {
    "mood", "energy", "symptom", "symptoms", "sleep", "sleep quality", "health measurements", "nutrition",
    "medication", "medications", "meds/supplements", "weather", "notes", "gratitude",
}  # fmt: skip
_SEVERITY = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_AMOUNT = re.compile(r"\s+-\s+(?:none|little|a little|moderate|a lot|low|medium|high)\s*$", re.IGNORECASE)


def _day(row: dict[str, str], name: str, line: int) -> date:
    for text in (row["date formatted"], row["date"]):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            continue
    shown = row["date formatted"] or row["date"]
    raise ImportFormatError(f"{name}, line {line}: the date '{shown}' is not like 2024-06-24.")


def _symptom(row: dict[str, str], day: date, period: str, batch: ImportBatch, seen: Counter[str]) -> None:
    match = _SEVERITY.match(row["detail"])
    symptom, word = (match.group(1), match.group(2)) if match else (row["detail"], "")
    rating = row["rating/amount"]
    if not symptom or not pain_related(symptom):
        batch.skipped["symptom rows that are not pain (not imported)"] += 1
        return
    if rating not in ("0", "1", "2", "3", "4"):
        batch.skipped["pain ratings outside Bearable's 0-4 scale"] += 1
        return
    key = occurrence(seen, f"{day.isoformat()}|{period}|{symptom.casefold()}")
    batch.symptoms.append(
        SymptomRecord(
            date=day, time=None, symptom=(f"{symptom} ({period})" if period else symptom)[:80], scale=SCALE,
            value=f"{rating} ({word[:40]})" if word else rating, source="bearable", source_id=key,
        )
    )  # fmt: skip


def read_bearable(
    path: Path, name: str, *, mapping: Mapping[str, str] | None = None, progress: Progress = lambda d, t: None
) -> ImportBatch:
    """Read a Bearable CSV export; ``mapping`` maps factor names to exercise type keys."""
    stream = CsvStream(path, name, "Bearable", COLUMNS, HINT)
    batch = ImportBatch("bearable", name)
    activities = ActivityMap(batch, mapping)
    seen: Counter[str] = Counter()
    for line, row in stream.rows(progress):
        day = _day(row, name, line)
        if skip_day(day, batch.skipped):
            continue
        category = row["category"].strip()
        period = row.get("time of day", "")
        if category.casefold() in ("symptom", "symptoms"):
            _symptom(row, day, period, batch, seen)
        elif category.casefold() in NOT_ACTIVITIES or not category:
            batch.skipped[f"{category or 'uncategorised'} rows (not pain or exercise)"] += 1
        else:
            items = [_AMOUNT.sub("", item).strip() for item in row["detail"].split("|")]
            entry_id = occurrence(seen, f"{day.isoformat()}|{period}|{category.casefold()}")
            activities.add(day, None, items, row.get("notes") or None, entry_id)
    activities.finish()
    return batch
