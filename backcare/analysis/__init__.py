"""Pure analysis: DataFrames in, DataFrames or dataclasses out. Never touches the database.

The Insights model (``effects``: SciPy and statsmodels, about 0.3 s to import) is imported on
first use of one of its names, so pages that only draw trends (Today, Dashboard) never wait for it.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backcare.analysis.effects import (
        METHOD_VERSION,
        Thresholds,
        diary_effect_details,
        diary_lag_profile,
        effect_details,
        exercise_effects,
        immediate_effects,
        lag_profile,
    )
from backcare.analysis.dose import DOSE_WEEKS, dose_start, dose_table
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
    recorded_minutes,
    weekly_minutes,
)

__all__ = [
    "CALENDAR_WEEKS",
    "DOSE_WEEKS",
    "METHOD_VERSION",
    "Headline",
    "PainChange",
    "Thresholds",
    "before_after",
    "calendar",
    "change_category",
    "daily_pain",
    "diary_effect_details",
    "diary_lag_profile",
    "dose_start",
    "dose_table",
    "effect_details",
    "exercise_effects",
    "headline",
    "immediate_effects",
    "in_range",
    "lag_profile",
    "location_counts",
    "pain_change",
    "pain_series",
    "recorded_minutes",
    "weekly_minutes",
]


def __getattr__(name: str) -> Any:
    # Called only for names not defined above: those of __all__ are the Insights model's.
    if name in __all__:
        from backcare.analysis import effects

        return getattr(effects, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
