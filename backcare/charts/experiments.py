"""Chart for a planned experiment: mean pain per period, coloured by arm, grouped by pair."""

from __future__ import annotations

import altair as alt
import pandas as pd

from backcare.charts.colors import FIT_WIDTH, AnyChart

ARM_COLORS = {"A": "#2a9d8f", "B": "#8d8d8d"}


def experiment_chart(periods: pd.DataFrame, arm_names: dict[str, str]) -> AnyChart:
    """Mean daily pain (washout excluded) of each period with logged days, in schedule order."""
    df = periods.dropna(subset=["mean_pain"]).copy()
    df["arm_name"] = df["arm"].map(arm_names)
    df["period"] = df.apply(lambda r: f"{int(r['number'])}", axis=1)
    df["dates"] = df.apply(lambda r: f"{r['start']:%d %b} - {r['end']:%d %b}", axis=1)
    colour = alt.Color(
        "arm_name:N",
        title=None,
        scale=alt.Scale(domain=[arm_names["A"], arm_names["B"]], range=[ARM_COLORS["A"], ARM_COLORS["B"]]),
        legend=alt.Legend(orient="bottom"),
    )
    tooltip = [
        alt.Tooltip("arm_name:N", title="Period"),
        alt.Tooltip("pair:Q", title="Pair"),
        alt.Tooltip("dates:N", title="Dates"),
        alt.Tooltip("mean_pain:Q", title="Mean pain", format=".1f"),
        alt.Tooltip("days_logged:Q", title="Days compared"),
        alt.Tooltip("adherence:Q", title="Plan followed", format=".0%"),
    ]
    x = alt.X("period:O", title="Period (pairs side by side)", sort=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("mean_pain:Q", title="Mean daily pain (0-10)", scale=alt.Scale(domain=[0, 10]))
    bars = alt.Chart(df).mark_bar(width={"band": 0.7}).encode(x=x, y=y, color=colour, tooltip=tooltip)
    description = "Mean daily pain in each period: " + "; ".join(
        f"period {r['period']} ({r['arm_name']}, {r['dates']}) {r['mean_pain']:.1f}" for _, r in df.iterrows()
    )
    return bars.properties(
        autosize=FIT_WIDTH,
        height=260,
        title=["Mean pain in each period", "(settling-in days left out)"],
        description=description,
    )
