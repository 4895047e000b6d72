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

from backcare import demo, ui  # noqa: E402
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


class PageRuns:
    """One page of the app on a copy of a demo diary, in an AppTest of its own (its database chosen
    by BACKCARE_DB before each run, so that several can take turns in one process)."""

    def __init__(self, template: Path, folder: Path, page: str, variant: dict[str, str] | None) -> None:
        self.db = folder / f"bench-{template.name}"
        shutil.copyfile(template, self.db)
        self._use()
        self.app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        for thread in threading.enumerate():  # the first page's background warm-up: not a rerun's cost
            if thread.name == ui.WARM_THREAD:
                thread.join()
        self.app.switch_page(page).run()
        for key, value in (variant or {}).items():
            self.app.selectbox(key=key).set_value(value).run()
        self.app.run()
        self.warm: list[float] = []
        self.after_save: list[float] = []
        self.after_save_cpu: list[float] = []

    def _use(self) -> None:
        os.environ["BACKCARE_DB"] = str(self.db)

    def one_round(self, writer: Store, pain: int) -> None:
        """A warm rerun, a save through ``writer`` (another connection: another tab or the CLI), and
        the first rerun after it."""
        self._use()
        self.warm.append(_timed(self.app)[0])
        save_checkin(writer, CheckIn(date=date.today(), pain=pain, source="bench"))
        wall, cpu = _timed(self.app)
        self.after_save.append(wall)
        self.after_save_cpu.append(cpu)
        assert not self.app.exception, self.app.exception

    def medians(self) -> list[float]:
        """Medians in ms: warm wall, after-save wall, after-save CPU."""
        return [statistics.median(x) for x in (self.warm, self.after_save, self.after_save_cpu)]


def measure(
    templates: list[Path], page: str, variant: dict[str, str] | None, repeats: int
) -> list[list[float]]:
    """``PageRuns.medians`` of ``page`` for each template. The sizes take turns, round after round,
    so that a change in the machine's speed during the run (other work, a slower core) reaches
    every size alike instead of only the one measured at that moment; the ratio compares like
    with like."""
    for name in list(logging.root.manager.loggerDict):  # AppTest's bare-mode warnings
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)
    st.cache_data.clear()
    st.cache_resource.clear()
    with tempfile.TemporaryDirectory() as tmp:
        runs = [PageRuns(template, Path(tmp), page, variant) for template in templates]
        writers = [Store(run.db) for run in runs]
        try:
            for i in range(repeats):
                for run, writer in zip(runs, writers, strict=True):
                    run.one_round(writer, i % 10)
        finally:
            for writer in writers:
                writer.close()
        return [run.medians() for run in runs]


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
        print(f"medians of {args.repeats} runs in ms; 30 days vs {SIZES[1]} days of demo data")
        print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        head = ("warm", "after a save", "after a save, CPU")
        print(f"{'':<26}" + "".join(f"{h:>24}" for h in head))
        print(f"{'page':<26}" + "   30d    10y ratio  " * 3 + " verdict")
        worst_ratio, worst_ms = 0.0, 0.0
        for page, variant in rows:
            small, big = measure([templates[d] for d in SIZES], page, variant, args.repeats)
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
