"""Pages after a save: range-bounded loaders, charts cached by their input data, the report's
progress callback and bounded detail. Correctness of the speed work, not timings (see benchmarks/)."""

from __future__ import annotations

import itertools
import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from backcare import analysis, demo, ui
from backcare.models import checkin_from_input, session_from_input
from backcare.reports import ReportOptions, build_content, render_pdf, report_inputs
from backcare.reports.content import DETAIL_DAYS
from backcare.store import (
    Store,
    add_session,
    checkins_frame,
    first_checkin_date,
    get_checkin,
    save_checkin,
    sessions_frame,
)
from tests.conftest import APP


def open_page(name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(name).run()
    assert not at.exception, at.exception
    return at


def chart_titled(at: AppTest, title: str) -> Any:
    for element in at.get("vega_lite_chart"):
        text = json.loads(element.proto.spec).get("title")
        if (text if isinstance(text, str) else (text or {}).get("text")) == title:
            return element
    raise AssertionError(f"no chart titled {title!r}")


def values(element: Any) -> list[dict[str, Any]]:
    """Every data row Streamlit sent with a chart (its datasets travel as Arrow, beside the spec)."""
    frames = [dataframe_util.convert_arrow_bytes_to_pandas_df(d.data.data) for d in element.proto.datasets]
    return [row for frame in frames for row in frame.to_dict("records")]


def test_dashboard_charts_follow_a_save_from_another_connection(db_path):
    """Charts whose data changed are redrawn after a write from another tab; the others are kept."""
    today = date.today()
    with Store(db_path) as store:
        demo.write_demo(store, 60, 2)
    at = open_page("views/dashboard.py")
    minutes_before = values(chart_titled(at, "Weekly minutes by exercise type"))
    week_before = next(m for m in at.metric if m.label == "This week")
    with Store(db_path) as other:  # another tab or the CLI
        save_checkin(other, checkin_from_input(date=today, pain=9))
    at.run()
    pain_rows = [r for r in values(chart_titled(at, "Pain over time")) if "pain" in r]
    assert any(r["pain"] == 9 and str(r["date"]).startswith(today.isoformat()) for r in pain_rows)
    assert values(chart_titled(at, "Weekly minutes by exercise type")) == minutes_before
    with Store(db_path) as other:
        add_session(other, session_from_input(date=today, exercise_type="cycling", duration_min=123))
    at.run()
    minutes_after = values(chart_titled(at, "Weekly minutes by exercise type"))
    assert minutes_after != minutes_before
    assert sum(r["minutes"] for r in minutes_after) == sum(r["minutes"] for r in minutes_before) + 123
    # the headline, kept while only check-ins changed, follows the new session too
    week_after = next(m for m in at.metric if m.label == "This week")
    assert int(week_after.delta.split()[0]) == int(week_before.delta.split()[0]) + 123


def test_dashboard_headline_uses_the_days_before_a_short_range(db_path):
    """The range loader reaches back two weeks for 'last 7 days vs the 7 before' on any range."""
    today = date.today()
    with Store(db_path) as store:
        for back in range(14):
            save_checkin(
                store, checkin_from_input(date=today - timedelta(days=back), pain=2 if back < 7 else 6)
            )
    at = open_page("views/dashboard.py")
    at.selectbox(key="range_preset").set_value("Last 4 weeks").run()
    metric = next(m for m in at.metric if m.label == "Pain, last 7 days")
    assert metric.value == "2.0" and metric.delta == "-4.0"


def test_insights_details_are_the_profiles_next_day_rows(db_path):
    """Insights fits the next day for its cards, and the same day and two days later only when the
    person opens the lag chart, reusing the next day's fit: both equal the engine's own answers."""
    with Store(db_path) as store:
        demo.write_demo(store, 200, 4)
        checkins, sessions = checkins_frame(store), sessions_frame(store)
    at = open_page("views/insights.py")
    details = ui.insights_effects()
    expected = analysis.effect_details(checkins, sessions)
    assert details.round(9).equals(expected.reset_index(drop=True).round(9))
    profile = ui.insights_lag_profile()
    engine = analysis.lag_profile(checkins, sessions)
    assert profile.round(9).equals(engine.round(9))
    assert not at.exception


def open_insights(with_lags: bool) -> AppTest:
    at = open_page("views/insights.py")
    if with_lags:
        at.toggle(key="insights_show_lags").set_value(True).run()
        assert not at.exception, at.exception
    return at


def test_the_lag_chart_is_fitted_only_when_asked_for(db_path):
    """The same day and two days later are two more regressions: the page fits them, and draws their
    chart, only once the person turns the lag chart on."""
    with Store(db_path) as store:
        demo.write_demo(store, 300, 4)
    at = open_insights(with_lags=False)
    charts_off = [json.loads(c.proto.spec).get("title") for c in at.get("vega_lite_chart")]
    at.toggle(key="insights_show_lags").set_value(True).run()
    charts_on = [json.loads(c.proto.spec).get("title") for c in at.get("vega_lite_chart")]
    assert ["How the difference looks", "over the days after"] in charts_on
    assert ["How the difference looks", "over the days after"] not in charts_off
    assert len(charts_on) == len(charts_off) + 1


def insights_shown(at: AppTest) -> dict[str, Any]:
    """Everything the Insights page shows: texts, each chart's spec and data, the table."""
    assert not at.exception, at.exception
    return {
        "text": [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info],
        "charts": [(json.loads(c.proto.spec), values(c)) for c in at.get("vega_lite_chart")],
        "table": [d.value.to_csv() for d in at.dataframe],
    }


def test_insights_after_saves_shows_what_a_cold_start_shows(db_path, monkeypatch):
    """Insights kept open while another connection saves (today's check-in, then an old one, then a
    session with pain before and after) shows, after each save, exactly what a freshly started
    app computing everything from scratch shows: the per-block diary, the kept immediate effects
    and the dose chart filled into its cached layout are never stale."""
    import streamlit as st

    from backcare import aggregates
    from backcare.charts import specs
    from backcare.ui import chart_specs

    today = date.today()
    with Store(db_path) as store:
        demo.write_demo(store, 900, 5)
        with store.transaction() as conn:  # written long ago: blocks written seconds ago are always reread
            for table in ("checkins", "sessions"):
                conn.execute(f"UPDATE {table} SET updated_at = '2020-01-01T00:00:00Z'")
    at = open_insights(with_lags=True)
    shown = [insights_shown(at)]

    def flipped(db: Store, day: date, **more: Any) -> None:  # a pain far from the one saved that day
        saved = get_checkin(db, day)
        save_checkin(db, checkin_from_input(date=day, pain=0 if saved and saved["pain"] >= 5 else 10, **more))

    saves = [
        lambda db: flipped(db, today),
        lambda db: flipped(db, today - timedelta(days=500), time="07:00"),
        lambda db: add_session(db, session_from_input(date=today - timedelta(days=2), exercise_type="yoga",
                                                      duration_min=600, pain_before=9, pain_after=1)),
    ]  # fmt: skip
    for save in saves:
        with Store(db_path) as other:  # another tab or the command line
            save(other)
        at.run()
        warm = insights_shown(at)
        st.cache_data.clear()
        st.cache_resource.clear()
        monkeypatch.setattr(aggregates, "CACHE", aggregates.BlockCache())  # nothing kept from before
        monkeypatch.setattr(aggregates, "_SPANS", type(aggregates._SPANS)())
        monkeypatch.setattr(specs, "_layouts", type(specs._layouts)())
        monkeypatch.setattr(chart_specs, "_converted", chart_specs.Kept(64))
        monkeypatch.setattr(chart_specs, "_prepared", chart_specs.Kept(128))
        assert warm == insights_shown(open_insights(with_lags=True))
        shown.append(warm)
    titles = [[chart[0].get("title") for chart in page["charts"]] for page in shown]
    assert all(len(t) == 4 for t in titles) and titles[0] == titles[-1]
    for before, after in itertools.pairwise(shown):
        assert after["charts"] != before["charts"]  # each save changed what the page draws


def test_render_pdf_reports_progress_to_the_end(store):
    demo.write_demo(store, 60, 3)
    end = date.today()
    inputs = report_inputs(store, start=end - timedelta(days=59), end=end)
    content = build_content(inputs, ReportOptions(end - timedelta(days=59), end))
    calls: list[tuple[int, int]] = []
    pdf = render_pdf(content, inputs.checkins, inputs.sessions, progress=lambda d, t: calls.append((d, t)))
    assert pdf[:4] == b"%PDF"
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1] > 2
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert b"/DCTDecode" not in pdf and b"/Subtype /Image" in pdf  # charts embedded as images


