"""Optional password for the web app: a scrypt hash on disk, constant-time checks, slower after failures.

Threat model (SECURITY.md): one person on their own computer. The password keeps other people on
the same machine or network out of the web pages; it does not encrypt the database file.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from backcare.errors import BackcareError, ValidationError
from backcare.private_files import OWNER_ONLY, write_private

SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MIN_LENGTH = 8
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def hash_password(password: str) -> dict[str, Any]:
    """A salted scrypt record for the password (refuses passwords shorter than 8 characters)."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"Use a password of at least {MIN_LENGTH} characters.")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    return {"algorithm": "scrypt", **SCRYPT, "salt": base64.b64encode(salt).decode(),
            "hash": base64.b64encode(digest).decode()}  # fmt: skip


def verify_password(password: str, record: dict[str, Any]) -> bool:
    """Whether the password matches the record (constant-time comparison)."""
    try:
        salt = base64.b64decode(record["salt"])
        expected = base64.b64decode(record["hash"])
        digest = hashlib.scrypt(password.encode(), salt=salt, dklen=len(expected), n=int(record["n"]),
                                r=int(record["r"]), p=int(record["p"]))  # fmt: skip
    except (KeyError, ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected)


def save_record(path: Path, record: dict[str, Any] | None) -> None:
    """Write (or with None, remove) the password file, owner-only, atomically."""
    if record is None:
        path.unlink(missing_ok=True)
        return
    write_private(path, json.dumps(record).encode())


class DamagedPasswordFile(BackcareError):
    """The password file exists but cannot be read as a password record: the app stays locked."""


RECORD_FIELDS = ("salt", "hash", "n", "r", "p")


def load_record(path: Path) -> dict[str, Any] | None:
    """The stored password record, or None when no password is set.

    Raises DamagedPasswordFile when the file exists but is unreadable or not a password record:
    a damaged file must lock the app, never open it."""
    try:
        record = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        record = None
    if not isinstance(record, dict) or not all(record.get(name) for name in RECORD_FIELDS):
        raise DamagedPasswordFile(
            f"The password file {path.name} is damaged, so backcare stays locked. Set a new password "
            "in a terminal on this computer: python -m backcare set-password"
        )
    return record


def is_loopback(address: str | None) -> bool:
    """Whether the server listens only on this computer."""
    return bool(address) and str(address).strip() in LOOPBACK


# -- a session that survives reloads: a signed, expiring token (no server-side store) --------------

SESSION_HOURS_ENV = "BACKCARE_SESSION_HOURS"
DEFAULT_SESSION_HOURS = 12.0


def session_hours() -> float:
    """How long a login lasts across reloads ($BACKCARE_SESSION_HOURS, default 12; 0 = ask each load)."""
    try:
        return max(0.0, float(os.environ.get(SESSION_HOURS_ENV, DEFAULT_SESSION_HOURS)))
    except ValueError:
        return DEFAULT_SESSION_HOURS


def _token_mac(record: dict[str, Any], expiry: int) -> str:
    # Keyed by the stored hash: setting a new password ends every session at once.
    key = hmac.new(base64.b64decode(record["hash"]), b"backcare session v1", hashlib.sha256).digest()
    mac = hmac.new(key, str(expiry).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def issue_token(record: dict[str, Any], hours: float, now: float | None = None) -> str:
    """A token that opens the diary until ``hours`` from now, or until the password changes."""
    expiry = int((time.time() if now is None else now) + hours * 3600)
    return f"{expiry}.{_token_mac(record, expiry)}"


def token_is_valid(token: str, record: dict[str, Any], now: float | None = None) -> bool:
    """Whether the token was issued for this password and has not expired (constant-time check)."""
    expiry_text, _, mac = str(token).partition(".")
    if not expiry_text.isdigit() or int(expiry_text) <= (time.time() if now is None else now):
        return False
    return hmac.compare_digest(mac.encode(), _token_mac(record, int(expiry_text)).encode())


# -- throttle: one state for every session and process, in a small owner-only file ---------------

THROTTLE_FILE_NAME = "backcare-login-throttle.json"
FREE_TRIES = 2
MAX_WAIT = 60.0


def throttle_path(auth_file: Path) -> Path:
    """Where the login throttle lives: next to the password file."""
    return auth_file.with_name(THROTTLE_FILE_NAME)


class Throttle:
    """Login throttle shared by every browser session and process (not kept in Streamlit's caches).

    Each try is counted *before* the password is checked, under an exclusive file lock, so parallel
    tries cannot slip through together: after two failures every try waits longer (2, 4, 8 ... 60 s)
    and a try during the wait is refused without checking the password. A success resets it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, float]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(self.path.with_suffix(".lock"), os.O_CREAT | os.O_RDWR, OWNER_ONLY)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            state = self._read()
            before = dict(state)
            yield state
            if state != before:
                write_private(self.path, json.dumps(state).encode())
        finally:
            os.close(lock)  # closing releases the lock

    def _read(self) -> dict[str, float]:
        try:
            raw = json.loads(self.path.read_text())
            return {"failures": float(raw["failures"]), "not_before": float(raw["not_before"])}
        except FileNotFoundError:
            return {"failures": 0.0, "not_before": 0.0}
        except (OSError, ValueError, KeyError, TypeError):
            # Damaged: stay cautious (the next try already waits) rather than start afresh.
            return {"failures": float(FREE_TRIES), "not_before": 0.0}

    @staticmethod
    def _wait(state: dict[str, float], now: float) -> float:
        return min(MAX_WAIT, max(0.0, state["not_before"] - now))

    def wait_seconds(self, now: float | None = None) -> float:
        """Seconds until the next try is allowed (0 when allowed now)."""
        with self._locked() as state:
            return self._wait(state, time.time() if now is None else now)

    def begin(self, now: float | None = None) -> float:
        """Start a try: 0 when it may go ahead (it is counted as a failure until succeeded() is
        called), otherwise the seconds to wait (nothing counted, the password must not be checked)."""
        now = time.time() if now is None else now
        with self._locked() as state:
            wait = self._wait(state, now)
            if wait > 0:
                return wait
            state["failures"] += 1
            if state["failures"] > FREE_TRIES:
                state["not_before"] = now + min(MAX_WAIT, 2.0 ** (state["failures"] - FREE_TRIES))
            return 0.0

    def succeeded(self) -> None:
        """The password was right: forget the failures."""
        with self._locked() as state:
            state.update(failures=0.0, not_before=0.0)
