"""Insights (associations in the person's own data) and planned self-experiments."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from typing import Any

from backcare.cli.common import add_command, add_group, int_arg, open_store, output_path, write_file
from backcare.errors import BackcareError, ValidationError

MAX_LAG_DAYS = 14
MAX_START_AHEAD_DAYS = 365


def cmd_insights(args: argparse.Namespace) -> int:
    import json
    import math

    from backcare.analysis import effect_details
    from backcare.analysis.effects import API_COLUMNS
    from backcare.store import checkins_frame, sessions_frame

    if not 0 <= args.lag <= MAX_LAG_DAYS:
        raise ValidationError(f"--lag must be from 0 to {MAX_LAG_DAYS} days; you entered {args.lag}.")
    with open_store(args) as store:
        details = effect_details(checkins_frame(store), sessions_frame(store), lag=args.lag)
    if args.json:
        records = [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
            for row in details[API_COLUMNS].to_dict("records")
        ]
        print(json.dumps(records, indent=2, default=int))
        return 0
    if details.empty:
        print("No exercise sessions logged yet.")
        return 0
    print(f"{'type':<14} {'estimate':>9} {'95% range':>17} {'days with':>9} {'without':>8}  verdict")
    for row in details.to_dict("records"):
        counts = f"{row['n_days_with']:>9} {row['n_days_without']:>8}"
        if row["verdict"] == "not enough data":
            print(f"{row['exercise_type']:<14} {'':>9} {'':>17} {counts}  not enough data: {row['reason']}")
        else:
            interval = f"{row['ci_low']:+.2f} to {row['ci_high']:+.2f}"
            print(
                f"{row['exercise_type']:<14} {row['estimate']:>+9.2f} {interval:>17} {counts}  {row['verdict']}"
            )
    print("Associations in your own data, not proof of cause. Negative = lower pain the day after.")
    return 0


def _plan_from_args(args: argparse.Namespace, known_types: set[str]) -> Any:
    from backcare.experiments.plan import validate_plan
    from backcare.records import ExperimentPlan

    extra = {"seed": args.seed} if args.seed is not None else {}
    plan = ExperimentPlan(
        exercise_type=args.type, start=_start(args), comparison=args.compare,
        min_days_per_week=args.days_per_week, period_days=args.period_days, pairs=args.pairs,
        washout_days=args.washout, **extra,
    )  # fmt: skip
    return validate_plan(plan, known_types)


def _start(args: argparse.Namespace) -> date:
    from backcare.models import parse_date

    tomorrow = date.today() + timedelta(days=1)
    if not args.start:
        return tomorrow
    start = parse_date(args.start, "--start", allow_future=True)
    if start > date.today() + timedelta(days=MAX_START_AHEAD_DAYS):
        raise ValidationError(
            f"--start {start.isoformat()} is more than a year ahead; choose a first day within the next 12 months."
        )
    return start


def cmd_experiment_plan(args: argparse.Namespace) -> int:
    from backcare.experiments import runs
    from backcare.experiments.plan import arm_label, schedule, schedule_ics
    from backcare.store import checkins_frame, start_experiment, type_names

    _start(args)
    ics = output_path(args.ics, args, "--ics") if args.ics is not None else None
    with open_store(args) as store:
        names = type_names(store)
        plan = _plan_from_args(args, set(names))
        for p in schedule(plan):
            print(
                f"period {p.number:>2} (pair {p.pair}) {p.start} to {p.end}: {arm_label(plan, p.arm, names)}"
            )
        print(
            f"Settling-in days not compared: the first {plan.washout_days} of each period. Seed {plan.seed}."
        )
        print(runs.planning_advice(plan, checkins_frame(store)))
        if ics is not None:
            write_file(ics, schedule_ics(plan, names).encode("utf-8"))
            print(f"Calendar written to {ics}.")
        if args.start_now:
            number = start_experiment(store, plan)
            print(f"Experiment #{number} started; the plan is locked.")
        else:
            print("Nothing started (add --start-now to lock this plan and begin).")
    return 0


def cmd_experiment_status(args: argparse.Namespace) -> int:
    from backcare.experiments import runs
    from backcare.store import type_names

    with open_store(args) as store:
        running = runs.check_stop_rules(store)
        if running is None:
            print("No experiment is running.")
            return 0
        line = runs.status_line(running.plan, type_names(store))
        print(f"Paused: {running.status_reason}" if running.status == "paused" else line)
        for check in runs.result_checks(running.plan, running.result):
            print(check)
    return 0


def cmd_experiment_result(args: argparse.Namespace) -> int:
    import json
    import math

    from backcare.experiments import runs
    from backcare.store import type_names

    with open_store(args) as store:
        running = runs.check_stop_rules(store)
        if running is None:
            raise BackcareError("No experiment is running; past results are on the Experiments page.")
        result = running.result
        if args.json:
            print(json.dumps(result.as_dict(), indent=2))
            return 0
        for row in result.periods.to_dict("records"):
            mean = "-" if math.isnan(row["mean_pain"]) else f"{row['mean_pain']:.2f}"
            print(
                f"period {row['number']:>2} pair {row['pair']} arm {row['arm']}: mean pain {mean} ({row['days_logged']} days)"
            )
        for line in runs.result_lines(running, type_names(store)):
            print(line)
    return 0


def register(sub: Any) -> None:
    """Add the insights and experiment commands to the parser."""
    p = add_command(
        sub, "insights", cmd_insights, "Which exercise types go with lower or higher pain the day after."
    )
    p.add_argument("--json", action="store_true", help="print a JSON list with the API's columns")
    p.add_argument(
        "--lag", type=int_arg, default=1, help=f"days between exercise and pain, 0-{MAX_LAG_DAYS} (default 1)"
    )

    experiment_sub = add_group(sub, "experiment", "Planned self-experiments.", "experiment_command")
    p = add_command(
        experiment_sub, "plan", cmd_experiment_plan, "Show (and optionally start) a randomized schedule."
    )
    p.add_argument("type", help="exercise type key to test, e.g. yoga")
    p.add_argument("--compare", help="exercise type key to compare with (default: usual routine without it)")
    p.add_argument(
        "--days-per-week", type=int_arg, default=3, help="days a week with the exercise (default 3)"
    )
    p.add_argument("--period-days", type=int_arg, default=14, help="days per period (default 14, minimum 7)")
    p.add_argument("--pairs", type=int_arg, default=4, help="pairs of periods (default 4, minimum 3)")
    p.add_argument("--washout", type=int_arg, default=3, help="settling-in days not compared (default 3)")
    p.add_argument("--start", help="first day, YYYY-MM-DD (default: tomorrow; at most a year ahead)")
    p.add_argument("--seed", type=int_arg, help="random seed for the order (default: random)")
    p.add_argument("--ics", help="also write the schedule to this .ics calendar file")
    p.add_argument("--start-now", action="store_true", help="lock the plan and start the experiment")
    add_command(experiment_sub, "status", cmd_experiment_status, "Where the running experiment stands today.")
    p = add_command(
        experiment_sub, "result", cmd_experiment_result, "Result so far of the running experiment."
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
