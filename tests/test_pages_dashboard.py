"""AppTest of the Dashboard with 0, 1, 30 and 3,650 days of data."""

import json
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from backcare import demo
from backcare.models import checkin_from_input
from backcare.store import Store, save_checkin
from tests.conftest import APP


def dashboard() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("views/dashboard.py").run()
    assert not at.exception
    return at


def vega_specs(at):
    return [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]


def test_empty_diary_shows_a_friendly_state(db_path):
    at = dashboard()
    assert any("Nothing to show yet" in i.value for i in at.info)
    assert vega_specs(at) == []


def test_one_day_shows_what_is_missing_without_empty_axes(db_path):
    with Store(db_path) as store:
        save_checkin(store, checkin_from_input(date=date.today(), pain=5))
    at = dashboard()
    specs = vega_specs(at)
    assert len(specs) >= 1  # pain chart with the one point
    assert any("No exercise sessions" in i.value for i in at.info)
    assert any("three days" in c.value for c in at.caption)


@pytest.mark.parametrize("days", [30, 3650])
def test_dashboard_with_history(db_path, days):
    with Store(db_path) as store:
        demo.write_demo(store, days, 3)
    at = dashboard()
    titles = [s.get("title") for s in vega_specs(at)]
    assert {
        "Pain over time",
        "Weekly minutes by exercise type",
        "Pain just before and after sessions",
    } <= set(t if isinstance(t, str) else t.get("text") for t in titles)
    assert [m.label for m in at.metric][:3] == ["Pain, last 7 days", "Change in range", "Days logged"]
    at.selectbox(key="range_preset").set_value("All").run()
    assert not at.exception
    at.multiselect(key="type_filter").set_value(["yoga"]).run()
    assert not at.exception


def test_range_is_remembered_across_pages(db_path):
    with Store(db_path) as store:
        demo.write_demo(store, 60, 3)
    at = dashboard()
    at.selectbox(key="range_preset").set_value("Last 4 weeks").run()
    at.switch_page("views/today.py").run()
    at.switch_page("views/dashboard.py").run()
    assert at.selectbox(key="range_preset").value == "Last 4 weeks"


def test_chart_cache_follows_data_changes(db_path):
    with Store(db_path) as store:
        demo.write_demo(store, 60, 3)
    at = dashboard()
    before = vega_specs(at)[0]
    with Store(db_path) as store:
        save_checkin(store, checkin_from_input(date=date.today(), pain=10, flare=True, source="demo"))
    at.run()
    after = vega_specs(at)[0]
    assert before != after
