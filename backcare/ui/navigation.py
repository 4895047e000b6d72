"""Page changes below Streamlit's sidebar breakpoint close the navigation, whatever the device.

Below its ``md`` breakpoint (768 px) Streamlit draws the open sidebar over the page. It closes the
sidebar after a page is chosen only when the browser's user agent says "mobile", so a narrow
laptop window (or a tablet that reports a desktop browser) kept the page covered. A small script,
mounted once per run with Streamlit's own component API (no iframe, no network), closes it with
the sidebar's own collapse button after a page link is clicked, at any width below the breakpoint.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

SIDEBAR_BREAKPOINT_PX = 768  # Streamlit's theme breakpoint "md": narrower windows overlay the sidebar

_JS = """
export default function () {
  if (window.__backcareClosesNavigation) return;
  window.__backcareClosesNavigation = true;
  const narrow = window.matchMedia('(max-width: BREAKPOINT_MINUS_PX)');
  document.addEventListener('click', (event) => {
    if (!narrow.matches || !event.target.closest('[data-testid=stSidebarNavLink]')) return;
    // After Streamlit's own handler (which already closes the sidebar for phone user agents).
    setTimeout(() => {
      const sidebar = document.querySelector('[data-testid=stSidebar]');
      if (sidebar && sidebar.getAttribute('data-collapsed') === 'false') {
        document.querySelector('[data-testid=stSidebarCollapseButton] button')?.click();
      }
    }, 0);
  });
}
""".replace("BREAKPOINT_MINUS_PX", f"{SIDEBAR_BREAKPOINT_PX - 0.02}px")


@st.cache_resource(show_spinner=False)
def _component() -> Any:
    return st.components.v2.component("backcare_close_navigation", js=_JS)


def close_navigation_after_choice() -> None:
    """Mount (in the sidebar, which it concerns) the script that closes the overlaying sidebar
    after a page is chosen on a window narrower than Streamlit's sidebar breakpoint."""
    with st.sidebar:
        _component()(key="close_navigation")
