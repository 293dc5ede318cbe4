"""The instructor's view: every group's progress at a glance, their work, comments, the course."""
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from lib import settings, ui
from lib.data.catalog import load_catalog
from lib.ui import exercise_editor
from lib.ui import session_widgets as widgets
from lib.ui.city_choice import group_cities_panel, new_group_city
from lib.ui.output_review_panel import review_panel
from lib.ui.snapshot_panel import lost_saves_notice, snapshot_panel
from lib.ui.user_text import literal
from lib.workspace import course, curriculum, group_pc, logic_tree, sign_ins
from lib.workspace.join_sheet import join_sheet_html, workbench_address


def _add_group(ws, course_id: str, lang: str) -> None:
    """Add the typed group; the box is emptied only when it was added (a refusal keeps the name)."""
    try:
        course.add_group(ws, course_id, st.session_state.get("inst_new_group", ""), lang,
                         city_code=st.session_state.get("inst_new_group_city", ""))
        st.session_state["inst_new_group"] = ""
    except course.CourseError as exc:
        st.session_state["inst_add_group_refused"] = str(exc)


def _revoke(revoke, ws, key: str) -> None:
    """End sign-ins (one member's, a group's, a course's) before the page is drawn, which then lists the rest."""
    st.session_state["inst_revoked"] = revoke(ws, key)


ui.require_instructor()
st.title(ui.tr("page.instructor"))
problem = ui.workspace_problem()
if problem is not None:  # missing or damaged: say so, and offer the snapshots (a read-only folder: no restore)
    st.error(ui.tr(f"ws.unavailable.{problem.reason}"), icon=":material/error:")
    if problem.reason != "read_only":
        snapshot_panel(workspace_ok=False)
    st.stop()
ws = ui.workspace()
lang = ui.lang()
lost_saves = ws.backend.lost_saves()
if lost_saves:  # acknowledged saves missing since an unclean stop: say so, and offer the snapshots
    lost_saves_notice(ws, lost_saves)
catalog = load_catalog()
info = widgets.course_picker(ui.tr("inst.course"), "inst_course")
course_id = info.course_id
groups = ws.groups(course_id)
st.caption(ui.tr("inst.course_line", municipality=info.municipality, session=info.current_session,
                 dates=" / ".join(d.isoformat() for d in info.session_dates)))
if st.button(ui.tr("ws.refresh"), icon=":material/refresh:"):
    st.rerun()
ui.passcode_lockouts()

overview, detail, output_check, running, setup, themes, backups = st.tabs([
    ui.tr("inst.overview"), ui.tr("inst.detail"), ui.tr("output_check.tab"), ui.tr("inst.running"), ui.tr("inst.setup"),
    ui.tr("inst.themes"), ui.tr("snap.title")])

with overview:
    rows = []
    for g in groups:
        results = curriculum.progress(curriculum.load_content(ws, g.group_id), catalog, lang)
        example = course.is_example(g) and ui.tr("inst.example") not in g.name
        row = {ui.tr("inst.group"): g.name + ("（" + ui.tr("inst.example") + "）" if example else ""),
               ui.tr("inst.members"): len(ws.members(g.group_id))}
        row.update({r.step.key.replace("step", "Step "): ui.tr("progress.done") if r.done else "—" for r in results})
        changes = ws.history(group_id=g.group_id, limit=1)
        row[ui.tr("inst.last_change")] = (f"{changes[0].actor} {changes[0].at.strftime('%m/%d %H:%M')}"
                                          if changes else "—")
        at_pc = group_pc.last_at(ws, g)
        row[ui.tr("inst.shared_pc")] = (ui.tr("inst.shared_pc_at", names="・".join(at_pc[0]),
                                              time=at_pc[1].strftime("%m/%d %H:%M")) if at_pc else "—")
        rows.append(row)
    # st.table: a few rows, readable as text (and by the browser test).
    if rows:
        st.table(pd.DataFrame(rows).set_index(ui.tr("inst.group")))
    else:
        st.info(ui.tr("inst.no_groups"))
    st.caption(" ／ ".join(s.title(lang) for s in curriculum.STEPS))

