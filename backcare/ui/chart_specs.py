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
from dataclasses import dataclass
from typing import Any

import altair as alt
from streamlit import dataframe_util

from backcare.charts.specs import records

# Arrow bytes of datasets named by their content (Altair's "data-" + a hash of the values): equal
# names mean equal values, so a dataset drawn again (a zero line, a band, an unchanged layer) is
# converted once. Bytes are never changed, only handed to Streamlit.
_converted: OrderedDict[str, bytes] = OrderedDict()
_lock = threading.Lock()
_MAX_CONVERTED = 64


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
    with _lock:
        converted = _converted.get(name)
        if converted is not None:
            _converted.move_to_end(name)
            return converted
    converted = dataframe_util.convert_anything_to_arrow_bytes(values)
    with _lock:
        _converted[name] = converted
        while len(_converted) > _MAX_CONVERTED:
            _converted.popitem(last=False)
    return converted


alt.data_transformers.register("backcare_records", records)
