"""Doctor report: PDF build time inside the app and as a whole CLI process, 1 year vs 10 years.

In-process: what the Report page does when the person presses "Make the PDF report" (inputs for the
range, content, charts, layout, PDF), after the engine warm-up the page does on its first run. CLI:
`python -m backcare report` as a fresh process, start to exit. Wall and CPU time are printed (CPU
stays meaningful when other work shares the machine), with ratios measured in the same run.
Targets (issue 17): one year <= 1.5 s in the app and <= 2.5 s as a CLI process; ten years <= 3 s.
With --baseline DIR (another checkout, e.g. `git worktree add /tmp/base main`), the CLI runs of
that checkout are interleaved with this one's on the same diary and printed beside them: a
before/after measured in one run, under the same load.
The CLI's CPU includes its chart-drawing child process. The stage-by-stage probe runs each stage
one after the other in one fresh process; the CLI overlaps the child's engine start and drawing with
its own imports and layout.
Run: .venv/bin/python benchmarks/bench_report.py [--repeats N] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backcare import demo  # noqa: E402
from backcare.reports import ReportOptions, build_content, render_pdf, report_inputs  # noqa: E402
from backcare.store import Store  # noqa: E402

RANGES = {"1 year": 365, "10 years": 3650}
TARGETS = {"app 1 year": 1.5, "CLI 1 year": 2.5, "app 10 years": 3.0, "CLI 10 years": 3.0}


def in_app(store: Store, days: int) -> tuple[float, float, int]:
    """(wall s, CPU s, PDF bytes) of one report build for the last ``days`` days."""
    end = date.today()
    start = end - timedelta(days=days - 1)
    wall, cpu = time.perf_counter(), time.process_time()
    inputs = report_inputs(store, start=start, end=end)
    content = build_content(inputs, ReportOptions(start, end, name="Benchmark"))
    pdf = render_pdf(content, inputs.checkins, inputs.sessions)
    return time.perf_counter() - wall, time.process_time() - cpu, len(pdf)


STAGES_PROBE = """
import gc, sys, time
from datetime import date, timedelta
gc.disable()  # as `backcare report` does
marks = [("start", time.perf_counter(), time.process_time())]
def mark(name):
    marks.append((name, time.perf_counter(), time.process_time()))
import pandas; mark("import pandas")
import scipy.special, statsmodels.stats.sandwich_covariance; mark("import SciPy special, statsmodels HAC (for the effects)")
import altair; mark("import altair")
import weasyprint; mark("import weasyprint")
from backcare.reports import ReportOptions, build_content, report_inputs
from backcare.reports.pdf import CHART_SCHEME, _chart_fetcher, chart_specs, render_html
from backcare.store import Store
from backcare import chart_export
mark("import the rest of backcare")
end = date.today(); start = end - timedelta(days=int(sys.argv[2]) - 1)
with Store(sys.argv[1]) as store:
    inputs = report_inputs(store)
content = build_content(inputs, ReportOptions(start, end, name="Benchmark")); mark("read the diary, build the content")
specs = chart_specs(content, inputs.checkins, inputs.sessions); mark("build the two charts' specs (Altair)")
chart_export.warm_up(); mark("start vl-convert's engine")
drawer = chart_export.PngHere(); drawer.draw(specs); pngs = drawer.pngs()
mark("draw the two charts (PNG 2x)")
drawn = chart_export.PngHere(); drawn.pngs = lambda: pngs
html = render_html(content, {name: CHART_SCHEME + name for name in specs})
document = weasyprint.HTML(string=html, url_fetcher=_chart_fetcher(drawn, lambda: None)).render()
mark(f"lay out ({len(document.pages)} pages)")
document.write_pdf(); mark("write the PDF")
for (_, w0, c0), (name, w1, c1) in zip(marks, marks[1:]):
    print(f"  {name:<36} {c1 - c0:6.2f} s CPU {w1 - w0:6.2f} s wall")
print(f"  {'total':<36} {marks[-1][2] - marks[0][2]:6.2f} s CPU {marks[-1][1] - marks[0][1]:6.2f} s wall")
"""

GIL_PROBE = """
import json, sys, threading, time
import vl_convert as vlc
from backcare import chart_export
chart_export.warm_up()
spec = json.dumps({"data": {"values": [{"x": i, "y": i % 7} for i in range(3000)]}, "mark": "point",
                   "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}})
count, stop = 0, False
def spin():
    global count
    while not stop:
        count += 1
thread = threading.Thread(target=spin); thread.start()
time.sleep(0.1)
c0, t0 = count, time.perf_counter(); time.sleep(0.3); free = (count - c0) / (time.perf_counter() - t0)
c0, t0 = count, time.perf_counter(); vlc.vegalite_to_png(spec, scale=2); busy = (count - c0) / (time.perf_counter() - t0)
stop = True; thread.join()
print(f"{100 * busy / free:.1f}")
"""


def gil_share() -> float:
    """How fast (in % of its free speed) a Python thread runs while vl-convert draws in another thread."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", GIL_PROBE], env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout)


