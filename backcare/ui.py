"""The only backcare module that imports streamlit: cached loaders, shared widgets, error display."""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from backcare import config, store
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
# range on screen, not the length of the diary.


@st.cache_resource(show_spinner=False, max_entries=32)
def _shared(
    _reader: Callable[..., pd.DataFrame], name: str, path: str, rev: int, start: date | None, end: date | None
) -> pd.DataFrame:
    return _reader(_open_store(path), start, end)  # ``name`` stands for _reader in the key


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
    return _shared(store.checkins_frame, "checkins", *_key(), start, end)


def sessions(start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Sessions of the active database, only those in [start, end] when given (cached until the next write)."""
    return _shared(store.sessions_frame, "sessions", *_key(), start, end)


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
def _insights(path: str, rev: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    from backcare import analysis

    checkins = _shared(store.checkins_frame, "checkins", path, rev, None, None)
    profile = analysis.lag_profile(checkins, _shared(store.sessions_frame, "sessions", path, rev, None, None))
    return profile[profile["lag"] == 1].drop(columns="lag").reset_index(drop=True), profile


def insights_effects() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(next-day effect details, same/next/two-days lag profile), computed once per data revision:
    the profile's next-day rows are the details, so the slow regression runs three times, not four."""
    return _insights(*_key())


# -- running actions -----------------------------------------------------------------------------


def attempt(action: Callable[[], T], where: Any = None) -> T | None:
    """Run a write or validation; show a BackcareError next to the form and return None."""
    try:
        return action()
    except BackcareError as exc:
        target = where if where is not None else st
        target.error(md(str(exc)), icon="⚠️")
        return None


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>!~|$#{}])")
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|www)([:.])")


def md(text: str) -> str:
    """Escape text so Streamlit's Markdown shows it literally: no links, images, HTML, formatting or maths."""
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", str(text))
    return _AUTOLINK.sub(r"\1\\\2", escaped)


def flash(message: str) -> None:
    """Remember a confirmation to show after the next rerun."""
    st.session_state["_flash"] = message


def show_flash() -> None:
    """Show (once) a confirmation remembered by flash()."""
    message = st.session_state.pop("_flash", None)
    if message:
        st.success(md(message), icon="✅")


# -- shared pieces -------------------------------------------------------------------------------


def sidebar() -> None:
    """Sidebar shared by every page (run once per rerun by app.py): demo-mode banner, the
    not-medical-advice note, and the day's automatic backup of the person's own diary."""
    if not in_demo():
        _daily_backup(str(own_db_path()), date.today())
    else:
        st.query_params["demo"] = "1"  # page links drop it; put it back so a reload stays in demo
        # In the main area of every page (the sidebar is hidden on phones).
        banner, leave = st.columns([4, 1], vertical_alignment="center")
        banner.warning(
            "**Demo diary**: made-up data to explore. Nothing here is yours, and your own diary is untouched.",
            icon="🧪",
        )
        if leave.button("Back to my diary", key="leave_demo"):
            st.session_state[DEMO_KEY] = False
            del st.query_params["demo"]
            st.rerun()
    with st.sidebar:
        st.caption(NOT_ADVICE)


def start_demo(days: int = 180) -> None:
    """Switch this browser session to the separate demo database, creating it if needed."""
    from backcare import demo

    demo_store = _open_store(str(config.demo_db_path(own_db_path())))
    if store.count_entries(demo_store) == 0:
        demo.write_demo(demo_store, days=days)
    st.session_state[DEMO_KEY] = True
    st.query_params["demo"] = "1"


def format_day(day: date) -> str:
    """Human date such as 'Tue 25 Nov 2026'."""
    return day.strftime("%a %d %b %Y").replace(" 0", " ")


def is_empty() -> bool:
    """True when the active database holds no check-ins and no sessions."""
    return _copied(store.count_entries) == 0


# -- date range and type filter, remembered across pages ----------------------------------------

RANGE_PRESETS = {"Last 4 weeks": 28, "Last 3 months": 91, "Last 12 months": 365, "All": 0, "Custom": -1}


def _remember(widget_key: str) -> None:
    st.session_state[f"_kept_{widget_key}"] = st.session_state[widget_key]


def _restore(widget_key: str, default: Any) -> None:
    if widget_key not in st.session_state:
        st.session_state[widget_key] = st.session_state.get(f"_kept_{widget_key}", default)


