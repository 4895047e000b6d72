"""Read everything a report may need from the database (the report itself stays pure)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, cast

from backcare.experiments.verdict import experiment_result
from backcare.records import ExperimentPlan
from backcare.reports.content import ReportInputs
from backcare.safety import labels
from backcare.store import (
    Store,
    checkin_span,
    checkins_frame,
    experiments_frame,
    peg_frame,
    red_flag_frame,
    sessions_frame,
    symptom_records_frame,
    type_names,
)


def report_inputs(
    store: Store, today: date | None = None, *, start: date | None = None, end: date | None = None
) -> ReportInputs:
    """Frames and lists for build_content: check-ins, sessions, PEG, red flags, finished experiments.

    With ``start``/``end`` only the check-ins and sessions of that range are read (a report covers
    one range), and the whole diary's first and last check-in dates besides; each finished
    experiment's result is computed from the days of its own plan."""
    checkins, sessions = checkins_frame(store, start, end), sessions_frame(store, start, end)
    flags = [
        {**row, "answers": labels(json.loads(row["answers"]))}
        for row in red_flag_frame(store).to_dict("records")
    ]
    experiments = []
    for row in experiments_frame(store).to_dict("records"):
        if row["status"] in ("completed", "stopped"):
            plan = ExperimentPlan.from_json(row["plan_json"])
            days = checkins_frame(store, plan.start, plan.end), sessions_frame(store, plan.start, plan.end)
            experiments.append((plan, experiment_result(plan, *days, today=today), row["status"]))
    return ReportInputs(
        checkins,
        sessions,
        type_names(store),
        peg_frame(store),
        cast(list[dict[str, Any]], flags),
        experiments,
        symptom_records_frame(store),
        checkin_span(store),
    )
