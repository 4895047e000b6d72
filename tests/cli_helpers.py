"""Shared helpers for the CLI tests: run main() in this process or the real command in a child."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backcare.cli import main

ROOT = Path(__file__).resolve().parents[1]


def cli(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    """Run ``backcare --db DB ARGS`` in this process; return (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def run(db: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run ``python -m backcare --db DB ARGS`` as a real process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **kwargs.pop("env", {})}  # type: ignore[dict-item]
    if "preexec_fn" in kwargs:  # a file-size limit would also break coverage's own data file
        env = {k: v for k, v in env.items() if not k.startswith("COVERAGE_")}
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    return subprocess.run(
        [sys.executable, "-m", "backcare", "--db", str(db), *args],
        text=True, env=env, timeout=120, **streams,  # type: ignore[call-overload]
    )  # fmt: skip


def one_line(err: str) -> str:
    """The single stderr line of a refused command (fails when there are more, or a traceback)."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and ".backcare-" not in err and ".tmp" not in err, err
    return lines[0]


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
