"""Reading a backcare CSV export back (backcare/exports/csv_files.py): each refusal names the file
(and the line), every problem is listed at once (at most ten shown), nothing is half read."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import date

import pytest

from backcare import demo
from backcare.errors import ImportFormatError
from backcare.exports import export_zip, read_csv_zip
from backcare.exports.csv_files import MOVEMENT_HEADER, RED_FLAG_HEADER, SYMPTOM_HEADER
from backcare.importers import read_export
from backcare.store import Store, apply_batch, diary_tables, save_red_flag_check
from tests.conftest import FIXTURES

END = date(2026, 5, 31)
Rows = list[list[str]]


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """An export holding check-ins, sessions with imported sets, symptom records and red flags."""
    with Store(tmp_path_factory.mktemp("csv") / "d.db") as store:
        demo.write_demo(store, 14, 2, end=END)
        apply_batch(store, read_export("strong", FIXTURES / "imports" / "strong_current.csv"))
        apply_batch(store, read_export("apple-health", FIXTURES / "imports" / "apple_health_export.xml"))
        save_red_flag_check(store, END, ["fever"], "urgent")
        return export_zip(diary_tables(store))


def _changed(data: bytes, name: str, change: Callable[[Rows], Rows] | None) -> bytes:
    """The export with one member's rows changed (None: the member left out)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == name:
                if change is None:
                    continue
                rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
                text = io.StringIO(newline="")
                csv.writer(text, lineterminator="\r\n").writerows(change(rows))
                content = text.getvalue().encode("utf-8-sig")
            archive.writestr(info.filename, content)
    return out.getvalue()


def _refusal(data: bytes) -> str:
    with pytest.raises(ImportFormatError) as caught:
        read_csv_zip(data, "export.zip")
    return str(caught.value)


def _set(rows: Rows, header: list[str], column: str, value: str, line: int = 2) -> Rows:
    rows[line - 1][header.index(column)] = value
    return rows


@pytest.mark.parametrize("member", ["checkins.csv", "sessions.csv", "peg.csv", "exercise_types.csv"])
def test_a_missing_file_is_named(export, member):
    assert _refusal(_changed(export, member, None)) == (
        f"export.zip: {member} is missing; this is not a complete backcare CSV export."
    )


def test_an_export_without_symptom_records_still_imports(export):
    diary = read_csv_zip(_changed(export, "symptom_records.csv", None), "export.zip")
    assert diary.symptoms == [] and diary.checkins and diary.sessions


def test_columns_that_are_not_backcare_s_are_refused_naming_the_file(export):
    renamed = _changed(export, "peg.csv", lambda rows: [["day", *rows[0][1:]], *rows[1:]])
    assert _refusal(renamed).startswith("export.zip, peg.csv: unexpected columns; expected date, pain_0_10,")
    too_few = _changed(export, "sessions.csv", lambda rows: [row[:5] for row in rows])
    assert "export.zip, sessions.csv: unexpected columns" in _refusal(too_few)


def test_an_unknown_red_flag_level_set_type_or_symptom_value_is_named_with_its_line(export):
    data = _changed(export, "red_flags.csv", lambda rows: _set(rows, RED_FLAG_HEADER, "level", "severe"))
    data = _changed(
        data, "session_movements.csv", lambda rows: _set(rows, MOVEMENT_HEADER, "set_type", "super")
    )
    data = _changed(data, "symptom_records.csv", lambda rows: _set(rows, SYMPTOM_HEADER, "value", "x" * 81))
    message = _refusal(data)
    assert message.startswith("export.zip: nothing was imported. ")
    assert "red_flags.csv, line 2: red-flag level 'severe' is not none, urgent or emergency" in message
    assert (
        "session_movements.csv, line 2: set type 'super' is not one of normal, warmup, drop, failure"
        in message
    )
    assert "symptom_records.csv, line 2: value must be 1 to 80 characters" in message


def test_more_than_ten_problems_show_ten_and_count_the_rest(export):
    def bad_pain(rows: Rows) -> Rows:
        return [rows[0], *([*row[:1], "eleven", *row[2:]] for row in rows[1:])]

    with zipfile.ZipFile(io.BytesIO(export)) as archive:
        days = len(archive.read("checkins.csv").decode("utf-8-sig").splitlines()) - 1
    assert days > 11
    message = _refusal(_changed(export, "checkins.csv", bad_pain))
    assert message.count("checkins.csv, line") == 10
    assert message.endswith(f"... and {days - 10} more problems")


def test_a_session_of_a_type_the_export_does_not_list_is_refused(export):
    only_walking = _changed(export, "exercise_types.csv", lambda rows: [rows[0], ["walking", "Walking"]])
    message = _refusal(only_walking)
    assert message.startswith("export.zip: exercise_types.csv lacks ")
    assert message.endswith("; nothing was imported.") and "strength" in message


def test_a_cell_larger_than_any_export_writes_is_a_csv_error_naming_the_file(export):
    huge = _changed(export, "global_impression.csv", lambda rows: [*rows, ["2026-05-30", "1" * 200_000]])
    assert _refusal(huge) == ("export.zip, global_impression.csv: field larger than field limit (131072).")


def test_a_set_with_more_reps_than_the_diary_can_hold_is_refused_not_a_crash(export, tmp_path):
    """Found while adding these tests: 1e30 reps (flagged implausible) passed the reader and the
    import then stopped with OverflowError (CLI: exit 1, "unexpected error")."""

    def huge(rows: Rows) -> Rows:
        line = next(i for i, row in enumerate(rows) if i and row[MOVEMENT_HEADER.index("set_type")])
        rows[line][MOVEMENT_HEADER.index("set_reps")] = "1e30"
        rows[line][MOVEMENT_HEADER.index("implausible")] = "1"
        return rows

    message = _refusal(_changed(export, "session_movements.csv", huge))
    assert "session_movements.csv, line " in message and ": Set reps must be between 0 and" in message
    assert "you entered 1e30." in message
