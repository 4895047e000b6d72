"""Apply an import batch: everything in one transaction, nothing twice (source ids)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from backcare.models import Session
from backcare.records import ImportBatch, ImportSummary
from backcare.store.connection import Store, now_iso
from backcare.store.sessions import add_sessions

if TYPE_CHECKING:
    import pandas as pd


def apply_batch(
    store: Store, batch: ImportBatch, progress: Callable[[int, int], None] = lambda done, total: None
) -> ImportSummary:
    """Write a batch all-or-nothing; sessions and records already imported earlier are skipped."""
    total = len(batch.sessions) + len(batch.symptoms)

    def counted(sessions: list[Session]) -> Iterator[Session]:
        for number, session in enumerate(sessions, start=1):
            if number % 200 == 0:
                progress(number, total)
            yield session

    now = now_iso()
    with store.transaction() as conn:
        added = add_sessions(store, counted(batch.sessions))
        before = conn.total_changes
        conn.executemany(
            "INSERT OR IGNORE INTO symptom_records (date, time, symptom, scale, value, source, source_id, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (r.date.isoformat(), r.time, r.symptom, r.scale, r.value, r.source, r.source_id, now)
                for r in batch.symptoms
            ],
        )
        symptoms_added = conn.total_changes - before
    progress(total, total)
    return ImportSummary(
        sessions_added=added,
        sessions_already_there=len(batch.sessions) - added,
        symptoms_added=symptoms_added,
        symptoms_already_there=len(batch.symptoms) - symptoms_added,
    )


def symptom_records_frame(store: Store) -> pd.DataFrame:
    """Symptom records imported from other apps, newest first, on their own scale."""
    return store.frame(
        "SELECT date, time, symptom, value, scale, source FROM symptom_records ORDER BY date DESC, time DESC"
    )


def already_imported(store: Store, batch: ImportBatch) -> tuple[int, int]:
    """How many of the batch's sessions and symptom records are already in the diary (same source ids)."""
    sessions = {
        row["source_id"]
        for row in store.rows("SELECT source_id FROM sessions WHERE source = ?", [batch.source])
    }
    records = {
        row["source_id"]
        for row in store.rows("SELECT source_id FROM symptom_records WHERE source = ?", [batch.source])
    }
    return (
        sum(1 for s in batch.sessions if s.source_id in sessions),
        sum(1 for r in batch.symptoms if r.source_id in records),
    )
