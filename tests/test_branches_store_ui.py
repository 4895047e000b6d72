"""Refusals and empty cases of the store, diary, trend chart, CLI and chart specs that the other
tests never reach: each asserts what the person sees or what is kept, not only that a line ran."""

from __future__ import annotations

from datetime import date
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pytest
from altair.utils.data import to_values

from backcare import auth, charts
from backcare.analysis.diary import build_diary
from backcare.charts import specs
from backcare.errors import StoreError
from backcare.records import ExperimentPlan
from backcare.reports.gather import report_inputs
from backcare.store import Store
from backcare.store.experiments import running_experiment, set_experiment_status, start_experiment
from backcare.ui import chart_specs
from tests.cli_helpers import cli, one_line


def test_unknown_experiment_status_is_refused_and_the_experiment_keeps_running(store: Store) -> None:
    number = start_experiment(store, ExperimentPlan("yoga", date(2026, 1, 5), seed=7))
    with pytest.raises(ValueError, match="unknown experiment status 'finished'"):
        set_experiment_status(store, number, "finished")
    running = running_experiment(store)
    assert running is not None and running["id"] == number and running["status"] == "active"


def test_status_of_a_removed_experiment_names_it_and_changes_nothing(store: Store) -> None:
    number = start_experiment(store, ExperimentPlan("yoga", date(2026, 1, 5), seed=7))
    with pytest.raises(StoreError, match=rf"Experiment #{number + 1} does not exist"):
        set_experiment_status(store, number + 1, "stopped", "gone")
    running = running_experiment(store)
    assert running is not None and running["status"] == "active" and running["status_reason"] is None


def test_diary_of_only_unreadable_checkins_is_empty() -> None:
    """Check-ins exist but none has a readable day and pain: no day is invented."""
    checkins = pd.DataFrame({"date": ["not a day", "2026-02-30", "2026-03-01"], "pain": [4, 5, None]})
    sessions = pd.DataFrame({"date": ["2026-03-01"], "exercise_type": ["yoga"]})
    diary = build_diary(checkins, sessions)
    assert len(diary.days) == 0 and diary.pain.shape == (0,) and diary.done.shape == (0, 1)
    assert diary.types == ["yoga"]


def test_diary_without_sessions_keeps_pain_and_baseline_equal() -> None:
    """No exercise types: every day's baseline is its own mean pain, nothing is marked done or timed."""
    checkins = pd.DataFrame(
        {
            "date": ["2026-03-01", "2026-03-01", "2026-03-03"],
            "pain": [4, 6, 3],
            "time": ["08:00", "20:00", None],
        }
    )
    diary = build_diary(checkins, pd.DataFrame())
    assert list(diary.days.strftime("%Y-%m-%d")) == ["2026-03-01", "2026-03-02", "2026-03-03"]
    np.testing.assert_array_equal(diary.pain, [5.0, np.nan, 3.0])
    np.testing.assert_array_equal(diary.baseline, diary.pain)
    assert diary.types == [] and diary.done.shape == (3, 0) and not diary.timed.any()


def test_empty_trend_chart_says_nothing_was_logged() -> None:
    daily = pd.DataFrame({"date": pd.to_datetime([]), "pain": pd.Series([], dtype=float)})
    sessions = pd.DataFrame({"date": [], "exercise_type": [], "duration_min": []})
    spec = charts.pain_trend(daily, sessions, {}).to_dict()
    assert spec["description"] == "Pain over time: nothing logged in this range."


