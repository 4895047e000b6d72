"""Editing one session's movements in History: the editor's rows (name, sets, reps, weight, and a
read-only summary of a set imported from another app) and the one-transaction save."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd

from backcare.editing import EditSummary, plain_cell
from backcare.errors import Problems
from backcare.models import MovementLog, SetDetails, movement_from_input
from backcare.store import Store
from backcare.store.sessions import replace_movements

MOVEMENT_EDITABLE = ["name", "sets", "reps", "weight_kg"]
_SET_TYPE_WORDS = {"normal": "", "warmup": "warm-up", "drop": "drop set", "failure": "to failure"}


def movements_table(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """A session's movements (``store.session_movements``) as the History editor's rows: the
    editable name, sets, reps and weight, a read-only "recorded" text for a set imported from another
    app, and that set's details in hidden columns (so a save keeps them)."""
    frame = pd.DataFrame(list(rows), columns=[
        "name", "sets", "reps", "weight_kg", "set_type", "set_reps", "set_weight_kg", "duration_s",
        "distance_m", "set_rpe", "set_notes", "implausible",
    ])  # fmt: skip
    frame["recorded"] = [_recorded_words(row) for row in frame.to_dict("records")]
    for column in ("sets", "reps"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _recorded_words(row: Mapping[Any, Any]) -> str:
    details = _details(row)
    if details is None:
        return ""
    words = [_SET_TYPE_WORDS.get(details.set_type, details.set_type)] + [
        f"{value:g} {unit}"
        for value, unit in ((details.reps, "reps"), (details.weight_kg, "kg"), (details.duration_s, "s"),
                            (details.distance_m, "m"))
        if value is not None
    ]  # fmt: skip
    return ", ".join(w for w in words if w) + (
        " (kept as recorded: looks wrong)" if details.implausible else ""
    )


def _details(row: Mapping[Any, Any]) -> SetDetails | None:
    """The imported set's details held in a movements_table row, or None (logged in the app)."""
    plain = {k: plain_cell(row.get(k)) for k in ("set_type", "set_reps", "set_weight_kg", "duration_s",
                                              "distance_m", "set_rpe", "set_notes", "implausible")}  # fmt: skip
    if plain["set_type"] is None:
        return None
    return SetDetails(
        set_type=plain["set_type"], reps=plain["set_reps"], weight_kg=plain["set_weight_kg"],
        duration_s=plain["duration_s"], distance_m=plain["distance_m"], rpe=plain["set_rpe"],
        notes=plain["set_notes"], implausible=bool(plain["implausible"]),
    )  # fmt: skip


def movement_changes(
    original: pd.DataFrame,
    edited_rows: Mapping[Any, Mapping[str, Any]],
    added_rows: Sequence[Mapping[str, Any]],
    deleted_rows: Sequence[int],
) -> list[MovementLog]:
    """Validate editor changes to one session's movements: the session's full new list, in order.

    An imported set whose reps or weight the person corrects keeps its other details (set type,
    time, distance) and takes the corrected values as its record."""
    problems = Problems()
    edits = {int(pos): change for pos, change in edited_rows.items()}
    gone = {int(pos) for pos in deleted_rows}
    result: list[MovementLog] = []
    for pos in range(len(original)):
        if pos in gone:
            continue
        before = original.iloc[pos].to_dict()
        row = {k: plain_cell(before[k]) for k in MOVEMENT_EDITABLE}
        row.update({k: plain_cell(v) for k, v in edits.get(pos, {}).items() if k in MOVEMENT_EDITABLE})
        label = f"Movement row {pos + 1} ({row['name'] or 'no name'})"
        move = problems.under(label).attempt(movement_from_input, item=row)
        if move is None:
            continue
        details = _details(before)
        corrected = (move.reps, move.weight_kg) != (
            plain_cell(before["reps"]),
            plain_cell(before["weight_kg"]),
        )
        if details is not None and corrected:
            details = replace(details, reps=move.reps, weight_kg=move.weight_kg, implausible=False)
        result.append(replace(move, details=details))
    for i, raw in enumerate(added_rows):
        row = {k: plain_cell(raw.get(k)) for k in MOVEMENT_EDITABLE}
        move = problems.under(f"New movement row {i + 1}").attempt(movement_from_input, item=row)
        if move is not None:
            result.append(move)
    problems.raise_if_any()
    return result


def apply_movement_changes(session_id: int) -> Callable[..., EditSummary]:
    """An ``apply_*_changes`` function for one session's movements: validate every row, then replace
    the session's movements in one transaction."""

    def apply(
        store: Store,
        original: pd.DataFrame,
        edited_rows: Mapping[Any, Mapping[str, Any]],
        added_rows: Sequence[Mapping[str, Any]],
        deleted_rows: Sequence[int],
    ) -> EditSummary:
        movements = movement_changes(original, edited_rows, added_rows, deleted_rows)
        replace_movements(store, session_id, movements)
        kept = [pos for pos in edited_rows if int(pos) not in {int(p) for p in deleted_rows}]
        return EditSummary(len(kept), len(added_rows), len(deleted_rows))

    return apply
