"""Files only their owner can read: the diary, backups, exports, reports and the password file."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

OWNER_ONLY = stat.S_IRUSR | stat.S_IWUSR


def create_private_file(path: Path) -> None:
    """Create ``path`` (and its folder) readable and writable by the owner only, if missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, OWNER_ONLY))
    os.chmod(path, OWNER_ONLY)


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """Yield an owner-only temporary file next to ``target``; when the block succeeds it replaces
    ``target`` in one rename, when it fails it is removed and ``target`` is untouched."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=".backcare-", suffix=".tmp")  # created 0600
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def write_private(target: Path, data: bytes) -> None:
    """Write bytes to an owner-only file atomically."""
    with replacing(target) as temp:
        temp.write_bytes(data)
