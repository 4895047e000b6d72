"""A CSV export read back into an empty diary gives back every stored value of every table it holds.

The diary compared is a demo history with check-in times and offsets, a person's own type and
movement, PEG answers, impressions, red-flag checks (one resolved), Strong sets with their details
Apple Health symptom records and planned experiments (one finished, one running after a pause). Only what a new diary must make anew is left out of the comparison:
row ids (a new diary numbers its rows itself; the rows they link are compared through what they
link to) and the created/updated timestamps (the moment of the import).
"""

from __future__ import annotations

import csv
import io
import sqlite3
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from backcare import demo
from backcare.errors import ImportFormatError
from backcare.exports import build_bundle, export_zip, read_csv_zip
from backcare.exports.csv_files import CHECKIN_HEADER
from backcare.importers import read_export
from backcare.models import checkin_from_input, session_from_input
from backcare.records import ExperimentPlan
from backcare.store import (
    Store,
    add_exercise_type,
    add_session,
    apply_batch,
    diary_tables,
    load_diary,
    save_checkins,
    save_global_impression,
    save_peg,
    save_red_flag_check,
    set_experiment_status,
    start_experiment,
)

IMPORTS = Path(__file__).parent / "fixtures" / "imports"
END = date(2026, 6, 30)  # fixed: the demo's weekdays and the imports' dates never depend on today
# Tables that are not diary content: the schema's own bookkeeping.
SKIPPED_TABLES = {"_sqlite_migrations", "meta", "sqlite_sequence"}
NEW_IN_EACH_DIARY = {"id", "created_at", "updated_at", "stamp"}  # stamp: block_stamps, random per write

# Every table with row ids in another table's column, compared through what the id stands for.
LINKED = {
    "session_movements": """
        SELECT s.date, s.start_time, s.exercise_type, s.source, s.source_id, s.notes,
               m.exercise_type AS movement_type, m.name AS movement, sm.position, sm.sets, sm.reps, sm.weight_kg,
               ms.set_type, ms.reps AS set_reps, ms.weight_kg AS set_weight, ms.duration_s, ms.distance_m,
               ms.rpe, ms.notes AS set_notes, ms.implausible
        FROM session_movements sm JOIN sessions s ON s.id = sm.session_id
        JOIN movements m ON m.id = sm.movement_id
        LEFT JOIN movement_sets ms ON ms.session_movement_id = sm.id""",
}
COVERED_BY_LINKED = {"movement_sets"}


