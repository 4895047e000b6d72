"""What the mood and symptom diary importers share (Daylio, Bearable, Flaredown, Manage My Pain).

* ``CsvStream`` reads a CSV export row by row (bounded memory): size limit, BOM, UTF-8 or
  Windows-1252, comma / semicolon / tab, and one plain ImportFormatError naming the file and line
  for anything that is not such a file (binary data, a field longer than any diary note, ...).
* ``ActivityMap`` turns the activities a diary entry carries (Daylio activities, Bearable factors,
  Flaredown tags and treatments) into exercise sessions, using the mapping the person chose
  (activity name -> exercise type key). Unmapped activities are counted and named in the summary.
  These apps record no minutes, so a session's duration is ``ESTIMATED_MINUTES`` marked
  ``duration_quality='estimated'`` unless the entry's note states exactly one duration.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path

from backcare.errors import ImportFormatError, ValidationError
from backcare.models import NOTE_MAX_CHARS, parse_type_key, session_from_input
from backcare.records import ImportBatch, plausible_day

MAX_BYTES = 50 * 1024 * 1024  # a decade of daily entries is a few MB
ESTIMATED_MINUTES = 30  # placeholder for an activity the source gives no minutes for (marked estimated)
NOT_EXERCISE = {"", "-", "none", "no", "not exercise", "skip"}
PAIN_WORDS = ("pain", "back", "sciatica", "ache", "stiff", "lumbago", "spine", "neck")
Progress = Callable[[int, int], None]

_DURATION = re.compile(
    r"(?<![\w.,])(?:(\d{1,2})\s*(?:h|hr|hrs|hour|hours)\b\s*(?:(\d{1,2})\s*(?:m|min|mins|minutes?)\b)?"
    r"|(\d{1,3})\s*(?:min|mins|minutes?)\b)",
    re.IGNORECASE,
)


def pain_related(name: str) -> bool:
    """Whether a symptom or condition name is about pain or the back (what backcare keeps)."""
    folded = name.casefold()
    return any(word in folded for word in PAIN_WORDS)


def note_minutes(note: str | None) -> int | None:
    """Minutes stated in a note ('walked 40 min', '1h 15m'), only when it states exactly one duration."""
    found = list(_DURATION.finditer(note or ""))
    if len(found) != 1:
        return None
    hours, minutes, alone = found[0].groups()
    total = int(alone) if alone else int(hours) * 60 + int(minutes or 0)
    return total if 1 <= total <= 600 else None


def skip_day(day: date, skipped: Counter[str]) -> bool:
    """Count and report an entry dated in the future or outside 1900-2100 (True: skip it)."""
    if day > date.today():
        skipped["entries dated in the future"] += 1
        return True
    if not plausible_day(day):
        skipped["entries dated before 1900 or after 2100"] += 1
        return True
    return False


class CsvStream:
    """A CSV export read one row at a time; the header is read (and checked) on construction."""

    def __init__(self, path: Path, name: str, app: str, required: Iterable[str], hint: str) -> None:
        self.name, self.app = name, app
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ImportFormatError(
                f"{name}: the file is larger than {MAX_BYTES // (1024 * 1024)} MB, far more than a {app} "
                f"export; choose the CSV file {app} made."
            )
        self.size = size
        self._path = path
        with path.open("rb") as file:
            head = file.read(65536)
        if b"\x00" in head:
            raise ImportFormatError(f"{name}: this is not a CSV text file (it contains binary data).")
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            self.encoding = "utf-8-sig"
        except UnicodeDecodeError:
            self.encoding = "cp1252"
        first = head.split(b"\n", 1)[0].decode(self.encoding, errors="replace")
        self.delimiter = max((",", ";", "\t"), key=first.count)
        records = self._records(progress=None)
        header = next(records, None)
        records.close()
        if header is None:
            raise ImportFormatError(f"{name}: the file is empty; it is not a {app} export.")
        self.header = [h.strip().lstrip("\ufeff").strip() for h in header[1]]
        self.columns = [h.casefold() for h in self.header]
        missing = [c for c in required if c.casefold() not in self.columns]
        if missing:
            raise ImportFormatError(
                f"{name}: this does not look like a {app} export; missing column(s): {', '.join(missing)}. {hint}"
            )

    def _records(self, progress: Progress | None) -> Generator[tuple[int, list[str]], None, None]:
        with self._path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, newline="")
            reader = csv.reader(text, delimiter=self.delimiter)
            line = 1
            try:
                for done, row in enumerate(reader):
                    yield line, row
                    line = reader.line_num + 1
                    if progress is not None and done % 500 == 0:
                        progress(min(raw.tell(), self.size), self.size)
            except UnicodeDecodeError:
                raise ImportFormatError(f"{self.name}, line {line}: the file is not readable text.") from None
            except csv.Error as exc:
                reason = str(exc)
                if "field larger" in reason:
                    reason = "a field is far longer than any diary entry"
                elif "NUL" in reason:
                    reason = "the file contains binary data"
                raise ImportFormatError(
                    f"{self.name}, line {line}: {reason}; this is not a {self.app} CSV export."
                ) from None
        if progress is not None:
            progress(self.size, self.size)

    def rows(self, progress: Progress | None = None) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, {lower-case column: stripped text}) for every data row, in file order."""
        records = self._records(progress)
        next(records, None)  # the header
        for line, cells in records:
            if not any(c.strip() for c in cells):
                continue
            yield (
                line,
                {col: (cells[i].strip() if i < len(cells) else "") for i, col in enumerate(self.columns)},
            )

    def cells(self, progress: Progress | None = None) -> Iterator[tuple[int, list[str]]]:
        """(line number, cells by position) for every data row: for layouts with repeated column names."""
        records = self._records(progress)
        next(records, None)
        for line, cells in records:
            if any(c.strip() for c in cells):
                yield line, [c.strip() for c in cells] + [""] * (len(self.columns) - len(cells))


