"""Typed text is sent before the member leaves the page, and the browser asks before a reload.

Streamlit sends a text box's value when it loses focus; from then on the server keeps it
(an editor keeps it as the member's draft). Between the first keystroke and that moment
the text exists only in the browser, so a reload (F5), closing the tab or leaving the
site would lose it: the browser's own "leave this page?" question covers that moment.

Typing and then clicking another page at once sends two reruns back to back: the text box's
(this page) and the click's (the new page). On a loaded server the first could win the race
and the browser showed this page again with its inputs empty (issue 21). A click on a page
link while a run is on its way therefore waits until that run is over, then goes.
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
  // Losing focus sends the value to the server, which keeps it from then on; a run is on its way.
  let sentAt = -1e9;
  document.addEventListener("focusout", (event) => {
    if (!isText(event.target) || !unsent) return;
    unsent = false;
    sentAt = performance.now();
  }, true);
  const state = () => document.querySelector("[data-testid='stApp']")?.getAttribute("data-test-script-state");
  const busy = () => ["running", "rerunRequested"].includes(state());
  const idle = (since) => new Promise((resolve) => {
    const look = () => {
      const waited = performance.now() - since;
      // The run may not have started yet: wait for it a moment, then for its end (at most 10 s).
      if (waited > 10000 || (!busy() && waited > 400)) resolve(); else setTimeout(look, 50);
    };
    look();
  });
  const PAGE_LINKS = "[data-testid='stSidebarNav'] a, a[data-testid='stPageLink-NavLink']";
  let releasing = null;
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest(PAGE_LINKS);
    if (!link || link === releasing || performance.now() - sentAt > 1500) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    idle(sentAt).then(() => { releasing = link; link.click(); releasing = null; });
  }, true);
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
