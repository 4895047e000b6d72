"""Render the doctor report: Jinja2 HTML (autoescaped) with vector SVG charts, printed by WeasyPrint."""

from __future__ import annotations

import base64
from datetime import date, datetime
from importlib import resources
from typing import Any

from jinja2 import Environment, select_autoescape

from backcare import analysis, chart_export, charts
from backcare.reports.content import ReportContent

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True)


def _svg_uri(chart: Any) -> str:
    svg = chart_export.to_svg(chart)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def report_charts(content: ReportContent, checkins: Any, sessions: Any) -> dict[str, str]:
    """The pain-over-time and weekly-minutes charts as SVG data URIs (empty when there is no data)."""
    start, end = content.options.start, content.options.end
    out: dict[str, str] = {}
    in_checkins = analysis.in_range(checkins, start, end)
    in_sessions = analysis.in_range(sessions, start, end)
    if len(in_checkins):
        series, resolution = analysis.pain_series(checkins, start, end)
        baseline = content.change.baseline_mean if content.change else None
        chart = charts.pain_trend(series, in_sessions, content.type_names, baseline, resolution, height=160)
        out["pain"] = _svg_uri(chart.properties(width=640))
    if len(in_sessions):
        weekly = charts.weekly_minutes_chart(
            analysis.weekly_minutes(in_sessions, start, end), content.type_names
        )
        out["minutes"] = _svg_uri(weekly.properties(width=640, height=150))
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
    content: ReportContent, checkins: Any, sessions: Any, generated: datetime | None = None
) -> bytes:
    """The finished PDF as bytes."""
    from weasyprint import HTML

    html = render_html(content, report_charts(content, checkins, sessions), generated)
    return bytes(HTML(string=html, base_url=None).write_pdf())


def report_file_name(start: date, end: date) -> str:
    """File name such as 'backcare-report-2026-01-01-to-2026-03-31.pdf'."""
    return f"backcare-report-{start.isoformat()}-to-{end.isoformat()}.pdf"


def warm_up() -> None:
    """Start the chart engine and WeasyPrint once (about 1.5 s), so the first real report is fast."""
    import altair as alt
    import pandas as pd
    from weasyprint import HTML

    chart_export.to_svg(alt.Chart(pd.DataFrame({"x": [0, 1]})).mark_line().encode(x="x:Q", y="x:Q"))
    HTML(string="<p>backcare</p>").write_pdf()
