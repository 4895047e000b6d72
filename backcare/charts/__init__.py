"""Chart values: pure functions returning Altair charts. Pages display them; reports export them.

One colour per exercise type everywhere (``type_color_scale``), tooltips on every mark. The pain
chart and calendar also come as ready specs (``pain_trend_spec``, ``pain_calendar_spec``: the same
chart's ``to_dict()``, filled into a layout cached per shape, see ``charts/specs.py``).
"""

from backcare.charts.colors import (
    FLARE_COLOR,
    PAIN_COLOR,
    TREND_HEIGHT,
    TYPE_COLORS,
    AnyChart,
    type_color,
    type_color_scale,
)
from backcare.charts.experiments import experiment_chart
from backcare.charts.insights import (
    chart_data,
    dose_chart,
    dose_chart_spec,
    forest_plot,
    forest_plot_spec,
    immediate_chart,
    lag_chart,
    lag_chart_spec,
)
from backcare.charts.pain import pain_calendar, pain_calendar_spec, pain_trend, pain_trend_spec
from backcare.charts.trends import (
    WEEKDAYS,
    before_after_chart,
    locations_chart,
    peg_chart,
    week_glance,
    weekly_minutes_chart,
    with_type_names,
)

__all__ = [
    "FLARE_COLOR",
    "PAIN_COLOR",
    "TREND_HEIGHT",
    "TYPE_COLORS",
    "WEEKDAYS",
    "AnyChart",
    "before_after_chart",
    "chart_data",
    "dose_chart",
    "dose_chart_spec",
    "experiment_chart",
    "forest_plot",
    "forest_plot_spec",
    "immediate_chart",
    "lag_chart",
    "lag_chart_spec",
    "locations_chart",
    "pain_calendar",
    "pain_calendar_spec",
    "pain_trend",
    "pain_trend_spec",
    "peg_chart",
    "type_color",
    "type_color_scale",
    "week_glance",
    "weekly_minutes_chart",
    "with_type_names",
]
