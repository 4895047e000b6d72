"""A chart made ready for Streamlit once: its Vega-Lite spec, and the same spec with its datasets
already turned into the Arrow bytes Streamlit sends to the browser.

Three costs of Altair's ``to_dict()`` are cut, with the same result:
- its JSON-schema validation is skipped (tests validate every chart; it doubled the cost);
- its data step (``sanitize_pandas_dataframe``, then records) is done column by column in plain
  Python instead of a pandas copy-and-assign per column, which cost about 1 ms a column even for a
  7-row frame. ``records`` gives exactly Altair's values; anything unusual goes to Altair's own;
- ``st.vega_lite_chart`` converts every inline dataset to Arrow on every rerun, cached spec or
  not; a dataset that is already bytes is sent as it is, so the bytes are made once here, by
  Streamlit's own converter from the very records it would convert.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from altair.utils.data import limit_rows, to_values
from streamlit import dataframe_util

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


@dataclass(frozen=True)
class ChartSpec:
    """``spec``: Altair's ``to_dict()`` (records inline, for image downloads); ``sent``: the same
    with each dataset as Arrow bytes, what ``st.vega_lite_chart`` is given. Shared: never change them."""

    spec: dict[str, Any]
    sent: dict[str, Any]


def prepare(chart: Any) -> ChartSpec:
    """Turn an Altair chart into its Vega-Lite spec (equal to its validated ``to_dict()``) and
    convert its datasets to Arrow once."""
    with alt.data_transformers.enable("backcare_records"):
        spec: dict[str, Any] = chart.to_dict(validate=False)
    datasets = spec.get("datasets") or {}
    sent = {**spec, "datasets": {name: _arrow(values) for name, values in datasets.items()}}
    if not datasets:
        sent.pop("datasets")
    return ChartSpec(spec, sent)


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


def _arrow(values: Any) -> Any:
    # Records become Arrow exactly as Streamlit would convert them; anything else (GeoJSON) stays.
    if isinstance(values, list) and all(isinstance(row, dict) for row in values):
        return dataframe_util.convert_anything_to_arrow_bytes(values)
    return values


alt.data_transformers.register("backcare_records", records)
