"""`serve`'s argument checks, the plan it makes and the command it would start, in-process
(backcare/serve.py). Nothing here starts Streamlit or binds a socket."""

from __future__ import annotations

import argparse
import ipaddress
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509

from backcare import auth, config, serve
from backcare.errors import BackcareError


def _with_password(db: Path) -> Path:
    auth.save_record(config.auth_path(db), auth.hash_password("long enough pw"))
    return db


def _args(db: Path, **given: object) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    serve.add_arguments(parser)
    args = parser.parse_args([])
    args.db = db
    for key, value in given.items():
        setattr(args, key, value)
    return args


@pytest.mark.parametrize("port", [0, -1, 65536, 100_000])
def test_a_port_outside_1_to_65535_is_refused_naming_it(tmp_path, port):
    with pytest.raises(BackcareError) as caught:
        serve.plan(tmp_path / "d.db", lan=False, port=port)
    assert str(caught.value) == f"--port must be between 1 and 65535, not {port}."


@pytest.mark.parametrize("port", [1, 65535])
def test_the_edge_ports_are_accepted(tmp_path, port):
    assert serve.plan(tmp_path / "d.db", lan=False, port=port).url == f"http://127.0.0.1:{port}"


def test_negative_session_hours_are_refused(tmp_path):
    with pytest.raises(BackcareError, match=r"--session-hours must be from 0 to 720 \(30 days\), not -0.5"):
        serve.plan(tmp_path / "d.db", lan=False, session_hours=-0.5)


@pytest.mark.parametrize("given", [{"cert": Path("c.pem")}, {"key": Path("k.pem")}])
def test_a_certificate_without_its_key_or_the_other_way_round_is_refused(tmp_path, given):
    with pytest.raises(BackcareError, match="Give both --cert and --key, or neither"):
        serve.plan(_with_password(tmp_path / "d.db"), lan=True, address="127.0.0.1", **given)


def test_loopback_addresses_are_allowed_without_lan_but_always_served_on_127_0_0_1(tmp_path):
    for address in ("127.0.0.1", "::1", None):
        chosen = serve.plan(tmp_path / "d.db", lan=False, address=address, session_hours=3)
        assert chosen.address == "127.0.0.1" and chosen.cert is None and chosen.fingerprint == ""
    assert chosen.environment() == {config.DB_ENV: str(tmp_path / "d.db"), auth.SESSION_HOURS_ENV: "3"}


