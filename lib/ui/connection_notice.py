"""When the browser loses its server (a classroom worker restarted, a server restart), say so in the user's language.

Streamlit's browser side says it in English: a "Connecting" badge (where its toolbar shows), then,
after six failed pings, a "Connection error" box asking "Are you connected to the internet?" (wrong
on LGWAN, where there is no internet by design). This small script, installed once per page load,
puts our words in their place, and shows a banner while the connection (the state Streamlit writes
on its root element) is down and a short one when it is back. The page itself stays as it was:
Streamlit reconnects by itself and sends the widgets' values to the new server session; the text a
member typed is also kept as a draft on the server (lib.workspace.drafts), and their sign-in comes
back from its cookie. Only typing not yet sent (a box sends its value when it loses focus) would be
drawn over by the new session: the script keeps it and types it back once the new session's first
runs are over. Nothing is fetched.
"""
from __future__ import annotations

import json

import streamlit as st

from lib.ui import tr

# Streamlit's own English, as its browser code (1.67) writes it; tests/ui/test_connection_notice.py checks
# that the installed Streamlit still does.
STREAMLIT_WORDS = {
    "dialog_title": "Connection error",
    "not_responding": "Streamlit server is not responding. Are you connected to the internet?",
    "still_running": "Is Streamlit still running? "
    "If you accidentally stopped Streamlit, just restart it in your terminal:",
    "status_connecting": "Connecting",
    "status_error": "Error",
}

_SCRIPT = """<script>
(() => {
  window.workbenchConnectionTexts = %(texts)s;
  if (window.workbenchConnectionNotice) return;
  window.workbenchConnectionNotice = true;
  const english = %(english)s;
  const say = (key) => window.workbenchConnectionTexts[key];
  let banner = null, lost = false, hideTimer = null;
  const showBanner = (text, lasting) => {
    if (!banner) {
      banner = document.createElement("div");
      banner.setAttribute("role", "status");
      banner.dataset.testid = "workbenchConnectionNotice";
      banner.style.cssText = "position:fixed;top:0.5rem;left:50%%;transform:translateX(-50%%);z-index:1000000;"
        + "padding:0.6rem 1.2rem;border-radius:0.5rem;font-size:1rem;max-width:90vw;"
        + "box-shadow:0 2px 8px rgba(0,0,0,0.25);";
      document.body.appendChild(banner);
    }
    banner.textContent = text;
    banner.style.background = lasting ? "#fff3cd" : "#d1e7dd";
    banner.style.color = "#222";
    banner.style.display = "block";
    clearTimeout(hideTimer);
    if (!lasting) hideTimer = setTimeout(() => { banner.style.display = "none"; }, 8000);
  };
  // Replace Streamlit's English, wherever it is drawn, by ours (text nodes only: the page keeps working).
  const retell = (root, replacements) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    for (const node of nodes) {
      const text = node.nodeValue.trim();
      if (text in replacements && node.nodeValue !== replacements[text]) node.nodeValue = replacements[text];
    }
  };
  // Typing not yet sent (a box keeps it until it loses focus) would be drawn over by the new server
  // session's value on reconnecting: it is remembered per widget and typed back, then sent, once the
  // script has been idle for a moment after the reconnection.
  const unsent = new Map();
  let typeBack = false, lastRun = null, quietTimer = null;
  const isText = (el) => el && (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type === "text"));
  const keyOf = (el) => [...(el.closest("[class*='st-key-']")?.classList || [])].find(c => c.startsWith("st-key-"));
  document.addEventListener("input", (event) => {
    const key = isText(event.target) && keyOf(event.target);
    if (key) unsent.set(key, event.target.value);
  }, true);
  document.addEventListener("focusout", (event) => {
    const key = isText(event.target) && keyOf(event.target);
    const value = key && event.target.value;
    // Sent, unless the connection is down: Streamlit disables the boxes when it drops, which takes the
    // focus away before the drop is seen here, so the answer is read a moment later.
    if (key) setTimeout(() => { if (!lost && unsent.get(key) === value) unsent.delete(key); }, 1000);
  }, true);
  const typeBackUnsent = () => {
    for (const [key, value] of unsent) {
      const box = document.querySelector(`.${CSS.escape(key)} textarea, .${CSS.escape(key)} input`);
      if (!box) continue;
      // Typed again as a change: the box may still show the text while the server holds none.
      const setValue = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(box), "value").set;
      for (const text of [value + " ", value]) {
        setValue.call(box, text);
        box.dispatchEvent(new Event("input", {bubbles: true}));
      }
      box.focus();
      box.blur();  // Streamlit sends a box's value when it loses focus
    }
    unsent.clear();
  };
  const check = () => {
    for (const dialog of document.querySelectorAll("[data-testid='stDialog']")) {
      if (!dialog.textContent.includes(english.dialog_title) && !dialog.dataset.workbenchRetold) continue;
      dialog.dataset.workbenchRetold = "1";
      retell(dialog, {[english.dialog_title]: say("dialog_title"), [english.not_responding]: say("dialog_body"),
                      [english.still_running]: say("dialog_body"), "streamlit run yourscript.py": ""});
      for (const code of dialog.querySelectorAll("pre, code")) code.style.display = "none";
    }
    const status = document.querySelector("[data-testid='stConnectionStatus']");
    if (status) retell(status, {[english.status_connecting]: say("status_connecting"),
                                [english.status_error]: say("status_error")});
    // Streamlit writes its connection's state on the app's root element.
    const state = document.querySelector("[data-testid='stApp']")?.getAttribute("data-test-connection-state");
    if (!state) return;
    if (state !== "CONNECTED" && !lost) { lost = true; showBanner(say("lost"), true); }
    else if (state === "CONNECTED" && lost) {
      lost = false;
      showBanner(say("back"), false);
      typeBack = true;
      lastRun = null;
    }
    // The new session's first runs (the sign-in comes back, then the page) draw the server's values: type
    // back once the script has been idle for a moment.
    const run = document.querySelector("[data-testid='stApp']").getAttribute("data-test-script-state");
    if (typeBack && run !== lastRun) {
      lastRun = run;
      clearTimeout(quietTimer);
      if (run === "notRunning") quietTimer = setTimeout(() => { typeBack = false; typeBackUnsent(); }, 1500);
    }
  };
  new MutationObserver(check).observe(document.body, {
    childList: true, subtree: true, characterData: true, attributes: true,
    attributeFilter: ["data-test-connection-state", "data-test-script-state"]});
  check();
})();
</script>"""

TEXT_KEYS = ("lost", "back", "dialog_title", "dialog_body", "status_connecting", "status_error")


def script() -> str:
    """The script, with our words in the user's language."""
    texts = {key: tr(f"conn.{key}") for key in TEXT_KEYS}
    return _SCRIPT % {"texts": json.dumps(texts, ensure_ascii=False), "english": json.dumps(STREAMLIT_WORDS)}


def tell_when_the_connection_drops() -> None:
    """Install the watcher on this browser page (once per page load; a later run only updates its words)."""
    st.sidebar.html(script(), unsafe_allow_javascript=True)
