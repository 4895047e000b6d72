"""Files only their owner can read: the diary, backups, exports, reports and the password file.

Work copies of the diary (a restore's candidate, a download's copy) live in an owner-only
"workspace" folder next to the diary, never in the system temporary folder, and a workspace left
behind by a killed process is removed the next time the diary is opened.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

OWNER_ONLY = stat.S_IRUSR | stat.S_IWUSR
WORKSPACE_PREFIX = ".restore-"


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


@contextlib.contextmanager
def private_workspace(folder: Path) -> Iterator[Path]:
    """Yield a new owner-only folder inside ``folder``, removed with its content when the block ends.

    The folder is locked while in use, so ``remove_stale_workspaces`` (run when a diary opens)
    removes only the workspaces of processes that died, never one that is still working.
    """
    path = Path(tempfile.mkdtemp(dir=folder, prefix=WORKSPACE_PREFIX))  # created 0700
    handle = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        os.close(handle)


def remove_stale_workspaces(folder: Path) -> None:
    """Remove workspaces in ``folder`` left by killed processes (those nobody holds locked)."""
    for path in folder.glob(f"{WORKSPACE_PREFIX}*"):
        try:
            handle = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue  # another process is still using it
        finally:
            os.close(handle)


def os_problem(exc: OSError, path: Path) -> str:
    """The real cause of a failed file operation on ``path``, in words a person can act on."""
    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return "the disk is full"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        where = path if path.is_dir() else path.parent
        if not os.access(where, os.W_OK, effective_ids=True) or exc.errno == errno.EROFS:
            return f"the folder {where} is read-only"
        return f"{path} is read-only"
    if path.is_symlink() and not path.exists():
        return f"{path} is a link to a file that does not exist"
    if exc.errno == errno.ENOENT:
        return f"{path} does not exist"
    if exc.errno == errno.EISDIR:
        return f"{path} is a folder, not a file"
    return exc.strerror or type(exc).__name__
