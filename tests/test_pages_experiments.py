"""AppTest of the Experiments page: plan, start (locked), status on Today, pause, stop, past results."""

from datetime import date, timedelta

from streamlit.testing.v1 import AppTest

from backcare.models import checkin_from_input
from backcare.records import ExperimentPlan
from backcare.store import Store, experiments_frame, running_experiment, save_checkin, start_experiment
from tests.conftest import APP


def page(name: str = "views/experiments.py") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(name).run()
    assert not at.exception, at.exception
    return at


def stop_button(at: AppTest):
    return next(b for b in at.button if b.label == "Stop the experiment")


def test_plan_shows_schedule_stop_rules_and_starts_locked(db_path):
    at = page()
    assert any("Stop rules" in w.value for w in at.warning)
    assert any("unblinded" in c.value or "not a blinded trial" in c.value for c in at.caption)
    at.number_input(key="exp_pairs").set_value(3).run()
    table = at.dataframe[0].value
    assert len(table) == 6 and set(table["Pair"]) == {1, 2, 3}
    at.button(key="exp_start_button").click().run()
    assert not at.exception
    with Store(db_path) as store:
        running = running_experiment(store)
    assert running is not None and running["plan"].pairs == 3 and running["plan"].exercise_type == "yoga"
    assert any("Experiment started" in s.value for s in at.success)
    assert any("Your experiment starts on" in i.value for i in at.info)


def test_invalid_plan_says_what_to_fix(db_path):
    at = page()
    at.number_input(key="exp_period_days").set_value(7).run()
    at.number_input(key="exp_washout").set_value(5).run()
    assert any("Washout days must leave at least 4 days" in e.value for e in at.error)
    assert all(b.key != "exp_start_button" for b in at.button)


def test_today_shows_day_and_period_and_stop_is_confirmed(db_path):
    start = date.today() - timedelta(days=8)
    with Store(db_path) as store:
        start_experiment(store, ExperimentPlan("yoga", start, seed=5))
    today = page("views/today.py")
    assert any("Experiment day 9 of 112" in i.value for i in today.info)
    at = page()
    stop_button(at).click().run()  # submit without ticking the box
    assert any("Tick the box" in w.value for w in at.warning)
    at.checkbox(key="exp_stop_sure").check()
    at.text_input(key="exp_stop_reason").input("holiday")
    stop_button(at).click().run()
    with Store(db_path) as store:
        frame = experiments_frame(store)
    assert frame.loc[0, "status"] == "stopped" and frame.loc[0, "status_reason"] == "holiday"
    assert any("Experiment stopped" in s.value for s in at.success)
    assert any("Yoga on at least 3 days a week vs no Yoga" in e.label for e in at.expander)


def test_flare_asks_to_pause_and_pauses_on_the_click(db_path):
    start = date.today() - timedelta(days=6)
    with Store(db_path) as store:
        for i in range(1, 15):
            save_checkin(store, checkin_from_input(date=start - timedelta(days=i), pain=2))
        for i in range(3, 6):
            save_checkin(store, checkin_from_input(date=start + timedelta(days=i), pain=6))
        start_experiment(store, ExperimentPlan("yoga", start, seed=5))
    at = page()
    assert any("should pause" in e.value and "clinician" in e.value for e in at.error)
    with Store(db_path) as store:  # rendering never writes
        assert experiments_frame(store).loc[0, "status"] == "active"
    at.button(key="exp_pause").click().run()
    with Store(db_path) as store:
        assert experiments_frame(store).loc[0, "status"] == "paused"
    assert any("Paused" in e.value and "clinician" in e.value for e in at.error)
    assert any(b.key == "exp_resume" for b in at.button)


def test_today_shows_a_fired_stop_rule_without_writing_and_pauses_on_the_click(db_path):
    start = date.today() - timedelta(days=6)
    with Store(db_path) as store:
        for i in range(1, 15):
            save_checkin(store, checkin_from_input(date=start - timedelta(days=i), pain=2))
        for i in range(3, 6):
            save_checkin(store, checkin_from_input(date=start + timedelta(days=i), pain=6))
        start_experiment(store, ExperimentPlan("yoga", start, seed=5))
    at = page("views/today.py")
    assert any("should pause" in e.value for e in at.error)
    with Store(db_path) as store:
        assert running_experiment(store)["status"] == "active"  # rendering Today never writes
    at.button(key="banner_pause_experiment").click().run()
    with Store(db_path) as store:
        assert running_experiment(store)["status"] == "paused"
