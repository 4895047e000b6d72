"""History: check-ins and sessions in editable tables, validated on save, deletions confirmed."""

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from backcare import editing, movement_editing, questionnaires, safety, ui
from backcare.models import PAIN_LOCATIONS, PAIN_QUALITIES
from backcare.store import red_flag_frame, session_movements

st.title("History")
ui.show_flash()
st.caption(
    "Edit a cell, add a row at the bottom, or select rows and delete them; then save. Changing a date "
    "moves that entry to the new day (if that day is free)."
)

store = ui.get_store()
types = ui.type_names()
SHOW = {"Last 3 months": 91, "Last 12 months": 365, "Everything": None}
shown = (
    st.segmented_control("Show", list(SHOW), default="Last 3 months", key="history_span") or "Last 3 months"
)
since = None if SHOW[shown] is None else pd.Timestamp(date.today() - timedelta(days=SHOW[shown] - 1))


def recent(df: pd.DataFrame) -> pd.DataFrame:
    """Rows in the chosen span, newest first, positions 0..n-1 (the editor's row numbers)."""
    df = df if since is None else df[df["date"] >= since]
    return df.sort_values([c for c in ("date", "id") if c in df], ascending=False).reset_index(drop=True)


def editor(frame: pd.DataFrame, **options: Any) -> None:
    """An editable grid with room above it for its toolbar (always shown on a phone, where it covered
    the bottom of the message or caption above the grid)."""
    st.space("xsmall")
    st.data_editor(frame, **options)


def score(label: str, lo: int = 0, hi: int = 10) -> Any:
    # No min/max in the grid: it would silently refuse 11. Saving validates and names the row instead.
    return st.column_config.NumberColumn(label, step=1, format="%d", help=f"A whole number from {lo} to {hi}")


def changes_panel(
    key: str, noun: str, original: pd.DataFrame, apply: Callable[..., editing.EditSummary]
) -> None:
    """Save / discard buttons for one editor, with a confirmation before deleting."""
    state = st.session_state.get(key) or {}
    edited, added, deleted = (
        state.get("edited_rows", {}),
        state.get("added_rows", []),
        state.get("deleted_rows", []),
    )
    current = ui.revision()
    if not (edited or added or deleted):
        if st.session_state.get(f"{key}_pending") and st.session_state.get(f"{key}_rev") != current:
            st.warning(
                "Your diary changed in another window, so your unsaved edits here were cleared. "
                "Nothing was lost from the diary; please make your change again.",
                icon="🔄",
            )
        st.session_state[f"{key}_pending"] = False
        st.session_state[f"{key}_rev"] = current
        return
    st.session_state[f"{key}_pending"] = True
    confirmed = True
    if deleted:
        st.warning(f"{len(deleted)} {noun} will be deleted permanently.", icon="🗑️")
        confirmed = st.checkbox(f"Yes, delete {len(deleted)} {noun}", key=f"{key}_confirm")
    cols = st.columns([1, 1, 3])
    if cols[0].button("Save changes", type="primary", key=f"{key}_save", disabled=not confirmed):
        if st.session_state.get(f"{key}_rev") != current:
            st.error(
                "Your diary changed in another window while you were editing. Nothing was saved; "
                "please review the table and make your change again."
            )
            st.session_state.pop(key, None)
            return
        summary = ui.attempt(lambda: apply(store, original, edited, added, deleted))
        if summary is not None:
            st.session_state.pop(key, None)
            st.session_state[f"{key}_pending"] = False  # our own save is not "another window"
            ui.flash(summary.sentence(noun))
            st.rerun()
    if cols[1].button("Discard", key=f"{key}_discard"):
        st.session_state.pop(key, None)
        st.session_state[f"{key}_pending"] = False
        st.rerun()


