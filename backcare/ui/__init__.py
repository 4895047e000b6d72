"""The only backcare package that imports streamlit: what every page shares.

- ``diary``: which diary is shown (own or demo), the one Store per file, cached loaders keyed by
  (database, revision[, range]);
- ``widgets``: errors and flashes, plain-text escaping of user text, the sidebar and demo banner,
  the remembered date range, cached charts with downloads, the experiment banner, the safety checklist;
- ``navigation``: the sidebar closes after a page change on narrow windows, not only on phones;
- ``access``: the password gate, signed session tokens, HTTPS off loopback, downloads served once.

Pages use ``from backcare import ui`` and ``ui.<name>``.
"""

from backcare.ui.access import (
    DOWNLOAD_LIFETIME,
    FETCHES_PER_DOWNLOAD,
    SESSION_PARAM,
    gate,
    sign_out,
    signed_in,
)
from backcare.ui.diary import (
    DEMO_KEY,
    NOT_ADVICE,
    WARM_THREAD,
    active_db_path,
    answer_dates,
    checkins,
    first_day,
    get_store,
    impressions,
    in_demo,
    insights_effects,
    insights_inputs,
    movement_catalogue,
    own_db_path,
    page_run,
    peg,
    revision,
    sessions,
    type_names,
    warm_up,
)
from backcare.ui.navigation import close_navigation_after_choice
from backcare.ui.widgets import (
    RANGE_PRESETS,
    attempt,
    chart,
    chart_with_downloads,
    experiment_banner,
    flash,
    format_day,
    is_empty,
    md,
    memo,
    range_and_filter,
    red_flag_banner,
    red_flag_checklist,
    running_experiment,
    show_flash,
    sidebar,
    start_demo,
)

__all__ = [
    "DEMO_KEY",
    "DOWNLOAD_LIFETIME",
    "FETCHES_PER_DOWNLOAD",
    "NOT_ADVICE",
    "RANGE_PRESETS",
    "SESSION_PARAM",
    "WARM_THREAD",
    "active_db_path",
    "answer_dates",
    "attempt",
    "chart",
    "chart_with_downloads",
    "checkins",
    "close_navigation_after_choice",
    "experiment_banner",
    "first_day",
    "flash",
    "format_day",
    "gate",
    "get_store",
    "impressions",
    "in_demo",
    "insights_effects",
    "insights_inputs",
    "is_empty",
    "md",
    "memo",
    "movement_catalogue",
    "own_db_path",
    "page_run",
    "peg",
    "range_and_filter",
    "red_flag_banner",
    "red_flag_checklist",
    "revision",
    "running_experiment",
    "sessions",
    "show_flash",
    "sidebar",
    "sign_out",
    "signed_in",
    "start_demo",
    "type_names",
    "warm_up",
]
