"""The group's presentation ("deck"): its storyline, slides, chosen evidence and speaker notes.

A deck is plain JSON stored in the group's workspace as one item of kind "deck"
(so every member sees the same deck, and history applies; two members' saves are merged slide by
slide, lib.deck.deck_merge):

    {"title": str, "slides": [{"id", "section", "title", "bullets": [str], "evidence": item_id | "",
                               "table": {"columns": [str], "rows": [[str]]} | None, "notes": str}]}

A new deck is pre-filled from the group's worksheets along the storyline
背景 → 課題 → 仮説 → 分析結果 → 評価 → 政策提案 → 効果・指標. The exports
(lib.deck.to_pptx, lib.deck.to_html, lib.deck.to_pdf) all read a `PreparedDeck`:
the deck, who made it, and each chosen chart or map already drawn from its spec.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from lib.deck.deck_merge import SlideConflict, merge_decks
from lib.deck.evidence import resolve_evidence
from lib.errors import WorkbenchError
from lib.i18n import t
from lib.workspace import course, curriculum, logic_tree
from lib.workspace.items import EVIDENCE_KINDS, Conflict, Group, Item, Workspace

DECK_KIND = "deck"

SECTIONS = ("background", "issue", "hypotheses", "results", "evaluation", "proposal", "impact")
MAX_BULLETS = 12
EDITED_FIELDS = ("title", "section", "bullets", "evidence", "notes")  # a slide's fields edited in the builder
_ATTEMPTS = 5  # a racing save can move the deck on between our read and our write; merge again this often


class DeckError(WorkbenchError):
    """A deck request that cannot be done; `key` is a message in lib/locale."""


def section_label(section: str, lang: str = "ja") -> str:
    return t(f"deck.section.{section}", lang)


def deck_id(group_id: str) -> str:
    """The fixed id of a group's deck (one per group)."""
    return f"{group_id}:deck"


def _slide(section: str, title: str, bullets: list[str] | None = None, evidence: str = "",
           table: dict | None = None, notes: str = "", slide_id: str = "") -> dict:
    return {"id": slide_id or uuid.uuid4().hex[:10], "section": section, "title": title,
            "bullets": [b for b in (bullets or []) if str(b).strip()],
            "evidence": evidence, "table": table, "notes": notes}


def _labelled(label: str, text: str) -> str:
    return f"{label}：{text.strip()}" if str(text or "").strip() else ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in str(text or "").replace("。", "。\n").splitlines() if line.strip()]


def _dataset_title(catalog: dict, name: str, lang: str) -> str:
    ds = catalog.get(name or "")
    return ds.title_in(lang) if ds is not None else str(name or "")


def prefill_deck(content: curriculum.GroupContent, catalog: dict, lang: str = "ja",
                 group_name: str = "") -> dict:
    """A first deck from the group's worksheets, along the storyline. Its slides' ids are fixed (the step, or
    the chart shown), so that two members' drafts of it merge slide by slide (lib.deck.deck_merge)."""
    sheets = content.worksheets
    step0, step1, step7 = sheets.get("step0") or {}, sheets.get("step1") or {}, sheets.get("step7") or {}
    slides = [_slide("background", section_label("background", lang), [
        _labelled(t("deck.prefill.goal", lang), step0.get("goal", "")), *_lines(step1.get("situation", ""))],
        notes=t("deck.prefill.notes.background", lang), slide_id="background")]

    causes = []
    if content.tree:
        top = logic_tree.children(content.tree, logic_tree.root(content.tree)["id"])
        causes = [t("deck.prefill.cause", lang, cause=node["label"]) for node in top]
    slides.append(_slide("issue", section_label("issue", lang), [
        _labelled(t("deck.prefill.problem", lang), step0.get("problem", "")),
        _labelled(t("deck.prefill.issue", lang), step0.get("issue", "")), *causes], slide_id="issue"))

    hypotheses = [f"{h.payload.get('text', '')}（{t('deck.prefill.data', lang)}："
                  f"{_dataset_title(catalog, h.payload.get('dataset', ''), lang)}）"
                  for h in content.hypotheses if h.payload.get("text")]
    slides.append(_slide("hypotheses", section_label("hypotheses", lang), hypotheses, slide_id="hypotheses"))

    for evidence in content.evidence:
        sentences = [f.payload.get("sentence", "") for f in content.findings
                     if f.payload.get("evidence_id") == evidence.item_id]
        slides.append(_slide("results", evidence.payload.get("title") or section_label("results", lang),
                             sentences or [evidence.payload.get("note", "")], evidence=evidence.item_id,
                             notes=evidence.payload.get("note", ""), slide_id=f"results-{evidence.item_id}"))

    rows = []
    for h in content.hypotheses:
        judged = [f for f in content.findings if f.payload.get("hypothesis_id") == h.item_id]
        verdicts = "、".join(t(f"verdict.{f.payload['verdict']}", lang) for f in judged if f.payload.get("verdict"))
        strengths = "、".join(t(f"strength.{f.payload['strength']}", lang) for f in judged
                              if f.payload.get("strength"))
        rows.append([h.payload.get("text", ""), verdicts or "—", strengths or "—",
                     " ".join(f.payload.get("sentence", "") for f in judged) or "—"])
    table = {"columns": [t(f"deck.table.{c}", lang) for c in ("hypothesis", "verdict", "strength", "finding")],
             "rows": rows} if rows else None
    slides.append(_slide("evaluation", section_label("evaluation", lang), table=table, slide_id="evaluation"))

    policies = [_labelled(p.payload.get("title", ""), p.payload.get("description", "")) or p.payload.get("title", "")
                for p in content.policies]
    slides.append(_slide("proposal", section_label("proposal", lang), policies,
                         notes=step7.get("presentation", ""), slide_id="proposal"))

    model = content.logic_model or {}
    chain = [_labelled(t(f"model.{part}", lang), "、".join(model.get(part) or []))
             for part in ("activities", "outputs", "outcomes")]
    kpis = curriculum.complete_kpis(model)
    kpi_table = (
        {
            "columns": [t(f"kpi.{p}", lang) for p in ("indicator", "baseline", "target", "source")],
            "rows": [[k[p] for p in ("indicator", "baseline", "target", "source")] for k in kpis],
        }
        if kpis
        else None
    )
    slides.append(_slide("impact", section_label("impact", lang), chain, table=kpi_table, slide_id="impact"))

    title = str(step0.get("issue") or "").strip() or t("deck.default_title", lang, group=group_name)
    return {"title": title, "slides": slides}


