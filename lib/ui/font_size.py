"""The room's text size (標準 / 大 / 特大) in the sidebar: presentation mode and a projected screen
readable from the back of a room.

Streamlit sizes its text in rem from the root's font size (16 px, its `baseFontSize`), so
one rule on <html> enlarges the whole app, the slides of presentation mode included. The
choice stays for the browser session; the group's shared PC keeps it with the group and gets
it back when it joins again (lib.workspace.group_pc).
"""
from __future__ import annotations

import streamlit as st

from lib import ui
from lib.workspace import group_pc

SIZES = {"normal": 16, "large": 20, "x_large": 24}  # the root font size in px
KEY = "font_size"


def _kept_for_shared_pc() -> None:
    member = ui.current_member()
    if member is not None and "shared_pc" in member:
        group_pc.keep_font_size(ui.workspace(), member["group_id"], st.session_state[KEY])


def font_size_choice() -> None:
    """The sidebar's text-size choice, and the page's text at that size."""
    chosen = st.session_state.pop(ui.SHARED_FONT_SIZE, None)
    if chosen in SIZES:
        st.session_state[KEY] = chosen
    st.session_state.setdefault(KEY, "normal")
    names = {size: ui.tr(f"font.{size}") for size in SIZES}  # a format_func that needs no running script
    st.sidebar.selectbox(ui.tr("font.size"), list(SIZES), format_func=names.get, key=KEY,
                         help=ui.tr("font.size_help"), on_change=ui.saving(_kept_for_shared_pc))
    size = SIZES[st.session_state[KEY]]
    if size != SIZES["normal"]:
        st.html(f"<style>html {{font-size: {size}px !important;}}</style>")