def range_and_filter(first_day: date | None, *, with_types: bool = True) -> tuple[date, date, list[str]]:
    """Date-range control (presets or custom) and exercise-type filter, remembered across pages.

    ``with_types=False`` shows only the range (the report covers every type)."""
    from datetime import timedelta

    today = date.today()
    first = first_day or today
    _restore("range_preset", "Last 3 months")
    types = type_names()
    _restore("type_filter", [])
    c1, c2 = st.columns([1, 2])
    preset = c1.selectbox(
        "Date range", list(RANGE_PRESETS), key="range_preset", on_change=_remember, args=("range_preset",)
    )
    days = RANGE_PRESETS[preset]
    if days == -1:
        _restore("range_custom", (max(first, today - timedelta(days=90)), today))
        picked = c2.date_input(
            "From / to", key="range_custom", max_value=today, format="YYYY-MM-DD",
            on_change=_remember, args=("range_custom",),
        )  # fmt: skip
        start, end = (picked[0], picked[-1]) if isinstance(picked, tuple) and picked else (first, today)
        if not with_types:
            return min(start, end), end, []
    else:
        start, end = (first if days == 0 else today - timedelta(days=days - 1)), today
        if not with_types:
            return min(start, end), end, []
        chosen = c2.multiselect(
            "Exercise types", list(types), key="type_filter", format_func=types.__getitem__,
            placeholder="All types", on_change=_remember, args=("type_filter",),
        )  # fmt: skip
        return min(start, end), end, list(chosen)
    chosen = st.multiselect(
        "Exercise types", list(types), key="type_filter", format_func=types.__getitem__,
        placeholder="All types", on_change=_remember, args=("type_filter",),
    )  # fmt: skip
    return min(start, end), end, list(chosen)


@st.cache_data(show_spinner=False, max_entries=128)
def _memo(key: tuple[Any, ...], _build: Callable[[], Any]) -> Any:
    # _build is left out of the cache key on purpose (leading underscore): ``key`` names the result
    return _build()


def memo(name: str, build: Callable[[], T], *key: Any) -> T:
    """Compute ``build()`` once per (name, database, data revision, key); any write invalidates it."""
    result: T = _memo((name, str(active_db_path()), revision(), *key), build)
    return result


@st.cache_resource(show_spinner=False, max_entries=128)
def _chart_spec(
    key: tuple[Any, ...], inputs: tuple[Any, ...] | None, _build: Callable[[], Any]
) -> dict[str, Any]:
    # ``inputs`` is hashed by content: a chart whose data did not change survives a save. The spec is
    # shared, never changed; it is not validated again here (tests validate every chart) as that
    # doubled its cost.
    spec: dict[str, Any] = _build().to_dict(validate=False)
    return spec


def chart(build: Callable[[], Any], name: str, *, inputs: tuple[Any, ...]) -> None:
    """Show a chart without downloads; its spec is rebuilt only when ``inputs`` change."""
    st.vega_lite_chart(_chart_spec((name,), inputs, build), width="stretch")


def chart_with_downloads(
    build: Callable[[], Any],
    name: str,
    start: date,
    end: date,
    key: str,
    *,
    extra_key: tuple[Any, ...] = (),
    inputs: tuple[Any, ...] | None = None,
) -> None:
    """Show a chart with PNG and SVG downloads made on demand. The spec is cached until the data
    changes: until ``inputs`` (the frames the chart is drawn from) change when given, else until any write."""
    from backcare import chart_export

    version = () if inputs is not None else (str(active_db_path()), revision())
    spec = _chart_spec((name, start, end, *extra_key, *version), inputs, build)
    st.vega_lite_chart(spec, width="stretch")
    # Charts fit their box's width; a downloaded image gets a page-like width of its own.
    sized = {**spec, "width": 720}
    with st.popover("Download", icon="⬇️"):
        st.download_button(
            "PNG image (2x)", data=lambda: chart_export.to_png(sized),
            file_name=chart_export.file_name(name, start, end, "png"), mime="image/png", key=f"{key}_png",
            on_click="ignore",
        )  # fmt: skip
        st.download_button(
            "SVG (vector)", data=lambda: chart_export.to_svg(sized),
            file_name=chart_export.file_name(name, start, end, "svg"), mime="image/svg+xml", key=f"{key}_svg",
            on_click="ignore",
        )  # fmt: skip


