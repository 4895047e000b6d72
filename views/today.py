"""Today: log a day's pain first (choose a number, save); safety questions and questionnaires after."""

from datetime import date, timedelta

import streamlit as st

from backcare import charts, questionnaires, ui
from backcare.models import PAIN_LOCATIONS, PAIN_QUALITIES, checkin_from_input
from backcare.store import (
    get_checkin,
    save_checkin,
    save_global_impression,
    save_peg,
)

st.title("How is your back today?")
ui.show_flash()
ui.red_flag_banner()
ui.experiment_banner()

today = date.today()
store = ui.get_store()
demo = ui.in_demo()
day = st.date_input(
    "Day",
    value=today,
    max_value=today,
    min_value=today - timedelta(days=3650),
    format="YYYY-MM-DD",
    key="checkin_day",
    help="Pick an earlier day to fill in one you missed.",
)
existing = get_checkin(store, day)
# Widget keys name the diary too, so a value seen in the demo diary never shows in your own.
suffix = f"{'demo-' if demo else ''}{day.isoformat()}"
conflict_key = f"worst_conflict_{suffix}"


def save(pain: int | None, worst: int | None, **details: object) -> None:
    """Validate and save the day's check-in; a worst pain below the average is explained up here."""
    if pain is not None and worst is not None and worst < pain:
        st.session_state[conflict_key] = {"pain": pain, "worst": worst, **details}
        st.rerun()
    checkin = ui.attempt(lambda: checkin_from_input(date=day, pain=pain, worst_pain=worst, **details), errors)
    if checkin is not None:
        outcome = ui.attempt(lambda: save_checkin(store, checkin), errors)
        if outcome is not None:
            st.session_state.pop(conflict_key, None)
            verb = "Updated" if outcome == "updated" else "Saved"
            where = " in the demo diary" if demo else ""
            ui.flash(f"{verb}: pain {checkin.pain}/10 for {ui.format_day(checkin.date)}{where}.")
            st.rerun()


prior = existing or {}
pending = st.session_state.get(conflict_key)
with st.form(f"checkin_form_{suffix}"):
    pain = st.radio(
        "Average pain over the day (0 = no pain, 10 = worst pain imaginable)",
        list(range(11)),
        index=existing["pain"] if existing else None,
        horizontal=True,
        key=f"pain_{suffix}",
        help="0 = no pain, 10 = worst pain imaginable. Keep using the same meaning every day.",
    )
    if existing:
        st.caption(
            f"{'The demo diary has' if demo else 'You logged'} {existing['pain']}/10 for "
            f"{ui.format_day(day)}. Saving again replaces it."
        )
    with st.expander("Add details (optional)", expanded=pending is not None):
        col1, col2 = st.columns(2)
        worst = col1.number_input(
            "Worst pain (0-10)", value=prior.get("worst_pain"), step=1, key=f"worst_{suffix}"
        )
        stiffness = col2.number_input(
            "Stiffness (0-10)", value=prior.get("stiffness"), step=1, key=f"stiff_{suffix}"
        )
        sleep = col1.number_input(
            "Sleep quality (0-10)", value=prior.get("sleep_quality"), step=1, key=f"sleep_{suffix}"
        )
        stress = col2.number_input("Stress (0-10)", value=prior.get("stress"), step=1, key=f"stress_{suffix}")
        locations = st.multiselect(
            "Where is the pain?", list(PAIN_LOCATIONS), default=prior.get("locations", []),
            format_func=PAIN_LOCATIONS.__getitem__, key=f"loc_{suffix}",
        )  # fmt: skip
        qualities = st.multiselect(
            "What does it feel like?", list(PAIN_QUALITIES), default=prior.get("qualities", []),
            format_func=PAIN_QUALITIES.__getitem__, key=f"qual_{suffix}",
        )  # fmt: skip
        medication = st.text_input(
            "Medication taken", value=prior.get("medication") or "", key=f"med_{suffix}"
        )
        flare = st.checkbox("This was a flare day", value=bool(prior.get("flare")), key=f"flare_{suffix}")
        notes = st.text_area("Notes", value=prior.get("notes") or "", key=f"notes_{suffix}", max_chars=2000)
    submitted = st.form_submit_button("Save pain for this day", type="primary")

