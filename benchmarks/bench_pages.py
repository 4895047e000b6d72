"""Warm server-side run time of every page (AppTest), 30 days vs 10 years of demo data.

Target (issue: Dashboard): with 3,650 days every page's warm run is within 1.5x of the same page
with 30 days and under 300 ms on a 2-core machine. Prints a table of medians and ratios.
Run: .venv/bin/python benchmarks/bench_pages.py
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from backcare import demo  # noqa: E402
from backcare.store import Store  # noqa: E402

PAGES = re.findall(r'st\.Page\("(views/\w+\.py)"', (ROOT / "app.py").read_text())
REPEATS = 15


def measure(days: int, page: str, variant: dict[str, str] | None = None) -> float:
    """Median warm run in ms of ``page`` on a database with ``days`` of demo data."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        with Store(db) as store:
            demo.write_demo(store, days, 1)
        os.environ["BACKCARE_DB"] = str(db)
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        at.switch_page(page).run()
        for key, value in (variant or {}).items():
            at.selectbox(key=key).set_value(value).run()
        at.run()  # first warm-up
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - start) * 1000)
        assert not at.exception, at.exception
        return statistics.median(times)


def main() -> int:
    rows = [(page, None) for page in PAGES] + [("views/dashboard.py", {"range_preset": "All"})]
    print(f"{'page':<28} {'30 days':>9} {'3650 days':>10} {'ratio':>6}  verdict")
    worst_ratio, worst_ms = 0.0, 0.0
    for page, variant in rows:
        small, big = measure(30, page, variant), measure(3650, page, variant)
        ratio = big / small
        worst_ratio, worst_ms = max(worst_ratio, ratio), max(worst_ms, big)
        label = page + (" (All)" if variant else "")
        ok = "ok" if ratio <= 1.5 and big < 300 else "OVER TARGET"
        print(f"{label:<28} {small:8.0f}ms {big:9.0f}ms {ratio:6.2f}  {ok}")
    print(
        f"worst ratio {worst_ratio:.2f} (target <= 1.5), slowest 10-year page {worst_ms:.0f} ms (target < 300)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
