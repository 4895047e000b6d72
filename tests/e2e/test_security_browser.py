"""In a real browser: every page renders, and no request ever leaves 127.0.0.1, even when user text looks
like a remote image link."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from backcare import demo
from backcare.models import checkin_from_input, session_from_input
from backcare.store import Store, add_exercise_type, add_session, save_checkin
from tests.e2e.conftest import wait_idle, watch_requests

pytestmark = pytest.mark.browser
TRAP = "![pic](http://203.0.113.9/trap.png) <img src=http://203.0.113.9/t2.png>"


def seed(db) -> None:
    with Store(db) as store:
        demo.write_demo(store, 60, 2)
        key = add_exercise_type(store, "Trap ![i](http://203.0.113.9/type.png)")
        for n in range(3):
            day = date.today() - timedelta(days=n)
            add_session(store, session_from_input(date=day, exercise_type=key, duration_min=15, notes=TRAP))
        save_checkin(store, checkin_from_input(date=date.today(), pain=4, notes=TRAP))


def test_no_offsite_requests_on_any_page(browser, make_app, offsite_requests):
    app = make_app(seed)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    watch_requests(page, offsite_requests)
    for path in (
        "",
        "/log_exercise",
        "/dashboard",
        "/insights",
        "/experiments",
        "/history",
        "/guide",
        "/report",
        "/data",
        "/settings",
    ):
        page.goto(app.url + path)
        expect(page.get_by_test_id("stSidebar")).to_be_visible(timeout=30000)
        wait_idle(page)
        assert page.get_by_test_id("stException").count() == 0, path  # every page renders without an error
    page.goto(app.url + "/insights")
    expect(page.get_by_text("Trap ![i](http://203.0.113.9/type.png)").first).to_be_visible(timeout=30000)
    assert page.locator("img[src*='203.0.113.9']").count() == 0
    assert offsite_requests == []