def test_report_inputs_read_only_the_range(store):
    demo.write_demo(store, 400, 3)
    end = date.today()
    start = end - timedelta(days=29)
    inputs = report_inputs(store, start=start, end=end)
    assert inputs.checkins["date"].min().date() >= start
    assert inputs.sessions["date"].min().date() >= start
    assert first_checkin_date(store) < start


@pytest.mark.parametrize("days", [365, 3650])
def test_long_reports_keep_notes_and_grid_to_the_last_year(store, days):
    demo.write_demo(store, days, 3)
    end = date.today()
    start = end - timedelta(days=days - 1)
    content = build_content(report_inputs(store, start=start, end=end), ReportOptions(start, end))
    assert len(content.daily) <= DETAIL_DAYS // 7 + 2
    if days > DETAIL_DAYS:
        assert content.detail_from == end - timedelta(days=DETAIL_DAYS - 1)
        oldest = min(datetime.strptime(r["date"], "%d %b %Y").date() for r in content.notes)
        assert oldest >= content.detail_from
        assert content.days_in_range == days  # the summary still covers the whole range
    else:
        assert content.detail_from is None


def test_report_page_makes_the_pdf_with_progress_then_offers_it(db_path):
    with Store(db_path) as store:
        demo.write_demo(store, 90, 5)
    at = open_page("views/report.py")
    assert not [b for b in at.get("download_button")]
    at.button(key="report_make").click().run()
    assert not at.exception, at.exception
    made = at.session_state["_report_pdf"]
    assert made[1][:4] == b"%PDF"
    assert len(at.get("download_button")) == 1
    with Store(db_path) as other:  # a save makes the PDF stale: no download of old data
        save_checkin(other, checkin_from_input(date=date.today(), pain=1))
    at.run()
    assert not at.get("download_button")


