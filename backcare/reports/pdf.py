"""Render the doctor report: Jinja2 HTML (autoescaped) with PNG charts (2x), printed by WeasyPrint.

Charts go in as PNG, not SVG: WeasyPrint turned the two vector charts into PDF drawing operators
one SVG node at a time, about 0.5 s of a one-year report (benchmarks/bench_report.py); a 2x PNG
prints sharp at the report's size. The HTML names them ``chart:pain`` and ``chart:minutes``;
WeasyPrint asks for them only after parsing the document and computing its styles, so a drawer in
another process (the command line's, see chart_export) draws meanwhile. The report fetches nothing
else: any other address stops the PDF. While a PDF is built the garbage collector runs less often
(its full passes over a process holding pandas, SciPy and WeasyPrint cost about a tenth of a report).
``render_pdf`` reports progress(done, total) after each step."""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from importlib import resources
from typing import Any

from jinja2 import Environment, Template, select_autoescape

from backcare import analysis, chart_export, charts
from backcare.reports.content import ReportContent

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True)
CHART_SCHEME = "chart:"
GC_FIRST_THRESHOLD = 50_000  # allocations between young collections while a PDF is built (Python: 700)


Progress = Callable[[int, int], None]
STEPS = 3  # charts, layout, PDF


def _no_progress(done: int, total: int) -> None:
    """The default progress callback: report nothing."""


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the garbage collector less often inside the block (restored afterwards)."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], GC_FIRST_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def chart_specs(content: ReportContent, checkins: Any, sessions: Any) -> dict[str, str]:
    """The pain-over-time and weekly-minutes charts as Vega-Lite JSON, each only when it has data."""
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
    return {name: chart_export.spec_json(chart) for name, chart in out.items()}


@functools.cache
def _template() -> Template:
    return _ENV.from_string(
        resources.files("backcare.reports").joinpath("templates/report.html").read_text("utf-8")
    )


def render_html(content: ReportContent, chart_uris: dict[str, str], generated: datetime | None = None) -> str:
    """The report as a self-contained HTML document (user text escaped)."""
    start, end = content.options.start, content.options.end
    return _template().render(
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
    drawer: chart_export.PngDrawer | None = None,
) -> bytes:
    """The finished PDF as bytes; ``progress(done, total)`` is called as each of its STEPS ends.

    ``drawer`` draws the charts (default: in this process, see chart_export)."""
    progress(0, STEPS)
    with fewer_collections():
        specs = chart_specs(content, checkins, sessions)
        drawer = drawer or chart_export.PngHere()
        drawer.draw(specs)
        from weasyprint import HTML  # a first import runs while another process draws

        fetcher = _chart_fetcher(drawer, lambda: progress(1, STEPS))
        html = render_html(content, {name: CHART_SCHEME + name for name in specs}, generated)
        document = HTML(string=html, base_url=None, url_fetcher=fetcher).render()
        if not specs:
            progress(1, STEPS)
        progress(2, STEPS)
        pdf = bytes(document.write_pdf())
    progress(3, STEPS)
    return pdf


def _chart_fetcher(drawer: chart_export.PngDrawer, drawn: Callable[[], None]) -> Any:
    """A WeasyPrint URL fetcher that serves ``chart:NAME`` from the drawer (waiting for it on the
    first request, then calling ``drawn()``) and refuses every other address, which stops the PDF."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    pngs: dict[str, bytes] = {}

    class ChartFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if not pngs:
                pngs.update(drawer.pngs())
                drawn()
            name = url.removeprefix(CHART_SCHEME)
            if not url.startswith(CHART_SCHEME) or name not in pngs:
                raise ValueError(f"the report fetches only its own charts, not {url[:40]!r}")
            return URLFetcherResponse(url, pngs[name], {"Content-Type": "image/png"})

    return ChartFetcher(fail_on_errors=True)


def report_file_name(start: date, end: date) -> str:
    """File name such as 'backcare-report-2026-01-01-to-2026-03-31.pdf'."""
    return f"backcare-report-{start.isoformat()}-to-{end.isoformat()}.pdf"


_warm_lock = threading.Lock()
_warmed: list[bool] = []


def warm_up() -> None:
    """Start the chart engine and WeasyPrint once per process (about 1 s), so the first report is
    fast. Later calls return at once; a call while another runs waits for it."""
    with _warm_lock:
        if _warmed:
            return
        from weasyprint import HTML

        chart_export.warm_up()
        HTML(string="<p>backcare</p>").write_pdf()
        _warmed.append(True)
