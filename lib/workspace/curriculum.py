"""The Data Academy method: Step 0 and Steps 1–7 over four sessions, and the progress rules.

Each step has a short explanation, an example from the demo municipality
みどり野市, and its worksheet fields (texts in lib/locale/sessions.yaml). The
progress rules look at what a group has stored in its workspace and say, per
step, whether it is done and what is still missing before the next session.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lib.i18n import t
from lib.markdown_literal import literal
from lib.workspace import logic_tree
from lib.workspace.items import Item, Workspace


@dataclass(frozen=True)
class Step:
    key: str
    session: int
    fields: tuple[str, ...] = ()  # free-text worksheet fields of this step

    def title(self, lang: str = "ja") -> str:
        return t(f"step.{self.key}.title", lang)

    def explanation(self, lang: str = "ja") -> str:
        return t(f"step.{self.key}.explain", lang)

    def example(self, lang: str = "ja") -> str:
        return t(f"step.{self.key}.example", lang)


STEPS = (
    Step("step0", 1, ("goal", "problem", "issue")),
    Step("step1", 1, ("situation",)),
    Step("step2", 2, ("data_sources", "quality")),
    Step("step3", 2),
    Step("step4", 3),
    Step("step5", 3),
    Step("step6", 3),
    Step("step7", 4, ("presentation", "feedback")),
)

METHODS = ("crosstab", "trend", "compare_areas", "rate", "correlation", "choropleth", "points",
           "catchment", "survey_gap")
DISPLAYS = ("chart", "map")
STRENGTHS = ("strong", "medium", "weak")
VERDICTS = ("supported", "rejected", "unclear")  # 支持 / 棄却 / 保留
MIN_TREE_DEPTH = 3
# Fields that may stay empty without holding a step back.
OPTIONAL_FIELDS = {("step7", "feedback")}


def step(key: str) -> Step:
    return next(s for s in STEPS if s.key == key)


def steps_of(session: int) -> list[Step]:
    return [s for s in STEPS if s.session == session]


def field_label(step_key: str, name: str, lang: str = "ja") -> str:
    return t(f"field.{step_key}.{name}", lang)


def field_example(step_key: str, name: str, lang: str = "ja") -> str:
    return t(f"field.{step_key}.{name}.example", lang)


def worksheet_id(group_id: str, step_key: str) -> str:
    """The fixed id of a group's worksheet of one step (one per group and step)."""
    return f"{group_id}:worksheet:{step_key}"


def logic_tree_id(group_id: str) -> str:
    return f"{group_id}:logic_tree"


def logic_model_id(group_id: str) -> str:
    return f"{group_id}:logic_model"


def check_hypothesis_data(dataset: str, columns: list[str], catalog: dict, lang: str = "ja") -> list[str]:
    """Sentences saying what is wrong with a hypothesis's dataset and columns (empty: fine)."""
    if not dataset:
        return [t("hypothesis.error.no_dataset", lang)]
    if dataset not in catalog:
        return [t("hypothesis.error.unknown_dataset", lang, dataset=dataset)]
    if not columns:
        return [t("hypothesis.error.no_columns", lang)]
    ds = catalog[dataset]
    return [t("hypothesis.error.unknown_column", lang, dataset=ds.title_in(lang), column=c)
            for c in columns if not ds.has_column(c)]


@dataclass
class GroupContent:
    """What a group has stored, in the shape the progress rules read."""
    worksheets: dict[str, dict] = field(default_factory=dict)
    tree: dict | None = None
    hypotheses: list[Item] = field(default_factory=list)
    sketches: list[Item] = field(default_factory=list)
    evidence: list[Item] = field(default_factory=list)
    findings: list[Item] = field(default_factory=list)
    policies: list[Item] = field(default_factory=list)
    logic_model: dict | None = None


def load_content(ws: Workspace, group_id: str) -> GroupContent:
    items = ws.items(group_id)
    by_kind: dict[str, list[Item]] = {}
    for item in items:
        by_kind.setdefault(item.kind, []).append(item)
    worksheets = {i.item_id.rsplit(":", 1)[-1]: i.payload for i in by_kind.get("worksheet", [])}
    tree = next((i.payload for i in by_kind.get("logic_tree", [])), None)
    model = next((i.payload for i in by_kind.get("logic_model", [])), None)
    return GroupContent(
        worksheets=worksheets, tree=tree, hypotheses=by_kind.get("hypothesis", []),
        sketches=by_kind.get("sketch", []),
        evidence=ws.evidence(group_id),
        findings=by_kind.get("finding", []), policies=by_kind.get("policy", []), logic_model=model,
    )


@dataclass(frozen=True)
class StepProgress:
    step: Step
    missing: tuple[str, ...]  # Markdown messages: what members typed in them is escaped

    @property
    def done(self) -> bool:
        return not self.missing


def _missing_fields(content: GroupContent, st: Step, lang: str) -> list[str]:
    sheet = content.worksheets.get(st.key) or {}
    return [t("progress.missing.field", lang, field=field_label(st.key, name, lang))
            for name in st.fields
            if (st.key, name) not in OPTIONAL_FIELDS and not str(sheet.get(name) or "").strip()]


