"""Every Strong layout and Hevy's cardio, notes and set types, read exactly from fixtures that
reproduce each layout (headers, delimiters, units, durations, quoting, BOM)."""

from __future__ import annotations

import pytest

from backcare.errors import ImportFormatError
from backcare.importers import read_export
from backcare.models import Session
from backcare.store import apply_batch, session_movements, sessions_frame
from tests.conftest import FIXTURES

IMPORTS = FIXTURES / "imports"


def sessions(kind: str, name: str, unit: str | None = None) -> list[Session]:
    return list(read_export(kind, IMPORTS / name, unit=unit).complete_sessions())


def sets(session: Session) -> list[tuple]:
    return [
        (m.name, m.details.set_type, m.details.reps, m.details.weight_kg, m.details.duration_s,
         m.details.distance_m, m.details.rpe, m.details.notes)
        for m in session.movements
    ]  # fmt: skip


def test_strong_current_layout_semicolons_bom_units_in_header_seconds():
    workout, run, walk = sessions("strong", "strong_current.csv")  # no --unit: the header says kg
    assert (workout.date.isoformat(), workout.start_time, workout.exercise_type) == (
        "2025-03-04",
        "07:15",
        "strength",
    )
    assert (workout.duration_min, workout.duration_quality) == (86, "recorded")  # 5160 s
    assert workout.notes == "Morning Back Care: Slept badly" and workout.rpe == 10
    assert sets(workout) == [
        ("Romanian Deadlift (Barbell)", "warmup", 8, 40.0, None, None, None, None),
        ("Romanian Deadlift (Barbell)", "normal", 8, 60.0, None, None, 7.0, "Still sore"),
        ("Romanian Deadlift (Dumbbell)", "normal", 10, 22.5, None, None, 8.0, None),  # decimal comma
        ("Romanian Deadlift (Dumbbell)", "drop", 12, 15.0, None, None, None, None),
        ("Plank", "normal", None, None, 60.0, None, None, "held; no pain"),
        ("Pull Up", "failure", 7, None, None, None, 10.0, None),
    ]
    assert (run.exercise_type, run.duration_min, sets(run)) == (
        "running",
        33,
        [("Running (Outdoor)", "normal", None, None, 1950.0, 5000.0, None, None)],
    )
    assert (walk.exercise_type, walk.duration_min, walk.notes) == ("walking", 45, "Rest Day Walk: Flat route")


def test_strong_unit_columns_and_workout_duration_forms():
    lower, core, rower, forgot = sessions("strong", "strong_units_duration.csv", unit="kg")
    assert [s.duration_min for s in (lower, core, rower)] == [86, 1, 45]  # "1h 26m", "20s", "45m"
    assert {s.duration_quality for s in (lower, core, rower)} == {"recorded"}
    assert lower.movements[0].weight_kg == 100.0  # kg column, not converted
    assert rower.exercise_type == "rowing" and sets(rower)[0][4:6] == (480.0, 2000.0)
    # a timer left running 11h 3m: kept with every set, minutes marked unreliable, the timer kept
    assert (forgot.duration_quality, forgot.recorded_duration_min, len(forgot.movements)) == (
        "unreliable",
        663,
        3,
    )
    assert 1 <= forgot.duration_min <= 600 and forgot.exercise_type == "strength"
    bench = forgot.movements[1]
    assert bench.details.reps == 4500 and bench.details.implausible and bench.reps is None  # kept, flagged
    assert bench.weight_kg == pytest.approx(135 * 0.45359237, abs=0.01)  # this row says lbs
    assert sets(forgot)[2][5] == pytest.approx(1.5 * 1609.344)  # miles stated in its own column


def test_strong_file_unit_wins_over_a_wrong_unit_choice():
    batch = read_export("strong", IMPORTS / "strong_units_duration.csv", unit="lb")
    first = next(batch.complete_sessions())
    assert first.movements[0].weight_kg == 100.0  # a kg file is never converted with a lb unit
    assert "states its weights in kg; that unit was used, not lb" in batch.describe()


def test_strong_2019_layout_without_duration_is_marked_estimated():
    batch = read_export("strong", IMPORTS / "strong_2019.csv")
    leg, back = batch.complete_sessions()
    assert (leg.duration_quality, back.duration_quality) == ("estimated", "estimated")
    assert (leg.duration_min, back.duration_min) == (15, 10)  # 5 min per set, never shown as real
    assert [m.reps for m in leg.movements] == [5, 4, 6] and back.notes == "Back: Physio exercises"
    assert sets(back)[1] == ("Side Plank", "normal", None, None, 30.0, None, None, "left side")
    assert "2 sessions have no duration in the file" in batch.describe()
    preview = batch.preview({"strength": "Strength training"})
    assert preview[0]["Minutes"] == 0 and preview[0]["Without recorded minutes"] == 2