with detail:
    if not groups:
        st.info(ui.tr("inst.no_groups"))
    else:
        group_ids = [g.group_id for g in groups]
        group_id = st.selectbox(ui.tr("inst.group"), group_ids, key="inst_group",
                                format_func=lambda gid: next(g.name for g in groups if g.group_id == gid))
        group = ws.group(group_id)
        content = curriculum.load_content(ws, group_id)
        st.markdown(ui.tr("wspage.members") + " " + literal("、".join(f"{m.name}（{m.department}）"
                                                                      for m in ws.members(group_id)) or "—"))
        for result in curriculum.progress(content, catalog, lang):
            with st.expander(f"{widgets.DONE_MARK if result.done else widgets.PENDING_MARK} {result.step.title(lang)}"):
                sheet = content.worksheets.get(result.step.key) or {}
                for name in result.step.fields:
                    st.markdown(f"**{curriculum.field_label(result.step.key, name, lang)}**")
                    st.markdown(literal(sheet.get(name) or "—"))
                if result.step.key == "step1":
                    if content.tree:
                        st.graphviz_chart(logic_tree.to_dot(content.tree), width="stretch")
                    for h in content.hypotheses:
                        st.markdown("- " + literal(f"{h.payload.get('text', '')} — "
                                                   f"{widgets.dataset_label(h.payload.get('dataset', ''))}"
                                                   f"：{'、'.join(h.payload.get('columns') or [])}"))
                if result.step.key == "step3":
                    for s in content.sketches:
                        method, display = s.payload.get("method"), s.payload.get("display")
                        st.markdown(f"- {ui.tr(f'method.{method}')} × {ui.tr(f'display.{display}')} — "
                                    + literal(widgets.dataset_label(s.payload.get('dataset', ''))))
                if result.step.key == "step4":
                    for e in content.evidence:
                        st.markdown(f"- {ui.tr(f'kind.{e.kind}')}: " + literal(f"{e.payload.get('title', '')}"
                                                                              f"（{e.created_by}）"))
                        if st.toggle(ui.tr("wspage.show"), key=f"inst_show:{e.item_id}"):
                            widgets.show_evidence(e.kind, e.payload, f"inst_ev:{e.item_id}")
                if result.step.key == "step5":
                    st.dataframe(widgets.verdict_rows(content.findings, content.hypotheses), hide_index=True, width="stretch")
                    for f in content.findings:
                        strength = f.payload.get("strength")
                        st.markdown(f"- {literal(f.payload.get('sentence', ''))}（{ui.tr(f'strength.{strength}')}）")
                if result.step.key == "step6":
                    for p in content.policies:
                        st.markdown(f"- **{literal(p.payload.get('title', ''))}** {literal(p.payload.get('description', ''))}")
                if result.step.key == "step7" and content.logic_model:
                    st.graphviz_chart(widgets.logic_model_dot(content.logic_model), width="stretch")
                    st.dataframe([{ui.tr(f"kpi.{part}"): kpi.get(part, "") for part in curriculum.KPI_PARTS}
                                  for kpi in content.logic_model.get("kpis") or []], hide_index=True, width="stretch")
                for missing in result.missing:
                    st.caption(widgets.PENDING_MARK + " " + missing)
        revoked = st.session_state.pop("inst_revoked", None)
        with st.expander(ui.tr("inst.sign_ins"), expanded=revoked is not None):
            st.caption(ui.tr("inst.sign_ins_lead"))
            if revoked is not None:
                st.success(ui.tr("inst.revoked", n=revoked))
            signed_in = sign_ins.signed_in_members(ws, group_id)
            for m in ws.members(group_id):
                if m.member_id in signed_in:
                    left, right = st.columns([3, 2])
                    left.markdown(ui.tr_literal("inst.sign_ins_member", name=m.name, department=m.department,
                                                n=str(signed_in[m.member_id])))
                    right.button(ui.tr("inst.revoke_member"), key=f"inst_revoke:{m.member_id}", on_click=_revoke,
                                 args=(sign_ins.revoke_member, ws, m.member_id))
            if signed_in:
                st.button(ui.tr("inst.revoke_group"), key="inst_revoke_group", on_click=_revoke,
                          args=(sign_ins.revoke_group, ws, group_id))
            else:
                st.caption(ui.tr("inst.no_sign_ins"))
            st.button(ui.tr("inst.revoke_course"), key="inst_revoke_course", on_click=_revoke,
                      args=(sign_ins.revoke_course, ws, course_id))
        st.subheader(ui.tr("inst.comment"))
        widgets.comment_form(group)
        for comment in reversed(ws.items(group_id, "comment")):
            st.caption(literal(f"{comment.created_at.strftime('%m/%d %H:%M')} {comment.created_by}: "
                               f"{comment.payload.get('text')}"))
        with st.expander(ui.tr("wspage.history")):
            widgets.history_view(group_id, limit=50)

