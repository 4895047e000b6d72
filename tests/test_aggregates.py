"""Frames kept per four-week block (backcare/aggregates.py) and the narrow analysis inputs: always
the same as building everything from scratch, rebuilt only where a write touched, and never stale
on a page after an edit of an old week and a recent one. Correctness only; timings are in benchmarks/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from backcare import aggregates, analysis, demo
from backcare.analysis.diary import Diary, build_diary
from backcare.models import checkin_from_input, session_from_input
from backcare.store import (
    Store,
    add_exercise_type,
    add_session,
    analysis_checkins,
    analysis_sessions,
    checkins_frame,
    delete_sessions,
    get_checkin,
    save_checkin,
    sessions_frame,
)
from tests.conftest import APP, demo_store
from tests.test_after_save import values

END = date(2026, 3, 15)  # fixed: the blocks a range covers never depend on today's date
OLD, RECENT = END - timedelta(days=300), END - timedelta(days=3)
READERS = {
    "checkins": checkins_frame,
    "sessions": sessions_frame,
    "analysis_checkins": analysis_checkins,
    "analysis_sessions": analysis_sessions,
}
RANGES = [(None, None), (END - timedelta(days=90), END), (OLD - timedelta(days=17), OLD + timedelta(days=40)),
          (None, OLD), (END + timedelta(days=1), None)]  # fmt: skip


@pytest.fixture
def diary(tmp_path: Path) -> Iterator[Store]:
    """400 demo days."""
    yield from demo_store(tmp_path / "diary.db", 400, 3, END)


def assert_all_equal(cache: aggregates.BlockCache, store: Store) -> None:
    for table, reader in READERS.items():
        for start, end in RANGES:
            expected = reader(store, start, end)
            got = cache.frame(store, "diary", table, start, end)
            pd.testing.assert_frame_equal(got, expected, obj=f"{table} {start}..{end}")


def edit_old_and_recent(store: Store) -> int:
    """An old and a recent check-in get new pain, notes and locations; a session in the old week is
    replaced by one of a renamed new type with movements; one recent session goes. Returns the
    replaced session's new id."""
    for day, pain in ((OLD, 9), (RECENT, 0)):
        old = get_checkin(store, day)
        assert old is not None and old["pain"] != pain
        save_checkin(
            store,
            checkin_from_input(date=day, pain=pain, notes=f"edited {day}", locations=["neck"], time="07:15"),
        )
    old_session = sessions_frame(store, OLD, OLD)
    recent = sessions_frame(store, RECENT - timedelta(days=6), RECENT)
    delete_sessions(store, [int(old_session["id"].iloc[0]), int(recent["id"].iloc[-1])])
    key = add_exercise_type(store, "Hydrotherapy")
    return add_session(
        store,
        session_from_input(date=OLD, exercise_type=key, duration_min=40, pain_before=6, pain_after=4,
                           movements=["Bridge", "Cat-cow"]),
    )  # fmt: skip


def test_block_frames_equal_the_stores_frames_before_and_after_edits(diary):
    """Every table and range, before and after edits far apart: the joined blocks are exactly the
    store's frame (values, order and dtypes, including a text column empty in some blocks)."""
    cache = aggregates.BlockCache()
    assert_all_equal(cache, diary)
    edit_old_and_recent(diary)
    assert_all_equal(cache, diary)
    frame = cache.frame(diary, "diary", "sessions", None, None)
    hydro = frame[frame["type_name"] == "Hydrotherapy"]
    assert len(hydro) == 1 and hydro["movements"].iloc[0] == "Bridge; Cat-cow"