def where_the_time_goes(db: Path, days: int) -> None:
    """Print each stage of a one-process report, one after the other in a fresh process (the CLI does
    the same work, partly overlapped: see reports/pdf.py)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", STAGES_PROBE, str(db), str(days)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    print(f"where a fresh process spends a {days}-day report, stage by stage (not overlapped):")
    print(out.stdout, end="")


# `python -m backcare` that also reports its own CPU time (not its chart child's) on stderr as it
# ends, whether through Python's exit (atexit) or at once (os._exit, as `report` does).
MAIN_CPU = """
import atexit, os, resource, runpy, sys
def report():
    print("main-cpu", sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), file=sys.stderr, flush=True)
atexit.register(report)
end_now = os._exit
os._exit = lambda code: (report(), end_now(code))
sys.argv[0] = "backcare"
runpy.run_module("backcare", run_name="__main__")
"""


def cli(db: Path, days: int, out: Path, root: Path = ROOT) -> tuple[float, float, float]:
    """(wall s, CPU s of every process, CPU s of the main process) of `python -m backcare report` (of
    the checkout ``root``) for the last ``days`` days. With a core free, the main process's CPU is
    what its wall time cannot go below."""
    end = date.today()
    args = ["--db", str(db), "report", "--out", str(out), "--from", str(end - timedelta(days=days - 1))]
    env = {**os.environ, "PYTHONPATH": str(root)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    done = subprocess.run(  # run from the checkout: `python -c` puts the current folder first on sys.path
        [sys.executable, "-c", MAIN_CPU, *args], check=True, capture_output=True, env=env, cwd=root
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    main_cpu = float(done.stderr.decode().rsplit("main-cpu", 1)[1])
    return time.perf_counter() - wall, cpu, main_cpu


def medians(runs: list[tuple[float, ...]]) -> tuple[float, float, float]:
    """Median wall, CPU and main-process CPU (the app has one process: its CPU twice)."""
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        statistics.median(r[-1] if len(r) == 3 else r[1] for r in runs),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another checkout whose CLI report to time alongside")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        with Store(db) as store:
            demo.write_demo(store, days=max(RANGES.values()), seed=7)
        print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        from backcare.reports.pdf import warm_up

        started = time.perf_counter()
        warm_up()  # what the Report page does, once per process, after it is drawn
        print(
            f"engine warm-up (once per app process, in the background after the first page): {time.perf_counter() - started:.2f} s"
        )
        results: dict[str, tuple[float, float, float]] = {}
        with Store(db) as store:
            for label, days in RANGES.items():
                app_runs = [in_app(store, days) for _ in range(args.repeats)]
                results[f"app {label}"] = medians([(w, c) for w, c, _ in app_runs])
                print(f"  app {label}: {app_runs[0][2] / 1024:.0f} KB PDF")
        baseline: dict[str, tuple[float, float, float]] = {}
        for label, days in RANGES.items():
            runs: list[tuple[float, ...]] = []
            before: list[tuple[float, ...]] = []
            for _ in range(args.repeats):  # interleaved, so both see the same load
                runs.append(cli(db, days, Path(folder) / "report.pdf"))
                if args.baseline:
                    before.append(cli(db, days, Path(folder) / "baseline.pdf", args.baseline.resolve()))
            results[f"CLI {label}"] = medians(runs)
            if before:
                baseline[label] = medians(before)
        print(
            f"medians of {args.repeats} runs; CPU: every process; main CPU: the app's or the CLI's own process"
        )
        print(f"{'report':<16} {'wall s':>7} {'CPU s':>7} {'main CPU':>9} {'target':>7}  verdict")
        for name, (wall, cpu, main_cpu) in results.items():
            target = TARGETS[name]
            print(
                f"{name:<16} {wall:7.2f} {cpu:7.2f} {main_cpu:9.2f} {target:7.1f}  "
                f"{'ok' if wall <= target else 'OVER TARGET'}"
            )
        for where in ("app", "CLI"):
            ten, one = results[f"{where} 10 years"], results[f"{where} 1 year"]
            print(f"{where}: 10 years / 1 year = {ten[0] / one[0]:.2f} (wall), {ten[1] / one[1]:.2f} (CPU)")
        for label, (wall, cpu, main_cpu) in baseline.items():
            now_wall, now_cpu, now_main = results[f"CLI {label}"]
            print(
                f"CLI {label}, baseline {args.baseline}: {wall:.2f} s wall, {cpu:.2f} s CPU, {main_cpu:.2f} s main "
                f"CPU; this checkout / baseline = {now_wall / wall:.2f} (wall), {now_cpu / cpu:.2f} (CPU), "
                f"{now_main / main_cpu:.2f} (main CPU)"
            )
        print(
            f"while vl-convert draws, a Python thread runs at {gil_share():.1f}% of its free speed "
            "(vl-convert holds the GIL: the CLI draws in a child process, not a thread)"
        )
        where_the_time_goes(db, RANGES["1 year"])
        print(f"load average at end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
