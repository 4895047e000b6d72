"""Report: the PDF a person brings to an appointment (range and sections chosen here, previewed first)."""

import streamlit as st

from backcare import ui
from backcare.reports import (
    SECTIONS,
    ReportOptions,
    build_content,
    render_pdf,
    report_file_name,
    report_inputs,
)
from backcare.store import first_checkin_date

st.title("Report for your doctor")
st.caption(
    "A clear PDF of your diary: a one-page summary a clinician can read in a minute, then the details you "
    "choose. It is made on this computer; nothing is sent anywhere."
)
first = first_checkin_date(ui.get_store())
if first is None:
    st.info(
        "Log your pain for a few days first: the report summarises your check-ins and sessions.", icon="📝"
    )
    st.stop()

start, end, _ = ui.range_and_filter(first, with_types=False)
name = st.text_input("Your name on the report (optional)", key="report_name", max_chars=80)
chosen = st.multiselect(
    "Pages after the summary",
    list(SECTIONS),
    default=list(SECTIONS),
    format_func=SECTIONS.get,
    key="report_sections",
)
options = ReportOptions(start, end, name.strip(), frozenset(chosen))
inputs = ui.memo("report_inputs", lambda: report_inputs(ui.get_store(), start=start, end=end), start, end)
content = ui.memo("report_content", lambda: build_content(inputs, options), options)

with st.container(border=True):
    st.markdown(f"**Summary preview: {ui.format_day(start)} to {ui.format_day(end)}**")
    for line in content.summary_lines():
        st.write(line)
    if content.red_flags:
        st.warning(
            f"{len(content.red_flags)} red-flag answer(s) in this period will be listed at the top.",
            icon="🚩",
        )
    if content.exposure:
        # A plain table: a grid on a phone cut "1794" minutes to "179" at its edge. Its cells are
        # Markdown, so a type's name (the person's own text) is escaped.
        st.table(
            [{"Exercise": ui.md(r["type"]), "Sessions": r["sessions"], "Per week": r["per_week"], "Minutes": r["minutes"]}
             for r in content.exposure],
            hide_index=True,
        )  # fmt: skip

made_for = (str(ui.active_db_path()), ui.revision(), options)
if st.button("Make the PDF report", type="primary", icon="📄", key="report_make"):
    bar = st.progress(0.0, text="Making the PDF report…")
    pdf = render_pdf(
        content, inputs.checkins, inputs.sessions,
        progress=lambda done, total: bar.progress(done / total, text=f"Making the PDF report… step {done} of {total}"),
    )  # fmt: skip
    bar.empty()
    st.session_state["_report_pdf"] = (made_for, pdf)
made = st.session_state.get("_report_pdf")
if made is not None and made[0] == made_for:  # the PDF of exactly what the preview shows
    st.download_button(
        "Download the PDF report",
        data=made[1],
        file_name=report_file_name(start, end),
        mime="application/pdf",
        icon="⬇️",
        key="report_pdf",
        on_click="ignore",
    )
st.caption(
    "The report says what your diary shows. Associations are not causes, and it is not a diagnosis: "
    "your doctor or physiotherapist will put it in context."
)
