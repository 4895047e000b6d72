"""Vega-Lite specs made without building Altair objects each time, equal to Altair's ``to_dict()``.

Building a chart's Altair objects and walking them into a spec cost more than the data itself
(ten years on the Dashboard: the pain chart about 14 ms to build and 18 ms to walk, for 2 ms of
data). A chart's *layout* (marks, encodings, scales, legends) depends on a few small facts (daily
or weekly, which types the legend lists, whether a band is drawn), its datasets and description
on the data. ``filled`` builds the layout once per such shape with Altair, the datasets named by
placeholders, and then only puts each new diary's data into it: the datasets as records, named by
the hash of their values exactly as Altair names them, and the description.
tests/test_chart_specs.py checks that the result equals Altair's validated ``to_dict()`` of the
same chart.

``records`` is Altair's data step (row limit, then ``to_values``), done column by column in plain
Python for plain DataFrames: Altair's ``sanitize_pandas_dataframe`` copies the frame and assigns
each column, about 1 ms a column even for 7 rows. Anything unusual goes to Altair's own.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from altair.utils.data import limit_rows, to_values

# Column kinds whose values Altair turns into objects with missing values as None.
_AS_OBJECTS = ("category", "string", "str", "boolean", "object")
_NULLABLE_NUMBERS = {
    "Int8",
    "Int16",
    "Int32",
    "Int64",
    "UInt8",
    "UInt16",
    "UInt32",
    "UInt64",
    "Float32",
    "Float64",
}
_PLACEHOLDER = "backcare-layout:"  # a dataset's name in a cached layout, before the data is put in
_MAX_LAYOUTS = 64

Layout = Callable[..., Any]  # (datasets by name, *shape) -> an Altair chart
_layouts: OrderedDict[tuple[str, Hashable], dict[str, Any]] = OrderedDict()
_lock = threading.Lock()


def filled(
    layout: Layout, shape: tuple[Hashable, ...], frames: Mapping[str, pd.DataFrame], **top: Any
) -> dict[str, Any]:
    """The spec of ``layout(frames, *shape).properties(**top)`` (Altair's ``to_dict()``), with the
    layout built once per ``shape``: ``layout`` must draw ``frames`` only through the datasets it is
    given, and depend on nothing but them and ``shape``. ``top``: top-level properties made from the
    data (a description)."""
    key = (f"{layout.__module__}.{layout.__qualname__}", shape)
    with _lock:
        spec = _layouts.get(key)
        if spec is not None:
            _layouts.move_to_end(key)
    if spec is None:
        placeholders = {name: alt.NamedData(name=_PLACEHOLDER + name) for name in frames}
        spec = layout(placeholders, *shape).to_dict(validate=False)
        with _lock:
            _layouts[key] = spec
            while len(_layouts) > _MAX_LAYOUTS:
                _layouts.popitem(last=False)
    names: dict[str, str] = {}
    datasets: dict[str, Any] = {}
    for name, frame in frames.items():
        values = records(frame)["values"]
        names[_PLACEHOLDER + name] = dataset_name(values)
        datasets[names[_PLACEHOLDER + name]] = values  # equal data, one dataset, as in Altair
    out: dict[str, Any] = _with_names(spec, names)
    out.update(top)
    out["datasets"] = datasets
    return out


Parts = tuple[Mapping[str, pd.DataFrame], tuple[Hashable, ...], str]  # datasets, layout shape, description


def drawn(layout: Layout, parts: Parts) -> Any:
    """The Altair chart ``layout`` draws of ``parts`` (its datasets, its shape and its description)."""
    frames, shape, description = parts
    return layout(frames, *shape).properties(description=description)


def filled_from(layout: Layout, parts: Parts) -> dict[str, Any]:
    """``drawn(layout, parts).to_dict()``, from the layout built once per shape (``filled``)."""
    frames, shape, description = parts
    return filled(layout, shape, frames, description=description)


def dataset_name(values: Any) -> str:
    """The name Altair gives an inline dataset (``altair.vegalite.v6.api._dataset_name``)."""
    if values == [{}]:
        return "empty"
    text = json.dumps(values, sort_keys=True, default=str)
    return "data-" + hashlib.sha256(text.encode()).hexdigest()[:32]


def _with_names(node: Any, names: Mapping[str, str]) -> Any:
    # A copy of the cached layout (never shared with a caller) with each placeholder named.
    if isinstance(node, dict):
        if len(node) == 1 and node.get("name") in names:
            return {"name": names[node["name"]]}
        return {key: _with_names(value, names) for key, value in node.items()}
    if isinstance(node, list):
        return [_with_names(value, names) for value in node]
    return node


def records(data: Any) -> Any:
    """Altair's data transformer (row limit, then ``to_values``), faster for plain DataFrames."""
    limited = limit_rows(data)  # raises past Altair's 5,000 rows; a DataFrame comes back wrapped
    if not isinstance(data, pd.DataFrame) or not _plain(data):
        return to_values(limited)
    columns = {name: _column(data[name]) for name in data.columns}
    return {"values": [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]}


def _plain(df: pd.DataFrame) -> bool:
    # What Altair's sanitize accepts or refuses with an error stays with Altair.
    if isinstance(df.columns, pd.RangeIndex | pd.MultiIndex) or isinstance(df.index, pd.MultiIndex):
        return False
    if not all(isinstance(name, str) for name in df.columns) or df.columns.has_duplicates:
        return False
    return all(_kind(dtype) is not None for dtype in df.dtypes)


def _kind(dtype: Any) -> str | None:
    name = str(dtype)
    if name in _AS_OBJECTS or name in _NULLABLE_NUMBERS:
        return "objects"
    if name.startswith(("datetime", "timestamp")):
        return "dates"
    if name.startswith(("timedelta", "geometry")):
        return None
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return "plain"
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return "floats"
    return None


def _column(col: pd.Series) -> list[Any]:
    kind = _kind(col.dtype)
    if kind == "dates":  # Altair: isoformat of each value, "" for a missing one
        array = col.to_numpy()
        if isinstance(array.dtype, np.dtype) and array.dtype.kind == "M":
            seconds = array.astype("datetime64[s]")
            if (seconds == array)[
                ~np.isnat(array)
            ].all():  # whole seconds, no zone: numpy's text is isoformat
                text: list[Any] = np.datetime_as_string(seconds, unit="s").tolist()
                return ["" if value == "NaT" else value for value in text]
        return ["" if value is pd.NaT else value.isoformat() for value in col]
    if kind == "plain":
        values: list[Any] = col.to_numpy().tolist()
        return values
    if kind == "floats":  # NaN and infinities become None
        array = col.to_numpy()
        values = array.tolist()
        for i in np.flatnonzero(~np.isfinite(array)):
            values[i] = None
        return values
    objects = col.astype(object)
    values = [_native(v) for v in objects.to_numpy()]
    for i in np.flatnonzero(objects.isna().to_numpy()):
        values[i] = None
    return values


def _native(value: Any) -> Any:
    # What pandas' to_dict("records") does to a value of an object column (Altair's last step).
    if isinstance(value, np.ndarray):  # Altair turns arrays into lists
        return value.tolist()
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value)
    if isinstance(value, np.generic):
        return value.item()
    return value
