"""The only place with SQL: schema, connection policy and queries returning DataFrames."""

from typing import Any

from backcare.store.backup import (
    backup_bytes,
    backup_to,
    check_backup_file,
    daily_backup,
    restore_from,
)
from backcare.store.catalogue import (
    add_exercise_type,
    add_movement,
    exercise_types,
    movement_names,
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
from backcare.store.experiments import (
    experiments_frame,
    get_experiment,
    running_experiment,
    set_experiment_status,
    start_experiment,
)
from backcare.store.imports import already_imported, apply_batch, symptom_records_frame
from backcare.store.questionnaires import (
    delete_global_impressions,
    delete_peg,
    global_impression_frame,
    last_answer_dates,
    open_red_flag,
    peg_frame,
    red_flag_frame,
    resolve_red_flags,
    save_global_impression,
    save_peg,
    save_red_flag_check,
)
from backcare.store.schema import APPLICATION_ID, SCHEMA_VERSION
from backcare.store.sessions import (
    add_session,
    add_sessions,
    all_session_movements,
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
    "all_session_movements",
    "already_imported",
    "apply_batch",
    "backup_bytes",
    "backup_to",
    "check_backup_file",
    "checkins_frame",
    "count_entries",
    "count_own_entries",
    "daily_backup",
    "delete_checkins",
    "delete_from_source",
    "delete_global_impressions",
    "delete_peg",
    "delete_sessions",
    "diary_tables",
    "exercise_types",
    "experiments_frame",
    "get_checkin",
    "get_experiment",
    "global_impression_frame",
    "last_answer_dates",
    "last_pain",
    "last_session_defaults",
    "load_diary",
    "movement_names",
    "movements",
    "now_iso",
    "open_red_flag",
    "peg_frame",
    "red_flag_frame",
    "resolve_red_flags",
    "restore_from",
    "running_experiment",
    "save_checkin",
    "save_checkins",
    "save_global_impression",
    "save_peg",
    "save_red_flag_check",
    "session_movements",
    "sessions_frame",
    "set_experiment_status",
    "start_experiment",
    "symptom_records_frame",
    "type_names",
    "update_session",
]


def __getattr__(name: str) -> Any:
    """Whole-diary export/restore helpers load on first use: they pull in pandas and the analysis
    code, which `python -m backcare import apple-health` deliberately never loads (memory)."""
    if name in ("diary_tables", "load_diary"):
        from backcare.store import diary_io

        return getattr(diary_io, name)
    raise AttributeError(f"module 'backcare.store' has no attribute {name!r}")
