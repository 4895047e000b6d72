"""Settings: reminders through your own calendar (no server, nothing sent), and where your data lives."""

from datetime import time

import streamlit as st

from backcare import ics, serve, ui

st.title("Settings")
ui.show_flash()

st.subheader("Reminders")
st.caption(
    "backcare has no server, so it cannot send notifications. Instead, download a calendar file: your "
    "calendar app (phone or computer) will remind you. Import it once; delete the events to stop."
)
c1, c2, c3 = st.columns(3)
daily_at = c1.time_input("Daily check-in at", value=time(20, 0), step=900, key="remind_daily")
weekday = c2.selectbox(
    "Weekly check-in on", list(range(7)), index=6, key="remind_weekday",
    format_func=["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"].__getitem__,
)  # fmt: skip
weekly_at = c3.time_input("at", value=time(18, 0), step=900, key="remind_weekly")
st.download_button(
    "Download reminders (.ics)", ics.reminders_ics(daily_at, weekday, weekly_at), file_name="backcare-reminders.ics",
    mime="text/calendar", icon="📅", key="reminders_ics", on_click="ignore",
)  # fmt: skip

st.subheader("Your data")
st.markdown(
    f"Your diary is one file on this computer: `{ui.active_db_path()}`. Nothing is sent anywhere. "
    "Back it up or move it from the **Data** page."
)

st.subheader("Use it on your phone")
phone = serve.phone_access()
if phone is None:
    st.markdown(
        "To log from your phone on your home network, start backcare with `make run-lan` instead: it asks "
        "for a password first and serves over HTTPS only. The steps, with a picture, are under "
        '"Use it on your phone" in the README file that comes with backcare.'
    )
else:
    st.image(serve.qr_png(phone[0]), caption=phone[0], width=220)
    st.markdown(
        f"Scan the code with your phone's camera. The phone warns that the certificate is not trusted: "
        f"go on only if its SHA-256 fingerprint is `{phone[1]}`."
    )
if ui.signed_in() and st.button("Sign out on this device", key="sign_out"):
    ui.sign_out()
