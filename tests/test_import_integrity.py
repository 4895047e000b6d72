"""Imports that land whole or not at all, can be replaced, are checked on the way in like the forms,
and leave with their own time zone and scale in every export (issue 14; issue 16 items 10 and 17)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from backcare.exports import build_bundle, export_zip, read_csv_zip
from backcare.importers import read_export
from backcare.models import Session, checkin_from_input
from backcare.records import ImportBatch, SymptomRecord
from backcare.reports.content import ReportOptions, build_content
from backcare.reports.gather import report_inputs
from backcare.store import (
    Store,
    add_session,
    apply_batch,
    diary_tables,
    load_diary,
    save_checkin,
    session_movements,
    sessions_frame,
    symptom_records_frame,
)
from tests.conftest import FIXTURES, ROOT

IMPORTS = FIXTURES / "imports"
APPLE = IMPORTS / "apple_health_export.xml"
RUN = (
    b' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="31" durationUnit="min" '
    b'sourceName="Watch" startDate="2024-06-28 09:44:00 -0800" endDate="2024-06-28 10:15:00 -0800"/>\n'
)


def with_extra(tmp_path: Path, extra: bytes, name: str = "extra.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(APPLE.read_bytes().replace(b"</HealthData>", extra + b"</HealthData>"))
    return path


def everything(store: Store) -> list[tuple]:
    return [
        tuple(row.values())
        for table in ("sessions", "session_movements", "movement_sets", "symptom_records", "movements")
        for row in store.rows(f"SELECT * FROM {table} ORDER BY 1")
    ]


def test_replace_corrects_a_wrong_unit_in_one_step(store):
    wrong = read_export("strong", IMPORTS / "strong_export.csv", unit="lb")
    apply_batch(store, wrong)
    right = read_export("strong", IMPORTS / "strong_export.csv", unit="kg")
    again = apply_batch(store, right)
    assert again.sessions_added == 0  # without replace nothing changes: the weights stay wrong
    first = int(sessions_frame(store)["id"].min())
    assert session_movements(store, first)[1]["weight_kg"] == pytest.approx(6.35, abs=0.01)
    summary = apply_batch(store, right, replace=True)
    assert (summary.sessions_replaced, summary.sessions_added) == (2, 2)
    assert summary.describe().startswith("Replaced 2 sessions from the earlier import of this file. Added 2")
    frame = sessions_frame(store)
    assert len(frame) == 2
    assert session_movements(store, int(frame["id"].min()))[1]["weight_kg"] == 14.0
    assert store.value("SELECT count(*) FROM session_movements") == 10  # old sets gone, not doubled


def test_a_batch_failing_half_way_through_real_writes_leaves_the_diary_unchanged(store):
    apply_batch(store, read_export("apple-health", APPLE))
    before = everything(store)
    good = Session(date=date(2024, 1, 1), exercise_type="walking", duration_min=20, source="test")
    batch = ImportBatch("test", "half.csv")
    batch.sessions = [replace(good, source_id=str(i), date=date(2023, 1, 1 + i % 28)) for i in range(600)]
    batch.sessions[499] = replace(batch.sessions[499], duration_min=0)  # violates CHECK (1..600)
    reported: list[int] = []
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        apply_batch(store, batch, lambda done, total: reported.append(done))
    assert reported == [200, 400]  # 499 sessions had been written when the 500th failed
    assert everything(store) == before


def test_a_failing_replace_keeps_the_earlier_import(store):
    apply_batch(store, read_export("strong", IMPORTS / "strong_export.csv", unit="kg"))
    before = everything(store)
    batch = read_export("strong", IMPORTS / "strong_export.csv", unit="lb")
    batch.sessions[1] = replace(batch.sessions[1], duration_min=9999)
    with pytest.raises(sqlite3.IntegrityError):
        apply_batch(store, batch, replace=True)
    assert everything(store) == before


def test_symptom_value_over_80_characters_is_refused_with_its_reason_not_called_a_duplicate(store, tmp_path):
    long_value = b"HKCategoryValueSeverity" + b"X" * 90
    path = tmp_path / "long.xml"
    path.write_bytes(APPLE.read_bytes().replace(b"HKCategoryValueSeverityModerate", long_value))
    batch = read_export("apple-health", path)
    assert len(batch.symptoms) == 1
    assert (
        "1 back-pain records with a value the diary cannot store (first: value must be 1 to 80 characters)"
        in (batch.describe())
    )
    summary = apply_batch(store, batch)
    assert (summary.symptoms_added, summary.symptoms_already_there) == (1, 0)
    direct = ImportBatch("apple_health", "x")
    direct.symptoms = [
        SymptomRecord(date(2024, 1, 1), None, "Lower back pain", "s", "v" * 81, "apple_health", "z")
    ]
    with pytest.raises(sqlite3.IntegrityError):  # the store no longer swallows CHECK failures
        apply_batch(store, direct)


def test_long_apple_workout_type_cannot_block_the_diarys_own_csv_export(store, tmp_path):
    path = with_extra(tmp_path, RUN.replace(b"TypeRunning", b"Type" + b"Z" * 230))
    batch = read_export("apple-health", path)
    assert len(batch.sessions) == 4 and "workouts with a value the diary cannot store" in batch.describe()
    apply_batch(store, batch)
    diary = read_csv_zip(export_zip(diary_tables(store)), "export.zip")
    assert len(diary.sessions) == 4


def test_dates_in_the_future_are_refused_like_the_forms(tmp_path):
    path = with_extra(tmp_path, RUN.replace(b"2024-06-28", b"2099-06-28"))
    batch = read_export("apple-health", path)
    assert (
        len(batch.sessions) == 4
        and "1 workouts dated in the future (refused, as in the forms)" in batch.describe()
    )
    csv = tmp_path / "future.csv"
    csv.write_text((IMPORTS / "strong_2019.csv").read_text().replace("2019-01-13", "2099-01-13"))
    strong = read_export("strong", csv)
    assert len(strong.sessions) == 1 and "dated in the future" in strong.describe()


def test_workout_inside_an_xml_comment_is_ignored(tmp_path):
    path = with_extra(tmp_path, b"<!-- an old note: " + RUN + b" -->\n<!-- <Workout never closed -->\n")
    batch = read_export("apple-health", path)
    assert len(batch.sessions) == 4 and not batch.skipped


def test_apple_running_keeps_its_utc_offset_and_long_timer_is_unreliable(tmp_path):
    long_walk = RUN.replace(b"Running", b"Walking").replace(b'duration="31"', b'duration="900"')
    path = with_extra(tmp_path, RUN + long_walk.replace(b"09:44", b"11:00"))
    batch = read_export("apple-health", path)
    run = next(s for s in batch.sessions if s.source_label == "Running")
    assert (run.exercise_type, run.start_time, run.utc_offset, run.duration_min) == (
        "running",
        "09:44",
        "-08:00",
        31,
    )
    walk = next(s for s in batch.sessions if s.start_time == "11:00")
    assert (walk.duration_quality, walk.duration_min, walk.recorded_duration_min) == ("unreliable", 600, 900)


FHIR_SCRIPT = """
import json, sys
from backcare.exports import build_bundle
from backcare.store import Store, diary_tables
with Store(sys.argv[1]) as store:
    bundle = build_bundle(diary_tables(store))
