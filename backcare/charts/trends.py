"""Trend charts for the Today page, the Dashboard and the report (the pain chart and calendar: charts/pain.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import altair as alt
import pandas as pd

from backcare.charts.colors import (
    FIT_WIDTH,
    AnyChart,
    type_color_scale,
    type_colour,
)


def week_glance(checkins: pd.DataFrame, end: date) -> alt.Chart:
    """Pain on the 7 days ending ``end`` as bars (unlogged days labelled), for the Today page."""
    days = pd.DataFrame({"date": pd.to_datetime([end - timedelta(days=6 - i) for i in range(7)])})
    merged = (
        days.merge(checkins[["date", "pain"]], on="date", how="left")
        if len(checkins)
        else days.assign(pain=None)
    )
    merged["day"] = merged["date"].dt.strftime("%a %d")
    merged["label"] = merged["pain"].map(lambda p: "not logged" if pd.isna(p) else f"{int(p)}/10")
    merged["pain"] = merged["pain"].astype("Float64").fillna(0)
    base = alt.Chart(merged).encode(
        x=alt.X("day:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
        tooltip=[alt.Tooltip("day:N", title="Day"), alt.Tooltip("label:N", title="Pain")],
    )
    bars = base.mark_bar(color="#2f6f73", cornerRadiusTopLeft=3, cornerRadiusTopRight=3).encode(
        y=alt.Y("pain:Q", scale=alt.Scale(domain=[0, 10]), title="Pain (0-10)")
    )
    text = base.mark_text(dy=-8, fontSize=11).encode(y="pain:Q", text="label:N")
    logged = merged[merged["label"] != "not logged"]
    description = "Your last 7 days: " + "; ".join(
        f"{d} {lab}" for d, lab in zip(merged["day"], merged["label"], strict=True)
    )
    return (bars + text).properties(
        autosize=FIT_WIDTH,
        height=180,
        title="Your last 7 days",
        description=description if len(logged) else "Your last 7 days: nothing logged yet.",
    )


WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
TICK_ROW = -0.9  # y position (pain units, below 0) of the exercise-session ticks on the pain chart
STEP = 30  # px per row in charts with one row per category


def with_type_names(df: pd.DataFrame, type_names: Mapping[str, str]) -> pd.DataFrame:
    """Add a ``type_name`` column with display names for ``exercise_type`` keys."""
    return df.assign(type_name=df["exercise_type"].map(lambda k: type_names.get(k, k)))


def weekly_minutes_chart(weekly: pd.DataFrame, type_names: Mapping[str, str]) -> alt.Chart:
    """Stacked bars of weekly minutes by exercise type."""
    df = with_type_names(weekly, type_names)
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X(
                "week:T",
                title="Week starting",
                axis=alt.Axis(format="%d %b %Y", labelOverlap=True, labelFlush=True, labelBound=True),
            ),
            y=alt.Y("sum(minutes):Q", title="Minutes"),
            color=type_colour("Exercise", type_names, df.loc[df["minutes"] > 0, "type_name"]),
            tooltip=[
                alt.Tooltip("week:T", title="Week of", format="%d %b %Y"),
                alt.Tooltip("type_name:N", title="Exercise"),
                alt.Tooltip("minutes:Q", title="Minutes"),
                alt.Tooltip("sessions:Q", title="Sessions"),
            ],
        )
        .properties(
            autosize=FIT_WIDTH,
            height=240,
            title="Weekly minutes by exercise type",
            description=(
                f"Weekly exercise minutes over {df['week'].nunique()} weeks, {int(df['minutes'].sum())} minutes in all: "
                + ", ".join(
                    f"{name} {int(m)} min"
                    for name, m in df.groupby("type_name")["minutes"]
                    .sum()
                    .sort_values(ascending=False)
                    .items()
                )
                + "."
            ),
        )
    )


def before_after_chart(summary: pd.DataFrame, type_names: Mapping[str, str]) -> AnyChart:
    """Mean pain just before vs just after sessions, per type, joined by a line (n in the tooltip)."""
    df = with_type_names(summary, type_names)
    df["label"] = df.apply(lambda r: f"{r['type_name']} (n={int(r['n'])})", axis=1)
    long = df.melt(
        id_vars=["label", "type_name", "n", "change"], value_vars=["before", "after"], var_name="when"
    )
    y = alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=0))
    tooltip = [
        alt.Tooltip("type_name:N", title="Exercise"),
        alt.Tooltip("when:N", title="When"),
        alt.Tooltip("value:Q", title="Mean pain", format=".1f"),
        alt.Tooltip("n:Q", title="Sessions"),
    ]
    line = (
        alt.Chart(long)
        .mark_line(color="#9aa5a8")
        .encode(
            x=alt.X("value:Q", scale=alt.Scale(domain=[0, 10]), title="Pain (0-10)"), y=y, detail="label:N"
        )
    )
    dots = (
        alt.Chart(long)
        .mark_point(size=90, filled=True)
        .encode(
            x="value:Q",
            y=y,
            color=alt.Color("type_name:N", title="Exercise", scale=type_color_scale(type_names), legend=None),
            shape=alt.Shape(
                "when:N", title=None, sort=["before", "after"], legend=alt.Legend(orient="bottom")
            ),
            tooltip=tooltip,
        )
    )
    description = "Mean pain just before and just after sessions: " + "; ".join(
        f"{name} {before:.1f} before, {after:.1f} after ({n:.0f} sessions)"
        for name, before, after, n in zip(df["type_name"], df["before"], df["after"], df["n"], strict=True)
    )
    return alt.layer(line, dots).properties(
        autosize=FIT_WIDTH,
        height=STEP * len(df),
        title="Pain just before and after sessions",
        description=description,
    )


def locations_chart(counts: pd.DataFrame, location_names: Mapping[str, str]) -> alt.Chart:
    """Horizontal bars: on how many logged days each pain location was mentioned."""
    df = counts.assign(name=counts["location"].map(lambda k: location_names.get(k, k)))
    return (
        alt.Chart(df)
        .mark_bar(color="#b56576")
        .encode(
            x=alt.X("days:Q", title="Days mentioned"),
            y=alt.Y("name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=0)),
            tooltip=[alt.Tooltip("name:N", title="Where"), alt.Tooltip("days:Q", title="Days")],
        )
        .properties(
            autosize=FIT_WIDTH,
            height=STEP * len(df),
            title="Where the pain is",
            description="Days each place was mentioned: "
            + ", ".join(
                f"{name} {days:.0f}"
                for name, days in df.sort_values("days", ascending=False)[["name", "days"]].itertuples(
                    index=False
                )
            ),
        )
    )


def peg_chart(peg: pd.DataFrame) -> AnyChart:
    """Weekly PEG-3 scores with a band of ±1 point (a meaningful change) around the first score."""
    first = float(peg["score"].iloc[0])
    band = (
        alt.Chart(pd.DataFrame({"low": [max(0.0, first - 1)], "high": [min(10.0, first + 1)]}))
        .mark_rect(opacity=0.12, color="#2f6f73")
        .encode(y=alt.Y("low:Q", scale=alt.Scale(domain=[0, 10])), y2="high:Q")
    )
    tooltip = [
        alt.Tooltip("date:T", title="Week of", format="%d %b %Y"),
        alt.Tooltip("score:Q", title="PEG score", format=".1f"),
        alt.Tooltip("pain:Q", title="Pain"),
        alt.Tooltip("enjoyment:Q", title="Enjoyment of life"),
        alt.Tooltip("activity:Q", title="General activity"),
    ]
    line = (
        alt.Chart(peg)
        .mark_line(point=True, color="#2f6f73", strokeWidth=2.5)
        .encode(
            x=alt.X(
                "date:T",
                title=None,
                axis=alt.Axis(format="%d %b %Y", labelOverlap=True, labelFlush=True, labelBound=True),
            ),
            y=alt.Y("score:Q", title="PEG score (0-10)", scale=alt.Scale(domain=[0, 10])),
            tooltip=tooltip,
        )
    )
    description = (
        f"Weekly PEG-3 score, {len(peg)} weeks: first {first:.1f}, latest {float(peg['score'].iloc[-1]):.1f} out of 10. "
        "Shaded band: the first score plus or minus 1 point."
    )
    return alt.layer(band, line).properties(
        autosize=FIT_WIDTH, height=220, title="Weekly PEG-3 score", description=description
    )