def test_the_local_command_is_plain_http_on_loopback_with_no_usage_statistics(tmp_path):
    command = serve.plan(tmp_path / "d.db", lan=False, port=8600).command()
    assert command[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert command[4] == str(config.PROJECT_ROOT / "app.py")
    assert set(command[5:]) == {
        "--server.address=127.0.0.1",
        "--server.port=8600",
        "--server.headless=true",
        "--browser.serverAddress=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    }


def test_a_lan_address_that_is_not_an_ip_address_is_refused_before_any_certificate(tmp_path):
    db = _with_password(tmp_path / "d.db")
    with pytest.raises(BackcareError) as caught:
        serve.plan(db, lan=True, address="my-laptop.local")
    assert str(caught.value).startswith("--address must be an IP address such as 192.168.1.20")
    assert str(caught.value).endswith("not 'my-laptop.local'.")
    assert not (tmp_path / serve.TLS_FOLDER).exists()


def test_the_lan_plan_carries_its_certificate_fingerprint_and_tells_the_app_where_it_is(tmp_path):
    db = _with_password(tmp_path / "d.db")
    chosen = serve.plan(db, lan=True, address="127.0.0.1", port=9443, session_hours=0)
    assert chosen.cert == tmp_path / serve.TLS_FOLDER / "backcare-cert.pem"
    assert chosen.fingerprint == serve.certificate_fingerprint(chosen.cert, chosen.key)
    env = chosen.environment()
    assert env[serve.LAN_URL_ENV] == "https://127.0.0.1:9443"
    assert env[serve.LAN_FINGERPRINT_ENV] == chosen.fingerprint
    assert env[auth.SESSION_HOURS_ENV] == "0"
    # the person's own certificate and key are used as given, and not replaced
    own = serve.plan(db, lan=True, address="127.0.0.1", cert=chosen.cert, key=chosen.key)
    assert (own.cert, own.key, own.fingerprint) == (chosen.cert, chosen.key, chosen.fingerprint)


def test_an_ipv6_address_is_bracketed_in_the_url():
    chosen = serve.ServePlan(Path("d.db"), "fe80::1", 8501, Path("c.pem"), Path("k.pem"))
    assert chosen.url == "https://[fe80::1]:8501"
    assert serve.ServePlan(Path("d.db"), "127.0.0.1", 80).url == "http://127.0.0.1:80"


def test_the_local_announcement_says_this_computer_only_and_logins_are_described():
    local = serve.ServePlan(Path("d.db"), "127.0.0.1", 8501)
    assert serve.announce(local) == "backcare on this computer only: http://127.0.0.1:8501\n"
    every_load = serve.ServePlan(Path("d.db"), "192.0.2.7", 8501, Path("c"), Path("k"), 0, "AB:CD")
    assert "A login lasts one page load on that phone" in serve.announce(every_load)
    hours = serve.ServePlan(Path("d.db"), "192.0.2.7", 8501, Path("c"), Path("k"), 1.5, "AB:CD")
    assert "A login lasts 1.5 hours on that phone" in serve.announce(hours)


def test_a_dry_run_prints_the_exact_command_and_starts_nothing(tmp_path, capsys):
    db = tmp_path / "d.db"
    assert serve.serve(_args(db, port=8765, dry_run=True)) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "backcare on this computer only: http://127.0.0.1:8765"
    assert out[1] == " ".join(serve.plan(db, lan=False, port=8765).command())
    assert not db.exists()  # serve itself opens no diary


def test_serve_refuses_before_announcing_anything(tmp_path, capsys):
    with pytest.raises(BackcareError, match="only on 127"):
        serve.serve(_args(tmp_path / "d.db", address="192.0.2.9", dry_run=True))
    assert capsys.readouterr().out == ""


def test_without_a_terminal_lan_asks_for_no_password_and_names_the_command(tmp_path, monkeypatch):
    with open(tmp_path / "empty", "w+") as not_a_terminal:
        monkeypatch.setattr(sys, "stdin", not_a_terminal)
        with pytest.raises(BackcareError) as caught:
            serve.plan(tmp_path / "d.db", lan=True, address="127.0.0.1")
    assert str(caught.value) == (
        "Set a password before opening backcare to your network: python -m backcare set-password"
    )
    assert not config.auth_path(tmp_path / "d.db").exists()


def test_phone_access_comes_from_what_serve_sets(monkeypatch):
    monkeypatch.delenv(serve.LAN_URL_ENV, raising=False)
    monkeypatch.delenv(serve.LAN_FINGERPRINT_ENV, raising=False)
    assert serve.phone_access() is None
    monkeypatch.setenv(serve.LAN_URL_ENV, "https://192.0.2.7:8501")
    assert serve.phone_access() == ("https://192.0.2.7:8501", "")
    monkeypatch.setenv(serve.LAN_FINGERPRINT_ENV, "AB:CD")
    assert serve.phone_access() == ("https://192.0.2.7:8501", "AB:CD")


def test_lan_addresses_never_include_loopback():
    for address in serve.lan_addresses():
        assert not ipaddress.ip_address(address).is_loopback


def test_a_certificate_is_made_again_when_it_does_not_cover_the_address_or_is_damaged(tmp_path):
    folder = tmp_path / "tls"
    now = datetime.now(UTC)
    cert, key = serve.ensure_certificate(folder, "127.0.0.1", now=now)
    first = serve.certificate_fingerprint(cert, key)
    cert, key = serve.ensure_certificate(folder, "192.0.2.44", now=now)
    second = serve.certificate_fingerprint(cert, key)
    assert second != first
    listed = x509.load_pem_x509_certificate(cert.read_bytes()).extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    )
    assert "192.0.2.44" in {str(ip) for ip in listed.value.get_values_for_type(x509.IPAddress)}
    cert.write_text("not a certificate")
    cert, key = serve.ensure_certificate(folder, "192.0.2.44", now=now + timedelta(days=1))
    assert serve.certificate_fingerprint(cert, key) not in (first, second)


def test_unreadable_or_foreign_certificate_files_are_refused_in_one_sentence(tmp_path):
    with pytest.raises(BackcareError) as missing:
        serve.certificate_fingerprint(tmp_path / "none.pem")
    assert str(missing.value) == f"Cannot read {tmp_path / 'none.pem'}: No such file or directory."
    junk = tmp_path / "junk.pem"
    junk.write_text("hello")
    with pytest.raises(BackcareError, match="Not a PEM certificate and unencrypted key"):
        serve.certificate_fingerprint(junk)


def _serve_on_a_terminal(db: Path, answers: list[tuple[str, str]]) -> tuple[int, str]:
    """Run `serve --lan --dry-run` as a real process on a pseudo-terminal, answering each prompt."""
    import os
    import pty
    import select
    import subprocess

    from tests.conftest import ROOT

    master, slave = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "backcare", "--db", str(db), "serve", "--lan", "--address", "127.0.0.1", "--dry-run"],
        stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    os.close(slave)
    seen = b""
    pending = list(answers)
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            assert ready, f"no output for 60 s; so far: {seen!r}"
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            if pending and pending[0][0].encode() in seen.rsplit(b"\n", 1)[-1]:
                os.write(master, (pending.pop(0)[1] + "\n").encode())
    finally:
        os.close(master)
    return child.wait(timeout=60), seen.decode(errors="replace").replace("\r\n", "\n")


def test_on_a_terminal_serve_lan_offers_to_set_the_password_first(tmp_path):
    db = tmp_path / "d.db"
    code, out = _serve_on_a_terminal(db, [("Set one now? [y/N]", "n")])
    assert code == 2 and "Not started. Set a password first: python -m backcare set-password" in out
    code, out = _serve_on_a_terminal(
        db,
        [("Set one now?", "y"), ("New password:", "first secret"), ("Same password again:", "other secret")],
    )
    assert code == 2 and "The two passwords differ; not started." in out
    assert auth.load_record(config.auth_path(db)) is None
    code, out = _serve_on_a_terminal(
        db,
        [("Set one now?", "y"), ("New password:", "first secret"), ("Same password again:", "first secret")],
    )
    assert code == 0, out
    assert "first secret" not in out  # not echoed
    assert "backcare on your network, over HTTPS: https://127.0.0.1:8501" in out
    record = auth.load_record(config.auth_path(db))
    assert record is not None and auth.verify_password("first secret", record)
