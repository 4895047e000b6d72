"""Legends list only the exercise types a chart draws (the 390/1280 px screenshots showed Running,
Rowing and Other in legends of charts with no such marks), while colours stay the same everywhere."""

from datetime import date

import pandas as pd

from backcare import analysis, charts
from backcare.catalogue import BUILTIN_TYPES

TYPES = {t.key: t.name for t in BUILTIN_TYPES}
END = date(2026, 6, 30)


def legend_values(spec: dict) -> list[list[str]]:
    found: list[list[str]] = []

    def walk(node):
        if isinstance(node, dict):
            legend = node.get("encoding", {}).get("color", {}).get("legend")
            if isinstance(legend, dict):
                found.append(legend.get("values"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


def sessions_of(*types: str) -> pd.DataFrame:
    days = pd.date_range(end=END, periods=12)
    return pd.DataFrame(
        {"date": days, "exercise_type": [types[i % len(types)] for i in range(12)], "duration_min": 30}
    )


def test_pain_over_time_and_weekly_minutes_legends_name_only_the_types_drawn():
    sessions = sessions_of("walking", "yoga")
    checkins = pd.DataFrame({"date": sessions["date"], "pain": 4, "flare": False})
    trend = charts.pain_trend(
        analysis.daily_pain(checkins, END.replace(month=6, day=1), END), sessions, TYPES
    )
    assert legend_values(trend.to_dict()) == [["Yoga", "Walking"]]  # the colour scale's order
    start = END.replace(month=6, day=1)
    weekly = charts.weekly_minutes_chart(analysis.weekly_minutes(sessions, start, END), TYPES)
    assert legend_values(weekly.to_dict()) == [["Yoga", "Walking"]]
    # the colours still come from one scale over every type
    domain = weekly.to_dict()["encoding"]["color"]["scale"]["domain"]
    assert domain == list(TYPES.values())


def test_the_lag_chart_legend_names_only_types_with_estimates():
    profile = pd.DataFrame(
        {"exercise_type": ["pilates", "pilates", "cycling", "cycling"], "lag": [1, 2, 1, 2],
         "estimate": [-0.5, -0.2, 0.1, 0.3], "ci_low": [-1.0, -0.8, -0.4, -0.3], "ci_high": [0.0, 0.4, 0.6, 0.9]}
    )  # fmt: skip
    legends = legend_values(
        charts.lag_chart(profile, TYPES).to_dict()
    )  # one per layer, merged in the browser
    assert legends and all(values == ["Pilates", "Cycling"] for values in legends)
