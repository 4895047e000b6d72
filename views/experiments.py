"""Experiments: plan, run and read a planned self-experiment (alternating periods)."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from backcare import charts, ui
from backcare.experiments import runs
from backcare.experiments.plan import (
    ExperimentPlan,
    arm_label,
    day_status,
    schedule,
    schedule_ics,
    short_arm,
    validate_plan,
)
from backcare.experiments.verdict import experiment_result
from backcare.store import experiments_frame, set_experiment_status, start_experiment

st.title("Experiments")
st.caption(
    "A planned self-experiment: alternate periods with and without an exercise, in an order chosen "
    "at random, and compare your pain. It is fairer than looking back at your diary, because you "
    "no longer choose to exercise on your better days. Not medical advice: check with a professional "
    "before starting a new exercise programme."
)
ui.show_flash()
ui.red_flag_banner("experiments")
store = ui.get_store()
names = ui.type_names()
today = date.today()


def schedule_table(plan: ExperimentPlan) -> pd.DataFrame:
    """The schedule as rows a person can read."""
    return pd.DataFrame(
        [
            {
                "Period": p.number,
                "Plan": arm_label(plan, p.arm, names),  # second: on a phone the first columns show
                "From": p.start,
                "To": p.end,
                "Pair": p.pair,
                "Not compared (settling in)": f"until {p.washout_end:%d %b}" if plan.washout_days else "-",
            }
            for p in schedule(plan)
        ]
    )


def show_result(
    plan: ExperimentPlan, result_periods: pd.DataFrame, sentence: str, key: str, checks: list[str]
) -> None:
    """Verdict sentence, the checks behind it (adherence, carry-over), per-period chart and the
    unblinded caveat."""
    st.markdown(f"**{ui.md(sentence)}**")
    for line in checks:
        st.caption(ui.md(line))
    arm_names = {"A": short_arm(plan, "A", names), "B": short_arm(plan, "B", names)}
    if result_periods["mean_pain"].notna().any():
        ui.chart_with_downloads(
            lambda: charts.experiment_chart(result_periods, arm_names), "experiment", plan.start, plan.end,
            key, extra_key=(plan.to_json(),),
        )  # fmt: skip
    st.caption(runs.UNBLINDED)


running = ui.running_experiment(today)
if running is not None:
    plan = running.plan
    st.subheader("Your experiment")
    st.markdown(
        f"**Question:** {ui.md(arm_label(plan, 'A', names))} vs {ui.md(arm_label(plan, 'B', names))}."
    )
    if running.pending_stop:  # rendering never writes: pausing is the person's click
        st.error(f"**This experiment should pause.** {ui.md(running.pending_stop)}", icon="⏸️")
        if st.button("Pause the experiment", key="exp_pause") and ui.attempt(
            lambda: runs.pause_for_stop_rule(store, running)
        ):
            st.rerun()
    elif running.status == "paused":
        st.error(f"**Paused.** {ui.md(running.status_reason or '')}", icon="⏸️")
    else:
        st.info(ui.md(runs.status_line(plan, names, today)), icon="🧪")
    result = running.result
    adherence = result.adherence
    col1, col2, col3 = st.columns(3)
    col1.metric("Day", f"{min(day_status(plan, today).day_number, plan.total_days)} of {plan.total_days}")
    col2.metric("Plan followed so far", "-" if pd.isna(adherence) else f"{adherence:.0%}")
    col3.metric("Completed pairs", f"{result.completed_pairs} of {plan.pairs}")
    show_result(
        plan, result.periods, runs.result_sentence(plan, result, names), "dl_running",
        runs.result_checks(plan, result),
    )  # fmt: skip
    with st.expander("Schedule"):
        st.dataframe(schedule_table(plan), hide_index=True, width="stretch")
        st.download_button(
            "Download the schedule for your calendar (.ics)", schedule_ics(plan, names),
            file_name="backcare-experiment.ics", mime="text/calendar", key="ics_running", on_click="ignore",
        )  # fmt: skip
    st.caption(runs.STOP_RULES)
    finished = today > plan.end
    resume = running.status == "paused" and st.button(
        "I have talked to a clinician: resume", key="exp_resume"
    )
    if resume and ui.attempt(lambda: set_experiment_status(store, running.id, "active", None) or True):
        ui.flash("Experiment resumed.")
        st.rerun()
    label = "Finish and keep the result" if finished else "Stop the experiment"
    with st.form("stop_experiment"):
        reason = st.text_input("Why (optional)", key="exp_stop_reason", max_chars=300)
        sure = st.checkbox("Yes, end this experiment (the plan cannot be restarted)", key="exp_stop_sure")
        if st.form_submit_button(label):
            if not sure:
                st.warning("Tick the box to confirm.", icon="☝️")
            elif ui.attempt(
                lambda: (
                    set_experiment_status(
                        store, running.id, "completed" if finished else "stopped", reason.strip() or None
                    )
                    or True
                )
            ):
                ui.flash(
                    "Experiment completed." if finished else "Experiment stopped. You can plan a new one."
                )
                st.rerun()
else:
    st.subheader("Plan an experiment")
    st.markdown(
        "Pick one exercise to test. backcare splits the coming weeks into **pairs of periods**; in each "
        "pair one period is with the exercise and one without (or with the other exercise), in an order "
        "drawn at random. Log your pain every day; keep the rest of your routine as usual."
    )
    keys = list(names)
    col1, col2 = st.columns(2)
    x = col1.selectbox(
        "Exercise to test", keys, format_func=names.get, index=keys.index("yoga") if "yoga" in keys else 0,
        key="exp_type",
    )  # fmt: skip
    options: list[str | None] = [None, *[k for k in keys if k != x]]
    y = col2.selectbox(
        "Compared with", options, key="exp_compare",
        format_func=lambda k: f"usual routine without {names.get(x, x)}" if k is None else names.get(k, k),
    )  # fmt: skip
    per_week = col1.number_input("On at least this many days a week", 1, 7, 3, key="exp_per_week")
    period_days = col2.number_input("Days in each period", 7, 56, 14, key="exp_period_days")
    pairs = col1.number_input("Pairs of periods", 3, 12, 4, key="exp_pairs", help="At least 3 for a result.")
    washout = col2.number_input(
        "Settling-in days not compared", 0, 14, 3, key="exp_washout",
        help="Effects take a few days to build up and wear off; these first days of each period are left out.",
    )  # fmt: skip
    start = st.date_input(
        "Start", value=today + timedelta(days=1), min_value=today - timedelta(days=7), format="YYYY-MM-DD",
        key="exp_start",
    )  # fmt: skip
    if "exp_seed" not in st.session_state:
        st.session_state["exp_seed"] = ExperimentPlan(x, start).seed
    plan = ExperimentPlan(
        exercise_type=x, start=start, comparison=y, min_days_per_week=int(per_week), period_days=int(period_days),
        pairs=int(pairs), washout_days=int(washout), seed=int(st.session_state["exp_seed"]),
    )  # fmt: skip
    valid = ui.attempt(lambda: validate_plan(plan, set(names)))
    if valid is not None:
        st.markdown(
            f"**{2 * plan.pairs} periods, {plan.total_days} days**: from {ui.format_day(plan.start)} "
            f"to {ui.format_day(plan.end)}."
        )
        st.info(ui.md(runs.planning_advice(plan, ui.checkins())), icon="📏")
        st.space("xsmall")  # room for the table's toolbar, which on a phone covered the advice
        st.dataframe(schedule_table(plan), hide_index=True, width="stretch")
        st.download_button(
            "Download the schedule for your calendar (.ics)", schedule_ics(plan, names),
            file_name="backcare-experiment.ics", mime="text/calendar", key="ics_plan", on_click="ignore",
        )  # fmt: skip
        st.warning(f"**Stop rules.** {runs.STOP_RULES}", icon="🛑")
        st.caption(runs.UNBLINDED)
        st.caption(
            "Starting locks the plan: it is stored with a fingerprint and cannot be edited, only stopped. "
            "That keeps the result honest."
        )
        started = st.button("Start this experiment", type="primary", key="exp_start_button")
        if started and ui.attempt(lambda: start_experiment(store, plan)) is not None:
            st.session_state.pop("exp_seed", None)
            ui.flash("Experiment started. Good luck, and log your pain every day.")
            st.rerun()

past = experiments_frame(store)
past = past[~past["status"].isin(["active", "paused"])]
if len(past):
    st.subheader("Past experiments")
    for row in past.to_dict("records"):
        old = ExperimentPlan.from_json(row["plan_json"])
        outcome = experiment_result(
            old, ui.checkins(old.start, old.end), ui.sessions(old.start, old.end), today=today
        )
        with st.expander(
            f"{arm_label(old, 'A', names)} vs {short_arm(old, 'B', names)} · from {old.start:%d %b %Y} ({row['status']})"
        ):
            if row["status_reason"]:
                st.caption(f"Ended: {ui.md(row['status_reason'])}")
            show_result(
                old,
                outcome.periods,
                runs.result_sentence(old, outcome, names),
                f"dl_exp_{row['id']}",
                runs.result_checks(old, outcome),
            )
