"""Importers on real-format fixtures: mapping, units, idempotency, and bad input that changes nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from backcare.errors import ImportFormatError
from backcare.importers import read_export
from backcare.importers.workout_sets import match_movement, parse_duration
from backcare.store import (
    Store,
    already_imported,
    apply_batch,
    movements,
    session_movements,
    sessions_frame,
    symptom_records_frame,
)
from tests.conftest import FIXTURES

IMPORTS = FIXTURES / "imports"
APPLE = IMPORTS / "apple_health_export.xml"


def apple_zip(tmp_path: Path, inner: str, source: Path = APPLE) -> Path:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("apple_health_export/export_cda.xml", "<?xml version='1.0'?><ClinicalDocument/>")
        z.write(source, inner)
    return path


def test_apple_workouts_map_types_minutes_and_statistics_first():
    batch = read_export("apple-health", APPLE)
    got = {(s.exercise_type, s.duration_min, s.start_time, s.source_label) for s in batch.sessions}
    assert got == {
        ("yoga", 45, "07:01", "Yoga"), ("pilates", 52, "19:01", "Pilates"),
        ("strength", 38, "18:06", "TraditionalStrengthTraining"), ("walking", 35, "12:32", "Walking"),
    }  # fmt: skip
    notes = {s.exercise_type: s.notes for s in batch.sessions}
    assert "121 kcal" in notes["yoga"]  # WorkoutStatistics sum (kcal)
    assert "163 kcal" in notes["pilates"]  # unit "Cal" read as kcal
    assert "187 kcal" in notes["strength"]  # legacy totalEnergyBurned attribute
    assert "3.10 km" in notes["walking"]
    assert [(r.date.isoformat(), r.value) for r in batch.symptoms] == [
        ("2024-06-25", "moderate"),
        ("2024-06-27", "mild"),
    ]
    assert all(r.scale == "Apple Health severity" for r in batch.symptoms)


def test_broken_ios16_dtd_and_control_characters_are_tolerated(tmp_path):
    broken = IMPORTS / "apple_health_export_ios16_broken_dtd.xml"
    assert len(read_export("apple-health", broken).sessions) == 4
    dirty = tmp_path / "dirty.xml"
    dirty.write_bytes(APPLE.read_bytes().replace(b'sourceName="Strong"', b'sourceName="Str\x0bong"'))
    assert len(read_export("apple-health", dirty).sessions) == 4


def test_zip_found_by_content_under_a_localized_name(tmp_path):
    path = apple_zip(tmp_path, "apple_health_export/exportación.xml")
    batch = read_export("apple-health", path)
    assert len(batch.sessions) == 4 and len(batch.symptoms) == 2


def test_self_closing_workout_without_children(tmp_path):
    path = tmp_path / "x.xml"
    path.write_bytes(APPLE.read_bytes().replace(
        b"</HealthData>",
        b' <Workout workoutActivityType="HKWorkoutActivityTypeBarre" duration="20" durationUnit="min" sourceName="W" '
        b'startDate="2024-06-28 08:00:00 +0200" endDate="2024-06-28 08:20:00 +0200"/>\n</HealthData>',
    ))  # fmt: skip
    barre = [s for s in read_export("apple-health", path).sessions if s.source_label == "Barre"]
    assert len(barre) == 1 and barre[0].exercise_type == "pilates" and barre[0].duration_min == 20


def test_unknown_workout_type_goes_to_other_keeping_its_label(tmp_path):
    path = tmp_path / "x.xml"
    path.write_bytes(
        APPLE.read_bytes().replace(b"HKWorkoutActivityTypeWalking", b"HKWorkoutActivityTypeCurling")
    )
    walking = [s for s in read_export("apple-health", path).sessions if s.source_label == "Curling"]
    assert len(walking) == 1 and walking[0].exercise_type == "other"


def test_import_is_idempotent_and_overlapping_exports_add_nothing_twice(store, tmp_path):
    first = apply_batch(store, read_export("apple-health", APPLE))
    assert (first.sessions_added, first.symptoms_added) == (4, 2)
    second = read_export("apple-health", apple_zip(tmp_path, "apple_health_export/export.xml"))
    assert already_imported(store, second) == (4, 2)
    assert "6 of them are already in your diary from an earlier import; 0 are new." in second.describe((4, 2))
    again = apply_batch(store, second)
    assert (again.sessions_added, again.sessions_already_there, again.symptoms_added) == (0, 4, 0)
    assert len(sessions_frame(store)) == 4 and len(symptom_records_frame(store)) == 2


def test_strong_needs_unit_converts_lb_and_groups_sets(store):
    with pytest.raises(ImportFormatError, match="kg or lb"):
        read_export("strong", IMPORTS / "strong_export.csv")
    catalogue = movements(store)["name"].tolist()
    batch = read_export("strong", IMPORTS / "strong_export.csv", unit="lb", catalogue=catalogue)
    assert [s.duration_min for s in batch.sessions] == [38, 62]
    first = next(batch.complete_sessions())
    names = [m.name for m in first.movements]
    assert names[:3] == ["Romanian Deadlift (Dumbbell)"] * 3  # the equipment stays part of the movement
    assert "Glute bridge" in names and "Plank" in names  # exact catalogue names are matched (case ignored)
    assert (
        first.movements[1].weight_kg == pytest.approx(14 * 0.45359237, abs=0.01)
        and first.movements[1].reps == 10
    )
    assert first.rpe == 8 and "Back felt stiff" in first.notes
    apply_batch(store, batch)
    stored = session_movements(store, int(sessions_frame(store)["id"].min()))
    assert len(stored) == 7


def test_hevy_units_from_column_and_durations(tmp_path):
    batch = read_export("hevy", IMPORTS / "hevy_export.csv")
    assert [s.duration_min for s in batch.sessions] == [39, 62]
    assert next(batch.complete_sessions()).movements[1].weight_kg == 14
    lbs = tmp_path / "lbs.csv"
    lbs.write_text((IMPORTS / "hevy_export.csv").read_text().replace('"weight_kg"', '"weight_lbs"'))
    lbs_first = next(read_export("hevy", lbs).complete_sessions())
    assert lbs_first.movements[1].weight_kg == pytest.approx(6.35, abs=0.01)


def test_non_finite_numbers_are_refused_or_ignored(tmp_path):
    path = tmp_path / "inf.csv"
    path.write_bytes(
        (IMPORTS / "hevy_export.csv")
        .read_bytes()
        .replace(b",7,00", b",7,nan", 1)
        .replace(b",,,7\n", b",,,inf\n", 1)
    )
    with pytest.raises(ImportFormatError, match="line 3: RPE 'inf' is not a number"):
        read_export("hevy", path)
    xml = tmp_path / "inf.xml"
    xml.write_bytes(APPLE.read_bytes().replace(b'duration="38.5"', b'duration="inf"'))
    strength = [s for s in read_export("apple-health", xml).sessions if s.exercise_type == "strength"]
    assert strength[0].duration_min == 38  # falls back to end - start


def test_duration_and_movement_helpers():
    assert parse_duration("2h 38m") == 158 * 60 and parse_duration("38m") == 38 * 60
    assert parse_duration("20s") == 20 and parse_duration("1h 26m") == 86 * 60 and parse_duration("") is None
    known = {"deadlift": "Deadlift", "row": "Row"}
    assert match_movement("Deadlift (Barbell)", known) == "Deadlift (Barbell)"  # equipment kept
    assert match_movement("DEADLIFT", known) == "Deadlift"
    assert match_movement("Cossack Squat", {"squat": "Squat"}) == "Cossack Squat"


@pytest.mark.parametrize(
    ("kind", "content", "message"),
    [
        ("apple-health", b"PK\x03\x04 this is not really a zip", "damaged or incomplete"),
        ("apple-health", b"hello", "not an Apple Health export"),
        ("apple-health", b"<?xml version='1.0'?><Other/>", "not an Apple Health export"),
        ("strong", b"a,b,c\n1,2,3\n", "missing column(s)"),
        ("hevy", b"\x00\x01\x02binary", "not a CSV"),
        (
            "strong",
            b"Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps\n2024-13-45 10:00:00,W,1h,Row,1,10,5\n",
            "line 2",
        ),
        (
            "hevy",
            (IMPORTS / "hevy_export.csv").read_bytes().replace(b"29 Jun 2024, 10:15", b"yesterday", 1),
            "line 8",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(tmp_path, kind, content, message):
    path = tmp_path / "bad.file"
    path.write_bytes(content)
    with pytest.raises(ImportFormatError, match=message.replace("(", r"\(").replace(")", r"\)")) as err:
        read_export(kind, path, unit="kg")
    assert "bad.file" in str(err.value) and "Traceback" not in str(err.value)


def test_truncated_zip_and_cut_xml_are_refused_whole(tmp_path):
    full = apple_zip(tmp_path, "apple_health_export/export.xml")
    data = full.read_bytes()
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(ImportFormatError, match="damaged or incomplete"):
        read_export("apple-health", truncated)
    xml = APPLE.read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(
        xml[: xml.index(b"</Workout>", xml.index(b"Pilates")) + 5]
    )  # two complete workouts, then cut
    with pytest.raises(ImportFormatError, match="cut off") as err:
        read_export("apple-health", cut)
    assert "line" in str(err.value)


def test_large_file_is_streamed_across_chunk_boundaries(tmp_path, monkeypatch):
    from backcare.importers import apple_health_stream

    monkeypatch.setattr(apple_health_stream, "CHUNK", 97)  # elements straddle every boundary
    batch = read_export("apple-health", APPLE)
    assert len(batch.sessions) == 4 and len(batch.symptoms) == 2


def test_cli_import_dry_run_then_real(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    db = tmp_path / "x.db"

    def run(*a):
        return subprocess.run(
            [sys.executable, "-m", "backcare", "--db", str(db), *a], capture_output=True, text=True, cwd=ROOT
        )

    dry = run("import", "apple-health", str(APPLE), "--dry-run")
    assert (
        dry.returncode == 0
        and "Found 4 exercise sessions" in dry.stdout
        and "nothing was written" in dry.stdout
    )
    with Store(db) as store:
        assert len(sessions_frame(store)) == 0
    real = run("import", "apple-health", str(APPLE))
    assert "Added 4 sessions and 2 back-pain records" in real.stdout
    bad = run("import", "strong", str(APPLE))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "missing column" in bad.stderr
