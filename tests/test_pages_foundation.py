"""AppTest of Today, Log exercise and History against a real database file."""

from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from backcare.models import checkin_from_input, session_from_input
from backcare.store import Store, add_session, checkins_frame, get_checkin, save_checkin, sessions_frame
from tests.conftest import APP


def app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run()


def save(at: AppTest):
    """The check-in form's Save button (other forms, e.g. the safety check, come and go)."""
    return next(b for b in at.button if b.label == "Save pain for this day")


def test_today_logs_pain_in_two_interactions(db_path):
    at = app()
    assert not at.exception
    choice = at.radio(key=f"pain_{date.today().isoformat()}")
    assert "worst pain imaginable" in choice.help
    assert choice.value is None  # nothing chosen yet: Save alone must not record "no pain"
    save(at).click().run()
    assert any("Choose a number from 0 to 10" in e.value for e in at.error)
    with Store(db_path) as store:
        assert checkins_frame(store).empty
    at.radio(key=f"pain_{date.today().isoformat()}").set_value(6)
    save(at).click().run()
    assert not at.exception
    with Store(db_path) as store:
        assert get_checkin(store, date.today())["pain"] == 6
    assert any("Saved: pain 6/10" in s.value for s in at.success)
    assert any("You logged 6/10" in c.value for c in at.caption)


def test_today_shows_existing_entry_and_updates_it(db_path):
    with Store(db_path) as store:
        save_checkin(store, checkin_from_input(date=date.today(), pain=3, notes="slept well"))
    at = app()
    key = date.today().isoformat()
    assert at.radio(key=f"pain_{key}").value == 3
    assert at.text_area(key=f"notes_{key}").value == "slept well"
    at.radio(key=f"pain_{key}").set_value(5)
    at.checkbox(key=f"flare_{key}").check()
    save(at).click().run()
    with Store(db_path) as store:
        row = get_checkin(store, date.today())
    assert (row["pain"], row["flare"], row["notes"]) == (5, True, "slept well")
    assert any("Updated" in s.value for s in at.success)


def test_today_backfills_a_past_day(db_path):
    at = app()
    at.date_input(key="checkin_day").set_value(date(2026, 1, 15)).run()
    at.radio(key="pain_2026-01-15").set_value(2)
    save(at).click().run()
    with Store(db_path) as store:
        assert get_checkin(store, date(2026, 1, 15))["pain"] == 2


def test_validation_error_shows_next_to_form_keeps_input_and_writes_nothing(db_path):
    at = app()
    key = date.today().isoformat()
    at.radio(key=f"pain_{key}").set_value(3)
    at.number_input(key=f"stiff_{key}").set_value(11)  # out of range: explained, not silently refused
    at.text_area(key=f"notes_{key}").input("keep me")
    save(at).click().run()
    assert any("Stiffness" in e.value and "0 to 10" in e.value for e in at.error)
    assert at.text_area(key=f"notes_{key}").value == "keep me"
    with Store(db_path) as store:
        assert checkins_frame(store).empty


def test_worst_pain_conflict_is_shown_where_the_person_looks_with_the_obvious_fix(db_path):
    key = date.today().isoformat()
    with Store(db_path) as store:
        save_checkin(store, checkin_from_input(date=date.today(), pain=3, worst_pain=4, notes="n"))
    at = app()
    at.radio(key=f"pain_{key}").set_value(8)  # raise today's pain; the hidden worst pain is still 4
    save(at).click().run()
    assert any("worst pain (4) is lower than the average you chose (8)" in w.value for w in at.warning)
    with Store(db_path) as store:
        assert get_checkin(store, date.today())["pain"] == 3  # nothing written yet
    at.button(key=f"fix_{key}").click().run()
    assert not at.exception
    with Store(db_path) as store:
        row = get_checkin(store, date.today())
    assert (row["pain"], row["worst_pain"], row["notes"]) == (8, 8, "n")


