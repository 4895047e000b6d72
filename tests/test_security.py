"""Security guarantees: password (scrypt, constant-time, throttled), loopback-only without a password,
user text never rendered as Markdown/HTML, owner-only files."""

from __future__ import annotations

import hmac
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from backcare import auth, config
from backcare.errors import ValidationError
from backcare.models import checkin_from_input, session_from_input
from backcare.store import Store, add_exercise_type, add_session, save_checkin
from tests.conftest import APP, ROOT


def test_password_hash_is_salted_scrypt_and_verifies():
    record = auth.hash_password("correct horse")
    assert record["algorithm"] == "scrypt" and record["n"] >= 2**14
    assert auth.verify_password("correct horse", record) and not auth.verify_password("correct hors", record)
    assert auth.hash_password("correct horse")["salt"] != record["salt"]
    with pytest.raises(ValidationError, match="at least 8"):
        auth.hash_password("short")
    assert not auth.verify_password("x", {"salt": "!!", "hash": ""})


def test_comparison_is_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(auth.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    auth.verify_password("wrong password", auth.hash_password("right password"))
    assert calls == [1]


def test_throttle_slows_down_after_two_failures_and_lives_in_an_owner_only_file(tmp_path):
    throttle = auth.Throttle(tmp_path / auth.THROTTLE_FILE_NAME)
    assert throttle.begin(now=100.0) == 0 and throttle.begin(now=100.0) == 0
    assert throttle.wait_seconds(now=100.0) == 0
    assert throttle.begin(now=100.0) == 0  # the third try goes ahead, and sets the wait
    assert throttle.wait_seconds(now=100.0) == 2.0
    assert throttle.begin(now=101.0) == 1.0  # refused: nothing counted, no password checked
    assert throttle.begin(now=102.0) == 0 and throttle.wait_seconds(now=102.0) == 4.0
    for n in range(20):
        throttle.begin(now=1000.0 + 100 * n)
    assert throttle.wait_seconds(now=2900.0) == 60.0
    assert oct(throttle.path.stat().st_mode)[-3:] == "600"
    # A second object on the same file (another session or process) sees the same state.
    assert auth.Throttle(throttle.path).wait_seconds(now=2900.0) == 60.0
    throttle.succeeded()
    assert throttle.wait_seconds(now=2900.0) == 0


def test_damaged_throttle_file_slows_the_next_try_instead_of_resetting(tmp_path):
    path = tmp_path / auth.THROTTLE_FILE_NAME
    path.write_text("{not json")
    throttle = auth.Throttle(path)
    assert throttle.begin(now=50.0) == 0 and throttle.wait_seconds(now=50.0) == 2.0


def _try_during_wait(path: str, start_at: float, results) -> None:
    import time

    while time.time() < start_at:
        time.sleep(0.001)
    results.put(auth.Throttle(Path(path)).begin())


def test_parallel_tries_in_other_processes_during_a_wait_are_all_refused(tmp_path):
    import multiprocessing
    import time

    path = tmp_path / auth.THROTTLE_FILE_NAME
    throttle = auth.Throttle(path)
    for i in range(8):  # eight failures, each after the previous wait ran out: the wait is now 60 s
        throttle.begin(now=time.time() - (7 - i) * 100)
    assert throttle.begin() > 50
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    start_at = time.time() + 0.5
    procs = [ctx.Process(target=_try_during_wait, args=(str(path), start_at, results)) for _ in range(12)]
    for proc in procs:
        proc.start()
    waits = [results.get(timeout=30) for _ in procs]
    for proc in procs:
        proc.join(10)
    assert len(waits) == 12 and all(w > 0 for w in waits)


def test_parallel_first_tries_let_exactly_three_through(tmp_path):
    """Twelve sessions at once from a clean state: the two free tries and the one that sets the wait."""
    import threading

    throttle_file = tmp_path / auth.THROTTLE_FILE_NAME
    barrier = threading.Barrier(12)
    allowed: list[float] = []

    def attempt() -> None:
        barrier.wait()
        allowed.append(auth.Throttle(throttle_file).begin())

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(allowed) == 12 and allowed.count(0.0) == 3


def _login(at: AppTest, password: str) -> AppTest:
    at.text_input(key="login_password").input(password)
    return at.button[0].click().run()


def test_clearing_streamlit_caches_does_not_reset_the_throttle(db_path):
    """Issue 16 item 6: anyone can send clear_cache without logging in; the throttle must survive it."""
    import time

    import streamlit as st

    auth.save_record(config.auth_path(db_path), auth.hash_password("open sesame"))
    throttle = auth.Throttle(auth.throttle_path(config.auth_path(db_path)))
    for i in range(7):  # earlier failures, each after the previous wait: the next one waits 60 s,
        throttle.begin(now=time.time() - (8 - i) * 100)  # longer than any page run under load
    at = AppTest.from_file(APP, default_timeout=60).run()
    for _ in range(3):
        _login(at, "wrong guess")
    assert throttle.wait_seconds() > 30
    st.cache_data.clear()  # what Streamlit's clear_cache message does for any client
    st.cache_resource.clear()
    fresh = _login(AppTest.from_file(APP, default_timeout=60).run(), "open sesame")
    assert any("Too many wrong passwords" in e.value for e in fresh.error)
    assert not any("How is your back today" in t.value for t in fresh.title)


def test_a_damaged_password_file_locks_every_page_and_says_what_to_do(db_path):
    save_checkin(Store(db_path), checkin_from_input(date=date.today(), pain=4, notes="private note"))
    for damaged in ("{half a json", '{"algorithm": "scrypt"}', "[]", ""):
        config.auth_path(db_path).write_text(damaged)
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not at.exception
        assert any("damaged" in e.value and "python -m backcare set-password" in e.value for e in at.error)
        assert not at.text_input and not at.title  # no login form, nothing of the diary
        at.switch_page("views/history.py").run()
        assert not at.title and not any("private note" in str(m.value) for m in at.markdown)
    repaired = subprocess.run(
        [sys.executable, "-m", "backcare", "--db", str(db_path), "set-password"], capture_output=True,
        text=True, cwd=ROOT, env={**os.environ, "BACKCARE_NEW_PASSWORD": "a fresh password"},
    )  # fmt: skip
    assert repaired.returncode == 0  # the command the message names does repair it
    assert auth.verify_password("a fresh password", auth.load_record(config.auth_path(db_path)))


def test_a_login_survives_a_reload_through_a_signed_expiring_token(db_path, monkeypatch):
    record = auth.hash_password("open sesame")
    auth.save_record(config.auth_path(db_path), record)
    at = _login(AppTest.from_file(APP, default_timeout=60).run(), "open sesame")
    token = (
        at.query_params["session"][0]
        if isinstance(at.query_params["session"], list)
        else at.query_params["session"]
    )
    assert auth.token_is_valid(token, record)
    reloaded = AppTest.from_file(APP, default_timeout=60)
    reloaded.query_params["session"] = token
    assert any("How is your back today" in t.value for t in reloaded.run().title)
    forged = AppTest.from_file(APP, default_timeout=60)
    forged.query_params["session"] = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert forged.run().text_input(key="login_password")
    # Expired, or issued before the password changed: the password is asked again.
    assert not auth.token_is_valid(auth.issue_token(record, 1, now=0), record)
    auth.save_record(config.auth_path(db_path), auth.hash_password("a new password"))
    again = AppTest.from_file(APP, default_timeout=60)
    again.query_params["session"] = token
    assert again.run().text_input(key="login_password")
    monkeypatch.setenv(auth.SESSION_HOURS_ENV, "0")
    assert auth.session_hours() == 0


def test_loopback_detection():
    assert auth.is_loopback("127.0.0.1") and auth.is_loopback("localhost") and auth.is_loopback("::1")
    assert not auth.is_loopback("0.0.0.0") and not auth.is_loopback("") and not auth.is_loopback(None)
    assert not auth.is_loopback("192.168.1.20")


def test_every_page_asks_for_the_password_when_set(db_path):
    save_checkin(Store(db_path), checkin_from_input(date=date.today(), pain=4))
    auth.save_record(config.auth_path(db_path), auth.hash_password("open sesame"))
    assert oct(config.auth_path(db_path).stat().st_mode)[-3:] == "600"
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and at.text_input(key="login_password")
    assert not any("How is your back today" in t.value for t in at.title)
    at.text_input(key="login_password").input("wrong one")
    at.button[0].click().run()
    assert any("not right" in e.value for e in at.error)
    at.text_input(key="login_password").input("open sesame")
    at.button[0].click().run()
    assert any("How is your back today" in t.value for t in at.title)
    at.switch_page("views/history.py").run()
    assert not at.exception and any(t.value == "History" for t in at.title)


def test_non_loopback_without_password_refuses_to_show_data(db_path):
    previous = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
    finally:
        st_config.set_option("server.address", previous)
    assert any("will not show your diary" in e.value for e in at.error)
    assert not at.title  # nothing of the diary rendered


def test_user_text_is_escaped_in_markdown(db_path):
    with Store(db_path) as store:
        key = add_exercise_type(store, "![pic](http://203.0.113.9/x.png) <b>x</b>")
        for day in range(1, 3):
            add_session(
                store, session_from_input(date=date(2026, 3, day), exercise_type=key, duration_min=20)
            )
            save_checkin(store, checkin_from_input(date=date(2026, 3, day), pain=3))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/insights.py").run()
    shown = [m.value for m in at.markdown if "pic" in m.value]
    assert shown and all("\\!\\[pic\\](http\\://203.0.113.9/x.png) \\<b\\>" in v for v in shown)
    assert not any("](http://203.0.113.9" in m.value for m in at.markdown)


def test_markdown_escaping_keeps_ordinary_text_readable():
    from backcare.ui import md

    assert md("Saved: pain 6/10 (Cat-cow, child's pose).") == "Saved: pain 6/10 (Cat-cow, child's pose)."
    assert md("![x](https://e.vil/p.png)") == "\\!\\[x\\](https\\://e.vil/p.png)"
    assert md("<script>*b*_i_ $x$ www.e.vil") == "\\<script\\>\\*b\\*\\_i\\_ \\$x\\$ www\\.e.vil"


def test_cli_set_password_and_clear(tmp_path):
    db = tmp_path / "x.db"
    env = {**os.environ, "BACKCARE_NEW_PASSWORD": "long enough pw"}
    done = subprocess.run(
        [sys.executable, "-m", "backcare", "--db", str(db), "set-password"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    record = auth.load_record(config.auth_path(db))
    assert (
        record
        and auth.verify_password("long enough pw", record)
        and "long enough pw" not in config.auth_path(db).read_text()
    )
    cleared = subprocess.run(
        [sys.executable, "-m", "backcare", "--db", str(db), "set-password", "--clear"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert cleared.returncode == 0 and auth.load_record(config.auth_path(db)) is None


def test_database_and_exports_are_owner_only(tmp_path, capsys):
    from tests.cli_helpers import cli  # in this process: the command is tested, not the process

    db = tmp_path / "x.db"
    Store(db).close()
    assert oct(db.stat().st_mode)[-3:] == "600"
    out = tmp_path / "e.zip"
    assert cli(capsys, db, "export", "csv", "--out", str(out))[0] == 0
    assert oct(out.stat().st_mode)[-3:] == "600"


def test_non_loopback_without_https_shows_nothing_even_with_a_password(db_path, tmp_path):
    from backcare import serve

    auth.save_record(config.auth_path(db_path), auth.hash_password("open sesame"))
    cert, _key = serve.ensure_certificate(tmp_path / "tls", "127.0.0.1")
    previous = {name: st_config.get_option(name) for name in ("server.address", "server.sslCertFile")}
    st_config.set_option("server.address", "192.0.2.7")
    try:
        plain = AppTest.from_file(APP, default_timeout=60).run()
        st_config.set_option("server.sslCertFile", str(cert))
        tls = AppTest.from_file(APP, default_timeout=60).run()
    finally:
        for name, value in previous.items():
            st_config.set_option(name, value)
    assert any("without HTTPS" in e.value and "make run-lan" in e.value for e in plain.error)
    assert not plain.text_input and not plain.title  # not even the password field over plain HTTP
    assert tls.text_input(key="login_password") and not tls.error
