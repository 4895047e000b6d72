"""Server-side run time of every page (AppTest): warm rerun and first rerun after a save.

30 days vs ten years (3,650 days) of demo data, measured in the same run. "After a save" writes a
check-in for today (a new pain value each time) through a second Store on the same file, as
another tab or the CLI would, so the data revision changes and every revision-keyed cache misses.
Targets (issue 17): first run after a save <= 150 ms at ten years and <= 1.5x the 30-day figure;
the verdict is judged on CPU time (this process, all threads), as wall time on a shared machine
adds waiting for a core; both are printed. The first page's background warm-up (ui.warm_up) is
waited for before any rerun is timed: it is not a rerun's cost.
Run: .venv/bin/python benchmarks/bench_pages.py [--repeats N] [--only views/x.py]
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from backcare import aggregates, demo, ui  # noqa: E402
from backcare.models import CheckIn  # noqa: E402
from backcare.store import Store, save_checkin  # noqa: E402

PAGES = re.findall(r'st\.Page\("(views/\w+\.py)"', (ROOT / "app.py").read_text())
SIZES = (30, 3650)
TARGET_MS, TARGET_RATIO = 150.0, 1.5


def _demo_file(folder: Path, days: int) -> Path:
    path = folder / f"demo-{days}.db"
    with Store(path) as store:
        demo.write_demo(store, days, 1)
    return path


def _timed(at: AppTest) -> tuple[float, float]:
    """(wall ms, CPU ms of this process) of one rerun. CPU time also counts the script thread and
    stays meaningful when other work shares the machine; wall time is what a person waits."""
    wall, cpu = time.perf_counter(), time.process_time()
    at.run()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def measure(template: Path, page: str, variant: dict[str, str] | None, repeats: int) -> list[float]:
    """Medians in ms of ``page`` on a copy of ``template``: warm wall, after-save wall, after-save CPU."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        shutil.copyfile(template, db)
        os.environ["BACKCARE_DB"] = str(db)
        for name in list(logging.root.manager.loggerDict):  # AppTest's bare-mode warnings
            if name.startswith("streamlit"):
                logging.getLogger(name).setLevel(logging.ERROR)
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        for thread in threading.enumerate():  # the first page's background warm-up: not a rerun's cost
            if thread.name == ui.WARM_THREAD:
                thread.join()
        at.switch_page(page).run()
        for key, value in (variant or {}).items():
            at.selectbox(key=key).set_value(value).run()
        at.run()
        warm, after_save, after_save_cpu = [], [], []
        with Store(db) as writer:  # a second connection: another tab or the CLI
            for i in range(repeats):
                warm.append(_timed(at)[0])
                save_checkin(writer, CheckIn(date=date.today(), pain=i % 10, source="bench"))
                wall, cpu = _timed(at)
                after_save.append(wall)
                after_save_cpu.append(cpu)
                assert not at.exception, at.exception
        return [statistics.median(x) for x in (warm, after_save, after_save_cpu)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--only", action="append", help="measure only this page (repeatable)")
    args = parser.parse_args()
    rows: list[tuple[str, dict[str, str] | None]] = [(p, None) for p in PAGES]
    rows.append(("views/dashboard.py", {"range_preset": "All"}))
    if args.only:
        rows = [r for r in rows if r[0] in args.only]
    with tempfile.TemporaryDirectory() as folder:
        templates = {days: _demo_file(Path(folder), days) for days in SIZES}
        # Rows written in the last RECENT_SECONDS are re-read on every read (backcare/aggregates.py);
        # a person's diary was written before: only the save between runs is that recent.
        time.sleep(aggregates.RECENT_SECONDS + 1)
        print(f"medians of {args.repeats} runs in ms; 30 days vs {SIZES[1]} days of demo data")
        print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        head = ("warm", "after a save", "after a save, CPU")
        print(f"{'':<26}" + "".join(f"{h:>24}" for h in head))
        print(f"{'page':<26}" + "   30d    10y ratio  " * 3 + " verdict")
        worst_ratio, worst_ms = 0.0, 0.0
        for page, variant in rows:
            small, big = (measure(templates[d], page, variant, args.repeats) for d in SIZES)
            ratio = big[2] / small[2]  # judged on CPU time: wall adds waiting for a busy core
            worst_ratio, worst_ms = max(worst_ratio, ratio), max(worst_ms, big[2])
            label = page.removeprefix("views/") + (" (All)" if variant else "")
            cells = "".join(
                f"{s:6.0f} {b:6.0f} {b / max(s, 0.1):5.2f}  " for s, b in zip(small, big, strict=True)
            )
            ok = "ok" if ratio <= TARGET_RATIO and big[2] <= TARGET_MS else "OVER TARGET"
            print(f"{label:<26}{cells} {ok}")
        print(
            f"after a save, CPU time (the verdict's measure): worst ratio {worst_ratio:.2f} "
            f"(target <= {TARGET_RATIO}), slowest ten-year page {worst_ms:.0f} ms (target <= {TARGET_MS:.0f})"
        )
        print(f"load average at end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
