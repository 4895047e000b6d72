"""Fuller validation of experiment verdicts on simulated people, across noise levels.

Prints, per scenario, the share of people given each verdict. Targets (documented scenario: day-to-day
sd 0.8-1.3): false "clearly better/worse" <= 5% with no effect, a 1.5-point effect found in >= 80%.
Run: .venv/bin/python benchmarks/bench_experiment_validity.py [people]
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backcare.analysis import experiment_result
from backcare.records import ExperimentPlan
from tests.simulated_people import simulate_experiment


def scenario(effect: float, sd: tuple[float, float], people: int, seed: int) -> Counter[str]:
    rng = np.random.default_rng(seed)
    counts: Counter[str] = Counter()
    for _ in range(people):
        plan = ExperimentPlan("yoga", date(2026, 1, 5), seed=int(rng.integers(1, 2**31)))
        checkins, sessions = simulate_experiment(
            plan, rng, effect=effect, sd=float(rng.uniform(*sd)), phi=float(rng.uniform(0.5, 0.8))
        )
        counts[experiment_result(plan, checkins, sessions, today=plan.end + timedelta(days=1)).verdict] += 1
    return counts


def main() -> None:
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    for sd in ((0.8, 1.3), (0.5, 0.8), (1.5, 2.0)):
        for effect in (0.0, -1.0, -1.5, -2.0):
            start = time.perf_counter()
            counts = scenario(effect, sd, people, seed=int(100 * sd[0] + 10 * -effect))
            shares = ", ".join(f"{k} {v / people:.3f}" for k, v in counts.most_common())
            print(
                f"sd {sd[0]}-{sd[1]}  effect {effect:+.1f}: {shares}  ({time.perf_counter() - start:.1f} s)"
            )


if __name__ == "__main__":
    main()
