"""Widgets shared by the four session pages, the workspace and the instructor view."""
from __future__ import annotations

import logging
from typing import Callable

import streamlit as st
from streamlit.errors import StreamlitAPIException

from lib import settings
from lib.data.catalog import load_catalog
from lib.data.city_file import current_city
from lib.deck.evidence import draw_evidence
from lib.errors import WorkbenchError
from lib.i18n import date_text
from lib.ui import (
    actor,
    lang,
    plotly_chart,
    require_group,
    resync,
    saving,
    show_save_error,
    store,
    tr,
    tr_literal,
    workspace,
)
from lib.ui.analysis_view import show_map
from lib.ui.derived import analysis_result
from lib.ui.item_editor import Field, item_editor
from lib.ui.user_text import literal
from lib.workspace import course as course_lib
from lib.workspace import curriculum, logic_model, logic_tree, output_review
from lib.workspace.items import Conflict, WorkspaceError

_log = logging.getLogger(__name__)


def session_header(session: int) -> dict:
    """Title, the group, and where the course is; returns the joined member."""
    st.title(tr(f"page.session_{session}"))
    member = require_group()
    ws = workspace()
    info = course_lib.course_info(ws.course(member["course_id"]))
    day = date_text(info.session_dates[session - 1], lang())
    st.caption(tr("session.header", group=literal(member["group_name"]), date=day, current=info.current_session))
    if city := current_city():
        st.caption(tr("session.city", city=city["city_name"]))
    st.button(tr("ws.refresh"), key=f"refresh_{session}", icon=":material/refresh:", on_click=resync)
    others_changes_notice(member["group_id"])
    return member


def others_changes_notice(group_id: str) -> None:
    """While the page is open, tell the member when someone else in the group saves something.

    The page remembers the newest change it was drawn with; a small fragment looks for
    newer changes by others every settings.LIVE_CHECK_S seconds, without redrawing the
    page (which would disturb what the member is typing).
    """
    latest = workspace().history(group_id=group_id, limit=1)
    st.session_state[f"seen_change:{group_id}"] = latest[0].seq if latest else 0
    if settings.LIVE_CHECK_S <= 0:
        return

    @st.fragment(run_every=settings.LIVE_CHECK_S)
    def notice() -> None:
        seen = st.session_state.get(f"seen_change:{group_id}", 0)
        me = actor()
        newer = [c for c in workspace().history(group_id=group_id, after_seq=seen) if c.actor != me]
        if newer:
            who = "、".join(sorted({c.actor for c in newer}))
            st.info(tr_literal("ws.others_saved", n=len(newer), who=who), icon=":material/group:")
            if st.button(tr("ws.show_latest"), key=f"others_refresh:{group_id}", icon=":material/refresh:"):
                st.rerun(scope="app")

    notice()


# Material icons come with Streamlit's own font, so they show without an emoji font on the PC.
DONE_MARK = ":green[:material/check_circle:]"
PENDING_MARK = ":gray[:material/radio_button_unchecked:]"


def step_intro(step) -> None:
    st.header(step.title(lang()), anchor=step.key)
    st.write(step.explanation(lang()))
    st.info(step.example(lang()), icon=":material/lightbulb:")


def worksheet(group_id: str, step) -> None:
    """The free-text worksheet of a step, shared by the group."""
    if not step.fields:
        return
    fields = [Field(name, curriculum.field_label(step.key, name, lang()),
                    placeholder=curriculum.field_example(step.key, name, lang())) for name in step.fields]
    sheet_id = curriculum.worksheet_id(group_id, step.key)

    def not_empty_at_first(values: dict) -> list[str]:
        """A worksheet is first stored when something is written in it (no empty version 1)."""
        if any(str(v or "").strip() for v in values.values()) or workspace().item(sheet_id) is not None:
            return []
        return [tr("wspage.error.empty")]

    item_editor(f"ws:{step.key}", group_id, "worksheet", fields, item_id=sheet_id, validate=not_empty_at_first)


def progress_panel(group_id: str, session: int) -> None:
    """What is done in this session and what is still missing before the next."""
    st.header(tr("progress.title"), anchor="progress")
    content = curriculum.load_content(workspace(), group_id)
    results = curriculum.session_progress(content, session, load_catalog(), lang())
    for result in results:
        icon = DONE_MARK if result.done else PENDING_MARK
        st.markdown(f"{icon} **{result.step.title(lang())}** — "
                    f"{tr('progress.done') if result.done else tr('progress.todo')}")
    missing = [m for r in results for m in r.missing]
    last = session == course_lib.SESSIONS[-1]  # after the last session comes the presentation, not a session
    if missing:
        st.warning(tr("progress.before_presentation" if last else "progress.before_next") + "\n\n"
                   + "\n".join(f"- {m}" for m in missing))
    else:
        st.success(tr("progress.all_done_last" if last else "progress.all_done"))


