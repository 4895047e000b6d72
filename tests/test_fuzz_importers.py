"""Property-based tests: random, truncated or mutated files never crash an importer with anything
but a clear ImportFormatError, and an import either lands whole or not at all."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.errors import ImportFormatError
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
