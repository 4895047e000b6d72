"""Owner-only files written atomically, locked work folders swept when a diary opens, and the
plain-words cause of a failed file operation (backcare/private_files.py)."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from backcare.private_files import (
    WORKSPACE_PREFIX,
    create_private_file,
    os_problem,
    private_workspace,
    remove_stale_workspaces,
    replacing,
    write_private,
)
from backcare.store import Store


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_private_file_and_its_folder_are_created_owner_only(tmp_path):
    target = tmp_path / "new" / "folder" / "diary.db"
    create_private_file(target)
    assert target.is_file() and target.read_bytes() == b""
    assert _mode(target) == 0o600


def test_an_existing_file_keeps_its_content_and_becomes_owner_only(tmp_path):
    target = tmp_path / "diary.db"
    target.write_bytes(b"kept")
    target.chmod(0o644)
    create_private_file(target)
    assert target.read_bytes() == b"kept"
    assert _mode(target) == 0o600


def test_write_private_replaces_a_readable_file_with_an_owner_only_one(tmp_path):
    target = tmp_path / "export.zip"
    target.write_bytes(b"old")
    target.chmod(0o644)
    write_private(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert _mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["export.zip"]  # no temporary file left


def test_write_private_makes_the_missing_folder(tmp_path):
    target = tmp_path / "reports" / "2026" / "report.pdf"
    write_private(target, b"%PDF")
    assert target.read_bytes() == b"%PDF" and _mode(target) == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "backcare-export.zip"
    target.write_bytes(b"the previous export")
    with pytest.raises(RuntimeError, match="disk went away"), replacing(target) as temp:
        temp.write_bytes(b"half of the new exp")
        assert temp.parent == target.parent and _mode(temp) == 0o600
        raise RuntimeError("disk went away")
    assert target.read_bytes() == b"the previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["backcare-export.zip"]


def test_a_failed_first_write_creates_nothing(tmp_path):
    target = tmp_path / "never.zip"
    with pytest.raises(OSError), replacing(target) as temp:
        temp.write_bytes(b"x")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert list(tmp_path.iterdir()) == []


def test_a_workspace_is_owner_only_and_removed_with_its_content_even_after_an_error(tmp_path):
    with pytest.raises(ValueError), private_workspace(tmp_path) as work:
        assert work.parent == tmp_path and work.name.startswith(WORKSPACE_PREFIX)
        assert _mode(work) == 0o700
        (work / "candidate.db").write_bytes(b"copy of a diary")
        raise ValueError("restore refused")
    assert list(tmp_path.iterdir()) == []


def test_a_workspace_in_use_is_not_swept_but_a_left_one_is(tmp_path):
    left = tmp_path / f"{WORKSPACE_PREFIX}left-by-a-crash"
    left.mkdir()
    (left / "candidate.db").write_bytes(b"old copy")
    unrelated = tmp_path / "backups"
    unrelated.mkdir()
    with private_workspace(tmp_path) as busy:
        (busy / "candidate.db").write_bytes(b"in use")
        remove_stale_workspaces(tmp_path)
        assert (busy / "candidate.db").read_bytes() == b"in use"
        assert not left.exists()
        assert unrelated.is_dir()


def test_a_dangling_link_named_like_a_workspace_is_left_alone(tmp_path):
    link = tmp_path / f"{WORKSPACE_PREFIX}dangling"
    link.symlink_to(tmp_path / "gone")
    remove_stale_workspaces(tmp_path)
    assert link.is_symlink()


def test_opening_a_diary_sweeps_the_workspace_of_a_killed_process(tmp_path):
    """A real process holds a workspace and is killed: its folder stays until the diary opens again."""
    code = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from backcare.private_files import private_workspace
        with private_workspace(Path({str(tmp_path)!r})) as work:
            (work / "candidate.db").write_bytes(b"half a restore")
            print(work, flush=True)
            time.sleep(60)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        work = Path(child.stdout.readline().strip())
        assert (work / "candidate.db").is_file()
        Store(tmp_path / "diary.db").close()  # the child still holds its lock: kept
        assert work.is_dir()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert work.is_dir()  # a killed process removes nothing
    Store(tmp_path / "diary.db").close()
    assert not work.exists()


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG, errno.EDQUOT])
def test_a_full_disk_is_named_as_such(tmp_path, code):
    assert os_problem(OSError(code, os.strerror(code)), tmp_path / "out.zip") == "the disk is full"


def test_a_read_only_file_system_names_the_folder(tmp_path):
    target = tmp_path / "out.zip"
    assert os_problem(OSError(errno.EROFS, "Read-only file system"), target) == (
        f"the folder {tmp_path} is read-only"
    )
    assert os_problem(OSError(errno.EROFS, "Read-only file system"), tmp_path) == (
        f"the folder {tmp_path} is read-only"
    )


def test_a_refused_write_in_a_writable_folder_names_the_file(tmp_path):
    target = tmp_path / "out.zip"
    target.write_bytes(b"")
    if not os.access(tmp_path, os.W_OK, effective_ids=True):
        pytest.skip("the test folder itself must be writable")
    assert os_problem(OSError(errno.EACCES, "Permission denied"), target) == f"{target} is read-only"
    assert os_problem(OSError(errno.EPERM, "Operation not permitted"), target) == f"{target} is read-only"


def test_missing_files_links_and_folders_are_named(tmp_path):
    link = tmp_path / "link.db"
    link.symlink_to(tmp_path / "nowhere.db")
    assert os_problem(OSError(errno.ENOENT, "No such file"), link) == (
        f"{link} is a link to a file that does not exist"
    )
    missing = tmp_path / "missing.db"
    assert os_problem(OSError(errno.ENOENT, "No such file"), missing) == f"{missing} does not exist"
    assert (
        os_problem(OSError(errno.EISDIR, "Is a directory"), tmp_path) == f"{tmp_path} is a folder, not a file"
    )


def test_any_other_cause_is_the_system_s_own_words(tmp_path):
    assert os_problem(OSError(errno.EMFILE, "Too many open files"), tmp_path / "x") == "Too many open files"
    assert os_problem(OSError("no errno at all"), tmp_path / "x") == "OSError"
