"""Dashboard: trends a person understands at a glance, and charts a doctor can keep."""

from datetime import timedelta

import streamlit as st

from backcare import analysis, charts, ui
from backcare.models import PAIN_LOCATIONS

st.title("Dashboard")
ui.experiment_banner()
if ui.is_empty():
    st.info(
        "Nothing to show yet. Log today's pain on the **Today** page; after a few days your trends "
        "appear here. Or explore with demo data from the Today page.",
        icon="📈",
    )
    st.stop()

start, end, chosen_types = ui.range_and_filter(ui.first_day())
# Only the range on screen (and the two weeks the headline compares) is loaded and analysed; what is
# computed from these frames is kept until their rows change (``data=``), not only until any write.
checkins = ui.checkins(min(start, end - timedelta(days=13)), end)
sessions = ui.sessions(min(start, end - timedelta(days=13)), end)
types = ui.type_names()
filter_key = tuple(sorted(chosen_types))
shown_sessions = sessions[sessions["exercise_type"].isin(chosen_types)] if chosen_types else sessions
in_checkins = analysis.in_range(checkins, start, end)
in_sessions = analysis.in_range(shown_sessions, start, end)
head = ui.memo(
    "headline", lambda: analysis.headline(checkins, shown_sessions, start, end), start, end, filter_key,
    data=(checkins, sessions),
)  # fmt: skip

c1, c2, c3, c4 = st.columns(4)
c1.metric(
    "Pain, last 7 days",
    "—" if head.last7_mean is None else f"{head.last7_mean:.1f}",
    None
    if head.last7_mean is None or head.prev7_mean is None
    else f"{head.last7_mean - head.prev7_mean:+.1f}",
    delta_color="inverse",
    help="Average of the days you logged in the last 7 days, compared with the 7 days before.",
)
c2.metric(
    "Change in range",
    "—" if head.change is None else f"{head.change.absolute:+.1f}",
    None
    if head.change is None or head.change.percent != head.change.percent
    else f"{head.change.percent:+.0f}%",
    delta_color="inverse",
    help=(
        f"First {head.change.window_words if head.change else 'two weeks'} of the range vs the last. "
        "About 2 points or 30% is a change most people notice."
    ),
)
c3.metric(
    "Days logged", f"{head.logged_percent:.0f}%", help=f"{head.days_logged} of {head.days_in_range} days"
)
c4.metric(
    "This week", f"{head.sessions_this_week} sessions", f"{head.minutes_this_week} min", delta_color="off"
)
if head.change is not None:
    st.caption(head.change.sentence())
elif len(in_checkins) < 8:
    st.caption("Log a few more days to see how your pain is changing across this range.")

if in_checkins.empty:
    st.info("No pain logged in this range. Pick a longer range above.", icon="📅")
else:
    baseline = head.change.baseline_mean if head.change else None

    def trend_chart():
        series, resolution = analysis.pain_series(checkins, start, end)
        return charts.pain_trend_spec(series, in_sessions, types, baseline, resolution)

    ui.chart_with_downloads(
        trend_chart,
        "pain over time", start, end, "dl_trend",
        extra_key=filter_key,
    )  # fmt: skip
    if len(in_checkins) < 3:
        st.caption("The 7-day average line appears once three days are logged.")
    if head.change is not None:
        st.caption(
            f"Shaded band: your first {head.change.window_words}' average ±2 points, the size of change most people notice."
        )

if in_sessions.empty:
    st.info("No exercise sessions in this range yet.", icon="🧘")
else:
    # Keyed on the small weekly table it draws: hashing ten years of sessions cost more than making it.
    minutes = ui.memo(
        "weekly_minutes", lambda: analysis.weekly_minutes(shown_sessions, start, end), start, end, filter_key,
        data=(sessions,),
    )  # fmt: skip
    ui.chart_with_downloads(
        lambda: charts.weekly_minutes_chart(minutes, types), "weekly minutes", start, end, "dl_weekly",
        extra_key=filter_key, inputs=(minutes, types),
    )  # fmt: skip

if not in_checkins.empty:
    cal_start = max(start, end - timedelta(weeks=analysis.CALENDAR_WEEKS) + timedelta(days=1))
    ui.chart_with_downloads(
        lambda: charts.pain_calendar_spec(analysis.calendar(checkins, shown_sessions, cal_start, end)),
        "calendar", cal_start, end, "dl_calendar", extra_key=filter_key,
    )  # fmt: skip
    if cal_start > start:
        st.caption(f"The calendar shows the last {analysis.CALENDAR_WEEKS} weeks of the range.")

left, right = st.columns(2)
with left:
    summary = ui.memo(
        "before_after", lambda: analysis.before_after(shown_sessions, start, end), start, end, filter_key,
        data=(sessions,),
    )  # fmt: skip
    if summary.empty:
        st.info("Record pain just before and after a session to see its immediate effect here.", icon="↕️")
    else:
        ui.chart_with_downloads(
            lambda: charts.before_after_chart(summary, types), "before and after", start, end, "dl_ba",
            extra_key=filter_key, inputs=(summary, types),
        )  # fmt: skip
with right:
    where = ui.memo(
        "locations", lambda: analysis.location_counts(checkins, start, end), start, end, data=(checkins,)
    )
    if where.empty:
        st.info("Add where it hurts in a check-in's details to see it here.", icon="📍")
    else:
        ui.chart_with_downloads(
            lambda: charts.locations_chart(where, PAIN_LOCATIONS),
            "where pain is",
            start,
            end,
            "dl_where",
            inputs=(where,),
        )

weekly = ui.peg()
if len(weekly) >= 2:
    ui.chart_with_downloads(
        lambda: charts.peg_chart(weekly), "weekly peg", start, end, "dl_peg", inputs=(weekly,)
    )
    st.caption(
        "Shaded band: your first weekly score ±1 point, about the size of change that matters on this scale."
    )
elif len(weekly) == 1:
    st.caption(
        f"Weekly PEG-3 score so far: {weekly['score'].iloc[0]:.1f}. The trend appears after the second week."
    )