def _table_rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (ids and timestamps left out, links resolved), sorted."""
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        out: dict[str, list[tuple[object, ...]]] = {}
        for table in tables:
            if table in SKIPPED_TABLES or table in COVERED_BY_LINKED:
                continue
            if table in LINKED:
                sql = LINKED[table]
            else:
                columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
                kept = [c for c in columns if c not in NEW_IN_EACH_DIARY]
                sql = f"SELECT {', '.join(kept)} FROM {table}"
            cursor = conn.execute(sql)
            names = tuple(d[0] for d in cursor.description)
            rows = sorted(cursor.fetchall(), key=repr)
            out[table] = [names, *rows]
        return out
    finally:
        conn.close()


@pytest.fixture
def full_diary(tmp_path: Path) -> Path:
    """A diary holding a value in every column the CSV export carries."""
    path = tmp_path / "before.db"
    with Store(path) as store:
        demo.write_demo(store, 60, 3, end=END)
        key = add_exercise_type(store, "Tai chi")
        save_checkins(
            store,
            [
                checkin_from_input(date=END - timedelta(days=d), pain=3 + d % 4, worst_pain=8, stiffness=2,
                                   sleep_quality=6, stress=4, locations=["lower_back", "hip"],
                                   qualities=["aching"], medication="-ibuprofen 200 mg", flare=d == 2,
                                   notes="=tricky, \"quoted\"\nsecond line", time=f"{7 + d:02d}:{5 * d:02d}",
                                   utc_offset="-08:00" if d == 3 else "+05:30")
                for d in range(6)
            ],
        )  # fmt: skip
        add_session(
            store,
            session_from_input(
                date=END, exercise_type=key, duration_min=25, start_time="06:40", rpe=4, pain_before=5,
                pain_after=3, with_instructor=True, notes="@park", utc_offset="+09:00",
                movements=[{"name": "Cloud hands", "sets": 2, "reps": 8, "weight_kg": 1.5}],
            ),
        )  # fmt: skip
        for kind, name in (("strong", "strong_current.csv"), ("apple-health", "apple_health_export.xml")):
            apply_batch(store, read_export(kind, IMPORTS / name))
        save_peg(store, END - timedelta(days=7), 6, 5, 4)
        save_peg(store, END, 5, 4, 3)
        save_global_impression(store, END, 2)
        save_red_flag_check(store, END - timedelta(days=1), ["fever", "night_pain"], "urgent")
        save_red_flag_check(store, END, [], "none")
        store.conn.execute(
            "UPDATE red_flag_checks SET resolved_at = '2026-06-30T09:00:00Z', resolution = 'seen by my GP' "
            "WHERE level = 'urgent'"
        )
        finished = start_experiment(
            store, ExperimentPlan("walking", date(2026, 1, 5), comparison=key, seed=77)
        )
        set_experiment_status(store, finished, "stopped", "=flare; stopped early")
        running = start_experiment(
            store, ExperimentPlan(key, date(2026, 5, 4), period_days=7, pairs=3, seed=5)
        )
        set_experiment_status(store, running, "paused")
        set_experiment_status(store, running, "active")
        store.conn.execute(
            "UPDATE experiments SET started_at = '2026-01-04T18:00:00Z' WHERE id = ?", [finished]
        )
    return path


def test_every_stored_value_survives_export_and_import_into_an_empty_diary(full_diary, tmp_path):
    before = _table_rows(full_diary)
    # The diary really holds what the round trip must carry: times, offsets, set details, symptoms.
    checkins = before["checkins"]
    column = {name: i for i, name in enumerate(checkins[0])}
    assert {row[column["time"]] for row in checkins[1:]} >= {"07:00", "10:15"}
    assert {row[column["utc_offset"]] for row in checkins[1:]} >= {"-08:00", "+05:30"}
    assert len(before["symptom_records"]) > 1 and len(before["red_flag_checks"]) == 3
    experiments = before["experiments"]
    assert len(experiments) == 3 and {row[experiments[0].index("resumed_on")] for row in experiments[1:]} != {
        None
    }
    sets = before["session_movements"]
    assert any(row[sets[0].index("set_type")] is not None for row in sets[1:])

    with Store(full_diary) as store:
        data = export_zip(diary_tables(store))
    after_path = tmp_path / "after.db"
    with Store(after_path) as fresh:
        load_diary(fresh, read_csv_zip(data, "export.zip"))
    after = _table_rows(after_path)

    assert after.keys() == before.keys()
    for table, rows in before.items():
        assert after[table] == rows, f"{table} differs after the round trip"


def _with_rows(data: bytes, name: str, change) -> bytes:
    """The export with one file's rows (header first) passed through ``change``; the file is left
    out when ``change`` returns None (an export made before that file was exported)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as new, zipfile.ZipFile(out, "w") as archive:
        for info in new.infolist():
            content = new.read(info)
            if info.filename == name:
                rows = change(list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))))
                if rows is None:
                    continue
                text = io.StringIO(newline="")
                csv.writer(text, lineterminator="\r\n").writerows(rows)
                content = text.getvalue().encode("utf-8-sig")
            archive.writestr(info.filename, content)
    return out.getvalue()


def test_an_export_written_before_check_in_times_were_exported_still_imports(full_diary):
    with Store(full_diary) as store:
        data = export_zip(diary_tables(store))

    def without_times(rows):
        assert rows[0][-2:] == ["time", "utc_offset"]
        return [row[:-2] for row in rows]

    diary = read_csv_zip(_with_rows(data, "checkins.csv", without_times), "old-export.zip")
    last = max(diary.checkins, key=lambda c: c.date)
    assert last.date == END and last.pain == 3
    assert last.time is None and last.utc_offset is None


def test_a_check_in_time_or_offset_that_is_not_one_is_named_with_its_line(full_diary):
    with Store(full_diary) as store:
        data = export_zip(diary_tables(store))

    def spoiled(rows):
        rows[1][CHECKIN_HEADER.index("time")] = "25:99"
        rows[2][CHECKIN_HEADER.index("utc_offset")] = "CET"
        return rows

    with pytest.raises(ImportFormatError) as caught:
        read_csv_zip(_with_rows(data, "checkins.csv", spoiled), "export.zip")
    message = str(caught.value)
    assert "checkins.csv, line 2: Time" in message
    assert "checkins.csv, line 3: UTC offset 'CET' is not like +01:00 or -08:00." in message


