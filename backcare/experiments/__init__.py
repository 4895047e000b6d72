"""Planned self-experiments (N-of-1 trials): plan.py (the plan, its seeded schedule, lock hash and
calendar), verdict.py (the result: pair differences, adherence, carry-over, pairs needed) and
runs.py (a running experiment for pages, CLI and report: stop rules, status and result lines).
The table lives in store/experiments.py, the chart in charts/experiments.py, the page in
views/experiments.py."""
