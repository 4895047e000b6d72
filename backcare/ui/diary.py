"""Which diary the app shows, the one Store per file, and the cached loaders keyed by revision."""

from __future__ import annotations

import contextlib
import importlib
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from backcare import aggregates, config, store
from backcare.errors import BackcareError
from backcare.store import Store

T = TypeVar("T")

DEMO_KEY = "demo_mode"
NOT_ADVICE = (
    "backcare is a diary, not medical advice. Talk to a qualified professional before starting a new "
    "exercise programme, and seek care promptly if your pain changes suddenly."
)


# -- which database ------------------------------------------------------------------------------


def own_db_path() -> Path:
    """The person's own database (from $BACKCARE_DB or the default)."""
    return config.db_path()


def in_demo() -> bool:
    """True while this browser session explores demo data (kept in the URL as ?demo=1, so a reload
    stays in demo mode)."""
    if st.query_params.get("demo") == "1":
        st.session_state[DEMO_KEY] = True
    return bool(st.session_state.get(DEMO_KEY))


def active_db_path() -> Path:
    """The database this browser session shows: the demo one while exploring demo data."""
    if in_demo():
        return config.demo_db_path(own_db_path())
    return own_db_path()


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> Store:
    return Store(path)


@st.cache_resource(show_spinner=False, max_entries=4)
def _daily_backup(path: str, day: date) -> None:
    # Once per day and file while the app runs: a consistent copy under backups/ (the last 14 kept).
    # A backup problem must never stop someone logging; the Data page offers manual backups.
    with contextlib.suppress(OSError, BackcareError):
        store.daily_backup(_open_store(path), day)


def get_store() -> Store:
    """The Store for the active database (one per process and file, shared by all sessions)."""
    return _open_store(str(active_db_path()))


def revision() -> int:
    """Current data revision of the active database (changes after every write, from any tab)."""
    return get_store().revision()


# -- cached loaders (keyed by path and revision, so any write invalidates them) ------------------
# Typed loaders, one per reader. The big frames are shared, not copied, between reruns and sessions
# (cache_resource): pandas copy-on-write keeps derived frames independent; callers must never assign
# into them in place. Pages pass the date range they show, so the work after a save follows the
# range on screen, not the length of the diary; within that range, check-ins and sessions are
# rebuilt only for the four-week blocks whose rows changed (backcare/aggregates.py).


@st.cache_resource(show_spinner=False, max_entries=32)
def _shared(
    _reader: Callable[..., pd.DataFrame], name: str, path: str, rev: int, start: date | None, end: date | None
) -> pd.DataFrame:
    return _reader(_open_store(path), path, start, end)  # ``name`` stands for _reader in the key


# Small results (types, movements, questionnaires) are copied per call by cache_data: safe to change.
@st.cache_data(show_spinner=False, max_entries=32)
def _small(_reader: Callable[[Store], Any], name: str, path: str, rev: int) -> Any:
    return _reader(_open_store(path))


def _key() -> tuple[str, int]:
    return str(active_db_path()), revision()


def _copied(reader: Callable[[Store], T]) -> T:
    result: T = _small(reader, reader.__name__, *_key())
    return result


def peg() -> pd.DataFrame:
    """Weekly PEG-3 answers with scores (cached until the next write)."""
    return _copied(store.peg_frame)


def impressions() -> pd.DataFrame:
    """Monthly global-impression answers (cached until the next write)."""
    return _copied(store.global_impression_frame)