def _apply_tree_edit(group_id: str, edit: Callable[[dict], dict]) -> None:
    """Apply one tree operation to the newest stored tree.

    A tree edit is an operation (add / rename / move / delete), not a whole new
    tree, so when another member saved in between it is applied again to their
    version: both edits survive, and an edit that no longer fits is reported.
    """
    ws = workspace()
    item_id = curriculum.logic_tree_id(group_id)
    for _attempt in range(5):
        item = ws.item(item_id)
        try:
            tree = edit(item.payload)
            ws.update_item(item_id, tree, item.version, actor())
            return
        except logic_tree.TreeError as exc:
            st.session_state["tree:error"] = tr(exc.key)
            return
        except Conflict:
            continue
    st.session_state["tree:error"] = tr("tree.busy")


@saving
def _tree_op(group_id: str, op: str) -> None:
    ss = st.session_state
    if op == "add":
        label = ss.get("tree:add_label", "")
        _apply_tree_edit(group_id, lambda tree: logic_tree.add_node(tree, ss["tree:add_parent"], label)[0])
        if "tree:error" not in ss:
            ss["tree:add_label"] = ""
    elif op == "rename":
        _apply_tree_edit(group_id, lambda tree: logic_tree.rename_node(tree, ss["tree:rename_node"],
                                                                        ss.get("tree:rename_label", "")))
    elif op == "move":
        _apply_tree_edit(group_id, lambda tree: logic_tree.move_node(tree, ss["tree:move_node"],
                                                                      ss["tree:move_parent"]))
    elif op == "delete":
        _apply_tree_edit(group_id, lambda tree: logic_tree.delete_node(tree, ss["tree:delete_node"]))


@saving
def _start_tree(group_id: str) -> None:
    try:
        root_label = st.session_state.get("tree:root", "")
        workspace().create_item(group_id, "logic_tree", logic_tree.new_tree(root_label), actor(),
                                item_id=curriculum.logic_tree_id(group_id))
    except logic_tree.TreeError as exc:
        st.session_state["tree:error"] = tr(exc.key)
    except Conflict:
        pass  # another member started it first: theirs is shown


def logic_tree_editor(group_id: str) -> None:
    """The why-why tree: its diagram, and add / rename / move / delete."""
    st.subheader(tr("tree.title"), anchor="logic-tree")
    st.caption(tr("tree.lead"))
    item = workspace().item(curriculum.logic_tree_id(group_id))
    if item is None:
        problem = (workspace().item(curriculum.worksheet_id(group_id, "step0")) or None)
        default = problem.payload.get("problem", "") if problem else ""
        if not st.session_state.get("tree:root"):
            st.session_state["tree:root"] = default
        st.text_input(tr("tree.root"), key="tree:root")
        st.button(tr("tree.start"), key="tree:start", on_click=_start_tree, args=(group_id,))
        if "tree:error" in st.session_state:
            st.error(st.session_state.pop("tree:error"))
        return
    tree = item.payload
    st.graphviz_chart(logic_tree.to_dot(tree), width="stretch")
    st.caption(tr_literal("ws.last_saved", who=item.updated_by, when=item.updated_at.strftime("%m/%d %H:%M"),
                  version=item.version) + " ・ " + tr("tree.depth", depth=logic_tree.depth(tree)))
    rows = logic_tree.outline(tree)
    ids = [node["id"] for _level, node in rows]
    labels = {node["id"]: ("　" * (level - 1)) + node["label"] for level, node in rows}
    non_root = ids[1:]
    add, rename, move, delete = st.tabs([tr("tree.add"), tr("tree.rename"), tr("tree.move"), tr("tree.delete")])
    with add:
        st.selectbox(tr("tree.parent"), ids, format_func=labels.get, key="tree:add_parent")
        st.text_input(tr("tree.cause"), key="tree:add_label", placeholder=tr("tree.cause_example"))
        st.button(tr("tree.add"), key="tree:add", on_click=_tree_op, args=(group_id, "add"), type="primary")
    with rename:
        st.selectbox(tr("tree.node"), ids, format_func=labels.get, key="tree:rename_node")
        st.text_input(tr("tree.new_label"), key="tree:rename_label")
        st.button(tr("tree.rename"), key="tree:rename", on_click=_tree_op, args=(group_id, "rename"))
    with move:
        if non_root:
            st.selectbox(tr("tree.node"), non_root, format_func=labels.get, key="tree:move_node")
            st.selectbox(tr("tree.new_parent"), ids, format_func=labels.get, key="tree:move_parent")
            st.button(tr("tree.move"), key="tree:move", on_click=_tree_op, args=(group_id, "move"))
    with delete:
        if non_root:
            st.selectbox(tr("tree.node"), non_root, format_func=labels.get, key="tree:delete_node")
            st.caption(tr("tree.delete_note"))
            st.button(tr("tree.delete"), key="tree:delete", on_click=_tree_op, args=(group_id, "delete"))
    if "tree:error" in st.session_state:
        st.error(st.session_state.pop("tree:error"))


