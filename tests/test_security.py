"""Security guarantees: password (scrypt, constant-time, throttled), loopback-only without a password,
user text never rendered as Markdown/HTML, owner-only files."""

from __future__ import annotations

import hmac
import os
import subprocess
import sys
from datetime import date

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


def test_throttle_slows_down_after_three_failures():
    throttle = auth.Throttle()
    for _ in range(2):
        throttle.record(False, now=100.0)
    assert throttle.wait_seconds(now=100.0) == 0
    throttle.record(False, now=100.0)
    assert throttle.wait_seconds(now=100.0) == 2.0
    throttle.record(False, now=100.0)
    assert throttle.wait_seconds(now=100.0) == 4.0
    for _ in range(20):
        throttle.record(False, now=100.0)
    assert throttle.wait_seconds(now=100.0) == 60.0
    throttle.record(True)
    assert throttle.wait_seconds(now=100.0) == 0


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


def test_database_and_exports_are_owner_only(tmp_path):
    db = tmp_path / "x.db"
    Store(db).close()
    assert oct(db.stat().st_mode)[-3:] == "600"
    out = tmp_path / "e.zip"
    subprocess.run(
        [sys.executable, "-m", "backcare", "--db", str(db), "export", "csv", "--out", str(out)],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    assert oct(out.stat().st_mode)[-3:] == "600"
