"""The only place with SQL: schema, connection policy and queries returning DataFrames."""

from backcare.store.catalogue import (
    add_exercise_type,
    add_movement,
    exercise_types,
    movements,
    type_names,
)
from backcare.store.checkins import (
    checkins_frame,
    count_entries,
    count_own_entries,
    delete_checkins,
    delete_from_source,
    get_checkin,
    last_pain,
    save_checkin,
    save_checkins,
)
from backcare.store.connection import Store, now_iso
from backcare.store.schema import APPLICATION_ID, SCHEMA_VERSION
from backcare.store.sessions import (
    add_session,
    add_sessions,
    delete_sessions,
    last_session_defaults,
    session_movements,
    sessions_frame,
    update_session,
)

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "Store",
    "add_exercise_type",
    "add_movement",
    "add_session",
    "add_sessions",
    "checkins_frame",
    "count_entries",
    "count_own_entries",
    "delete_checkins",
    "delete_from_source",
    "delete_sessions",
    "exercise_types",
    "get_checkin",
    "last_pain",
    "last_session_defaults",
    "movements",
    "now_iso",
    "save_checkin",
    "save_checkins",
    "session_movements",
    "sessions_frame",
    "type_names",
    "update_session",
]
