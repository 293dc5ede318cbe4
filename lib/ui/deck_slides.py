"""One slide as the audience sees it: in the builder's preview and in presentation mode."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.deck import model as deck_model
from lib.deck.evidence import source_text, spec_sources
from lib.ui import session_widgets as widgets
from lib.ui.user_text import literal
from lib.workspace.items import Item


def draw_slide(slide: dict, item: Item | None, catalog: dict, lang: str, key: str, large: bool = False) -> None:
    """The slide's step, title, evidence `item` (the saved chart, map or table it shows) beside its bullets,
    the evidence's sources, and its table."""
    st.caption(deck_model.section_label(slide["section"], lang))
    st.markdown(f"{'#' if large else '###'} {literal(slide['title'])}")
    bullets = "\n".join(f"- {literal(b)}" for b in slide["bullets"])
    if item is not None:
        left, right = st.columns([2, 1]) if bullets else (st.container(), None)
        with left:
            widgets.show_evidence(item.kind, item.payload, key, on_slide=True)
        if right is not None:
            right.markdown(bullets)
        st.caption(source_text(spec_sources(catalog, item.kind, item.payload.get("spec") or {}, lang), lang,
                               short=True))
    elif bullets:
        st.markdown(bullets)
    if slide["table"]:
        st.table(pd.DataFrame(slide["table"]["rows"], columns=slide["table"]["columns"]))
