"""Command line: ``python -m backcare`` (or ``backcare``). Each command is a few lines over backcare.

Exit codes: 0 success; 2 bad input or usage (one plain line on stderr, no traceback);
1 unexpected error.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from backcare import config
from backcare.errors import BackcareError
from backcare.models import checkin_from_input, session_from_input
from backcare.private_files import write_private
from backcare.store import Store, add_session, save_checkin

Handler = Callable[[argparse.Namespace], int]


class UsageError(BackcareError):
    """The command line itself is wrong (unknown option, missing argument)."""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting, so errors are one plain line."""

    def error(self, message: str) -> NoReturn:
        """Raise UsageError with argparse's message and a pointer to --help."""
        hint = " ".join(["python -m backcare", *self.prog.split()[1:], "--help"])
        raise UsageError(f"{message} (see: {hint})")


def progress_printer(label: str) -> Callable[[int, int], None]:
    """A progress(done, total) callback that draws a bar on stderr."""

    def show(done: int, total: int) -> None:
        if not sys.stderr.isatty() and done not in (0, total):
            return
        width = 30
        frac = 0.0 if total <= 0 else min(1.0, done / total)
        bar = "#" * int(frac * width)
        sys.stderr.write(f"\r{label} [{bar:<{width}}] {frac:6.1%}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def open_store(args: argparse.Namespace) -> Store:
    """Open (creating if needed) the database chosen by --db / $BACKCARE_DB / default."""
    return Store(config.db_path(args.db))


# -- commands ------------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        print(f"backcare database ready at {store.path} (schema {store.schema_version})")
    return 0


def cmd_checkin(args: argparse.Namespace) -> int:
    from datetime import date

    checkin = checkin_from_input(
        date=args.date or date.today(), pain=args.pain, notes=args.note, flare=args.flare
    )
    with open_store(args) as store:
        outcome = save_checkin(store, checkin)
    print(f"Pain {checkin.pain}/10 {outcome} for {checkin.date.isoformat()}.")
    return 0


def cmd_session_add(args: argparse.Namespace) -> int:
    from datetime import date

    session = session_from_input(
        date=args.date or date.today(),
        exercise_type=args.type,
        duration_min=args.minutes,
        rpe=args.rpe,
        pain_before=args.pain_before,
        pain_after=args.pain_after,
        notes=args.note,
        movements=args.movement or (),
    )
    with open_store(args) as store:
        session_id = add_session(store, session, create_movements=False)
    print(
        f"Logged {session.duration_min} min of {session.exercise_type} on {session.date.isoformat()} (#{session_id})."
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from backcare import demo

    with open_store(args) as store:
        history = demo.write_demo(store, days=args.days, seed=args.seed)
        print(
            f"Wrote {len(history.checkins)} check-ins and {len(history.sessions)} sessions of demo data "
            f"to {store.path}."
        )
    return 0


def cmd_insights(args: argparse.Namespace) -> int:
    import json
    import math

    from backcare.analysis import effect_details
    from backcare.analysis.effects import API_COLUMNS
    from backcare.store import checkins_frame, sessions_frame

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
        if row["verdict"] == "not enough data":
            print(
                f"{row['exercise_type']:<14} {'':>9} {'':>17} {row['n_days_with']:>9} {row['n_days_without']:>8}  "
                f"not enough data: {row['reason']}"
            )
        else:
            interval = f"{row['ci_low']:+.2f} to {row['ci_high']:+.2f}"
            print(
                f"{row['exercise_type']:<14} {row['estimate']:>+9.2f} {interval:>17} {row['n_days_with']:>9} "
                f"{row['n_days_without']:>8}  {row['verdict']}"
            )
    print("Associations in your own data, not proof of cause. Negative = lower pain the day after.")
    return 0


def _plan_from_args(args: argparse.Namespace) -> Any:
    from datetime import date, timedelta

    from backcare.experiments import validate_plan
    from backcare.models import parse_date
    from backcare.records import ExperimentPlan
    from backcare.store import type_names

    start = (
        parse_date(args.start, "Start", allow_future=True) if args.start else date.today() + timedelta(days=1)
    )
    extra = {"seed": args.seed} if args.seed is not None else {}
    plan = ExperimentPlan(
        exercise_type=args.type, start=start, comparison=args.compare, min_days_per_week=args.days_per_week,
        period_days=args.period_days, pairs=args.pairs, washout_days=args.washout, **extra,
    )  # fmt: skip
    with open_store(args) as store:
        return validate_plan(plan, set(type_names(store)))


def cmd_experiment_plan(args: argparse.Namespace) -> int:
    from pathlib import Path

    from backcare.experiments import arm_label, schedule, schedule_ics
    from backcare.store import start_experiment, type_names

    plan = _plan_from_args(args)
    with open_store(args) as store:
        names = type_names(store)
        for p in schedule(plan):
            print(
                f"period {p.number:>2} (pair {p.pair}) {p.start} to {p.end}: {arm_label(plan, p.arm, names)}"
            )
        print(
            f"Settling-in days not compared: the first {plan.washout_days} of each period. Seed {plan.seed}."
        )
        if args.ics:
            Path(args.ics).write_text(schedule_ics(plan, names), encoding="utf-8", newline="")
            print(f"Calendar written to {args.ics}.")
        if args.start_now:
            number = start_experiment(store, plan)
            print(f"Experiment #{number} started; the plan is locked.")
        else:
            print("Nothing started (add --start-now to lock this plan and begin).")
    return 0


def cmd_experiment_status(args: argparse.Namespace) -> int:
    from backcare import experiment_runs
    from backcare.store import type_names

    with open_store(args) as store:
        running = experiment_runs.check_stop_rules(store)
        if running is None:
            print("No experiment is running.")
            return 0
        line = experiment_runs.status_line(running.plan, type_names(store))
        print(f"Paused: {running.status_reason}" if running.status == "paused" else line)
        adherence = running.result.adherence
        print(
            f"Plan followed so far: {adherence:.0%}" if adherence == adherence else "Plan followed so far: -"
        )
    return 0


def cmd_experiment_result(args: argparse.Namespace) -> int:
    import json

    from backcare import experiment_runs
    from backcare.store import type_names

    with open_store(args) as store:
        running = experiment_runs.check_stop_rules(store)
        if running is None:
            raise BackcareError("No experiment is running; past results are on the Experiments page.")
        result = running.result
        if args.json:
            print(json.dumps(result.as_dict(), indent=2))
            return 0
        for row in result.periods.to_dict("records"):
            mean = "-" if row["mean_pain"] != row["mean_pain"] else f"{row['mean_pain']:.2f}"
            print(
                f"period {row['number']:>2} pair {row['pair']} arm {row['arm']}: mean pain {mean} ({row['days_logged']} days)"
            )
        print(experiment_runs.result_sentence(running.plan, result, type_names(store)))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    if args.kind == "csv":
        return _import_csv(args, Path(args.path))
    from backcare.importers import read_export
    from backcare.store import already_imported, apply_batch, movement_names, type_names

    with open_store(args) as store:
        catalogue = movement_names(store)
        batch = read_export(
            args.kind,
            Path(args.path),
            unit=args.unit,
            catalogue=catalogue,
            progress=progress_printer("Reading"),
        )
        print(batch.describe(already_imported(store, batch)))
        for row in batch.preview(type_names(store)):
            print(
                f"  {row['Exercise']:<24} {row['Sessions']:>5} sessions {row['Minutes']:>7} min  {row['From']} to {row['To']}"
            )
        if args.dry_run:
            print("Dry run: nothing was written.")
            return 0
        summary = apply_batch(store, batch, progress_printer("Saving"))
        print(summary.describe())
    return 0


def _import_csv(args: argparse.Namespace, path: Any) -> int:
    from backcare.exports import read_csv_zip
    from backcare.store import load_diary

    if not path.is_file():
        raise BackcareError(f"{path}: no such file.")
    diary = read_csv_zip(path.read_bytes(), path.name)
    print(f"Found {diary.describe()} in {path.name}.")
    if args.dry_run:
        print("Dry run: nothing was written.")
        return 0
    with open_store(args) as store:
        load_diary(store, diary)
    print("Imported everything into the diary.")
    return 0


def _date_range(args: argparse.Namespace) -> tuple[Any, Any]:
    from backcare.models import parse_date

    start = parse_date(args.from_date, "--from") if args.from_date else None
    end = parse_date(args.to_date, "--to") if args.to_date else None
    if start and end and start > end:
        raise BackcareError("--from must be on or before --to.")
    return start, end


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from backcare.exports import build_bundle, bundle_json, export_zip
    from backcare.store import diary_tables

    start, end = _date_range(args)
    out = Path(args.out)
    with open_store(args) as store:
        tables = diary_tables(store)
    if args.format == "csv":
        data = export_zip(tables, start, end)
    else:
        data = bundle_json(build_bundle(tables, start=start, end=end, name=args.name or "")).encode("utf-8")
    write_private(out, data)
    print(f"Wrote {out} ({len(data) / 1024:.0f} KB).")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from datetime import date, timedelta
    from pathlib import Path

    from backcare.reports import SECTIONS, ReportOptions, build_content, render_pdf, report_inputs

    start, end = _date_range(args)
    end = end or date.today()
    start = start or end - timedelta(days=89)
    sections = frozenset(args.section) if args.section else frozenset(SECTIONS)
    with open_store(args) as store:
        inputs = report_inputs(store)
    content = build_content(inputs, ReportOptions(start, end, args.name or "", sections))
    pdf = render_pdf(content, inputs.checkins, inputs.sessions)
    write_private(Path(args.out), pdf)
    print(f"Wrote {args.out}: report for {start} to {end}.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from backcare.store import backup_to

    with open_store(args) as store:
        target = backup_to(store, Path(args.out))
    print(
        f"Backup written to {target} ({target.stat().st_size / 1024:.0f} KB). Keep it somewhere safe and private."
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from backcare.store import count_entries, restore_from

    source = Path(args.file)
    if not source.is_file():
        raise BackcareError(f"{source}: no such file.")
    with open_store(args) as store:
        safety = restore_from(store, source)
        entries = count_entries(store)
    print(
        f"Restored {source.name}: {entries} check-ins and sessions. Your previous diary was saved as {safety}."
    )
    return 0


def cmd_set_password(args: argparse.Namespace) -> int:
    import getpass

    from backcare import auth

    path = config.auth_path(config.db_path(args.db))
    if args.clear:
        auth.save_record(path, None)
        print("Password removed. The app is open to anyone who can reach it on this computer.")
        return 0
    first = os.environ.get("BACKCARE_NEW_PASSWORD") or getpass.getpass("New password: ")
    second = os.environ.get("BACKCARE_NEW_PASSWORD") or getpass.getpass("Same password again: ")
    if first != second:
        raise BackcareError("The two passwords differ; nothing was changed.")
    auth.save_record(path, auth.hash_password(first))
    print(f"Password set (stored as a scrypt hash in {path}). Every page now asks for it.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from backcare import serve

    return serve.serve(args)


# -- parser --------------------------------------------------------------------------------------


def _int_arg(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (every command has help text; tests check it)."""
    parser = _Parser(prog="backcare", description="backcare: a private back-pain and exercise diary.")
    parser.add_argument("--db", help="database file (default: $BACKCARE_DB, else data/backcare.db)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(name: str, handler: Handler, help_text: str, parent: Any = sub) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = parent.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    add("init", cmd_init, "Create the database if it is missing (safe to run again).")

    p = add("checkin", cmd_checkin, "Log a day's pain (0 = no pain, 10 = worst pain imaginable).")
    p.add_argument("pain", help="pain from 0 to 10")
    p.add_argument("--date", help="day to log, YYYY-MM-DD (default: today)")
    p.add_argument("--note", help="a short note")
    p.add_argument("--flare", action="store_true", help="mark the day as a flare")

    session = sub.add_parser("session", help="Exercise sessions.", description="Exercise sessions.")
    session_sub = session.add_subparsers(dest="session_command", metavar="ACTION", parser_class=_Parser)
    p = add("add", cmd_session_add, "Log an exercise session.", session_sub)
    p.add_argument("type", help="exercise type key, e.g. yoga, pilates, strength, walking")
    p.add_argument("minutes", help="duration in minutes (1-600)")
    p.add_argument("--date", help="day of the session, YYYY-MM-DD (default: today)")
    p.add_argument("--rpe", help="effort from 1 (very light) to 10 (maximal)")
    p.add_argument("--pain-before", help="pain just before, 0-10")
    p.add_argument("--pain-after", help="pain just after, 0-10")
    p.add_argument("--note", help="a short note")
    p.add_argument("--movement", action="append", help="a movement from the catalogue (repeatable)")

    p = add("insights", cmd_insights, "Which exercise types go with lower or higher pain the day after.")
    p.add_argument("--json", action="store_true", help="print a JSON list with the API's columns")
    p.add_argument("--lag", type=_int_arg, default=1, help="days between exercise and pain (default 1)")

    experiment = sub.add_parser(
        "experiment", help="Planned self-experiments.", description="Planned self-experiments."
    )
    experiment_sub = experiment.add_subparsers(
        dest="experiment_command", metavar="ACTION", parser_class=_Parser
    )
    p = add("plan", cmd_experiment_plan, "Show (and optionally start) a randomized schedule.", experiment_sub)
    p.add_argument("type", help="exercise type key to test, e.g. yoga")
    p.add_argument("--compare", help="exercise type key to compare with (default: usual routine without it)")
    p.add_argument(
        "--days-per-week", type=_int_arg, default=3, help="days a week with the exercise (default 3)"
    )
    p.add_argument("--period-days", type=_int_arg, default=14, help="days per period (default 14, minimum 7)")
    p.add_argument("--pairs", type=_int_arg, default=4, help="pairs of periods (default 4, minimum 3)")
    p.add_argument("--washout", type=_int_arg, default=3, help="settling-in days not compared (default 3)")
    p.add_argument("--start", help="first day, YYYY-MM-DD (default: tomorrow)")
    p.add_argument("--seed", type=_int_arg, help="random seed for the order (default: random)")
    p.add_argument("--ics", help="also write the schedule to this .ics calendar file")
    p.add_argument("--start-now", action="store_true", help="lock the plan and start the experiment")
    add("status", cmd_experiment_status, "Where the running experiment stands today.", experiment_sub)
    p = add("result", cmd_experiment_result, "Result so far of the running experiment.", experiment_sub)
    p.add_argument("--json", action="store_true", help="print the summary as JSON")

    p = add(
        "import",
        cmd_import,
        "Bring in history from Apple Health, Strong or Hevy (all or nothing, never twice).",
    )
    p.add_argument(
        "kind", choices=["apple-health", "strong", "hevy", "csv"], help="what kind of export the file is"
    )
    p.add_argument(
        "path",
        help="the file (Apple Health: export.zip or .xml; Strong/Hevy: their CSV; csv: a backcare CSV zip)",
    )
    p.add_argument("--dry-run", action="store_true", help="show what would be imported, write nothing")
    p.add_argument("--unit", choices=["kg", "lb"], help="Strong only: the weight unit you use in the app")

    p = add("export", cmd_export, "Export your diary as a zip of CSV files or a FHIR R4 bundle.")
    p.add_argument("format", choices=["csv", "fhir"], help="csv: zip of spreadsheet files; fhir: JSON bundle")
    p.add_argument("--out", required=True, help="file to write")
    p.add_argument("--from", dest="from_date", help="first day, YYYY-MM-DD (default: all)")
    p.add_argument("--to", dest="to_date", help="last day, YYYY-MM-DD (default: all)")
    p.add_argument("--name", help="FHIR only: your name for the Patient resource (optional)")

    p = add("report", cmd_report, "Write the doctor report as a PDF.")
    p.add_argument("--out", required=True, help="PDF file to write")
    p.add_argument("--from", dest="from_date", help="first day, YYYY-MM-DD (default: 90 days before --to)")
    p.add_argument("--to", dest="to_date", help="last day, YYYY-MM-DD (default: today)")
    p.add_argument("--name", help="name to print on the report (optional)")
    p.add_argument(
        "--section", action="append", choices=["associations", "experiments", "notes", "daily"],
        help="include only these page-2 sections (repeatable; default: all)",
    )  # fmt: skip

    p = add("backup", cmd_backup, "Write a complete, consistent copy of the diary (safe while the app runs).")
    p.add_argument("--out", required=True, help="backup file to write")
    p = add(
        "restore",
        cmd_restore,
        "Replace the diary with a backup (checked first; the current diary is kept as a backup).",
    )
    p.add_argument("file", help="a backup made by backcare (the .db file)")

    p = add(
        "set-password", cmd_set_password, "Protect the web app with a password (or remove it with --clear)."
    )
    p.add_argument("--clear", action="store_true", help="remove the password")

    from backcare.serve import add_arguments as serve_arguments

    serve_arguments(
        add("serve", cmd_serve, "Start the app: on this computer, or with --lan over HTTPS for your phone.")
    )

    p = add("demo", cmd_demo, "Fill an empty (or demo) database with realistic invented history.")
    p.add_argument("--days", type=_int_arg, default=180, help="number of days (default 180)")
    p.add_argument("--seed", type=_int_arg, default=7, help="random seed (default 7)")

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        handler: Handler | None = getattr(args, "handler", None)
        if handler is None:
            parser.print_help()
            return 2
        return handler(args)
    except BackcareError as exc:
        print(f"backcare: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("backcare: interrupted; nothing partial was saved.", file=sys.stderr)
        return 2
    except Exception as exc:  # pragma: no cover - the safety net
        if os.environ.get("BACKCARE_DEBUG"):
            traceback.print_exc()
        print(f"backcare: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
