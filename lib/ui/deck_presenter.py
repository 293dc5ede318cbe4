"""Presentation mode: one slide at a time, full width, no sidebar; buttons, a presenter's clicker or the keyboard
move between slides (lib.ui.slide_keys). The mode and the slide shown are kept in `pres_mode` and `pres_index`."""
from __future__ import annotations

import streamlit as st

from lib.deck import model as deck_model
from lib.ui import slide_keys, tr
from lib.ui.deck_editor import DeckEditor
from lib.ui.user_text import literal

MODE = "pres_mode"
INDEX = "pres_index"
FULL_WIDTH = ("<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'], header "
              "{display: none !important;} .block-container {max-width: 100% !important; padding-top: 1rem;}"
              " [data-testid='stMarkdownContainer'] li, [data-testid='stMarkdownContainer'] p "
              "{font-size: 1.45rem;}</style>")


def presenting() -> bool:
    return st.session_state.get(MODE, "edit") == "present"


def start_presenting() -> None:
    """From the title slide, on the next run."""
    st.session_state[MODE], st.session_state[INDEX] = "present", 0
    st.rerun()


def present(editor: DeckEditor) -> None:
    """The deck's title slide, then its slides (long bullet lists continued on further slides)."""
    editor.keep_widgets()
    st.markdown(FULL_WIDTH, unsafe_allow_html=True)
    slides = deck_model.paged_slides(editor.draft.slides, editor.lang)
    total = len(slides) + 1
    previous, position, following, full_screen, leave = st.columns([1, 2.2, 1, 1, 1.2], vertical_alignment="center")
    with full_screen:
        move = slide_keys.slide_move("pres_keys")
    index = slide_keys.moved_index(st.session_state.get(INDEX, 0), move, total)
    st.session_state[INDEX] = index
    if previous.button(tr("pres.prev"), icon=":material/arrow_back:", disabled=index == 0, key="pres_prev",
                       width="stretch"):
        st.session_state[INDEX] = index - 1
        st.rerun()
    if following.button(tr("pres.next"), icon=":material/arrow_forward:", disabled=index >= total - 1,
                        key="pres_next", width="stretch"):
        st.session_state[INDEX] = index + 1
        st.rerun()
    if leave.button(tr("pres.exit"), icon=":material/close:", key="pres_exit", width="stretch"):
        st.session_state[MODE] = "edit"
        st.rerun()
    position.markdown(
        f"<div style='text-align:center; font-size:1.2rem'>{tr('pres.slide_of', n=index + 1, total=total)}</div>",
        unsafe_allow_html=True,
        help=tr("pres.keys_hint"),
    )
    with st.container(border=True):
        if index == 0:
            title_slide(editor)
        else:
            editor.draw_slide(slides[index - 1], f"present:{slides[index - 1]['id']}", large=True)


def title_slide(editor: DeckEditor) -> None:
    info = deck_model.deck_context(editor.ws, editor.group)
    st.caption(literal(info.course_name))
    st.markdown(f"# {literal(editor.draft.deck['title'])}")
    st.markdown(f"## {literal(info.municipality + '　' + editor.group.name)}")
    st.markdown(f"{tr('deck.members')}：" + literal("、".join(info.members)))
