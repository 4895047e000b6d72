"""The records the store writes, defined below it so the store imports nothing above it.

Importers and the CSV reader produce these, the experiment planner produces ExperimentPlan, and
backcare.store writes them. Pure dataclasses: no database, no pandas at import time.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from backcare.models import OFFSET_RE, TIME_RE, CheckIn, MovementLog, Session

if TYPE_CHECKING:
    import pandas as pd

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
    utc_offset: str | None = None

    def problems(self) -> list[str]:
        """What the diary would refuse (the same limits as its CHECK constraints and the CSV import)."""
        found = [
            f"{label} must be 1 to 80 characters"
            for label, text in (("symptom", self.symptom), ("scale", self.scale), ("value", self.value))
            if not 1 <= len(text) <= 80
        ]
        if self.time is not None and not TIME_RE.match(self.time):
            found.append(f"time '{self.time}' is not HH:MM")
        if self.utc_offset is not None and not OFFSET_RE.match(self.utc_offset):
            found.append(f"UTC offset '{self.utc_offset}' is not like +01:00")
        if not self.source_id:
            found.append("source id is missing")
        return found


@dataclass
class ImportBatch:
    """Everything read from one file; nothing is written until it is applied."""

    source: str  # 'apple_health', 'strong', 'hevy'
    file_name: str
    sessions: list[Session] = field(default_factory=list)
    symptoms: list[SymptomRecord] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    # Activity names found in a mood/symptom diary (Daylio, Bearable, Flaredown) and how many entries
    # carry each: the person maps them to exercise types before importing.
    activities: Counter[str] = field(default_factory=Counter)
    flagged: Counter[str] = field(default_factory=Counter)  # kept as given, marked implausible
    examples: dict[str, str] = field(default_factory=dict)  # reason -> the first example's message
    notices: list[str] = field(default_factory=list)  # plain sentences the preview shows as they are
    # Imported sets kept compact until they are written (a million sets fit in tens of MB):
    # source_id -> function that rebuilds that session's movements.
    set_loaders: dict[str, Callable[[], tuple[MovementLog, ...]]] = field(default_factory=dict)

    def complete_sessions(self) -> Iterator[Session]:
        """The sessions with their movements, rebuilt one at a time (what apply_batch writes)."""
        for session in self.sessions:
            loader = self.set_loaders.get(session.source_id or "")
            yield replace(session, movements=loader()) if loader is not None else session

    def skip(self, reason: str, example: str | None = None) -> None:
        """Count one entry left out, with the first example's message for the summary."""
        self.skipped[reason] += 1
        if example and reason not in self.examples:
            self.examples[reason] = example

    def preview(self, type_names: dict[str, str]) -> list[dict[str, object]]:
        """Per exercise type: sessions, minutes and date range (what a dry run shows), most sessions first.
        Minutes count only durations the file recorded; sessions without any are counted apart."""
        groups: dict[str, list[Session]] = {}
        for session in self.sessions:
            groups.setdefault(session.exercise_type, []).append(session)
        not_recorded = any(s.duration_quality != "recorded" for s in self.sessions)
        rows = [
            {
                "Exercise": type_names.get(key, key),
                "Sessions": len(items),
                "Minutes": sum(s.duration_min for s in items if s.duration_quality == "recorded"),
                **(
                    {"Without recorded minutes": sum(1 for s in items if s.duration_quality != "recorded")}
                    if not_recorded
                    else {}
                ),
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
        for notice in self.notices:
            text += f" {notice}"
        estimated = sum(1 for s in self.sessions if s.duration_quality == "estimated")
        unreliable = sum(1 for s in self.sessions if s.duration_quality == "unreliable")
        if estimated:
            text += (
                f" {estimated} session{'s have' if estimated != 1 else ' has'} no duration in the file: "
                "the minutes stored are an estimate, marked as estimated and left out of minute totals."
            )
        if unreliable:
            text += (
                f" {unreliable} session{'s' if unreliable != 1 else ''} ran over 10 hours (a timer left running?): "
                "kept with every set, the minutes marked unreliable and left out of minute totals."
            )
        if self.flagged:
            kept = "; ".join(f"{count} {reason}" for reason, count in self.flagged.most_common())
            text += f" Kept as recorded but flagged as implausible: {kept}."
        if any(already):
            new = len(self.sessions) - already[0] + len(self.symptoms) - already[1]
            text += (
                f" {sum(already)} of them are already in your diary from an earlier import; {new} are new."
            )
        if self.skipped:
            reasons = "; ".join(
                f"{count} {reason}"
                + (f" (first: {self.examples[reason]})" if reason in self.examples else "")
                for reason, count in self.skipped.most_common()
            )
            text += f" Skipped: {reasons}."
        return text


@dataclass(frozen=True)
class ImportSummary:
    """What applying a batch changed."""

    sessions_added: int
    sessions_already_there: int
    symptoms_added: int
    symptoms_already_there: int
    sessions_replaced: int = 0

    def describe(self) -> str:
        """One plain sentence for the page and the CLI."""
        text = f"Added {self.sessions_added} session{'s' if self.sessions_added != 1 else ''}"
        if self.sessions_replaced:
            text = (
                f"Replaced {self.sessions_replaced} session{'s' if self.sessions_replaced != 1 else ''} "
                f"from the earlier import of this file. {text}"
            )
        if self.symptoms_added or self.symptoms_already_there:
            text += f" and {self.symptoms_added} back-pain record{'s' if self.symptoms_added != 1 else ''}"
        text += "."
        already = self.sessions_already_there + self.symptoms_already_there
        if already:
            text += f" {already} were already in your diary from an earlier import and were not added again."
        return text


@dataclass
class DiaryTables:
    """Everything the CSV export holds, as plain frames (read from the store by the caller)."""

    checkins: pd.DataFrame
    sessions: pd.DataFrame
    movements: pd.DataFrame  # session_id, position, name, sets, reps, weight_kg (+ imported set details)
    type_names: dict[str, str]
    peg: pd.DataFrame
    impressions: pd.DataFrame
    red_flags: pd.DataFrame
    symptoms: pd.DataFrame  # other apps' symptom records on their own scale (date, time, utc_offset, ...)
    experiments: pd.DataFrame  # id, status, status_reason, started_at, resumed_on, updated_at, plan_json


@dataclass
class CsvDiary:
    """Validated content of a backcare CSV export, ready to be written in one transaction."""

    type_names: dict[str, str] = field(default_factory=dict)
    checkins: list[CheckIn] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    peg: list[tuple[date, int, int, int]] = field(default_factory=list)
    impressions: list[tuple[date, int]] = field(default_factory=list)
    red_flags: list[tuple[date, list[str], str, str | None, str | None]] = field(default_factory=list)
    symptoms: list[SymptomRecord] = field(default_factory=list)
    experiments: list[ExperimentRecord] = field(default_factory=list)

    def describe(self) -> str:
        """What the file holds, in one sentence."""
        planned = f", {len(self.experiments)} planned experiments" if self.experiments else ""
        return (
            f"{len(self.checkins)} check-ins, {len(self.sessions)} sessions, {len(self.peg)} PEG answers, "
            f"{len(self.impressions)} global impressions, {len(self.red_flags)} red-flag screenings{planned} and "
            f"{len(self.symptoms)} symptom records from other apps"
        )


@dataclass(frozen=True)
class ExperimentPlan:
    """What the person commits to before starting."""

    exercise_type: str
    start: date
    comparison: str | None = None  # None: usual routine without exercise_type
    min_days_per_week: int = 3
    period_days: int = 14
    pairs: int = 4
    washout_days: int = 3
    seed: int = field(default_factory=lambda: random.SystemRandom().randrange(1, 2**31))

    @property
    def total_days(self) -> int:
        """Length of the whole experiment in days."""
        return 2 * self.pairs * self.period_days

    @property
    def end(self) -> date:
        """Last day of the experiment."""
        return self.start + timedelta(days=self.total_days - 1)

    def to_json(self) -> str:
        """Canonical JSON (sorted keys, ISO date): what the lock hash is computed over."""
        data = asdict(self)
        data["start"] = self.start.isoformat()
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> ExperimentPlan:
        """Rebuild a plan stored with to_json."""
        data = json.loads(text)
        data["start"] = date.fromisoformat(data["start"])
        return cls(**data)


def plan_hash(plan: ExperimentPlan) -> str:
    """SHA-256 of the canonical plan: stored at start, re-checked whenever the plan is read."""
    return hashlib.sha256(plan.to_json().encode()).hexdigest()


@dataclass(frozen=True)
class ExperimentRecord:
    """An experiment as an export holds it: the locked plan, its status and when things happened."""

    plan: ExperimentPlan
    plan_hash: str  # the lock as stored: a plan changed after it started keeps being flagged
    status: str
    status_reason: str | None
    started_at: str  # UTC, as created_at elsewhere
    resumed_on: date | None
    updated_at: str
