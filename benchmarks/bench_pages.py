"""Server-side run time of every page (AppTest): warm rerun and first rerun after a save.

30 days vs ten years (3,650 days) of demo data, measured in the same run. "After a save" writes a
check-in for today (a new pain value each time) through a second Store on the same file, as
another tab or the CLI would, so the data revision changes and every revision-keyed cache misses.
Targets (issue 17): first run after a save <= 150 ms at ten years and <= 1.5x the 30-day figure.
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
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from backcare import demo  # noqa: E402
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


def measure(template: Path, page: str, variant: dict[str, str] | None, repeats: int) -> tuple[float, float]:
    """(median warm rerun, median first rerun after a save) in ms of ``page`` on a copy of ``template``."""
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
        at.switch_page(page).run()
        for key, value in (variant or {}).items():
            at.selectbox(key=key).set_value(value).run()
        at.run()
        warm, after_save = [], []
        with Store(db) as writer:  # a second connection: another tab or the CLI
            for i in range(repeats):
                start = time.perf_counter()
                at.run()
                warm.append((time.perf_counter() - start) * 1000)
                save_checkin(writer, CheckIn(date=date.today(), pain=i % 10, source="bench"))
                start = time.perf_counter()
                at.run()
                after_save.append((time.perf_counter() - start) * 1000)
                assert not at.exception, at.exception
        return statistics.median(warm), statistics.median(after_save)


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
        print(f"repeats per figure: {args.repeats} (medians, ms); 30 days vs {SIZES[1]} days of demo data")
        print(
            f"{'page':<28} {'warm 30d':>9} {'warm 10y':>9} {'ratio':>6} {'save 30d':>9} {'save 10y':>9} {'ratio':>6}  verdict"
        )
        worst_ratio, worst_ms = 0.0, 0.0
        for page, variant in rows:
            (w_small, s_small), (w_big, s_big) = (
                measure(templates[d], page, variant, args.repeats) for d in SIZES
            )
            ratio = s_big / s_small
            worst_ratio, worst_ms = max(worst_ratio, ratio), max(worst_ms, s_big)
            label = page + (" (All)" if variant else "")
            ok = "ok" if ratio <= TARGET_RATIO and s_big <= TARGET_MS else "OVER TARGET"
            print(
                f"{label:<28} {w_small:9.0f} {w_big:9.0f} {w_big / w_small:6.2f} "
                f"{s_small:9.0f} {s_big:9.0f} {ratio:6.2f}  {ok}"
            )
        print(
            f"after a save: worst ratio {worst_ratio:.2f} (target <= {TARGET_RATIO}), "
            f"slowest ten-year page {worst_ms:.0f} ms (target <= {TARGET_MS:.0f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
