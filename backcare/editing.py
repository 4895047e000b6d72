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

from backcare.errors import Problems
from backcare.models import (
    CheckIn,
    Session,
    checkin_from_input,
    session_from_input,
)
from backcare.questionnaires import impression_from_input, peg_from_input
from backcare.store import Store
from backcare.store.checkins import delete_checkins, get_checkin, save_checkins
from backcare.store.questionnaires import (
    delete_global_impressions,
    delete_peg,
    global_impression_frame,
    peg_frame,
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


def plain_cell(value: Any) -> Any:
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


def _day(value: Any) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def checkin_changes(
    original: pd.DataFrame,
    edited_rows: Mapping[Any, Mapping[str, Any]],
    added_rows: Sequence[Mapping[str, Any]],
    deleted_rows: Sequence[int],
) -> tuple[list[CheckIn], list[CheckIn], list[date], list[date]]:
    """Validate editor changes to check-ins: (updates, additions, dates to delete, dates moved away).

    A changed date moves the check-in: it is saved under the new date and its old date is freed."""
    problems = Problems()
    updates: list[CheckIn] = []
    moved_from: list[date] = []
    for pos, change in edited_rows.items():
        before = original.iloc[int(pos)]
        row = {str(k): plain_cell(v) for k, v in before.to_dict().items()}
        row.update({k: plain_cell(v) for k, v in change.items() if k in ("date", *CHECKIN_EDITABLE)})
        row["source"] = before["source"]
        checkin = problems.under(_row_label(row, int(pos))).attempt(checkin_from_input, **row)
        if checkin:
            updates.append(checkin)
            if checkin.date != _day(before["date"]):
                moved_from.append(pd.Timestamp(before["date"]).date())
    additions: list[CheckIn] = []
    for i, raw in enumerate(added_rows):
        row = {str(k): plain_cell(v) for k, v in raw.items()}
        checkin = problems.under(f"New row {i + 1}").attempt(checkin_from_input, **row)
        if checkin:
            additions.append(checkin)
    deletions = [pd.Timestamp(original.iloc[int(pos)]["date"]).date() for pos in deleted_rows]
    problems.raise_if_any()
    return updates, additions, deletions, moved_from


def _refuse_taken_dates(
    taken: Callable[[date], bool],
    written: Sequence[tuple[date, date | None]],
    freed: Sequence[date],
    noun: str,
) -> None:
    """Refuse a save that would put two entries on one date. ``written`` holds (date written, the
    row's own date before the edit, None for a new row); ``freed`` the dates this save empties."""
    problems = Problems()
    seen: set[date] = set()
    for day, own in written:
        if day in seen:
            problems.add(f"Two rows are dated {day.isoformat()}; keep one {noun} per day.")
        elif day != own and day not in freed and taken(day):
            problems.add(f"There is already a {noun} for {day.isoformat()}; edit or delete that row instead.")
        seen.add(day)
    problems.raise_if_any()


def apply_checkin_changes(
    store: Store,
    original: pd.DataFrame,
    edited_rows: Mapping[Any, Mapping[str, Any]],
    added_rows: Sequence[Mapping[str, Any]],
    deleted_rows: Sequence[int],
) -> EditSummary:
    """Validate and write check-in edits (a changed date moves the check-in) in one transaction."""
    updates, additions, deletions, moved_from = checkin_changes(
        original, edited_rows, added_rows, deleted_rows
    )
    owns = [_day(original.iloc[int(pos)]["date"]) for pos in edited_rows]
    with store.transaction():
        _refuse_taken_dates(
            lambda day: get_checkin(store, day) is not None,
            [
                *((c.date, own) for c, own in zip(updates, owns, strict=True)),
                *((c.date, None) for c in additions),
            ],
            [*deletions, *moved_from],
            "check-in",
        )
        delete_checkins(store, [*deletions, *moved_from])
        save_checkins(store, [*updates, *additions])
    return EditSummary(len(updates), len(additions), len(deletions))


def session_changes(
    original: pd.DataFrame,
    edited_rows: Mapping[Any, Mapping[str, Any]],
    added_rows: Sequence[Mapping[str, Any]],
    deleted_rows: Sequence[int],
) -> tuple[list[tuple[int, Session]], list[Session], list[int]]:
    """Validate editor changes to sessions: ((id, session) updates, additions, ids to delete)."""
    problems = Problems()
    updates: list[tuple[int, Session]] = []
    for pos, change in edited_rows.items():
        row = {str(k): plain_cell(v) for k, v in original.iloc[int(pos)].to_dict().items()}
        row.update({k: plain_cell(v) for k, v in change.items() if k in SESSION_EDITABLE})
        row["movements"] = ()
        session = problems.under(_row_label(row, int(pos))).attempt(session_from_input, **row)
        if session:
            updates.append((int(original.iloc[int(pos)]["id"]), session))
    additions: list[Session] = []
    for i, raw in enumerate(added_rows):
        row = {str(k): plain_cell(v) for k, v in raw.items() if k in SESSION_EDITABLE}
        session = problems.under(f"New row {i + 1}").attempt(session_from_input, **row)
        if session:
            additions.append(session)
    deletions = [int(original.iloc[int(pos)]["id"]) for pos in deleted_rows]
    problems.raise_if_any()
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
    problems = Problems()
    saves: list[Any] = []
    rows = [(f"Row {int(pos) + 1}", {**original.iloc[int(pos)].to_dict(), **{k: v for k, v in change.items() if k in ("date", *editable)}})
            for pos, change in edited_rows.items()]  # fmt: skip
    rows += [(f"New row {i + 1}", dict(raw)) for i, raw in enumerate(added_rows)]
    for label, row in rows:
        plain = {str(k): plain_cell(v) for k, v in row.items()}
        item = problems.under(label).attempt(build, **{k: plain.get(k) for k in ("date", *editable)})
        if item is not None:
            saves.append(item)
    deletions = [pd.Timestamp(original.iloc[int(pos)]["date"]).date() for pos in deleted_rows]
    problems.raise_if_any()
    return saves, deletions


def item_date(item: Any) -> date:
    """The date of a validated PEG answer (``.date``) or global impression ((date, rating))."""
    return item.date if hasattr(item, "date") else item[0]


def _frame_dates(frame: pd.DataFrame) -> list[date]:
    return [pd.Timestamp(d).date() for d in frame["date"]]


PEG_EDITABLE = ["pain", "enjoyment", "activity"]
IMPRESSION_EDITABLE = ["rating"]


def dated_table_editor(
    build: Any, editable: Sequence[str], delete: Any, save: Any, dates: Any, noun: str
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
        owns: list[date | None] = [_day(original.iloc[int(pos)]["date"]) for pos in edited_rows]
        owns += [None] * len(added_rows)
        moved_from = [
            own for item, own in zip(saves, owns, strict=False) if own is not None and item_date(item) != own
        ]
        with store.transaction():
            existing = set(dates(store))
            _refuse_taken_dates(
                existing.__contains__, [(item_date(item), own) for item, own in zip(saves, owns, strict=False)],
                [*deletions, *moved_from], noun,
            )  # fmt: skip
            delete(store, [*deletions, *moved_from])
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
    lambda store: _frame_dates(peg_frame(store)),
    "weekly answer",
)
# Validate and write global-impression edits in one transaction.
apply_impression_changes = dated_table_editor(
    lambda date, rating: impression_from_input(date, rating),
    IMPRESSION_EDITABLE,
    delete_global_impressions,
    lambda store, item: save_global_impression(store, *item),
    lambda store: _frame_dates(global_impression_frame(store)),
    "monthly answer",
)
