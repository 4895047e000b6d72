"""Chart values: pure functions returning alt.Chart. Pages display them; reports export them.

One colour per exercise type everywhere (``type_color_scale``), tooltips on every mark.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import altair as alt
import pandas as pd

from backcare.catalogue import BUILTIN_TYPES

# Colour-blind-friendly palette; built-in types keep their colour forever, custom types follow.
TYPE_COLORS: dict[str, str] = {
    "pilates": "#7b5ea7",
    "yoga": "#2a9d8f",
    "strength": "#e76f51",
    "walking": "#8ab17d",
    "stretching": "#e9c46a",
    "swimming": "#4a90c2",
    "cycling": "#c96f9b",
    "other": "#8d8d8d",
}
_EXTRA_COLORS = ("#6d597a", "#b56576", "#355070", "#a3b18a", "#bc6c25", "#588157", "#9c6644", "#457b9d")
PAIN_COLOR = "#1f2a2e"
FLARE_COLOR = "#c0392b"


def type_color(key: str, all_keys: Sequence[str] = ()) -> str:
    """The colour of an exercise type (stable for built-ins, by order of creation for custom ones)."""
    if key in TYPE_COLORS:
        return TYPE_COLORS[key]
    custom = [k for k in all_keys if k not in TYPE_COLORS] or [key]
    index = custom.index(key) if key in custom else len(custom)
    return _EXTRA_COLORS[index % len(_EXTRA_COLORS)]


def type_color_scale(type_names: Mapping[str, str]) -> alt.Scale:
    """Colour scale over type display names, identical in every chart for the same types."""
    keys = list(type_names) or [t.key for t in BUILTIN_TYPES]
    return alt.Scale(domain=[type_names.get(k, k) for k in keys], range=[type_color(k, keys) for k in keys])


def week_glance(checkins: pd.DataFrame, end: date) -> alt.Chart:
    """Pain on the 7 days ending ``end`` as bars (unlogged days labelled), for the Today page."""
    days = pd.DataFrame({"date": pd.to_datetime([end - timedelta(days=6 - i) for i in range(7)])})
    merged = (
        days.merge(checkins[["date", "pain"]], on="date", how="left")
        if len(checkins)
        else days.assign(pain=None)
    )
    merged["day"] = merged["date"].dt.strftime("%a %d")
    merged["label"] = merged["pain"].map(lambda p: "not logged" if pd.isna(p) else f"{int(p)}/10")
    merged["pain"] = merged["pain"].astype("Float64").fillna(0)
    base = alt.Chart(merged).encode(
        x=alt.X("day:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
        tooltip=[alt.Tooltip("day:N", title="Day"), alt.Tooltip("label:N", title="Pain")],
    )
    bars = base.mark_bar(color="#2f6f73", cornerRadiusTopLeft=3, cornerRadiusTopRight=3).encode(
        y=alt.Y("pain:Q", scale=alt.Scale(domain=[0, 10]), title="Pain (0-10)")
    )
    text = base.mark_text(dy=-8, fontSize=11).encode(y="pain:Q", text="label:N")
    return (bars + text).properties(height=180, title="Your last 7 days")