def step_progress(content: GroupContent, st: Step, catalog: dict, lang: str = "ja") -> StepProgress:
    missing = _missing_fields(content, st, lang)
    check = _STEP_CHECKS.get(st.key)
    if check is not None:
        missing += check(content, catalog, lang)
    return StepProgress(st, tuple(missing))


def _tree_and_hypotheses_missing(content: GroupContent, catalog: dict, lang: str) -> list[str]:
    """Step 1: a deep enough logic tree, and hypotheses whose data exists."""
    missing = []
    depth = logic_tree.depth(content.tree) if content.tree else 0
    if depth < MIN_TREE_DEPTH:
        missing.append(t("progress.missing.tree", lang, n=MIN_TREE_DEPTH, depth=depth))
    if not content.hypotheses:
        missing.append(t("progress.missing.hypotheses", lang))
    for h in content.hypotheses:
        if check_hypothesis_data(h.payload.get("dataset", ""), h.payload.get("columns") or [], catalog, lang):
            missing.append(t("progress.missing.hypothesis_data", lang, text=literal(h.payload.get("text", ""))))
    return missing


def _sketches_missing(content: GroupContent, catalog: dict, lang: str) -> list[str]:
    """Step 3: an analysis sketch (method and display) for every hypothesis."""
    sketched = {s.payload.get("hypothesis_id") for s in content.sketches
                if s.payload.get("method") and s.payload.get("display")}
    missing = [t("progress.missing.sketch", lang, text=literal(h.payload.get("text", "")))
               for h in content.hypotheses if h.item_id not in sketched]
    if not content.hypotheses:
        missing.append(t("progress.missing.hypotheses", lang))
    return missing


def _evidence_missing(content: GroupContent, catalog: dict, lang: str) -> list[str]:
    """Step 4: at least one saved chart, table or map."""
    return [] if content.evidence else [t("progress.missing.evidence", lang)]


def _findings_missing(content: GroupContent, catalog: dict, lang: str) -> list[str]:
    """Step 5: a finding backed by evidence, and a verdict on every hypothesis."""
    missing = []
    backed = [f for f in content.findings if f.payload.get("sentence") and f.payload.get("evidence_id")]
    if not backed:
        missing.append(t("progress.missing.findings", lang))
    judged = {f.payload.get("hypothesis_id") for f in content.findings if f.payload.get("verdict")}
    missing += [t("progress.missing.verdict", lang, text=literal(h.payload.get("text", "")))
                for h in content.hypotheses if h.item_id not in judged]
    return missing


def _policies_missing(content: GroupContent, catalog: dict, lang: str) -> list[str]:
    """Step 6: at least one policy."""
    return [] if content.policies else [t("progress.missing.policies", lang)]


def _logic_model_missing(content: GroupContent, catalog: dict, lang: str) -> list[str]:
    """Step 7: activities, outputs and outcomes filled in, and a complete KPI."""
    model = content.logic_model or {}
    missing = [t("progress.missing.model_part", lang, part=t(f"model.{part}", lang))
               for part in ("activities", "outputs", "outcomes")
               if not [x for x in model.get(part) or [] if str(x).strip()]]
    if not complete_kpis(model):
        missing.append(t("progress.missing.kpi", lang))
    return missing


# What each step needs beyond its worksheet's fields (steps 0 and 2 need only those).
_STEP_CHECKS = {
    "step1": _tree_and_hypotheses_missing,
    "step3": _sketches_missing,
    "step4": _evidence_missing,
    "step5": _findings_missing,
    "step6": _policies_missing,
    "step7": _logic_model_missing,
}


KPI_PARTS = ("indicator", "baseline", "target", "source")


def complete_kpis(model: dict) -> list[dict]:
    """KPIs with every part filled in: indicator, baseline, target, data source."""
    return [k for k in (model or {}).get("kpis") or [] if all(str(k.get(p) or "").strip() for p in KPI_PARTS)]


def progress(content: GroupContent, catalog: dict, lang: str = "ja") -> list[StepProgress]:
    return [step_progress(content, s, catalog, lang) for s in STEPS]


def session_progress(content: GroupContent, session: int, catalog: dict, lang: str = "ja") -> list[StepProgress]:
    return [step_progress(content, s, catalog, lang) for s in steps_of(session)]


def data_check_rows(ds, columns: list[str], statistics, lang: str = "ja") -> list[dict]:
    """Step 2: per chosen column its label, unit, missing share, range and how it joins.

    `statistics` is lib.data.profile.column_statistics of the dataset.
    """
    stats = {row["column"]: row for row in statistics.to_dict("records")}
    rows = []
    for name in columns:
        if not ds.has_column(name):
            continue
        col = ds.column(name)
        s = stats.get(name, {})
        join = t("check.join_area", lang) if col.role == "area" else (
            t("check.join_mesh", lang) if col.role == "mesh" else "")
        rows.append({
            t("check.column", lang): f"{col.label_in(lang)}（{name}）",
            t("check.unit", lang): col.unit_in(lang),
            t("check.missing", lang): round(float(s.get("missing_pct") or 0.0), 1),
            t("check.min", lang): "" if s.get("min") is None else str(s.get("min")),
            t("check.max", lang): "" if s.get("max") is None else str(s.get("max")),
            t("check.join", lang): join,
        })
    return rows
