"""Dashboard in a real browser: charts render, a PNG downloads and is a valid image, a README screenshot."""

from __future__ import annotations

import struct
from datetime import date

import pytest
from playwright.sync_api import expect

from backcare import demo
from backcare.store import Store
from tests.e2e.conftest import wait_idle, watch_requests

pytestmark = pytest.mark.browser


def seed_demo(db) -> None:
    with Store(db) as store:
        demo.write_demo(store, 365, 7)


def test_dashboard_renders_charts_and_downloads_a_png(browser, make_app, tmp_path, offsite_requests):
    app = make_app(seed_demo)
    page = browser.new_page(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    watch_requests(page, offsite_requests)
    page.goto(app.url + "/dashboard")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible(timeout=30000)
    wait_idle(page)
    charts = page.get_by_test_id("stVegaLiteChart")
    expect(charts.first.locator("canvas, svg").first).to_be_visible(timeout=20000)
    expect(charts.nth(3)).to_be_visible(timeout=20000)  # at least four charts (they arrive one by one)
    page.wait_for_timeout(800)  # let Vega finish drawing before the screenshot
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

    page.get_by_role("button", name="Download", exact=True).first.click()
    with page.expect_download() as info:
        page.get_by_role("button", name="PNG image (2x)").click()
    download = info.value
    assert download.suggested_filename.startswith("backcare-pain-over-time-")
    assert download.suggested_filename.endswith(f"-to-{date.today().isoformat()}.png")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 600 and height > 300
    assert offsite_requests == []


def test_dashboard_on_a_phone_screen(browser, make_app):
    app = make_app(seed_demo)
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page.goto(app.url + "/dashboard")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible(timeout=30000)
    wait_idle(page)
    chart = page.get_by_test_id("stVegaLiteChart").first
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=20000)
    box = chart.bounding_box()
    assert box is not None and box["width"] <= 390  # fits the screen, no sideways scrolling
