"""The browser asks before a reload or close while a text box holds typing not yet sent.

Streamlit sends a text box's value when it loses focus; from then on the server keeps it
(an editor keeps it as the member's draft). Between the first keystroke and that moment
the text exists only in the browser, so a reload (F5), closing the tab or leaving the
site would lose it: the browser's own "leave this page?" question covers that moment.
Nothing is fetched; the script only listens to events on this page.
"""
from __future__ import annotations

import streamlit as st

_GUARD = """<script>
(() => {
  if (window.workbenchLeaveGuard) return;
  window.workbenchLeaveGuard = true;
  let unsent = false;
  const isText = (el) => el && (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type === "text"));
  document.addEventListener("input", (event) => { if (isText(event.target)) unsent = true; }, true);
  // Losing focus sends the value to the server, which keeps it from then on.
  document.addEventListener("focusout", (event) => { if (isText(event.target)) unsent = false; }, true);
  window.addEventListener("beforeunload", (event) => {
    if (!unsent) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();
</script>"""


def warn_before_leaving_typed_text() -> None:
    """Install the guard on this browser page (once per page load; later runs do nothing)."""
    st.sidebar.html(_GUARD, unsafe_allow_javascript=True)