def running_experiment(today: date | None = None) -> Any:
    """The running experiment with any stop rule that fired (experiment_runs.RunningExperiment), or
    None; reads only (a pause is the person's click). The diary is loaded only when one runs."""
    from backcare import experiment_runs

    if attempt(lambda: store.running_experiment(get_store())) is None:
        return None
    return attempt(
        lambda: experiment_runs.load_running(get_store(), today, checkins=checkins(), sessions=sessions())
    )


def experiment_banner() -> None:
    """On Today and Dashboard: where the running experiment stands, or why it is paused."""
    from backcare import experiment_runs

    running = running_experiment()
    if running is None:
        return
    if running.pending_stop:  # rendering never writes: the pause is the person's click
        st.error(f"**Your experiment should pause.** {md(running.pending_stop)}", icon="⏸️")
        if st.button("Pause the experiment", key="banner_pause_experiment"):
            attempt(lambda: experiment_runs.pause_for_stop_rule(get_store(), running))
            st.rerun()
        return
    if running.status == "paused":
        st.error(f"**Experiment paused.** {md(running.status_reason or '')}", icon="⏸️")
        return
    line = experiment_runs.status_line(running.plan, type_names())
    adherence = running.result.adherence
    if not math.isnan(adherence):
        line += f" Plan followed so far: {adherence:.0%}."
    st.info(md(line), icon="🧪")


# -- safety --------------------------------------------------------------------------------------


def red_flag_checklist(key: str, *, with_history: bool = False) -> None:
    """The red-flag checklist as a form: new symptoms of the past week, plus (once, at the start)
    lifelong history. Saving shows emergency or urgent advice when it applies."""
    from backcare import safety

    with st.form(key):
        st.markdown("**In the past week, have you had any of these new symptoms?**")
        ticked = [f.key for f in safety.NEW_SYMPTOMS if st.checkbox(f.question, key=f"{key}_{f.key}")]
        if with_history:
            st.markdown("**About your health in general** (asked once)")
            ticked += [f.key for f in safety.HISTORY if st.checkbox(f.question, key=f"{key}_{f.key}")]
        if st.form_submit_button("Save safety check"):
            level = safety.assess(ticked)
            if attempt(lambda: store.save_red_flag_check(get_store(), date.today(), ticked, level) or True):
                st.session_state[f"{key}_level"] = level
                flash(
                    "Safety check saved."
                    if level == "none"
                    else "Safety check saved. Please read the advice below."
                )
                st.rerun()


def red_flag_banner(context: str = "") -> bool:
    """If a red flag is open: the advice for its level, and a way to mark it checked. True when shown."""
    from backcare import safety

    flag = store.open_red_flag(get_store())
    if flag is None:
        return False
    items = md("; ".join(safety.labels(flag["answers"])))  # answers may come from an imported file
    if flag["level"] == "emergency":
        st.error(f"🚨 **{safety.EMERGENCY_MESSAGE}**\n\nYou reported: {items}.", icon="🚨")
    else:
        st.warning(f"**{safety.URGENT_MESSAGE}**\n\nYou reported: {items}.", icon="🩺")
    if context:
        st.info(safety.NUMBERS_NOT_FOR_DECISIONS, icon="⚠️")
    with st.popover("A clinician has checked this"):
        note = st.text_input("What did they say? (optional)", key=f"resolve_note_{context}", max_chars=300)
        if st.button("Mark as checked", key=f"resolve_{context}"):
            attempt(lambda: store.resolve_red_flags(get_store(), note.strip() or "checked by a clinician"))
            flash("Marked as checked. Take care, and follow your clinician's advice.")
            st.rerun()
    return True


# -- access ---------------------------------------------------------------------------------------

SESSION_PARAM = "session"  # the signed, expiring token that lets a login survive reloads
DOWNLOAD_LIFETIME = 10.0  # seconds a generated download may wait for its fetches
FETCHES_PER_DOWNLOAD = 2  # Streamlit's page fetches the address once to check it, once to download


def _locked(message: str) -> None:
    st.error(message, icon="🔒")
    st.stop()


