"""Pure analysis: DataFrames in, DataFrames or dataclasses out. Never touches the database."""

from backcare.analysis.effects import (
    METHOD_VERSION,
    Thresholds,
    dose_table,
    effect_details,
    exercise_effects,
    immediate_effects,
    lag_profile,
)
from backcare.analysis.experiment import EXPERIMENT_VERDICTS, ExperimentResult, experiment_result
from backcare.analysis.trends import (
    CALENDAR_WEEKS,
    Headline,
    PainChange,
    before_after,
    calendar,
    change_category,
    daily_pain,
    headline,
    in_range,
    location_counts,
    pain_change,
    pain_series,
    weekly_minutes,
)

__all__ = [
    "CALENDAR_WEEKS",
    "EXPERIMENT_VERDICTS",
    "METHOD_VERSION",
    "ExperimentResult",
    "Headline",
    "PainChange",
    "Thresholds",
    "before_after",
    "calendar",
    "change_category",
    "daily_pain",
    "dose_table",
    "effect_details",
    "exercise_effects",
    "experiment_result",
    "headline",
    "immediate_effects",
    "in_range",
    "lag_profile",
    "location_counts",
    "pain_change",
    "pain_series",
    "weekly_minutes",
]
