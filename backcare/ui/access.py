"""The access gate: password, signed session tokens, HTTPS off loopback, and downloads served once."""

from __future__ import annotations

from typing import Any

import streamlit as st

from backcare import config
from backcare.ui.diary import own_db_path

# -- access ---------------------------------------------------------------------------------------

SESSION_PARAM = "session"  # the signed, expiring token that lets a login survive reloads
DOWNLOAD_LIFETIME = 10.0  # seconds a generated download may wait for its fetches
FETCHES_PER_DOWNLOAD = 2  # Streamlit's page fetches the address once to check it, once to download


def _locked(message: str) -> None:
    st.error(message, icon="🔒")
    st.stop()


def gate(pages: list[Any]) -> None:
    """Stop the page unless it may show the diary: HTTPS on any non-loopback address, a readable
    password file, the password (or a valid session token) when one is set; also makes sensitive
    downloads one-shot. See SECURITY.md.

    ``pages`` are app.py's pages: the password form keeps the page the address asked for (a deep
    link such as /history), so the person lands there after the password, not on the default page."""
    import time

    from backcare import auth

    _serve_downloads_once()
    address = st.get_option("server.address")
    if not auth.is_loopback(address) and not st.get_option("server.sslCertFile"):
        _locked(
            f"backcare is reachable from other computers (server address '{address or 'all interfaces'}') "
            "without HTTPS, so it will not show your diary. Run it on 127.0.0.1 (`make run`) or over "
            "HTTPS with a password: `make run-lan`."
        )
    path = config.auth_path(own_db_path())
    try:
        record = auth.load_record(path)
    except auth.DamagedPasswordFile as exc:
        _locked(str(exc))
        return
    if record is None:
        if not auth.is_loopback(address):
            _locked(
                "backcare is reachable from other computers but has no password, so it will not show "
                "your diary. Set a password first: `python -m backcare set-password`."
            )
        return
    hours = auth.session_hours()
    token = st.query_params.get(SESSION_PARAM)
    if st.session_state.get("_authenticated") == record["hash"]:
        if hours and token != st.session_state.get("_session_token"):
            st.query_params[SESSION_PARAM] = st.session_state["_session_token"]  # kept across pages
        return
    if hours and token and auth.token_is_valid(token, record):
        st.session_state.update(_authenticated=record["hash"], _session_token=token)
        return
    st.query_params.pop(SESSION_PARAM, None)
    # Hidden navigation (no page list, no page run): the requested page stays the current one, so
    # the rerun after the password runs it.
    st.navigation(pages, position="hidden")
    st.title("backcare")
    with st.form("login"):
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Open my diary", type="primary", width="stretch")
    if submitted:
        throttle = auth.Throttle(auth.throttle_path(path))
        wait = throttle.begin()
        if wait > 0:
            st.error(f"Too many wrong passwords. Please wait {wait:.0f} seconds and try again.", icon="⏳")
        elif auth.verify_password(password, record):
            throttle.succeeded()
            st.session_state.update(
                _authenticated=record["hash"], _session_token=auth.issue_token(record, hours)
            )
            st.rerun()
        else:
            time.sleep(0.5)
            st.error("That password is not right.", icon="🔑")
    st.stop()


def signed_in() -> bool:
    """Whether this browser session opened the diary with a password (one is set)."""
    return bool(st.session_state.get("_authenticated"))


def sign_out() -> None:
    """Forget this device's login (the page asks for the password again)."""
    for name in ("_authenticated", "_session_token"):
        st.session_state.pop(name, None)
    st.query_params.pop(SESSION_PARAM, None)
    st.rerun()


def _serve_downloads_once() -> None:
    # Download buttons given a callable make their file on click (only an authenticated page renders
    # them); Streamlit then keeps it under /media/<id>, unauthenticated, until two later script runs.
    # Here each such file answers FETCHES_PER_DOWNLOAD times (Streamlit's page checks the address,
    # then downloads it), then is dropped; unfetched, it is dropped after DOWNLOAD_LIFETIME seconds.
    import os
    import threading

    from streamlit import runtime

    if not runtime.exists():
        return
    manager = runtime.get_instance().media_file_mgr
    storage: Any = manager._storage  # the object the /media route reads from
    if getattr(storage, "_backcare_serve_once", False):
        return
    left: dict[str, int] = {}
    lock = threading.Lock()
    execute, read = manager.execute_deferred, storage.get_file

    def execute_deferred(file_id: str) -> str:
        url = execute(file_id)
        made = os.path.splitext(url.rsplit("/", 1)[-1])[0]
        with lock:
            left[made] = FETCHES_PER_DOWNLOAD
        expiry = threading.Timer(DOWNLOAD_LIFETIME, _drop, (made,))
        expiry.daemon = True
        expiry.start()
        return url

    def _drop(file_id: str) -> None:
        with lock:
            left.pop(file_id, None)
            storage.delete_file(file_id)

    def get_file(filename: str) -> Any:
        found = read(filename)
        file_id = os.path.splitext(filename)[0]
        with lock:
            if file_id in left:
                left[file_id] -= 1
                if left[file_id] <= 0:
                    del left[file_id]
                    storage.delete_file(file_id)
        return found

    manager.execute_deferred = execute_deferred  # type: ignore[method-assign]
    storage.get_file = get_file
    storage._backcare_serve_once = True
