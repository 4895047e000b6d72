"""Charts for the Insights page: forest plot, lag profile, immediate effect, dose view. The forest
plot, the lag profile and the dose view also come as ready specs (``forest_plot_spec``,
``lag_chart_spec``, ``dose_chart_spec``), filled into a layout built once: see ``charts/specs.py``;
a save moves their data, not their layout."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd

from backcare.charts import specs
from backcare.charts.colors import FIT_WIDTH, AnyChart, type_color_scale, type_colour
from backcare.charts.trends import with_type_names

MEANINGFUL_BAND = 1.0
ROW = 36  # px per type in the row charts (a fixed height: a "step" height cannot fit the page width)


SHOWN_DECIMALS = 1  # as the words on the page, the text alternative and the tooltips
_CHART_COLUMNS = ["exercise_type", "lag", "estimate", "ci_low", "ci_high", "n_days_with", "n_days_without"]


def chart_data(results: pd.DataFrame) -> pd.DataFrame:
    """What the forest plot and the lag chart draw from effect details or a lag profile: only the
    columns they use, estimates at the precision the page states them (one decimal). Their specs are
    cached by this frame's content, so a save that moves no estimate by that much reuses the chart."""
    kept = results[[c for c in _CHART_COLUMNS if c in results.columns]]
    return kept.round({"estimate": SHOWN_DECIMALS, "ci_low": SHOWN_DECIMALS, "ci_high": SHOWN_DECIMALS})


def _forest_parts(effects: pd.DataFrame, type_names: Mapping[str, str]) -> specs.Parts:
    """The forest plot's datasets, layout shape and text alternative."""
    df = with_type_names(effects.dropna(subset=["estimate"]).sort_values("estimate"), type_names)
    df["label"] = df["type_name"] + " (" + df["n_days_with"].astype(int).astype(str) + " days)"
    frames = {
        "effects": df,
        "band": pd.DataFrame({"low": [-MEANINGFUL_BAND], "high": [MEANINGFUL_BAND]}),
        "zero": pd.DataFrame({"x": [0.0]}),
    }
    description = _intervals(
        "Difference in next-day pain after each type vs days without exercise", df, "estimate"
    )
    return frames, (tuple(type_names.items()), len(df)), description


def _forest_layout(data: Mapping[str, Any], names: tuple[tuple[str, str], ...], rows: int) -> AnyChart:
    x = alt.X("estimate:Q", title=["Difference in next-day pain", "(points; left = lower pain)"])
    y = alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=260))
    tooltip = [
        alt.Tooltip("type_name:N", title="Exercise"),
        alt.Tooltip("estimate:Q", title="Difference", format="+.1f"),
        alt.Tooltip("ci_low:Q", title="95% range from", format="+.1f"),
        alt.Tooltip("ci_high:Q", title="95% range to", format="+.1f"),
        alt.Tooltip("n_days_with:Q", title="Days with it"),
        alt.Tooltip("n_days_without:Q", title="Days without exercise"),
    ]
    colour = alt.Color("type_name:N", scale=type_color_scale(dict(names)), legend=None)
    rules = (
        alt.Chart(data["effects"])
        .mark_rule(strokeWidth=3)
        .encode(x=alt.X("ci_low:Q"), x2="ci_high:Q", y=y, color=colour)
    )
    dots = (
        alt.Chart(data["effects"])
        .mark_point(filled=True, size=110)
        .encode(x=x, y=y, color=colour, tooltip=tooltip)
    )
    band = alt.Chart(data["band"]).mark_rect(opacity=0.10, color="#2f6f73").encode(x="low:Q", x2="high:Q")
    zero = alt.Chart(data["zero"]).mark_rule(strokeDash=[4, 3], color="#555").encode(x="x:Q")
    return alt.layer(band, zero, rules, dots).properties(
        autosize=FIT_WIDTH,
        height=ROW * max(rows, 1),
        title=["Next-day pain after each type", "vs days without exercise"],
    )