def test_demo_mode_uses_a_separate_database(db_path):
    at = app()
    next(b for b in at.button if b.label == "Explore with demo data first").click().run()
    assert not at.exception
    assert at.session_state["demo_mode"] is True
    assert at.query_params["demo"] in ("1", ["1"])  # in the URL: a reload keeps demo mode
    assert any("Demo diary" in w.value for w in at.warning)  # in the main area, not only the sidebar
    assert any("The demo diary has" in c.value for c in at.caption)  # never "You logged"
    demo_db = db_path.with_name("backcare-demo.db")
    with Store(demo_db) as demo_store:
        assert len(checkins_frame(demo_store)) > 100
    with Store(db_path) as own:
        assert checkins_frame(own).empty


def test_log_exercise_saves_a_session_with_movements(db_path):
    at = app()
    at.switch_page("views/log_exercise.py").run()
    at.selectbox(key="session_type").set_value("yoga").run()
    at.number_input(key="minutes").set_value(35)
    at.number_input(key="pain_before").set_value(5)
    at.number_input(key="pain_after").set_value(3)
    at.multiselect(key="movements_yoga").set_value(["Cat-cow", "Child's pose"])
    at.button[0].click().run()
    assert not at.exception
    with Store(db_path) as store:
        s = sessions_frame(store)
    assert (s.loc[0, "exercise_type"], s.loc[0, "duration_min"], s.loc[0, "pain_after"]) == ("yoga", 35, 3)
    assert s.loc[0, "movements"] == "Cat-cow; Child's pose"
    at.switch_page("views/log_exercise.py").run()
    assert at.selectbox(key="session_type").value == "yoga"  # last used type is the default
    assert at.number_input(key="minutes").value == 35


def test_log_exercise_movements_are_filtered_by_type(db_path):
    at = app()
    at.switch_page("views/log_exercise.py").run()
    at.selectbox(key="session_type").set_value("strength").run()
    options = at.multiselect(key="movements_strength").options
    assert "Deadlift" in options and "Cat-cow" not in options


def test_add_custom_type(db_path):
    at = app()
    at.switch_page("views/log_exercise.py").run()
    at.text_input(key="new_type_name").input("Tai chi")
    at.button[1].click().run()
    assert "Tai chi" in at.selectbox(key="session_type").options


def _editor_state(edited=None, added=None, deleted=None):
    return {"edited_rows": edited or {}, "added_rows": added or [], "deleted_rows": deleted or []}


D1, D2, D3 = (date.today() - timedelta(days=n) for n in (12, 11, 10))


@pytest.fixture
def filled(db_path):
    with Store(db_path) as store:
        for d, p in [(D1, 3), (D2, 5), (D3, 4)]:
            save_checkin(store, checkin_from_input(date=d, pain=p))
        add_session(store, session_from_input(date=D2, exercise_type="pilates", duration_min=50))
    return db_path


def test_history_edits_a_checkin(filled):
    at = app()
    at.switch_page("views/history.py").run()
    at.session_state["checkin_editor"] = _editor_state(edited={0: {"pain": 9}})  # newest first: 2026-01-03
    at.run()
    at.button(key="checkin_editor_save").click().run()
    assert not at.exception
    with Store(filled) as store:
        assert get_checkin(store, D3)["pain"] == 9
    assert any("check-ins: 1 updated" in s.value.lower() for s in at.success)


def test_history_refuses_bad_edit_and_writes_nothing(filled):
    at = app()
    at.switch_page("views/history.py").run()
    at.session_state["checkin_editor"] = _editor_state(edited={0: {"pain": 9}, 1: {"pain": 14}})
    at.run()
    at.button(key="checkin_editor_save").click().run()
    assert any(f"Row 2 ({D2.isoformat()})" in e.value and "from 0 to 10" in e.value for e in at.error)
    with Store(filled) as store:
        assert checkins_frame(store)["pain"].tolist() == [3, 5, 4]


