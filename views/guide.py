"""Guide: Pilates, yoga and strength training for back pain, in plain words, with the movement catalogue."""

import streamlit as st

from backcare import guide, ui

st.title("Exercise guide")
st.info(guide.START_SLOWLY, icon="🩺")
st.write(guide.GENERAL_EVIDENCE)

catalogue = ui.movement_catalogue()
types = ui.type_names()
for approach in guide.APPROACHES:
    with st.container(border=True):
        st.subheader(approach.title)
        st.markdown(f"**What it targets.** {approach.targets}")
        st.markdown(f"**How to start slowly.** {approach.how_to_start}")
        st.markdown(f"**What the evidence says.** {approach.evidence}")
        moves = catalogue[catalogue["exercise_type"] == approach.type_key]
        if len(moves):
            with st.expander(f"Movements you can log ({len(moves)})"):
                for move in moves.to_dict("records"):
                    flag = " ⭐" if move["name"] in approach.examples else ""
                    st.markdown(f"- **{ui.md(move['name'])}**{flag}: {ui.md(move['description'] or '')}")
        name = types.get(approach.type_key, approach.type_key)
        if st.button(f"Log a {name} session", key=f"guide_log_{approach.type_key}", icon="➕"):
            st.session_state["session_type"] = approach.type_key
            st.switch_page("views/log_exercise.py")
st.caption("Movements marked ⭐ are the ones people are most often told to try. Not medical advice.")