errors = st.container()
details = dict(
    stiffness=stiffness, sleep_quality=sleep, stress=stress, locations=locations, qualities=qualities,
    medication=medication, flare=flare, notes=notes,
)  # fmt: skip
if pending is not None:
    # The collapsed details held an earlier worst pain: say so where the person is looking.
    with errors:
        st.warning(
            f"Your worst pain ({pending['worst']}) is lower than the average you chose ({pending['pain']}). "
            "Worst pain is the highest it got during the day, so it is at least the average.",
            icon="↕️",
        )
        fix, keep = st.columns(2)
        if fix.button(f"Save with worst pain {pending['pain']}", type="primary", key=f"fix_{suffix}"):
            st.session_state.pop(conflict_key, None)
            save(pending["pain"], pending["pain"], **{k: pending[k] for k in details})
        if keep.button("Let me change it", key=f"change_{suffix}"):
            st.session_state.pop(conflict_key, None)
            st.rerun()
if submitted:
    if pain is None:
        errors.error("Choose a number from 0 to 10 for today's average pain, then save.", icon="⚠️")
    else:
        save(pain, None if worst is None else int(worst), **details)

recent = ui.checkins(day - timedelta(days=6), day)
if len(recent):
    ui.chart(lambda: charts.week_glance(recent, day), "week glance", inputs=(recent[["date", "pain"]], day))

if ui.is_empty() and not demo:
    with st.container(border=True):
        st.markdown(
            "**Welcome to backcare.** Log your pain once a day (it takes a few seconds) and your "
            "exercise sessions when you do them. Over the weeks, backcare shows what goes with better "
            "and worse days *in your own data*. Everything stays on this computer."
        )
        if st.button(
            "Explore with demo data first", help="Opens a separate demo diary; your own stays empty."
        ):
            ui.start_demo()
            st.rerun()

answered = ui.answer_dates()
if answered["screening"] is None and not demo:
    with st.expander("A one-minute safety check (recommended)", icon="🩺"):
        st.caption("A few symptoms with back pain need a doctor quickly. Tick any that apply.")
        ui.red_flag_checklist("first_safety", with_history=True)
elif answered["screening"] is not None and questionnaires.peg_due(answered["screening"], today):
    with st.expander("This week's safety check", icon="🩺"):
        ui.red_flag_checklist("weekly_safety")

if questionnaires.peg_due(answered["peg"], today) and len(recent) >= 2:
    with st.expander("Weekly check-in: three questions about the past week", icon="🗓️"):
        with st.form("peg_form"):
            values = {}
            for item, (question, low, high) in questionnaires.PEG_ITEMS.items():
                values[item] = st.radio(
                    question, list(range(11)), index=None, horizontal=True, key=f"peg_{item}"
                )
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
                    ui.flash(f"Weekly answers saved: score {answer.score:.1f} out of 10.")
                    st.rerun()
        with st.expander("Details for your clinician"):
            st.caption(f"These are the PEG-3 items; the score is their mean. {questionnaires.PEG_CITATION}")

if questionnaires.impression_due(answered["first"], answered["impression"], today):
    st.subheader("Once a month")
    with st.form("impression_form"):
        rating = st.radio(
            questionnaires.IMPRESSION_QUESTION, list(questionnaires.IMPRESSION_CHOICES), index=None,
            format_func=questionnaires.IMPRESSION_CHOICES.__getitem__, key="impression_rating",
        )  # fmt: skip
        if st.form_submit_button("Save monthly answer"):
            saved = ui.attempt(
                lambda: (
                    save_global_impression(
                        ui.get_store(), *questionnaires.impression_from_input(today, rating)
                    )
                    or True
                )
            )
            if saved:
                ui.flash("Thank you, your monthly answer is saved.")
                st.rerun()
