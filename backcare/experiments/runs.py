"""Running experiments: stop rules, status lines and result sentences shared by pages, CLI and report."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from backcare.experiments.plan import FLARE_RISE, day_status, short_arm, sustained_flare
from backcare.experiments.verdict import (
    ADHERENCE_THRESHOLD,
    EARLY_DAYS,
    EQUIVALENCE_LEVEL,
    INTERVAL_LEVEL,
    PLANNING_EFFECT,
    PLANNING_POWER,
    ExperimentResult,
    experiment_result,
    pairs_needed,
)
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
    "plan not followed enough": "No verdict: the plan was followed less than "
    f"{ADHERENCE_THRESHOLD:.0%} of the time, so the {{x}} and {{y}} periods did not differ as planned.",
    "not enough completed pairs": "Not enough completed pairs yet: a result needs at least 3 finished pairs "
    "of periods with at least 4 logged days each (after the washout).",
}


@dataclass(frozen=True)
class RunningExperiment:
    """The running experiment as pages show it; ``pending_stop`` says why it should pause now
    (a stop rule fired while it is active) until ``pause_for_stop_rule`` pauses it."""

    id: int
    status: str
    status_reason: str | None
    plan: ExperimentPlan
    result: ExperimentResult
    pending_stop: str | None = None


def load_running(
    store: Store,
    today: date | None = None,
    *,
    checkins: pd.DataFrame | None = None,
    sessions: pd.DataFrame | None = None,
) -> RunningExperiment | None:
    """The running experiment with its result and any stop rule that fired; reads only.

    Pages pass their cached check-in and session frames; without them they are read from the store."""
    row = running_experiment(store)
    if row is None:
        return None
    plan: ExperimentPlan = row["plan"]
    checkins = checkins_frame(store) if checkins is None else checkins
    sessions = sessions_frame(store) if sessions is None else sessions
    pending = None
    if row["status"] == "active":
        resumed = date.fromisoformat(row["resumed_on"]) if row["resumed_on"] else None
        pending = stop_reason(store, plan, checkins, resumed)
    result = experiment_result(plan, checkins, sessions, today=today)
    return RunningExperiment(row["id"], row["status"], row["status_reason"], plan, result, pending)


def pause_for_stop_rule(store: Store, running: RunningExperiment) -> RunningExperiment:
    """Pause the experiment when a stop rule fired (the one write; pages call it on a person's
    action), and return it as it now stands."""
    if running.status != "active" or running.pending_stop is None:
        return running
    set_experiment_status(store, running.id, "paused", running.pending_stop)
    return replace(running, status="paused", status_reason=running.pending_stop, pending_stop=None)


def check_stop_rules(
    store: Store,
    today: date | None = None,
    *,
    checkins: pd.DataFrame | None = None,
    sessions: pd.DataFrame | None = None,
) -> RunningExperiment | None:
    """For a command a person runs (CLI): load the running experiment and pause it if a stop rule
    fired. Pages render with ``load_running`` and pause only on a click."""
    running = load_running(store, today, checkins=checkins, sessions=sessions)
    return None if running is None else pause_for_stop_rule(store, running)


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


def result_checks(plan: ExperimentPlan, result: ExperimentResult) -> list[str]:
    """The checks behind a verdict, in plain words: adherence against its threshold, carry-over."""
    lines = []
    if not math.isnan(result.adherence):  # at least one period has started
        followed = (
            "enough for a verdict" if result.adherence >= ADHERENCE_THRESHOLD else "not enough for a verdict"
        )
        lines.append(
            f"Plan followed: {result.adherence:.0%} of what it asked (a verdict needs at least "
            f"{ADHERENCE_THRESHOLD:.0%}): {followed}."
        )
    if result.carry_over_found:
        lines.append(
            f"Carry-over: the first {EARLY_DAYS} compared days of each period still looked like the period "
            f"before ({abs(result.carry_over):.1f} points), so the effect seems to last longer than the "
            f"{plan.washout_days} settling-in days. The difference may be understated; a longer settling-in "
            "time would help next time."
        )
    elif not math.isnan(result.carry_over):
        lines.append(
            f"Carry-over: the first {EARLY_DAYS} compared days of each period did not clearly look like the "
            "period before."
        )
    if result.verdict == "inconclusive" and not math.isnan(result.later_half) and not result.equivalent:
        lines.append(
            f"Later days: over the later half of each period the difference was {result.later_half:+.1f} "
            f'points. "No meaningful difference" needs the {EQUIVALENCE_LEVEL:.0%} range within 1 point both '
            "for all compared days and for these later days, where an effect that builds up slowly shows "
            "most; this experiment cannot rule such an effect out."
        )
    return lines


def planning_advice(plan: ExperimentPlan, checkins: pd.DataFrame) -> str:
    """Before the start: how many pairs this person's own day-to-day variability needs to find a
    1.5-point difference 8 times in 10, and the length that proposes."""
    advice = pairs_needed(checkins, plan)
    if advice is None:
        return (
            "Log your pain for at least two weeks before the start, and backcare will say how many pairs "
            f"your own day-to-day variation needs to find a {PLANNING_EFFECT:g}-point difference."
        )
    basis = (
        f"Your ratings in the last {advice.logged_days} logged days vary by about {advice.sd:.1f} points "
        f"(day-to-day correlation {advice.phi:.1f})."
    )
    if advice.pairs is None:
        return (
            f"{basis} Even 12 pairs of {plan.period_days}-day periods would find a {PLANNING_EFFECT:g}-point "
            f"difference only {advice.power:.0%} of the time: consider longer periods."
        )
    days = 2 * advice.pairs * plan.period_days
    return (
        f"{basis} To find a {PLANNING_EFFECT:g}-point difference {PLANNING_POWER:.0%} of the time, plan "
        f"{advice.pairs} pairs of {plan.period_days}-day periods ({days} days); "
        f"with {plan.pairs} pairs the chance is {advice.power_with(plan.pairs):.0%}."
    )


def result_lines(running: RunningExperiment, names: dict[str, str]) -> list[str]:
    """What `backcare experiment result` prints: where the experiment stands, the verdict with its
    range, the checks behind it (adherence against its threshold, carry-over) and any stop rule."""
    lines = []
    if running.status == "paused":
        lines.append(f"Paused: {running.status_reason}")
    elif running.pending_stop:
        lines.append(f"Should pause now: {running.pending_stop}")
    lines.append(result_sentence(running.plan, running.result, names))
    lines.extend(result_checks(running.plan, running.result))
    return lines
