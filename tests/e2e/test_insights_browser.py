"""Insights in a real browser: sentences and the forest plot render from a year of demo data (README screenshot)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from backcare import demo
from backcare.store import Store
from tests.e2e.conftest import wait_idle, watch_requests

pytestmark = pytest.mark.browser


def seed(db) -> None:
    with Store(db) as store:
        demo.write_demo(store, 365, 7)


def test_insights_page_shows_plain_sentences_and_the_forest_plot(
    browser, make_app, tmp_path, offsite_requests
):
    app = make_app(seed)
    page = browser.new_page(viewport={"width": 1280, "height": 1100})
    watch_requests(page, offsite_requests)
    page.goto(app.url + "/insights")
    expect(page.get_by_role("heading", name="Insights", exact=True)).to_be_visible(timeout=30000)
    wait_idle(page)
    expect(page.get_by_text("On days after Yoga, your pain was").first).to_be_visible(timeout=30000)
    chart = page.get_by_test_id("stVegaLiteChart").first
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=20000)
    page.wait_for_timeout(800)
    page.screenshot(path=str(tmp_path / "insights.png"))
    assert page.get_by_text("p-value").count() == 0
    assert offsite_requests == []
