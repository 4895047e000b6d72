"""`python -m backcare` and the installed `backcare` command are one main(); importing the module
that `python -m` runs starts no command."""

from __future__ import annotations

import importlib
import sys

import pytest

import backcare.cli


def test_importing_backcare_main_runs_no_command(db_path, capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["backcare", "checkin", "3"])  # would create the diary if run
    monkeypatch.delitem(sys.modules, "backcare.__main__", raising=False)
    module = importlib.import_module("backcare.__main__")
    assert module.main is backcare.cli.main
    assert capsys.readouterr() == ("", "")
    assert not db_path.exists()


def test_python_dash_m_exits_with_main_s_code(db_path, capsys, monkeypatch):
    import runpy

    monkeypatch.setattr(sys, "argv", ["backcare", "checkin", "11"])
    monkeypatch.delitem(sys.modules, "backcare.__main__", raising=False)
    with pytest.raises(SystemExit) as stop:
        runpy.run_module("backcare", run_name="__main__")
    assert stop.value.code == 2
    assert "Pain must be from 0 to 10" in capsys.readouterr().err