def test_a_save_rebuilds_only_the_blocks_it_touched(diary):
    """After a save of one day, only that day's block is rebuilt for each table; an edit of an old
    and a recent week rebuilds two blocks; a type's new name rebuilds the sessions (names are
    summarised for the whole diary)."""
    cache = aggregates.BlockCache()
    for table in READERS:
        cache.frame(diary, "diary", table, None, None)
    blocks = len({aggregates.block_of(d) for d in checkins_frame(diary)["date"].dt.date})
    assert blocks >= 14 and cache.rebuilt >= 2 * blocks  # a first load builds every block
    before = cache.rebuilt
    save_checkin(diary, checkin_from_input(date=RECENT, pain=1))
    for table in READERS:
        cache.frame(diary, "diary", table, None, None)
    assert cache.rebuilt - before == 2  # the check-in tables' one block; the sessions tables none
    before = cache.rebuilt
    edit_old_and_recent(diary)  # also adds a type: the full session frames show type names
    for table in READERS:
        cache.frame(diary, "diary", table, None, None)
    session_blocks = len({aggregates.block_of(d) for d in sessions_frame(diary)["date"].dt.date})
    assert cache.rebuilt - before == 2 + 2 + 2 + session_blocks
    before = cache.rebuilt
    with diary.transaction() as conn:  # a type renamed from elsewhere (no session row changes)
        conn.execute("UPDATE exercise_types SET name = 'Water therapy' WHERE name = 'Hydrotherapy'")
    frame = cache.frame(diary, "diary", "sessions", None, None)
    assert cache.rebuilt - before == len({aggregates.block_of(d) for d in frame["date"].dt.date})
    assert (frame["type_name"] == "Water therapy").sum() == 1


def test_two_writes_in_the_same_second_are_both_seen(diary):
    """updated_at has whole seconds: a block read between two quick writes is read again after the
    second one, whatever its summary says."""
    cache = aggregates.BlockCache()
    for pain in (9, 8, 7):
        save_checkin(diary, checkin_from_input(date=OLD, pain=pain))
        frame = cache.frame(diary, "diary", "analysis_checkins", None, None)
        assert frame.loc[frame["date"] == pd.Timestamp(OLD), "pain"].tolist() == [pain]


def test_the_analysis_gives_the_same_answers_on_the_narrow_inputs(diary):
    """The Insights page reads only a few columns: the effects, the lag profile, the immediate
    effects and the weekly dose table are identical to those computed from the full frames."""
    edit_old_and_recent(diary)
    full = checkins_frame(diary), sessions_frame(diary)
    narrow = analysis_checkins(diary), analysis_sessions(diary)
    assert len(narrow[1].columns) < len(full[1].columns) / 2
    pd.testing.assert_frame_equal(analysis.lag_profile(*narrow), analysis.lag_profile(*full))
    pd.testing.assert_frame_equal(analysis.immediate_effects(narrow[1]), analysis.immediate_effects(full[1]))
    pd.testing.assert_frame_equal(analysis.dose_table(*narrow), analysis.dose_table(*full))
    # the page's inputs: every session, and only the rows from dose_start for the same dose table
    inputs = aggregates.insights_inputs(diary, "diary")
    pd.testing.assert_frame_equal(inputs.sessions, narrow[1])
    since = analysis.dose_start(END)
    pd.testing.assert_frame_equal(inputs.recent[0], analysis_checkins(diary, since))
    pd.testing.assert_frame_equal(inputs.recent[1], analysis_sessions(diary, since))


def test_the_dose_table_reads_only_its_weeks(tmp_path):
    """After two years, the page's dose table is made of the rows from dose_start only, and is the
    table made of every row."""
    with Store(tmp_path / "long.db") as store:
        demo.write_demo(store, 900, 3, end=END)
        inputs = aggregates.insights_inputs(store, "long")
        full = checkins_frame(store), sessions_frame(store)
    assert inputs.recent[0]["date"].min() == pd.Timestamp(analysis.dose_start(END)) > full[0]["date"].min()
    assert len(inputs.recent[0]) < len(full[0]) and len(inputs.recent[1]) < len(full[1])
    weeks = analysis.DOSE_WEEKS
    pd.testing.assert_frame_equal(
        analysis.dose_table(*inputs.recent, weeks=weeks), analysis.dose_table(*full, weeks=weeks)
    )
    assert len(analysis.dose_table(*full, weeks=weeks)) >= 90


