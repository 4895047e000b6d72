"""Fuller validation of exercise_effects on simulated people with a planted truth, plus runtime.

Prints, per scenario: share of people with a false "lower/higher pain" verdict per type (target
<= 5%), coverage of the 95% interval (target >= 94%), power for a 1-point effect (target >= 80%),
and what a naive with/without comparison would have claimed on the same people.
Run: .venv/bin/python benchmarks/bench_effects_validity.py [people]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backcare.analysis import exercise_effects
from tests.simulated_people import DEFAULT_RATES, random_person, simulate


def naive_flag(checkins: pd.DataFrame, sessions: pd.DataFrame, key: str) -> bool:
    """Bearable-style: mean next-day pain after days with vs without, |z| > 1.96."""
    pain = checkins.set_index("date")["pain"].astype(float)
    after = pain.shift(-1, freq="D")
    days = set(sessions.loc[sessions["exercise_type"] == key, "date"])
    with_it = after[after.index.isin(days)].dropna()
    without = after[~after.index.isin(set(sessions["date"]))].dropna()
    if len(with_it) < 3 or len(without) < 3:
        return False
    se = np.sqrt(with_it.var() / len(with_it) + without.var() / len(without))
    return bool(abs((with_it.mean() - without.mean()) / se) > 1.96)


def scenario(name: str, people: int, seed: int, **overrides) -> None:
    rng = np.random.default_rng(seed)
    frames, naive = [], []
    for _ in range(people):
        person = random_person(rng, **overrides)
        checkins, sessions = simulate(person, rng)
        result = exercise_effects(checkins, sessions)
        result["truth"] = result["exercise_type"].map(lambda k, p=person: p.effects.get(k, 0.0))
        frames.append(result)
        naive.append({k: naive_flag(checkins, sessions, k) for k in person.effects if person.effects[k] == 0})
    d = pd.concat(frames, ignore_index=True)
    est = d[d["verdict"] != "not enough data"]
    nulls = est[est["truth"] == 0]
    false = nulls.groupby("exercise_type")["verdict"].apply(
        lambda v: v.isin(["lower pain", "higher pain"]).mean()
    )
    covered = (
        ((est["ci_low"] <= est["truth"]) & (est["truth"] <= est["ci_high"]))
        .groupby(est["exercise_type"])
        .mean()
    )
    naive_rate = pd.DataFrame(naive).mean() if naive and naive[0] else pd.Series(dtype=float)
    print(f"\n{name} ({people} people, estimated in {len(est) / len(d):.0%} of person-types)")
    for key in sorted(d["exercise_type"].unique()):
        truth = d.loc[d["exercise_type"] == key, "truth"].iloc[0]
        line = f"  {key:<10} truth {truth:+.1f}  coverage {covered.get(key, float('nan')):.3f}"
        if truth == 0:
            line += f"  false verdicts {false.get(key, 0):.3f}  (naive with/without: {naive_rate.get(key, float('nan')):.3f})"
        else:
            direction = "lower pain" if truth < 0 else "higher pain"
            line += f"  found ({direction}) {(d.loc[d['exercise_type'] == key, 'verdict'] == direction).mean():.3f}"
        print(line)


def main() -> int:
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    scenario("No true effect, 90-365 days", people, 1)
    scenario("No true effect, strong reverse causation", people, 2, confounding=0.8)
    scenario("No true effect, noisy ratings (sd 0.7) - a known weak spot", people // 2, 3, rating_noise=0.7)
    scenario(
        "Mixed true effects",
        people,
        4,
        effects={"yoga": -1.0, "pilates": 0.5, "strength": 0.0, "walking": -0.5},
    )
    scenario(
        "1-point reduction, 3 sessions a week, 90 days", people, 5, days=90,
        effects={"yoga": -1.0, "walking": 0.0}, rates={"yoga": 3 / 7, "walking": 2 / 7},
    )  # fmt: skip
    rng = np.random.default_rng(0)
    checkins, sessions = simulate(random_person(rng, days=365, rates=DEFAULT_RATES), rng)
    times = []
    for _ in range(20):
        start = time.perf_counter()
        exercise_effects(checkins, sessions)
        times.append(time.perf_counter() - start)
    print(f"\nruntime, 365 days x 4 types: median {np.median(times) * 1000:.1f} ms (target < 500 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
