"""Chart values tested through to_dict(): marks, fields, one colour per exercise type everywhere."""

from datetime import date

import pandas as pd

from backcare import analysis, chart_export, charts, demo
from backcare.models import PAIN_LOCATIONS

TYPES = {"pilates": "Pilates", "yoga": "Yoga", "strength": "Strength training", "walking": "Walking"}
END = date(2026, 6, 30)


def history():
    h = demo.generate(120, 5, END)
    checkins = pd.DataFrame([c.__dict__ for c in h.checkins])
    checkins["date"] = pd.to_datetime(checkins["date"])
    checkins["locations"] = checkins["locations"].map(list)
    sessions = pd.DataFrame([{k: v for k, v in s.__dict__.items() if k != "movements"} for s in h.sessions])
    sessions["date"] = pd.to_datetime(sessions["date"])
    return checkins, sessions[sessions["exercise_type"].isin(TYPES)]


def layer_marks(spec):
    return [
        (layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"])
        for layer in spec["layer"]
    ]


def color_scales(spec):
    found = []

    def walk(node):
        if isinstance(node, dict):
            color = node.get("encoding", {}).get("color", {})
            if "scale" in color and "domain" in color["scale"]:
                found.append((tuple(color["scale"]["domain"]), tuple(color["scale"]["range"])))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


def test_pain_trend_layers_fields_and_band():
    checkins, sessions = history()
    start = END.replace(month=3)
    spec = charts.pain_trend(analysis.daily_pain(checkins, start, END), sessions, TYPES, 5.0).to_dict()
    assert layer_marks(spec) == ["rect", "circle", "line", "point", "tick"]
    rect = spec["layer"][0]
    assert rect["encoding"]["y"]["field"] == "low" and rect["encoding"]["y2"]["field"] == "high"
    assert spec["layer"][1]["encoding"]["y"]["field"] == "pain"
    assert spec["layer"][2]["encoding"]["y"]["field"] == "rolling"
    assert spec["layer"][3]["transform"] == [{"filter": "datum.flare"}]
    assert all("tooltip" in layer["encoding"] for layer in spec["layer"])
    band = spec["datasets"][rect["data"]["name"]][0]
    assert (band["low"], band["high"]) == (3.0, 7.0)


def test_one_colour_per_type_in_every_chart():
    checkins, sessions = history()
    start = END.replace(month=1)
    specs = [
        charts.pain_trend(analysis.daily_pain(checkins, start, END), sessions, TYPES).to_dict(),
        charts.weekly_minutes_chart(analysis.weekly_minutes(sessions, start, END), TYPES).to_dict(),
        charts.before_after_chart(analysis.before_after(sessions), TYPES).to_dict(),
    ]
    scales = {scale for spec in specs for scale in color_scales(spec)}
    assert len(scales) == 1
    domain, colours = scales.pop()
    assert dict(zip(domain, colours, strict=True))["Yoga"] == charts.TYPE_COLORS["yoga"]
    assert len(set(colours)) == len(colours)


def test_custom_types_get_distinct_stable_colours():
    keys = ["yoga", "tai_chi", "aqua"]
    assert charts.type_color("tai_chi", keys) != charts.type_color("aqua", keys)
    assert charts.type_color("tai_chi", keys) == charts.type_color("tai_chi", keys)


def test_weekly_bars_are_stacked_minutes_by_type():
    _, sessions = history()
    spec = charts.weekly_minutes_chart(
        analysis.weekly_minutes(sessions, END.replace(month=1), END), TYPES
    ).to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["y"]["field"] == "minutes" and spec["encoding"]["y"]["aggregate"] == "sum"
    assert spec["encoding"]["color"]["field"] == "type_name"


def test_calendar_and_locations():
    checkins, sessions = history()
    cal = charts.pain_calendar(analysis.calendar(checkins, sessions, END.replace(month=4), END)).to_dict()
    assert layer_marks(cal) == ["rect", "circle"]
    assert cal["layer"][0]["encoding"]["color"]["field"] == "pain"
    loc = charts.locations_chart(analysis.location_counts(checkins), PAIN_LOCATIONS).to_dict()
    assert loc["mark"]["type"] == "bar" and "Lower back" in {
        r["name"] for r in next(iter(loc["datasets"].values()))
    }


def test_export_png_and_svg_offline():
    checkins, _ = history()
    chart = charts.week_glance(checkins, END)
    png = chart_export.to_png(chart)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert width == 2 * int.from_bytes(chart_export.to_png(chart, scale=1)[16:20], "big")  # 2x by default
    svg = chart_export.to_svg(chart.to_dict())
    assert svg.lstrip().startswith("<svg") and "Your last 7 days" in svg
    assert chart_export.file_name("Pain over time", date(2026, 1, 1), END, "png") == (
        "backcare-pain-over-time-2026-01-01-to-2026-06-30.png"
    )


def test_weekly_pain_trend_has_no_session_ticks_and_says_so():
    checkins, sessions = history()
    series, resolution = analysis.pain_series(checkins, date(2025, 1, 1), END)
    spec = charts.pain_trend(series, sessions, TYPES, None, resolution).to_dict()
    assert resolution == "weekly"
    assert layer_marks(spec) == ["circle", "line", "point"]
    assert spec["title"] == "Pain over time (weekly averages)"
