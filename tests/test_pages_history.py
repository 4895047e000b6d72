"""History in AppTest against a real diary: re-dating, refusals that say why, no false alarms, the
chosen table kept after a save, empty cells blank."""

from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from backcare.models import checkin_from_input, session_from_input
from backcare.store import Store, add_session, checkins_frame, get_checkin, peg_frame, save_checkin, save_peg
from tests.conftest import APP

D1, D2, D3 = (date.today() - timedelta(days=n) for n in (12, 11, 10))


def state(edited=None, added=None, deleted=None):
    return {"edited_rows": edited or {}, "added_rows": added or [], "deleted_rows": deleted or []}


@pytest.fixture
def diary(db_path):
    with Store(db_path) as store:
        for d, p in [(D1, 3), (D2, 5), (D3, 4)]:
            save_checkin(store, checkin_from_input(date=d, pain=p, notes=f"day {p}"))
        add_session(store, session_from_input(date=D2, exercise_type="pilates", duration_min=50))
        add_session(store, session_from_input(date=D3, exercise_type="yoga", duration_min=30))
        save_peg(store, D1, 5, 5, 5)
        save_peg(store, D3, 4, 4, 4)
    return db_path


def history() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/history.py").run()
    return at


def test_changing_a_date_moves_the_checkin_to_the_new_day(diary):
    moved_to = D3 + timedelta(days=1)
    at = history()
    at.session_state["checkin_editor"] = state(edited={0: {"date": moved_to.isoformat()}})  # row 0 = D3
    at.run()
    at.button(key="checkin_editor_save").click().run()
    assert not at.exception
    with Store(diary) as store:
        assert get_checkin(store, D3) is None
        moved = get_checkin(store, moved_to)
        assert moved["pain"] == 4 and moved["notes"] == "day 4"
        assert len(checkins_frame(store)) == 3
    assert any("1 updated" in s.value for s in at.success)
    # the save itself is not "another window"
    assert not any("another window" in m.value for m in [*at.warning, *at.error])


def test_moving_a_checkin_onto_a_day_already_logged_is_refused_with_a_reason(diary):
    at = history()
    at.session_state["checkin_editor"] = state(edited={0: {"date": D2.isoformat(), "pain": 9}})
    at.run()
    at.button(key="checkin_editor_save").click().run()
    assert any(f"already a check-in for {D2.isoformat()}" in e.value for e in at.error)
    with Store(diary) as store:
        assert checkins_frame(store)[["pain"]].values.ravel().tolist() == [3, 5, 4]


def test_swapping_two_dates_in_one_save_is_allowed(diary):
    at = history()
    at.session_state["checkin_editor"] = state(
        edited={0: {"date": D2.isoformat()}, 1: {"date": D3.isoformat()}}  # D3 <-> D2
    )
    at.run()
    at.button(key="checkin_editor_save").click().run()
    with Store(diary) as store:
        assert get_checkin(store, D2)["pain"] == 4 and get_checkin(store, D3)["pain"] == 5


def test_peg_dates_move_too_and_a_taken_week_is_refused(diary):
    at = history()
    at.session_state["history_table"] = "Weekly PEG-3"
    at.run()
    at.session_state["peg_editor"] = state(edited={0: {"date": D1.isoformat()}})  # row 0 = D3 onto D1
    at.run()
    at.button(key="peg_editor_save").click().run()
    assert any("already a weekly answer" in e.value for e in at.error)
    at.session_state["peg_editor"] = state(edited={0: {"date": D2.isoformat()}})
    at.run()
    at.button(key="peg_editor_save").click().run()
    with Store(diary) as store:
        assert sorted(d.date() for d in peg_frame(store)["date"]) == [D1, D2]


def test_typing_11_says_what_to_fix(diary):
    at = history()
    at.session_state["checkin_editor"] = state(edited={1: {"worst_pain": 11}})
    at.run()
    at.button(key="checkin_editor_save").click().run()
    assert any(f"Row 2 ({D2.isoformat()})" in e.value and "0 to 10" in e.value for e in at.error)


def test_after_deleting_a_session_the_sessions_table_stays_open(diary):
    at = history()
    at.session_state["history_table"] = "Exercise sessions"
    at.run()
    at.session_state["session_editor"] = state(deleted=[0])
    at.run()
    at.checkbox(key="session_editor_confirm").check().run()
    at.button(key="session_editor_save").click().run()
    assert at.session_state["history_table"] == "Exercise sessions"
    assert any("sessions: 1 deleted" in s.value.lower() for s in at.success)
    assert not any("another window" in m.value for m in at.warning)


def test_empty_cells_are_blank_not_none(diary):
    at = history()
    tables = at.get("dataframe")
    assert tables and all(t.proto.HasField("placeholder") and t.proto.placeholder == "" for t in tables)
