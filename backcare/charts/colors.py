"""One colour per exercise type everywhere, and the shared chart constants."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import altair as alt

from backcare.catalogue import BUILTIN_TYPES

AnyChart = alt.Chart | alt.LayerChart | alt.FacetChart

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
alt.data_transformers.disable_max_rows()  # ten years of days is fine

TREND_HEIGHT = 300
# The chart's width fits its box (page column or PDF), while ``height`` is the plot's own height:
# titles, axes and legends are added around it instead of squeezing the plot (Streamlit's default
# "fit" squeezed a 0-10 axis into 40-75 px once a legend sat below it).
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
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


def drawn_types(type_names: Mapping[str, str], shown: Iterable[str]) -> list[str]:
    """The display names a chart really draws, in the colour scale's order: its legend lists only
    these (``alt.Legend(values=...)``), while the scale still spans every type so colours match."""
    present = set(shown)
    return [name for name in type_color_scale(type_names).domain if name in present]


def type_colour(title: str, type_names: Mapping[str, str], shown: Iterable[str]) -> alt.Color:
    """Colour by exercise type (display name) with the legend below the chart, in two columns,
    listing only the types drawn (``shown``)."""
    return alt.Color(
        "type_name:N",
        title=title,
        scale=type_color_scale(type_names),
        legend=alt.Legend(
            orient="bottom",
            columns=2,
            titleLimit=0,
            labelLimit=0,
            columnPadding=24,
            values=drawn_types(type_names, shown),
        ),
    )
