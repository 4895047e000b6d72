"""Planned self-experiments in the CSV export: one row per experiment, its locked plan spelled out.

The export writes the plan's fields as plain columns (a spreadsheet shows what was planned); the
import rebuilds the plan, checks it as the Experiments page does, and keeps its status and times,
so a restored diary shows the same experiments with the same randomized schedule (the seed).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from backcare.errors import ValidationError
from backcare.experiments.plan import validate_plan
from backcare.models import parse_date, parse_int
from backcare.records import ExperimentPlan, ExperimentRecord, plan_hash
from backcare.store.experiments import RUNNING, STATUSES

if TYPE_CHECKING:
    import pandas as pd

PLAN_COLUMNS = [
    "exercise_type",
    "comparison",
    "start",
    "period_days",
    "pairs",
    "washout_days",
    "min_days_per_week",
    "seed",
]
EXPERIMENT_HEADER = [
    *PLAN_COLUMNS,
    "status",
    "status_reason",
    "started_at",
    "resumed_on",
    "updated_at",
    "plan_hash",
]
README_LINE = (
    "- experiments.csv: planned self-experiments: the plan as locked at the start (type tested, comparison\n"
    "  (empty: the usual routine), first day, days per period, pairs, washout days, days a week, the seed\n"
    "  of the randomized order), its status (active, paused, stopped, completed) and when it changed (UTC);\n"
    "  plan_hash is the plan's SHA-256 lock: a plan edited here no longer matches it, and backcare says so.\n"
)


def experiment_rows(experiments: pd.DataFrame, start: date | None, end: date | None) -> list[list[Any]]:
    """CSV rows for the experiments whose planned days overlap the range (all when it is open)."""
    rows = []
    for row in experiments.sort_values(["started_at", "id"]).to_dict("records"):
        plan = ExperimentPlan.from_json(row["plan_json"])
        if (start is not None and plan.end < start) or (end is not None and plan.start > end):
            continue
        planned = json.loads(plan.to_json())
        rows.append(
            [planned[c] for c in PLAN_COLUMNS]
            + [
                row["status"],
                row["status_reason"],
                row["started_at"],
                row["resumed_on"],
                row["updated_at"],
                row["plan_hash"],
            ]
        )
    return rows


def _moment(text: str, label: str) -> str:
    try:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise ValidationError(
            f"{label} must be a UTC time such as 2026-03-01T08:30:00Z, not {text[:40]!r}."
        ) from None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def experiment_from_row(row: dict[str, str], known_types: set[str]) -> ExperimentRecord:
    """One experiments.csv row as a checked record; ValidationError names what is wrong."""
    plan = ExperimentPlan(
        exercise_type=row["exercise_type"],
        comparison=row["comparison"] or None,
        start=parse_date(row["start"]),
        period_days=parse_int(row["period_days"], "Days per period", 1, 365, required=True),
        pairs=parse_int(row["pairs"], "Pairs", 1, 100, required=True),
        washout_days=parse_int(row["washout_days"], "Washout days", 0, 365, required=True),
        min_days_per_week=parse_int(row["min_days_per_week"], "Days a week", 1, 7, required=True),
        seed=parse_int(row["seed"], "Seed", 1, 2**31, required=True),
    )
    validate_plan(plan, known_types)
    if row["status"] not in STATUSES:
        raise ValidationError(f"Status must be one of {', '.join(STATUSES)}, not {row['status'][:40]!r}.")
    reason = row["status_reason"] or None
    if reason is not None and len(reason) > 500:
        raise ValidationError("The status reason is longer than 500 characters.")
    lock = row["plan_hash"] or plan_hash(plan)  # kept as locked: an edited plan stays flagged
    if not re.fullmatch(r"[0-9a-f]{64}", lock):
        raise ValidationError("plan_hash must be 64 hexadecimal characters (or empty for a new plan).")
    return ExperimentRecord(
        plan=plan,
        plan_hash=lock,
        status=row["status"],
        status_reason=reason,
        started_at=_moment(row["started_at"], "started_at"),
        resumed_on=parse_date(row["resumed_on"]) if row["resumed_on"] else None,
        updated_at=_moment(row["updated_at"], "updated_at"),
    )


def at_most_one_running(records: list[ExperimentRecord]) -> str | None:
    """The problem with the rows as a whole, if more than one experiment is still running."""
    running = sum(r.status in RUNNING for r in records)
    if running > 1:
        return f"experiments.csv has {running} running (active or paused) experiments; a diary runs one at a time."
    return None
