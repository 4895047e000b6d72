"""exercise_effects: API shape, refusals with reasons, immediate effects, dose table, CLI."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from backcare import insights_text
from backcare.analysis import dose_table, effect_details, exercise_effects, immediate_effects, lag_profile
from backcare.analysis.effects import API_COLUMNS, VERDICTS
from backcare.cli import main
from backcare.models import checkin_from_input, session_from_input
from backcare.store import Store, add_sessions, save_checkins
from tests.simulated_people import Person, random_person, simulate


def person_data(seed: int = 1, **kw):
    rng = np.random.default_rng(seed)
    return simulate(Person(**kw), rng)


def test_api_shape_and_types():
    checkins, sessions = person_data(days=200)
    out = exercise_effects(checkins, sessions)
    assert list(out.columns) == API_COLUMNS
    assert sorted(out["exercise_type"]) == sorted(sessions["exercise_type"].unique())
    assert set(out["verdict"]) <= set(VERDICTS)
    estimated = out[out["verdict"] != "not enough data"]
    assert (estimated["ci_low"] <= estimated["estimate"]).all() and (
        estimated["estimate"] <= estimated["ci_high"]
    ).all()
    assert out["n_days_with"].dtype.kind == "i"


def test_accepts_plain_dates_and_unsorted_input():
    checkins, sessions = person_data(days=120)
    shuffled = checkins.sample(frac=1, random_state=0).assign(date=lambda d: d["date"].dt.date)
    a = exercise_effects(checkins, sessions)
    b = exercise_effects(shuffled, sessions.assign(date=sessions["date"].dt.date))
    pd.testing.assert_frame_equal(a, b)


def test_too_few_days_is_not_enough_data_with_nan():
    checkins, sessions = person_data(days=25)
    out = effect_details(checkins, sessions)
    assert (out["verdict"] == "not enough data").all()
    assert out[["estimate", "ci_low", "ci_high"]].isna().all().all()
    assert "at least 28" in out["reason"].iloc[0]


def test_type_done_almost_every_day_or_rarely_is_refused_with_a_reason():
    rates = {"walking": 0.97, "yoga": 0.02, "strength": 0.3}
    checkins, sessions = person_data(
        days=200, rates=rates, effects=dict.fromkeys(rates, 0.0), confounding=0.0
    )
    out = effect_details(checkins, sessions).set_index("exercise_type")
    assert out.loc["yoga", "verdict"] == "not enough data" and "at least 8" in out.loc["yoga", "reason"]
    assert out.loc["walking", "verdict"] == "not enough data"


def test_type_crammed_into_three_weeks_is_refused():
    checkins, sessions = person_data(days=150)
    burst = pd.DataFrame(
        {"date": pd.date_range(checkins["date"].min() + timedelta(days=30), periods=12, freq="D"),
         "exercise_type": "pilates_new", "duration_min": 30}
    )  # fmt: skip
    out = effect_details(checkins, pd.concat([sessions, burst])).set_index("exercise_type")
    assert out.loc["pilates_new", "verdict"] == "not enough data"
    assert "weeks" in out.loc["pilates_new", "reason"]


def test_large_planted_effect_is_found_and_sentence_is_careful():
    checkins, sessions = person_data(
        seed=4, days=300, effects={"yoga": -2.0, "walking": 0.0}, rates={"yoga": 3 / 7, "walking": 3 / 7}
    )
    row = effect_details(checkins, sessions).set_index("exercise_type").loc["yoga"]
    assert row["verdict"] == "lower pain"
    assert -2.6 < row["estimate"] < -1.4
    sentence = insights_text.effect_sentence({**row.to_dict(), "exercise_type": "yoga"}, "Yoga")
    assert sentence.startswith("On days after Yoga, your pain was") and "lower on average" in sentence
    assert "95% range" in sentence and "days without exercise" in sentence
    for verb in ("reduces", "causes", "works", "effective"):
        assert verb not in sentence + insights_text.CAVEAT.replace("not proof of cause", "")


def test_lag_profile_has_three_lags():
    checkins, sessions = person_data(days=150)
    profile = lag_profile(checkins, sessions)
    assert sorted(profile["lag"].unique()) == [0, 1, 2]


def test_immediate_effects_interval_and_minimum():
    sessions = pd.DataFrame(
        {"date": pd.to_datetime(["2026-01-01"] * 5), "exercise_type": ["yoga"] * 4 + ["pilates"],
         "duration_min": 30, "pain_before": [5, 6, 5, 4, 5], "pain_after": [3, 4, 4, 3, 5]}
    )  # fmt: skip
    out = immediate_effects(sessions).set_index("exercise_type")
    assert out.loc["yoga", "mean_change"] == pytest.approx(-1.5)
    assert out.loc["yoga", "ci_low"] < -1.5 < out.loc["yoga", "ci_high"] < 0
    assert out.loc["yoga", "n_sessions"] == 4
    assert np.isnan(out.loc["pilates", "ci_low"])


def test_dose_table_weeks():
    checkins, sessions = person_data(days=70)
    weeks = dose_table(checkins, sessions)
    assert (weeks["logged_days"] >= 4).all()
    assert weeks["minutes"].sum() <= sessions["duration_min"].sum()
    assert {"min_yoga", "min_walking"} <= set(weeks.columns)


def test_dose_table_of_the_last_weeks_is_the_full_tables_last_calendar_weeks():
    checkins, sessions = person_data(days=200)
    full = dose_table(checkins, sessions)
    recent = dose_table(checkins, sessions, weeks=8)
    last = pd.Timestamp(checkins["date"].max()).normalize()
    last_monday = last - pd.Timedelta(days=last.day_of_week)
    expected = full[full["week"] > last_monday - pd.Timedelta(weeks=8)].reset_index(drop=True)
    assert 0 < len(recent) <= 8 and len(recent) < len(full)
    pd.testing.assert_frame_equal(recent, expected[recent.columns], check_dtype=False)
    assert dose_table(checkins, sessions.iloc[:0], weeks=8)["minutes"].eq(0).all()


def test_multiplicity_note_appears_with_several_types():
    checkins, sessions = person_data(days=250)
    assert "by chance" in insights_text.multiplicity_note(effect_details(checkins, sessions))


def test_cli_insights_json(tmp_path, capsys):
    rng = np.random.default_rng(9)
    checkins, sessions = simulate(random_person(rng, days=150, start=date.today() - timedelta(days=149)), rng)
    db = tmp_path / "i.db"
    with Store(db) as store:
        save_checkins(store, [checkin_from_input(date=r.date, pain=r.pain) for r in checkins.itertuples()])
        add_sessions(
            store,
            [session_from_input(date=r.date, exercise_type=r.exercise_type, duration_min=r.duration_min)
             for r in sessions.itertuples()],
        )  # fmt: skip
    assert main(["--db", str(db), "insights", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {tuple(sorted(r)) for r in records} == {tuple(sorted(API_COLUMNS))}
    assert main(["--db", str(db), "insights"]) == 0
    text = capsys.readouterr().out
    assert "not proof of cause" in text and "walking" in text