def test_history_delete_needs_confirmation(filled):
    at = app()
    at.switch_page("views/history.py").run()
    at.session_state["checkin_editor"] = _editor_state(deleted=[2])  # D1, the oldest
    at.run()
    assert at.button(key="checkin_editor_save").disabled
    at.checkbox(key="checkin_editor_confirm").check().run()
    at.button(key="checkin_editor_save").click().run()
    with Store(filled) as store:
        assert checkins_frame(store)["date"].dt.date.tolist() == [D2, D3]


def test_history_edits_and_adds_sessions(filled):
    at = app()
    at.switch_page("views/history.py").run()
    at.session_state["history_table"] = "Exercise sessions"
    at.run()
    at.session_state["session_editor"] = _editor_state(
        edited={0: {"duration_min": 55, "rpe": 6}},
        added=[{"date": D3.isoformat(), "exercise_type": "walking", "duration_min": 20}],
    )
    at.run()
    at.button(key="session_editor_save").click().run()
    assert not at.exception
    with Store(filled) as store:
        s = sessions_frame(store)
    assert s[["exercise_type", "duration_min"]].values.tolist() == [["pilates", 55], ["walking", 20]]
    assert s.loc[0, "rpe"] == 6


def test_history_refuses_edit_when_data_changed_in_another_window(filled):
    at = app()
    at.switch_page("views/history.py").run()
    at.session_state["checkin_editor"] = _editor_state(edited={0: {"pain": 8}})
    at.run()
    with Store(filled) as other_tab:
        save_checkin(other_tab, checkin_from_input(date=date.today(), pain=1))
    at.button(key="checkin_editor_save").click().run()
    assert any("changed in another window" in m.value for m in [*at.error, *at.warning])
    with Store(filled) as store:
        assert get_checkin(store, D3)["pain"] == 4


def test_history_empty_state(db_path):
    at = app()
    at.switch_page("views/history.py").run()
    assert not at.exception
    assert any("No check-ins yet" in i.value for i in at.info)


def test_history_span_hides_older_entries_until_asked(db_path):
    with Store(db_path) as store:
        save_checkin(store, checkin_from_input(date=date.today() - timedelta(days=200), pain=7))
        save_checkin(store, checkin_from_input(date=date.today(), pain=2))
    at = app()
    at.switch_page("views/history.py").run()
    assert at.session_state["history_span"] == "Last 3 months"
    at.session_state["checkin_editor"] = _editor_state(edited={0: {"pain": 3}})
    at.run()
    at.button(key="checkin_editor_save").click().run()
    with Store(db_path) as store:
        assert get_checkin(store, date.today())["pain"] == 3
        assert get_checkin(store, date.today() - timedelta(days=200))["pain"] == 7


def test_demo_mode_survives_a_reload_and_saves_go_to_the_demo_diary(db_path):
    at = app()
    next(b for b in at.button if b.label == "Explore with demo data first").click().run()
    # A reload is a new session that only has the URL: ?demo=1
    reloaded = AppTest.from_file(APP, default_timeout=60)
    reloaded.query_params["demo"] = "1"
    reloaded.run()
    assert any("Demo diary" in w.value for w in reloaded.warning)
    day = date.today() - timedelta(days=400)  # before the demo history starts
    reloaded.date_input(key="checkin_day").set_value(day).run()
    reloaded.radio(key=f"pain_demo-{day.isoformat()}").set_value(7)
    save(reloaded).click().run()
    assert any("in the demo diary" in s.value for s in reloaded.success)
    with Store(db_path.with_name("backcare-demo.db")) as demo_store:
        assert get_checkin(demo_store, day)["pain"] == 7
    with Store(db_path) as own:
        assert checkins_frame(own).empty
    reloaded.button(key="leave_demo").click().run()
    assert not any("Demo diary" in w.value for w in reloaded.warning)
    assert "demo" not in reloaded.query_params
