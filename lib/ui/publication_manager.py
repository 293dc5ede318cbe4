"""The data page's 公開の管理 tab: a published dataset's dictionary edited, who uses it, withdrawn or restored,
and the publication log."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.data import publishing
from lib.data.catalog import load_catalog
from lib.data.dictionary_edits import dictionary_changes
from lib.deck.evidence import dependants
from lib.i18n import time_text
from lib.ui import lang, tr, workspace
from lib.ui.user_text import literal
from lib.workspace import course


def manage_section() -> None:
    names = publishing.published_names()
    if not names:
        st.info(tr("manage.none"))
    else:
        name = st.selectbox(tr("manage.dataset"), names, key="manage_dataset")
        _dictionary_form(name)
        _dependants(name)
        _withdraw(name)
    _log()
    _restore()


def _dictionary_form(name: str) -> None:
    ds = load_catalog()[name]
    st.subheader(literal(ds.title_in(lang())))
    # Keyed per dataset and filled once from the stored text: an input made from the stored value
    # would be a new widget after each save, and the next edit would be dropped.
    keys = {part: f"manage:{name}:{part}" for part in ("title", "description", "record_unit", "who")}
    for part, stored in (("title", ds.title_in("ja")), ("description", ds.description_in("ja")),
                         ("record_unit", ds.record_unit_in("ja")), ("who", tr("prep.instructor"))):
        st.session_state.setdefault(keys[part], stored)
    with st.form("manage_dictionary"):
        title = st.text_input(tr("prep.publish_title"), key=keys["title"])
        description = st.text_area(tr("prep.publish_description"), key=keys["description"])
        record_unit = st.text_input(tr("prep.record_unit"), key=keys["record_unit"])
        labels = st.data_editor(
            pd.DataFrame({"column": [c.name for c in ds.columns], "label": [c.label_in("ja") for c in ds.columns],
                          "unit": [c.unit_in("ja") for c in ds.columns]}),
            hide_index=True, disabled=["column"], key=f"manage:{name}:labels",
            column_config={"column": tr("prep.column"), "label": tr("prep.label"), "unit": tr("prep.unit")})
        who = st.text_input(tr("prep.published_by"), key=keys["who"])
        if st.form_submit_button(tr("manage.save")):
            changes = dictionary_changes(ds, title, description, labels.to_dict("records"), record_unit)
            try:
                publishing.edit_dictionary(name, changes, who)
                st.success(tr("manage.saved"))
            except publishing.PublishError as error:
                st.error(error.text(lang()))


def _dependants(name: str) -> None:
    # Evidence saved only in this browser session (no group joined) counts too.
    session_saved = [dict(item, group="—") for item in st.session_state.get("saved_evidence", [])]
    users = dependants(name, session_saved + course.saved_evidence_of_every_group(workspace()))
    st.subheader(tr("manage.dependants", n=len(users)))
    if users:
        st.dataframe(pd.DataFrame([{tr("manage.kind"): tr(f"kind.{u.get('kind')}"),
                                    tr("prep.publish_title"): u.get("title"),
                                    tr("manage.group"): u.get("group", "")} for u in users]), hide_index=True)


def _withdraw(name: str) -> None:
    st.subheader(tr("manage.withdraw"))
    confirm = st.checkbox(tr("manage.withdraw_confirm", name=name), key="manage_withdraw_confirm")
    if st.button(tr("manage.withdraw"), key="manage_withdraw", disabled=not confirm):
        with st.spinner(tr("wait.withdraw")):
            publishing.withdraw(name, tr("prep.instructor"))
        st.success(tr("manage.withdrawn", name=name))
        st.rerun()


def _log() -> None:
    st.subheader(tr("manage.log"))
    log = publishing.publication_log()
    if log:
        rows = [{**entry, "at": time_text(entry["at"], lang()),
                 "action": tr(f"manage.action.{entry['action']}")} for entry in log[::-1]]
        columns = ("at", "action", "dataset", "by", "rows")
        st.dataframe(pd.DataFrame([{tr(f"manage.log.{c}"): row.get(c) for c in columns} for row in rows]),
                     hide_index=True)


def _restore() -> None:
    copies = publishing.kept_copies()
    if copies:
        st.subheader(tr("manage.copies"))
        pick = st.selectbox(tr("manage.copy"), [c.name for c in copies], key="manage_copy")
        if st.button(tr("manage.restore"), key="manage_restore"):
            with st.spinner(tr("wait.restore")):
                publishing.restore(next(c for c in copies if c.name == pick), tr("prep.instructor"))
            st.success(tr("manage.restored"))
            st.rerun()
