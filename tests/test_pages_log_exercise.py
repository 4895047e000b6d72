"""Log exercise in AppTest against a real diary: bad input explained, the form empties after a save,
an apparent duplicate is asked about before it is written."""

from datetime import date

from streamlit.testing.v1 import AppTest

from backcare.store import Store, sessions_frame
from tests.conftest import APP


def log_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/log_exercise.py").run()
    return at


def save_button(at: AppTest):
    return next(b for b in at.button if b.label == "Save session")


def test_minutes_0_or_10000_and_pain_11_are_explained_and_nothing_is_written(db_path):
    at = log_page()
    for field, value, words in (
        ("minutes", 0, "Minutes"),
        ("minutes", 10000, "Minutes"),
        ("pain_after", 11, "after"),
    ):
        at.number_input(key=field).set_value(value)
        save_button(at).click().run()
        assert any(words in e.value for e in at.error), (field, value)
        at.number_input(key=field).set_value(30 if field == "minutes" else None)
    with Store(db_path) as store:
        assert sessions_frame(store).empty


def test_after_saving_the_form_is_empty_and_a_duplicate_is_asked_about(db_path):
    at = log_page()
    at.number_input(key="minutes").set_value(40)
    at.number_input(key="pain_before").set_value(5)
    at.text_area(key="session_notes").input("felt good")
    save_button(at).click().run()
    assert any("Saved: 40 min" in s.value for s in at.success)
    assert at.text_area(key="session_notes").value == ""
    assert at.number_input(key="pain_before").value is None
    # Save again with the same day, type and minutes: asked first, nothing written yet
    at.number_input(key="minutes").set_value(40)
    save_button(at).click().run()
    assert any("second session" in w.value for w in at.warning)
    with Store(db_path) as store:
        assert len(sessions_frame(store)) == 1
    at.button(key="duplicate_yes").click().run()
    with Store(db_path) as store:
        frame = sessions_frame(store)
    assert len(frame) == 2 and (frame["date"].dt.date == date.today()).all()
