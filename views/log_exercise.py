"""Log exercise: a session with type, minutes, effort, pain before/after and movements."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from backcare import ui
from backcare.models import Session, session_from_input
from backcare.store import add_exercise_type, add_session, last_session_defaults

st.title("Log an exercise session")
ui.show_flash()
st.caption(
    "Start slowly and listen to your body. Not medical advice: talk to a qualified professional before "
    "starting a new programme."
)

store = ui.get_store()
types = ui.type_names()
last_type, last_minutes = last_session_defaults(store)
keys = list(types)

today = date.today()
col1, col2 = st.columns(2)
day = col1.date_input(
    "Day",
    value=today,
    max_value=today,
    min_value=today - timedelta(days=3650),
    format="YYYY-MM-DD",
    key="session_day",
)
type_key = col2.selectbox(
    "Exercise type",
    keys,
    index=keys.index(last_type) if last_type in keys else 0,
    format_func=types.__getitem__,
    key="session_type",
)
catalogue = ui.movement_catalogue()
options = catalogue.loc[catalogue["exercise_type"] == type_key, "name"].tolist()

with st.form("session_form"):
    c1, c2 = st.columns(2)
    # No min/max on the fields: the browser would silently refuse 0 or 10000. Saving explains instead.
    minutes = c1.number_input("Minutes", value=last_minutes or 30, step=5, key="minutes")
    start = c2.time_input("Start time (optional)", value=None, key="start_time", step=300)
    rpe = c1.number_input(
        "Effort, 1-10 (optional)",
        value=None,
        step=1,
        key="rpe",
        help="Rate of perceived exertion: 1 = very light, 10 = maximal effort.",
    )
    instructor = c2.checkbox("With an instructor or physio", key="with_instructor")
    c3, c4 = st.columns(2)
    before = c3.number_input("Pain just before (0-10)", value=None, step=1, key="pain_before")
    after = c4.number_input("Pain just after (0-10)", value=None, step=1, key="pain_after")
    movements = st.multiselect(
        "Movements",
        options,
        key=f"movements_{type_key}",
        placeholder="Choose movements" if options else "No movements listed for this type",
    )
    notes = st.text_area("Notes", key="session_notes", max_chars=2000)
    submitted = st.form_submit_button("Save session", type="primary")

FORM_KEYS = ("minutes", "start_time", "rpe", "with_instructor", "pain_before", "pain_after", "session_notes")
errors = st.container()


def save(session: Session) -> None:
    """Write the session, then empty the form for the next one."""
    if ui.attempt(lambda: add_session(store, session, create_movements=False), errors):
        for key in (*FORM_KEYS, f"movements_{session.exercise_type}"):
            st.session_state.pop(key, None)
        st.session_state.pop("duplicate_session", None)
        ui.flash(
            f"Saved: {session.duration_min} min of {types[session.exercise_type]} on {ui.format_day(session.date)}."
        )
        st.rerun()


if submitted:
    session = ui.attempt(
        lambda: session_from_input(
            date=day,
            exercise_type=type_key,
            duration_min=minutes,
            start_time=start,
            rpe=rpe,
            pain_before=before,
            pain_after=after,
            with_instructor=instructor,
            notes=notes,
            movements=movements,
        ),
        errors,
    )
    if session is not None:
        logged = ui.sessions()
        same = logged[
            (logged["date"] == pd.Timestamp(session.date))
            & (logged["exercise_type"] == session.exercise_type)
            & (logged["duration_min"] == session.duration_min)
        ]
        if len(same):
            st.session_state["duplicate_session"] = session
        else:
            save(session)

pending = st.session_state.get("duplicate_session")
if pending is not None:
    with errors:
        st.warning(
            f"You already logged {pending.duration_min} min of {ui.md(types[pending.exercise_type])} on "
            f"{ui.format_day(pending.date)}. Is this a second session?",
            icon="🔁",
        )
        yes, no = st.columns(2)
        if yes.button("Yes, save a second session", key="duplicate_yes"):
            save(pending)
        if no.button("No, don't save it", key="duplicate_no"):
            st.session_state.pop("duplicate_session", None)
            st.rerun()

with st.expander("Add your own exercise type"), st.form("new_type_form", clear_on_submit=True):
    name = st.text_input("Name", placeholder="e.g. Tai chi", key="new_type_name")
    if st.form_submit_button("Add type"):
        key = ui.attempt(lambda: add_exercise_type(store, name))
        if key:
            ui.flash(f"Added '{name.strip()}'. You can pick it above.")
            st.rerun()
