"""Validation: one place knows pain is 0-10, and its messages say what to fix."""

from datetime import date, timedelta

import pytest

from backcare.errors import ValidationError
from backcare.models import (
    checkin_from_input,
    parse_int,
    parse_time,
    session_from_input,
    type_key_from_name,
)


@pytest.mark.parametrize("value", [0, 10, "7", 7.0, " 3 "])
def test_pain_accepts_whole_numbers_in_range(value):
    assert checkin_from_input(date="2026-01-02", pain=value).pain == int(float(str(value)))


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        (11, "from 0 to 10"),
        (-1, "from 0 to 10"),
        (4.5, "whole number"),
        ("lots", "not a number"),
        (None, "required"),
    ],
)
def test_pain_refuses_bad_values_with_a_plain_message(value, needle):
    with pytest.raises(ValidationError) as err:
        checkin_from_input(date="2026-01-02", pain=value)
    assert needle in str(err.value)
    assert "worst pain imaginable" in str(err.value)


def test_all_problems_are_reported_together():
    with pytest.raises(ValidationError) as err:
        checkin_from_input(date="2026-02-30", pain=12, stress=-3)
    assert len(err.value.problems) == 3


def test_future_dates_are_refused_but_today_is_fine():
    assert checkin_from_input(date=date.today(), pain=2).date == date.today()
    with pytest.raises(ValidationError, match="future"):
        checkin_from_input(date=date.today() + timedelta(days=1), pain=2)


def test_worst_pain_cannot_be_below_average():
    with pytest.raises(ValidationError, match="Worst pain"):
        checkin_from_input(date="2026-01-02", pain=6, worst_pain=3)


def test_locations_accept_keys_and_names_and_refuse_unknown():
    c = checkin_from_input(date="2026-01-02", pain=3, locations="Lower back; neck")
    assert c.locations == ("lower_back", "neck")
    with pytest.raises(ValidationError, match="Pain location"):
        checkin_from_input(date="2026-01-02", pain=3, locations=["elbow"])


def test_notes_drop_control_characters_and_have_a_limit():
    c = checkin_from_input(date="2026-01-02", pain=3, notes="ok\x00\x0bfine\nnext")
    assert c.notes == "okfine\nnext"
    with pytest.raises(ValidationError, match="too long"):
        checkin_from_input(date="2026-01-02", pain=3, notes="x" * 2001)


@pytest.mark.parametrize(("minutes", "ok"), [(1, True), (600, True), (0, False), (601, False)])
def test_session_minutes_range(minutes, ok):
    if ok:
        assert (
            session_from_input(date="2026-01-02", exercise_type="yoga", duration_min=minutes).duration_min
            == minutes
        )
    else:
        with pytest.raises(ValidationError, match="Minutes"):
            session_from_input(date="2026-01-02", exercise_type="yoga", duration_min=minutes)


def test_session_fields():
    s = session_from_input(
        date="2026-01-02",
        exercise_type="Yoga",
        duration_min="45",
        rpe=5,
        pain_before=4,
        pain_after=2,
        start_time="07:05",
        movements=["Cat-cow", {"name": "Deadlift", "sets": 3, "reps": 8, "weight_kg": "40,5"}],
    )
    assert (s.exercise_type, s.start_time, s.movements[1].weight_kg) == ("yoga", "07:05", 40.5)
    with pytest.raises(ValidationError, match="Effort"):
        session_from_input(date="2026-01-02", exercise_type="yoga", duration_min=5, rpe=0)


def test_helpers():
    assert type_key_from_name("Tai chi") == "tai_chi"
    assert type_key_from_name("Aqua-Jogging 2") == "aqua_jogging_2"
    with pytest.raises(ValidationError):
        type_key_from_name("!!!")
    with pytest.raises(ValidationError):
        parse_time("25:00")
    assert parse_int(None, "X", 0, 3) is None
