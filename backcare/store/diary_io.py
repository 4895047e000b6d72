"""Whole-diary reads and writes for exports and the CSV import (restore into an empty diary)."""

from __future__ import annotations

import json
import sqlite3

from backcare.errors import StoreError
from backcare.records import CsvDiary, DiaryTables
from backcare.store.catalogue import type_names
from backcare.store.checkins import checkins_frame, count_entries, save_checkins
from backcare.store.connection import Store, now_iso
from backcare.store.experiments import experiments_frame
from backcare.store.imports import add_symptom_records, symptom_records_frame
from backcare.store.questionnaires import global_impression_frame, peg_frame, red_flag_frame
from backcare.store.sessions import add_sessions, all_session_movements, sessions_frame


def diary_tables(store: Store) -> DiaryTables:
    """Everything a CSV or FHIR export needs, read in one go."""
    import pandas as pd

    symptoms = symptom_records_frame(store).iloc[::-1].reset_index(drop=True)
    symptoms["date"] = pd.to_datetime(symptoms["date"])
    return DiaryTables(
        checkins=checkins_frame(store),
        sessions=sessions_frame(store),
        movements=all_session_movements(store),
        type_names=type_names(store),
        peg=peg_frame(store),
        impressions=global_impression_frame(store),
        red_flags=red_flag_frame(store).sort_values(["date", "id"]).drop(columns="id").reset_index(drop=True),
        symptoms=symptoms,
        experiments=experiments_frame(store),
    )


def load_diary(store: Store, diary: CsvDiary) -> None:
    """Write a CSV export into an empty diary in one transaction (refused if the diary has entries)."""
    if count_entries(store):
        raise StoreError(
            "This diary already has entries. Importing a backcare CSV export is for an empty diary "
            "(for example on a new computer); nothing was changed."
        )
    now = now_iso()
    try:
        _write(store, diary, now)
    except sqlite3.IntegrityError as exc:
        raise StoreError(
            f"The export holds a value the diary cannot store ({exc}); nothing was changed."
        ) from exc


def _write(store: Store, diary: CsvDiary, now: str) -> None:
    with store.transaction() as conn:
        known = set(type_names(store))
        for key, name in diary.type_names.items():
            if key not in known:
                conn.execute(
                    "INSERT INTO exercise_types (key, name, builtin, sort_order) VALUES (?, ?, 0, 100)",
                    [key, name],
                )
        save_checkins(store, diary.checkins)
        add_sessions(store, diary.sessions)
        conn.executemany(
            "INSERT INTO peg (date, pain, enjoyment, activity, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            [(d.isoformat(), p, e, a, now, now) for d, p, e, a in diary.peg],
        )
        conn.executemany(
            "INSERT INTO global_impression (date, rating, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [(d.isoformat(), r, now, now) for d, r in diary.impressions],
        )
        conn.executemany(
            "INSERT INTO red_flag_checks (date, answers, level, resolved_at, resolution, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (d.isoformat(), json.dumps(a), level, res_at, res, now)
                for d, a, level, res_at, res in diary.red_flags
            ],
        )
        add_symptom_records(conn, diary.symptoms)
        conn.executemany(
            "INSERT INTO experiments (plan_json, plan_hash, status, status_reason, started_at, resumed_on, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (e.plan.to_json(), e.plan_hash, e.status, e.status_reason, e.started_at,
                 e.resumed_on.isoformat() if e.resumed_on else None, e.updated_at)
                for e in diary.experiments
            ],
        )  # fmt: skip
