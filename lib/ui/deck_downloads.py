"""The deck as a file (PPTX, HTML, PDF) made from the current draft, saved or not; each made on request, with
its steps shown while it is made, and kept for download until the next one."""
from __future__ import annotations

import streamlit as st

from lib.deck import export as deck_export
from lib.deck import model as deck_model
from lib.ui import store, tr
from lib.ui.deck_editor import DeckEditor


def deck_downloads(editor: DeckEditor) -> None:
    st.caption(tr("pres.download_help"))
    columns = st.columns(3)
    for column, fmt in zip(columns, ("pptx", "html", "pdf"), strict=True):
        made = st.session_state.get(editor.key("file", fmt))
        if column.button(tr("pres.make_files") + f"（{fmt.upper()}）", key=editor.key("make", fmt), width="stretch"):
            with column.status(tr("pres.making"), expanded=True) as status:
                st.write(tr("wait.deck_evidence"))
                cursor = store().published()
                try:
                    prepared = deck_model.prepare_deck(editor.ws, cursor, editor.catalog, editor.group, editor.lang,
                                                       deck=editor.draft.deck)
                    st.write(tr("wait.deck_file", fmt=fmt.upper()))
                    made = deck_export.export_deck(prepared, fmt)
                finally:
                    cursor.close()
                status.update(label=tr("wait.deck_done", fmt=fmt.upper()), state="complete", expanded=False)
            st.session_state[editor.key("file", fmt)] = made
        if made:
            column.download_button(tr(f"pres.download_{fmt}"), made, deck_export.file_name(editor.group.name, fmt),
                                   deck_export.FORMATS[fmt], key=editor.key("download", fmt),
                                   icon=":material/download:", width="stretch")