def forest_plot(effects: pd.DataFrame, type_names: Mapping[str, str]) -> AnyChart:
    """Estimate and 95% interval per type (only estimated types) with a ±1-point band and a zero line."""
    return specs.drawn(_forest_layout, _forest_parts(effects, type_names))


def forest_plot_spec(effects: pd.DataFrame, type_names: Mapping[str, str]) -> dict[str, Any]:
    """``forest_plot(...).to_dict()`` from a layout built once per set of types and number of rows
    (``specs.filled``): after a save the estimates move, the layout does not."""
    return specs.filled_from(_forest_layout, _forest_parts(effects, type_names))


def _intervals(what: str, df: pd.DataFrame, column: str) -> str:
    """Text alternative of an estimate-with-interval chart (points, negative = lower pain)."""
    rows = [
        f"{name} {value:+.1f} (95% range {low:+.1f} to {high:+.1f})"
        for name, value, low, high in zip(
            df["type_name"], df[column], df["ci_low"], df["ci_high"], strict=True
        )
    ]
    return f"{what}, in points: " + ("; ".join(rows) if rows else "no estimates yet") + "."


WHEN = {0: "Same day", 1: "Next day", 2: "2 days later"}


def _lag_parts(profile: pd.DataFrame, type_names: Mapping[str, str]) -> specs.Parts:
    """The lag chart's datasets, layout shape (the types, their order, those drawn) and text alternative."""
    df = with_type_names(profile.dropna(subset=["estimate"]), type_names)
    df["when"] = df["lag"].map(WHEN)
    order = df[df["lag"] == 1].sort_values("estimate")["type_name"].tolist()
    order += sorted(set(df["type_name"]) - set(order))
    description = _intervals(
        "Difference in pain on the same day, the next day and two days later",
        df.assign(type_name=df["type_name"] + ", " + df["when"].str.lower()),
        "estimate",
    )
    shape = (tuple(type_names.items()), tuple(order), tuple(sorted(set(df["type_name"]))))
    return {"lags": df, "zero": pd.DataFrame({"y": [0.0]})}, shape, description


def _lag_layout(
    data: Mapping[str, Any],
    names: tuple[tuple[str, str], ...],
    order: tuple[str, ...],
    shown: tuple[str, ...],
) -> AnyChart:
    x = alt.X("when:N", sort=list(WHEN.values()), title=None, axis=alt.Axis(labelAngle=0))
    colour = type_colour("Exercise", dict(names), shown)
    offset = alt.XOffset("type_name:N", sort=list(order))
    tooltip = [
        alt.Tooltip("type_name:N", title="Exercise"),
        alt.Tooltip("when:N", title="When"),
        alt.Tooltip("estimate:Q", title="Difference", format="+.1f"),
        alt.Tooltip("ci_low:Q", title="95% from", format="+.1f"),
        alt.Tooltip("ci_high:Q", title="95% to", format="+.1f"),
    ]
    bars = (
        alt.Chart(data["lags"])
        .mark_rule(strokeWidth=2)
        .encode(x=x, xOffset=offset, y="ci_low:Q", y2="ci_high:Q", color=colour)
    )
    dots = (
        alt.Chart(data["lags"])
        .mark_point(filled=True, size=60)
        .encode(
            x=x, xOffset=offset, y=alt.Y("estimate:Q", title="Difference in pain (points)"), color=colour,
            tooltip=tooltip,
        )
    )  # fmt: skip
    zero = alt.Chart(data["zero"]).mark_rule(strokeDash=[4, 3], color="#555").encode(y="y:Q")
    return alt.layer(zero, bars, dots).properties(
        autosize=FIT_WIDTH, height=240, title=["How the difference looks", "over the days after"]
    )


def lag_chart(profile: pd.DataFrame, type_names: Mapping[str, str]) -> AnyChart:
    """Estimate with interval for the same day, the next day and two days later, per type."""
    return specs.drawn(_lag_layout, _lag_parts(profile, type_names))


