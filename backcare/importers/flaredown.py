"""Flaredown CSV export (the "trackings" file Flaredown e-mails).

Layout, read from Flaredown's export job (rubyforgood/Flaredown backend/app/jobs/data_export_job.rb):
``Date``, then one column per condition, per symptom and per treatment (names in the person's
language, so the header does not say which is which), then ``Tags`` and ``Foods`` with items joined
by '; '. Condition and symptom cells hold integers 0-4 (checkin/fiveable.rb); treatment cells hold
free text (a dose such as '400 mg', or nothing). One row per check-in day.

The file is read twice (streaming): the first pass tells rating columns (every value 0-4) from
treatment columns. What is imported:
* pain and back conditions/symptoms (by name) as symptom records on Flaredown's own 0-4 scale.
  Not check-ins: 0-4 is not the 0-10 numeric rating scale, and converting it would invent precision;
* tags and treatments the person mapped to an exercise type (e.g. tag 'yoga', treatment
  'Physiotherapy'), one session each; Flaredown has no minutes, so they are estimated.
Other ratings and foods are counted as not imported.
"""

from __future__ import annotations

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

HINT = "In Flaredown: Account > Download your data; choose the CSV file from the e-mail."
SCALE = "Flaredown 0-4"
RATINGS = {"0", "1", "2", "3", "4"}


def _rating_columns(stream: CsvStream, last: int) -> set[int]:
    """Columns between Date and Tags whose every filled cell is a 0-4 rating (conditions, symptoms)."""
    ratings: set[int] = set()
    other: set[int] = set()
    for _, cells in stream.cells():
        for index in range(1, last):
            if cells[index]:
                (ratings if cells[index] in RATINGS else other).add(index)
    return ratings - other


def read_flaredown(
    path: Path, name: str, *, mapping: Mapping[str, str] | None = None, progress: Progress = lambda d, t: None
) -> ImportBatch:
    """Read a Flaredown CSV export; ``mapping`` maps tag and treatment names to exercise type keys."""
    stream = CsvStream(path, name, "Flaredown", ["Date", "Tags", "Foods"], HINT)
    if stream.columns[0] != "date":
        raise ImportFormatError(f"{name}: a Flaredown export starts with a Date column. {HINT}")
    tags = stream.columns.index("tags")
    ratings = _rating_columns(stream, tags)
    titles: Counter[str] = Counter()
    column_ids = [occurrence(titles, title.casefold()) for title in stream.header]
    batch = ImportBatch("flaredown", name)
    activities = ActivityMap(batch, mapping)
    seen: Counter[str] = Counter()
    for line, cells in stream.cells(progress):
        try:
            day = date.fromisoformat(cells[0][:10])
        except ValueError:
            raise ImportFormatError(
                f"{name}, line {line}: the date '{cells[0]}' is not like 2024-06-24."
            ) from None
        if skip_day(day, batch.skipped):
            continue
        entry = occurrence(seen, day.isoformat())
        done: list[str] = []
        for index in range(1, tags):
            title, value = stream.header[index], cells[index]
            if not value:
                continue
            if index not in ratings:
                if value.casefold() not in ("false", "0", "no"):
                    done.append(title)
            elif pain_related(title):
                batch.symptoms.append(
                    SymptomRecord(
                        day, None, title[:80], SCALE, value, "flaredown", f"{entry}|{column_ids[index]}"
                    )
                )
            else:
                batch.skipped["ratings of conditions or symptoms that are not pain (not imported)"] += 1
        done += [tag for tag in cells[tags].split(";") if tag.strip()]
        activities.add(day, None, done, None, entry)
    activities.finish()
    return batch
