"""On a phone-sized Chromium (390 px, touch) against `serve --lan` with TLS on 127.0.0.1: the password,
pain in two taps, a session, History, a reload that keeps the login, and nothing leaving 127.0.0.1.
Also: a download made in an authenticated tab cannot be fetched again from its /media URL.

Screenshots go to tmp_path, or to $BACKCARE_SCREENSHOT_DIR when `make phone-screenshots` asks for them."""

from __future__ import annotations

import os
import re
import ssl
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from backcare import auth, config
from backcare.store import Store, checkins_frame, save_red_flag_check, sessions_frame
from tests.e2e.conftest import ROOT, free_port, wait_idle, watch_requests

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"
PHONE = {
    "viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
    "has_touch": True, "ignore_https_errors": True,
    "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0 Mobile Safari/537.36",
}  # fmt: skip


def _seed(db: Path) -> None:
    with Store(db) as store:
        save_red_flag_check(store, date.today(), [], "none")  # the first-day safety check is done
    auth.save_record(config.auth_path(db), auth.hash_password(PASSWORD))


@pytest.fixture
def lan_app(tmp_path):
    """`python -m backcare serve --lan` on 127.0.0.1 with the certificate it makes in tmp_path."""
    db = tmp_path / "phone.db"
    _seed(db)
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "backcare", "--db", str(db), "serve", "--lan", "--address", "127.0.0.1",
             "--port", str(port)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
    url = f"https://127.0.0.1:{port}"
    unverified = ssl.create_default_context()
    unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE
    deadline = time.monotonic() + 60
    try:
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"serve --lan did not start:\n{log.read_text()}")
            try:
                if (
                    urllib.request.urlopen(url + "/_stcore/health", context=unverified, timeout=1).read()
                    == b"ok"
                ):
                    break
            except OSError:
                time.sleep(0.2)
        yield url, db
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("BACKCARE_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _in_view(locator, height: int = 844) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def _choose_page(page, name: str) -> None:
    """Two taps: open the sidebar, choose the page; the sidebar then closes by itself."""
    sidebar = page.get_by_test_id("stSidebar")
    page.get_by_test_id("stExpandSidebarButton").tap()
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    page.get_by_role("link", name=name).tap()
    expect(sidebar).to_have_attribute("data-collapsed", "true")


def test_phone_over_https_password_two_tap_pain_session_history(browser, lan_app, tmp_path, offsite_requests):
    url, db = lan_app
    shots = _shots(tmp_path)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    watch_requests(page, offsite_requests)
    page.goto(url)
    password = page.get_by_label("Password", exact=True)
    expect(password).to_be_visible(timeout=30000)
    page.screenshot(path=str(shots / "phone-login.png"))
    password.fill("not the password")
    page.get_by_role("button", name="Open my diary").tap()
    expect(page.get_by_text("That password is not right.")).to_be_visible(timeout=15000)
    assert page.get_by_role("heading", name="How is your back today?").count() == 0

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Open my diary").tap()
    expect(page.get_by_role("heading", name="How is your back today?")).to_be_visible(timeout=30000)
    wait_idle(page)
    choice = page.get_by_role("radiogroup").first
    save = page.get_by_role("button", name="Save pain for this day")
    assert _in_view(choice) and _in_view(save), (
        "the pain choice and Save must show without scrolling at 390 px"
    )
    page.screenshot(path=str(shots / "phone-today.png"))

    chosen = 6
    choice.get_by_text(str(chosen), exact=True).tap()  # tap 1
    save.tap()  # tap 2
    expect(page.get_by_text(re.compile(rf"Saved: pain {chosen}/10"))).to_be_visible(timeout=15000)

    _choose_page(page, "Log exercise")  # taps 1-2
    expect(page.get_by_role("heading", name="Log an exercise session")).to_be_visible(timeout=15000)
    wait_idle(page)
    page.get_by_role("button", name="Save session").tap()  # tap 3: defaults are enough
    expect(page.get_by_text(re.compile(r"Saved: \d+ min of"))).to_be_visible(timeout=15000)
    wait_idle(page)
    page.screenshot(path=str(shots / "phone-session.png"))

    page.reload()  # the login survives a reload (signed token in the address)
    expect(page.get_by_role("heading", name="Log an exercise session")).to_be_visible(timeout=30000)
    _choose_page(page, "History")
    expect(page.get_by_role("heading", name="History")).to_be_visible(timeout=15000)
    wait_idle(page)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    # The grid draws on a canvas (no text in the DOM): its rows are checked in the diary below, and the
    # screenshot shows the row.
    page.screenshot(path=str(shots / "phone-history.png"))

    with Store(db) as store:
        assert checkins_frame(store)["pain"].tolist() == [chosen]
        assert len(sessions_frame(store)) == 1
    assert offsite_requests == [], f"requests left the machine: {offsite_requests}"
    context.close()


def test_a_download_cannot_be_fetched_again_without_the_password(browser, make_app, tmp_path):
    """Issue 16 item 8: the backup's /media URL answers once (the download itself), then never.
    Issue 13: a deep link (/data) opened before the password lands on that page after it."""
    app = make_app(_seed)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(app.url + "/data")  # a deep link: after the password the person lands where they asked
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Open my diary").click()
    expect(page.get_by_role("heading", name="Your data", exact=True)).to_be_visible(timeout=30000)
    assert page.url.split("?")[0].endswith("/data")
    wait_idle(page)
    with (
        page.expect_response(lambda r: "/media/" in r.url, timeout=30000) as checked,
        page.expect_download(timeout=30000) as started,
    ):
        page.get_by_role("button", name="Download a backup now").click()
    download = started.value
    assert checked.value.status == 200  # Streamlit's page checks the address, then downloads it
    saved = tmp_path / "backup.db"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"SQLite format 3")
    assert "/media/" in download.url
    context.close()
    stranger = browser.new_context()
    answer = stranger.request.get(download.url)
    assert answer.status == 404, "the backup stayed downloadable without the password"
    stranger.close()
