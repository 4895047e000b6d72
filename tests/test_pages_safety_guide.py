"""AppTest: first-run safety check, emergency and urgent advice, suppression on Insights, PEG on Today,
the guide's link into logging, reminders download, PEG trend on the Dashboard."""

from datetime import date, timedelta

from streamlit.testing.v1 import AppTest

from backcare import demo, safety
from backcare.models import checkin_from_input
from backcare.store import (
    Store,
    global_impression_frame,
    open_red_flag,
    peg_frame,
    save_checkin,
    save_peg,
    save_red_flag_check,
)
from tests.conftest import APP


def page(name: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    if name:
        at.switch_page(name).run()
    assert not at.exception, at.exception
    return at


def test_first_run_shows_the_safety_check_and_emergency_advice(db_path):
    at = page()
    assert any("safety check" in e.label for e in at.expander)
    at.checkbox(key="first_safety_saddle_numbness").check()
    next(b for b in at.button if b.label == "Save safety check").click().run()
    assert not at.exception
    assert any(safety.EMERGENCY_MESSAGE in e.value for e in at.error)
    with Store(db_path) as store:
        flag = open_red_flag(store)
    assert flag["level"] == "emergency" and flag["answers"] == ["saddle_numbness"]


def test_urgent_flag_warns_and_insights_say_numbers_are_not_for_decisions(db_path):
    with Store(db_path) as store:
        demo.write_demo(store, 120, 3)
        save_red_flag_check(store, date.today(), ["fever"], "urgent")
    today = page()
    assert any(safety.URGENT_MESSAGE in w.value for w in today.warning)
    insights = page("views/insights.py")
    assert any(safety.NUMBERS_NOT_FOR_DECISIONS in i.value for i in insights.info)
    insights.text_input(key="resolve_note_insights").input("GP checked, viral infection")
    insights.button(key="resolve_insights").click().run()
    with Store(db_path) as store:
        assert open_red_flag(store) is None
    assert not any(safety.NUMBERS_NOT_FOR_DECISIONS in i.value for i in page("views/insights.py").info)


def test_weekly_peg_on_today_saves_a_score(db_path):
    with Store(db_path) as store:
        demo.write_demo(store, 30, 3)
        save_red_flag_check(store, date.today() - timedelta(days=1), [], "none")
    at = page()
    assert any("Weekly check-in" in e.label for e in at.expander)
    at.radio(key="peg_pain").set_value(6)
    at.radio(key="peg_enjoyment").set_value(5)
    at.radio(key="peg_activity").set_value(4)
    next(b for b in at.button if b.label == "Save weekly answers").click().run()
    assert any("score 5.0 out of 10" in s.value for s in at.success)
    with Store(db_path) as store:
        assert peg_frame(store)["score"].tolist() == [5.0]


def test_guide_lists_catalogue_movements_and_links_into_logging(db_path):
    at = page("views/guide.py")
    text = " ".join(m.value for m in at.markdown)
    for move in ("Cat-cow", "Child's pose", "Downward-facing dog", "Deadlift", "Row", "The hundred"):
        assert move in text
    assert "Not medical advice" in " ".join(i.value for i in at.info)
    at.button(key="guide_log_yoga").click().run()
    assert at.selectbox(key="session_type").value == "yoga"


def test_settings_offers_reminders_and_dashboard_shows_peg_trend(db_path):
    at = page("views/settings.py")
    assert len(at.get("download_button")) == 1
    with Store(db_path) as store:
        demo.write_demo(store, 60, 3)
        save_peg(store, date.today() - timedelta(days=14), 6, 6, 5)
        save_peg(store, date.today() - timedelta(days=7), 5, 4, 4)
    dash = page("views/dashboard.py")
    assert any("first weekly score ±1 point" in c.value for c in dash.caption)


def test_history_is_asked_once_and_weekly_checks_ask_only_new_symptoms(db_path):
    first = page()
    history_keys = {f"first_safety_{f.key}" for f in safety.HISTORY}
    assert history_keys <= {c.key for c in first.checkbox}
    # every emergency (cauda equina) item says it is new or getting worse, as screening does
    for flag in safety.RED_FLAGS:
        if flag.level == "emergency":
            assert flag.kind == "new" and ("New" in flag.question or "worsening" in flag.question)
    first.checkbox(key="first_safety_cancer_history").check()
    next(b for b in first.button if b.label == "Save safety check").click().run()
    assert any("A history of cancer" in w.value for w in first.warning)


def test_the_weekly_safety_check_asks_only_new_symptoms(db_path):
    with Store(db_path) as store:
        demo.write_demo(store, 30, 3)
        save_red_flag_check(store, date.today() - timedelta(days=8), [], "none")
    weekly = page()
    keys = {c.key for c in weekly.checkbox if c.key and c.key.startswith("weekly_safety_")}
    assert keys == {f"weekly_safety_{f.key}" for f in safety.NEW_SYMPTOMS}


def test_imported_red_flag_answers_are_shown_as_plain_text(db_path):
    # An answer from an imported or restored file is text, never Markdown: no image, no link.
    hostile = "![x](http://203.0.113.9/pixel.png) [click](http://203.0.113.9) **bold** <img src=x>"
    with Store(db_path) as store:
        save_red_flag_check(store, date.today(), ["fever", hostile], "urgent")
    for name in (None, "views/insights.py", "views/history.py"):
        at = page(name)
        shown = " ".join(e.value for e in [*at.warning, *at.error, *at.markdown, *at.info])
        if name == "views/history.py":
            continue  # a data grid (plain cells): no Markdown there
        assert "\\!\\[x\\]\\(http\\://203.0.113.9/pixel.png\\)" in shown or "\\!\\[x\\]" in shown
        assert "![x](http://" not in shown


def test_monthly_impression_form_on_today_saves_the_answer_and_then_goes_away(db_path):
    start = date.today() - timedelta(days=40)  # four weeks of use: the monthly question is due
    with Store(db_path) as store:
        save_checkin(store, checkin_from_input(date=start, pain=5))
        save_red_flag_check(store, date.today(), [], "none")
    at = page()
    assert any("Once a month" in h.value for h in at.subheader)
    save_button = next(b for b in at.button if b.label == "Save monthly answer")
    save_button.click().run()  # nothing chosen: refused with a reason, nothing written
    assert any("Global impression" in e.value for e in at.error)
    with Store(db_path) as store:
        assert global_impression_frame(store).empty
    at.radio(key="impression_rating").set_value(-1)
    next(b for b in at.button if b.label == "Save monthly answer").click().run()
    assert not at.exception
    with Store(db_path) as store:
        saved = global_impression_frame(store)
    assert saved["rating"].tolist() == [-1] and saved["date"].dt.date.tolist() == [date.today()]
    assert not any("Once a month" in h.value for h in at.subheader)  # answered: not asked again
