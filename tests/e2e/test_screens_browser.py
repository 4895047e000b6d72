"""Every page, as a person sees it in Chromium at 1280 px and at 390 px, on an empty diary and on a
year of demo data: no console error or warning, charts that drew readable marks, no serious or
critical axe-core finding, and a full-page screenshot of each (paths printed, temporary folder)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from backcare import config, demo
from backcare.store import Store
from tests.e2e import seeing

pytestmark = pytest.mark.browser


LAG_TOGGLE = "Show how the difference looks over the days after"


def seed_year(db: Path) -> None:
    """A year of deterministic demo data in the person's own diary, with an experiment running for
    60 days (its per-period chart was clipped and squeezed)."""
    from datetime import date, timedelta

    from backcare.records import ExperimentPlan
    from backcare.store import start_experiment

    with Store(db) as store:
        demo.write_demo(store, 365, 7)
        start_experiment(store, ExperimentPlan("yoga", date.today() - timedelta(days=60), seed=5))


@pytest.mark.parametrize("width", list(seeing.WIDTHS))
@pytest.mark.parametrize("diary", ["empty", "year"])
def test_every_page_is_clean_readable_and_accessible(browser, make_app, tmp_path, capsys, diary, width):
    app = make_app(seed_year if diary == "year" else None)
    folder = tmp_path / "screens"
    w = seeing.WIDTHS[width][0]
    problems: list[str] = []
    charts_seen = 0
    for path, heading in seeing.PAGES.items():
        page = seeing.new_page(browser, width)
        console = seeing.Console(app.url)
        console.attach(page)
        page.goto(f"{app.url}/{path}")
        seeing.settle(page, heading)
        if path == "insights" and diary == "year":  # the lag chart is drawn once it is asked for
            page.get_by_text(LAG_TOGGLE, exact=True).click()
            seeing.settle(page, heading)
            assert any("How the difference looks" in c["title"] for c in seeing.chart_report(page))
        name = path or "today"
        shot = seeing.full_screenshot(page, folder / f"{diary}-{name}-{w}.png")
        with capsys.disabled():
            print(f"\nscreenshot: {shot}")
        charts_seen += len(seeing.chart_report(page))
        problems += [f"{name}: {p}" for p in seeing.chart_problems(page)]
        problems += [f"{name}: axe {v}" for v in seeing.axe_violations(page)]
        problems += [f"{name}: console {c}" for c in console.problems]
        page.close()
    assert problems == [], "\n".join(problems)
    if diary == "year":
        assert charts_seen >= 11  # Today 1, Dashboard 5, Insights 4 (lag chart on), Experiments 1 drew


def _sidebar_covers_main(page) -> bool:
    """Whether an open sidebar lies over the page's content (rather than beside it, or closed)."""
    sidebar = page.get_by_test_id("stSidebar")
    if sidebar.get_attribute("data-collapsed") == "true":
        return False
    side, main = sidebar.bounding_box(), page.get_by_test_id("stMainBlockContainer").bounding_box()
    return side is not None and main is not None and main["x"] < side["x"] + side["width"] - 1


def seed_lifting(db: Path) -> None:
    """One strength session with two movements (History's movement editor has rows to change)."""
    from datetime import date, timedelta

    from backcare.models import session_from_input
    from backcare.store import add_session

    with Store(db) as store:
        add_session(
            store,
            session_from_input(
                date=date.today() - timedelta(days=1), exercise_type="strength", duration_min=30,
                movements=[{"name": "Squat", "sets": 3, "reps": 10, "weight_kg": 40}, "Plank"],
            ),
        )  # fmt: skip


