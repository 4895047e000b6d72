"""Diary importers (Daylio here; Bearable and Flaredown share the same reader): time and peak memory.

Writes synthetic Daylio exports of growing size (six entries a day, three activities each, a note
stating minutes), then for each runs read_export + apply_batch into a fresh database in a child
process and prints wall time, entries per second, peak RSS (the whole child, interpreter included)
and, against the smallest file, the ratios of size, time and memory measured in this same run.

Run: .venv/bin/python benchmarks/bench_diary_import.py [--entries 10000,40000] [--work /tmp/bench]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ACTIVITIES = ["walk", "yoga", "reading", "gaming", "friends", "swim", "cook", "work"]
MAPPING = {"walk": "walking", "yoga": "yoga", "swim": "swimming"}

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from backcare.importers import read_export
from backcare.store import Store, apply_batch
path, db, mapping = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
start = time.perf_counter()
batch = read_export("daylio", path, mapping=mapping)
read = time.perf_counter() - start
with Store(db) as store:
    summary = apply_batch(store, batch)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"read": read, "seconds": seconds, "peak_kb": peak, "sessions": summary.sessions_added}))
"""


def write_daylio(path: Path, entries: int) -> None:
    """A Daylio-layout CSV (BOM, newest first is not needed for reading) with `entries` rows."""
    rng = random.Random(entries)
    day = date(2000, 1, 1)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        f.write("full_date,date,weekday,time,mood,activities,note_title,note\n")
        for n in range(entries):
            if n and n % 6 == 0:
                day += timedelta(days=1)
            acts = " | ".join(rng.sample(ACTIVITIES, 3))
            f.write(
                f'{day.isoformat()},{day:%B %d},{day:%A},{8 + 2 * (n % 6):02d}:15,good,"{acts}","",'
                f'"walked {rng.randint(10, 60)} min, felt ok"\n'
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", default="10000,40000")
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    sizes = [int(s) for s in args.entries.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-diary-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        results = []
        for entries in sizes:
            path = work / f"daylio_{entries}.csv"
            write_daylio(path, entries)
            db = work / f"db_{entries}.sqlite"
            db.unlink(missing_ok=True)
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(path), str(db), json.dumps(MAPPING)],
                capture_output=True, text=True, check=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)},
            )  # fmt: skip
            result = json.loads(out.stdout.strip().splitlines()[-1])
            result.update(entries=entries, mb=path.stat().st_size / 2**20)
            results.append(result)
            print(
                f"{entries:>7} entries ({result['mb']:.1f} MB): read {result['read']:.1f} s, read+import "
                f"{result['seconds']:.1f} s ({entries / result['seconds']:,.0f} entries/s), "
                f"{result['sessions']} sessions, peak RSS {result['peak_kb'] / 1024:.0f} MB"
            )
        base = results[0]
        for r in results[1:]:
            print(
                f"x{r['entries'] / base['entries']:.1f} entries -> x{r['seconds'] / base['seconds']:.2f} time, "
                f"x{r['peak_kb'] / base['peak_kb']:.2f} peak memory"
            )


if __name__ == "__main__":
    main()
