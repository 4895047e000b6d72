"""Deterministic synthetic history for demos, tests and benchmarks.

The simulated person has autocorrelated daily pain (AR(1), phi 0.7) around a slowly improving
level, occasional flares, weekly exercise habits that they skip more often on bad days, missing
days and short notes. Planted next-day effects (in pain points, negative = lower pain the day
after) are in ``PLANTED_NEXT_DAY_EFFECTS``; the immediate before/after drop per type is in
``PLANTED_IMMEDIATE_EFFECTS``. Everything is invented; no real person's data is involved.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from backcare.catalogue import BUILTIN_MOVEMENTS
from backcare.errors import BackcareError
from backcare.models import CheckIn, MovementLog, Session
from backcare.store import Store, count_own_entries, delete_from_source, save_checkins
from backcare.store.sessions import add_sessions

PLANTED_NEXT_DAY_EFFECTS: dict[str, float] = {
    "yoga": -0.8,
    "pilates": -0.5,
    "strength": -0.3,
    "walking": 0.0,
    "stretching": 0.0,
    "swimming": 0.0,
    "cycling": 0.0,
}
PLANTED_IMMEDIATE_EFFECTS: dict[str, float] = {
    "yoga": -1.0,
    "pilates": -0.8,
    "strength": 0.3,
    "walking": -0.5,
    "stretching": -0.7,
    "swimming": -0.6,
    "cycling": 0.0,
}

# (type, weekdays it tends to happen on (Mon=0), probability on those days, minutes range)
_HABITS: tuple[tuple[str, tuple[int, ...], float, tuple[int, int]], ...] = (
    ("yoga", (1, 5), 0.7, (25, 60)),
    ("strength", (0, 3), 0.6, (30, 60)),
    ("pilates", (2,), 0.55, (45, 55)),
    ("walking", (0, 1, 2, 3, 4, 5, 6), 0.4, (20, 75)),
    ("stretching", (0, 1, 2, 3, 4, 5, 6), 0.15, (10, 25)),
    ("swimming", (6,), 0.3, (30, 50)),
    ("cycling", (5, 6), 0.15, (30, 90)),
)

_NOTES = (
    "Long day at the desk",
    "Slept badly",
    "Gardening in the afternoon",
    "Drove for three hours",
    "Felt loose after a warm bath",
    "Carried shopping up the stairs",
    "Busy week at work",
    "Good walk with a friend",
)
_MEDICATION = ("ibuprofen 400 mg", "paracetamol 1 g", "heat patch")


@dataclass(frozen=True)
class DemoHistory:
    """A generated history: check-ins and sessions."""

    checkins: list[CheckIn]
    sessions: list[Session]


def generate(days: int = 180, seed: int = 7, end: date | None = None) -> DemoHistory:
    """Generate ``days`` days of history ending on ``end`` (default today), deterministic per seed."""
    if not 1 <= days <= 36500:
        raise BackcareError("Demo length must be between 1 and 36500 days.")
    rng = random.Random(seed)
    end = end or date.today()
    start = end - timedelta(days=days - 1)
    level, trend = 5.2, -1.5 / max(days, 365)  # improves 1.5 points over a year (or the whole span)
    latent = level
    flare_left = 0
    carry = 0.0  # next-day effect of today's exercise
    checkins: list[CheckIn] = []
    sessions: list[Session] = []
    gap_left = 0
    for i in range(days):
        day = start + timedelta(days=i)
        if flare_left == 0 and rng.random() < 0.025:
            flare_left = rng.randint(2, 5)
        flare = flare_left > 0
        flare_left = max(0, flare_left - 1)
        base = level + trend * i + (2.5 if flare else 0.0)
        latent = base + 0.7 * (latent - base) + rng.gauss(0, 1.0) + carry
        pain = max(0, min(10, round(latent)))
        carry = 0.0
        # sessions of the day: less likely when pain is high
        willingness = max(0.15, min(1.2, 1.0 - 0.1 * (pain - 4)))
        for type_key, weekdays, prob, (lo, hi) in _HABITS:
            if day.weekday() in weekdays and rng.random() < prob * willingness:
                carry += PLANTED_NEXT_DAY_EFFECTS.get(type_key, 0.0)
                before = max(0, min(10, pain + rng.choice((-1, 0, 0, 1))))
                after = max(
                    0, min(10, round(before + PLANTED_IMMEDIATE_EFFECTS[type_key] + rng.gauss(0, 0.8)))
                )
                moves = BUILTIN_MOVEMENTS.get(type_key, ())
                chosen = rng.sample(moves, k=min(len(moves), rng.randint(2, 4))) if moves else []
                sessions.append(
                    Session(
                        date=day,
                        exercise_type=type_key,
                        duration_min=rng.randint(lo, hi),
                        start_time=f"{rng.choice((7, 8, 12, 17, 18, 19)):02d}:{rng.choice((0, 15, 30, 45)):02d}",
                        rpe=rng.randint(3, 8),
                        pain_before=before if rng.random() < 0.8 else None,
                        pain_after=after if rng.random() < 0.8 else None,
                        with_instructor=type_key == "pilates" and rng.random() < 0.6,
                        movements=tuple(MovementLog(name) for name, _ in chosen),
                        source="demo",
                        source_id=f"demo-{seed}-{len(sessions)}",
                    )
                )
        # missing days: scattered plus the odd holiday gap
        if gap_left == 0 and rng.random() < 0.01:
            gap_left = rng.randint(3, 7)
        if gap_left > 0:
            gap_left -= 1
            continue
        if rng.random() < 0.08:
            continue
        locations = ["lower_back"] + (["buttock"] if rng.random() < 0.3 else [])
        if pain >= 6 and rng.random() < 0.5:
            locations.append(rng.choice(("leg_left", "leg_right")))
        checkins.append(
            CheckIn(
                date=day,
                pain=pain,
                worst_pain=min(10, pain + rng.choice((0, 1, 1, 2))) if rng.random() < 0.6 else None,
                stiffness=max(0, min(10, pain + rng.choice((-2, -1, 0, 1)))) if rng.random() < 0.5 else None,
                sleep_quality=rng.randint(3, 9) if rng.random() < 0.5 else None,
                stress=rng.randint(1, 8) if rng.random() < 0.4 else None,
                locations=tuple(locations),
                qualities=("aching",) + (("stiff",) if rng.random() < 0.4 else ()),
                medication=rng.choice(_MEDICATION) if pain >= 6 and rng.random() < 0.6 else None,
                flare=flare,
                notes=rng.choice(_NOTES) if rng.random() < 0.1 else None,
                source="demo",
            )
        )
    return DemoHistory(checkins, sessions)


def write_demo(store: Store, days: int = 180, seed: int = 7, end: date | None = None) -> DemoHistory:
    """Replace the demo entries in ``store`` with a fresh history, in one transaction.

    Refuses (BackcareError) when the database already holds the person's own entries.
    """
    own = count_own_entries(store)
    if own:
        raise BackcareError(
            f"This database already holds {own} of your own entries; demo data is only written to an "
            "empty or demo database. Use a separate file, e.g. --db data/backcare-demo.db."
        )
    history = generate(days, seed, end)
    with store.transaction():
        delete_from_source(store, "demo")
        save_checkins(store, history.checkins)
        add_sessions(store, history.sessions)
    return history
