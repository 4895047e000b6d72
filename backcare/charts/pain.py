"""The pain-over-time chart and the pain calendar: the Dashboard charts whose data moves after every
check-in. Each is an Altair chart (``pain_trend``, ``pain_calendar``: the report, downloads and
tests) and the same chart's spec made from a layout built once per shape (``pain_trend_spec``,
``pain_calendar_spec``: the Dashboard after a save; see ``charts/specs.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd

from backcare.charts import specs
from backcare.charts.colors import (
    FIT_WIDTH,
    FLARE_COLOR,
    PAIN_COLOR,
    TREND_HEIGHT,
    AnyChart,
    drawn_types,
    type_colour,
)
from backcare.charts.trends import TICK_ROW, WEEKDAYS, with_type_names

# What the pain chart's layout depends on besides its data: weekly, band, ticks, the types (key,
# name), the types its legend lists, height.
TrendShape = tuple[bool, bool, bool, tuple[tuple[str, str], ...], tuple[str, ...], int]


def pain_trend(
    daily: pd.DataFrame,
    sessions: pd.DataFrame,
    type_names: Mapping[str, str],
    baseline_mean: float | None = None,
    resolution: str = "daily",
    height: int = TREND_HEIGHT,
) -> AnyChart:
    """Pain points, rolling mean, flare days, session markers by type and a ±2-point baseline band.

    ``resolution="weekly"`` (long ranges): points are weekly means, the line a 4-week mean, and
    session markers are left to the weekly-minutes chart.
    """
    return specs.drawn(
        _trend_layout, _trend_parts(daily, sessions, type_names, baseline_mean, resolution, height)
    )


def pain_trend_spec(
    daily: pd.DataFrame,
    sessions: pd.DataFrame,
    type_names: Mapping[str, str],
    baseline_mean: float | None = None,
    resolution: str = "daily",
    height: int = TREND_HEIGHT,
) -> dict[str, Any]:
    """``pain_trend(...).to_dict()``, made from a layout built once per shape (``specs.filled``)."""
    return specs.filled_from(
        _trend_layout, _trend_parts(daily, sessions, type_names, baseline_mean, resolution, height)
    )


def _trend_parts(
    daily: pd.DataFrame,
    sessions: pd.DataFrame,
    type_names: Mapping[str, str],
    baseline_mean: float | None,
    resolution: str,
    height: int,
) -> tuple[dict[str, pd.DataFrame], TrendShape, str]:
    # The frames the pain chart draws, the shape of its layout, and its description.
    weekly = resolution == "weekly"
    with_ticks = bool(len(sessions)) and not weekly
    frames = {"daily": daily}
    if baseline_mean is not None:
        frames["band"] = pd.DataFrame(
            {
                "low": [max(0.0, baseline_mean - 2)],
                "high": [min(10.0, baseline_mean + 2)],
                "mean": [baseline_mean],
            }
        )
    legend: tuple[str, ...] = ()
    if with_ticks:
        frames["ticks"] = with_type_names(sessions[["date", "exercise_type", "duration_min"]], type_names)
        legend = tuple(drawn_types(type_names, frames["ticks"]["type_name"]))
    shape: TrendShape = (
        weekly,
        baseline_mean is not None,
        with_ticks,
        tuple(type_names.items()),
        legend,
        height,
    )
    n_sessions = len(frames["ticks"]) if with_ticks else 0
    return frames, shape, _trend_description(daily, weekly, n_sessions)


def _trend_layout(
    data: Mapping[str, Any],
    weekly: bool,
    with_band: bool,
    with_ticks: bool,
    type_items: tuple[tuple[str, str], ...],
    legend: tuple[str, ...],
    height: int,
) -> alt.LayerChart:
    point_title, line_title = ("Week's mean", "4-week mean") if weekly else ("Pain", "7-day mean")
    # Session ticks sit in a strip below pain 0, inside the plot: in pixels (the old ``alt.value``)
    # they fell outside the chart's box and were cut off in the browser.
    y_scale = alt.Scale(domain=[TICK_ROW - 0.6, 10] if with_ticks else [0, 10], nice=False)
    y_axis = alt.Axis(values=list(range(0, 11, 2)))
    layers: list[alt.Chart] = []
    if with_band:
        layers.append(
            alt.Chart(data["band"])
            .mark_rect(opacity=0.12, color="#2f6f73")
            .encode(
                y=alt.Y("low:Q", scale=y_scale),
                y2="high:Q",
                tooltip=[alt.Tooltip("mean:Q", title="Baseline mean", format=".1f")],
            )
        )
    x = alt.X(
        "date:T",
        title=None,
        axis=alt.Axis(format="%d %b %Y", labelOverlap=True, labelFlush=True, labelBound=True),
    )
    points = (
        alt.Chart(data["daily"])
        .mark_circle(size=28, opacity=0.55, color=PAIN_COLOR)
        .encode(
            x=x,
            y=alt.Y("pain:Q", scale=y_scale, title="Pain (0-10)", axis=y_axis),
            tooltip=[
                alt.Tooltip("date:T", title="Week of" if weekly else "Day", format="%a %d %b %Y"),
                alt.Tooltip("pain:Q", title=point_title, format=".1f"),
                alt.Tooltip("rolling:Q", title=line_title, format=".1f"),
            ],
        )
    )
    line = (
        alt.Chart(data["daily"])
        .mark_line(color="#2f6f73", strokeWidth=2.5)
        .encode(x=x, y=alt.Y("rolling:Q", scale=y_scale), tooltip=[alt.Tooltip("rolling:Q", format=".1f")])
    )
    flares = (
        alt.Chart(data["daily"])
        .transform_filter("datum.flare")
        .mark_point(shape="triangle-up", size=70, filled=True, color=FLARE_COLOR)
        .encode(
            x=x,
            y=alt.Y("pain:Q", scale=y_scale),
            tooltip=[
                alt.Tooltip(
                    "date:T", title="Flare (week of)" if weekly else "Flare day", format="%a %d %b %Y"
                ),
                alt.Tooltip("pain:Q", title=point_title, format=".1f"),
            ],
        )
    )
    layers += [points, line, flares]
    if with_ticks:
        layers.append(
            alt.Chart(data["ticks"])
            .mark_tick(orient="vertical", thickness=2, size=12)
            .encode(
                x=x,
                y=alt.datum(TICK_ROW, scale=y_scale),
                color=type_colour("Exercise (ticks along the bottom)", dict(type_items), legend),
                tooltip=[
                    alt.Tooltip("date:T", title="Day", format="%a %d %b %Y"),
                    alt.Tooltip("type_name:N", title="Exercise"),
                    alt.Tooltip("duration_min:Q", title="Minutes"),
                ],
            )
        )
    title = "Pain over time (weekly averages)" if weekly else "Pain over time"
    return (
        alt.layer(*layers)
        .properties(autosize=FIT_WIDTH, height=height, title=title)
        .resolve_scale(y="shared")
    )


def _trend_description(daily: pd.DataFrame, weekly: bool, n_sessions: int) -> str:
    if daily.empty:
        return "Pain over time: nothing logged in this range."
    unit = "weekly averages" if weekly else "days"
    first, last = pd.Timestamp(daily["date"].min()), pd.Timestamp(daily["date"].max())
    text = (
        f"Pain over time, {len(daily)} {unit} from {first:%d %b %Y} to {last:%d %b %Y}: "
        f"lowest {daily['pain'].min():.1f}, highest {daily['pain'].max():.1f}, mean {daily['pain'].mean():.1f} out of 10."
    )
    return text + (f" {n_sessions} exercise sessions marked along the bottom." if n_sessions else "")


def pain_calendar(days: pd.DataFrame) -> AnyChart:
    """Calendar heatmap (weeks x weekdays) of daily pain, with exercise days marked by a dot."""
    return specs.drawn(_calendar_layout, _calendar_parts(days))


def pain_calendar_spec(days: pd.DataFrame) -> dict[str, Any]:
    """``pain_calendar(days).to_dict()``, made from a layout built once per run of weeks (``specs.filled``)."""
    return specs.filled_from(_calendar_layout, _calendar_parts(days))


def _calendar_parts(days: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], tuple[tuple[str, ...]], str]:
    days = days.assign(week_label=days["week"].dt.strftime("%d %b"))
    weeks = tuple(days["week_label"].drop_duplicates())
    logged = days["pain"].notna()
    description = (
        f"Calendar of the {len(weeks)} weeks from {days['date'].min():%d %b %Y} to {days['date'].max():%d %b %Y}: "
        f"pain logged on {int(logged.sum())} days, exercise on {int(days['exercised'].sum())} days."
    )
    return {"days": days}, (weeks,), description


def _calendar_layout(data: Mapping[str, Any], weeks: tuple[str, ...]) -> AnyChart:
    # The week axis is ordinal, so its labels are text made here (a date format on an ordinal axis
    # is invalid in the browser and stopped the whole chart from drawing).
    base = alt.Chart(data["days"]).encode(
        x=alt.X(
            "week_label:O",
            title="Week starting",
            sort=list(weeks),
            axis=alt.Axis(labelOverlap=True, labelAngle=-45),
        ),
        y=alt.Y("weekday:N", sort=WEEKDAYS, title=None),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "pain:Q",
            title="Pain (0-10)",
            scale=alt.Scale(domain=[0, 10], scheme="orangered"),
            legend=alt.Legend(orient="bottom", gradientLength=160),
        ),
        tooltip=[
            alt.Tooltip("date:T", title="Day", format="%a %d %b %Y"),
            alt.Tooltip("pain:Q", title="Pain"),
            alt.Tooltip("exercised:N", title="Exercised"),
        ],
    )
    dots = (
        base.transform_filter("datum.exercised")
        .mark_circle(size=14, color="#1f2a2e", opacity=0.7)
        .encode(tooltip=[alt.Tooltip("date:T", title="Exercised on", format="%a %d %b %Y")])
    )
    return alt.layer(cells, dots).properties(
        autosize=FIT_WIDTH, height=7 * 22, title="Calendar (dot = exercise day)"
    )
