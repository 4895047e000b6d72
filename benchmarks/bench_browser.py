"""Real browser: time from navigation to interactive per page, and the app's memory, 30 days vs 10 years.

For each size a real `streamlit run` serves a demo diary on a free loopback port and Debian's
Chromium (Playwright, no browser download) opens it. Per page: click its sidebar link and wait
until the page's heading is shown, the script run has ended (stApp's script state "notRunning",
no running indicator), no element from the previous page is left (stale) and every chart has drawn.
"first" is the first visit since the server started (cold caches), after ``--pause`` seconds on the
first page (default 5: a person reads it; the app warms other pages' data meanwhile); "first now"
the same on a fresh ten-year server with no pause; "again" the median of the next visits. Then the
streamlit process's resident memory (VmRSS, and its peak VmHWM, from /proc) after visiting every page.
Target (issue 17): every page interactive within 1 s with ten years of data, in all three columns.
Run: .venv/bin/python benchmarks/bench_browser.py [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backcare import demo  # noqa: E402
from backcare.store import Store  # noqa: E402

CHROMIUM = os.environ.get("BACKCARE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
]  # fmt: skip
SIZES = (30, 3650)
TARGET_S = 1.0
PAUSE_S = 5.0
# (nav title, heading) for every registered page, read from app.py and each view's st.title.
PAGES = [
    (title, re.search(r'st\.title\("([^"]+)"\)', (ROOT / path).read_text()).group(1))  # type: ignore[union-attr]
    for path, title in re.findall(
        r'st\.Page\("(views/\w+\.py)", title="([^"]+)"', (ROOT / "app.py").read_text()
    )
]
INTERACTIVE = """() => document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState === 'notRunning'
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]')
    && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].every(c => c.querySelector('canvas, svg'))"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(db: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address=127.0.0.1",
             f"--server.port={port}", "--server.headless=true", "--browser.gatherUsageStats=false",
             "--server.fileWatcherType=none"],
            cwd=ROOT, env={**os.environ, "BACKCARE_DB": str(db), "PYTHONPATH": str(ROOT)},
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError(f"streamlit did not become healthy:\n{log.read_text()}")


def _memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB, from /proc/<pid>/status."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return tuple(int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))  # type: ignore[return-value]


def _interactive(page, heading: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible(timeout=60000)
    page.wait_for_function(INTERACTIVE, timeout=60000, polling=20)


def measure(
    browser, days: int, repeats: int, folder: Path, pause: float
) -> tuple[dict[str, tuple[float, float]], float, tuple[float, float]]:
    """Per page (first visit s, median later visit s), cold app load s, and (RSS, peak RSS) MB.
    The first visits start ``pause`` seconds after the first page was interactive."""
    db = folder / f"demo-{days}-{pause:g}.db"
    with Store(db) as store:
        demo.write_demo(store, days, 1)
    proc, url = _serve(db, folder / f"streamlit-{days}-{pause:g}.log")
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        started = time.perf_counter()
        page.goto(url)
        _interactive(page, PAGES[0][1])
        cold = time.perf_counter() - started
        time.sleep(pause)
        visits: dict[str, list[float]] = {title: [] for title, _ in PAGES}
        for _ in range(repeats + 1):
            for title, heading in PAGES[1:] + PAGES[:1]:  # end each round back on the first page
                link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
                started = time.perf_counter()
                link.click()
                _interactive(page, heading)
                visits[title].append(time.perf_counter() - started)
        memory = _memory_mb(proc.pid)
        page.close()
        return {t: (v[0], statistics.median(v[1:] or v)) for t, v in visits.items()}, cold, memory
    finally:
        proc.terminate()
        proc.wait(20)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--pause", type=float, default=PAUSE_S, help="seconds on the first page before the first visits"
    )
    args = parser.parse_args()
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        print(f"SKIPPED: Debian chromium not found at {CHROMIUM} (apt-get install chromium)")
        return 0
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        small, big = (measure(browser, days, args.repeats, Path(tmp), args.pause) for days in SIZES)
        hurried = measure(browser, SIZES[1], 0, Path(tmp), 0.0) if args.pause else big
        browser.close()
    print(f"seconds from clicking the page's link to interactive; 30 days vs {SIZES[1]} days of demo data")
    print(
        f"first visits start {args.pause:g} s after the first page (a person reading it; the server warms "
        "other pages' data meanwhile); 'first 10y now': a fresh server, clicked at once"
    )
    print(
        f"{'page':<16} {'first 30d':>9} {'first 10y':>9} {'ratio':>6} {'again 30d':>9} {'again 10y':>9} {'ratio':>6}"
        f" {'first 10y now':>13}  verdict"
    )
    worst = 0.0
    for title, _ in PAGES:
        (f_small, a_small), (f_big, a_big), now = small[0][title], big[0][title], hurried[0][title][0]
        worst = max(worst, f_big, a_big, now)
        verdict = "ok" if max(f_big, a_big, now) <= TARGET_S else "OVER TARGET"
        print(
            f"{title:<16} {f_small:9.2f} {f_big:9.2f} {f_big / f_small:6.2f} "
            f"{a_small:9.2f} {a_big:9.2f} {a_big / a_small:6.2f} {now:13.2f}  {verdict}"
        )
    print(
        f"opening the app (first page, cold): {small[1]:.2f} s with 30 days, {big[1]:.2f} s with ten years"
        f" ({hurried[1]:.2f} s on the second ten-year server)"
    )
    print(
        f"slowest ten-year page, first, again or clicked at once: {worst:.2f} s (target <= {TARGET_S:.1f} s)"
    )
    (rss_s, hwm_s), (rss_b, hwm_b) = small[2], big[2]
    print(
        f"streamlit process after visiting every page: RSS {rss_s:.0f} MB (peak {hwm_s:.0f}) with 30 days, "
        f"{rss_b:.0f} MB (peak {hwm_b:.0f}) with ten years, ratio {rss_b / rss_s:.2f}"
    )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
