"""CSV zip round trip, formula neutralising, BOM, and a FHIR R4 bundle validated with fhir.resources."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, timedelta

import pandas as pd
import pytest
from fhir.resources.R4B.bundle import Bundle

from backcare import demo
from backcare.errors import ImportFormatError, StoreError
from backcare.exports import build_bundle, export_zip, neutralise, read_csv_zip
from backcare.exports.csv_files import restore
from backcare.models import checkin_from_input, session_from_input
from backcare.store import (
    Store,
    add_exercise_type,
    add_session,
    diary_tables,
    load_diary,
    save_checkin,
    save_global_impression,
    save_peg,
    save_red_flag_check,
)

TRICKY = '=HYPERLINK("http://evil") +1 -2 @me, "quoted"; ünïcødé\nsecond line'


@pytest.fixture
def rich_store(store):
    demo.write_demo(store, 90, 3)
    today = date.today()
    key = add_exercise_type(store, "Tai chi")
    save_checkin(
        store,
        checkin_from_input(
            date=today, pain=4, notes=TRICKY, medication="-ibuprofen", locations=["lower_back"], flare=True
        ),
    )
    add_session(
        store,
        session_from_input(
            date=today,
            exercise_type=key,
            duration_min=25,
            notes="@home",
            movements=[{"name": "Cloud hands", "sets": 2, "reps": 8}],
        ),
    )
    save_peg(store, today - timedelta(days=1), 6, 5, 4)
    save_global_impression(store, today, 2)
    save_red_flag_check(store, today, ["fever", "night_pain"], "urgent")
    return store


def comparable(tables):
    s = tables.sessions.drop(columns=["created_at", "updated_at"], errors="ignore")
    c = tables.checkins.drop(columns=["created_at", "updated_at"], errors="ignore")
    key = ["date", "start_time", "exercise_type", "duration_min", "source_id"]
    m = (
        tables.movements.merge(s[["id", *key]], left_on="session_id", right_on="id")
        .drop(columns=["session_id", "id"])
        .sort_values([*key, "position"], na_position="first")
        .reset_index(drop=True)
    )
    s = s.drop(columns=["id"]).sort_values(key, na_position="first")
    return (
        c.reset_index(drop=True),
        s.reset_index(drop=True),
        m,
        tables.type_names,
        tables.peg,
        tables.impressions,
        tables.red_flags.drop(columns=[]),
    )


def test_csv_round_trip_reproduces_the_diary_exactly(rich_store, tmp_path):
    data = export_zip(diary_tables(rich_store))
    with Store(tmp_path / "new.db") as fresh:
        load_diary(fresh, read_csv_zip(data, "export.zip"))
        before, after = comparable(diary_tables(rich_store)), comparable(diary_tables(fresh))
    for a, b in zip(before, after, strict=True):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_dtype=False)
        else:
            assert a == b


def test_csv_files_open_in_spreadsheets_safely(rich_store):
    archive = zipfile.ZipFile(io.BytesIO(export_zip(diary_tables(rich_store))))
    raw = archive.read("checkins.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("date,pain_0_10,")
    assert "'=HYPERLINK" in text and ",'-ibuprofen," in text
    assert "'@home" in archive.read("sessions.csv").decode("utf-8-sig")
    assert set(archive.namelist()) >= {
        "README.txt",
        "sessions.csv",
        "session_movements.csv",
        "peg.csv",
        "red_flags.csv",
    }
    assert neutralise("+1") == "'+1" and restore("'+1") == "+1" and restore("'plain") == "'plain"


def test_csv_range_limits_rows(rich_store):
    today = date.today()
    archive = zipfile.ZipFile(io.BytesIO(export_zip(diary_tables(rich_store), today, today)))
    rows = list(csv.reader(io.StringIO(archive.read("checkins.csv").decode("utf-8-sig"), newline="")))
    assert len(rows) == 2 and rows[1][0] == today.isoformat() and rows[1][10].endswith("second line")


def test_csv_import_refuses_bad_files_and_a_non_empty_diary(rich_store, tmp_path):
    data = export_zip(diary_tables(rich_store))
    with pytest.raises(StoreError, match="already has entries"):
        load_diary(rich_store, read_csv_zip(data, "export.zip"))
    with pytest.raises(ImportFormatError, match="not a zip"):
        read_csv_zip(b"hello", "x.zip")
    with pytest.raises(ImportFormatError, match=r"damaged|not a zip"):
        read_csv_zip(data[: len(data) // 2], "x.zip")
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            content = src.read(name)
            if name == "checkins.csv":
                content = content.replace(
                    b"\r\n" + date.today().isoformat().encode() + b",4,",
                    b"\r\n" + date.today().isoformat().encode() + b",14,",
                )
            dst.writestr(name, content)
    with pytest.raises(ImportFormatError, match=r"checkins.csv, line \d+: Pain must be"):
        read_csv_zip(broken.getvalue(), "x.zip")
    with Store(tmp_path / "empty.db") as empty:
        with pytest.raises(ImportFormatError):
            load_diary(empty, read_csv_zip(broken.getvalue(), "x.zip"))
        assert empty.value("SELECT count(*) FROM checkins") == 0


def test_fhir_bundle_validates_and_uses_the_right_codes(rich_store):
    bundle = build_bundle(diary_tables(rich_store), name="Anna")
    Bundle.model_validate(json.loads(json.dumps(bundle)))  # R4B models from fhir.resources
    assert bundle["type"] == "collection"
    resources = [e["resource"] for e in bundle["entry"]]
    assert len({e["fullUrl"] for e in bundle["entry"]}) == len(bundle["entry"])
    obs = [r for r in resources if r["resourceType"] == "Observation"]
    assert all(r["status"] == "final" for r in obs)
    codes = [r["code"]["coding"][0]["code"] for r in obs]
    pains = [r for r in obs if r["code"]["coding"][0]["code"] == "72514-3"]
    assert len(pains) == len(diary_tables(rich_store).checkins) and all(
        0 <= r["valueInteger"] <= 10 for r in pains
    )
    activities = [r for r in obs if r["code"]["coding"][0]["code"] == "73985-4"]
    assert len(activities) == codes.count("55411-3") == len(diary_tables(rich_store).sessions)
    tai = next(a for a in activities if a["valueCodeableConcept"]["text"] == "Tai chi")
    assert tai["valueCodeableConcept"]["coding"][0]["system"] == "urn:backcare:fhir:CodeSystem:exercise-type"
    walking = next(a for a in activities if a["valueCodeableConcept"]["text"] == "Walking")
    assert walking["valueCodeableConcept"]["coding"][0]["code"] == "LA11834-1"
    assert tai["component"][0]["valueQuantity"] == {
        "value": 25,
        "unit": "min",
        "system": "http://unitsofmeasure.org",
        "code": "min",
    }
    peg = [r for r in obs if r["code"]["coding"][0]["code"] == "91147-9"]
    assert peg[0]["valueQuantity"]["value"] == 5.0
    assert next(r for r in resources if r["resourceType"] == "Patient")["name"][0]["text"] == "Anna"


def test_cli_export_both_formats(tmp_path, capsys):
    """In this process (main(), as the console script runs it): what is tested is the command, not
    the process; tests/test_cli*.py start real processes."""
    from tests.cli_helpers import cli, one_line

    db = tmp_path / "x.db"
    assert cli(capsys, db, "demo", "--days", "30")[0] == 0
    assert cli(capsys, db, "export", "csv", "--out", str(tmp_path / "e.zip"))[0] == 0
    assert cli(capsys, db, "export", "fhir", "--out", str(tmp_path / "e.json"))[0] == 0
    Bundle.model_validate_json((tmp_path / "e.json").read_text())
    code, out, _ = cli(capsys, tmp_path / "y.db", "import", "csv", str(tmp_path / "e.zip"))
    assert code == 0 and "Imported everything" in out
    code, _, err = cli(capsys, db, "export", "csv", "--out", str(tmp_path / "z.zip"), "--from", "2026-13-01")
    assert code == 2 and "2026-13-01" in one_line(err)
    assert not (tmp_path / "z.zip").exists()
