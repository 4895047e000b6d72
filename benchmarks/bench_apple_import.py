"""Apple Health import: the scan is linear, memory stays bounded, and how it compares with
healthkit-to-sqlite on the same file, all measured in this run on inputs this script writes.

* Dense workouts: 100,000 / 200,000 / 400,000 ``<Workout>`` elements (iOS 16 shape with
  WorkoutStatistics). Reading time should double with the count (ratio ~2.0 each step); the CPU
  time per workout at 400,000 and at 100,000 is printed with its ratio (1.0 = linear). CPU time
  is shown beside wall time because other processes on the machine inflate wall time.
* Dense back-pain records: 5,000 / 10,000 / 20,000 lower-back-pain records among heart-rate records.
* End to end: ``python -m backcare import apple-health`` into a fresh diary (time, peak RSS of the
  whole process).
* Baseline: healthkit-to-sqlite installed with pip into a throwaway virtualenv under a temporary
  folder and run on the 100,000-workout file; if it cannot be installed (offline), only our
  figures are printed.

Run: .venv/bin/python benchmarks/bench_apple_import.py [--work /tmp/bench-apple] [--skip-baseline]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAD = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 14 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
<!ATTLIST HealthData locale CDATA #REQUIRED>
]>
<HealthData locale="en_GB">
 <ExportDate value="2026-01-01 08:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexNotSet"/>
"""
WORKOUT = (
    ' <Workout workoutActivityType="HKWorkoutActivityType{kind}" duration="{minutes}" durationUnit="min" '
    'sourceName="Apple Watch" sourceVersion="10.1" startDate="{day} {hour:02d}:10:00 +0100" '
    'endDate="{day} {hour:02d}:55:00 +0100">\n'
    '  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n'
    '  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" startDate="{day} {hour:02d}:10:00 +0100" '
    'endDate="{day} {hour:02d}:55:00 +0100" sum="{kcal}" unit="Cal"/>\n'
    " </Workout>\n"
)
HEART = (
    ' <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Apple Watch" unit="count/min" '
    'creationDate="{day} 10:00:00 +0100" startDate="{day} 10:00:00 +0100" endDate="{day} 10:00:00 +0100" value="{bpm}"/>\n'
)
PAIN = (
    ' <Record type="HKCategoryTypeIdentifierLowerBackPain" sourceName="Health" creationDate="{day} 21:00:00 +0100" '
    'startDate="{day} {hour:02d}:{minute:02d}:00 +0100" endDate="{day} {hour:02d}:{minute:02d}:00 +0100" '
    'value="HKCategoryValueSeverityModerate">\n  <MetadataEntry key="HKWasUserEntered" value="1"/>\n </Record>\n'
)
KINDS = ("Yoga", "Pilates", "Walking", "Running", "TraditionalStrengthTraining", "Cycling")


def _day(i: int) -> str:
    year, rest = divmod(i // 24, 336)
    return f"{2000 + year % 25:04d}-{rest // 28 + 1:02d}-{rest % 28 + 1:02d}"


def write_export(path: Path, workouts: int, pains: int, hearts_per_pain: int = 0) -> None:
    """A well-formed export with the given numbers of workouts and back-pain records, zipped."""
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("apple_health_export/export.xml", "w", force_zip64=True) as out,
    ):
        out.write(HEAD)
        for i in range(workouts):
            fields = {
                "kind": KINDS[i % 6],
                "minutes": 45,
                "day": _day(i),
                "hour": i % 24,
                "kcal": 200 + i % 300,
            }
            out.write(WORKOUT.format(**fields).encode())
        for i in range(pains):
            for j in range(hearts_per_pain):
                out.write(HEART.format(day=_day(i), bpm=60 + j % 40).encode())
            out.write(PAIN.format(day=_day(i), hour=i % 24, minute=i % 60).encode())
        out.write(b"</HealthData>\n")


READ = r"""
import json, resource, sys, time
from pathlib import Path
from backcare.importers import read_export
start, cpu = time.perf_counter(), time.process_time()
batch = read_export("apple-health", Path(sys.argv[1]))
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "sessions": len(batch.sessions), "records": len(batch.symptoms)}))
"""
CLI = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"seconds": time.perf_counter() - start, "code": done.returncode, "err": done.stderr[-300:],
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def child(script: str, *args: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def baseline_tool(work: Path) -> Path | None:
    """healthkit-to-sqlite in a throwaway virtualenv, or None when it cannot be installed here."""
    venv = work / "hk-venv"
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300
        )
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "healthkit-to-sqlite"], check=True,
                       capture_output=True, timeout=600)  # fmt: skip
    except (subprocess.SubprocessError, OSError) as exc:
        print(
            f"healthkit-to-sqlite could not be installed here ({type(exc).__name__}); only our figures follow."
        )
        return None
    return venv / "bin" / "healthkit-to-sqlite"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", default=None)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-apple-") as scratch:
        work = Path(args.work or scratch)
        work.mkdir(parents=True, exist_ok=True)
        print(
            f"Reading only (scan + parse), in a fresh process each (load average {os.getloadavg()[0]:.1f}):"
        )
        previous = None
        per_workout: dict[int, float] = {}
        for count in (100_000, 200_000, 400_000):
            path = work / f"workouts-{count}.zip"
            write_export(path, count, 0)
            r = child(READ, str(path))
            ratio = f"  x{r['seconds'] / previous:.2f} for x2 workouts" if previous else ""
            per_workout[count] = float(r["cpu"]) / count * 1e6
            print(f"  {count:>7,} workouts: {r['seconds']:6.2f} s wall, {r['cpu']:6.2f} s CPU "
                  f"({per_workout[count]:.1f} us CPU per workout; {r['sessions']:,} sessions){ratio}")  # fmt: skip
            previous = float(r["seconds"])
        print(f"  per-workout CPU time, 400,000 vs 100,000: x{per_workout[400_000] / per_workout[100_000]:.2f} "
              "(1.00 = linear)")  # fmt: skip
        previous = None
        for count in (5_000, 10_000, 20_000):
            path = work / f"pain-{count}.zip"
            write_export(path, 0, count, hearts_per_pain=20)
            r = child(READ, str(path))
            ratio = f"  x{r['seconds'] / previous:.2f} for x2 records" if previous else ""
            print(
                f"  {count:>7,} back-pain records among {count * 20:,} heart-rate records: {r['seconds']:6.2f} s "
                f"wall, {r['cpu']:6.2f} s CPU{ratio}"
            )
            previous = float(r["seconds"])
        print("End to end (python -m backcare import apple-health, fresh diary):")
        ours: dict[int, float] = {}
        for count in (100_000, 400_000):
            path = work / f"workouts-{count}.zip"
            db = work / f"ours-{count}.db"
            r = child(
                CLI, sys.executable, "-m", "backcare", "--db", str(db), "import", "apple-health", str(path)
            )
            ours[count] = float(r["seconds"])
            print(
                f"  {count:>7,} workouts: {r['seconds']:6.2f} s, peak RSS {r['peak_mb']:.0f} MB, exit {r['code']}"
            )
        tool = None if args.skip_baseline else baseline_tool(work)
        if tool is not None:
            path = work / "workouts-100000.zip"
            start = time.perf_counter()
            done = subprocess.run([str(tool), str(path), str(work / "hk.db")], capture_output=True, text=True)
            seconds = time.perf_counter() - start
            print(f"healthkit-to-sqlite on the 100,000-workout file: {seconds:.2f} s (exit {done.returncode}); "
                  f"backcare is {seconds / ours[100_000]:.1f}x faster end to end on the same file.")  # fmt: skip


if __name__ == "__main__":
    main()
