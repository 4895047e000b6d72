"""Demo data: deterministic, realistic, and never mixed into a person's own diary."""

from datetime import date

import numpy as np
import pandas as pd

from backcare import demo
from backcare.store import checkins_frame, sessions_frame

END = date(2026, 6, 30)


def test_same_seed_same_history_different_seed_different():
    a, b, c = demo.generate(120, 3, END), demo.generate(120, 3, END), demo.generate(120, 4, END)
    assert a == b
    assert a != c


def test_history_is_realistic():
    h = demo.generate(365, 11, END)
    pain = pd.Series([c.pain for c in h.checkins], index=pd.to_datetime([c.date for c in h.checkins]))
    assert 0.75 * 365 < len(pain) < 0.97 * 365  # missing days
    full = pain.asfreq("D")
    lag1 = full.autocorr(1)
    assert lag1 > 0.4  # autocorrelated
    assert any(c.flare for c in h.checkins)
    assert sum(1 for c in h.checkins if c.notes) > 10
    types = {s.exercise_type for s in h.sessions}
    assert {"yoga", "pilates", "strength", "walking"} <= types
    weekdays = pd.Series([s.date.weekday() for s in h.sessions if s.exercise_type == "yoga"])
    assert weekdays.isin([1, 5]).all()  # weekly habit
    assert all(0 <= c.pain <= 10 for c in h.checkins)
    assert np.mean([c.pain for c in h.checkins[:30]]) > np.mean([c.pain for c in h.checkins[-30:]]) - 1.5


def test_write_demo_replaces_earlier_demo_data(store):
    demo.write_demo(store, 60, 1, END)
    first = len(checkins_frame(store))
    demo.write_demo(store, 30, 2, END)
    assert len(checkins_frame(store)) < first
    assert (sessions_frame(store)["source"] == "demo").all()