def test_the_first_page_warms_what_other_pages_first_need(db_path, monkeypatch):
    """After the first page, a background thread loads every block and makes the Insights model:
    a first visit of Insights then rebuilds no block and shows exactly what it shows without the
    warm-up."""
    import threading

    import streamlit as st

    from backcare import aggregates

    with Store(db_path) as store:
        demo.write_demo(store, 400, 2)
        with store.transaction() as conn:  # written long ago: blocks written seconds ago are always reread
            for table in ("checkins", "sessions"):
                conn.execute(f"UPDATE {table} SET updated_at = '2020-01-01T00:00:00Z'")
    from backcare.reports import pdf

    monkeypatch.setattr(aggregates, "CACHE", aggregates.BlockCache())
    monkeypatch.setattr(pdf, "_warmed", [])  # as in a fresh process: the report engines not started
    at = AppTest.from_file(APP, default_timeout=120).run()
    warming = [t for t in threading.enumerate() if t.name == ui.WARM_THREAD]
    assert warming, "no warm-up thread after the first page"
    for thread in warming:
        thread.join(120)
    assert pdf._warmed, "the report's engines were not started, so the Report page would start them"
    built = aggregates.CACHE.rebuilt
    assert built > 0
    at.switch_page("views/insights.py").run()
    assert not at.exception, at.exception
    assert aggregates.CACHE.rebuilt == built  # every block Insights reads was ready
    warmed = [m.value for m in at.markdown]
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setattr(aggregates, "CACHE", aggregates.BlockCache())  # nothing kept from before
    cold = open_page("views/insights.py")
    assert [m.value for m in cold.markdown] == warmed


def test_background_work_waits_until_no_page_has_run_for_a_while():
    """The report's engines start at a pause: while a page runs, and for ``quiet`` seconds after it
    ended, wait_for_a_pause does not return (it gives up after ``at_most``)."""
    import threading
    import time

    from backcare.ui import diary

    ended = threading.Event()

    def one_page_run() -> None:
        with diary.page_run():
            time.sleep(0.6)
        ended.set()

    start = time.monotonic()
    worker = threading.Thread(target=one_page_run)
    worker.start()
    time.sleep(0.05)
    diary.wait_for_a_pause(quiet=0.3, at_most=30)
    waited = time.monotonic() - start
    assert ended.is_set() and waited >= 0.85, waited  # the run (0.6 s), then the quiet 0.3 s
    worker.join()
    start = time.monotonic()
    diary.wait_for_a_pause(quiet=5.0, at_most=0.5)  # never a pause long enough: gives up
    assert 0.45 <= time.monotonic() - start < 5.0


def test_the_warm_up_waits_while_a_page_runs(db_path, monkeypatch):
    """The background warm-up starts each step only while no page runs: a page opened right after
    the first one has the CPU to itself (measured by bench_browser, clicked at once)."""
    import threading
    import time

    from backcare import aggregates
    from backcare.reports import pdf
    from backcare.ui import diary

    with Store(db_path) as store:
        demo.write_demo(store, 120, 2)
    monkeypatch.setattr(aggregates, "CACHE", aggregates.BlockCache())
    monkeypatch.setattr(pdf, "_warmed", [True])  # the report's engines: not this test's subject
    release = threading.Event()

    def a_long_page_run() -> None:
        with diary.page_run():
            release.wait(30)

    page = threading.Thread(target=a_long_page_run)
    page.start()
    time.sleep(0.05)
    warm = threading.Thread(target=diary._warm, args=(str(db_path),))
    warm.start()
    time.sleep(1.0)
    assert aggregates.CACHE.rebuilt == 0 and warm.is_alive()  # nothing loaded while the page runs
    release.set()
    page.join()
    warm.join(60)
    assert aggregates.CACHE.rebuilt > 0 and not warm.is_alive()
