"""AppTest of the Insights page: empty, not-enough-data and full states."""

from datetime import date

from streamlit.testing.v1 import AppTest

from backcare import demo
from backcare.models import checkin_from_input, session_from_input
from backcare.store import Store, add_session, save_checkin
from tests.conftest import APP


def insights() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("views/insights.py").run()
    assert not at.exception
    return at


def test_empty_state(db_path):
    at = insights()
    assert any("need both daily pain check-ins and exercise sessions" in i.value for i in at.info)


def test_not_enough_data_says_what_is_missing(db_path):
    with Store(db_path) as store:
        save_checkin(store, checkin_from_input(date=date.today(), pain=4))
        add_session(store, session_from_input(date=date.today(), exercise_type="yoga", duration_min=30))
    at = insights()
    text = " ".join(m.value for m in at.markdown)
    assert "Not enough data yet for Yoga" in text and "at least 28" in text


def test_full_history_shows_sentences_charts_and_no_p_values(db_path):
    with Store(db_path) as store:
        demo.write_demo(store, 365, 7)
    at = insights()
    text = " ".join(m.value for m in at.markdown)
    assert "On days after Yoga, your pain was" in text
    assert "95% range" in text
    assert "p-value" not in text.lower() and "p =" not in text
    assert len(at.get("vega_lite_chart")) >= 3
    assert any("by chance" in i.value for i in at.info)
    assert at.expander[0].label == "How this is computed"
    # The caveat is said once, before the cards; it used to repeat under every card (seven times).
    from backcare import insights_text

    assert [c.value for c in at.caption].count(insights_text.CAVEAT) == 1
    assert sum("not proof of cause" in c.value for c in at.caption) == 1
