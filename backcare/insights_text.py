"""Plain-words sentences for exercise-type associations (no causal verbs, no p-values)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

LAG_WORDS = {0: "On days with", 1: "On days after", 2: "Two days after"}


def _points(value: float) -> str:
    size = abs(value)
    return f"{size:.1f} point{'s' if round(size, 1) != 1 else ''}"


def _bound(value: float) -> str:
    if abs(value) < 0.05:
        return "no difference"
    return f"{_points(value)} {'lower' if value < 0 else 'higher'}"


def effect_sentence(row: Mapping[str, Any], type_name: str, lag: int = 1) -> str:
    """One sentence for one type, e.g. 'On days after Yoga your pain was 0.6 points lower on average
    (95% range 1.3 lower to 0.1 higher), from 14 Yoga days and 40 days without exercise.'"""
    if row["verdict"] == "not enough data":
        reason = row.get("reason") or "there is not enough varied data yet"
        lead = (
            "No verdict"
            if "rated after the session" in reason or "same-day" in reason
            else "Not enough data yet"
        )
        return f"{lead} for {type_name}: {reason}."
    estimate, low, high = float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"])
    lead = LAG_WORDS.get(lag, f"{lag} days after")
    if abs(estimate) < 0.05:
        middle = "about the same as"
    else:
        middle = f"{_points(estimate)} {'lower' if estimate < 0 else 'higher'} on average than"
    subject = "your pain was" if lag else "your pain that day was"
    return (
        f"{lead} {type_name}, {subject} {middle} after days without exercise "
        f"(95% range: {_bound(low)} to {_bound(high)}), from {int(row['n_days_with'])} {type_name} days "
        f"and {int(row['n_days_without'])} days without exercise."
    )


VERDICT_WORDS = {
    "lower pain": "associated with lower pain",
    "higher pain": "associated with higher pain",
    "no clear difference": "no clear difference",
    "not enough data": "not enough data yet",
}

CAVEAT = (
    "Each result below is an association in your own data, not proof of cause: sleep, stress, or "
    "choosing to exercise on better days may explain it. A difference under about 1 point may not be "
    "noticeable. To test one fairly, try an Experiment."
)


def multiplicity_note(results: pd.DataFrame) -> str | None:
    """Say plainly that with several types one may differ by chance; None with fewer than two."""
    estimated = results[results["verdict"] != "not enough data"]
    k = len(estimated)
    if k < 2:
        return None
    return (
        f"You have {k} exercise types with enough data. Each interval is right 95 times in 100, so with "
        f"{k} types one of them can look different by chance alone. Treat a single result as a lead to test, "
        "not a conclusion."
    )
