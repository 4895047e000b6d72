"""Exercise types and the movement catalogue."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from backcare.errors import ValidationError
from backcare.models import clean_text, type_key_from_name
from backcare.store.connection import Store

if TYPE_CHECKING:
    import pandas as pd


def type_names(store: Store) -> dict[str, str]:
    """Map type key -> display name, in display order."""
    return {
        r["key"]: r["name"]
        for r in store.rows("SELECT key, name FROM exercise_types ORDER BY sort_order, name")
    }


def add_exercise_type(store: Store, name: str) -> str:
    """Add a person's own exercise type and return its stable key."""
    clean = clean_text(name, "Type name", 60)
    if not clean:
        raise ValidationError("Give the new exercise type a name.")
    key = type_key_from_name(clean)
    with store.transaction() as conn:
        existing = conn.execute(
            "SELECT key FROM exercise_types WHERE key = ? OR lower(name) = lower(?)", [key, clean]
        ).fetchone()
        if existing:
            raise ValidationError(f"There is already an exercise type called '{clean}'.")
        conn.execute("INSERT INTO exercise_types(key, name, builtin) VALUES (?, ?, 0)", [key, clean])
    return key


def movements(store: Store, exercise_type: str | None = None) -> pd.DataFrame:
    """Movement catalogue (id, exercise_type, name, description), optionally for one type."""
    sql = "SELECT id, exercise_type, name, description, builtin FROM movements"
    params: list[str] = []
    if exercise_type:
        sql += " WHERE exercise_type = ?"
        params.append(exercise_type)
    return store.frame(sql + " ORDER BY exercise_type, builtin DESC, id", params)


def movement_id(
    conn: sqlite3.Connection, exercise_type: str, name: str, description: str | None = None, *, create: bool
) -> int:
    """Find a movement by type and name (case-insensitive); add it when ``create`` (inside a transaction)."""
    clean = clean_text(name, "Movement name", 120)
    if not clean:
        raise ValidationError("A movement needs a name.")
    row = conn.execute(
        "SELECT id FROM movements WHERE exercise_type = ? AND lower(name) = lower(?)", [exercise_type, clean]
    ).fetchone()
    if row:
        return int(row[0])
    if not create:
        raise ValidationError(f"'{clean}' is not in the movement list for this exercise type.")
    cursor = conn.execute(
        "INSERT INTO movements(exercise_type, name, description, builtin) VALUES (?, ?, ?, 0)",
        [exercise_type, clean, description],
    )
    return int(cursor.lastrowid or 0)


def require_type(conn: sqlite3.Connection, key: str) -> None:
    """Raise a friendly ValidationError when an exercise type key is unknown."""
    if conn.execute("SELECT 1 FROM exercise_types WHERE key = ?", [key]).fetchone() is None:
        known = ", ".join(r[0] for r in conn.execute("SELECT key FROM exercise_types ORDER BY sort_order"))
        raise ValidationError(f"Unknown exercise type '{key}'. Known types: {known}.")


def movement_names(store: Store) -> list[str]:
    """Every movement name in the catalogue (plain list; no pandas needed)."""
    return [row["name"] for row in store.rows("SELECT name FROM movements ORDER BY name")]
