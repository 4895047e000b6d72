"""HTTPS for `serve --lan`: Streamlit's own TLS against Caddy (`tls internal`) in front of plain Streamlit.

Measures, in this run, on 127.0.0.1 only: seconds from start until the health check answers over HTTPS,
the memory of the extra process, the time to fetch the app page, and which plain-HTTP ports are open.
Caddy is measured when /usr/bin/caddy exists (Debian package `caddy`; not a backcare dependency).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/bench_lan_start.py
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backcare import auth, config  # noqa: E402

RUNS = 3
INSECURE = ssl.create_default_context()
INSECURE.check_hostname, INSECURE.verify_mode = False, ssl.CERT_NONE


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ok(url: str, limit: float = 60) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        try:
            if urllib.request.urlopen(url, context=INSECURE, timeout=1).read() == b"ok":
                return time.perf_counter() - start
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} never answered")


def fetch_seconds(url: str) -> float:
    start = time.perf_counter()
    for _ in range(20):
        urllib.request.urlopen(url, context=INSECURE, timeout=5).read()
    return (time.perf_counter() - start) / 20


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def stop(*procs: subprocess.Popen[bytes]) -> None:
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def streamlit_tls(folder: Path) -> tuple[float, float, float]:
    db = folder / "d.db"
    auth.save_record(config.auth_path(db), auth.hash_password("benchmark password"))
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "backcare", "--db", str(db), "serve", "--lan", "--address", "127.0.0.1",
         "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        started = wait_ok(f"https://127.0.0.1:{port}/_stcore/health")
        return started, fetch_seconds(f"https://127.0.0.1:{port}/"), 0.0
    finally:
        stop(proc)


def streamlit_alone(folder: Path, tls: bool) -> tuple[float, float, float]:
    """`streamlit run` itself, with or without its TLS options (no backcare wrapper, no password)."""
    from backcare import serve

    port = free_port()
    options = ["--server.address=127.0.0.1", f"--server.port={port}", "--server.headless=true",
               "--browser.gatherUsageStats=false"]  # fmt: skip
    if tls:
        cert, key = serve.ensure_certificate(folder / "tls", "127.0.0.1")
        options += [f"--server.sslCertFile={cert}", f"--server.sslKeyFile={key}"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", *options], cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "BACKCARE_DB": str(folder / "d.db")},
    )  # fmt: skip
    scheme = "https" if tls else "http"
    try:
        started = wait_ok(f"{scheme}://127.0.0.1:{port}/_stcore/health")
        return started, fetch_seconds(f"{scheme}://127.0.0.1:{port}/"), 0.0
    finally:
        stop(proc)


def caddy_in_front(folder: Path) -> tuple[float, float, float]:
    inner, outer, http_port = free_port(), free_port(), free_port()
    caddyfile = folder / "Caddyfile"
    # Without these global options Caddy would also listen for plain HTTP on :80 (all interfaces) to
    # redirect, and try to install its own root certificate into the system trust store.
    caddyfile.write_text(
        "{\n  admin off\n  skip_install_trust\n  auto_https disable_redirects\n"
        f"  http_port {http_port}\n  default_bind 127.0.0.1\n}}\n"
        f"https://127.0.0.1:{outer} {{\n  tls internal\n  reverse_proxy 127.0.0.1:{inner}\n}}\n"
    )
    env = {**os.environ, "XDG_DATA_HOME": str(folder), "XDG_CONFIG_HOME": str(folder), "HOME": str(folder)}
    start = time.perf_counter()
    app = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address=127.0.0.1",
         f"--server.port={inner}", "--server.headless=true", "--browser.gatherUsageStats=false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "BACKCARE_DB": str(folder / "d.db")},
    )  # fmt: skip
    proxy = subprocess.Popen(
        ["caddy", "run", "--config", str(caddyfile), "--adapter", "caddyfile"],
        cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    try:
        wait_ok(f"https://127.0.0.1:{outer}/_stcore/health")
        started = time.perf_counter() - start
        return started, fetch_seconds(f"https://127.0.0.1:{outer}/"), rss_mb(proxy.pid)
    finally:
        stop(proxy, app)


def main() -> None:
    variants = {
        "plain streamlit (http, reference)": lambda f: streamlit_alone(f, tls=False),
        "streamlit run with its TLS options": lambda f: streamlit_alone(f, tls=True),
        "serve --lan (checks + streamlit TLS)": streamlit_tls,
    }
    if shutil.which("caddy"):
        variants["caddy tls internal + streamlit"] = caddy_in_front
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in variants}
    for _ in range(RUNS):
        for name, run in variants.items():
            with tempfile.TemporaryDirectory() as folder:
                results[name].append(run(Path(folder)))
    print(f"{'variant':<34} {'start s (median)':>17} {'page GET ms':>12} {'extra RSS MB':>13}")
    medians = {}
    for name, rows in results.items():
        start, page, extra = (statistics.median(col) for col in zip(*rows, strict=True))
        medians[name] = start
        print(f"{name:<34} {start:>17.2f} {page * 1000:>12.1f} {extra:>13.1f}")
    plain, tls = medians["plain streamlit (http, reference)"], medians["streamlit run with its TLS options"]
    print(f"TLS cost in streamlit's start-up: {tls / plain:.2f}x")
    if "caddy tls internal + streamlit" in medians:
        print(
            f"start-up ratio caddy+streamlit / streamlit TLS: {medians['caddy tls internal + streamlit'] / tls:.2f}"
        )
    else:
        print("caddy not installed: only Streamlit's TLS measured")


if __name__ == "__main__":
    main()
