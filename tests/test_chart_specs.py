"""Charts handed to Streamlit (ui.chart_specs): the spec is exactly Altair's validated to_dict() of
the same chart, and the Arrow bytes are exactly what Streamlit makes of its records."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from altair.utils.data import MaxRowsError, to_values
from streamlit import dataframe_util

from backcare import analysis, charts, demo
from backcare.charts import specs
from backcare.models import PAIN_LOCATIONS
from backcare.store import (
    Store,
    analysis_checkins,
    analysis_sessions,
    checkins_frame,
    peg_frame,
    save_peg,
    sessions_frame,
    type_names,
)
from backcare.ui import chart_specs
from backcare.ui.widgets import content_digest

END = date(2026, 6, 30)


def page_charts(path: Path, days: int, first: date) -> list[tuple[str, Any]]:
    """Every chart the Dashboard (from ``first``) and Insights draw, built from a demo diary as the pages build them."""
    with Store(path) as store:
        demo.write_demo(store, days, 3, END)
        for weeks_ago, score in ((3, 7), (2, 6), (0, 4)):
            save_peg(store, END - timedelta(weeks=weeks_ago), score, score - 1, score + 1)
        checkins, sessions, weekly = checkins_frame(store), sessions_frame(store), peg_frame(store)
        narrow = analysis_checkins(store), analysis_sessions(store)
        types = type_names(store)
    start = max(first, END - timedelta(days=days - 1))
    series, resolution = analysis.pain_series(checkins, start, END)
    head = analysis.headline(checkins, sessions, start, END)
    profile = analysis.lag_profile(*narrow)
    details = profile[profile["lag"] == 1].drop(columns="lag").reset_index(drop=True)
    in_sessions = analysis.in_range(sessions, start, END)
    return [
        (
            "trend",
            charts.pain_trend(
                series, in_sessions, types, head.change and head.change.baseline_mean, resolution
            ),
        ),
        ("weekly minutes", charts.weekly_minutes_chart(analysis.weekly_minutes(sessions, start, END), types)),
        (
            "calendar",
            charts.pain_calendar(analysis.calendar(checkins, sessions, END - timedelta(weeks=26), END)),
        ),
        ("before/after", charts.before_after_chart(analysis.before_after(sessions, start, END), types)),
        ("locations", charts.locations_chart(analysis.location_counts(checkins, start, END), PAIN_LOCATIONS)),
        ("peg", charts.peg_chart(weekly)),
        ("forest", charts.forest_plot(details[details["verdict"] != "not enough data"], types)),
        (
            "immediate",
            charts.immediate_chart(analysis.immediate_effects(narrow[1]).dropna(subset=["ci_low"]), types),
        ),
        ("lags", charts.lag_chart(profile, types)),
        ("dose", charts.dose_chart(analysis.dose_table(*narrow).tail(104))),
    ]


@pytest.mark.parametrize(("days", "first"), [(120, END - timedelta(days=90)), (1500, date(2000, 1, 1))])
def test_sent_spec_is_altairs_validated_spec(tmp_path, days, first):
    """Skipping validation and Altair's data step changes nothing; the bytes are Streamlit's own."""
    for name, chart in page_charts(tmp_path / "diary.db", days, first):
        prepared = chart_specs.prepare(chart)
        assert prepared.spec == chart.to_dict(), name  # to_dict() validates against the schema
        datasets = prepared.spec["datasets"]
        assert datasets and all(len(rows) for rows in datasets.values()), name
        assert {k: v for k, v in prepared.sent.items() if k != "datasets"} == {
            k: v for k, v in prepared.spec.items() if k != "datasets"
        }, name
        assert prepared.sent["datasets"] == {
            key: dataframe_util.convert_anything_to_arrow_bytes(rows) for key, rows in datasets.items()
        }, name


def awkward_frame() -> pd.DataFrame:
    """One column of every kind a chart's data can hold, each with a missing or odd value."""
    return pd.DataFrame(
        {
            "day": pd.to_datetime(["2026-01-02", None, "2026-03-04 05:06:07"], format="ISO8601"),
            "utc": pd.to_datetime(["2026-01-02T10:00Z", "2026-01-03T11:00Z", None]),
            "float": [1.5, np.nan, np.inf],
            "float32": np.array([0.1, -np.inf, 2.0], dtype="float32"),
            "int": [1, 2, 3],
            "uint": np.array([1, 2, 3], dtype="uint8"),
            "bool": [True, False, True],
            "Int64": pd.array([1, None, 3], dtype="Int64"),
            "Float64": pd.array([1.25, None, 3.0], dtype="Float64"),
            "boolean": pd.array([True, None, False], dtype="boolean"),
            "str": pd.array(["a", None, "c"], dtype="str"),
            "string": pd.array(["a", None, "c"], dtype="string"),
            "category": pd.Categorical(["x", None, "y"]),
            "object": [np.array([1, 2]), None, {"k": np.int64(4)}],
            "mixed": [np.int64(7), np.float64(0.5), np.nan],
        },
        index=[10, 11, 12],
    )


