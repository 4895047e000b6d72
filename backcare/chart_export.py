"""Export chart values to PNG (2x) and SVG with vl-convert, fully offline.

vl-convert starts its JavaScript engine on first use (about half a second of CPU) and releases the
GIL while it works, so ``start_engine()`` can start it in a thread while the caller goes on
importing pandas, SciPy and WeasyPrint (the command-line report does: benchmarks/bench_report.py).
Altair is not imported here: charts arrive as Altair objects or plain Vega-Lite dicts.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import date
from typing import TYPE_CHECKING, Any

import vl_convert as vlc

if TYPE_CHECKING:
    import altair as alt

PNG_SCALE = 2
_TINY = {
    "data": {"values": [{"x": 0}]},
    "mark": "point",
    "encoding": {"x": {"field": "x", "type": "quantitative"}},
}
_engine: threading.Thread | None = None
_engine_lock = threading.Lock()


def start_engine() -> None:
    """Start vl-convert's engine in a background thread (once per process); returns at once."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = threading.Thread(
                target=vlc.vegalite_to_svg, args=(json.dumps(_TINY),), name="backcare-vl-convert", daemon=True
            )
            _engine.start()


def _ready() -> None:
    """Wait until an engine started by start_engine() is up (never draw alongside its start)."""
    if _engine is not None:
        _engine.join()


def _spec_json(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    return json.dumps(chart) if isinstance(chart, dict) else chart.to_json()


def to_png(chart: alt.TopLevelMixin | dict[str, Any], scale: int = PNG_SCALE) -> bytes:
    """Render a chart (Altair object or Vega-Lite dict) to PNG bytes (default 2x for sharp printing)."""
    spec = _spec_json(chart)
    _ready()
    return bytes(vlc.vegalite_to_png(spec, scale=scale))


def to_svg(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    """Render a chart (Altair object or Vega-Lite dict) to an SVG document (vector)."""
    spec = _spec_json(chart)
    _ready()
    return str(vlc.vegalite_to_svg(spec))


def file_name(chart_name: str, start: date, end: date, extension: str) -> str:
    """File name such as 'backcare-pain-over-time-2026-01-01-to-2026-03-31.png'."""
    slug = re.sub(r"[^a-z0-9]+", "-", chart_name.lower()).strip("-")
    return f"backcare-{slug}-{start.isoformat()}-to-{end.isoformat()}.{extension}"
