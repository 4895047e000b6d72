"""Apply an import batch: everything in one transaction, nothing twice (source ids), or replacing
the earlier import of the same file (so a wrong unit can be corrected by importing again)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from backcare.models import Session
from backcare.records import ImportBatch, ImportSummary, SymptomRecord
from backcare.store.connection import Store, now_iso
from backcare.store.sessions import add_sessions

if TYPE_CHECKING:
    import pandas as pd

_INSERT_SYMPTOM = (
    "INSERT INTO symptom_records (date, time, symptom, scale, value, source, source_id, created_at, utc_offset) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, source_id) DO NOTHING"
)


def add_symptom_records(conn: sqlite3.Connection, records: Iterable[SymptomRecord]) -> int:
    """Insert symptom records inside an open transaction, skipping ones already there (same source
    and source id); any other constraint (a value over 80 characters) fails the transaction."""
    now = now_iso()
    before = conn.total_changes
    conn.executemany(
        _INSERT_SYMPTOM,
        (
            (
                r.date.isoformat(),
                r.time,
                r.symptom,
                r.scale,
                r.value,
                r.source,
                r.source_id,
                now,
                r.utc_offset,
            )
            for r in records
        ),
    )
    return conn.total_changes - before


def _forget_earlier_import(conn: sqlite3.Connection, batch: ImportBatch) -> int:
    """Delete the sessions (their sets cascade) and records an earlier import of this file wrote."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS replaced_ids (source_id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM temp.replaced_ids")
    ids = {s.source_id for s in batch.sessions if s.source_id} | {r.source_id for r in batch.symptoms}
    conn.executemany("INSERT INTO temp.replaced_ids VALUES (?)", ((i,) for i in ids))
    removed = conn.execute(
        "DELETE FROM sessions WHERE source = ? AND source_id IN (SELECT source_id FROM temp.replaced_ids)",
        [batch.source],
    ).rowcount
    conn.execute(
        "DELETE FROM symptom_records WHERE source = ? AND source_id IN (SELECT source_id FROM temp.replaced_ids)",
        [batch.source],
    )
    conn.execute("DELETE FROM temp.replaced_ids")
    return removed


def apply_batch(
    store: Store,
    batch: ImportBatch,
    progress: Callable[[int, int], None] = lambda done, total: None,
    replace: bool = False,
) -> ImportSummary:
    """Write a batch all-or-nothing. Entries imported earlier (same source and source id) are skipped,
    or, with ``replace``, deleted and written again from this batch in the same transaction."""
    total = len(batch.sessions) + len(batch.symptoms)

    def counted(sessions: Iterator[Session]) -> Iterator[Session]:
        for number, session in enumerate(sessions, start=1):
            if number % 200 == 0:
                progress(number, total)
            yield session

    with store.transaction() as conn:
        replaced = _forget_earlier_import(conn, batch) if replace else 0
        added = add_sessions(store, counted(batch.complete_sessions()))
        symptoms_added = add_symptom_records(conn, batch.symptoms)
    progress(total, total)
    return ImportSummary(
        sessions_added=added,
        sessions_already_there=len(batch.sessions) - added,
        symptoms_added=symptoms_added,
        symptoms_already_there=len(batch.symptoms) - symptoms_added,
        sessions_replaced=replaced,
    )


def symptom_records_frame(store: Store) -> pd.DataFrame:
    """Symptom records imported from other apps, newest first, on their own scale."""
    return store.frame(
        "SELECT date, time, utc_offset, symptom, value, scale, source, source_id FROM symptom_records "
        "ORDER BY date DESC, time DESC"
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
