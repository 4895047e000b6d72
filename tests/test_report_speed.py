"""vl-convert's engine started in the background (as the command-line report does) draws the same
charts. Timings are in benchmarks/bench_report.py."""

from __future__ import annotations

import struct

from backcare import chart_export


def test_the_engine_started_in_the_background_draws_the_same_png():
    """start_engine() starts one engine per process and to_png waits for it, then draws a 2x image."""
    spec = {
        "data": {"values": [{"x": 1, "y": 2}, {"x": 2, "y": 5}]},
        "mark": "line",
        "encoding": {
            "x": {"field": "x", "type": "quantitative"},
            "y": {"field": "y", "type": "quantitative"},
        },
    }
    chart_export.start_engine()
    engine = chart_export._engine
    chart_export.start_engine()  # once per process: the same thread, not a second engine start
    assert engine is not None and chart_export._engine is engine
    png = chart_export.to_png(spec)
    assert not engine.is_alive()  # to_png waited for the engine instead of racing its start
    width, height = struct.unpack(">II", png[16:24])
    assert png.startswith(b"\x89PNG") and width > 100 and height > 100