def assert_same_diary(got: Diary, expected: Diary) -> None:
    assert got.days.equals(expected.days) and got.types == expected.types
    for name in ("pain", "baseline", "timed", "done", "weeks", "weekday"):
        a, b = getattr(got, name), getattr(expected, name)
        assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True), name


def test_the_insights_diary_laid_out_per_block_is_build_diarys(diary, monkeypatch):
    """The Insights model's diary, laid out per block and joined, is exactly build_diary's of the
    whole diary, and so is the lag profile made from it; after edits of an old and a recent week
    (timed ratings, pain before a session, a new type) and sessions before the first and after the
    last check-in, only the touched blocks are laid out again."""
    monkeypatch.setattr(aggregates, "CACHE", aggregates.BlockCache())
    monkeypatch.setattr(aggregates, "_SPANS", type(aggregates._SPANS)())

    def from_scratch() -> Diary:
        return build_diary(analysis_checkins(diary), analysis_sessions(diary))

    first = aggregates.insights_inputs(diary, "diary").diary
    assert_same_diary(first, from_scratch())
    assert len(first.days) == 400 and first.timed.any() and not first.timed.all()
    spans, years = aggregates._SPANS["diary"]
    edit_old_and_recent(diary)
    far = add_exercise_type(diary, "Tai chi")  # logged only before the first and after the last check-in
    for day in (END - timedelta(days=420), END + timedelta(days=30)):
        add_session(diary, session_from_input(date=day, exercise_type=far, duration_min=20, pain_before=3))
    edited = aggregates.insights_inputs(diary, "diary").diary
    assert_same_diary(edited, from_scratch())
    assert far in edited.types and not edited.done[:, edited.types.index(far)].any()
    assert edited.days[0] == first.days[0] and edited.days[-1] == first.days[-1]
    assert not np.array_equal(edited.pain, first.pain, equal_nan=True)
    now, now_years = aggregates._SPANS["diary"]
    laid_out = [span for span in now.values() if span not in spans.values()]
    assert 3 <= len(laid_out) <= 5  # the old, the recent (and the week before), the two far sessions
    # Years are merged again only where a block changed: every year here had one, but a save today
    # leaves the older years' merged spans as they were.
    assert len(now_years) >= 2 and not set(now_years.values()) & set(years.values())
    full = checkins_frame(diary), sessions_frame(diary)
    pd.testing.assert_frame_equal(analysis.diary_lag_profile(edited), analysis.lag_profile(*full))
    add_session(diary, session_from_input(date=END, exercise_type=far, duration_min=20, pain_before=3))
    assert_same_diary(aggregates.insights_inputs(diary, "diary").diary, from_scratch())
    later = aggregates._SPANS["diary"][1]
    kept = [key for key in later if later[key] is now_years.get(key)]
    assert len(kept) == len(later) - 1  # only the last year was merged again


