"""PEG-3 scoring and timing, global impression, red-flag logic and reminder calendar files."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from backcare import editing, ics, questionnaires, safety
from backcare.errors import ValidationError
from backcare.store import peg_frame, save_peg
from tests.test_experiments import _unfold

TODAY = date(2026, 11, 25)


def test_peg_score_is_the_mean_of_three_items():
    assert questionnaires.peg_from_input(TODAY, 6, 5, 4).score == 5.0
    assert questionnaires.peg_from_input(TODAY, "7", 3, 0).score == pytest.approx(3.33, abs=0.01)


def test_peg_validation_lists_every_problem():
    with pytest.raises(ValidationError) as err:
        questionnaires.peg_from_input(date.today() + timedelta(days=3), 11, None, -1)
    problems = err.value.problems
    assert len(problems) == 4 and any("future" in p for p in problems)


def test_when_questionnaires_are_offered():
    assert questionnaires.peg_due(None, TODAY)
    assert not questionnaires.peg_due(TODAY - timedelta(days=6), TODAY)
    assert questionnaires.peg_due(TODAY - timedelta(days=7), TODAY)
    assert not questionnaires.impression_due(TODAY - timedelta(days=10), None, TODAY)  # too new
    assert questionnaires.impression_due(TODAY - timedelta(days=40), None, TODAY)
    assert not questionnaires.impression_due(TODAY - timedelta(days=90), TODAY - timedelta(days=5), TODAY)
    with pytest.raises(ValidationError):
        questionnaires.impression_from_input(TODAY, 4)


@pytest.mark.parametrize("flag", [f for f in safety.RED_FLAGS if f.level == "emergency"])
def test_every_emergency_item_alone_triggers_emergency(flag):
    assert safety.assess([flag.key]) == "emergency"
    assert safety.assess([flag.key, "fever"]) == "emergency"


def test_other_flags_are_urgent_and_none_is_none():
    urgent = [f.key for f in safety.RED_FLAGS if f.level == "urgent"]
    assert len(urgent) >= 6 and all(safety.assess([k]) == "urgent" for k in urgent)
    assert safety.assess([]) == "none" and safety.assess(["not-a-flag"]) == "none"
    assert {f.key for f in safety.RED_FLAGS if f.level == "emergency"} == {
        "bladder", "bowel", "saddle_numbness", "leg_weakness", "both_legs",
    }  # fmt: skip
    assert "999" in safety.EMERGENCY_MESSAGE and "emergency" in safety.EMERGENCY_MESSAGE.lower()


def test_reminders_ics_has_daily_and_weekly_rules_with_alarms():
    text = ics.reminders_ics(time(20, 30), 6, time(18, 0), start=datetime(2026, 11, 25, 9, 0))
    lines = _unfold(text)
    assert lines.count("BEGIN:VEVENT") == 2 and lines.count("BEGIN:VALARM") == 2
    assert "RRULE:FREQ=DAILY" in lines and "RRULE:FREQ=WEEKLY;BYDAY=SU" in lines
    assert "DTSTART:20261125T203000" in lines and "DTSTART:20261125T180000" in lines


def test_peg_history_edits_validate_then_write(store):
    save_peg(store, TODAY - timedelta(days=7), 6, 5, 4)
    original = peg_frame(store)
    with pytest.raises(ValidationError, match="Row 1"):
        editing.apply_peg_changes(store, original, {0: {"pain": 12}}, [], [])
    assert peg_frame(store)["pain"].tolist() == [6]
    summary = editing.apply_peg_changes(
        store, original, {0: {"pain": 3}}, [{"date": TODAY, "pain": 2, "enjoyment": 2, "activity": 2}], []
    )
    assert (summary.updated, summary.added) == (1, 1)
    assert peg_frame(store)["score"].tolist() == [4.0, 2.0]
    editing.apply_peg_changes(store, peg_frame(store), {}, [], [0])
    assert len(peg_frame(store)) == 1
