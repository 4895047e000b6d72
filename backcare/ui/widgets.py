"""Shared page pieces: errors and flashes, plain-text escaping, the sidebar and demo mode, the
remembered date range, cached charts with downloads, the experiment banner and the safety checklist."""

from __future__ import annotations

import hashlib
import math
import pickle
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from backcare import config, store
from backcare.errors import BackcareError
from backcare.ui import chart_specs
from backcare.ui.chart_specs import ChartSpec
from backcare.ui.diary import (
    DEMO_KEY,
    NOT_ADVICE,
    T,
    _copied,
    _daily_backup,
    _open_store,
    active_db_path,
    checkins,
    data_version,
    get_store,
    in_demo,
    own_db_path,
    revision,
    sessions,
    type_names,
)

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


def memo(name: str, build: Callable[[], T], *key: Any, data: tuple[Any, ...] = ()) -> T:
    """Compute ``build()`` once per (name, database, data revision, key); any write invalidates it.

    ``data``: the loaded frames (``checkins()`` / ``sessions()``) that ``build`` reads, besides
    ``key``. When given, the result is kept until those frames' rows change instead of until any
    write: a check-in does not redo what is computed from sessions alone."""
    versions = tuple(data_version(frame) for frame in data)
    known = bool(data) and None not in versions
    source = ("rows", *versions) if known else ("revision", revision())  # tagged: the numbers never mix
    result: T = _memo((name, str(active_db_path()), source, *key), build)
    return result


def content_digest(inputs: tuple[Any, ...] | None) -> bytes | None:
    """A digest of the frames and values a chart is drawn from: equal inputs give equal digests, and
    any changed value changes it (the pickle holds every value). About 0.05 ms for a small frame and
    0.3 ms for ten years of days, where Streamlit's own hashing of a frame takes 1.3 ms each."""
    if inputs is None:
        return None
    return hashlib.blake2b(pickle.dumps(inputs, protocol=5), digest_size=20).digest()


def _chart_spec(key: tuple[Any, ...], inputs: tuple[Any, ...] | None, build: Callable[[], Any]) -> ChartSpec:
    """The chart's spec, rebuilt only when ``key`` or the content of ``inputs`` changes: a chart
    whose data did not change survives a save."""
    return chart_specs.prepared((key, content_digest(inputs)), build)


def chart(build: Callable[[], Any], name: str, *, inputs: tuple[Any, ...]) -> None:
    """Show a chart without downloads; its spec is rebuilt only when ``inputs`` change."""
    st.vega_lite_chart(_chart_spec((name,), inputs, build).sent, width="stretch")


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
    prepared = _chart_spec((name, start, end, *extra_key, *version), inputs, build)
    st.vega_lite_chart(prepared.sent, width="stretch")
    # Charts fit their box's width; a downloaded image gets a page-like width of its own.
    sized = {**prepared.spec, "width": 720}
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
    """The running experiment with any stop rule that fired (runs.RunningExperiment), or
    None; reads only (a pause is the person's click). The diary is loaded only when one runs."""
    if attempt(lambda: store.running_experiment(get_store())) is None:
        return None  # before importing the experiments' statistics (SciPy): most runs stop here
    from backcare.experiments import runs

    return attempt(lambda: runs.load_running(get_store(), today, checkins=checkins(), sessions=sessions()))


def experiment_banner() -> None:
    """On Today and Dashboard: where the running experiment stands, or why it is paused."""
    running = running_experiment()
    if running is None:
        return
    from backcare.experiments import runs

    if running.pending_stop:  # rendering never writes: the pause is the person's click
        st.error(f"**Your experiment should pause.** {md(running.pending_stop)}", icon="⏸️")
        if st.button("Pause the experiment", key="banner_pause_experiment"):
            attempt(lambda: runs.pause_for_stop_rule(get_store(), running))
            st.rerun()
        return
    if running.status == "paused":
        st.error(f"**Experiment paused.** {md(running.status_reason or '')}", icon="⏸️")
        return
    line = runs.status_line(running.plan, type_names())
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