def gate() -> None:
    """Stop the page unless it may show the diary: HTTPS on any non-loopback address, a readable
    password file, the password (or a valid session token) when one is set; also makes sensitive
    downloads one-shot. See SECURITY.md."""
    import time

    from backcare import auth

    _serve_downloads_once()
    address = st.get_option("server.address")
    if not auth.is_loopback(address) and not st.get_option("server.sslCertFile"):
        _locked(
            f"backcare is reachable from other computers (server address '{address or 'all interfaces'}') "
            "without HTTPS, so it will not show your diary. Run it on 127.0.0.1 (`make run`) or over "
            "HTTPS with a password: `make run-lan`."
        )
    path = config.auth_path(own_db_path())
    try:
        record = auth.load_record(path)
    except auth.DamagedPasswordFile as exc:
        _locked(str(exc))
        return
    if record is None:
        if not auth.is_loopback(address):
            _locked(
                "backcare is reachable from other computers but has no password, so it will not show "
                "your diary. Set a password first: `python -m backcare set-password`."
            )
        return
    hours = auth.session_hours()
    token = st.query_params.get(SESSION_PARAM)
    if st.session_state.get("_authenticated") == record["hash"]:
        if hours and token != st.session_state.get("_session_token"):
            st.query_params[SESSION_PARAM] = st.session_state["_session_token"]  # kept across pages
        return
    if hours and token and auth.token_is_valid(token, record):
        st.session_state.update(_authenticated=record["hash"], _session_token=token)
        return
    st.query_params.pop(SESSION_PARAM, None)
    st.title("backcare")
    with st.form("login"):
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Open my diary", type="primary", width="stretch")
    if submitted:
        throttle = auth.Throttle(auth.throttle_path(path))
        wait = throttle.begin()
        if wait > 0:
            st.error(f"Too many wrong passwords. Please wait {wait:.0f} seconds and try again.", icon="⏳")
        elif auth.verify_password(password, record):
            throttle.succeeded()
            st.session_state.update(
                _authenticated=record["hash"], _session_token=auth.issue_token(record, hours)
            )
            st.rerun()
        else:
            time.sleep(0.5)
            st.error("That password is not right.", icon="🔑")
    st.stop()


def signed_in() -> bool:
    """Whether this browser session opened the diary with a password (one is set)."""
    return bool(st.session_state.get("_authenticated"))


def sign_out() -> None:
    """Forget this device's login (the page asks for the password again)."""
    for name in ("_authenticated", "_session_token"):
        st.session_state.pop(name, None)
    st.query_params.pop(SESSION_PARAM, None)
    st.rerun()


def _serve_downloads_once() -> None:
    # Download buttons given a callable make their file on click (only an authenticated page renders
    # them); Streamlit then keeps it under /media/<id>, unauthenticated, until two later script runs.
    # Here each such file answers FETCHES_PER_DOWNLOAD times (Streamlit's page checks the address,
    # then downloads it), then is dropped; unfetched, it is dropped after DOWNLOAD_LIFETIME seconds.
    import os
    import threading

    from streamlit import runtime

    if not runtime.exists():
        return
    manager = runtime.get_instance().media_file_mgr
    storage: Any = manager._storage  # the object the /media route reads from
    if getattr(storage, "_backcare_serve_once", False):
        return
    left: dict[str, int] = {}
    lock = threading.Lock()
    execute, read = manager.execute_deferred, storage.get_file

    def execute_deferred(file_id: str) -> str:
        url = execute(file_id)
        made = os.path.splitext(url.rsplit("/", 1)[-1])[0]
        with lock:
            left[made] = FETCHES_PER_DOWNLOAD
        expiry = threading.Timer(DOWNLOAD_LIFETIME, _drop, (made,))
        expiry.daemon = True
        expiry.start()
        return url

    def _drop(file_id: str) -> None:
        with lock:
            left.pop(file_id, None)
            storage.delete_file(file_id)

    def get_file(filename: str) -> Any:
        found = read(filename)
        file_id = os.path.splitext(filename)[0]
        with lock:
            if file_id in left:
                left[file_id] -= 1
                if left[file_id] <= 0:
                    del left[file_id]
                    storage.delete_file(file_id)
        return found

    manager.execute_deferred = execute_deferred  # type: ignore[method-assign]
    storage.get_file = get_file
    storage._backcare_serve_once = True


@st.cache_resource(show_spinner=False)
def warm_report_engines() -> None:
    """Once per process, in the background: start the chart and PDF engines before the first download."""
    import threading

    from backcare.reports.pdf import warm_up

    threading.Thread(target=warm_up, name="backcare-warm-up", daemon=True).start()