def dataset_label(name: str) -> str:
    catalog = load_catalog()
    return f"{catalog[name].title_in(lang())}（{name}）" if name in catalog else name


def column_options(dataset: str | None) -> list[str]:
    ds = load_catalog().get(dataset or "")
    return [c.name for c in ds.data_columns] if ds else []


def column_label(dataset: str | None, name: str) -> str:
    ds = load_catalog().get(dataset or "")
    if ds is not None and ds.has_column(name):
        return f"{ds.column(name).label_in(lang())}（{name}）"
    return name


def safe_page_link(target, page: str, label: str, icon: str) -> None:
    """A link to another page, left out when that page is not in the navigation."""
    try:
        target.page_link(page, label=label, icon=icon)
    except (StreamlitAPIException, KeyError):
        pass


def verdict_rows(findings: list, hypotheses: list) -> list[dict]:
    """Per hypothesis: its verdicts from the findings (newest last)."""
    rows = []
    for h in hypotheses:
        verdicts = [tr(f"verdict.{f.payload['verdict']}") for f in findings
                    if f.payload.get("hypothesis_id") == h.item_id and f.payload.get("verdict")]
        rows.append({tr("finding.hypothesis"): h.payload.get("text", ""),
                     tr("finding.verdict"): "、".join(verdicts) or "—"})
    return rows


def logic_model_dot(model: dict) -> str:
    return logic_model.to_dot(model, {part: tr(f"model.{part}") for part in ("activities", "outputs", "outcomes")})


def show_sql_table(payload: dict, key: str, on_slide: bool = False) -> None:
    """A SQL table from its saved result (never run again); on a slide only once the instructor approved it."""
    if on_slide and not output_review.exportable(payload):
        st.info(output_review.placeholder(lang()), icon=":material/hourglass_top:")
        return
    frame = output_review.result_frame(payload)
    if frame is None:
        st.info(tr("output_check.no_result"), icon=":material/hourglass_top:")
    else:
        st.dataframe(frame, hide_index=True, key=key)
    if not on_slide:
        st.caption(literal(output_review.status_text(payload, lang())))


class _PageFigure:
    """Draws one saved item on a page (see lib.deck.evidence.Evidence.draw); an analysis's caution and result
    table go under its figure or map, as on the analysis page."""

    def __init__(self, key: str, on_slide: bool):
        self.key, self.on_slide = key, on_slide

    def error(self, evidence) -> None:
        st.info(evidence.error, icon=":material/hourglass_top:")

    def chart(self, evidence) -> None:
        plotly_chart(evidence.figure, key=self.key + ":figure" if evidence.result_table else self.key)
        self._under(evidence)

    def map(self, evidence) -> None:
        show_map(evidence.map_data, self.key + ":map" if evidence.result_table else self.key, self.on_slide)
        self._under(evidence)

    def table(self, evidence) -> None:
        self._caution(evidence)
        st.dataframe(evidence.table, hide_index=True, key=self.key + ":table" if evidence.result_table else self.key)

    def _caution(self, evidence) -> None:
        if evidence.caution:
            st.warning(tr("analysis.caution", caution=evidence.caution), icon=":material/warning:")

    def _under(self, evidence) -> None:
        self._caution(evidence)
        if evidence.result_table:
            with st.expander(tr("deck.data_table")):
                st.dataframe(evidence.table, hide_index=True, key=self.key + ":table")


def show_evidence(kind: str, payload: dict, key: str, on_slide: bool = False) -> None:
    """Draw a saved chart, map, table or analysis from its spec (the spec is what is saved, never a picture);
    a SQL table from its saved result."""
    if output_review.needs_review(payload):
        show_sql_table(payload, key, on_slide)
        return
    try:
        # An analysis is shared by sessions per published data: a word ranking tokenizes every answer (0.6 s).
        with st.spinner(tr("wait.evidence")):  # a saved map with circles or distances takes seconds to redraw
            evidence = draw_evidence(store().published(), load_catalog(), kind, payload, lang(),
                                     analyse=lambda analysis: analysis_result(analysis.to_dict(), lang()))
        evidence.draw(_PageFigure(key, on_slide))
    except WorkbenchError as error:
        st.error(error.text(lang()))
    except Exception:  # noqa: BLE001 - a sentence for the user; the detail goes to the server's log
        _log.exception("a saved %s could not be drawn", kind)
        st.error(tr("evidence.cannot_draw"))


