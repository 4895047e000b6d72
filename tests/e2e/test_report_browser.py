"""Report page in a real browser: download the PDF and open it with pdftotext."""

from __future__ import annotations

import subprocess

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from backcare import demo
from backcare.store import Store
from tests.e2e.conftest import wait_idle, watch_requests

pytestmark = pytest.mark.browser


def seed(db) -> None:
    with Store(db) as store:
        demo.write_demo(store, 200, 11)


def test_download_the_pdf_report(browser, make_app, tmp_path, offsite_requests):
    app = make_app(seed)
    page = browser.new_page(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    watch_requests(page, offsite_requests)
    page.goto(app.url + "/report")
    expect(page.get_by_role("heading", name="Report for your doctor")).to_be_visible(timeout=30000)
    wait_idle(page)
    name = page.get_by_label("Your name on the report (optional)")
    expect(name).to_be_visible(timeout=30000)
    name.fill("Sam Example")
    page.keyboard.press("Enter")
    page.wait_for_timeout(1000)  # the status widget appears only after a short delay
    wait_idle(page)
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    page.get_by_role("button", name="Make the PDF report").click()
    expect(page.get_by_role("button", name="Download the PDF report")).to_be_visible(timeout=30000)
    wait_idle(page)
    download = None
    for _ in range(3):  # a click that lands during a rerun is dropped by the browser; try again
        try:
            with page.expect_download(timeout=30000) as info:
                page.get_by_role("button", name="Download the PDF report").click()
            download = info.value
            break
        except PlaywrightTimeout:
            wait_idle(page)
    assert download is not None, "the PDF never downloaded"
    assert download.suggested_filename.startswith(
        "backcare-report-"
    ) and download.suggested_filename.endswith(".pdf")
    path = tmp_path / "report.pdf"
    download.save_as(path)
    assert path.read_bytes()[:4] == b"%PDF"
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Sam Example" in text and "Back pain and exercise diary" in text and "Page 1 of" in text
    assert offsite_requests == []
