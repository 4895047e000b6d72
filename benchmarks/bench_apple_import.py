"""Apple Health import: speed and peak memory on large synthetic exports.

Generates the files with the generator from the design notes if they are missing (pass its path
with --generator, default ../shared/tools/make_big_health_export.py), then for each file runs
`python -m backcare import apple-health FILE` into a fresh database in a child process and reports
wall time, MB/s, peak RSS
(the whole `python -m backcare import` process, interpreter included), and the speed-up over healthkit-to-sqlite's measured 41.7 s on the 209 MB file (docs/formats.md).

Run: .venv/bin/python benchmarks/bench_apple_import.py [--sizes 200MB,1GB] [--work /tmp/bench]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEALTHKIT_TO_SQLITE_SECONDS = 41.7  # 209 MB synthetic file, 2-core machine (formats.md section 1.6)

CHILD = r"""
import json, resource, runpy, sys, time
path, db = sys.argv[1], sys.argv[2]
sys.argv = ["backcare", "--db", db, "import", "apple-health", path]
start = time.perf_counter()
try:
    runpy.run_module("backcare", run_name="__main__")
except SystemExit as exc:
    code = exc.code
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "code": code}))
"""


def ensure(path: Path, size: str, generator: Path, zipped: bool) -> None:
    if path.exists():
        return
    flag = "--zip" if zipped else "--out"
    subprocess.run([sys.executable, str(generator), "--size", size, flag, str(path), "--quiet"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="200MB,1GB")
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "backcare-bench"))
    parser.add_argument(
        "--generator", default=str(ROOT.parent / "shared" / "tools" / "make_big_health_export.py")
    )
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    for size in args.sizes.split(","):
        for zipped in (False, True):
            path = work / f"export-{size}.{'zip' if zipped else 'xml'}"
            ensure(path, size, Path(args.generator), zipped)
            db = work / "bench.db"
            for stale in work.glob("bench.db*"):
                stale.unlink()
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(path), str(db)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            added = out.stdout.strip().splitlines()[-2]
            xml_mb = (path.stat().st_size if not zipped else _inner_size(path)) / 1e6
            print(
                f"{path.name:<22} XML {xml_mb:7.0f} MB  {r['seconds']:6.2f} s  {xml_mb / r['seconds']:6.0f} MB/s  "
                f"peak RSS {r['peak_kb'] / 1024:5.0f} MB  [{added}]"
                + (
                    f"  speed-up vs healthkit-to-sqlite: {HEALTHKIT_TO_SQLITE_SECONDS / r['seconds']:.0f}x"
                    if size == "200MB"
                    else ""
                )
            )


def _inner_size(path: Path) -> int:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return max(i.file_size for i in z.infolist())


if __name__ == "__main__":
    main()
