"""A new person, in a real browser: logs pain, logs yoga, sees both in History; nothing leaves 127.0.0.1."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from backcare.store import Store, checkins_frame, sessions_frame
from tests.e2e.conftest import wait_idle, watch_requests

pytestmark = pytest.mark.browser


def choose_pain(page, value: int) -> None:
    page.get_by_role("radiogroup").first.get_by_text(str(value), exact=True).click()


def test_new_person_logs_pain_and_yoga_and_sees_both_in_history(
    browser, make_app, tmp_path, offsite_requests
):
    app = make_app()
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    watch_requests(page, offsite_requests)
    page.goto(app.url)
    expect(page.get_by_role("heading", name="How is your back today?")).to_be_visible(timeout=30000)
    choose_pain(page, 6)
    page.get_by_role("button", name="Save pain for this day").click()
    expect(page.get_by_text(re.compile(r"Saved: pain 6/10"))).to_be_visible(timeout=15000)
    wait_idle(page)
    expect(page.get_by_test_id("stVegaLiteChart").locator("canvas, svg").first).to_be_visible(timeout=15000)
    page.screenshot(path=str(tmp_path / "today.png"), full_page=True)

    page.get_by_role("link", name="Log exercise").click()
    expect(page.get_by_role("heading", name="Log an exercise session")).to_be_visible(timeout=15000)
    page.get_by_label("Exercise type").click()
    page.get_by_role("option", name="Yoga").click()
    wait_idle(page)
    page.get_by_label("Minutes").fill("40")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text(re.compile(r"Saved: 40 min of Yoga"))).to_be_visible(timeout=15000)

    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible(timeout=15000)
    wait_idle(page)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    page.get_by_text("Exercise sessions", exact=True).click()
    wait_idle(page)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()

    with Store(app.db) as store:
        assert checkins_frame(store)["pain"].tolist() == [6]
        assert sessions_frame(store)[["exercise_type", "duration_min"]].values.tolist() == [["yoga", 40]]
    assert offsite_requests == [], f"requests left the machine: {offsite_requests}"


def test_two_browser_sessions_saving_at_the_same_moment_both_land(browser, make_app):
    app = make_app()
    contexts = [browser.new_context() for _ in range(2)]
    pages = [c.new_page() for c in contexts]
    for page in pages:
        page.goto(app.url + "/log_exercise")
    for page, minutes in zip(pages, ("21", "34"), strict=True):
        expect(page.get_by_role("heading", name="Log an exercise session")).to_be_visible(timeout=30000)
        wait_idle(page)
        page.get_by_label("Minutes").fill(minutes)
    buttons = [p.get_by_role("button", name="Save session") for p in pages]
    # click both without waiting in between: the two reruns hit the server together
    buttons[0].click(no_wait_after=True)
    buttons[1].click(no_wait_after=True)
    for page in pages:
        expect(page.get_by_text(re.compile(r"Saved: \d+ min"))).to_be_visible(timeout=20000)
    with Store(app.db) as store:
        assert sorted(sessions_frame(store)["duration_min"].tolist()) == [21, 34]
    for c in contexts:
        c.close()
