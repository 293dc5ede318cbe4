"""The user's language and what the UI says in it: messages, dataset titles, the language switch, and
Streamlit's and Plotly's own English words replaced or hidden."""
from __future__ import annotations

import streamlit as st

from lib import i18n
from lib.analysis import disclosure
from lib.charts.plotly_config import plotly_config
from lib.data.catalog import Dataset
from lib.data.import_guards import MAX_IMPORT_BYTES
from lib.ui.runtime import leave_pages_folder_mode, mark_run_through_app
from lib.ui.user_text import literal


def lang() -> str:
    leave_pages_folder_mode()  # every page asks for the language first
    return st.session_state.get("lang", i18n.DEFAULT_LANGUAGE)


def tr(key: str, **values) -> str:
    return i18n.t(key, lang(), **values)


def tr_literal(key: str, **values) -> str:
    """The message `key` with each value (text someone typed) shown as typed, never as Markdown."""
    return tr(key, **{name: literal(value) for name, value in values.items()})


def dataset_title(ds: Dataset) -> str:
    """A dataset's title in the pickers; on a real city, the made-up demo city's data says so."""
    title = ds.title_in(lang())
    return tr("catalog.demo_title", title=title) if ds.demo_on_real_city else title


def streamlit_in_language() -> None:
    """Streamlit's own words are English whatever the language; each is hidden or replaced by ours.

    - the file uploader's "Upload" and "200MB per file": ours, with the workbench's own size limit;
    - the toolbar over tables and charts ("Download as CSV", "Search", "Fullscreen"): hidden; tables
      and charts are saved and downloaded with the pages' own buttons, which check what leaves the room;
    - the link that keyboard users meet first, "Skip to main content": ours;
    - the full-screen button Streamlit adds to Plotly's toolbar: its tooltip (drawn by CSS) ours.
    """
    limit = tr("upload.limit", mb=MAX_IMPORT_BYTES // (1024 * 1024))
    st.markdown(
        "<style>[data-testid='stFileUploaderDropzone'] button > *, "
        "[data-testid='stFileUploaderDropzoneInstructions'] * {display: none;} "
        f"[data-testid='stFileUploaderDropzone'] button::after {{content: '{tr('upload.choose')}';}} "
        f"[data-testid='stFileUploaderDropzoneInstructions'] > div::after {{content: '{limit}'; font-size: 0.85rem;}}"
        " [data-testid='stElementToolbar'] {display: none !important;}"
        " [data-testid='stSkipToContent'] {visibility: hidden; font-size: 0;}"
        f" [data-testid='stSkipToContent']::after {{visibility: visible; font-size: 1rem; content: '{tr('app.skip_to_content')}';}}"
        f" .js-plotly-plot .plotly .modebar-btn[data-title='Fullscreen']::after {{content: '{tr('app.full_screen')}' !important;}}"
        " .js-plotly-plot .plotly .modebar-btn[data-title='Close fullscreen']::after"
        f" {{content: '{tr('app.leave_full_screen')}' !important;}}"
        "</style>", unsafe_allow_html=True)


def language_switch() -> None:
    """The sidebar's language choice; bound to session_state["lang"], so every page sees it at once."""
    mark_run_through_app()
    st.session_state.setdefault("lang", i18n.DEFAULT_LANGUAGE)
    st.sidebar.selectbox(
        i18n.t("sidebar.language", lang()), list(i18n.LANGUAGES),
        format_func=lambda code: i18n.LANGUAGES[code], key="lang",
    )


def plotly_chart(figure, key: str, **kwargs) -> None:
    """st.plotly_chart with the chart's toolbar and messages in the user's language."""
    st.plotly_chart(figure, key=key, config=plotly_config(lang()), **kwargs)


def show_suppressed(count: int) -> None:
    """Say, in the user's language, that and why figures are hidden (lib.analysis.disclosure)."""
    if count:
        st.info(disclosure.notice(count, lang()), icon=":material/visibility_off:")
