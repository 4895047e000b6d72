"""Trend summaries: meaningful-change bands, headline figures, frames for charts."""

from datetime import date, timedelta

import pandas as pd
import pytest

from backcare import analysis


def frame(days: list[tuple[str, int]], **extra) -> pd.DataFrame:
    df = pd.DataFrame({"date": pd.to_datetime([d for d, _ in days]), "pain": [p for _, p in days]})
    df["flare"] = False
    df["locations"] = [["lower_back"]] * len(df)
    for k, v in extra.items():
        df[k] = v
    return df


def series(start: date, values: list[int]) -> pd.DataFrame:
    return frame([((start + timedelta(days=i)).isoformat(), v) for i, v in enumerate(values)])


@pytest.mark.parametrize(
    ("pct", "band"),
    [(0, "no meaningful change"), (-9.9, "no meaningful change"), (10, "minimal"), (-29.9, "minimal"),
     (30, "moderate"), (-49, "moderate"), (50, "substantial"), (-80, "substantial")],
)  # fmt: skip
def test_change_bands(pct, band):
    assert analysis.change_category(pct) == band


def test_pain_change_compares_first_and_last_two_weeks():
    start = date(2026, 1, 1)
    df = series(start, [6] * 14 + [5] * 14 + [3] * 14)
    change = analysis.pain_change(df, start, start + timedelta(days=41))
    assert (change.baseline_mean, change.latest_mean, change.absolute) == (6, 3, -3)
    assert change.percent == pytest.approx(-50)
    assert change.category == "substantial" and change.direction == "less pain"
    assert "6.0" in change.sentence() and "-50%" in change.sentence()


def test_pain_change_needs_enough_days():
    start = date(2026, 1, 1)
    assert analysis.pain_change(series(start, [5] * 20), start, start + timedelta(days=19)) is None
    sparse = series(start, [5, 5, 5] + [4] * 0).iloc[:3]
    assert analysis.pain_change(sparse, start, start + timedelta(days=40)) is None


def test_headline_week_figures():
    end = date(2026, 3, 31)
    checkins = series(end - timedelta(days=13), [6] * 7 + [4] * 7)
    sessions = pd.DataFrame(
        {"date": pd.to_datetime(["2026-03-30", "2026-03-28", "2026-03-20"]), "exercise_type": ["yoga"] * 3,
         "duration_min": [30, 20, 60]}
    )  # fmt: skip
    head = analysis.headline(checkins, sessions, end - timedelta(days=27), end)
    assert (head.last7_mean, head.prev7_mean) == (4, 6)
    assert (head.sessions_this_week, head.minutes_this_week) == (2, 50)
    assert head.days_logged == 14 and head.logged_percent == pytest.approx(50)


def test_daily_rolling_mean_needs_three_days():
    df = series(date(2026, 1, 1), [2, 4, 6, 8])
    daily = analysis.daily_pain(df, date(2026, 1, 1), date(2026, 1, 4))
    assert daily["rolling"].isna().tolist() == [True, True, False, False]
    assert daily["rolling"].iloc[2] == pytest.approx(4)


def test_weekly_minutes_groups_by_monday_week_and_type():
    sessions = pd.DataFrame(
        {"date": pd.to_datetime(["2026-03-02", "2026-03-08", "2026-03-09", "2026-03-03"]),
         "exercise_type": ["yoga", "yoga", "yoga", "pilates"], "duration_min": [30, 20, 45, 50]}
    )  # fmt: skip
    weekly = analysis.weekly_minutes(sessions, date(2026, 3, 1), date(2026, 3, 31))
    rows = {(r.week.date().isoformat(), r.exercise_type): r.minutes for r in weekly.itertuples()}
    assert rows == {("2026-03-02", "yoga"): 50, ("2026-03-02", "pilates"): 50, ("2026-03-09", "yoga"): 45}


def test_before_after_uses_only_sessions_with_both():
    sessions = pd.DataFrame(
        {"date": pd.to_datetime(["2026-03-02"] * 3), "exercise_type": ["yoga", "yoga", "strength"],
         "duration_min": [30] * 3, "pain_before": [5, 6, None], "pain_after": [3, 3, 4]}
    )  # fmt: skip
    out = analysis.before_after(sessions).set_index("exercise_type")
    assert list(out.index) == ["yoga"]
    assert (out.loc["yoga", "before"], out.loc["yoga", "after"], out.loc["yoga", "n"]) == (5.5, 3, 2)


