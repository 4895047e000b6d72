"""Refresh the README screenshots in docs/screenshots (run by `make screenshots`, never by the tests).

Starts the app on a temporary diary holding a year of demo data, opens each pictured page in
Debian's Chromium at 1280 px and saves a full-page PNG.
"""

from __future__ import annotations

import os
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
from tests.e2e import seeing  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402

PICTURED = {"today": "", "dashboard": "dashboard", "insights": "insights", "report": "report"}


def main() -> None:
    """Write docs/screenshots/<page>.png for the pages the README shows."""
    from playwright.sync_api import sync_playwright

    out = ROOT / "docs" / "screenshots"
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        with Store(db) as store:
            demo.write_demo(store, 365, 7)
        port = free_port()
        with open(Path(tmp) / "streamlit.log", "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address=127.0.0.1",
                 f"--server.port={port}", "--server.headless=true", "--browser.gatherUsageStats=false",
                 "--server.fileWatcherType=none"],
                cwd=ROOT, env={**os.environ, "BACKCARE_DB": str(db)}, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                        break
                except OSError:
                    time.sleep(0.2)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, path in PICTURED.items():
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    page.goto(f"{url}/{path}")
                    seeing.settle(page, seeing.PAGES[path])
                    print(seeing.full_screenshot(page, out / f"{name}.png"))
                    page.close()
                browser.close()
        finally:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
