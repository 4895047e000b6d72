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


def every_chart():
    checkins, sessions = history()
    start = END.replace(month=3)
    daily = analysis.daily_pain(checkins, start, END)
    peg = pd.DataFrame(
        {
            "date": pd.to_datetime([END, END]),
            "score": [5.0, 4.0],
            "pain": [5, 4],
            "enjoyment": [5, 4],
            "activity": [5, 4],
        }
    )
    return {
        "trend": charts.pain_trend(daily, sessions, TYPES, 4.0),
        "weekly": charts.weekly_minutes_chart(analysis.weekly_minutes(sessions, start, END), TYPES),
        "calendar": charts.pain_calendar(analysis.calendar(checkins, sessions, END.replace(month=4), END)),
        "before_after": charts.before_after_chart(analysis.before_after(sessions), TYPES),
        "where": charts.locations_chart(analysis.location_counts(checkins), PAIN_LOCATIONS),
        "peg": charts.peg_chart(peg),
        "glance": charts.week_glance(checkins, END),
    }


def test_every_chart_has_a_text_description_fits_its_width_and_a_pixel_height():
    # Browsers: Streamlit's default "fit" squeezed the plot once legends were added, a step height
    # was dropped with a console warning, and charts had no accessible description.
    for name, chart in every_chart().items():
        spec = chart.to_dict()
        assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}, name
        assert isinstance(spec["height"], int) and spec["height"] >= 100, name
        assert len(spec["description"]) > 20 and "nan" not in spec["description"], name


def test_calendar_week_axis_uses_text_labels_not_a_date_format_on_an_ordinal_axis():
    spec = every_chart()["calendar"].to_dict()
    x = spec["layer"][0]["encoding"]["x"] if "encoding" in spec["layer"][0] else spec["encoding"]["x"]
    assert x["type"] == "ordinal" and "format" not in x.get("axis", {})
    assert x["field"] == "week_label"


def test_session_ticks_are_drawn_in_data_coordinates_inside_the_plot():
    spec = every_chart()["trend"].to_dict()
    ticks = [layer for layer in spec["layer"] if layer["mark"]["type"] == "tick"]
    assert len(ticks) == 1
    y = ticks[0]["encoding"]["y"]
    assert "datum" in y and y["datum"] < 0  # below pain 0, inside the y scale's domain
    assert y["scale"]["domain"][0] < y["datum"]


def test_every_chart_exports_to_png_as_the_download_does():
    # The calendar's PNG download failed silently ("Vega-Lite to PNG conversion failed").
    for name, chart in every_chart().items():
        png = chart_export.to_png(chart.to_dict())
        assert png[:8] == b"\x89PNG\r\n\x1a\n", name
