"""Turn History-table edits (st.data_editor's edited/added/deleted rows) into validated writes.

Everything is validated first; if any row is wrong nothing is written and the error names the
row. Otherwise all changes go to the database in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from backcare.errors import ValidationError
from backcare.models import CheckIn, Session, checkin_from_input, session_from_input
from backcare.questionnaires import impression_from_input, peg_from_input
from backcare.store import Store
from backcare.store.checkins import delete_checkins, get_checkin, save_checkins
from backcare.store.questionnaires import (
    delete_global_impressions,
    delete_peg,
    save_global_impression,
    save_peg,
)
from backcare.store.sessions import add_sessions, delete_sessions, update_session_fields

CHECKIN_EDITABLE = [
    "pain", "worst_pain", "stiffness", "sleep_quality", "stress", "locations", "qualities",
    "medication", "flare", "notes",
]  # fmt: skip
SESSION_EDITABLE = [
    "date", "start_time", "exercise_type", "duration_min", "rpe", "pain_before", "pain_after",
    "with_instructor", "notes",
]  # fmt: skip


@dataclass(frozen=True)
class EditSummary:
    """What a save changed."""

    updated: int = 0
    added: int = 0
    deleted: int = 0

    def sentence(self, noun: str) -> str:
        """Plain-words summary such as '2 check-ins updated, 1 deleted'."""
        parts = [
            f"{n} {label}"
            for n, label in ((self.updated, "updated"), (self.added, "added"), (self.deleted, "deleted"))
            if n
        ]
        return f"{noun.capitalize()}: " + (", ".join(parts) if parts else "no changes") + "."


def _plain(value: Any) -> Any:
    """Convert pandas/numpy scalars to plain Python (NA -> None)."""
    if isinstance(value, list | tuple):
        return list(value)
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return value
    return value.item() if hasattr(value, "item") else value


def _row_label(row: Mapping[str, Any], position: int) -> str:
    day = row.get("date")
    text = pd.Timestamp(day).date().isoformat() if day is not None and not pd.isna(day) else "new row"
    return f"Row {position + 1} ({text})"


def _collect(problems: list[str], label: str, build: Any, **values: Any) -> Any:
    try:
        return build(**values)
    except ValidationError as exc:
        problems.extend(f"{label}: {p}" for p in exc.problems)
        return None


def checkin_changes(
    original: pd.DataFrame,
    edited_rows: Mapping[Any, Mapping[str, Any]],
    added_rows: Sequence[Mapping[str, Any]],
    deleted_rows: Sequence[int],
) -> tuple[list[CheckIn], list[CheckIn], list[date]]:
    """Validate editor changes to check-ins: (updates, additions, dates to delete)."""
    problems: list[str] = []
    updates: list[CheckIn] = []
    for pos, change in edited_rows.items():
        row = {str(k): _plain(v) for k, v in original.iloc[int(pos)].to_dict().items()}
        row.update({k: _plain(v) for k, v in change.items() if k in CHECKIN_EDITABLE})
        row["source"] = original.iloc[int(pos)]["source"]
        checkin = _collect(problems, _row_label(row, int(pos)), checkin_from_input, **row)
        if checkin:
            updates.append(checkin)
    additions: list[CheckIn] = []
    for i, raw in enumerate(added_rows):
        row = {str(k): _plain(v) for k, v in raw.items()}
        checkin = _collect(problems, f"New row {i + 1}", checkin_from_input, **row)
        if checkin:
            additions.append(checkin)
    deletions = [pd.Timestamp(original.iloc[int(pos)]["date"]).date() for pos in deleted_rows]
    if problems:
        raise ValidationError(problems)
    return updates, additions, deletions


def apply_checkin_changes(
    store: Store,
    original: pd.DataFrame,
    edited_rows: Mapping[Any, Mapping[str, Any]],
    added_rows: Sequence[Mapping[str, Any]],
    deleted_rows: Sequence[int],
) -> EditSummary:
    """Validate and write check-in edits in one transaction."""
    updates, additions, deletions = checkin_changes(original, edited_rows, added_rows, deleted_rows)
    with store.transaction():
        for checkin in additions:
            if get_checkin(store, checkin.date) is not None and checkin.date not in deletions:
                raise ValidationError(
                    f"There is already a check-in for {checkin.date.isoformat()}; edit that row instead."
                )
        delete_checkins(store, deletions)
        save_checkins(store, [*updates, *additions])
    return EditSummary(len(updates), len(additions), len(deletions))


def session_changes(
    original: pd.DataFrame,
    edited_rows: Mapping[Any, Mapping[str, Any]],
    added_rows: Sequence[Mapping[str, Any]],
    deleted_rows: Sequence[int],
) -> tuple[list[tuple[int, Session]], list[Session], list[int]]:
    """Validate editor changes to sessions: ((id, session) updates, additions, ids to delete)."""
    problems: list[str] = []
    updates: list[tuple[int, Session]] = []
    for pos, change in edited_rows.items():
        row = {str(k): _plain(v) for k, v in original.iloc[int(pos)].to_dict().items()}
        row.update({k: _plain(v) for k, v in change.items() if k in SESSION_EDITABLE})
        row["movements"] = ()
        session = _collect(problems, _row_label(row, int(pos)), session_from_input, **row)
        if session:
            updates.append((int(original.iloc[int(pos)]["id"]), session))
    additions: list[Session] = []
    for i, raw in enumerate(added_rows):
        row = {str(k): _plain(v) for k, v in raw.items() if k in SESSION_EDITABLE}
        session = _collect(problems, f"New row {i + 1}", session_from_input, **row)
        if session:
            additions.append(session)
    deletions = [int(original.iloc[int(pos)]["id"]) for pos in deleted_rows]
    if problems:
        raise ValidationError(problems)
    return updates, additions, deletions


def apply_session_changes(
    store: Store,
    original: pd.DataFrame,
    edited_rows: Mapping[Any, Mapping[str, Any]],
    added_rows: Sequence[Mapping[str, Any]],
    deleted_rows: Sequence[int],
) -> EditSummary:
    """Validate and write session edits in one transaction (movements of edited sessions are kept)."""
    updates, additions, deletions = session_changes(original, edited_rows, added_rows, deleted_rows)
    with store.transaction() as conn:
        delete_sessions(store, deletions)
        for session_id, session in updates:
            update_session_fields(conn, session_id, session)
        add_sessions(store, additions)
    return EditSummary(len(updates), len(additions), len(deletions))


def _dated_changes(
    original: pd.DataFrame,
    edited_rows: Mapping[Any, Mapping[str, Any]],
    added_rows: Sequence[Mapping[str, Any]],
    deleted_rows: Sequence[int],
    build: Any,
    editable: Sequence[str],
) -> tuple[list[Any], list[date]]:
    """Validate edits to a one-row-per-date table: (rows to save, dates to delete)."""
    problems: list[str] = []
    saves: list[Any] = []
    rows = [(f"Row {int(pos) + 1}", {**original.iloc[int(pos)].to_dict(), **{k: v for k, v in change.items() if k in editable}})
            for pos, change in edited_rows.items()]  # fmt: skip
    rows += [(f"New row {i + 1}", dict(raw)) for i, raw in enumerate(added_rows)]
    for label, row in rows:
        plain = {str(k): _plain(v) for k, v in row.items()}
        item = _collect(
            problems,
            label,
            lambda **values: build(**values),
            **{k: plain.get(k) for k in ("date", *editable)},
        )
        if item is not None:
            saves.append(item)
    deletions = [pd.Timestamp(original.iloc[int(pos)]["date"]).date() for pos in deleted_rows]
    if problems:
        raise ValidationError(problems)
    return saves, deletions


PEG_EDITABLE = ["pain", "enjoyment", "activity"]
IMPRESSION_EDITABLE = ["rating"]


def dated_table_editor(
    build: Any, editable: Sequence[str], delete: Any, save: Any
) -> Callable[..., EditSummary]:
    """An ``apply_*_changes`` function for a one-row-per-date table (PEG, global impression):
    validate every edited and added row with ``build``, then delete and save in one transaction."""

    def apply(
        store: Store,
        original: pd.DataFrame,
        edited_rows: Mapping[Any, Mapping[str, Any]],
        added_rows: Sequence[Mapping[str, Any]],
        deleted_rows: Sequence[int],
    ) -> EditSummary:
        saves, deletions = _dated_changes(original, edited_rows, added_rows, deleted_rows, build, editable)
        with store.transaction():
            delete(store, deletions)
            for item in saves:
                save(store, item)
        return EditSummary(len(edited_rows), len(added_rows), len(deletions))

    return apply


# Validate and write PEG-3 edits in one transaction.
apply_peg_changes = dated_table_editor(
    lambda date, pain, enjoyment, activity: peg_from_input(date, pain, enjoyment, activity),
    PEG_EDITABLE,
    delete_peg,
    lambda store, answer: save_peg(store, answer.date, answer.pain, answer.enjoyment, answer.activity),
)
# Validate and write global-impression edits in one transaction.
apply_impression_changes = dated_table_editor(
    lambda date, rating: impression_from_input(date, rating),
    IMPRESSION_EDITABLE,
    delete_global_impressions,
    lambda store, item: save_global_impression(store, *item),
)
