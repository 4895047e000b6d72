"""Today: log a day's pain in two interactions (slider, save); details optional."""

from datetime import date, timedelta

import streamlit as st

from backcare import charts, questionnaires, ui
from backcare.models import PAIN_LOCATIONS, PAIN_QUALITIES, checkin_from_input
from backcare.store import (
    get_checkin,
    last_pain,
    save_checkin,
    save_global_impression,
    save_peg,
)

st.title("How is your back today?")
ui.show_flash()
ui.red_flag_banner()
ui.experiment_banner()

if ui.is_empty() and not st.session_state.get(ui.DEMO_KEY):
    with st.container(border=True):
        st.markdown(
            "**Welcome to backcare.** Log your pain once a day — it takes a few seconds — and your "
            "exercise sessions when you do them. Over the weeks, backcare shows what goes with better "
            "and worse days *in your own data*. Everything stays on this computer."
        )
        if st.button(
            "Explore with demo data first", help="Opens a separate demo diary; your own stays empty."
        ):
            ui.start_demo()
            st.rerun()

today = date.today()
answered = ui.answer_dates()
if answered["screening"] is None and not st.session_state.get(ui.DEMO_KEY):
    with st.expander("Before you go on: a one-minute safety check", expanded=True, icon="🩺"):
        st.caption(
            "A few symptoms with back pain need a doctor quickly. Tick any you have had in the past week."
        )
        ui.red_flag_checklist("first_safety")

day = st.date_input(
    "Day",
    value=today,
    max_value=today,
    min_value=today - timedelta(days=3650),
    format="YYYY-MM-DD",
    key="checkin_day",
    help="Pick an earlier day to fill in one you missed.",
)
store = ui.get_store()
existing = get_checkin(store, day)
if existing:
    st.info(
        f"You already logged **{existing['pain']}/10** for {ui.format_day(day)}. Saving again replaces it.",
        icon="ℹ️",
    )

suffix = day.isoformat()
default_pain = existing["pain"] if existing else (last_pain(store, day) or 0)
with st.form(f"checkin_form_{suffix}"):
    pain = st.slider(
        "Average pain over the day",
        min_value=0,
        max_value=10,
        value=int(default_pain),
        key=f"pain_{suffix}",
        help="0 = no pain, 10 = worst pain imaginable. Keep using the same meaning every day.",
    )
    st.caption("0 = no pain · 10 = worst pain imaginable")
    with st.expander("Add details (optional)"):
        prior = existing or {}
        col1, col2 = st.columns(2)
        worst = col1.number_input(
            "Worst pain (0-10)", 0, 10, value=prior.get("worst_pain"), key=f"worst_{suffix}"
        )
        stiffness = col2.number_input(
            "Stiffness (0-10)", 0, 10, value=prior.get("stiffness"), key=f"stiff_{suffix}"
        )
        sleep = col1.number_input(
            "Sleep quality (0-10)", 0, 10, value=prior.get("sleep_quality"), key=f"sleep_{suffix}"
        )
        stress = col2.number_input("Stress (0-10)", 0, 10, value=prior.get("stress"), key=f"stress_{suffix}")
        locations = st.multiselect(
            "Where is the pain?",
            list(PAIN_LOCATIONS),
            default=prior.get("locations", []),
            format_func=PAIN_LOCATIONS.__getitem__,
            key=f"loc_{suffix}",
        )
        qualities = st.multiselect(
            "What does it feel like?",
            list(PAIN_QUALITIES),
            default=prior.get("qualities", []),
            format_func=PAIN_QUALITIES.__getitem__,
            key=f"qual_{suffix}",
        )
        medication = st.text_input(
            "Medication taken", value=prior.get("medication") or "", key=f"med_{suffix}"
        )
        flare = st.checkbox("This was a flare day", value=bool(prior.get("flare")), key=f"flare_{suffix}")
        notes = st.text_area("Notes", value=prior.get("notes") or "", key=f"notes_{suffix}", max_chars=2000)
    submitted = st.form_submit_button("Save", type="primary")

if submitted:
    errors = st.container()
    checkin = ui.attempt(
        lambda: checkin_from_input(
            date=day,
            pain=pain,
            worst_pain=worst,
            stiffness=stiffness,
            sleep_quality=sleep,
            stress=stress,
            locations=locations,
            qualities=qualities,
            medication=medication,
            flare=flare,
            notes=notes,
        ),
        errors,
    )
    if checkin is not None:
        outcome = ui.attempt(lambda: save_checkin(store, checkin), errors)
        if outcome is not None:
            verb = "Updated" if outcome == "updated" else "Saved"
            ui.flash(f"{verb}: pain {checkin.pain}/10 for {ui.format_day(checkin.date)}.")
            st.rerun()

recent = ui.checkins(day - timedelta(days=6), day)
if len(recent):
    ui.chart(lambda: charts.week_glance(recent, day), "week glance", inputs=(recent[["date", "pain"]], day))

if questionnaires.peg_due(answered["peg"], today) and not ui.is_empty():
    st.subheader("Weekly check-in")
    st.caption(
        "Three questions about the past week (the PEG scale), then the safety checklist. "
        f"{questionnaires.PEG_CITATION}"
    )
    with st.form("peg_form"):
        values = {}
        for item, (question, low, high) in questionnaires.PEG_ITEMS.items():
            values[item] = st.radio(question, list(range(11)), index=None, horizontal=True, key=f"peg_{item}")
            st.caption(f"0 = {low} · 10 = {high}")
        if st.form_submit_button("Save weekly answers"):
            answer = ui.attempt(
                lambda: questionnaires.peg_from_input(
                    today, values["pain"], values["enjoyment"], values["activity"]
                )
            )
            if answer is not None and ui.attempt(
                lambda: (
                    save_peg(ui.get_store(), answer.date, answer.pain, answer.enjoyment, answer.activity)
                    or True
                )
            ):
                ui.flash(f"Weekly answers saved: PEG score {answer.score:.1f}.")
                st.rerun()

# Weekly safety check, a week after the last one (a new person answers the first-run one above).
if answered["screening"] is not None and questionnaires.peg_due(answered["screening"], today):
    ui.red_flag_checklist("weekly_safety")

if questionnaires.impression_due(answered["first"], answered["impression"], today):
    st.subheader("Once a month")
    with st.form("impression_form"):
        rating = st.radio(
            questionnaires.IMPRESSION_QUESTION, list(questionnaires.IMPRESSION_CHOICES), index=None,
            format_func=questionnaires.IMPRESSION_CHOICES.__getitem__, key="impression_rating",
        )  # fmt: skip
        if st.form_submit_button("Save"):
            saved = ui.attempt(
                lambda: (
                    save_global_impression(
                        ui.get_store(), *questionnaires.impression_from_input(today, rating)
                    )
                    or True
                )
            )
            if saved:
                ui.flash("Thank you, saved.")
                st.rerun()
