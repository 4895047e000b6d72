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


@pytest.fixture
def lifting(diary):
    """A strength session with two movements logged in the app and one set imported from another app."""
    from backcare.models import MovementLog, SetDetails

    imported = MovementLog("Deadlift", 1, 5, 60.0, SetDetails("warmup", 5, 60.0, duration_s=40.0))
    with Store(diary) as store:
        session_id = add_session(
            store,
            session_from_input(
                date=D1, exercise_type="strength", duration_min=40,
                movements=[{"name": "Squat", "sets": 3, "reps": 10, "weight_kg": 40}, "Plank", imported],
            ),
        )  # fmt: skip
    return diary, session_id


def movements_page(session_id) -> AppTest:
    at = history()
    at.session_state["history_table"] = "Exercise sessions"
    at.run()
    at.selectbox(key="movement_session").select(session_id).run()
    return at


def test_movements_are_edited_added_and_removed_in_one_save(lifting):
    from backcare.store import session_movements

    diary, session_id = lifting
    at = movements_page(session_id)
    key = f"movement_editor_{session_id}"
    at.session_state[key] = state(
        edited={0: {"reps": 12, "weight_kg": 42.5}, 2: {"reps": 6}},  # Squat; the imported Deadlift set
        added=[{"name": "Bird dog", "sets": 2, "reps": 8}],
        deleted=[1],  # Plank
    )
    at.run()
    at.checkbox(key=f"{key}_confirm").check().run()
    at.button(key=f"{key}_save").click().run()
    assert not at.exception and not at.error
    with Store(diary) as store:
        rows = session_movements(store, session_id)
    assert [(r["name"], r["sets"], r["reps"], r["weight_kg"]) for r in rows] == [
        ("Squat", 3, 12, 42.5), ("Deadlift", 1, 6, 60.0), ("Bird dog", 2, 8, None),
    ]  # fmt: skip
    deadlift = rows[1]  # the imported set keeps its details and takes the corrected reps
    assert (deadlift["set_type"], deadlift["set_reps"], deadlift["duration_s"]) == ("warmup", 6, 40.0)
    assert any("movements: 2 updated, 1 added, 1 deleted" in s.value.lower() for s in at.success)
    assert at.session_state["history_table"] == "Exercise sessions"


def test_a_wrong_movement_value_is_named_next_to_the_table_and_nothing_is_saved(lifting):
    from backcare.store import session_movements

    diary, session_id = lifting
    with Store(diary) as store:
        before = session_movements(store, session_id)
    at = movements_page(session_id)
    key = f"movement_editor_{session_id}"
    at.session_state[key] = state(edited={0: {"sets": 0}}, added=[{"sets": 2}])  # 0 sets; a row with no name
    at.run()
    at.button(key=f"{key}_save").click().run()
    errors = " ".join(e.value for e in at.error)
    assert "Movement row 1 (Squat)" in errors and "Sets of Squat" in errors
    assert "New movement row 1" in errors and "needs a name" in errors
    with Store(diary) as store:
        assert session_movements(store, session_id) == before


def test_an_empty_diary_says_nothing_is_logged_yet_not_that_the_span_is_too_short(db_path):
    at = history()
    messages = " ".join(i.value for i in at.info)
    assert "No check-ins yet" in messages and "span" not in messages