def paged_slides(slides: list[dict], lang: str = "ja") -> list[dict]:
    """The slides as shown and exported: one with more than MAX_BULLETS bullets goes on over
    continuation slides titled 「…（続き）」, so no bullet is lost or shrunk to fit."""
    paged = []
    for slide in slides:
        bullets = slide["bullets"]
        paged.append({**slide, "bullets": bullets[:MAX_BULLETS]})
        for start in range(MAX_BULLETS, len(bullets), MAX_BULLETS):
            paged.append({**slide, "id": f"{slide['id']}-{start // MAX_BULLETS + 1}", "evidence": "", "table": None,
                          "notes": "", "bullets": bullets[start:start + MAX_BULLETS],
                          "title": t("deck.continued", lang, title=slide["title"])})
    return paged


def normalize_deck(payload: dict) -> dict:
    """A deck with every field present and of the right type (older or hand-made payloads)."""
    slides = []
    for raw in (payload or {}).get("slides") or []:
        section = raw.get("section") if raw.get("section") in SECTIONS else "results"
        table = raw.get("table") if isinstance(raw.get("table"), dict) and raw["table"].get("columns") else None
        slides.append({"id": str(raw.get("id") or uuid.uuid4().hex[:10]), "section": section,
                       "title": str(raw.get("title") or ""),
                       "bullets": [str(b) for b in raw.get("bullets") or [] if str(b).strip()],
                       "evidence": str(raw.get("evidence") or ""), "table": table,
                       "notes": str(raw.get("notes") or "")})
    return {"title": str((payload or {}).get("title") or ""), "slides": slides}


# --- editing (pure functions: the page calls these, then save_deck) --------------

def move_slide(deck: dict, index: int, offset: int) -> dict:
    slides = list(deck["slides"])
    target = index + offset
    if 0 <= index < len(slides) and 0 <= target < len(slides):
        slides[index], slides[target] = slides[target], slides[index]
    return {**deck, "slides": slides}


def remove_slide(deck: dict, index: int) -> dict:
    return {**deck, "slides": [s for i, s in enumerate(deck["slides"]) if i != index]}


def add_slide(deck: dict, section: str, lang: str = "ja", evidence: str = "", title: str = "") -> dict:
    """A new slide at its place in the storyline: after the last slide of its step or of an earlier step."""
    slides = list(deck["slides"])
    rank = SECTIONS.index(section)
    position = max((i + 1 for i, s in enumerate(slides) if SECTIONS.index(s["section"]) <= rank), default=0)
    slides.insert(position, _slide(section, title or section_label(section, lang), evidence=evidence))
    return {**deck, "slides": slides}


def add_new_slide(deck: dict, section: str, evidence: list[Item], lang: str = "ja") -> dict:
    """A slide the user adds: a 分析結果 slide starts with the first saved chart or map (oldest
    first) that no slide shows yet, titled as it was saved."""
    if section == "results":
        used = {s["evidence"] for s in deck["slides"]}
        unused = next((item for item in evidence if item.item_id not in used), None)
        if unused is not None:
            return add_slide(deck, section, lang, evidence=unused.item_id, title=unused.payload.get("title", ""))
    return add_slide(deck, section, lang)


def update_slide(deck: dict, index: int, **changes) -> dict:
    slides = list(deck["slides"])
    slides[index] = {**slides[index], **changes}
    return {**deck, "slides": slides}


