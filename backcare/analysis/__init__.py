"""Pure analysis: DataFrames in, DataFrames or dataclasses out. Never touches the database."""

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
    "Headline",
    "PainChange",
    "before_after",
    "calendar",
    "change_category",
    "daily_pain",
    "headline",
    "in_range",
    "location_counts",
    "pain_change",
    "pain_series",
    "weekly_minutes",
]
