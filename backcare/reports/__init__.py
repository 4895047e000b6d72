"""The doctor report: content (pure), gathering from the store, HTML/PDF rendering."""

from backcare.reports.content import SECTIONS, ReportContent, ReportInputs, ReportOptions, build_content
from backcare.reports.gather import report_inputs
from backcare.reports.pdf import render_html, render_pdf, report_file_name

__all__ = [
    "SECTIONS",
    "ReportContent",
    "ReportInputs",
    "ReportOptions",
    "build_content",
    "render_html",
    "render_pdf",
    "report_file_name",
    "report_inputs",
]