with output_check:
    review_panel(ws, course_id)

with running:
    st.metric(ui.tr("inst.current_session"), ui.tr(f"page.session_{info.current_session}"))
    if info.current_session < 4 and st.button(ui.tr("inst.next_session"), type="primary", key="inst_next"):
        course.move_to_session(ws, course_id, info.current_session + 1, ui.actor(), lang)
        st.rerun()
    session_titles = {n: ui.tr(f"page.session_{n}") for n in course.SESSIONS}
    session = st.selectbox(ui.tr("inst.set_session"), course.SESSIONS, index=info.current_session - 1,
                           format_func=session_titles.get, key="inst_session")
    if st.button(ui.tr("inst.set_session_button"), key="inst_set_session") and session != info.current_session:
        course.move_to_session(ws, course_id, session, ui.actor(), lang)
        st.rerun()

with setup:
    st.subheader(ui.tr("inst.join_codes"))
    codes = [{ui.tr("inst.group"): g.name, ui.tr("inst.join_code"): g.join_code,
              ui.tr("inst.members"): len(ws.members(g.group_id))} for g in groups if not course.is_example(g)]
    if codes:
        st.table(pd.DataFrame(codes).set_index(ui.tr("inst.group")))
    else:
        st.info(ui.tr("inst.no_groups"))
    address = st.text_input(ui.tr("inst.join_address"), key="inst_join_address", help=ui.tr("inst.join_address_help"),
                            value=workbench_address(st.context.url, settings.SERVER_URL))
    st.download_button(ui.tr("inst.join_sheet"), join_sheet_html(info, [g for g in groups if not course.is_example(g)],
                                                                 lang, address.strip()),
                       f"参加コード_{info.name}.html", "text/html", key="inst_join_sheet", icon=":material/print:")
    group_cities_panel(ws, groups)
    with st.form("inst_add_group"):
        st.text_input(ui.tr("inst.new_group"), key="inst_new_group")
        new_group_city()
        st.form_submit_button(ui.tr("inst.add_group"), on_click=_add_group, args=(ws, course_id, lang))
    if (refused := st.session_state.pop("inst_add_group_refused", None)) is not None:
        st.error(refused)  # the typed name stays in the box
    st.subheader(ui.tr("inst.new_course"))
    with st.form("inst_new_course"):
        name = st.text_input(ui.tr("inst.course_name"), key="inst_course_name")
        municipality = st.text_input(ui.tr("inst.municipality"), key="inst_municipality")
        start = date.today()
        date_columns = st.columns(4)
        dates = [date_columns[i].date_input(ui.tr(f"page.session_{i + 1}"), start + timedelta(days=14 * i),
                                            key=f"inst_date_{i}") for i in range(4)]
        group_text = st.text_area(ui.tr("inst.group_names"), "A班\nB班\nC班", key="inst_group_names")
        if st.form_submit_button(ui.tr("inst.create_course"), type="primary"):
            try:
                created, _ = course.create_course(ws, name, municipality, dates, group_text.splitlines(),
                                                  ui.actor(), lang)
            except course.CourseError as exc:
                st.error(str(exc))
            else:
                widgets.pick_course_next_run("inst_course", created.course_id)
                st.rerun()

with themes:
    exercise_editor.themes_tab()

with backups:
    if lost_saves:
        st.caption(ui.tr("lost_saves.panel_above"))
    else:
        snapshot_panel()

if st.sidebar.button(ui.tr("inst.logout"), key="inst_logout"):
    ui.sign_out_instructor()
    st.rerun()
