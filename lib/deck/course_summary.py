"""The instructor's record of a course: each group's theme, findings and proposals, and every deck in one zip.

The summary is for the municipality's records (Excel and Markdown); the zip holds
each group's deck as .pptx, offline .html and .pdf, plus the summary.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill

from lib.deck import export as deck_export
from lib.deck import model as deck_model
from lib.i18n import date_text, t
from lib.markdown_literal import literal
from lib.table_export import keep_text_as_text
from lib.workspace import course, curriculum
from lib.workspace.items import Workspace


@dataclass
class GroupSummary:
    name: str
    members: list[str]
    goal: str
    problem: str
    theme: str
    findings: list[dict] = field(default_factory=list)  # sentence, strength, verdict, hypothesis
    proposals: list[dict] = field(default_factory=list)  # title, description
    kpis: list[dict] = field(default_factory=list)  # indicator, baseline, target, source
    steps_done: int = 0


def group_summary(ws: Workspace, group, catalog: dict, lang: str = "ja") -> GroupSummary:
    content = curriculum.load_content(ws, group.group_id)
    step0 = content.worksheets.get("step0") or {}
    hypotheses = {h.item_id: h.payload.get("text", "") for h in content.hypotheses}
    findings = [{
        "sentence": f.payload.get("sentence", ""),
        "strength": t(f"strength.{f.payload['strength']}", lang) if f.payload.get("strength") else "",
        "verdict": t(f"verdict.{f.payload['verdict']}", lang) if f.payload.get("verdict") else "",
        "hypothesis": hypotheses.get(f.payload.get("hypothesis_id"), ""),
    } for f in content.findings]
    proposals = [{"title": p.payload.get("title", ""), "description": p.payload.get("description", "")}
                 for p in content.policies]
    done = sum(r.done for r in curriculum.progress(content, catalog, lang))
    return GroupSummary(
        name=group.name, members=[f"{m.name}（{m.department}）" for m in ws.members(group.group_id)],
        goal=step0.get("goal", ""), problem=step0.get("problem", ""), theme=step0.get("issue", ""),
        findings=findings, proposals=proposals, kpis=curriculum.complete_kpis(content.logic_model or {}),
        steps_done=done)


def course_summaries(ws: Workspace, course_id: str, catalog: dict, lang: str = "ja") -> list[GroupSummary]:
    return [group_summary(ws, g, catalog, lang) for g in ws.groups(course_id)]


def _tables(summaries: list[GroupSummary], lang: str) -> dict[str, pd.DataFrame]:
    L = lambda key: t(f"summary.{key}", lang)  # noqa: E731 - a short alias keeps the columns readable
    groups = pd.DataFrame([{
        L("group"): s.name, L("members"): "、".join(s.members), L("theme"): s.theme, L("goal"): s.goal,
        L("problem"): s.problem, L("progress"): f"{s.steps_done} / {len(curriculum.STEPS)}",
    } for s in summaries])
    findings = pd.DataFrame([{L("group"): s.name, L("finding"): f["sentence"], L("strength"): f["strength"],
                              L("hypothesis"): f["hypothesis"], L("verdict"): f["verdict"]}
                             for s in summaries for f in s.findings],
                            columns=[L("group"), L("finding"), L("strength"), L("hypothesis"), L("verdict")])
    proposals = pd.DataFrame([{L("group"): s.name, L("proposal"): p["title"], L("description"): p["description"]}
                              for s in summaries for p in s.proposals],
                             columns=[L("group"), L("proposal"), L("description")])
    kpi_columns = [t(f"kpi.{p}", lang) for p in ("indicator", "baseline", "target", "source")]
    kpis = pd.DataFrame([[s.name] + [k.get(p, "") for p in ("indicator", "baseline", "target", "source")]
                         for s in summaries for k in s.kpis], columns=[L("group")] + kpi_columns)
    return {L("sheet.groups"): groups, L("sheet.findings"): findings, L("sheet.proposals"): proposals,
            L("sheet.kpis"): kpis}


def summary_xlsx(summaries: list[GroupSummary], info: course.CourseInfo, lang: str = "ja") -> bytes:
    """One sheet each for groups, findings, proposals and indicators, with readable column widths."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, frame in _tables(summaries, lang).items():
            frame.to_excel(writer, sheet_name=sheet[:31], index=False, startrow=2)
            book = writer.sheets[sheet[:31]]
            book["A1"] = t("summary.title", lang, course=info.name)
            book["A1"].font = Font(bold=True, size=14)
            book["A2"] = f"{t('summary.municipality', lang)}：{info.municipality}　" \
                         f"{t('summary.made_on', lang)}：{date_text(date.today(), lang)}"
            for cell in book[3]:
                cell.font = Font(bold=True, color="FFFFFF")
                cell.fill = PatternFill("solid", fgColor="0B6E4F")
            for index, name in enumerate(frame.columns, start=1):
                longest = max([len(str(name))] + [len(str(v)) for v in frame[name]])
                book.column_dimensions[book.cell(row=3, column=index).column_letter].width = min(60, 4 + 2 * longest)
            for row in book.iter_rows(min_row=4):
                for cell in row:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            keep_text_as_text(book)
    return buffer.getvalue()


