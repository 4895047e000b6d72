"""Optional password for the web app: a scrypt hash on disk, constant-time checks, slower after failures.

Threat model (SECURITY.md): one person on their own computer. The password keeps other people on
the same machine or network out of the web pages; it does not encrypt the database file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backcare.errors import ValidationError
from backcare.private_files import write_private

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


def load_record(path: Path) -> dict[str, Any] | None:
    """The stored password record, or None when no password is set."""
    try:
        return dict(json.loads(path.read_text()))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        # A damaged file must not open the app: a record that matches nothing keeps it locked.
        return {"algorithm": "scrypt", "salt": "", "hash": "", "n": 2, "r": 1, "p": 1}


def is_loopback(address: str | None) -> bool:
    """Whether the server listens only on this computer."""
    return bool(address) and str(address).strip() in LOOPBACK


@dataclass
class Throttle:
    """Shared across browser sessions: after 3 failures each try waits longer (2, 4, 8 ... 60 s)."""

    failures: int = 0
    not_before: float = 0.0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def wait_seconds(self, now: float | None = None) -> float:
        """Seconds until the next attempt is allowed (0 when allowed now)."""
        return max(0.0, self.not_before - (now if now is not None else time.monotonic()))

    def record(self, success: bool, now: float | None = None) -> None:
        """Count a failure (and set the next allowed time) or reset after a success."""
        with self._lock:
            if success:
                self.failures, self.not_before = 0, 0.0
                return
            self.failures += 1
            if self.failures >= 3:
                delay = min(60.0, 2.0 ** (self.failures - 2))
                self.not_before = (now if now is not None else time.monotonic()) + delay