def _summary(payload: dict | None, kind: str = "", item_id: str = "") -> str:
    """A line of what an item held, for the history; a worksheet says its Step first."""
    if kind == "worksheet":
        step_key = item_id.rsplit(":", 1)[-1]
        known = next((s for s in curriculum.STEPS if s.key == step_key), None)
        title = known.title(lang()) if known else step_key
        text = next((str(v) for v in (payload or {}).values() if isinstance(v, str) and v.strip()), "")
        return f"{title}：{text[:50] or '—'}"
    if not payload:
        return "—"
    for name in ("title", "text", "sentence", "task", "problem", "goal", "presentation", "data_sources"):
        if payload.get(name):
            return str(payload[name])[:60]
    if payload.get("method"):
        method, display = payload["method"], payload.get("display", "chart")
        return f"{tr(f'method.{method}')} × {tr(f'display.{display}')}"
    if "nodes" in payload:
        return " / ".join(n["label"] for n in payload["nodes"][:4])[:60]
    if "activities" in payload:
        return " / ".join(payload.get("activities") or [])[:60]
    return next((str(v)[:60] for v in payload.values() if isinstance(v, str) and v.strip()), "—")


def history_view(group_id: str, limit: int = 200) -> None:
    """Who changed what and when, with restore of an earlier version."""
    ws = workspace()
    changes = ws.history(group_id=group_id, limit=limit)
    if not changes:
        st.caption(tr("history.none"))
        return
    st.dataframe([{
        tr("history.when"): c.at.strftime("%m/%d %H:%M:%S"), tr("history.who"): c.actor,
        tr("history.what"): tr(f"history.action.{c.action}"),
        tr("history.kind"): tr(f"kind.{c.kind}"), tr("history.version"): c.version,
        tr("history.content"): _summary(c.after if c.after is not None else c.before, c.kind, c.item_id),
    } for c in changes], hide_index=True, width="stretch")
    st.markdown(f"**{tr('history.restore_title')}**")
    choices = [(c.item_id, c.version) for c in changes if c.action != "delete"]
    labels = {(c.item_id, c.version): f"{tr(f'kind.{c.kind}')} v{c.version} — {_summary(c.after, c.kind, c.item_id)} "
                                      f"（{c.actor}, {c.at.strftime('%m/%d %H:%M')}）" for c in changes}
    choice = st.selectbox(tr("history.restore_choose"), choices, format_func=labels.get, key="history:choice")
    if st.button(tr("history.restore"), key="history:restore") and choice:
        item_id, version = choice
        current = ws.item(item_id)
        try:
            ws.restore(item_id, version, current.version, actor())
        except (Conflict, WorkspaceError):
            st.error(tr("history.restore_failed"))
        else:
            st.toast(tr("history.restored", version=version), icon=":material/history:")
            st.rerun()


def course_picker(label: str, key: str):
    """The instructor's choice of course (the current one first selected); returns its Course."""
    ws = workspace()
    all_courses = course_lib.courses(ws)
    ids = [c.course_id for c in all_courses]
    chosen = st.session_state.pop(f"{key}:next", None)
    if chosen in ids:
        st.session_state[key] = chosen
    elif st.session_state.get(key) not in ids:
        st.session_state[key] = course_lib.current_course(ws).course_id
    chosen = st.selectbox(label, ids, format_func=lambda cid: next(c.name for c in all_courses if c.course_id == cid),
                          key=key)
    return next(c for c in all_courses if c.course_id == chosen)


def _send_comment(group_id: str, group_name: str) -> None:
    text = (st.session_state.get("inst_comment_text") or "").strip()
    if not text:
        return
    try:
        workspace().create_item(group_id, "comment", {"text": text}, actor())
    except WorkspaceError as exc:
        st.session_state["inst_comment_failed"] = exc  # said beside the box, which keeps the text
        return
    st.session_state["inst_comment_text"] = ""  # emptied only once the comment is stored
    st.session_state["inst_comment_sent"] = group_name


def comment_form(group) -> None:
    """The instructor's comment to a group; a failed send keeps the text in the box."""
    with st.form("inst_comment"):
        st.text_area(tr("inst.comment_text"), key="inst_comment_text")
        st.form_submit_button(tr("inst.comment_send"), on_click=_send_comment, args=(group.group_id, group.name))
    if (failure := st.session_state.pop("inst_comment_failed", None)) is not None:
        show_save_error(failure)
    if sent_to := st.session_state.pop("inst_comment_sent", None):
        st.success(tr_literal("inst.comment_sent", group=sent_to))


def pick_course_next_run(key: str, course_id: str) -> None:
    """Select `course_id` in the course picker `key` on the next run (it cannot change once drawn)."""
    st.session_state[f"{key}:next"] = course_id
