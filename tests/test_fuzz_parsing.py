"""The one parsing rule (backcare/parsing.py): surrounding whitespace is ignored and what remains must
be exactly the value's canonical text. So anything that parses round-trips to its text, and every
canonical text parses back to its value; the CLI and the CSV import follow the same rule."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import date, time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.cli import main
from backcare.errors import ValidationError
from backcare.parsing import parse_date, parse_int, parse_time

FUZZ = settings(max_examples=300, deadline=None)
# Characters people and files produce around numbers, dates and times: other scripts' digits,
# full-width forms, signs, separators, whitespace of every kind, letters, NUL.
NEAR = st.text(
    alphabet=st.sampled_from("0123456789+-_.,:T Z\t\n\u00a0\u3000\uff10\uff15\u0665\u096b\u2212e\x00aA"),
    max_size=20,
)
WHITESPACE = st.text(alphabet=" \t\n\u00a0\u3000", max_size=3)


def _parsed(parse: Callable[[str], object], text: str) -> object:
    try:
        return parse(text)
    except ValidationError:
        return None


@FUZZ
@given(st.one_of(NEAR, st.integers(-20, 20).map(str), st.text(max_size=8)))
def test_a_whole_number_that_parses_is_its_own_canonical_text(text: str) -> None:
    value = _parsed(lambda t: parse_int(t, "Pain", -(10**6), 10**6), text)
    if value is not None:
        assert text.strip() == str(value)


@FUZZ
@given(st.integers(-(10**6), 10**6), WHITESPACE, WHITESPACE)
def test_every_whole_number_round_trips(number: int, before: str, after: str) -> None:
    assert parse_int(f"{before}{number}{after}", "Pain", -(10**6), 10**6) == number


@FUZZ
@given(st.one_of(NEAR, st.dates().map(date.isoformat), st.dates().map(lambda d: f"{d.isoformat()}T00:00")))
def test_a_date_that_parses_is_its_own_canonical_text(text: str) -> None:
    value = _parsed(lambda t: parse_date(t, allow_future=True), text)
    if value is not None:
        assert text.strip() == value.isoformat()


@FUZZ
@given(st.dates(min_value=date(1900, 1, 1)), WHITESPACE, WHITESPACE)
def test_every_date_from_1900_round_trips(day: date, before: str, after: str) -> None:
    assert parse_date(f"{before}{day.isoformat()}{after}", allow_future=True) == day


@FUZZ
@given(
    st.one_of(NEAR, st.times().map(lambda t: t.isoformat()), st.times().map(lambda t: t.strftime("%-H:%M")))
)
def test_a_time_that_parses_is_its_own_canonical_text(text: str) -> None:
    value = _parsed(parse_time, text)
    if value is not None:  # its own canonical text, or the one-digit hour people write (7:05)
        assert value in (text.strip(), "0" + text.strip())


def test_every_minute_of_the_day_round_trips() -> None:
    for minute in range(24 * 60):
        text = f"{minute // 60:02d}:{minute % 60:02d}"
        assert parse_time(text) == text == parse_time(time(minute // 60, minute % 60))


@pytest.mark.parametrize(
    ("parse", "text", "expected"),
    [
        ("int", " 5", 5),
        ("int", "5 ", 5),
        ("int", "-3", -3),
        ("int", "05", None),
        ("int", "+5", None),
        ("int", "5.0", None),
        ("int", "\uff15", None),  # full-width 5
        ("int", "\u0665", None),  # Arabic-Indic 5
        ("int", "-0", None),
        ("int", "1_0", None),
        ("date", " 2026-01-01", date(2026, 1, 1)),
        ("date", "2026-01-01T00:00", None),
        ("date", "2026-01-01 08:00:00", None),
        ("date", "2026-1-1", None),
        ("date", "\uff12026-01-01", None),
        ("time", "07:05", "07:05"),
        ("time", " 23:59 ", "23:59"),
        ("time", "7:5", None),
        ("time", "7:05", "07:05"),  # a one-digit hour, as people write it
        ("time", "24:00", None),
        ("time", "07:05:00", None),
        ("time", "1\uff15:30", None),  # a full-width digit once slipped through \d
    ],
)
def test_the_documented_cases(parse: str, text: str, expected: object) -> None:
    parser = {
        "int": lambda t: parse_int(t, "Pain", -10, 10),
        "date": lambda t: parse_date(t, allow_future=True),
        "time": parse_time,
    }[parse]
    assert _parsed(parser, text) == expected


@pytest.mark.parametrize(
    "args",
    [
        ["checkin", "05"],
        ["checkin", "+5"],
        ["checkin", "\uff15"],
        ["checkin", "5", "--date", "2026-01-01T00:00"],
        ["checkin", "5", "--time", "7:5"],
        ["checkin", "5", "--time", "24:00"],
        ["demo", "--days", "+10"],
    ],
)
def test_the_cli_follows_the_same_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    db = tmp_path / "d.db"
    assert main(["--db", str(db), *args]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert not db.exists()


def test_the_csv_import_follows_the_same_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A backcare CSV zip whose pain is '05' is refused naming the line; ' 5' imports as 5."""
    source, export = tmp_path / "a.db", tmp_path / "a.zip"
    assert main(["--db", str(source), "checkin", "5", "--date", "2026-01-01"]) == 0
    assert main(["--db", str(source), "export", "csv", "--out", str(export)]) == 0
    members = {i.filename: zipfile.ZipFile(export).read(i) for i in zipfile.ZipFile(export).infolist()}
    name = next(n for n in members if n.endswith("checkins.csv"))

    def with_pain(pain: str) -> Path:
        rows = list(csv.DictReader(io.StringIO(members[name].decode("utf-8-sig"))))
        rows[0]["pain_0_10"] = pain
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        target = tmp_path / f"pain-{pain.strip()}.zip"
        with zipfile.ZipFile(target, "w") as archive:
            for member, data in members.items():
                archive.writestr(member, out.getvalue().encode() if member == name else data)
        return target

    capsys.readouterr()
    assert main(["--db", str(tmp_path / "b.db"), "import", "csv", str(with_pain("05"))]) == 2
    err = capsys.readouterr().err
    assert "checkins.csv, line 2" in err and "'05' is not a number" in err
    assert main(["--db", str(tmp_path / "c.db"), "import", "csv", str(with_pain(" 5"))]) == 0