def test_calendar_has_every_day_and_marks_exercise():
    checkins = series(date(2026, 3, 2), [4, 5])
    sessions = pd.DataFrame(
        {"date": pd.to_datetime(["2026-03-03"]), "exercise_type": ["yoga"], "duration_min": [30]}
    )
    cal = analysis.calendar(checkins, sessions, date(2026, 3, 2), date(2026, 3, 8))
    assert len(cal) == 7
    assert cal["exercised"].tolist() == [False, True, False, False, False, False, False]
    assert cal["pain"].isna().sum() == 5 and cal["weekday"].iloc[0] == "Mon"
    assert cal["pain"].tolist()[:2] == [4.0, 5.0]
    assert cal["weekday"].tolist() == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert (cal["week"] == pd.Timestamp("2026-03-02")).all()
    # entries in any order, with a time of day, a missing pain, and outside the range
    other = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-03-06 21:30", "2026-03-01 00:00", "2026-03-04 08:00"]),
            "pain": pd.array([7, 1, None], dtype="Int64"),
        }
    )
    cal = analysis.calendar(other, sessions.iloc[:0], date(2026, 3, 2), date(2026, 3, 8))
    assert cal["pain"].fillna(-1).tolist() == [-1, -1, -1, -1, 7.0, -1, -1]
    assert not cal["exercised"].any()


def test_empty_inputs_give_empty_frames():
    empty = frame([])
    assert analysis.daily_pain(empty, date(2026, 1, 1), date(2026, 1, 31)).empty
    assert analysis.location_counts(empty).empty
    no_sessions = pd.DataFrame(columns=["date", "exercise_type", "duration_min", "pain_before", "pain_after"])
    assert analysis.weekly_minutes(no_sessions, date(2026, 1, 1), date(2026, 1, 31)).empty
    assert analysis.before_after(no_sessions).empty


def test_long_ranges_switch_to_weekly_means():
    start = date(2024, 1, 1)  # a Monday
    df = series(start, [2, 4] * 250)
    short, resolution = analysis.pain_series(df, start, start + timedelta(days=99))
    assert resolution == "daily" and len(short) == 100
    weekly, resolution = analysis.pain_series(df, start, start + timedelta(days=499))
    assert resolution == "weekly"
    assert len(weekly) == 72 and weekly["pain"].iloc[0] == pytest.approx((2 + 4 + 2 + 4 + 2 + 4 + 2) / 7)
    assert (weekly["date"].dt.day_of_week == 0).all()
    flared = df.assign(flare=df["date"] == pd.Timestamp(start + timedelta(days=9)))  # week 2 only
    weekly, _ = analysis.pain_series(flared, start, start + timedelta(days=499))
    assert weekly["flare"].tolist()[:3] == [False, True, False]
    assert weekly["rolling"].iloc[0] != weekly["rolling"].iloc[0]  # a 4-week mean needs two weeks
    assert weekly["rolling"].iloc[1] == pytest.approx(weekly["pain"].iloc[:2].mean())


def test_a_large_percentage_under_two_points_is_not_called_substantial():
    # 2.5 -> 4.0 is +60% but only +1.5 points: the page itself says about 2 points is noticeable
    start = date(2026, 1, 1)
    df = series(start, [2.5] * 14 + [3] * 14 + [4] * 14)
    change = analysis.pain_change(df, start, start + timedelta(days=41))
    assert change.percent == pytest.approx(60)
    assert change.category == "moderate"
    assert "substantial" not in change.sentence()
    assert "under the 2 points most people notice" in change.sentence()


def test_a_twelve_month_range_compares_four_week_windows_not_two_fortnights():
    start = date(2025, 1, 1)
    pain = [6] * 28 + [5] * 309 + [3] * 28  # 365 days
    change = analysis.pain_change(series(start, pain), start, start + timedelta(days=364))
    assert change.window_days == 28 and change.baseline_days == 28
    assert (change.baseline_mean, change.latest_mean) == (6, 3)
    assert "first four weeks" in change.sentence()
    short = analysis.pain_change(series(start, pain[:60]), start, start + timedelta(days=59))
    assert short.window_days == 14 and "first two weeks" in short.sentence()


def test_in_range_keeps_exactly_the_days_within_the_bounds():
    """Bounds are whole days (a time later on the last day is in, midnight after it is out) for
    frames in date order (cut as a slice) and in any order, with missing dates never in range."""
    stamps = [
        "2026-03-01 00:00",
        "2026-03-01 23:59",
        "2026-03-02 00:00",
        "2026-03-03 12:00",
        "2026-03-04 00:00",
    ]
    ordered = pd.DataFrame({"date": pd.to_datetime(stamps), "pain": range(5)})
    shuffled = ordered.iloc[[3, 0, 4, 2, 1]]
    gappy = pd.concat([ordered, pd.DataFrame({"date": [pd.NaT], "pain": [9]})], ignore_index=True)
    as_text = ordered.assign(date=[s[:10] for s in stamps])
    for df in (ordered, shuffled, gappy, as_text):
        got = analysis.in_range(df, date(2026, 3, 2), date(2026, 3, 3))
        assert sorted(got["pain"]) == [2, 3]
        assert sorted(analysis.in_range(df, None, date(2026, 3, 1))["pain"]) == [0, 1]
        assert sorted(analysis.in_range(df, date(2026, 3, 3), None)["pain"]) == [3, 4]
        assert analysis.in_range(df, date(2026, 3, 5), None).empty
        assert len(analysis.in_range(df, None, None)) == len(df)  # no bounds: every row
    assert analysis.in_range(ordered, date(2026, 3, 2), date(2026, 3, 3)).index.tolist() == [2, 3]