print(json.dumps(sorted(
    e["resource"]["effectiveDateTime"] for e in bundle["entry"]
    if e["resource"].get("effectiveDateTime", "").count("T")
)))
"""


def _instants(db: Path, tz: str) -> list[str]:
    env = {"PYTHONPATH": str(ROOT), "TZ": tz, "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", FHIR_SCRIPT, str(db)], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_fhir_names_the_true_instant_whatever_the_exporting_computers_zone(tmp_path):
    db = tmp_path / "tz.db"
    with Store(db) as store:
        apply_batch(store, read_export("apple-health", with_extra(tmp_path, RUN)))
    made_in_tokyo = (
        "from datetime import date; from backcare.models import Session; from backcare.store import Store, add_session;"
        f"s = Store({str(db)!r}); add_session(s, Session(date=date(2024, 7, 1), exercise_type='yoga', "
        "duration_min=30, start_time='07:30')); s.close()"
    )
    env = {"PYTHONPATH": str(ROOT), "TZ": "Asia/Tokyo", "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", made_in_tokyo], check=True, env=env)
    seen = {tz: _instants(db, tz) for tz in ("UTC", "America/Los_Angeles", "Asia/Tokyo", "Europe/Berlin")}
    assert len({json.dumps(v) for v in seen.values()}) == 1  # the same instants under every zone
    instants = seen["UTC"]
    assert "2024-06-28T09:44:00-08:00" in instants  # the Apple run, at its own offset
    assert "2024-07-01T07:30:00+09:00" in instants  # saved in the app in Tokyo
    assert "2024-06-25T21:00:00+02:00" in instants  # Apple back-pain record


def test_app_entries_get_the_local_offset_when_saved(store, monkeypatch):
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        add_session(
            store, Session(date=date(2024, 1, 15), exercise_type="yoga", duration_min=30, start_time="08:00")
        )
        save_checkin(store, checkin_from_input(date=date(2024, 7, 15), pain=3))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert store.value("SELECT utc_offset FROM sessions") == "-05:00"  # winter time on that day
    assert store.value("SELECT utc_offset FROM checkins") == "-04:00"  # summer time on that day


def test_apple_back_pain_travels_in_csv_fhir_and_report(store, tmp_path):
    apply_batch(store, read_export("apple-health", APPLE))
    data = export_zip(diary_tables(store))
    diary = read_csv_zip(data, "export.zip")
    assert [(r.date.isoformat(), r.time, r.value, r.scale, r.utc_offset) for r in diary.symptoms] == [
        ("2024-06-25", "21:00", "moderate", "Apple Health severity", "+02:00"),
        ("2024-06-27", "20:45", "mild", "Apple Health severity", "+02:00"),
    ]
    with Store(tmp_path / "moved.db") as moved:
        load_diary(moved, diary)
        assert symptom_records_frame(moved)[["value", "source_id"]].values.tolist() == (
            symptom_records_frame(store)[["value", "source_id"]].values.tolist()
        )
    bundle = build_bundle(diary_tables(store))
    symptoms = [
        e["resource"] for e in bundle["entry"] if "imported-symptom" in json.dumps(e["resource"].get("code"))
    ]
    assert [s["valueCodeableConcept"]["text"] for s in symptoms] == ["moderate", "mild"]
    assert all("72514-3" not in json.dumps(s) for s in symptoms)  # never passed off as a 0-10 score
    content = build_content(
        report_inputs(store), ReportOptions(start=date(2024, 6, 1), end=date(2024, 6, 30))
    )
    assert [(r["date"], r["value"]) for r in content.symptoms] == [
        ("25 Jun 2024", "moderate"),
        ("27 Jun 2024", "mild"),
    ]


def test_estimated_minutes_travel_marked_and_stay_out_of_minute_totals(store):
    from backcare.analysis import weekly_minutes

    apply_batch(store, read_export("strong", IMPORTS / "strong_2019.csv"))
    apply_batch(store, read_export("hevy", IMPORTS / "hevy_export.csv"))
    frame = sessions_frame(store)
    assert sorted(frame["duration_quality"]) == ["estimated", "estimated", "recorded", "recorded"]
    weeks = weekly_minutes(frame, date(2019, 1, 1), date(2024, 12, 31))
    assert weeks["minutes"].sum() == 39 + 62 and weeks["sessions"].sum() == 4
    diary = read_csv_zip(export_zip(diary_tables(store)), "export.zip")
    assert sorted(s.duration_quality for s in diary.sessions) == [
        "estimated",
        "estimated",
        "recorded",
        "recorded",
    ]
    bundle = build_bundle(diary_tables(store))
    notes = [e["resource"].get("note") for e in bundle["entry"] if e["resource"].get("valueCodeableConcept")]
    assert sum(1 for n in notes if n and "estimated" in n[0]["text"]) == 2
    content = build_content(
        report_inputs(store), ReportOptions(start=date(2019, 1, 1), end=date(2019, 1, 31))
    )
    assert content.estimated_sessions == 2 and content.exposure[0]["minutes"] == 0


def test_a_quote_before_a_formula_survives_the_csv_round_trip(store):
    save_checkin(store, checkin_from_input(date=date(2024, 3, 1), pain=4, notes="'=1+1"))
    save_checkin(store, checkin_from_input(date=date(2024, 3, 2), pain=4, notes="=1+1"))
    save_checkin(store, checkin_from_input(date=date(2024, 3, 3), pain=4, notes="''quoted"))
    diary = read_csv_zip(export_zip(diary_tables(store)), "export.zip")
    assert [c.notes for c in diary.checkins] == ["'=1+1", "=1+1", "''quoted"]


def test_sets_and_details_survive_the_csv_round_trip(store, tmp_path):
    apply_batch(store, read_export("hevy", IMPORTS / "hevy_cardio.csv"))
    diary = read_csv_zip(export_zip(diary_tables(store)), "export.zip")
    with Store(tmp_path / "moved.db") as moved:
        load_diary(moved, diary)
        columns = "set_type, reps, weight_kg, duration_s, distance_m, rpe, notes, implausible"
        assert moved.rows(f"SELECT {columns} FROM movement_sets ORDER BY 1") == store.rows(
            f"SELECT {columns} FROM movement_sets ORDER BY 1"
        )
        assert sorted(sessions_frame(moved)["exercise_type"]) == ["running", "strength", "swimming"]


def test_an_export_made_before_the_new_columns_is_still_read(store):
    import csv
    import io
    import zipfile

    apply_batch(store, read_export("hevy", IMPORTS / "hevy_cardio.csv"))
    older = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(export_zip(diary_tables(store)))) as src,
        zipfile.ZipFile(older, "w") as dst,
    ):
        for info in src.infolist():
            text = src.read(info).decode("utf-8-sig")
            keep = {"sessions.csv": 14, "session_movements.csv": 6}.get(info.filename)
            if info.filename == "symptom_records.csv":
                continue
            if keep:
                rows = list(csv.reader(io.StringIO(text, newline="")))
                out = io.StringIO()
                csv.writer(out, lineterminator="\r\n").writerows(row[:keep] for row in rows)
                text = out.getvalue()
            dst.writestr(info.filename, text.encode("utf-8-sig"))
    diary = read_csv_zip(older.getvalue(), "older.zip")
    assert len(diary.sessions) == 3 and not diary.symptoms
    assert {s.duration_quality for s in diary.sessions} == {"recorded"}
    assert all(m.details is None for s in diary.sessions for m in s.movements)