def slide_line(slide: dict, lang: str = "ja") -> str:
    """One slide in a line: its step, title, bullets and notes."""
    text = f"【{section_label(slide['section'], lang)}】{slide['title']}"
    if slide["bullets"]:
        text += "：" + "／".join(slide["bullets"])
    if slide["notes"]:
        text += f"（{t('deck.notes_heading', lang)}：{slide['notes']}）"
    return text


# --- storage -------------------------------------------------------------------

def load_deck(ws: Workspace, group_id: str) -> Item | None:
    item = ws.item(deck_id(group_id))
    return None if item is None or item.deleted else item


@dataclass(frozen=True)
class DeckSave:
    """`item` (saved: `deck`, with the other members' changes merged in) or `conflicts` (nothing written)."""
    item: Item | None = None
    deck: dict | None = None
    conflicts: tuple[SlideConflict, ...] = ()
    theirs: Item | None = None  # the stored deck the conflicts are with


def _stored_version(ws: Workspace, group_id: str, version: int) -> dict | None:
    return next((c.after for c in ws.history(item_id=deck_id(group_id)) if c.version == version), None)


def save_deck(ws: Workspace, group_id: str, deck: dict, base_version: int | None, actor: str,
              base: dict | None = None, choices: dict[str, str] | None = None,
              choices_version: int | None = None) -> DeckSave:
    """Store the deck on top of the newest stored one. `base_version` is the stored version the member started
    from (None: a pre-filled draft, and `base` that draft as first shown). When another member saved in between,
    the decks are merged slide by slide (lib.deck.deck_merge); if both changed a slide differently, nothing is
    written and the conflicts come back. `choices` (conflict key -> "mine" / "theirs") settle the conflicts shown
    against stored version `choices_version`; if the deck moved on since, the conflicts are shown anew."""
    mine = normalize_deck(deck)
    for _ in range(_ATTEMPTS):
        current = load_deck(ws, group_id)
        if current is None or current.version == base_version:
            merged, theirs_version = mine, None if current is None else current.version
        else:
            started = base if base_version is None else _stored_version(ws, group_id, base_version)
            decided = choices if choices_version == current.version else None
            merge = merge_decks(normalize_deck(started or {}), mine, normalize_deck(current.payload), decided)
            if merge.conflicts:
                return DeckSave(conflicts=merge.conflicts, theirs=current)
            merged, theirs_version = merge.merged, current.version
        try:
            if theirs_version is None:
                item = ws.create_item(group_id, DECK_KIND, merged, actor, item_id=deck_id(group_id))
            else:
                item = ws.update_item(deck_id(group_id), merged, theirs_version, actor)
        except Conflict:
            continue  # someone saved between our read and our write: merge again with theirs
        return DeckSave(item=item, deck=merged)
    raise Conflict(deck_id(group_id), mine, base_version or 0, load_deck(ws, group_id))


def current_deck(ws: Workspace, group_id: str, catalog: dict, lang: str = "ja") -> tuple[dict, int | None]:
    """(deck, stored version): the stored deck, or a pre-filled one not stored yet (version None)."""
    item = load_deck(ws, group_id)
    if item is not None:
        return normalize_deck(item.payload), item.version
    group = ws.group(group_id)
    content = curriculum.load_content(ws, group_id)
    return prefill_deck(content, catalog, lang, group.name if group else ""), None


# --- preparing a deck for export --------------------------------------------------

@dataclass
class DeckContext:
    """Who made the deck, for the title slide and footers."""
    group_name: str
    municipality: str
    course_name: str
    members: list[str]
    made_on: date = field(default_factory=date.today)


@dataclass
class PreparedDeck:
    title: str
    slides: list[dict]
    context: DeckContext
    evidence: dict  # item_id -> lib.deck.evidence.Evidence
    lang: str = "ja"


def deck_context(ws: Workspace, group: Group) -> DeckContext:
    found = ws.course(group.course_id)
    info = course.course_info(found) if found else None
    return DeckContext(group_name=group.name, municipality=info.municipality if info else "",
                       course_name=info.name if info else "",
                       members=[f"{m.name}（{m.department}）" for m in ws.members(group.group_id)])


def prepare_deck(ws: Workspace, cursor, catalog: dict, group: Group, lang: str = "ja",
                 deck: dict | None = None) -> PreparedDeck:
    """The deck (stored, pre-filled, or the one given) with its evidence drawn from the specs."""
    if deck is None:
        deck, _version = current_deck(ws, group.group_id, catalog, lang)
    deck = normalize_deck(deck)
    wanted = {s["evidence"] for s in deck["slides"] if s["evidence"]}
    evidence = {}
    for item_id in wanted:
        item = ws.item(item_id)
        if item is not None and not item.deleted and item.kind in EVIDENCE_KINDS:
            evidence[item_id] = resolve_evidence(cursor, catalog, item.kind, item.payload, lang)
    return PreparedDeck(title=deck["title"], slides=paged_slides(deck["slides"], lang), context=deck_context(ws, group),
                        evidence=evidence, lang=lang)
