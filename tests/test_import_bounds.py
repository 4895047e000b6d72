"""Hostile files end with exit 2 and one clear line, within bounded memory (issue 16 items 12 and 14)."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from backcare.errors import ImportFormatError
from backcare.exports import read_csv_zip
from backcare.importers import read_export
from backcare.store import Store
from tests.conftest import FIXTURES, ROOT

APPLE = FIXTURES / "imports" / "apple_health_export.xml"
MB = 1024 * 1024
# Runs the CLI as its own child and reports that child's peak memory (KiB on Linux).
MEASURE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stderr.write(done.stderr)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def measured(*command: str) -> tuple[int, int, str]:
    """Exit code, peak memory in MB and stderr of a command run by a small wrapper process (a child
    forked straight from pytest would report pytest's own memory as its peak)."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    code, peak_kib = (int(x) for x in out.stdout.split()[-2:])
    return code, peak_kib // 1024, out.stderr


def run_cli(tmp_path: Path, *args: str) -> tuple[int, int, str]:
    """The CLI on an existing diary: creating a new one runs the migrations through sqlite-utils,
    which loads pandas once (about 60 MB); what is measured here is the reader."""
    diary = tmp_path / "diary.db"
    if not diary.exists():
        Store(diary).close()
    return measured(sys.executable, "-m", "backcare", "--db", str(diary), *args)


def write_stream(path: Path, member: str, parts: list[tuple[bytes, int]]) -> None:
    """A zip whose one member is the given pieces (each repeated n times), written as a stream."""
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open(member, "w", force_zip64=True) as out,
    ):
        for piece, times in parts:
            for _ in range(times):
                out.write(piece)


def test_apple_zip_whose_workout_never_closes_ends_with_exit_2_in_bounded_memory(tmp_path):
    bomb = tmp_path / "export.zip"
    head = APPLE.read_bytes().split(b"<Workout ", 1)[0]
    write_stream(bomb, "apple_health_export/export.xml", [(head + b"<Workout ", 1), (b"x" * MB, 300)])
    assert bomb.stat().st_size < 2 * MB
    code, peak_mb, err = run_cli(tmp_path, "import", "apple-health", str(bomb))
    assert code == 2 and peak_mb < 100, (code, peak_mb, err)
    assert err.strip().count("\n") == 0 and "an entry never ends" in err and "Traceback" not in err


READ_CSV_ZIP = """
import sys
from pathlib import Path
from backcare.errors import ImportFormatError
from backcare.exports import read_csv_zip
try:
    read_csv_zip(Path(sys.argv[1]).read_bytes(), "bomb.zip")
except ImportFormatError as exc:
    sys.exit(f"refused: {exc}")
"""


@pytest.mark.parametrize(
    ("lines", "message"), [(300, "would inflate to 300 MB"), (64, "more than 10,000 blank lines")]
)
def test_csv_zip_inflating_to_blank_lines_is_refused_in_bounded_memory(tmp_path, lines, message):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("exercise_types.csv", "w", force_zip64=True) as out:
            out.write(b"exercise_type,name\r\n")
            for _ in range(lines):
                out.write(b"\n" * MB)
        if lines < 256:  # an honest size, so the reader must stream through the blank lines
            archive.getinfo("exercise_types.csv").file_size = lines * MB
    code, peak_mb, refusal = measured(sys.executable, "-c", READ_CSV_ZIP, str(bomb))
    assert code == 1 and refusal.startswith("refused: bomb.zip") and message in refusal
    assert peak_mb < 100  # the reader never holds the inflated file
    code, _, err = run_cli(tmp_path, "import", "csv", str(bomb))
    assert code == 2 and message in err and err.strip().count("\n") == 0


def test_strong_csv_of_one_endless_line_is_refused(tmp_path):
    path = tmp_path / "endless.csv"
    path.write_bytes(b"Date,Workout Name,Exercise Name,Set Order,Weight,Reps\n" + b"9" * (3 * MB))
    with pytest.raises(ImportFormatError, match="a line is longer than"):
        read_export("strong", path, unit="kg")


def _patched(data: bytes, *, flag: int | None = None, method: int | None = None) -> bytes:
    """The zip with its first central-directory entry claiming encryption or another compression."""
    raw = bytearray(data)
    at = raw.index(b"PK\x01\x02")
    if flag is not None:
        raw[at + 8] |= flag
    if method is not None:
        raw[at + 10 : at + 12] = method.to_bytes(2, "little")
    return bytes(raw)


@pytest.mark.parametrize(
    ("flag", "method", "message"),
    [(1, None, "protected with a password"), (None, 9, "compressed with Deflate64")],
)
def test_encrypted_or_deflate64_entries_are_explained(tmp_path, flag, method, message):
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(APPLE, "apple_health_export/export.xml")
    apple = tmp_path / "export.zip"
    apple.write_bytes(_patched(plain.getvalue(), flag=flag, method=method))
    with pytest.raises(ImportFormatError, match=message):
        read_export("apple-health", apple)
    csv_zip = io.BytesIO()
    with zipfile.ZipFile(csv_zip, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("exercise_types.csv", "exercise_type,name\r\nyoga,Yoga\r\n")
    with pytest.raises(ImportFormatError, match=message):
        read_csv_zip(_patched(csv_zip.getvalue(), flag=flag, method=method), "diary.zip")
    code, _, err = run_cli(tmp_path, "import", "apple-health", str(apple))
    assert code == 2 and message in err and "unexpected" not in err
