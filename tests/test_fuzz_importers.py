"""Property-based tests: random, truncated or mutated files never crash an importer with anything
but a clear ImportFormatError, and an import either lands whole or not at all."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.errors import BackcareError, ImportFormatError
from backcare.importers import read_export
from backcare.store import Store, apply_batch
from tests.conftest import FIXTURES

IMPORTS = FIXTURES / "imports"
SOURCES = {
    "apple-health": (IMPORTS / "apple_health_export.xml").read_bytes(),
    "strong": (IMPORTS / "strong_export.csv").read_bytes(),
    "hevy": (IMPORTS / "hevy_export.csv").read_bytes(),
}
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def attempt(kind: str, data: bytes) -> None:
    """Read then apply into a fresh database; check all-or-nothing."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input"
        path.write_bytes(data)
        try:
            batch = read_export(kind, path, unit="kg")
        except ImportFormatError as exc:
            assert str(exc) and "input" in str(exc)
            return
        with Store(Path(folder) / "db.sqlite") as store:
            summary = apply_batch(store, batch)
            assert summary.sessions_added == store.value("SELECT count(*) FROM sessions")
            assert summary.symptoms_added == store.value("SELECT count(*) FROM symptom_records")
            assert store.value("PRAGMA integrity_check") == "ok"


@FUZZ
@given(kind=st.sampled_from(sorted(SOURCES)), cut=st.floats(0, 1))
def test_truncated_files(kind, cut):
    data = SOURCES[kind]
    attempt(kind, data[: int(len(data) * cut)])


@FUZZ
@given(kind=st.sampled_from(sorted(SOURCES)), data=st.binary(max_size=2000))
def test_random_bytes(kind, data):
    attempt(kind, data)


@FUZZ
@given(
    kind=st.sampled_from(sorted(SOURCES)), position=st.floats(0, 1), junk=st.binary(min_size=1, max_size=40)
)
def test_mutated_files(kind, position, junk):
    data = SOURCES[kind]
    at = int(len(data) * position)
    attempt(kind, data[:at] + junk + data[at + len(junk) :])


@FUZZ
@given(text=st.text(max_size=300))
def test_random_text_csv_rows(text):
    header = SOURCES["hevy"].split(b"\n", 1)[0]
    attempt(
        "hevy", header + b"\n" + text.encode("utf-8", "surrogatepass") if "\ud800" not in text else header
    )


ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40), st.dates(), st.lists(st.text(max_size=10), max_size=3),
)  # fmt: skip


@FUZZ
@given(values=st.dictionaries(st.sampled_from(
    ["date", "pain", "worst_pain", "stiffness", "sleep_quality", "stress", "locations", "qualities", "medication", "flare", "notes"]
), ANY_VALUE))  # fmt: skip
def test_checkin_validator_only_raises_validation_errors(values):
    from backcare.errors import ValidationError
    from backcare.models import checkin_from_input

    try:
        checkin = checkin_from_input(**values)
    except ValidationError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
    else:
        assert 0 <= checkin.pain <= 10


@FUZZ
@given(values=st.dictionaries(st.sampled_from(
    ["date", "exercise_type", "duration_min", "start_time", "rpe", "pain_before", "pain_after", "notes", "movements"]
), ANY_VALUE))  # fmt: skip
def test_session_validator_only_raises_validation_errors(values):
    from backcare.errors import ValidationError
    from backcare.models import session_from_input

    try:
        session = session_from_input(**values)
    except ValidationError as exc:
        assert exc.problems
    else:
        assert 1 <= session.duration_min <= 600


@FUZZ
@given(cut=st.floats(0, 1), junk=st.binary(max_size=30), at=st.floats(0, 1))
def test_backcare_csv_import_never_crashes_or_half_writes(cut, junk, at):
    from backcare.exports import export_zip, read_csv_zip
    from backcare.store import diary_tables, load_diary

    data = bytearray(CSV_EXPORT)
    position = int(len(data) * at)
    data[position : position + len(junk)] = junk
    data = data[: int(len(data) * cut)] if cut < 0.999 else data
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "db.sqlite") as store:
        try:
            diary = read_csv_zip(bytes(data), "export.zip")
            load_diary(store, diary)
        except (ImportFormatError, BackcareError) as exc:
            assert str(exc)
            assert (
                store.value("SELECT count(*) FROM checkins") + store.value("SELECT count(*) FROM sessions")
                == 0
            )
            return
        assert store.value("PRAGMA integrity_check") == "ok"
        # what landed is exactly what the file held: exporting it again gives the same entries
        again = read_csv_zip(export_zip(diary_tables(store)), "again.zip")
        assert [c.notes for c in again.checkins] == [c.notes for c in diary.checkins]
        assert [(s.date, s.duration_min, s.movements) for s in again.sessions] == [
            (s.date, s.duration_min, s.movements) for s in diary.sessions
        ]


def _csv_export() -> bytes:
    from backcare import demo
    from backcare.exports import export_zip
    from backcare.store import diary_tables

    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "seed.db") as store:
        demo.write_demo(store, 20, 1)
        return export_zip(diary_tables(store))


CSV_EXPORT = _csv_export()
