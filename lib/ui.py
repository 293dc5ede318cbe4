"""The one module of lib/ that imports streamlit: small helpers shared by pages."""
from __future__ import annotations

import streamlit as st

from lib import i18n
from lib.store import Store, get_store
from lib.user_sql import UserQueryError


def _leave_pages_folder_mode() -> None:
    """Make every run go through app.py's st.navigation.

    Streamlit treats an app with a pages/ folder as a legacy multipage app until
    st.navigation first runs, so a deep link (e.g. /catalog) opened first on a
    fresh server would run that page alone, without app.py's sidebar. Every page
    imports this module, so the first run of any script switches the mode off and
    reruns through app.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_leave_pages_folder_mode()


def lang() -> str:
    return st.session_state.get("lang", i18n.DEFAULT_LANGUAGE)


def tr(key: str, **values) -> str:
    return i18n.t(key, lang(), **values)


@st.cache_resource(show_spinner="データベースを準備しています…（初回のみ時間がかかります）")
def _prepared_store(data_dir: str) -> Store:
    from lib import offline_map

    store = get_store()
    store.refresh_published()
    store.published().close()
    offline_map.prepare()
    return store


def store() -> Store:
    """The store, with the published database built (first start) and map assets in place."""
    from lib import settings

    return _prepared_store(str(settings.data_dir().resolve()))


def language_switch() -> None:
    """The sidebar's language choice; bound to session_state["lang"], so every page sees it at once."""
    st.session_state.setdefault("lang", i18n.DEFAULT_LANGUAGE)
    st.sidebar.selectbox(
        i18n.t("sidebar.language", lang()), list(i18n.LANGUAGES),
        format_func=lambda code: i18n.LANGUAGES[code], key="lang",
    )


def show_query_error(error: UserQueryError) -> None:
    """A refused or failed query: a sentence in the user's language, details folded away."""
    st.error(error.text(lang()))
    if error.detail:
        with st.expander("詳細" if lang() == "ja" else "Details"):
            st.code(error.detail, language=None)


def save_evidence(kind: str, title: str, note: str, spec: dict) -> None:
    """Save a chart or map, as its spec, for the group's worksheets."""
    from datetime import datetime

    st.session_state.setdefault("saved_evidence", []).append({
        "kind": kind, "title": title, "note": note, "spec": spec,
        "saved_at": datetime.now().isoformat(timespec="seconds"),
    })


def saved_evidence(kind: str | None = None) -> list[dict]:
    """Saved charts / maps, newest last; `kind` = "chart" or "map" to filter."""
    items = st.session_state.get("saved_evidence", [])
    return [i for i in items if kind is None or i["kind"] == kind]
