"""Strong and Hevy CSV import: memory stays bounded and time grows linearly with the rows.

Writes its own exports (Strong's current semicolon layout and Hevy's layout, 20 sets per workout)
of 250,000 / 500,000 / 1,000,000 rows, then runs ``python -m backcare import strong|hevy`` into a
fresh diary for each, reporting wall time, rows per second, the time ratio between sizes (linear
time: about 2.0 for twice the rows) and the peak RSS of the whole import process.

Run: .venv/bin/python benchmarks/bench_strength_import.py [--rows 250000,500000,1000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STRONG_HEADER = (
    '"Workout #";"Date";"Workout Name";"Duration (sec)";"Exercise Name";"Set Order";"Weight (kg)";"Reps";'
    '"RPE";"Distance (meters)";"Seconds";"Notes";"Workout Notes"\n'
)
HEVY_HEADER = (
    '"title","start_time","end_time","description","exercise_title","superset_id","exercise_notes",'
    '"set_index","set_type","weight_kg","reps","distance_km","duration_seconds","rpe"\n'
)
EXERCISES = (
    "Deadlift (Barbell)",
    "Romanian Deadlift (Dumbbell)",
    "Goblet Squat (Kettlebell)",
    "Plank",
    "Bird Dog",
)
CLI = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"seconds": time.perf_counter() - start, "code": done.returncode, "out": done.stdout[-200:],
                  "err": done.stderr[-300:], "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def write_strong(path: Path, rows: int) -> None:
    start = datetime(2005, 1, 1, 7, 0)
    with path.open("w", encoding="utf-8") as out:
        out.write(STRONG_HEADER)
        for i in range(rows):
            w = i // 20
            when = start + timedelta(hours=13 * w)
            out.write(
                f'"{w + 1}";"{when:%Y-%m-%d %H:%M:%S}";"Workout {w % 7}";"3600";"{EXERCISES[i % 5]}";"{i % 20 + 1}";'
                f'"{20 + i % 60}";"{5 + i % 8}";"{7 + i % 3}";"";"";"{"note" if i % 50 == 0 else ""}";""\n'
            )


def write_hevy(path: Path, rows: int) -> None:
    start = datetime(2005, 1, 1, 7, 0)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEVY_HEADER)
        for i in range(rows):
            w = i // 20
            when = start + timedelta(hours=13 * w)
            end = when + timedelta(minutes=55)
            out.write(
                f'"Workout {w % 7}","{when:%d %b %Y, %H:%M}","{end:%d %b %Y, %H:%M}","","{EXERCISES[i % 5]}",,'
                f'"{"still sore" if i % 40 == 0 else ""}",{i % 20},"normal",{20 + i % 60},{5 + i % 8},,,\n'
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", default="250000,500000,1000000")
    args = parser.parse_args()
    sizes = [int(x) for x in args.rows.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-strength-") as scratch:
        work = Path(scratch)
        for kind, write in (("strong", write_strong), ("hevy", write_hevy)):
            previous = None
            for rows in sizes:
                path = work / f"{kind}-{rows}.csv"
                write(path, rows)
                db = work / f"{kind}-{rows}.db"
                command = [sys.executable, "-m", "backcare", "--db", str(db), "import", kind, str(path)]
                out = subprocess.run([sys.executable, "-c", CLI, *command], capture_output=True, text=True, cwd=ROOT,
                                     env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=True)  # fmt: skip
                r = json.loads(out.stdout.strip().splitlines()[-1])
                ratio = (
                    f"  time x{r['seconds'] / previous:.2f} for x{rows / sizes[sizes.index(rows) - 1]:.0f} rows"
                    if previous
                    else ""
                )
                print(
                    f"{kind:<6} {rows:>9,} rows ({path.stat().st_size / 1e6:5.0f} MB): {r['seconds']:6.1f} s, "
                    f"{rows / r['seconds']:8,.0f} rows/s, peak RSS {r['peak_mb']:4.0f} MB, exit {r['code']}{ratio}"
                )
                if r["code"] != 0:
                    print("   ", r["err"])
                previous = float(r["seconds"])
                path.unlink()
                for stale in work.glob(f"{kind}-{rows}.db*"):
                    stale.unlink()


if __name__ == "__main__":
    main()
