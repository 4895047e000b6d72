"""What an importer produces before anything is written: sessions, symptom records and skips."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from backcare.models import Session

FIRST_YEAR, LAST_YEAR = 1900, 2100


def plausible_day(day: date) -> bool:
    """Whether a date can be stored (importers skip entries outside 1900-2100)."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


@dataclass(frozen=True)
class SymptomRecord:
    """A symptom entry from another app, kept on that app's own scale."""

    date: date
    time: str | None
    symptom: str
    scale: str
    value: str
    source: str
    source_id: str


@dataclass
class ImportBatch:
    """Everything read from one file; nothing is written until it is applied."""

    source: str  # 'apple_health', 'strong', 'hevy'
    file_name: str
    sessions: list[Session] = field(default_factory=list)
    symptoms: list[SymptomRecord] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)

    def preview(self, type_names: dict[str, str]) -> list[dict[str, object]]:
        """Per exercise type: sessions, minutes and date range (what a dry run shows), most sessions first."""
        groups: dict[str, list[Session]] = {}
        for session in self.sessions:
            groups.setdefault(session.exercise_type, []).append(session)
        rows = [
            {
                "Exercise": type_names.get(key, key),
                "Sessions": len(items),
                "Minutes": sum(s.duration_min for s in items),
                "From": min(s.date for s in items),
                "To": max(s.date for s in items),
            }
            for key, items in groups.items()
        ]
        return sorted(rows, key=lambda row: -int(str(row["Sessions"])))

    def describe(self, already: tuple[int, int] = (0, 0)) -> str:
        """One plain paragraph: what will be added and what is skipped and why (``already``: sessions and
        records found in the diary from an earlier import, which will not be added again)."""
        parts = [f"{len(self.sessions)} exercise session{'s' if len(self.sessions) != 1 else ''}"]
        if self.symptoms:
            parts.append(
                f"{len(self.symptoms)} back-pain record{'s' if len(self.symptoms) != 1 else ''} (kept on their own scale)"
            )
        text = f"Found {' and '.join(parts)} in {self.file_name}"
        if self.sessions:
            first = min(s.date for s in self.sessions)
            last = max(s.date for s in self.sessions)
            text += f", from {first:%d %b %Y} to {last:%d %b %Y}"
        text += "."
        if any(already):
            new = len(self.sessions) - already[0] + len(self.symptoms) - already[1]
            text += (
                f" {sum(already)} of them are already in your diary from an earlier import; {new} are new."
            )
        if self.skipped:
            reasons = "; ".join(f"{count} {reason}" for reason, count in self.skipped.most_common())
            text += f" Skipped: {reasons}."
        return text


@dataclass(frozen=True)
class ImportSummary:
    """What applying a batch changed."""

    sessions_added: int
    sessions_already_there: int
    symptoms_added: int
    symptoms_already_there: int

    def describe(self) -> str:
        """One plain sentence for the page and the CLI."""
        text = f"Added {self.sessions_added} session{'s' if self.sessions_added != 1 else ''}"
        if self.symptoms_added or self.symptoms_already_there:
            text += f" and {self.symptoms_added} back-pain record{'s' if self.symptoms_added != 1 else ''}"
        text += "."
        already = self.sessions_already_there + self.symptoms_already_there
        if already:
            text += f" {already} were already in your diary from an earlier import and were not added again."
        return text
