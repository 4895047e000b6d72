"""Files in and out: import from other apps (or a backcare CSV zip), export CSV/FHIR, the PDF report."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from backcare.cli.common import (
    add_command,
    date_range,
    input_file,
    open_store,
    output_path,
    progress_printer,
    write_file,
)
from backcare.errors import ValidationError
from backcare.importers import KINDS


def _mapping(pairs: list[str] | None) -> dict[str, str]:
    """--map ACTIVITY=TYPE options as a dict (the last one wins for a repeated activity)."""
    mapping: dict[str, str] = {}
    for pair in pairs or []:
        activity, sep, type_key = pair.partition("=")
        if not sep or not activity.strip() or not type_key.strip():
            raise ValidationError(f"--map '{pair}' is not ACTIVITY=TYPE, e.g. --map 'evening walk=walking'.")
        mapping[activity.strip()] = type_key.strip()
    return mapping


def cmd_import(args: argparse.Namespace) -> int:
    path = input_file(Path(args.path))
    if args.kind == "csv":
        return _import_csv(args, path)
    from backcare.importers import read_export
    from backcare.store import already_imported, apply_batch, movement_names, type_names

    options: dict[str, Any] = {"unit": args.unit}
    if args.map:
        options["mapping"] = _mapping(args.map)
    with open_store(args) as store:
        batch = read_export(
            args.kind, path, catalogue=movement_names(store), progress=progress_printer("Reading"), **options
        )
        print(batch.describe(already_imported(store, batch)))
        for row in batch.preview(type_names(store)):
            print(
                f"  {row['Exercise']:<24} {row['Sessions']:>5} sessions {row['Minutes']:>7} min  {row['From']} to {row['To']}"
            )
        if args.dry_run:
            print("Dry run: nothing was written.")
            return 0
        replace: dict[str, Any] = {"replace": True} if args.replace else {}
        summary = apply_batch(store, batch, progress_printer("Saving"), **replace)
        print(summary.describe())
    return 0


def _import_csv(args: argparse.Namespace, path: Path) -> int:
    from backcare.exports import read_csv_zip
    from backcare.store import load_diary

    diary = read_csv_zip(path.read_bytes(), path.name)
    print(f"Found {diary.describe()} in {path.name}.")
    if args.dry_run:
        print("Dry run: nothing was written.")
        return 0
    with open_store(args) as store:
        load_diary(store, diary)
    print("Imported everything into the diary.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from backcare.exports import build_bundle, bundle_json, export_zip
    from backcare.store import diary_tables

    start, end = date_range(args)
    out = output_path(args.out, args)
    with open_store(args) as store:
        tables = diary_tables(store)
    if args.format == "csv":
        data = export_zip(tables, start, end)
    else:
        data = bundle_json(build_bundle(tables, start=start, end=end, name=args.name or "")).encode("utf-8")
    write_file(out, data)
    print(f"Wrote {out} ({len(data) / 1024:.0f} KB).")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    import gc
    from datetime import date, timedelta

    from backcare.chart_export import PngProcess

    start, end = date_range(args)
    out = output_path(args.out, args)
    gc.disable()  # a short process whose few cycles go at exit: full passes cost about 0.4 s
    with PngProcess() as drawer:  # its chart engine starts while this process imports and reads
        from backcare.reports import SECTIONS, ReportOptions, build_content, render_pdf, report_inputs

        end = end or date.today()
        start = start or end - timedelta(days=89)
        sections = frozenset(args.section) if args.section else frozenset(SECTIONS)
        with open_store(args) as store:
            inputs = report_inputs(store, start=start, end=end)
        content = build_content(inputs, ReportOptions(start, end, args.name or "", sections))
        write_file(out, render_pdf(content, inputs.checkins, inputs.sessions, drawer=drawer))
    print(f"Wrote {out}: report for {start} to {end}.")
    return 0


def register(sub: Any) -> None:
    """Add the import, export and report commands to the parser."""
    names = ", ".join(KINDS.values())
    p = add_command(
        sub, "import", cmd_import, f"Bring in history from {names} (all or nothing, never twice)."
    )  # fmt: skip
    p.add_argument(
        "kind", choices=[*KINDS, "csv"], help="what kind of export the file is (csv: a backcare CSV zip)"
    )
    p.add_argument(
        "path", help="the exported file (Apple Health: export.zip or .xml; the others: their export file)"
    )
    p.add_argument("--dry-run", action="store_true", help="show what would be imported, write nothing")
    p.add_argument("--unit", choices=["kg", "lb"], help="Strong only: the weight unit you use in the app")
    p.add_argument(
        "--replace", action="store_true",
        help="replace entries imported earlier from the same app with this file's (instead of skipping them)",
    )  # fmt: skip
    p.add_argument(
        "--map", action="append", metavar="ACTIVITY=TYPE",
        help="Daylio: count this activity as this exercise type key (repeatable)",
    )  # fmt: skip

    p = add_command(sub, "export", cmd_export, "Export your diary as a zip of CSV files or a FHIR R4 bundle.")
    p.add_argument("format", choices=["csv", "fhir"], help="csv: zip of spreadsheet files; fhir: JSON bundle")
    p.add_argument("--out", required=True, help="file to write")
    p.add_argument("--from", dest="from_date", help="first day, YYYY-MM-DD (default: all)")
    p.add_argument("--to", dest="to_date", help="last day, YYYY-MM-DD (default: all)")
    p.add_argument("--name", help="FHIR only: your name for the Patient resource (optional)")

    p = add_command(sub, "report", cmd_report, "Write the doctor report as a PDF.")
    p.set_defaults(end_at_once=True)  # see cli.main
    p.add_argument("--out", required=True, help="PDF file to write")
    p.add_argument("--from", dest="from_date", help="first day, YYYY-MM-DD (default: 90 days before --to)")
    p.add_argument("--to", dest="to_date", help="last day, YYYY-MM-DD (default: today)")
    p.add_argument("--name", help="name to print on the report (optional)")
    p.add_argument(
        "--section", action="append", choices=["associations", "experiments", "notes", "daily"],
        help="include only these page-2 sections (repeatable; default: all)",
    )  # fmt: skip