def test_set_password_typed_twice_differently_is_refused_and_nothing_saved(
    tmp_path, capsys, monkeypatch
) -> None:
    """In a terminal, two different typings of the new password change nothing."""
    db = tmp_path / "d.db"
    typed = iter(["first secret phrase", "second secret phrase"])
    monkeypatch.delenv("BACKCARE_NEW_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    code, out, err = cli(capsys, db, "set-password")
    assert code == 2 and one_line(err).endswith("The two passwords differ; nothing was changed.")
    assert auth.load_record(tmp_path / "backcare-auth.json") is None and "Password set" not in out


def test_chart_without_inline_data_sends_no_datasets() -> None:
    """A chart whose data is a URL has no datasets; the sent spec gets no empty 'datasets' key."""
    chart = alt.Chart(alt.UrlData("https://example.org/pain.json")).mark_point().encode(x="day:T", y="pain:Q")
    prepared = chart_specs.prepare(chart)
    assert "datasets" not in prepared.sent and "datasets" not in prepared.spec
    assert prepared.sent == prepared.spec == chart.to_dict()


class _Outline:
    """A shape as geopandas and shapely hand it to Altair: an object with ``__geo_interface__``."""

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}


def test_geojson_dataset_is_sent_as_it_is() -> None:
    """Only lists of records become Arrow bytes; a GeoJSON dataset stays exactly as Altair made it."""
    chart = alt.Chart(_Outline()).mark_geoshape()
    prepared = chart_specs.prepare(chart)
    assert prepared.spec == chart.to_dict()
    ((key, feature),) = prepared.spec["datasets"].items()
    assert feature["type"] == "Feature" and feature["geometry"] == _Outline().__geo_interface__
    assert prepared.sent["datasets"] == {key: feature}


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame([[1, 2.5], [3, 4.5]]),  # numbered columns (RangeIndex)
        pd.DataFrame({"pain": [1, 2]}, index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)])),
        pd.DataFrame({"week": pd.period_range("2026-01", periods=2, freq="M"), "pain": [3.0, 4.0]}),
        pd.DataFrame({"z": np.array([1 + 2j, 3 - 1j])}),
    ],
    ids=["numbered columns", "multi-index rows", "period column", "complex column"],
)
def test_unusual_frames_get_exactly_altairs_own_values_or_refusal(frame: pd.DataFrame) -> None:
    try:
        expected = to_values(frame)
    except Exception as exc:  # whatever Altair refuses is refused the same way
        with pytest.raises(type(exc)):
            specs.records(frame)
    else:
        assert specs.records(frame) == expected


def test_numpy_values_in_an_object_column_become_plain_python_values() -> None:
    frame = pd.DataFrame(
        {"when": pd.Series([np.datetime64("2026-03-01T08:30"), np.datetime64("2026-03-02T09:00")], dtype=object),
         "count": pd.Series([np.int64(7), np.float32(0.5)], dtype=object)}
    )  # fmt: skip
    values = specs.records(frame)["values"]
    assert values == to_values(frame)["values"]
    assert values[0]["when"] == pd.Timestamp("2026-03-01 08:30")
    assert type(values[0]["count"]) is int and type(values[1]["count"]) is float


def test_missing_value_in_an_object_column_of_numpy_dates_is_null() -> None:
    """A gap is sent as null (Altair itself leaves NaT here, which is not a JSON value)."""
    frame = pd.DataFrame({"when": pd.Series([np.datetime64("2026-03-01T08:30"), None], dtype=object)})
    assert specs.records(frame)["values"] == [
        {"when": pd.Timestamp("2026-03-01 08:30")},
        {"when": None},
    ]


def test_report_lists_finished_experiments_only_not_the_running_one(store: Store) -> None:
    """A report shows results of stopped or completed experiments; the one still running has none yet."""
    first = start_experiment(store, ExperimentPlan("yoga", date(2026, 1, 5), seed=7))
    set_experiment_status(store, first, "stopped", "too busy")
    start_experiment(store, ExperimentPlan("walking", date(2026, 3, 2), seed=8))
    inputs = report_inputs(store, date(2026, 4, 1))
    assert [(plan.exercise_type, plan.start, status) for plan, _, status in inputs.experiments] == [
        ("yoga", date(2026, 1, 5), "stopped")
    ]
