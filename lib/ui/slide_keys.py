"""Presentation mode's keyboard and full screen: a small component of our own, served inline (no CDN).

→ PageDown Space (what a presenter's clicker sends) go forward, ← PageUp back, Home and End to the
first and last slide; the button puts the browser in full screen (a browser allows that only from a
click or a key press on the page itself, so it cannot be a Streamlit button).
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from lib.ui import tr

_SLIDE_KEYS = st.components.v2.component(
    "workbench_slide_keys",
    html="<button type='button' class='full-screen'></button>",
    # Looks like the Streamlit buttons beside it.
    css=(".full-screen {font: inherit; font-size: 1rem; min-height: 2.5rem; padding: 0.25rem 0.75rem;"
         " border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; background: #fff; cursor: pointer;"
         " white-space: nowrap; width: 100%;}"),
    js=(Path(__file__).parent / "assets" / "slide_keys.js").read_text(encoding="utf-8"),
)


def slide_move(key: str) -> str | None:
    """Draw the full-screen button and listen for keys; the move a key asked for in this run, or None.

    The move is one of "next", "previous", "first", "last".
    """
    result = _SLIDE_KEYS(key=key, data={"full_screen": tr("app.full_screen"),
                                        "leave_full_screen": tr("app.leave_full_screen")},
                         on_move_change=lambda: None)
    return result.move


def moved_index(index: int, move: str | None, total: int) -> int:
    """The slide index after a move, kept within 0 .. total - 1."""
    target = {"next": index + 1, "previous": index - 1, "first": 0, "last": total - 1}.get(move, index)
    return max(0, min(total - 1, target))
