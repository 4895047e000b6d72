"""How the report draws its charts and warms its engines. Timings are in benchmarks/bench_report.py."""

from __future__ import annotations

import gc
import json
import struct
import threading
from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from backcare import chart_export, demo, ui
from backcare.reports import ReportOptions, build_content, render_pdf, report_inputs
from backcare.store import Store
from tests.cli_helpers import run
from tests.conftest import APP

SPEC = json.dumps(
    {
        "data": {"values": [{"x": 1, "y": 2}, {"x": 2, "y": 5}]},
        "mark": "line",
        "encoding": {
            "x": {"field": "x", "type": "quantitative"},
            "y": {"field": "y", "type": "quantitative"},
        },
    }
)


def test_the_child_process_draws_the_same_png_as_this_process():
    """The command line's drawer (a child process) gives the bytes the app's in-process drawer gives."""
    with chart_export.PngProcess() as drawer:
        drawer.draw({"line": SPEC})
        there = drawer.pngs()
    here = chart_export.PngHere()
    here.draw({"line": SPEC})
    assert there == here.pngs()
    width, height = struct.unpack(">II", there["line"][16:24])
    assert there["line"].startswith(b"\x89PNG") and width > 100 and height > 100


def test_a_chart_the_child_cannot_draw_is_an_error_not_a_missing_chart():
    with chart_export.PngProcess() as drawer:
        drawer.draw({"broken": "{not json"})
        with pytest.raises(RuntimeError, match="drawing the charts failed: "):
            drawer.pngs()


def test_a_pdf_with_its_charts_drawn_in_a_child_process(store):
    """What `backcare report` does: the PDF embeds both charts, and the collector is as before."""
    demo.write_demo(store, 60, 3)
    end = date.today()
    inputs = report_inputs(store, start=end - timedelta(days=59), end=end)
    content = build_content(inputs, ReportOptions(end - timedelta(days=59), end))
    before = gc.get_threshold()
    with chart_export.PngProcess() as drawer:
        pdf = render_pdf(content, inputs.checkins, inputs.sessions, drawer=drawer)
    here = render_pdf(content, inputs.checkins, inputs.sessions)
    assert pdf[:4] == b"%PDF" and pdf.count(b"/Subtype /Image") == here.count(b"/Subtype /Image") >= 2
    assert gc.get_threshold() == before


def test_the_report_page_starts_no_thread(db_path, monkeypatch):
    """Regression: the page started a warm-up thread whose imports could deadlock with the page's own
    analysis (a browser test saw the page never finish). The engines now start in the app's one
    background warm-up, at a pause (ui.diary.wait_for_a_pause)."""
    with Store(db_path) as store:
        demo.write_demo(store, 60, 5)
    from backcare.reports import pdf

    monkeypatch.setattr(pdf, "_warmed", [])  # as in a fresh app process: the engines not started
    started: list[str] = []
    threading.setprofile(lambda *_: started.append(threading.current_thread().name))
    try:
        at = AppTest.from_file(APP, default_timeout=120).run()
        at.switch_page("views/report.py").run()
    finally:
        threading.setprofile(None)  # type: ignore[arg-type]
    assert not at.exception, at.exception
    assert at.text_input(key="report_name").label == "Your name on the report (optional)"
    # The app's own warm-up after the first page (ui.diary.warm_up: imports and the Insights model,
    # no chart or PDF engine) may run; the Report page itself starts nothing.
    assert not [name for name in set(started) if name.startswith("backcare") and name != ui.WARM_THREAD]


def test_the_report_command_as_a_process_ends_with_its_output_and_file_complete(db_path, tmp_path):
    """`backcare report` ends its process at once after success (cli.main): its line is printed, the
    PDF is whole, and a failure still goes through the ordinary exit (exit code 2, one line)."""
    with Store(db_path) as store:
        demo.write_demo(store, 60, 5)
    out = tmp_path / "report.pdf"
    done = run(db_path, "report", "--out", str(out), "--from", str(date.today() - timedelta(days=29)))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Wrote {out}: report for") and done.stderr == ""
    assert out.read_bytes()[:4] == b"%PDF" and out.read_bytes().rstrip().endswith(b"%%EOF")
    refused = run(db_path, "report", "--out", str(tmp_path / "no-such-folder" / "r.pdf"))
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
