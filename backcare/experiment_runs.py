"""Running experiments: stop rules, status lines and result sentences shared by pages, CLI and report."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from backcare.analysis.experiment import INTERVAL_LEVEL, ExperimentResult, experiment_result
from backcare.experiments import FLARE_RISE, day_status, short_arm, sustained_flare
from backcare.records import ExperimentPlan

if TYPE_CHECKING:
    import pandas as pd

from backcare.store import (
    Store,
    checkins_frame,
    open_red_flag,
    running_experiment,
    sessions_frame,
    set_experiment_status,
)

STOP_RULES = (
    f"backcare pauses the experiment and advises you to see a clinician if you record a red-flag symptom, "
    f"or if your pain is at least {FLARE_RISE} points above your usual level for 3 days in a row. "
    "Stop at any time if an exercise hurts you."
)
UNBLINDED = (
    "You know which period you are in, so expectations can shape how you rate your pain. "
    "This is an honest test of what happens in your life, not a blinded trial."
)
VERDICT_TEMPLATES = {
    "X clearly better": "{x} periods had clearly lower pain than {y} periods: on average at least 1 point lower.",
    "X clearly worse": "{x} periods had clearly higher pain than {y} periods: on average at least 1 point higher.",
    "no meaningful difference": "No meaningful difference: {x} and {y} periods differed by less than 1 point.",
    "inconclusive": "Inconclusive: the data cannot tell yet whether {x} periods differ meaningfully from {y} periods.",
    "not enough completed pairs": "Not enough completed pairs yet: a result needs at least 3 finished pairs "
    "of periods with at least 4 logged days each (after the washout).",
}


@dataclass(frozen=True)
class RunningExperiment:
    """The running experiment as pages show it."""

    id: int
    status: str
    status_reason: str | None
    plan: ExperimentPlan
    result: ExperimentResult


def check_stop_rules(
    store: Store,
    today: date | None = None,
    *,
    checkins: pd.DataFrame | None = None,
    sessions: pd.DataFrame | None = None,
) -> RunningExperiment | None:
    """Load the running experiment, pause it if a stop rule fired, and return it with its result.

    Pages pass their cached check-in and session frames; without them they are read from the store."""
    row = running_experiment(store)
    if row is None:
        return None
    plan: ExperimentPlan = row["plan"]
    if checkins is None:
        checkins = checkins_frame(store)
    status, reason = row["status"], row["status_reason"]
    if status == "active":
        resumed = date.fromisoformat(row["resumed_on"]) if row["resumed_on"] else None
        reason = stop_reason(store, plan, checkins, resumed)
        if reason:
            set_experiment_status(store, row["id"], "paused", reason)
            status = "paused"
    if sessions is None:
        sessions = sessions_frame(store)
    result = experiment_result(plan, checkins, sessions, today=today)
    return RunningExperiment(row["id"], status, reason, plan, result)


def stop_reason(
    store: Store, plan: ExperimentPlan, checkins: Any, resumed_on: date | None = None
) -> str | None:
    """Why the experiment must pause now (sustained flare or open red flag), or None."""
    flag = open_red_flag(store)
    if flag is not None and flag["date"] >= plan.start.isoformat():
        return "A red-flag symptom was recorded. Please contact a doctor before exercising on with the plan."
    fired = sustained_flare(plan, checkins, resumed_on)
    if fired is not None:
        return (
            f"Your pain was at least {FLARE_RISE} points above your usual level for 3 days up to "
            f"{fired:%d %b %Y}. Please talk to a clinician before continuing."
        )
    return None


def status_line(plan: ExperimentPlan, names: dict[str, str], today: date | None = None) -> str:
    """'Experiment day 9 of 56: this is a Yoga period' (or before start / finished / washout)."""
    today = today or date.today()
    state = day_status(plan, today)
    if state.day_number == 0:
        return f"Your experiment starts on {plan.start:%A %d %B}."
    if state.period is None:
        return f"Your experiment finished on {plan.end:%d %B %Y}: see the result on the Experiments page."
    arm = short_arm(plan, state.period.arm, names)
    line = f"Experiment day {state.day_number} of {state.total_days}: this is a {arm} period"
    if state.in_washout:
        line += " (settling-in day, not compared)"
    return line + "."


def result_sentence(plan: ExperimentPlan, result: ExperimentResult, names: dict[str, str]) -> str:
    """The verdict in plain words, with the estimate and its range when there is one."""
    x, y = short_arm(plan, "A", names), short_arm(plan, "B", names)
    text = VERDICT_TEMPLATES[result.verdict].format(x=x, y=y)
    if result.verdict != "not enough completed pairs" and not math.isnan(result.ci_low):
        direction = "lower" if result.estimate < 0 else "higher"
        text += (
            f" Average difference: {abs(result.estimate):.1f} points {direction} with {x} "
            f"({INTERVAL_LEVEL:.0%} range {result.ci_low:+.1f} to {result.ci_high:+.1f}), "
            f"from {result.completed_pairs} pairs of periods."
        )
    return text