def lag_chart_spec(profile: pd.DataFrame, type_names: Mapping[str, str]) -> dict[str, Any]:
    """``lag_chart(...).to_dict()`` from a layout built once per set of types and their order
    (``specs.filled``)."""
    return specs.filled_from(_lag_layout, _lag_parts(profile, type_names))


def immediate_chart(immediate: pd.DataFrame, type_names: Mapping[str, str]) -> AnyChart:
    """Mean change in pain from just before to just after sessions, per type, with 95% intervals."""
    df = with_type_names(immediate.sort_values("mean_change"), type_names)
    df["label"] = df.apply(lambda r: f"{r['type_name']} ({int(r['n_sessions'])} sessions)", axis=1)
    y = alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=260))
    colour = alt.Color("type_name:N", scale=type_color_scale(type_names), legend=None)
    tooltip = [
        alt.Tooltip("type_name:N", title="Exercise"),
        alt.Tooltip("mean_change:Q", title="Mean change", format="+.2f"),
        alt.Tooltip("ci_low:Q", title="95% from", format="+.2f"),
        alt.Tooltip("ci_high:Q", title="95% to", format="+.2f"),
        alt.Tooltip("n_sessions:Q", title="Sessions"),
    ]
    rules = alt.Chart(df).mark_rule(strokeWidth=3).encode(x="ci_low:Q", x2="ci_high:Q", y=y, color=colour)
    dots = (
        alt.Chart(df)
        .mark_point(filled=True, size=100)
        .encode(
            x=alt.X("mean_change:Q", title=["Pain after minus before", "(points)"]),  # two lines fit a phone
            y=y,
            color=colour,
            tooltip=tooltip,
        )
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(strokeDash=[4, 3], color="#555").encode(x="x:Q")
    return alt.layer(zero, rules, dots).properties(
        autosize=FIT_WIDTH,
        height=ROW * max(len(df), 1),
        title="Change in pain, before to after",
        description=_intervals(
            "Mean change in pain from just before to just after sessions", df, "mean_change"
        ),
    )


DOSE_COLUMNS = ["week", "mean_pain", "logged_days", "minutes"]  # what the dose chart draws


def dose_chart(weeks: pd.DataFrame) -> AnyChart:
    """Weekly exercise minutes against the week's mean pain, with a straight-line summary (only the
    ``DOSE_COLUMNS`` of ``weeks`` go into the chart: the per-type minutes are not drawn)."""
    return specs.drawn(_dose_layout, _dose_parts(weeks))


def dose_chart_spec(weeks: pd.DataFrame) -> dict[str, Any]:
    """``dose_chart(weeks).to_dict()``, made from a layout built once (``specs.filled``): the chart is
    redrawn after every check-in (this week's mean pain moves), its layout never changes."""
    return specs.filled_from(_dose_layout, _dose_parts(weeks))


def _dose_parts(weeks: pd.DataFrame) -> specs.Parts:
    drawn = weeks[DOSE_COLUMNS]
    description = f"Weekly exercise minutes against that week's mean pain, {len(drawn)} weeks, with a straight-line summary."
    return {"weeks": drawn}, (), description


def _dose_layout(data: Mapping[str, Any]) -> AnyChart:
    base = alt.Chart(data["weeks"]).encode(
        x=alt.X("minutes:Q", title="Exercise minutes that week"),
        y=alt.Y("mean_pain:Q", title="Mean pain that week", scale=alt.Scale(domain=[0, 10])),
    )
    dots = base.mark_circle(size=45, opacity=0.6, color="#2f6f73").encode(
        tooltip=[
            alt.Tooltip("week:T", title="Week of", format="%d %b %Y"),
            alt.Tooltip("minutes:Q", title="Minutes"),
            alt.Tooltip("mean_pain:Q", title="Mean pain", format=".1f"),
            alt.Tooltip("logged_days:Q", title="Days logged"),
        ]
    )
    line = base.transform_regression("minutes", "mean_pain").mark_line(color="#b56576", strokeDash=[6, 3])
    return alt.layer(dots, line).properties(
        autosize=FIT_WIDTH, height=260, title="Weekly minutes and weekly pain"
    )
