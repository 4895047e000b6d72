"""Data page in a real browser: upload an Apple Health export, preview, import with progress, nothing twice."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from backcare.store import Store, sessions_frame, symptom_records_frame
from tests.conftest import FIXTURES
from tests.e2e.conftest import wait_idle, watch_requests

pytestmark = pytest.mark.browser
APPLE = FIXTURES / "imports" / "apple_health_export_ios16_broken_dtd.xml"


def uploader(page):
    """The import file input (the page has other uploaders for restoring)."""
    box = page.get_by_test_id("stFileUploader").filter(has_text="Export file")
    return box.get_by_test_id("stFileUploaderDropzoneInput")


def test_upload_preview_and_import_apple_health(browser, make_app, offsite_requests):
    app = make_app()
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    watch_requests(page, offsite_requests)
    page.goto(app.url + "/data")
    expect(page.get_by_role("heading", name="Your data", exact=True)).to_be_visible(timeout=30000)
    uploader(page).set_input_files(str(APPLE))
    expect(page.get_by_text("Preview (nothing saved yet)")).to_be_visible(timeout=30000)
    expect(page.get_by_text("Found 4 exercise sessions and 2 back-pain records")).to_be_visible()
    with Store(app.db) as store:
        assert len(sessions_frame(store)) == 0  # preview wrote nothing
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("Added 4 sessions and 2 back-pain records.")).to_be_visible(timeout=30000)
    wait_idle(page)
    with Store(app.db) as store:
        assert len(sessions_frame(store)) == 4 and len(symptom_records_frame(store)) == 2
    # the same file again adds nothing
    uploader(page).set_input_files(str(APPLE))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("were already in your diary")).to_be_visible(timeout=30000)
    with Store(app.db) as store:
        assert len(sessions_frame(store)) == 4
    assert offsite_requests == []


def test_wrong_file_gets_a_clear_message(browser, make_app, tmp_path):
    app = make_app()
    page = browser.new_page()
    page.goto(app.url + "/data")
    expect(page.get_by_role("heading", name="Your data", exact=True)).to_be_visible(timeout=30000)
    bad = tmp_path / "notes.xml"
    bad.write_text("<notes>hello</notes>")
    uploader(page).set_input_files(str(bad))
    expect(page.get_by_text("notes.xml: this is not an Apple Health export")).to_be_visible(timeout=30000)


def test_backup_download_and_restore_from_the_page(browser, make_app, tmp_path):
    from backcare.models import checkin_from_input
    from backcare.store import checkins_frame, save_checkin

    app = make_app()
    with Store(app.db) as store:
        save_checkin(store, checkin_from_input(date="2026-03-01", pain=6, notes="kept in the backup"))
    page = browser.new_page(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page.goto(app.url + "/data")
    expect(page.get_by_role("heading", name="Your data", exact=True)).to_be_visible(timeout=30000)
    wait_idle(page)
    with page.expect_download(timeout=30000) as info:
        page.get_by_role("button", name="Download a backup now").click()
    backup = tmp_path / info.value.suggested_filename
    info.value.save_as(backup)
    assert backup.read_bytes()[:16] == b"SQLite format 3\x00"
    with Store(app.db) as store:  # a change after the backup, which the restore must undo
        save_checkin(store, checkin_from_input(date="2026-03-02", pain=9, notes="made after the backup"))
    page.get_by_role("button", name="Restore a backup").click()
    box = page.get_by_test_id("stFileUploader").filter(has_text="Backup file")
    box.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(backup))
    wait_idle(page)
    page.get_by_text("Replace my diary with this backup").click()
    wait_idle(page)
    page.get_by_role("button", name="Restore", exact=True).click()
    expect(page.get_by_text("Your previous diary was kept as")).to_be_visible(timeout=30000)
    with Store(app.db) as store:
        assert checkins_frame(store)["notes"].tolist() == ["kept in the backup"]
