"""Experiments: one locked plan per row, at most one running (active or paused) at a time."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from backcare.errors import StoreError
from backcare.records import ExperimentPlan, plan_hash
from backcare.store.connection import Store, now_iso

if TYPE_CHECKING:
    import pandas as pd

RUNNING = ("active", "paused")
STATUSES = ("active", "paused", "stopped", "completed")


def start_experiment(store: Store, plan: ExperimentPlan) -> int:
    """Lock the plan (content hash, start time) and make it the running experiment; return its id."""
    now = now_iso()
    try:
        with store.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO experiments (plan_json, plan_hash, status, started_at, updated_at) "
                "VALUES (?, ?, 'active', ?, ?)",
                [plan.to_json(), plan_hash(plan), now, now],
            )
    except sqlite3.IntegrityError as exc:
        raise StoreError(
            "An experiment is already running. Stop it before starting a new one; nothing was changed."
        ) from exc
    return int(cursor.lastrowid or 0)


def _with_plan(row: dict[str, Any]) -> dict[str, Any]:
    plan = ExperimentPlan.from_json(row["plan_json"])
    if plan_hash(plan) != row["plan_hash"]:
        raise StoreError(
            f"Experiment #{row['id']} no longer matches the plan locked when it started "
            "(its stored plan was changed outside backcare). Its result cannot be trusted."
        )
    return {**row, "plan": plan}


def running_experiment(store: Store) -> dict[str, Any] | None:
    """The active or paused experiment with its verified plan (key 'plan'), or None."""
    rows = store.rows("SELECT * FROM experiments WHERE status IN ('active', 'paused')")
    return _with_plan(rows[0]) if rows else None


def set_experiment_status(store: Store, experiment_id: int, status: str, reason: str | None = None) -> None:
    """Pause, resume, stop or complete an experiment (the plan itself never changes).

    Resuming a paused experiment records the day, so stop rules only look at later days."""
    if status not in STATUSES:
        raise ValueError(f"unknown experiment status {status!r}")
    now = now_iso()
    try:
        with store.transaction() as conn:
            changed = conn.execute(
                "UPDATE experiments SET status = ?, status_reason = ?, updated_at = ?, "
                "resumed_on = CASE WHEN status = 'paused' AND ? = 'active' THEN ? ELSE resumed_on END WHERE id = ?",
                [status, reason, now, status, now[:10], experiment_id],
            ).rowcount
    except sqlite3.IntegrityError as exc:
        raise StoreError("Another experiment is already running; stop it first.") from exc
    if not changed:
        raise StoreError(
            f"Experiment #{experiment_id} does not exist (it may have been removed in another window)."
        )


def experiments_frame(store: Store) -> pd.DataFrame:
    """All experiments, newest first: id, status, status_reason, started_at, updated_at, resumed_on,
    plan_json, plan_hash."""
    return store.frame(
        "SELECT id, status, status_reason, started_at, updated_at, resumed_on, plan_json, plan_hash "
        "FROM experiments ORDER BY started_at DESC, id DESC"
    )
