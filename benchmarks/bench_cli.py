"""Command-line latency and memory: wall time (median) and peak RSS per command and entry point.

Goal (issue 17): `checkin`, `session add` and `list` answer within 200 ms and 60 MB, both as the
installed `backcare` command and as `python -m backcare`. Every figure below is measured in this
run, on a diary holding a year of demo data; `python -c pass` is measured too, as the floor any
Python process pays on this machine. Peak RSS is the child's own ru_maxrss (os.wait4). The
package is byte-compiled first, as pip does when it installs it: with PYTHONDONTWRITEBYTECODE set
(as on CI) and an editable install, every run would otherwise compile each changed module again.
Run: .venv/bin/python benchmarks/bench_cli.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 9
GOAL_MS, GOAL_MB = 200, 60
COMMANDS = {
    "checkin": ["checkin", "4", "--date", "2026-01-05"],
    "session add": ["session", "add", "yoga", "30", "--date", "2026-01-05"],
    "list checkins": ["list", "checkins"],
    "list sessions --json": ["list", "sessions", "--json"],
}


def entry_points() -> dict[str, list[str]]:
    """The two ways to start the CLI (plus the bare interpreter as a floor)."""
    script = Path(sys.executable).parent / "backcare"
    if not script.exists():
        found = shutil.which("backcare")
        if found is None:
            sys.exit("the `backcare` console script is not installed (pip install -e .)")
        script = Path(found)
    return {"backcare": [str(script)], "python -m backcare": [sys.executable, "-m", "backcare"]}


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system) of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed: {child.stderr.read().decode() if child.stderr else ''}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # Linux: kilobytes


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Median wall ms, max peak MB and median CPU ms over REPEATS runs (after one warm-up run)."""
    run_once(argv, env)
    runs = [run_once(argv, env) for _ in range(REPEATS)]
    return (
        statistics.median(w for w, _, _ in runs) * 1000,
        max(m for _, m, _ in runs),
        statistics.median(c for _, _, c in runs) * 1000,
    )


def main() -> None:
    """Print a table: command x entry point, with the ratio between entry points and to the floor."""
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        db = Path(tmp) / "bench.db"
        env = {**os.environ, "BACKCARE_DB": str(db), "PYTHONPATH": str(ROOT)}
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "backcare")], check=True)
        subprocess.run([sys.executable, "-m", "backcare", "demo", "--days", "365"], env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        floor_ms, floor_mb, floor_cpu = measure([sys.executable, "-c", "pass"], env)
        print(
            f"floor (python -c pass): {floor_ms:.0f} ms, {floor_mb:.0f} MB, {floor_cpu:.0f} ms CPU; {REPEATS} runs "
            f"each, median wall and CPU (CPU does not wait for a busy machine's cores; the goal is wall time); "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        print(
            f"{'command':<22} {'entry point':<20} {'wall ms':>8} {'CPU ms':>7} {'peak MB':>8} {'vs floor':>9}  goal"
        )
        points = entry_points()
        failures = 0
        for name, args in COMMANDS.items():
            figures = {}
            for label, prefix in points.items():
                ms, mb, cpu = measure([*prefix, *args], env)
                figures[label] = (ms, mb)
                ok = ms <= GOAL_MS and mb <= GOAL_MB
                failures += not ok
                print(
                    f"{name:<22} {label:<20} {ms:>8.0f} {cpu:>7.0f} {mb:>8.1f} {ms / floor_ms:>8.1f}x  "
                    f"{'ok' if ok else 'MISSED'}"
                )
            (a_ms, a_mb), (b_ms, b_mb) = figures.values()
            print(f"{'':<22} {'ratio backcare/-m':<20} {a_ms / b_ms:>8.2f} {a_mb / b_mb:>8.2f}")
        print(f"goal <= {GOAL_MS} ms and <= {GOAL_MB} MB: {'met' if not failures else f'{failures} missed'}")


if __name__ == "__main__":
    main()