def test_blocks_laid_out_in_one_pass_are_each_blocks_own(diary):
    """A first load lays out every block in one pass (lay_out_many) and cuts it: each span is
    exactly lay_out's of that block alone, for blocks with timed ratings, pain before a session, a
    type of their own, no sessions at all, no check-ins at all, and blocks far apart."""
    from backcare.analysis.diary import lay_out, lay_out_many

    edit_old_and_recent(diary)
    far = add_exercise_type(diary, "Tai chi")
    add_session(diary, session_from_input(date=END + timedelta(days=60), exercise_type=far, duration_min=20))
    with diary.transaction() as conn:  # a block with check-ins and no sessions
        conn.execute(
            "DELETE FROM sessions WHERE date BETWEEN ? AND ?",
            [str(OLD + timedelta(days=30)), str(OLD + timedelta(days=90))],
        )
    cache = aggregates.BlockCache()
    checkins = cache.blocks(diary, "d", "analysis_checkins", cache.look(diary, "analysis_checkins"))
    sessions = cache.blocks(diary, "d", "analysis_sessions", cache.look(diary, "analysis_sessions"))
    numbers = sorted(set(checkins) | set(sessions))
    assert set(sessions) - set(checkins) and set(checkins) - set(sessions)  # both kinds of lonely block
    parts = [
        (
            checkins[n][1] if n in checkins else None,
            sessions[n][1] if n in sessions else None,
            *aggregates.block_bounds(n),
        )
        for n in numbers
    ]
    for chosen in (parts, parts[:1] + parts[-3:]):  # every block, and a few far apart
        for got, expected in zip(lay_out_many(chosen), [lay_out(*part) for part in chosen], strict=True):
            assert (
                got.first == expected.first and got.types == expected.types and got.logged == expected.logged
            )
            for name in ("pain", "baseline", "timed", "done"):
                a, b = getattr(got, name), getattr(expected, name)
                assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True), (
                    name
                )
    spans = lay_out_many(parts)
    assert any(span.timed.any() for span in spans) and any(not span.types for span in spans)


def snapshot(at: AppTest) -> dict[str, Any]:
    """What a page shows that comes from the diary: chart data, metrics, text and tables."""
    assert not at.exception, at.exception
    return {
        "charts": [repr(values(c)) for c in at.get("vega_lite_chart")],
        "metrics": [(m.label, m.value) for m in at.metric],
        "text": [m.value for m in at.markdown] + [c.value for c in at.caption],
        "tables": [d.value.to_csv() for d in at.dataframe],
    }


PAGES = [("views/dashboard.py", {"range_preset": "All"}), ("views/insights.py", {}), ("views/history.py", {}),
         ("views/report.py", {"range_preset": "All"}), ("views/today.py", {})]  # fmt: skip


def open_pages(path: Path) -> dict[str, AppTest]:
    pages = {}
    for page, choices in PAGES:
        at = AppTest.from_file(APP, default_timeout=120).run()
        at.switch_page(page).run()
        for key, value in choices.items():
            at.selectbox(key=key).set_value(value).run()
        pages[page] = at
    return pages


def test_every_page_shows_an_edit_of_an_old_and_a_recent_week(db_path, monkeypatch):
    """Pages kept open (warm caches) while another connection edits an old and a recent week show
    exactly what freshly started pages show, and that differs from what they showed before."""
    today = date.today()
    with Store(db_path) as store:
        demo.write_demo(store, 400, 3)
    old, recent = today - timedelta(days=300), today - timedelta(days=3)
    warm = open_pages(db_path)
    before = {page: snapshot(at) for page, at in warm.items()}
    with Store(db_path) as other:  # another tab or the command line
        for day, pain in ((old, 10), (recent, 0)):
            save_checkin(other, checkin_from_input(date=day, pain=pain, notes=f"edited {day}"))
        add_session(other, session_from_input(date=old, exercise_type="walking", duration_min=222))
    after = {}
    for page, at in warm.items():
        at.run()
        after[page] = snapshot(at)
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setattr(aggregates, "CACHE", aggregates.BlockCache())  # nothing kept from before
    fresh = {page: snapshot(at) for page, at in open_pages(db_path).items()}
    for page, _ in PAGES:
        assert after[page] == fresh[page], page
    for page in ("views/dashboard.py", "views/insights.py"):
        assert after[page]["charts"] != before[page]["charts"], page
    for page, _ in PAGES:
        assert after[page] != before[page], page


