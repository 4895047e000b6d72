"""Bearable, Flaredown, Daylio and Manage My Pain importers on fixtures that reproduce their layouts:
exact sessions, minutes, pain values on each app's own scale, notes, skipped reasons, idempotent
re-import, and hostile files that end with one clear message and an unchanged diary."""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare import exports
from backcare.errors import BackcareError, ImportFormatError, ValidationError
from backcare.importers import KINDS, read_export
from backcare.importers.tracker_csv import MAX_BYTES, note_minutes
from backcare.store import Store, already_imported, apply_batch, diary_tables
from tests.conftest import FIXTURES

IMPORTS = FIXTURES / "imports"
DAYLIO = IMPORTS / "daylio_export.csv"
BEARABLE = IMPORTS / "bearable_export.csv"
FLAREDOWN = IMPORTS / "flaredown_export.csv"
MMP = IMPORTS / "manage_my_pain_export.csv"
DAYLIO_MAP = {"walk": "walking", "yoga": "yoga", "🧘 stretching": "stretching", "reading": "not exercise"}
FLAREDOWN_MAP = {
    "yoga": "yoga", "walk": "walking", "Physiotherapy": "other", "strength training": "strength",
    "Ibuprofen": "not exercise",
}  # fmt: skip
CASES = {
    "daylio": (DAYLIO, DAYLIO_MAP),
    "bearable": (BEARABLE, {"Yoga": "yoga", "walk": "walking"}),
    "flaredown": (FLAREDOWN, FLAREDOWN_MAP),
    "manage-my-pain": (MMP, None),
}


def snapshot(store: Store) -> tuple:
    return tuple(
        tuple(tuple(row.values()) for row in store.rows(f"SELECT * FROM {t} ORDER BY 1"))
        for t in ("sessions", "session_movements", "symptom_records", "checkins", "exercise_types")
    )


def sessions_of(batch) -> list[tuple]:
    return [
        (
            s.date.isoformat(),
            s.start_time,
            s.exercise_type,
            s.duration_min,
            s.duration_quality,
            s.source_label,
        )
        for s in batch.sessions
    ]


def test_the_four_apps_are_offered_with_plain_labels():
    assert KINDS["bearable"] == "Bearable (CSV)"
    assert KINDS["flaredown"] == "Flaredown (CSV)"
    assert KINDS["daylio"] == "Daylio (CSV)"
    assert KINDS["manage-my-pain"] == "Manage My Pain (CSV)"


def test_daylio_mapped_activities_become_sessions_with_honest_minutes():
    batch = read_export("daylio", DAYLIO, mapping=DAYLIO_MAP)
    assert batch.source == "daylio"
    assert sessions_of(batch) == [
        ("2024-06-27", "21:05", "walking", 40, "recorded", "walk"),  # "Walked 40 min": the note states it
        ("2024-06-26", "18:15", "yoga", 30, "estimated", "yoga"),  # 12-hour time; two activities: no minutes
        ("2024-06-26", "18:15", "walking", 30, "estimated", "walk"),
        ("2024-06-25", "12:00", "walking", 30, "estimated", "walk"),
        ("2024-06-24", "08:10", "stretching", 15, "recorded", "🧘 stretching"),  # "15 minutes" on a 2nd line
        ("2024-06-24", "08:10", "stretching", 30, "estimated", "🧘 stretching"),  # same minute, own entry
    ]
    notes = [s.notes for s in batch.sessions]
    assert notes[1] == "Evening\nYoga class\nthen a walk home"  # title + note, <br> as a line break
    assert notes[3] == '=HYPERLINK("http://example.invalid","click")'  # kept verbatim, not evaluated
    assert notes[4] == "Morning stretch\n15 minutes, felt loose"
    assert len({s.source_id for s in batch.sessions}) == 6
    assert batch.symptoms == []  # Daylio moods are not pain
    assert dict(batch.skipped) == {
        "activity entries not mapped to an exercise type, not imported (reading, friends, gaming)": 3,
        "entries with no activities": 1,
        "entries dated in the future": 1,
        "entries dated before 1900 or after 2100": 1,
    }
    assert dict(batch.activities) == {
        "walk": 3, "🧘 stretching": 2, "reading": 1, "yoga": 1, "friends": 1, "gaming": 1,
    }  # fmt: skip
    text = batch.describe()
    assert "Found 6 exercise sessions" in text and "4 sessions have no duration in the file" in text
    assert "not imported (reading, friends, gaming)" in text


