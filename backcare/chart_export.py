"""Export chart values to PNG (2x) and SVG with vl-convert, fully offline.

vl-convert holds the GIL while it works (its engine start, about 0.4 s of CPU, and each drawing), so
a thread cannot draw beside Python work: it stops it. A fresh process that still has imports and a
layout ahead (the command-line report) draws in a child process instead: ``PngProcess`` starts the
child's engine at once and draws the charts it is sent while the parent goes on
(benchmarks/bench_report.py). ``PngHere`` has the same two methods and draws in this process (the
app, whose engine is already warm). Altair is not imported here: charts arrive as Altair objects or
plain Vega-Lite dicts.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

import vl_convert as vlc

if TYPE_CHECKING:
    import altair as alt

PNG_SCALE = 2
_TINY = {
    "data": {"values": [{"x": 0}]},
    "mark": "point",
    "encoding": {"x": {"field": "x", "type": "quantitative"}},
}
# The child: start the engine, read {name: Vega-Lite JSON} on stdin, answer {name: base64 PNG}.
_CHILD = """
import base64, json, sys
import vl_convert as vlc
vlc.vegalite_to_svg(sys.argv[1])
specs = json.load(sys.stdin)
scale = float(sys.argv[2])
json.dump({k: base64.b64encode(vlc.vegalite_to_png(s, scale=scale)).decode() for k, s in specs.items()}, sys.stdout)
"""


def spec_json(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    """The Vega-Lite JSON of a chart (Altair object or dict)."""
    return json.dumps(chart) if isinstance(chart, dict) else chart.to_json()


def to_png(chart: alt.TopLevelMixin | dict[str, Any], scale: int = PNG_SCALE) -> bytes:
    """Render a chart (Altair object or Vega-Lite dict) to PNG bytes (default 2x for sharp printing)."""
    return bytes(vlc.vegalite_to_png(spec_json(chart), scale=scale))


def to_svg(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    """Render a chart (Altair object or Vega-Lite dict) to an SVG document (vector)."""
    return str(vlc.vegalite_to_svg(spec_json(chart)))


def warm_up() -> None:
    """Start vl-convert's engine in this process (about 0.4 s of CPU, once)."""
    vlc.vegalite_to_svg(json.dumps(_TINY))


class PngDrawer(Protocol):
    """Something that draws named Vega-Lite specs to PNG: ``draw`` hands them over, ``pngs`` waits."""

    def draw(self, specs: dict[str, str]) -> None:
        """Hand over Vega-Lite JSON specs by name (returns at once)."""

    def pngs(self) -> dict[str, bytes]:
        """The PNG bytes of the specs, by name (waits for them)."""


class PngHere:
    """Draws in this process, when ``pngs`` is first called."""

    def __init__(self, scale: int = PNG_SCALE) -> None:
        self._scale, self._specs = scale, dict[str, str]()

    def draw(self, specs: dict[str, str]) -> None:
        """Keep the specs to draw."""
        self._specs = dict(specs)

    def pngs(self) -> dict[str, bytes]:
        """Draw the specs and return their PNG bytes by name."""
        return {
            name: bytes(vlc.vegalite_to_png(spec, scale=self._scale)) for name, spec in self._specs.items()
        }


class PngProcess:
    """Draws in a child Python process whose engine starts as soon as this object is made.

    Use it as a context manager: leaving it ends the child (killed if it is still drawing)."""

    def __init__(self, scale: int = PNG_SCALE) -> None:
        self._child = subprocess.Popen(
            [sys.executable, "-P", "-c", _CHILD, json.dumps(_TINY), str(scale)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def draw(self, specs: dict[str, str]) -> None:
        """Send the specs; the child draws them while this process goes on."""
        pipe, self._child.stdin = self._child.stdin, None  # communicate() then only reads
        assert pipe is not None
        try:
            with pipe:
                pipe.write(json.dumps(specs).encode("utf-8"))
        except BrokenPipeError:
            pass  # the child has ended: pngs() says why

    def pngs(self) -> dict[str, bytes]:
        """Wait for the child and return the PNG bytes by name."""
        out, err = self._child.communicate()
        if self._child.returncode != 0:
            last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            raise RuntimeError(f"drawing the charts failed: {last[0]}")
        return {name: base64.b64decode(data) for name, data in json.loads(out).items()}

    def __enter__(self) -> PngProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._child.poll() is None:
            self._child.kill()
        self._child.communicate()


def file_name(chart_name: str, start: date, end: date, extension: str) -> str:
    """File name such as 'backcare-pain-over-time-2026-01-01-to-2026-03-31.png'."""
    slug = re.sub(r"[^a-z0-9]+", "-", chart_name.lower()).strip("-")
    return f"backcare-{slug}-{start.isoformat()}-to-{end.isoformat()}.{extension}"