def test_a_frames_version_changes_only_when_its_rows_do(diary):
    """An unchanged range gives the very same frame and version again after a write elsewhere (a
    check-in leaves the sessions' version alone); a write in range gives a new version, never an
    old one; a frame the cache did not give has none."""
    cache = aggregates.BlockCache()
    sessions = cache.frame(diary, "diary", "sessions", None, END)
    checkins = cache.frame(diary, "diary", "checkins", None, END)
    versions = {cache.version(sessions), cache.version(checkins)}
    assert None not in versions and len(versions) == 2
    save_checkin(diary, checkin_from_input(date=OLD, pain=1))
    again = cache.frame(diary, "diary", "sessions", None, END)
    assert again is sessions and cache.version(again) in versions
    changed = cache.frame(diary, "diary", "checkins", None, END)
    assert changed is not checkins and cache.version(changed) not in versions
    assert changed.loc[changed["date"] == pd.Timestamp(OLD), "pain"].tolist() == [1]
    add_session(diary, session_from_input(date=RECENT, exercise_type="walking", duration_min=15))
    moved = cache.frame(diary, "diary", "sessions", None, END)
    assert cache.version(moved) not in versions | {cache.version(changed)}
    assert len(moved) == len(sessions) + 1
    assert cache.version(sessions.copy()) is None


def test_a_first_load_cut_into_blocks_gives_each_blocks_own_frame(diary):
    """A first load reads neighbouring blocks with one query and cuts it by block: each block's
    frame is exactly the store's frame of that block alone, also where a text column has no value
    in the block (None objects there, text elsewhere)."""
    quiet = aggregates.block_bounds(aggregates.block_of(OLD))
    with diary.transaction() as conn:
        conn.execute(
            "UPDATE checkins SET notes = NULL, medication = NULL WHERE date BETWEEN ? AND ?",
            [quiet[0].isoformat(), quiet[1].isoformat()],
        )
        conn.execute("UPDATE checkins SET notes = 'walked', updated_at = '2026-01-01T00:00:00Z'")
        conn.execute(
            "UPDATE checkins SET notes = NULL WHERE date BETWEEN ? AND ?",
            [quiet[0].isoformat(), quiet[1].isoformat()],
        )
    for table, reader in READERS.items():
        cache = aggregates.BlockCache()
        whole = cache.frame(diary, "diary", table, None, None)
        built = cache.rebuilt
        numbers = sorted({aggregates.block_of(d) for d in whole["date"].dt.date})
        for number in numbers:
            bounds = aggregates.block_bounds(number)
            pd.testing.assert_frame_equal(cache.frame(diary, "diary", table, *bounds), reader(diary, *bounds))
        assert cache.rebuilt == built == len(numbers)  # every block came from the first load
    alone = checkins_frame(diary, *quiet)
    assert alone["notes"].dtype == object and alone["notes"].isna().all()
    assert str(checkins_frame(diary)["notes"].dtype) == "str"


def test_two_diaries_each_with_every_table_are_kept_together(diary, tmp_path):
    """The cache keeps whole files (the own diary and the demo diary, each with its four tables):
    going back and forth between them rebuilds nothing. It once counted tables as files, so the
    second diary pushed the first one out."""
    cache = aggregates.BlockCache()
    other = Store(tmp_path / "demo.db")
    demo.write_demo(other, 60, 2, end=END)
    try:
        for store, path in ((diary, "own"), (other, "demo")):
            for table in READERS:
                cache.frame(store, path, table, None, None)
        built = cache.rebuilt
        for store, path in ((diary, "own"), (other, "demo")):
            for table in READERS:
                cache.frame(store, path, table, None, None)
        assert cache.rebuilt == built
    finally:
        other.close()


def test_a_range_to_the_last_representable_day_is_read(diary):
    last = aggregates.block_bounds(aggregates.block_of(date.max))
    assert last[1] == date.max and last[0] <= date.max
    cache = aggregates.BlockCache()
    for table, reader in READERS.items():
        pd.testing.assert_frame_equal(
            cache.frame(diary, "d", table, OLD, date.max), reader(diary, OLD, date.max)
        )
