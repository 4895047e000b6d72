"""Shared fixtures: every test gets its own database file through $BACKCARE_DB."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import streamlit as st

from backcare import demo
from backcare.store import Store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh database path, exported as $BACKCARE_DB; Streamlit caches cleared."""
    path = tmp_path / "backcare.db"
    monkeypatch.setenv("BACKCARE_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    return path


def demo_store(path: Path, days: int, seed: int, end: date) -> Iterator[Store]:
    """An open Store on a new demo diary of ``days`` days ending on ``end`` (for a fixture to yield from)."""
    s = Store(path)
    demo.write_demo(s, days, seed, end=end)
    yield s
    s.close()


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """An open Store on the test database."""
    s = Store(db_path)
    yield s
    s.close()