def summary_markdown(summaries: list[GroupSummary], info: course.CourseInfo, lang: str = "ja") -> str:
    """The course summary as Markdown; everything people typed is escaped (a viewer fetches nothing)."""
    L = lambda key: t(f"summary.{key}", lang)  # noqa: E731
    none = L("none")
    lines = [
        f"# {t('summary.title', lang, course=literal(info.name))}",
        "",
        f"- {L('municipality')}：{literal(info.municipality)}",
        f"- {L('made_on')}：{date_text(date.today(), lang)}",
        "",
    ]
    for s in summaries:
        lines += [
            f"## {literal(s.name)}",
            "",
            f"- {L('members')}：{literal('、'.join(s.members)) if s.members else none}",
            f"- {L('theme')}：{literal(s.theme) if s.theme else none}",
            f"- {L('goal')}：{literal(s.goal) if s.goal else none}",
            f"- {L('problem')}：{literal(s.problem) if s.problem else none}",
            "",
            f"### {L('findings')}",
            "",
        ]
        lines += [f"- {literal(f['sentence'])}（{literal(f['strength'] or '—')}／{literal(f['verdict'] or '—')}）"
                  for f in s.findings] or [none]
        lines += ["", f"### {L('proposals')}", ""]
        lines += [f"- **{literal(p['title'])}** {literal(p['description'])}" for p in s.proposals] or [none]
        lines += ["", f"### {L('kpis')}", ""]
        lines += [
            f"- {literal(k['indicator'])}：{literal(k['baseline'])} → {literal(k['target'])}（{literal(k['source'])}）"
            for k in s.kpis
        ] or [none]
        lines.append("")
    return "\n".join(lines)


def deliverables_zip(ws: Workspace, store, catalog: dict, course_id: str, lang: str = "ja",
                     formats: tuple[str, ...] = ("pptx", "html", "pdf"),
                     on_group: Callable[[int, int, str], None] | None = None) -> bytes:
    """Every group's deck in every format, one folder per group, with the course summary at the top.

    `on_group(n, total, name)` is called before the n-th group (from 0), for a progress bar."""
    info = course.course_info(ws.course(course_id))
    summaries = course_summaries(ws, course_id, catalog, lang)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("研修のまとめ.xlsx", summary_xlsx(summaries, info, lang))
        archive.writestr("研修のまとめ.md", summary_markdown(summaries, info, lang).encode("utf-8"))
        cursor = store.published()
        try:
            groups = ws.groups(course_id)
            for number, group in enumerate(groups):
                if on_group is not None:
                    on_group(number, len(groups), group.name)
                prepared = deck_model.prepare_deck(ws, cursor, catalog, group, lang)
                folder = deck_export.file_name(group.name, "x").removeprefix("発表資料_").removesuffix(".x")
                for fmt in formats:
                    archive.writestr(f"{folder}/{deck_export.file_name(group.name, fmt)}",
                                     deck_export.export_deck(prepared, fmt))
        finally:
            cursor.close()
    return buffer.getvalue()
