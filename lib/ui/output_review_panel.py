"""The instructor's 「出力チェック」: SQL-derived evidence of every group, reviewed before it can be exported."""
from __future__ import annotations

import streamlit as st

from lib.analysis.disclosure import ResultRefused
from lib.analysis.output_check import findings_text
from lib.analysis.user_sql import UserQueryError
from lib.data.catalog import load_catalog
from lib.ui import actor, lang, store, tr
from lib.ui.user_text import literal
from lib.workspace import output_review as review
from lib.workspace.items import Conflict, Workspace

K = "outcheck:"


def _act(ws: Workspace, item_id: str, action: str) -> None:
    """Approve, send back (with the typed comment) or re-run one item; what happened is said on the next run."""
    item = ws.item(item_id)
    comment = (st.session_state.get(f"{K}{item_id}:comment") or "").strip()
    if action == "send_back" and not comment:
        st.session_state[f"{K}{item_id}:message"] = ("error", tr("output_check.comment_needed"))
        return
    try:
        if action == "approve":
            review.approve(ws, item, actor())
        elif action == "send_back":
            review.send_back(ws, item, actor(), comment)
        else:
            cursor = store().published()
            try:
                review.rerun(ws, item, actor(), cursor, load_catalog())
            finally:
                cursor.close()
    except Conflict:
        st.session_state[f"{K}{item_id}:message"] = ("error", tr("output_check.changed"))
        return
    except (UserQueryError, ResultRefused) as error:
        st.session_state[f"{K}{item_id}:message"] = (
            "error",
            tr("output_check.rerun_failed", reason=error.text(lang())),
        )
        return
    st.session_state[f"{K}{item_id}:comment"] = ""
    st.session_state[K + "done"] = tr(f"output_check.done.{action}", title=item.payload.get("title", ""))


def _first_run(ws: Workspace, entry: review.Pending) -> None:
    """An item saved before results were kept is run once, when the instructor first reviews it."""
    tried = f"{K}{entry.item.item_id}:tried"
    if review.result_frame(entry.item.payload) is None and not st.session_state.get(tried):
        st.session_state[tried] = True
        _act(ws, entry.item.item_id, "rerun")
        st.session_state.pop(K + "done", None)


def _entry(ws: Workspace, entry: review.Pending, actions: tuple[str, ...]) -> None:
    item = entry.item
    with st.container(border=True):
        st.markdown(f"**{literal(entry.group_name)}**　{literal(item.payload.get('title', ''))}"
                    f"（{literal(item.created_by)}）")
        st.caption(literal(review.status_text(item.payload, lang())))
        st.code(item.payload["spec"]["sql"], language="sql")
        frame = review.result_frame(item.payload)
        if frame is None:
            st.info(tr("output_check.no_result"))
        else:
            st.dataframe(frame, hide_index=True, key=f"{K}{item.item_id}:result")
        findings = findings_text(item.payload.get("findings") or [], lang())
        for finding in findings:
            st.warning(finding, icon=":material/warning:")
        if frame is not None and not findings:
            st.caption(tr("output_check.no_findings"))
        message = st.session_state.pop(f"{K}{item.item_id}:message", None)
        if message is not None:
            st.error(message[1])
        if "send_back" in actions:
            st.text_input(tr("output_check.comment"), key=f"{K}{item.item_id}:comment")
        buttons = st.columns(len(actions))
        for column, action in zip(buttons, actions, strict=True):
            column.button(tr(f"output_check.{action}"), key=f"{K}{item.item_id}:{action}", on_click=_act,
                          args=(ws, item.item_id, action), disabled=action == "approve" and frame is None,
                          type="primary" if action == "approve" else "secondary")


def review_panel(ws: Workspace, course_id: str) -> None:
    """Pending SQL evidence of every group (query, result, rule checks; approve / send back / re-run), then
    what was sent back or approved (re-run on request)."""
    st.caption(tr("output_check.lead"))
    if (done := st.session_state.pop(K + "done", None)) is not None:
        st.success(done)
    pending = review.review_queue(ws, course_id)
    for entry in pending:
        _first_run(ws, entry)
    pending = review.review_queue(ws, course_id)
    if not pending:
        st.info(tr("output_check.empty"), icon=":material/task_alt:")
    for entry in pending:
        _entry(ws, entry, ("approve", "send_back", "rerun"))
    for state in (review.RETURNED, review.APPROVED):
        others = review.review_queue(ws, course_id, (state,))
        if others:
            with st.expander(tr(f"output_check.list.{state}", n=len(others))):
                for entry in others:
                    _entry(ws, entry, ("rerun",))
