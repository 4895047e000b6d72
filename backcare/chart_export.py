"""Export chart values to PNG (2x) and SVG with vl-convert, fully offline."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import altair as alt
import vl_convert as vlc

PNG_SCALE = 2


ChartLike = alt.TopLevelMixin | dict[str, Any]


def _spec_json(chart: ChartLike) -> str:
    return json.dumps(chart) if isinstance(chart, dict) else chart.to_json()


def to_png(chart: ChartLike, scale: int = PNG_SCALE) -> bytes:
    """Render a chart (Altair object or Vega-Lite dict) to PNG bytes (default 2x for sharp printing)."""
    return bytes(vlc.vegalite_to_png(_spec_json(chart), scale=scale))


def to_svg(chart: ChartLike) -> str:
    """Render a chart (Altair object or Vega-Lite dict) to an SVG document (vector; used by the PDF report)."""
    return str(vlc.vegalite_to_svg(_spec_json(chart)))


def file_name(chart_name: str, start: date, end: date, extension: str) -> str:
    """File name such as 'backcare-pain-over-time-2026-01-01-to-2026-03-31.png'."""
    slug = re.sub(r"[^a-z0-9]+", "-", chart_name.lower()).strip("-")
    return f"backcare-{slug}-{start.isoformat()}-to-{end.isoformat()}.{extension}"