def movements_editor(sessions: pd.DataFrame) -> None:
    """One session's movements (chosen from the sessions shown): add, remove, rename, sets/reps/weight."""
    st.subheader("Movements of one session")
    labels = {
        int(row.id): f"{ui.format_day(row.date.date())} · {types.get(row.exercise_type, row.exercise_type)}"
        f" · {row.duration_min} min" + (f" · {row.start_time}" if row.start_time else "")
        for row in sessions.itertuples()
    }
    chosen = st.selectbox("Session", list(labels), format_func=labels.__getitem__, key="movement_session")
    if chosen is None:
        return
    moves = movement_editing.movements_table(session_movements(store, chosen))
    st.caption(
        "One row per movement (or per set, for workouts imported from another app). Sets 1-100, "
        "reps 0-1000, weight 0-1000 kg; leave a cell empty when it does not apply."
    )
    key = f"movement_editor_{chosen}"
    editor(
        moves[[*movement_editing.MOVEMENT_EDITABLE, *(["recorded"] if moves["recorded"].any() else [])]], key=key, num_rows="dynamic", hide_index=True,
        placeholder="", width="stretch", disabled=["recorded"],
        column_config={
            "name": st.column_config.TextColumn("Movement", required=True, max_chars=120),
            "sets": st.column_config.NumberColumn("Sets", step=1, format="%d"),
            "reps": st.column_config.NumberColumn("Reps", step=1, format="%d"),
            "weight_kg": st.column_config.NumberColumn("Weight (kg)", format="%g"),
            "recorded": st.column_config.TextColumn("As the other app recorded it"),
        },
    )  # fmt: skip
    changes_panel(key, "movements", moves, movement_editing.apply_movement_changes(chosen))


TABLES = ["Daily check-ins", "Exercise sessions", "Weekly PEG-3", "Monthly impression", "Safety checks"]
# A remembered choice (not st.tabs, which jumped back to the first tab after every save or delete),
# and one table at a time: on a phone the tab strip no longer sits under the editor's toolbar.
table = st.segmented_control("Table", TABLES, default=TABLES[0], key="history_table") or TABLES[0]

if table == TABLES[0]:
    checkins = recent(ui.checkins(None if since is None else since.date()))
    if checkins.empty:
        span = "" if ui.is_empty() else f" in this span ({shown.lower()})"  # an empty diary: no span to widen
        st.info(
            f"No check-ins{span or ' yet'}. Log today's pain on the **Today** page{', pick a longer span' if span else ''}, or add a row below.",
            icon="📝",
        )
    editor(
        # Nullable booleans: a row added in the grid starts empty, which a plain bool column cannot hold.
        checkins[["date", *editing.CHECKIN_EDITABLE]].astype({"flare": "boolean"}),
        key="checkin_editor",
        num_rows="dynamic",
        hide_index=True,
        placeholder="",
        width="stretch",
        column_config={
            "date": st.column_config.DateColumn("Date", required=True, format="YYYY-MM-DD"),
            "pain": score("Pain"),
            "worst_pain": score("Worst"),
            "stiffness": score("Stiffness"),
            "sleep_quality": score("Sleep"),
            "stress": score("Stress"),
            "locations": st.column_config.MultiselectColumn(
                "Where", options=list(PAIN_LOCATIONS), format_func=PAIN_LOCATIONS.__getitem__
            ),
            "qualities": st.column_config.MultiselectColumn(
                "Feels", options=list(PAIN_QUALITIES), format_func=PAIN_QUALITIES.__getitem__
            ),
            "medication": st.column_config.TextColumn("Medication", max_chars=500),
            "flare": st.column_config.CheckboxColumn("Flare"),
            "notes": st.column_config.TextColumn("Notes", max_chars=2000),
        },
    )
    changes_panel("checkin_editor", "check-ins", checkins, editing.apply_checkin_changes)

