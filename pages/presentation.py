"""発表資料: the group's deck (storyline, slides, charts and maps, notes), presentation mode, exports."""
import streamlit as st

from lib import ui
from lib.data.catalog import load_catalog
from lib.deck.access import deck_access
from lib.ui import session_widgets as widgets
from lib.ui.deck_conflict import conflict_panel
from lib.ui.deck_downloads import deck_downloads
from lib.ui.deck_editor import DeckEditor
from lib.ui.deck_presenter import present, presenting, start_presenting
from lib.ui.user_text import literal

ws = ui.workspace()
member = ui.current_member()

access = deck_access(ws, member["group_id"] if member else None, ui.is_instructor())
if not access.groups:
    ui.require_group()
by_id = {g.group_id: g for g in access.groups}
if access.choose:
    group = by_id[st.sidebar.selectbox(ui.tr("pres.instructor_group"), list(by_id), key="pres_group",
                                       format_func=lambda gid: by_id[gid].name)]
else:
    group = access.groups[0]
editable = access.editable
editor = DeckEditor(ws, group, load_catalog(), ui.lang(), editable)
draft = editor.draft

# --- presentation mode: one slide at a time, full width, no sidebar ---------------------
if presenting():
    present(editor)
    st.stop()

# --- the builder ------------------------------------------------------------------
st.title(ui.tr("page.presentation"))
st.caption(ui.tr("pres.lead"))
if not editable:
    st.info(ui.tr("pres.pick_group_first"), icon=":material/group:")
    widgets.safe_page_link(st, "pages/join.py", ui.tr("page.join"), "👥")
st.markdown(f"**{literal(group.name)}**")
conflict_panel(editor)
saved = st.session_state.pop(editor.key("saved"), None)
if saved is not None:
    st.success(ui.tr("pres.saved_merged" if saved[1] else "pres.saved", version=saved[0]))
if draft.version is None:
    st.info(ui.tr("pres.draft_info"), icon=":material/edit_note:")
elif draft.dirty:
    st.warning(ui.tr("pres.unsaved"), icon=":material/edit:")

bar = st.columns([1, 1, 1.6, 1.4])
bar[0].button(ui.tr("pres.save"), type="primary", icon=":material/save:", on_click=editor.save, disabled=not editable,
              key=editor.key("save"))
if bar[1].button(ui.tr("pres.present"), icon=":material/slideshow:", key="pres_start"):
    start_presenting()
bar[2].button(ui.tr("pres.rebuild"), icon=":material/autorenew:", help=ui.tr("pres.rebuild_help"),
              on_click=editor.rebuild, disabled=not editable, key=editor.key("rebuild"))
bar[3].button(ui.tr("pres.reload"), icon=":material/refresh:", on_click=editor.load, key=editor.key("reload"))

edit_tab, preview_tab, download_tab = st.tabs([ui.tr("pres.edit"), ui.tr("pres.preview"), ui.tr("pres.download")])
with edit_tab:
    editor.slide_editors()
with preview_tab:
    editor.preview()
with download_tab:
    deck_downloads(editor)
