"""A chart made ready for Streamlit once: its Vega-Lite spec, and the same spec with its datasets
already turned into the Arrow bytes Streamlit sends to the browser.

Two costs of Altair's ``to_dict()`` are cut, with the same result: its JSON-schema validation is
skipped (tests validate every chart; it doubled the cost), and its data step is
``charts.specs.records`` (plain Python per column instead of a pandas copy-and-assign per column).
A chart can also come as a spec already (``charts.specs.filled``), with no Altair objects at all.
``st.vega_lite_chart`` converts every inline dataset to Arrow on every rerun, cached spec or not;
a dataset that is already bytes is sent as it is, so the bytes are made once here, by Streamlit's
own converter from the very records it would convert, and once per content: a dataset named by
its values' hash (as Altair names inline data) is converted the first time that name is seen.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import altair as alt
from streamlit import dataframe_util

from backcare.charts.specs import records

V = TypeVar("V")


class Kept(Generic[V]):
    """The last ``size`` values made, by key (least recently used first out), shared by every
    session and thread; a value is made outside the lock (two threads may both make it once)."""

    def __init__(self, size: int) -> None:
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value kept for ``key``, or ``make()`` kept for it from now on."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = make()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self._size:
                self._values.popitem(last=False)
        return value


# Arrow bytes of datasets named by their content (Altair's "data-" + a hash of the values): equal
# names mean equal values, so a dataset drawn again (a zero line, a band, an unchanged layer) is
# converted once. Bytes are never changed, only handed to Streamlit.
_converted: Kept[bytes] = Kept(64)
# Charts made ready, by the caller's key (a name, dates and a digest of the chart's data): a plain
# dictionary look-up, where Streamlit's cache hashed the key's parts again on every run (0.5 ms).
_prepared: Kept[ChartSpec] = Kept(128)


@dataclass(frozen=True)
class ChartSpec:
    """``spec``: Altair's ``to_dict()`` (records inline, for image downloads); ``sent``: the same
    with each dataset as Arrow bytes, what ``st.vega_lite_chart`` is given. Shared: never change them."""

    spec: dict[str, Any]
    sent: dict[str, Any]


def prepare(chart: Any) -> ChartSpec:
    """Turn an Altair chart, or a spec already made (a dict), into its Vega-Lite spec (equal to its
    validated ``to_dict()``) and convert its datasets to Arrow once."""
    if isinstance(chart, dict):
        spec: dict[str, Any] = chart
    else:
        with alt.data_transformers.enable("backcare_records"):
            spec = chart.to_dict(validate=False)
    datasets = spec.get("datasets") or {}
    sent = {**spec, "datasets": {name: _arrow(name, values) for name, values in datasets.items()}}
    if not datasets:
        sent.pop("datasets")
    return ChartSpec(spec, sent)


def _arrow(name: str, values: Any) -> Any:
    # Records become Arrow exactly as Streamlit would convert them; anything else (GeoJSON) stays.
    if not (isinstance(values, list) and all(isinstance(row, dict) for row in values)):
        return values
    if not name.startswith("data-"):  # not named by its content: converted each time
        return dataframe_util.convert_anything_to_arrow_bytes(values)
    return _converted.get(name, lambda: dataframe_util.convert_anything_to_arrow_bytes(values))


def prepared(key: Hashable, build: Callable[[], Any]) -> ChartSpec:
    """``prepare(build())``, made once per ``key``: the key must name everything the chart is
    drawn from (for a chart of data, a digest of that data)."""
    return _prepared.get(key, lambda: prepare(build()))


alt.data_transformers.register("backcare_records", records)