elif table == TABLES[1]:
    sessions = recent(ui.sessions(None if since is None else since.date()))
    if sessions.empty:
        span = "" if ui.is_empty() else f" in this span ({shown.lower()})"  # an empty diary: no span to widen
        st.info(
            f"No sessions{span or ' yet'}. Log one on the **Log exercise** page{', pick a longer span' if span else ''}, or add a row below.",
            icon="🧘",
        )
    editor(
        sessions[[*editing.SESSION_EDITABLE, "movements", "source"]].astype({"with_instructor": "boolean"}),
        key="session_editor",
        num_rows="dynamic",
        hide_index=True,
        placeholder="",
        width="stretch",
        disabled=["movements", "source"],
        column_config={
            "date": st.column_config.DateColumn("Date", required=True, format="YYYY-MM-DD"),
            "start_time": st.column_config.TextColumn("Start", help="HH:MM, 24-hour", max_chars=5),
            "exercise_type": st.column_config.SelectboxColumn(
                "Type", options=list(types), format_func=types.__getitem__, required=True, width="medium"
            ),  # medium: "Strength training" was cut to "Strength tra"
            "duration_min": st.column_config.NumberColumn(
                "Minutes", min_value=1, max_value=600, step=1, required=True
            ),
            "rpe": score("Effort", 1, 10),
            "pain_before": score("Pain before"),
            "pain_after": score("Pain after"),
            "with_instructor": st.column_config.CheckboxColumn("Instructor"),
            "notes": st.column_config.TextColumn("Notes", max_chars=2000),
            "movements": st.column_config.TextColumn("Movements"),
            "source": st.column_config.TextColumn("From"),
        },
    )
    changes_panel("session_editor", "sessions", sessions, editing.apply_session_changes)
    if not sessions.empty:
        movements_editor(sessions)

elif table == TABLES[2]:
    weekly = recent(ui.peg())
    st.caption("Each item 0-10 about the past week; the score is their mean.")
    editor(
        weekly[["date", *editing.PEG_EDITABLE, "score"]], key="peg_editor", num_rows="dynamic", hide_index=True,
        placeholder="",
        width="stretch", disabled=["score"],
        column_config={
            "date": st.column_config.DateColumn("Week of", required=True, format="YYYY-MM-DD"),
            "pain": score("Pain"), "enjoyment": score("Enjoyment of life"), "activity": score("General activity"),
            "score": st.column_config.NumberColumn("PEG score", format="%.1f"),
        },
    )  # fmt: skip
    changes_panel("peg_editor", "weekly answers", weekly, editing.apply_peg_changes)

elif table == TABLES[3]:
    monthly = recent(ui.impressions())
    st.caption(questionnaires.IMPRESSION_QUESTION + " (-3 much worse ... +3 much better)")
    editor(
        monthly[["date", *editing.IMPRESSION_EDITABLE]], key="impression_editor", num_rows="dynamic",
        hide_index=True,
        placeholder="", width="stretch",
        column_config={
            "date": st.column_config.DateColumn("Date", required=True, format="YYYY-MM-DD"),
            "rating": st.column_config.SelectboxColumn(
                "Overall", options=list(questionnaires.IMPRESSION_CHOICES),
                format_func=questionnaires.IMPRESSION_CHOICES.__getitem__, required=True,
            ),
        },
    )  # fmt: skip
    changes_panel("impression_editor", "monthly answers", monthly, editing.apply_impression_changes)

else:
    checks = red_flag_frame(store)
    if checks.empty:
        st.info("No safety checks yet. The checklist is on the Today page once a week.", icon="🩺")
    else:
        checks = checks.assign(
            answers=[", ".join(safety.labels(json.loads(a))) or "none" for a in checks["answers"]]
        )
        st.dataframe(
            checks[["date", "level", "answers", "resolved_at", "resolution"]], hide_index=True,
        placeholder="", width="stretch",
            column_config={"level": "Result", "answers": "Ticked", "resolved_at": "Checked by a clinician", "resolution": "Note"},
        )  # fmt: skip