def test_records_are_altairs_values_for_every_column_kind():
    frame = awkward_frame()
    assert specs.records(frame) == to_values(frame)
    assert specs.records(frame.iloc[:0]) == to_values(frame.iloc[:0])
    single = frame[["float", "int"]]
    assert [type(v) for row in specs.records(single)["values"] for v in row.values() if v is not None] == [
        type(v) for row in to_values(single)["values"] for v in row.values() if v is not None
    ]


def test_what_altair_refuses_is_still_refused():
    with pytest.raises(ValueError, match="not supported by Altair"):
        specs.records(pd.DataFrame({"wait": pd.to_timedelta([1, 2], unit="D")}))
    with pytest.raises(ValueError, match="column name"):
        specs.records(pd.DataFrame({1: [1, 2]}))
    with pytest.raises(MaxRowsError):
        specs.records(pd.DataFrame({"x": range(5001)}))


def test_pain_chart_and_calendar_from_cached_layouts_are_altairs(tmp_path):
    """The Dashboard's pain chart and calendar, made from a layout cached per shape, equal Altair's
    validated to_dict() of the same chart for every shape (daily or weekly, band or not, session
    ticks or not, a custom type in the legend); a diary of the same shape with other values gets
    its own values and description, never the cached ones."""
    with Store(tmp_path / "diary.db") as store:
        demo.write_demo(store, 500, 3, END)
        checkins, sessions, types = checkins_frame(store), sessions_frame(store), type_names(store)
    types = {**types, "tai_chi": "Tai chi"}
    sessions = sessions.copy()
    sessions.loc[sessions.index[-3:], "exercise_type"] = "tai_chi"  # a custom type, drawn last
    changed = checkins.copy()
    changed.loc[changed.index[-1], "pain"] = 10 - int(changed["pain"].iloc[-1])  # one day differs
    seen = []
    for start in (END - timedelta(days=60), END - timedelta(days=450)):  # daily, then weekly
        for baseline in (None, 4.5):
            for drawn in (sessions, sessions.iloc[:0]):
                for diary in (checkins, changed):
                    series, resolution = analysis.pain_series(diary, start, END)
                    shown = analysis.in_range(drawn, start, END)
                    spec = charts.pain_trend_spec(series, shown, types, baseline, resolution)
                    assert spec == charts.pain_trend(series, shown, types, baseline, resolution).to_dict()
                    seen.append(spec)
        for diary in (checkins, changed):
            days = analysis.calendar(diary, sessions, max(start, END - timedelta(weeks=26)), END)
            spec = charts.pain_calendar_spec(days)
            assert spec == charts.pain_calendar(days).to_dict()
            seen.append(spec)
    # the same shape with one value changed is another spec (not the cached one again)
    assert all(a != b for a, b in zip(seen[::2], seen[1::2], strict=True))
    assert "Tai chi" in seen[0]["layer"][-1]["encoding"]["color"]["legend"]["values"]  # the ticks' legend


def test_dose_chart_from_its_cached_layout_is_altairs(tmp_path):
    """Insights' dose chart, made from a layout built once, equals Altair's validated to_dict() of
    the same chart; another week's pain gives its own data and description, never the cached ones;
    only the drawn columns go into the chart."""
    with Store(tmp_path / "diary.db") as store:
        demo.write_demo(store, 800, 3, END)
        narrow = analysis_checkins(store), analysis_sessions(store)
    weeks = analysis.dose_table(*narrow, weeks=104)
    changed = weeks.copy()
    changed.loc[changed.index[-1], "mean_pain"] = 10 - changed["mean_pain"].iloc[-1]
    shorter = weeks.iloc[:-1]
    specs_made = []
    for table in (weeks, changed, shorter):
        spec = charts.dose_chart_spec(table)
        assert spec == charts.dose_chart(table).to_dict()
        specs_made.append(spec)
    assert specs_made[0] != specs_made[1] and specs_made[0]["datasets"] != specs_made[1]["datasets"]
    assert f"{len(weeks)} weeks" in specs_made[0]["description"]
    assert f"{len(weeks) - 1} weeks" in specs_made[2]["description"]
    (rows,) = specs_made[0]["datasets"].values()
    assert set(rows[0]) == {"week", "mean_pain", "logged_days", "minutes"}  # not the per-type minutes
    assert any(name.startswith("min_") for name in weeks.columns)