def test_the_preview_counts_only_recorded_minutes_and_shows_sessions_without_any():
    batch = read_export("daylio", DAYLIO, mapping=DAYLIO_MAP)
    rows = {row["Exercise"]: row for row in batch.preview({"walking": "Walking", "stretching": "Stretching"})}
    assert {
        name: (r["Sessions"], r["Minutes"], r["Without recorded minutes"]) for name, r in rows.items()
    } == {
        "Walking": (3, 40, 2),  # 40 recorded in a note; two placeholders are not counted as minutes
        "Stretching": (2, 15, 1),
        "yoga": (1, 0, 1),
    }
    strong = read_export("strong", IMPORTS / "strong_export.csv", unit="kg")
    assert all("Without recorded minutes" not in row for row in strong.preview({}))


def test_daylio_without_a_mapping_imports_nothing_and_names_every_activity():
    batch = read_export("daylio", DAYLIO)
    assert batch.sessions == []
    assert (
        batch.skipped[
            "activity entries not mapped to an exercise type, not imported (walk, 🧘 stretching, reading, yoga, "
            "friends, gaming)"
        ]
        == 9
    )


def test_daylio_early_layout_year_and_day_month_crlf():
    batch = read_export("daylio", IMPORTS / "daylio_export_2018.csv", mapping={"SWIM": "swimming"})
    assert sessions_of(batch) == [("2018-05-18", "23:54", "swimming", 70, "recorded", "swim")]  # "1h 10m"
    assert batch.sessions[0].notes == "Pool, 1h 10m"
    assert batch.skipped == {"activity entries not mapped to an exercise type, not imported (cook)": 2}


def test_daylio_layout_with_a_scales_column_and_no_note_title(tmp_path):
    path = tmp_path / "daylio_export.csv"
    path.write_text(
        "full_date,date,weekday,time,mood,activities,scales,note\n"
        '2025-07-27,July 27,Sunday,13:48,meh,"work | walk",,"1 hour walk<br/>nice"\n',
        encoding="utf-8",
    )
    batch = read_export("daylio", path, mapping={"walk": "walking"})
    assert sessions_of(batch) == [("2025-07-27", "13:48", "walking", 60, "recorded", "walk")]
    assert batch.sessions[0].notes == "1 hour walk\nnice"


def test_bearable_pain_symptoms_on_their_own_scale_and_factor_sessions():
    batch = read_export("bearable", BEARABLE, mapping={"Yoga": "yoga", "walk": "walking"})
    assert [(r.date.isoformat(), r.time, r.symptom, r.scale, r.value) for r in batch.symptoms] == [
        ("2024-06-24", None, "Lower back pain (pm)", "Bearable severity 0-4", "2 (Moderate)"),
        ("2024-06-25", None, "Lower back pain (am)", "Bearable severity 0-4", "3 (Severe)"),
        ("2024-06-25", None, "Lower back pain (pm)", "Bearable severity 0-4", "3 (Severe)"),
        ("2024-06-26", None, "Sciatica (pm)", "Bearable severity 0-4", "1 (Mild)"),
    ]
    assert sessions_of(batch) == [
        (
            "2024-06-24",
            None,
            "yoga",
            30,
            "estimated",
            "Yoga",
        ),  # two mapped items: the note's 20 min is not split
        ("2024-06-24", None, "walking", 30, "estimated", "Walk"),  # "Walk - A lot": the amount is not a name
        ("2024-06-26", None, "walking", 30, "estimated", "Walk"),
    ]
    assert batch.sessions[0].notes == "yoga 20 min"
    assert dict(batch.skipped) == {
        "Mood rows (not pain or exercise)": 1,
        "Sleep rows (not pain or exercise)": 1,
        "symptom rows that are not pain (not imported)": 1,
        "pain ratings outside Bearable's 0-4 scale": 1,
        "entries dated in the future": 1,
        "activity entries not mapped to an exercise type, not imported (Coffee)": 1,
    }