def test_strong_without_any_unit_still_asks():
    with pytest.raises(ImportFormatError, match="kg or lb"):
        read_export("strong", IMPORTS / "strong_export.csv")


def test_hevy_run_is_running_with_distance_and_time_and_notes_kept():
    run, hinge, pool = sessions("hevy", "hevy_cardio.csv")
    assert (run.exercise_type, run.duration_min, sets(run)) == (
        "running",
        33,
        [("Running", "normal", None, None, 1962.0, 5000.0, None, None)],
    )
    assert pool.exercise_type == "swimming" and sets(pool)[0][4:6] == (2100.0, 1000.0)
    assert sets(hinge) == [
        ("Romanian Deadlift (Dumbbell)", "warmup", 10, 10.0, None, None, None, "Still sore"),
        ("Romanian Deadlift (Dumbbell)", "normal", 10, 20.0, None, None, 7.0, None),  # note kept once
        ("Romanian Deadlift (Barbell)", "normal", 8, 50.0, None, None, 8.0, None),
        ("Romanian Deadlift (Barbell)", "drop", 8, 40.0, None, None, None, None),
        ("Romanian Deadlift (Barbell)", "failure", 6, 40.0, None, None, 10.0, None),
        ("Plank", "normal", None, None, 75.0, None, None, "elbows under shoulders"),
        ("Elliptical Trainer", "normal", None, None, 600.0, 1200.0, None, None),
    ]


def test_hevy_imperial_columns(tmp_path):
    path = tmp_path / "imperial.csv"
    path.write_text(
        (IMPORTS / "hevy_cardio.csv").read_text().replace('"weight_kg"', '"weight_lbs"').replace('"distance_km"', '"distance_miles"')
    )  # fmt: skip
    run, hinge, _ = read_export("hevy", path).complete_sessions()
    assert sets(run)[0][5] == pytest.approx(5 * 1609.344)
    assert hinge.movements[2].weight_kg == pytest.approx(50 * 0.45359237, abs=0.01)


def test_stored_sets_keep_every_detail_and_variants_stay_distinct(store):
    apply_batch(store, read_export("hevy", IMPORTS / "hevy_cardio.csv"))
    apply_batch(store, read_export("strong", IMPORTS / "strong_units_duration.csv", unit="kg"))
    frame = sessions_frame(store)
    assert sorted(frame["exercise_type"]) == [
        "rowing",
        "running",
        "strength",
        "strength",
        "strength",
        "strength",
        "swimming",
    ]
    hinge = int(frame.loc[frame["source_label"] == "Hinge day", "id"].iloc[0])
    stored = session_movements(store, hinge)
    assert [r["name"] for r in stored[:3]] == [
        "Romanian Deadlift (Dumbbell)",
        "Romanian Deadlift (Dumbbell)",
        "Romanian Deadlift (Barbell)",
    ]
    assert (stored[0]["set_type"], stored[0]["set_notes"], stored[5]["duration_s"]) == (
        "warmup",
        "Still sore",
        75.0,
    )
    assert (
        store.value("SELECT count(DISTINCT name) FROM movements WHERE name LIKE 'Romanian Deadlift (%'") == 2
    )
    assert store.value("SELECT count(*) FROM movement_sets WHERE implausible = 1 AND reps = 4500") == 1
    forgot = frame.loc[frame["source_label"] == "Forgot the timer"].iloc[0]
    assert (forgot["duration_quality"], forgot["recorded_duration_min"]) == ("unreliable", 663)


@pytest.mark.parametrize(
    ("kind", "name", "unit"),
    [("strong", "strong_current.csv", None), ("strong", "strong_units_duration.csv", None),
     ("strong", "strong_2019.csv", None), ("strong", "strong_export.csv", "kg"), ("hevy", "hevy_cardio.csv", None),
     ("hevy", "hevy_export.csv", None), ("apple-health", "apple_health_export.xml", None)],
)  # fmt: skip
def test_every_imported_session_passes_the_forms_validation(kind, name, unit):
    from dataclasses import asdict

    from backcare.models import session_from_input

    for session in read_export(kind, IMPORTS / name, unit=unit).complete_sessions():
        fields = asdict(session)
        fields["movements"] = list(session.movements)
        assert session_from_input(**fields) == session