def test_forest_and_lag_charts_from_cached_layouts_are_altairs(tmp_path):
    """Insights' forest plot and lag chart, made from layouts built once, equal Altair's validated
    to_dict() of the same charts; moved estimates give their own data and description, never the
    cached ones, and another set of types or another order gives its own layout."""
    with Store(tmp_path / "diary.db") as store:
        demo.write_demo(store, 400, 3, END)
        narrow = analysis_checkins(store), analysis_sessions(store)
        types = type_names(store)
    profile = charts.chart_data(analysis.lag_profile(*narrow))
    details = profile[(profile["lag"] == 1) & profile["estimate"].notna()].drop(columns="lag")
    assert len(details) >= 3
    moved = profile.copy()
    first = moved.index[moved["estimate"].notna() & (moved["lag"] == 1)][0]
    moved.loc[first, ["estimate", "ci_low", "ci_high"]] += 2.5  # now the highest: another order
    renamed = {**types, details["exercise_type"].iloc[0]: "Renamed type"}
    made = []
    for chosen, names in ((profile, types), (moved, types), (profile, renamed), (profile, types)):
        chosen_details = chosen[chosen["lag"] == 1].drop(columns="lag")
        forest = charts.forest_plot_spec(chosen_details, names)
        lags = charts.lag_chart_spec(chosen, names)
        assert forest == charts.forest_plot(chosen_details, names).to_dict()
        assert lags == charts.lag_chart(chosen, names).to_dict()
        made.append((forest, lags))
    assert made[0] == made[3]  # the same data again: the same spec from the cached layouts
    for changed in made[1:3]:
        assert changed[0]["datasets"] != made[0][0]["datasets"] and changed[1] != made[0][1]
    assert made[1][0]["description"] != made[0][0]["description"]
    assert "Renamed type" in str(made[2][0]["datasets"]) and "Renamed type" in str(made[2][1])


def test_a_spec_made_ready_is_the_spec_itself(tmp_path):
    """prepare() takes a spec already made (a dict) as it is, and turns its datasets into Arrow."""
    with Store(tmp_path / "diary.db") as store:
        demo.write_demo(store, 40, 3, END)
        checkins = checkins_frame(store)
    spec = charts.pain_calendar_spec(
        analysis.calendar(checkins, checkins.iloc[:0], END - timedelta(days=30), END)
    )
    prepared = chart_specs.prepare(spec)
    assert prepared.spec is spec
    assert prepared.sent["datasets"] == {
        key: dataframe_util.convert_anything_to_arrow_bytes(rows) for key, rows in spec["datasets"].items()
    }


def test_a_charts_cache_key_follows_its_data_not_the_frame_object():
    """The digest that keys a chart's spec: the same values in another frame give the same key (the
    chart survives a save that moved nothing it draws); any changed value, missing value or type
    name gives another."""
    from backcare.ui.widgets import content_digest

    frame = pd.DataFrame({"exercise_type": ["yoga", "walking"], "estimate": [-0.4, np.nan], "n": [12, 30]})
    names = {"yoga": "Yoga", "walking": "Walking"}
    key = content_digest((frame, names))
    assert content_digest((frame.copy(deep=True), dict(names))) == key
    changed = frame.copy()
    changed.loc[0, "estimate"] = -0.5
    filled = frame.fillna({"estimate": 0.0})
    assert len({key, content_digest((changed, names)), content_digest((filled, names))}) == 3
    assert content_digest((frame, {**names, "yoga": "Hatha yoga"})) != key
    assert content_digest(None) is None


def test_a_dataset_drawn_again_is_converted_once_and_a_changed_one_anew():
    """Datasets named by their content (Altair's "data-<hash>") are turned into Arrow once: the
    same values in a new chart get the very same bytes; other values get their own."""
    zero = {"values": [{"x": 0.0}]}
    spec = {"mark": "rule", "data": {"name": specs.dataset_name(zero["values"])}}
    first = chart_specs.prepare({**spec, "datasets": {spec["data"]["name"]: zero["values"]}})
    again = chart_specs.prepare({**spec, "datasets": {spec["data"]["name"]: [{"x": 0.0}]}})
    (name,) = first.sent["datasets"]
    assert again.sent["datasets"][name] is first.sent["datasets"][name]
    other = [{"x": 1.0}]
    moved = chart_specs.prepare({"mark": "rule", "datasets": {specs.dataset_name(other): other}})
    (bytes_moved,) = moved.sent["datasets"].values()
    assert (
        bytes_moved == dataframe_util.convert_anything_to_arrow_bytes(other) != first.sent["datasets"][name]
    )


def test_a_chart_made_ready_is_kept_by_its_key_and_a_new_key_makes_it_again():
    """``prepared``: the chart is built once per key (the page's name, dates and a digest of its data),
    and a key it has not seen (changed data) builds it again."""
    built: list[int] = []

    def build(value: float) -> dict:
        built.append(1)
        values = [{"x": value}]
        return {"mark": "rule", "data": {"name": specs.dataset_name(values)}, "datasets": {specs.dataset_name(values): values}}  # fmt: skip

    data = (pd.DataFrame({"x": [0.5]}),)
    first = chart_specs.prepared(("test chart", content_digest(data)), lambda: build(0.5))
    again = chart_specs.prepared(
        ("test chart", content_digest((pd.DataFrame({"x": [0.5]}),))), lambda: build(0.5)
    )
    assert again is first and len(built) == 1
    moved = chart_specs.prepared(
        ("test chart", content_digest((pd.DataFrame({"x": [0.75]}),))), lambda: build(0.75)
    )
    assert moved is not first and len(built) == 2 and moved.spec["datasets"] != first.spec["datasets"]
