"""`serve --lan`: refuses without a password, HTTPS only off loopback, owner-only certificate and key,
and a real start on 127.0.0.1 that answers only over TLS. Nothing here binds anything but 127.0.0.1."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509

from backcare import auth, config, serve
from backcare.errors import BackcareError
from tests.conftest import ROOT


def _cli(*args: str, db: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backcare", "--db", str(db), *args],
        capture_output=True, text=True, cwd=ROOT, timeout=timeout, stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


def _with_password(db: Path) -> Path:
    auth.save_record(config.auth_path(db), auth.hash_password("long enough pw"))
    return db


def test_serve_lan_refuses_without_a_password_and_names_the_command(tmp_path):
    db = tmp_path / "d.db"
    done = _cli("serve", "--lan", "--address", "127.0.0.1", "--dry-run", db=db)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "backcare: Set a password before opening backcare to your network: python -m backcare set-password"
    ]
    assert not (tmp_path / serve.TLS_FOLDER).exists()  # nothing made before the refusal


def test_serve_lan_refuses_with_a_damaged_password_file(tmp_path):
    db = tmp_path / "d.db"
    config.auth_path(db).write_text("{broken")
    done = _cli("serve", "--lan", "--address", "127.0.0.1", "--dry-run", db=db)
    assert done.returncode == 2 and "damaged" in done.stderr and "set-password" in done.stderr


def test_plain_http_is_never_planned_on_a_non_loopback_address(tmp_path):
    db = _with_password(tmp_path / "d.db")
    with pytest.raises(BackcareError, match=r"only on 127\.0\.0\.1"):
        serve.plan(db, lan=False, address="192.0.2.7")
    local = serve.plan(db, lan=False)
    assert local.address == "127.0.0.1" and "--server.address=127.0.0.1" in local.command()
    assert not any("ssl" in part for part in local.command()) and local.url.startswith("http://127.0.0.1")
    lan = serve.plan(db, lan=True, address="192.0.2.7", port=9443)  # inspected, never started
    command = lan.command()
    assert "--server.address=192.0.2.7" in command and "--browser.gatherUsageStats=false" in command
    assert f"--server.sslCertFile={lan.cert}" in command and f"--server.sslKeyFile={lan.key}" in command
    assert lan.url == "https://192.0.2.7:9443" and lan.environment()[serve.LAN_URL_ENV] == lan.url


def test_certificate_names_this_computer_is_owner_only_and_is_reused(tmp_path):
    now = datetime.now(UTC)
    cert_path, key_path = serve.ensure_certificate(tmp_path / "tls", "127.0.0.1", now=now)
    for path in (cert_path, key_path):
        assert oct(path.stat().st_mode)[-3:] == "600"
    assert oct((tmp_path / "tls").stat().st_mode)[-3:] == "700"
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "127.0.0.1" in {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}
    assert socket.gethostname() in san.get_values_for_type(x509.DNSName)
    assert timedelta(days=390) < cert.not_valid_after_utc - now <= timedelta(days=serve.CERT_DAYS)
    fingerprint = serve.certificate_fingerprint(cert_path, key_path)
    assert len(fingerprint.split(":")) == 32
    again = serve.ensure_certificate(tmp_path / "tls", "127.0.0.1", now=now + timedelta(days=30))
    assert serve.certificate_fingerprint(again[0]) == fingerprint  # still valid: kept
    renewed = serve.ensure_certificate(tmp_path / "tls", "127.0.0.1", now=now + timedelta(days=380))
    assert serve.certificate_fingerprint(renewed[0]) != fingerprint  # near expiry: made again


def test_a_key_that_does_not_match_the_certificate_is_refused(tmp_path):
    cert_a, _ = serve.ensure_certificate(tmp_path / "a", "127.0.0.1")
    _, key_b = serve.ensure_certificate(tmp_path / "b", "127.0.0.1")
    db = _with_password(tmp_path / "d.db")
    done = _cli("serve", "--lan", "--address", "127.0.0.1", "--cert", str(cert_a), "--key", str(key_b),
                "--dry-run", db=db)  # fmt: skip
    assert done.returncode == 2 and "does not belong" in done.stderr
    missing = _cli("serve", "--lan", "--address", "127.0.0.1", "--cert", str(tmp_path / "no.pem"),
                   "--key", str(key_b), "--dry-run", db=db)  # fmt: skip
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1


def test_qr_code_holds_the_address():
    png = serve.qr_png("https://192.0.2.7:8501")
    assert png.startswith(b"\x89PNG")
    text = serve.announce(serve.ServePlan(Path("d.db"), "192.0.2.7", 8501, Path("c"), Path("k"), 12, "AB:CD"))
    assert "https://192.0.2.7:8501" in text and "AB:CD" in text and "█" in text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_real_lan_start_on_loopback_answers_only_over_https(tmp_path):
    db = _with_password(tmp_path / "d.db")
    port = _free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "backcare", "--db", str(db), "serve", "--lan", "--address", "127.0.0.1",
             "--port", str(port)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
    try:
        cert = tmp_path / serve.TLS_FOLDER / "backcare-cert.pem"
        deadline = time.monotonic() + 60
        body = b""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                trusted = ssl.create_default_context(cafile=str(cert))  # verifies name and chain
                body = urllib.request.urlopen(f"https://127.0.0.1:{port}/_stcore/health", context=trusted,
                                              timeout=2).read()  # fmt: skip
                break
            except (OSError, ssl.SSLError):
                time.sleep(0.3)
        assert body == b"ok", log.read_text()
        with socket.create_connection(("127.0.0.1", port), timeout=5) as plain:
            plain.sendall(b"GET /_stcore/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            try:
                answer = plain.recv(200)
            except OSError:
                answer = b""
        assert not answer.startswith(b"HTTP/")  # plain HTTP gets no page at all
        assert "SHA-256 fingerprint" in log.read_text()
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_settings_shows_the_qr_code_and_fingerprint_only_when_served_for_the_phone(db_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP

    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/settings.py").run()
    assert not at.exception and not at.get("image")
    assert any("make run-lan" in m.value for m in at.markdown)
    monkeypatch.setenv(serve.LAN_URL_ENV, "https://192.0.2.7:8501")
    monkeypatch.setenv(serve.LAN_FINGERPRINT_ENV, "AB:CD:EF")
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/settings.py").run()
    assert not at.exception and at.get("image")
    assert any("`AB:CD:EF`" in m.value for m in at.markdown)


def test_sign_out_on_this_device_asks_for_the_password_again(db_path):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP

    _with_password(db_path)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.text_input(key="login_password").input("long enough pw")
    at.button[0].click().run()
    at.switch_page("views/settings.py").run()
    assert "session" in at.query_params
    at.button(key="sign_out").click().run()
    assert at.text_input(key="login_password") and "session" not in at.query_params