def checkins(start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Check-ins of the active database, only those in [start, end] when given (cached until the next write)."""
    return _shared(aggregates.checkins, "checkins", *_key(), start, end)


def sessions(start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Sessions of the active database, only those in [start, end] when given (cached until the next write)."""
    return _shared(aggregates.sessions, "sessions", *_key(), start, end)


def data_version(frame: pd.DataFrame) -> Any:
    """What names the rows of a frame ``checkins()`` or ``sessions()`` gave (equal until a write
    touches them), or None for any other frame."""
    return aggregates.CACHE.version(frame)


def type_names() -> dict[str, str]:
    """Exercise type key -> display name (cached until the next write)."""
    return _copied(store.type_names)


def movement_catalogue() -> pd.DataFrame:
    """The movement catalogue (cached until the next write)."""
    return _copied(store.movements)


def answer_dates() -> dict[str, date | None]:
    """Last PEG, impression and screening dates and the first diary date (cached until the next write)."""
    return _copied(store.last_answer_dates)


def first_day() -> date | None:
    """Date of the first check-in or session, or None for an empty diary (cached until the next write)."""
    return answer_dates()["first"]


@st.cache_resource(show_spinner=False, max_entries=4)
def _insights_inputs(path: str, rev: int) -> aggregates.InsightsInputs:
    return aggregates.insights_inputs(_open_store(path), path)


def insights_inputs() -> aggregates.InsightsInputs:
    """The Insights page's inputs (the model's diary laid out per block, every session, the rows of
    the dose table's weeks), with only the columns the analysis reads (store/analysis_inputs.py),
    shared like the full frames and cached until the next write; a save lays out only the blocks it
    touched, and the sessions are the same frame while they are unchanged."""
    return _insights_inputs(*_key())


@st.cache_resource(show_spinner=False, max_entries=4)
def _insights(path: str, rev: int) -> pd.DataFrame:
    from backcare import analysis

    return analysis.diary_effect_details(_insights_inputs(path, rev).diary)


def insights_effects() -> pd.DataFrame:
    """The next-day effect details, computed once per data revision from the diary laid out per
    block (``insights_inputs``: a save lays out only the blocks it touched)."""
    return _insights(*_key())


@st.cache_resource(show_spinner=False, max_entries=4)
def _lag_profile(path: str, rev: int) -> pd.DataFrame:
    from backcare import analysis

    others = analysis.diary_lag_profile(_insights_inputs(path, rev).diary, (0, 2))
    both = pd.concat([others, _insights(path, rev).assign(lag=1)], ignore_index=True)
    return both.sort_values("lag", kind="stable", ignore_index=True)


def insights_lag_profile() -> pd.DataFrame:
    """The same day, the next day and two days later (``analysis.lag_profile``), computed only when
    the person asks for it and then once per data revision; the next day's rows are
    ``insights_effects``, not fitted again."""
    return _lag_profile(*_key())


# -- warming up ------------------------------------------------------------------------------------

WARM_THREAD = "backcare-warm-diary"
QUIET_SECONDS = 2.0  # the report's engines start once no page has run for this long
_runs = {"running": 0, "ended": time.monotonic()}
_runs_lock = threading.Lock()


@contextlib.contextmanager
def page_run() -> Iterator[None]:
    """Around each run of a page: background work that would slow a page the person is opening
    (starting the report's engines holds Python's lock for about 0.4 s) waits for a pause."""
    with _runs_lock:
        _runs["running"] += 1
    try:
        yield
    finally:
        with _runs_lock:
            _runs["running"] -= 1
            _runs["ended"] = time.monotonic()


def wait_for_a_pause(quiet: float | None = None, at_most: float = 120.0) -> None:
    """Return once no page is running and none has ended within ``quiet`` seconds (default
    ``QUIET_SECONDS``), or after ``at_most`` seconds: someone who never pauses still gets the engines."""
    quiet = QUIET_SECONDS if quiet is None else quiet
    give_up = time.monotonic() + at_most
    while time.monotonic() < give_up:
        with _runs_lock:
            idle = not _runs["running"] and time.monotonic() - _runs["ended"] >= quiet
        if idle:
            return
        time.sleep(0.1)


def warm_up() -> None:
    """Once per process and diary, after a page is drawn: in the background, import the analysis
    (SciPy, statsmodels), load every check-in and session block, make the Insights model and start
    the report's engines (WeasyPrint, vl-convert), so a first visit of another page finds them ready
    (ten years: the blocks the Experiments, History and Report pages read, and Insights' inputs and
    regression; with the imports and engines about 2 s of CPU that first visits no longer wait for).
    The engines start only at a pause (``wait_for_a_pause``): someone clicking from page to page
    right after opening the app is not slowed by them."""
    _warming(str(active_db_path()))


@st.cache_resource(show_spinner=False, max_entries=4)
def _warming(path: str) -> threading.Thread:
    thread = threading.Thread(target=_warm, args=(path,), name=WARM_THREAD, daemon=True)
    thread.start()
    return thread


def _warm(path: str) -> None:
    # Whatever fails here fails again when a page asks for the same thing, and is shown there.
    # Each step starts only while no page runs (a page opened meanwhile has the CPU to itself, and
    # does the part it needs itself if it gets there first: the locks let nothing run twice).
    with contextlib.suppress(Exception):
        db = _open_store(path)
        rev = db.revision()
        for step in (
            lambda: importlib.import_module("backcare.analysis.effects"),  # SciPy, statsmodels
            lambda: aggregates.checkins(db, path),
            lambda: aggregates.sessions(db, path),
            lambda: _insights(path, rev),
        ):
            wait_for_a_pause(quiet=0.0)
            step()
        from backcare.reports.pdf import warm_up as warm_report_engines

        wait_for_a_pause()
        warm_report_engines()  # WeasyPrint and vl-convert: the Report page then has nothing left to start
