"""Insights: which exercise types go with lower or higher pain in your own data, answered honestly."""

import pandas as pd
import streamlit as st

from backcare import analysis, charts, insights_text, ui

st.title("Insights")
ui.show_flash()
ui.red_flag_banner("insights")
st.caption(
    "What your own diary associates with lower or higher pain the next day, with the uncertainty "
    "and the number of days behind each answer. Associations, not causes; not medical advice."
)

inputs = ui.insights_inputs()  # only the columns the analysis reads
sessions, days = inputs.sessions, inputs.diary.days  # days: the first to the last check-in
types = ui.type_names()
if days.empty or sessions.empty:
    st.info(
        "Insights need both daily pain check-ins and exercise sessions. Keep logging: after about four "
        "weeks of check-ins, with some days with and some without each exercise, answers start to appear.",
        icon="🌱",
    )
    st.stop()
first, last = days[0].date(), days[-1].date()

details = ui.insights_effects()
estimated = details[details["verdict"] != "not enough data"]

if estimated.empty:
    st.info("Not enough varied data yet. Keep logging, or try an Experiment for a fairer answer.", icon="⏳")
else:
    drawn = charts.chart_data(estimated)
    ui.chart_with_downloads(
        lambda: charts.forest_plot_spec(drawn, types), "associations", first, last, "dl_forest", inputs=(drawn, types),
    )  # fmt: skip
    st.caption("Dot: best estimate. Line: 95% range. Shaded: ±1 point, smaller than most people notice.")

note = insights_text.multiplicity_note(details)
if note:  # before the cards, so it is read before any single result
    st.info(note, icon="🎲")
if not estimated.empty:  # once for every card below, not repeated in each
    st.caption(insights_text.CAVEAT)

for row in details.sort_values("estimate", na_position="last").to_dict("records"):
    name = types.get(row["exercise_type"], row["exercise_type"])
    verdict = insights_text.VERDICT_WORDS[row["verdict"]]
    with st.container(border=True):
        st.markdown(f"**{ui.md(name)}** · {verdict}")
        st.write(ui.md(insights_text.effect_sentence(row, name)))

st.subheader("Right after a session")
immediate = ui.memo("immediate", lambda: analysis.immediate_effects(sessions), data=(sessions,))
shown = immediate.dropna(subset=["ci_low"]) if len(immediate) else immediate
if shown.empty:
    st.info(
        "Record your pain just before and just after at least three sessions of a type to see this.", icon="↕️"
    )
else:
    ui.chart_with_downloads(
        lambda: charts.immediate_chart(shown, types), "right after a session", first, last, "dl_immediate", inputs=(shown, types),
    )  # fmt: skip
    st.caption(
        "Pain just after minus just before, averaged over sessions. Short-term changes like these are "
        "often bigger than lasting ones, and part of them is simply expectation."
    )

st.subheader("Same day, next day, two days later")
if estimated.empty:
    st.info("Not enough data yet to compare the days after exercise.", icon="⏳")
elif st.toggle("Show how the difference looks over the days after", key="insights_show_lags"):
    profile = ui.insights_lag_profile()  # two more regressions: only when asked for
    lags = charts.chart_data(profile)
    ui.chart_with_downloads(
        lambda: charts.lag_chart_spec(lags, types), "lag profile", first, last, "dl_lags", inputs=(lags, types),
    )  # fmt: skip
    st.caption(
        "The same day is not estimated: on the same day, exercising on a better day and what the exercise "
        "does cannot be told apart."
    )

st.subheader("More or less exercise in a week")
recent = inputs.recent  # the rows from analysis.dose_start: older weeks are not read
weeks = ui.memo("dose", lambda: analysis.dose_table(*recent, weeks=analysis.DOSE_WEEKS), data=recent)
if len(weeks) < 6:
    st.info("This view appears once at least six weeks have four or more logged days.", icon="📆")
else:
    ui.chart_with_downloads(
        lambda: charts.dose_chart_spec(weeks), "weekly minutes and pain", weeks["week"].min().date(),
        weeks["week"].max().date(), "dl_dose", inputs=(weeks,),
    )  # fmt: skip
    st.caption(
        "Each dot is a week (up to the last two years). The dashed line is a straight-line summary, "
        "an association only."
    )

with st.expander("How this is computed"):
    thresholds = analysis.Thresholds()
    st.markdown(
        f"""
For each exercise type, backcare compares your pain **the day after** days with that exercise to
the day after days **with no logged exercise**, using one regression that also accounts for:

- **how you were before the exercise** that day (people exercise more on better days, and a good
  day tends to be followed by another, which would make any exercise look helpful). How much of
  a day's pain carries over to the next is learned from your ratings, allowing for a single
  rating being a rough measure of how you were; a day you did not log is estimated from the four
  days before it. If you record when you rated your pain and when the
  session started, or your pain before the session, backcare uses the pain **before** the
  exercise, both on the day of the exercise and on the day after;
- **the other exercise types** you did, and yesterday's sessions (carry-over);
- **day of the week** and a **slow trend** over time (many people slowly improve anyway).

The same day is not estimated. If your pain on exercise days is clearly lower that day but higher
the next (the pattern of rating pain after the session), the next-day answer is held back until
the times are recorded.

The 95% range accounts for pain being similar from one day to the next. We checked the method on
simulated diaries with a known truth, in 16 conditions real diaries meet (noisy ratings
over three years, ratings after sessions, flares, unlogged bad days, short diaries...): with an
exercise that does nothing it said "lower" or "higher" pain in about 5 in 100 people (between 2 and
6, depending on the condition). A real 1-point difference from exercising 3 times a week is found
within 90 days in about 9 in 10 people; longer diaries find it more often.

backcare says **not enough data** when there are fewer than {thresholds.min_rows} pairs of logged
days, fewer than {thresholds.min_days_with} days with the exercise or without any exercise, all of
them within {thresholds.min_spread_days} days or in fewer than {thresholds.min_weeks} weeks, or when
the exercise is done on more than {thresholds.max_share:.0%} of days.

**What it cannot do:** rule out that something else changed on the same days (sleep, stress, a
new medication), or that how you feel shapes both your exercise and your rating in ways the
diary does not see. A planned Experiment, alternating periods with and without an exercise, is
the fairer test. Method version: `{analysis.METHOD_VERSION}`.
"""
    )
    st.dataframe(
        pd.DataFrame(details).rename(columns={"exercise_type": "type"}).drop(columns=["reason"]),
        hide_index=True,
        width="stretch",
    )