def clean_mapping(mapping: Mapping[str, str] | None) -> dict[str, str]:
    """Activity name (case-insensitive) -> exercise type key; 'not exercise' choices are dropped."""
    clean: dict[str, str] = {}
    for activity, type_key in (mapping or {}).items():
        if str(type_key or "").strip().casefold() in NOT_EXERCISE:
            continue
        try:
            clean[str(activity).strip().casefold()] = parse_type_key(type_key)
        except ValidationError as exc:
            raise ImportFormatError(f"Mapping for '{activity}': {exc}") from None
    return clean


class ActivityMap:
    """Builds sessions from diary entries' activities with the person's mapping; counts the rest."""

    def __init__(self, batch: ImportBatch, mapping: Mapping[str, str] | None) -> None:
        self.batch = batch
        self.mapping = clean_mapping(mapping)
        self.unmapped: Counter[str] = Counter()

    def add(
        self, day: date, time: str | None, activities: Iterable[str], note: str | None, entry_id: str
    ) -> None:
        """Add one session per mapped activity of an entry (source id: entry id + activity name)."""
        names = list(dict.fromkeys(a.strip() for a in activities if a and a.strip()))
        self.batch.activities.update(names)
        mapped = [(n, self.mapping[n.casefold()]) for n in names if n.casefold() in self.mapping]
        self.unmapped.update(n for n in names if n.casefold() not in self.mapping)
        text = (note or "")[:NOTE_MAX_CHARS] or None
        stated = note_minutes(note) if len(mapped) == 1 else None
        for activity, type_key in mapped:
            session = session_from_input(
                date=day, exercise_type=type_key, duration_min=stated or ESTIMATED_MINUTES, start_time=time,
                notes=text, source=self.batch.source, source_id=f"{entry_id}|{activity.casefold()}",
                source_label=activity[:200],
            )  # fmt: skip
            if stated is None:
                session = replace(session, duration_quality="estimated")
            self.batch.sessions.append(session)

    def finish(self) -> None:
        """Name the activities that were not mapped (and so not imported) in the batch summary."""
        if not self.unmapped:
            return
        names = [name for name, _ in self.unmapped.most_common()]
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        reason = f"activity entries not mapped to an exercise type, not imported ({shown})"
        self.batch.skipped[reason] += sum(self.unmapped.values())


def occurrence(seen: Counter[str], key: str) -> str:
    """A stable id for the n-th entry with the same key in file order ('key', 'key#2', ...)."""
    seen[key] += 1
    return key if seen[key] == 1 else f"{key}#{seen[key]}"
