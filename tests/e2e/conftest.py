"""Real-browser fixtures: a real `streamlit run` on a free loopback port and Debian's Chromium.

Without chromium the tests skip with a visible reason, unless BACKCARE_REQUIRE_BROWSER=1 (CI),
where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("BACKCARE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
]  # fmt: skip


def _browser_available() -> str | None:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return f"Debian chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (make test installs it)"
    return None


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright (no browser download)."""
    reason = _browser_available()
    if reason:
        if os.environ.get("BACKCARE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Browser tests are required (BACKCARE_REQUIRE_BROWSER=1) but: {reason}")
        pytest.skip(f"Browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningApp:
    """A streamlit server started for a test, with its database file and log."""

    url: str
    db: Path
    log: Path
    proc: subprocess.Popen[bytes] = field(repr=False)


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator:
    """Factory: start `streamlit run app.py` against a database (seeded by an optional callback)."""
    started: list[RunningApp] = []

    def start(seed=None, extra_env: dict[str, str] | None = None) -> RunningApp:
        db = tmp_path / f"app{len(started)}.db"
        if seed is not None:
            seed(db)
        port = free_port()
        log = tmp_path / f"streamlit{len(started)}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address=127.0.0.1",
                 f"--server.port={port}", "--server.headless=true", "--browser.gatherUsageStats=false",
                 "--server.fileWatcherType=none"],
                cwd=ROOT, env={**os.environ, "BACKCARE_DB": str(db), **(extra_env or {})},
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        app = RunningApp(url, db, log, proc)
        started.append(app)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                    return app
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"streamlit did not become healthy:\n{log.read_text()}")

    yield start
    for app in started:
        app.proc.terminate()
        try:
            app.proc.wait(10)
        except subprocess.TimeoutExpired:
            app.proc.kill()


@pytest.fixture
def offsite_requests() -> list[str]:
    """Collects every request a page makes to a host other than 127.0.0.1 (attach with watch_requests)."""
    return []


def watch_requests(page, offsite: list[str]) -> None:
    """Record requests that leave the machine."""

    def on_request(request) -> None:
        host = urlparse(request.url).hostname
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if host not in ("127.0.0.1", "localhost", "::1"):
            offsite.append(request.url)

    page.on("request", on_request)


def wait_idle(page, timeout: int = 30000) -> None:
    """Wait until Streamlit has finished the current run."""
    from playwright.sync_api import expect

    page.wait_for_timeout(150)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout)