def test_flaredown_ratings_told_from_treatments_pain_kept_on_0_4():
    batch = read_export("flaredown", FLAREDOWN, mapping=FLAREDOWN_MAP)
    assert [(r.date.isoformat(), r.symptom, r.scale, r.value) for r in batch.symptoms] == [
        ("2024-06-24", "Lower back pain", "Flaredown 0-4", "2"),
        ("2024-06-24", "Sciatica", "Flaredown 0-4", "1"),
        ("2024-06-25", "Lower back pain", "Flaredown 0-4", "1"),
        ("2024-06-26", "Lower back pain", "Flaredown 0-4", "3"),
        ("2024-06-26", "Sciatica", "Flaredown 0-4", "2"),
        ("2024-06-27", "Lower back pain", "Flaredown 0-4", "0"),  # a 0 is a rating, not a blank
        ("2024-06-27", "Sciatica", "Flaredown 0-4", "1"),
    ]
    assert sessions_of(batch) == [
        ("2024-06-24", None, "other", 30, "estimated", "Physiotherapy"),  # a treatment column ("true")
        ("2024-06-24", None, "yoga", 30, "estimated", "yoga"),  # a tag
        ("2024-06-25", None, "walking", 30, "estimated", "walk"),
        ("2024-06-26", None, "strength", 30, "estimated", "strength training"),
        ("2024-06-27", None, "other", 30, "estimated", "Physiotherapy"),
    ]
    assert dict(batch.skipped) == {
        "ratings of conditions or symptoms that are not pain (not imported)": 4,  # Migraine 1, Fatigue 3
        "activity entries not mapped to an exercise type, not imported (Ibuprofen, long commute, lifted boxes)": 4,
        "entries dated in the future": 1,
    }


def test_manage_my_pain_episodes_kept_with_their_time_on_0_10_never_as_checkins():
    batch = read_export("manage-my-pain", MMP)
    assert [(r.date.isoformat(), r.time, r.symptom, r.scale, r.value) for r in batch.symptoms] == [
        ("2024-06-24", "08:30", "Pain (Lower back)", "Manage My Pain severity 0-10", "6"),
        ("2024-06-24", "19:45", "Pain (Lower back)", "Manage My Pain severity 0-10", "4"),
        ("2024-06-25", "07:05", "Pain (Lower back; Left leg)", "Manage My Pain severity 0-10", "7.5"),
    ]
    assert batch.sessions == []
    assert dict(batch.skipped) == {
        "pain records without a severity from 0 to 10": 2,
        "entries dated in the future": 1,
    }


def test_manage_my_pain_semicolons_windows_1252_and_month_names():
    batch = read_export("manage-my-pain", IMPORTS / "manage_my_pain_semicolon.csv")
    assert [(r.date.isoformat(), r.time, r.value) for r in batch.symptoms] == [
        ("2024-06-24", "08:30", "6,5"),  # the decimal comma is kept as written, not rescaled
        ("2024-06-25", "21:15", "3"),
    ]


@pytest.mark.parametrize("kind", sorted(CASES))
def test_reimport_adds_nothing_and_the_preview_says_so(store, kind):
    path, mapping = CASES[kind]
    first = apply_batch(store, read_export(kind, path, mapping=mapping))
    assert first.sessions_added + first.symptoms_added > 0
    before = snapshot(store)
    again = read_export(kind, path, mapping=mapping)
    assert already_imported(store, again) == (len(again.sessions), len(again.symptoms))
    second = apply_batch(store, again)
    assert (second.sessions_added, second.symptoms_added) == (0, 0)
    assert snapshot(store) == before


def test_estimated_minutes_are_stored_as_estimated(store):
    apply_batch(store, read_export("daylio", DAYLIO, mapping=DAYLIO_MAP))
    rows = store.rows("SELECT duration_min, duration_quality FROM sessions ORDER BY date, start_time, id")
    assert [(r["duration_min"], r["duration_quality"]) for r in rows] == [
        (15, "recorded"), (30, "estimated"), (30, "estimated"), (30, "estimated"), (30, "estimated"),
        (40, "recorded"),
    ]  # fmt: skip