def test_after_choosing_a_page_the_navigation_no_longer_covers_it(browser, make_app):
    """A narrow laptop window (740 px, mouse): below Streamlit's 768 px breakpoint the open sidebar lies
    over the page, and Streamlit closed it after a page change only for a phone's user agent. (On a
    phone, 390 px with touch, the demo-mode test below checks the same.)"""
    app = make_app(seed_lifting)
    page = browser.new_page(viewport={"width": 740, "height": 900})
    page.goto(app.url)
    seeing.settle(page, seeing.PAGES[""])
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_have_attribute("data-collapsed", "true")  # closed on a narrow screen from the start
    for name, heading in (("Dashboard", "Dashboard"), ("History", "History")):
        page.get_by_test_id("stExpandSidebarButton").click()
        expect(sidebar).to_have_attribute("data-collapsed", "false")
        page.wait_for_timeout(500)  # the sidebar slides in
        assert _sidebar_covers_main(page)  # open, it lies over the page at this width
        page.get_by_role("link", name=name).click()
        seeing.settle(page, heading)
        expect(sidebar).to_have_attribute("data-collapsed", "true")  # one tap per page change
        assert not _sidebar_covers_main(page)
    # at 800 px (above the 768 px breakpoint) the sidebar sits beside the page
    page.set_viewport_size({"width": 800, "height": 900})
    page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_role("link", name="Dashboard").click()
    seeing.settle(page, "Dashboard")
    assert not _sidebar_covers_main(page)


HOSTILE = "![p](http://203.0.113.9/pixel.png) [link](http://203.0.113.9/x) <img src=http://203.0.113.9/i.png>"


def seed_hostile(db: Path) -> None:
    """A year of demo data plus user-supplied text that would fetch from another host if it were
    rendered as Markdown or HTML: a red-flag answer, notes, medication and a custom type name."""
    from datetime import date

    from backcare.models import checkin_from_input, session_from_input
    from backcare.store import add_exercise_type, add_session, save_checkin, save_red_flag_check

    seed_year(db)
    with Store(db) as store:
        key = add_exercise_type(store, "Tai chi " + HOSTILE[:40])
        add_session(
            store, session_from_input(date=date.today(), exercise_type=key, duration_min=20, notes=HOSTILE)
        )
        save_checkin(
            store, checkin_from_input(date=date.today(), pain=4, notes=HOSTILE, medication=HOSTILE[:100])
        )
        save_red_flag_check(store, date.today(), ["fever", HOSTILE], "urgent")


def test_user_text_is_plain_on_every_page_and_nothing_is_fetched_from_another_host(browser, make_app):
    from tests.e2e.conftest import watch_requests

    app = make_app(seed_hostile)
    offsite: list[str] = []
    for path, heading in seeing.PAGES.items():
        page = seeing.new_page(browser, "laptop")
        watch_requests(page, offsite)
        page.goto(f"{app.url}/{path}")
        seeing.settle(page, heading)
        page.close()
    assert offsite == []


def test_demo_mode_is_unmistakable_on_every_page_and_survives_a_reload(browser, make_app):
    from backcare.store import checkins_frame

    app = make_app()
    page = seeing.new_page(browser, "phone")
    page.goto(app.url)
    seeing.settle(page, seeing.PAGES[""])
    page.get_by_role("button", name="Explore with demo data first").click()
    expect(page.get_by_text("Demo diary", exact=False).first).to_be_visible(timeout=30000)
    page.reload()
    seeing.settle(page, seeing.PAGES[""])
    assert page.url.endswith("?demo=1")
    expect(page.get_by_text("The demo diary has", exact=False)).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_have_attribute("data-collapsed", "true")  # closed on a phone from the start
    page.get_by_test_id("stExpandSidebarButton").click()
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    page.wait_for_timeout(500)  # the sidebar slides in
    assert _sidebar_covers_main(page)
    page.get_by_role("link", name="History").click()
    seeing.settle(page, "History")
    expect(sidebar).to_have_attribute("data-collapsed", "true")  # one tap per page change
    assert not _sidebar_covers_main(page)
    expect(page.get_by_text("Demo diary", exact=False).first).to_be_visible()  # in the main area
    with Store(app.db) as own:
        assert checkins_frame(own).empty
    with Store(config.demo_db_path(app.db)) as demo_diary:
        assert len(checkins_frame(demo_diary)) > 100


@pytest.mark.parametrize("diary", ["empty", "year"])
def test_on_a_phone_the_pain_choice_and_save_are_on_the_first_screen(browser, make_app, diary):
    app = make_app(seed_year if diary == "year" else None)
    page = seeing.new_page(browser, "phone")
    page.goto(app.url)
    seeing.settle(page, seeing.PAGES[""])
    height = seeing.WIDTHS["phone"][1]
    for target in (
        page.get_by_role("radiogroup").first,
        page.get_by_role("button", name="Save pain for this day"),
    ):
        box = target.bounding_box()
        assert box is not None and box["y"] + box["height"] <= height, (diary, box)
