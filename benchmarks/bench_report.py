"""Doctor report: time to build the PDF for 3 months, 1 year and 3 years of demo data (warm process).

Prints seconds per report (target: under 3 s for a year) and page counts, and the one-off engine
warm-up that the Report page runs in the background when it opens.
Run: .venv/bin/python benchmarks/bench_report.py
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backcare import demo
from backcare.reports import ReportOptions, build_content, render_pdf, report_inputs
from backcare.store import Store


def build(store: Store, days: int) -> tuple[float, bytes]:
    start = time.perf_counter()
    inputs = report_inputs(store)
    end = date.today()
    content = build_content(inputs, ReportOptions(end - timedelta(days=days - 1), end, name="Benchmark"))
    pdf = render_pdf(content, inputs.checkins, inputs.sessions)
    return time.perf_counter() - start, pdf


def _pages(pdf: bytes) -> str:
    """Page count via pdfinfo (poppler-utils), or '?' when it is not installed."""
    if not shutil.which("pdfinfo"):
        return "?"
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=False).stdout.decode()
    match = re.search(r"Pages:\s+(\d+)", out)
    return match.group(1) if match else "?"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.db")
        demo.write_demo(store, days=3 * 365, seed=7)
        from backcare.reports.pdf import warm_up

        started = time.perf_counter()
        warm_up()  # what the Report page does in the background as soon as it opens
        print(f"engine warm-up (background on the Report page): {time.perf_counter() - started:.2f} s")
        first, _ = build(store, 365)
        print(f"first report after warm-up, 1 year: {first:.2f} s")
        for days in (91, 365, 3 * 365):
            times = []
            for _ in range(3):
                seconds, pdf = build(store, days)
                times.append(seconds)
            pages = _pages(pdf)
            print(
                f"{days:>5} days: median {sorted(times)[1]:.2f} s (target < 3 s for 365), {len(pdf) / 1024:.0f} KB, {pages} pages"
            )
        store.close()


if __name__ == "__main__":
    main()
