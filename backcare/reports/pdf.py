"""Render the doctor report: Jinja2 HTML (autoescaped) with PNG charts (2x), printed by WeasyPrint.

Charts go in as PNG, not SVG: WeasyPrint turned the two vector charts into PDF drawing operators
one SVG node at a time, about 0.5 s of a one-year report (benchmarks/bench_report.py); a 2x PNG
prints sharp at the report's size. vl-convert draws them in a worker thread while WeasyPrint is
imported (it releases the GIL while it draws), which a fresh command-line process feels most.
``render_pdf`` reports progress(done, total) after each step."""

from __future__ import annotations

import base64
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from importlib import resources
from typing import Any

from jinja2 import Environment, select_autoescape

from backcare import analysis, chart_export, charts
from backcare.reports.content import ReportContent

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True)


Progress = Callable[[int, int], None]
STEPS = 4  # pain chart, minutes chart, layout, PDF


def _png_uri(chart: Any) -> str:
    return "data:image/png;base64," + base64.b64encode(chart_export.to_png(chart)).decode()


def _no_progress(done: int, total: int) -> None:
    """The default progress callback: report nothing."""


def _charts(content: ReportContent, checkins: Any, sessions: Any) -> dict[str, Any]:
    """The pain-over-time and weekly-minutes charts (Altair), each only when it has data."""
    start, end = content.options.start, content.options.end
    out: dict[str, Any] = {}
    in_checkins = analysis.in_range(checkins, start, end)
    in_sessions = analysis.in_range(sessions, start, end)
    if len(in_checkins):
        series, resolution = analysis.pain_series(checkins, start, end)
        baseline = content.change.baseline_mean if content.change else None
        chart = charts.pain_trend(series, in_sessions, content.type_names, baseline, resolution, height=160)
        out["pain"] = chart.properties(width=640)
    if len(in_sessions):
        weekly = charts.weekly_minutes_chart(
            analysis.weekly_minutes(in_sessions, start, end), content.type_names
        )
        out["minutes"] = weekly.properties(width=640, height=150)
    return out


def render_html(content: ReportContent, chart_uris: dict[str, str], generated: datetime | None = None) -> str:
    """The report as a self-contained HTML document (user text escaped)."""
    template = _ENV.from_string(
        resources.files("backcare.reports").joinpath("templates/report.html").read_text("utf-8")
    )
    start, end = content.options.start, content.options.end
    return template.render(
        c=content,
        charts=chart_uris,
        range_text=f"{start:%d %b %Y} to {end:%d %b %Y}",
        generated=(generated or datetime.now()).strftime("%d %b %Y %H:%M"),
    )


def render_pdf(
    content: ReportContent,
    checkins: Any,
    sessions: Any,
    generated: datetime | None = None,
    progress: Progress = _no_progress,
) -> bytes:
    """The finished PDF as bytes; ``progress(done, total)`` is called as each of its STEPS ends."""
    progress(0, STEPS)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="backcare-charts") as pool:
        drawing = {
            name: pool.submit(_png_uri, chart) for name, chart in _charts(content, checkins, sessions).items()
        }
        from weasyprint import HTML  # imported while the charts are drawn

        uris = {}
        for step, name in enumerate(("pain", "minutes"), start=1):
            if name in drawing:
                uris[name] = drawing[name].result()
            progress(step, STEPS)
    html = render_html(content, uris, generated)
    document = HTML(string=html, base_url=None).render()
    progress(3, STEPS)
    pdf = bytes(document.write_pdf())
    progress(4, STEPS)
    return pdf


def report_file_name(start: date, end: date) -> str:
    """File name such as 'backcare-report-2026-01-01-to-2026-03-31.pdf'."""
    return f"backcare-report-{start.isoformat()}-to-{end.isoformat()}.pdf"


def warm_up() -> None:
    """Start the chart engine and WeasyPrint once (about 1.5 s), so the first real report is fast."""
    import altair as alt
    import pandas as pd
    from weasyprint import HTML

    chart_export.to_png(alt.Chart(pd.DataFrame({"x": [0, 1]})).mark_line().encode(x="x:Q", y="x:Q"))
    HTML(string="<p>backcare</p>").write_pdf()
