"""backcare router: page config, shared sidebar, navigation. Screens live in views/ (not pages/: see docs/architecture.md)."""

import streamlit as st

from backcare import ui

st.set_page_config(page_title="backcare", page_icon="🌿", layout="centered")

PAGES = [
    st.Page("views/today.py", title="Today", icon="📝", default=True),
    st.Page("views/log_exercise.py", title="Log exercise", icon="🧘"),
    st.Page("views/dashboard.py", title="Dashboard", icon="📈"),
    st.Page("views/insights.py", title="Insights", icon="🔎"),
    st.Page("views/experiments.py", title="Experiments", icon="🧪"),
    st.Page("views/history.py", title="History", icon="🗂️"),
    st.Page("views/guide.py", title="Exercise guide", icon="📖"),
    st.Page("views/report.py", title="Report", icon="📄"),
    st.Page("views/data.py", title="Data", icon="💾"),
    st.Page("views/settings.py", title="Settings", icon="⚙️"),
]

ui.gate(PAGES)
ui.sidebar()
ui.close_navigation_after_choice()
page = st.navigation(PAGES)
with ui.page_run():  # background work waits for a pause between runs
    page.run()
ui.warm_up()  # once, after the first page is drawn: what other pages' first visits need
