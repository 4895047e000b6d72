"""Validation of experiment verdicts on simulated people, with Monte Carlo standard errors.

Prints, per scenario, the share of people given each verdict. Targets (documented scenario:
day-to-day sd 0.8-1.3): false "clearly better/worse" <= 5% with no effect; a 1.5-point effect found
as often as the plan's power allows; "no meaningful difference" for a real 1.5-point effect (false
reassurance) <= 5%, also when the plan was poorly followed or the effect outlasts the washout.
Plan: 4 pairs of 14-day periods, 3 settling-in days, the exercise asked for on 3 days a week.
Run: .venv/bin/python benchmarks/bench_experiment_validity.py [people]
"""

from __future__ import annotations

import math
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from backcare.experiments.verdict import experiment_result
from backcare.records import ExperimentPlan
from tests.simulated_people import simulate_experiment

SHORT = {
    "X clearly better": "better",
    "X clearly worse": "worse",
    "no meaningful difference": "no diff.",
    "inconclusive": "inconcl.",
    "plan not followed enough": "not followed",
    "not enough completed pairs": "too few pairs",
}
SCENARIOS = [
    ("sd 0.8-1.3, no effect", 0.0, (0.8, 1.3), {}),
    ("sd 0.8-1.3, -1 point", -1.0, (0.8, 1.3), {}),
    ("sd 0.8-1.3, -1.5 points", -1.5, (0.8, 1.3), {}),
    ("sd 0.8-1.3, -2 points", -2.0, (0.8, 1.3), {}),
    ("sd 0.5-0.8, no effect", 0.0, (0.5, 0.8), {}),
    ("sd 0.5-0.8, -1.5 points", -1.5, (0.5, 0.8), {}),
    ("sd 1.5-2.0, no effect", 0.0, (1.5, 2.0), {}),
    ("sd 1.5-2.0, -1.5 points", -1.5, (1.5, 2.0), {}),
    ("poor adherence (1 day a week of 3), -1.5", -1.5, (0.8, 1.3), {"adherence": 1 / 7}),
    ("carry-over, onset 0.15/day, -1.5", -1.5, (0.8, 1.3), {"onset": 0.15}),
    ("carry-over, onset 0.10/day, -1.5", -1.5, (0.8, 1.3), {"onset": 0.10}),
]


def scenario(
    effect: float, sd: tuple[float, float], people: int, seed: int, conditions: dict
) -> Counter[str]:
    rng = np.random.default_rng(seed)
    counts: Counter[str] = Counter()
    for _ in range(people):
        plan = ExperimentPlan("yoga", date(2026, 1, 5), seed=int(rng.integers(1, 2**31)))
        checkins, sessions = simulate_experiment(
            plan,
            rng,
            effect=effect,
            sd=float(rng.uniform(*sd)),
            phi=float(rng.uniform(0.5, 0.8)),
            **conditions,
        )
        counts[experiment_result(plan, checkins, sessions, today=plan.end + timedelta(days=1)).verdict] += 1
    return counts


def main() -> None:
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print(f"{people} simulated people per scenario; share ± Monte Carlo standard error\n")
    print("| scenario | " + " | ".join(SHORT.values()) + " |")
    print("|---" * (len(SHORT) + 1) + "|")
    for seed, (name, effect, sd, conditions) in enumerate(SCENARIOS, start=1):
        start = time.perf_counter()
        counts = scenario(effect, sd, people, seed, conditions)
        cells = []
        for verdict in SHORT:
            p = counts[verdict] / people
            cells.append(f"{p:.1%} ± {math.sqrt(p * (1 - p) / people):.1%}")
        print(f"| {name} | " + " | ".join(cells) + f" |  <!-- {time.perf_counter() - start:.0f} s -->")


if __name__ == "__main__":
    main()