def test_fhir_names_the_check_in_instant_with_its_own_offset(full_diary):
    with Store(full_diary) as store:
        bundle = build_bundle(diary_tables(store), start=END - timedelta(days=3), end=END)
    pain = {
        e["resource"]["effectiveDateTime"]
        for e in bundle["entry"]
        if e["resource"].get("code", {}).get("coding", [{}])[0].get("code") == "72514-3"
    }
    assert pain == {
        "2026-06-30T07:00:00+05:30",
        "2026-06-29T08:05:00+05:30",
        "2026-06-28T09:10:00+05:30",
        "2026-06-27T10:15:00-08:00",
    }


def test_a_check_in_keeps_its_offset_unless_a_new_one_is_named(store):
    from backcare.store import checkins_frame, save_checkin
    from backcare.store.sessions import local_offset

    day = date(2026, 6, 1)
    save_checkin(store, checkin_from_input(date=day, pain=4, time="08:30"))
    offset = lambda: checkins_frame(store)["utc_offset"].tolist()  # noqa: E731
    assert offset() == [local_offset(day, "08:30")]  # saved in the app: this computer's offset
    save_checkin(store, checkin_from_input(date=day, pain=5, utc_offset="-08:00"))
    assert offset() == ["-08:00"]  # named (an export read back): kept as named
    save_checkin(store, checkin_from_input(date=day, pain=6))
    assert offset() == ["-08:00"]  # an edit that names none keeps the stored one
    assert checkins_frame(store)["pain"].tolist() == [6]


def test_a_plan_edited_in_the_export_stays_flagged_as_changed_after_it_started(full_diary, tmp_path):
    from backcare.exports.experiment_rows import EXPERIMENT_HEADER
    from backcare.store import running_experiment

    with Store(full_diary) as store:
        data = export_zip(diary_tables(store))

    def more_pairs(rows):
        running = next(r for r in rows[1:] if r[EXPERIMENT_HEADER.index("status")] == "active")
        running[EXPERIMENT_HEADER.index("pairs")] = "4"
        return rows

    with Store(tmp_path / "edited.db") as fresh:
        load_diary(fresh, read_csv_zip(_with_rows(data, "experiments.csv", more_pairs), "export.zip"))
        with pytest.raises(Exception, match="no longer matches the plan locked when it started"):
            running_experiment(fresh)
    with Store(tmp_path / "faithful.db") as fresh:
        load_diary(fresh, read_csv_zip(data, "export.zip"))
        plan = running_experiment(fresh)["plan"]
        assert (plan.pairs, plan.period_days, plan.seed, plan.start) == (3, 7, 5, date(2026, 5, 4))


def test_experiment_rows_that_cannot_be_stored_are_named_and_nothing_is_imported(full_diary):
    from backcare.exports.experiment_rows import EXPERIMENT_HEADER

    with Store(full_diary) as store:
        data = export_zip(diary_tables(store))

    def spoiled(rows):
        rows[1][EXPERIMENT_HEADER.index("status")] = "running"
        rows[2][EXPERIMENT_HEADER.index("started_at")] = "yesterday"
        return rows

    with pytest.raises(ImportFormatError) as caught:
        read_csv_zip(_with_rows(data, "experiments.csv", spoiled), "export.zip")
    message = str(caught.value)
    assert "experiments.csv, line 2: Status must be one of active, paused, stopped, completed" in message
    assert "experiments.csv, line 3: started_at must be a UTC time" in message

    def two_running(rows):
        for row in rows[1:]:
            row[EXPERIMENT_HEADER.index("status")] = "paused"
        return rows

    with pytest.raises(ImportFormatError, match="2 running \\(active or paused\\) experiments"):
        read_csv_zip(_with_rows(data, "experiments.csv", two_running), "export.zip")


def test_an_export_without_experiments_csv_still_imports(full_diary):
    with Store(full_diary) as store:
        data = export_zip(diary_tables(store))
    diary = read_csv_zip(_with_rows(data, "experiments.csv", lambda rows: None), "old-export.zip")
    assert diary.experiments == [] and len(diary.checkins) > 40
    assert "planned experiments" not in diary.describe()
    assert "2 planned experiments" in read_csv_zip(data, "export.zip").describe()


def test_every_plan_field_is_a_column_of_experiments_csv():
    from dataclasses import fields

    from backcare.exports.experiment_rows import PLAN_COLUMNS

    assert sorted(PLAN_COLUMNS) == sorted(f.name for f in fields(ExperimentPlan))