def test_formula_like_note_is_stored_verbatim_and_neutralised_in_the_csv_export(store):
    apply_batch(store, read_export("daylio", DAYLIO, mapping=DAYLIO_MAP))
    stored = store.value("SELECT notes FROM sessions WHERE date = '2024-06-25'")
    assert stored == '=HYPERLINK("http://example.invalid","click")'
    with zipfile.ZipFile(io.BytesIO(exports.export_zip(diary_tables(store)))) as z:
        text = z.read("sessions.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_a_mapping_to_an_unknown_type_writes_nothing(store):
    apply_batch(store, read_export("manage-my-pain", MMP))
    before = snapshot(store)
    batch = read_export("daylio", DAYLIO, mapping={"yoga": "yoga", "walk": "tai_chi"})
    with pytest.raises(ValidationError, match="Unknown exercise type 'tai_chi'"):
        apply_batch(store, batch)
    assert snapshot(store) == before  # the yoga session before it was rolled back too


def test_a_mapping_that_is_not_a_type_key_is_refused():
    with pytest.raises(ImportFormatError, match="Mapping for 'walk'"):
        read_export("daylio", DAYLIO, mapping={"walk": "Walk ing!"})


def hostile(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_wrong_app_s_file_is_refused_by_name(tmp_path, kind):
    wrong = IMPORTS / ("strong_export.csv" if kind != "daylio" else "bearable_export.csv")
    with pytest.raises(ImportFormatError) as error:
        read_export(kind, wrong)
    assert f"does not look like a {KINDS[kind].split(' (')[0]} export; missing column(s)" in str(error.value)
    assert wrong.name in str(error.value)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_binary_empty_and_oversized_files_get_one_clear_message(tmp_path, kind):
    png = hostile(tmp_path, "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(ImportFormatError, match=r"^photo\.csv: this is not a CSV text file"):
        read_export(kind, png)
    empty = hostile(tmp_path, "empty.csv", b"")
    with pytest.raises(ImportFormatError, match=r"^empty\.csv: the file is empty"):
        read_export(kind, empty)
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: no disk or memory used
    with pytest.raises(
        ImportFormatError, match=rf"^huge\.csv: the file is larger than {MAX_BYTES // 2**20} MB"
    ):
        read_export(kind, huge)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_truncated_file_names_the_line(tmp_path, kind):
    path, mapping = CASES[kind]
    lines = path.read_bytes().splitlines(keepends=True)
    cut = hostile(tmp_path, "cut.csv", b"".join(lines[:3]) + lines[3][:9])  # the 4th line ends mid-date
    with pytest.raises(ImportFormatError, match=r"^cut\.csv, line 4: the date '2024-06-2'"):
        read_export(kind, cut, mapping=mapping)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_huge_line_is_refused_with_its_line_number(tmp_path, kind):
    path, mapping = CASES[kind]
    lines = path.read_bytes().splitlines(keepends=True)
    big = lines[0] + lines[1] + b'2024-06-25,"' + b"x" * 300_000 + b'"\n'
    with pytest.raises(
        ImportFormatError, match=r"^big\.csv, line 3: a field is far longer than any diary entry"
    ):
        read_export(kind, hostile(tmp_path, "big.csv", big), mapping=mapping)


def test_note_minutes_only_when_exactly_one_duration_is_stated():
    assert note_minutes("walked 40 min") == 40
    assert note_minutes("1h 15m swim") == 75
    assert note_minutes("2 hours") == 120
    assert note_minutes("30 min walk then 20 min stretch") is None  # two durations: which one?
    assert note_minutes("felt fine, 3 mg") is None
    assert note_minutes("900 min") is None  # beyond a session's 10 hours
    assert note_minutes(None) is None


FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(kind=st.sampled_from(sorted(CASES)), position=st.floats(0, 1), junk=st.binary(min_size=1, max_size=40))
def test_mutated_files_import_whole_or_raise_a_clear_error(kind, position, junk):
    path, mapping = CASES[kind]
    data = path.read_bytes()
    at = int(len(data) * position)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "input.csv"
        target.write_bytes(data[:at] + junk + data[at + len(junk) :])
        try:
            batch = read_export(kind, target, mapping=mapping)
        except ImportFormatError as exc:
            assert str(exc).startswith("input.csv") and "\n" not in str(exc)
            return
        assert all(s.date <= date.today() for s in batch.sessions)
        with Store(Path(folder) / "db.sqlite") as store:
            try:
                summary = apply_batch(store, batch)
            except BackcareError:
                assert store.value("SELECT count(*) FROM sessions") == 0
                return
            assert summary.sessions_added == store.value("SELECT count(*) FROM sessions")
            assert summary.symptoms_added == store.value("SELECT count(*) FROM symptom_records")
