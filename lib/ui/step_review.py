"""The instructor's reading of one group's work, step by step (Step 0 to Step 7): each step's worksheet, what
the group made for it (logic tree and hypotheses, analysis sketches, evidence, findings, policies, logic model),
and what is still missing. Each step's own work is one method, found by the step's key."""
from __future__ import annotations

import streamlit as st

from lib import ui
from lib.ui import session_widgets as widgets
from lib.ui.user_text import literal
from lib.workspace import curriculum, logic_tree
from lib.workspace.curriculum import GroupContent


class StepReview:
    """One group's steps, each in an expander marked done or not."""

    def __init__(self, content: GroupContent, catalog: dict, lang: str):
        self.content, self.catalog, self.lang = content, catalog, lang
        # What a step shows beside its worksheet (the other steps have only their worksheet).
        self.made_for = {"step1": self._tree_and_hypotheses, "step3": self._sketches, "step4": self._evidence,
                         "step5": self._findings, "step6": self._policies, "step7": self._logic_model}

    def show(self) -> None:
        for result in curriculum.progress(self.content, self.catalog, self.lang):
            mark = widgets.DONE_MARK if result.done else widgets.PENDING_MARK
            with st.expander(f"{mark} {result.step.title(self.lang)}"):
                self._worksheet(result.step)
                if result.step.key in self.made_for:
                    self.made_for[result.step.key]()
                for missing in result.missing:
                    st.caption(widgets.PENDING_MARK + " " + missing)

    def _worksheet(self, step) -> None:
        sheet = self.content.worksheets.get(step.key) or {}
        for name in step.fields:
            st.markdown(f"**{curriculum.field_label(step.key, name, self.lang)}**")
            st.markdown(literal(sheet.get(name) or "—"))

    def _tree_and_hypotheses(self) -> None:
        if self.content.tree:
            st.graphviz_chart(logic_tree.to_dot(self.content.tree), width="stretch")
        for h in self.content.hypotheses:
            st.markdown("- " + literal(f"{h.payload.get('text', '')} — "
                                       f"{widgets.dataset_label(h.payload.get('dataset', ''))}"
                                       f"：{'、'.join(h.payload.get('columns') or [])}"))

    def _sketches(self) -> None:
        for s in self.content.sketches:
            method, display = s.payload.get("method"), s.payload.get("display")
            st.markdown(f"- {ui.tr(f'method.{method}')} × {ui.tr(f'display.{display}')} — "
                        + literal(widgets.dataset_label(s.payload.get('dataset', ''))))

    def _evidence(self) -> None:
        for e in self.content.evidence:
            st.markdown(f"- {ui.tr(f'kind.{e.kind}')}: " + literal(f"{e.payload.get('title', '')}（{e.created_by}）"))
            if st.toggle(ui.tr("wspage.show"), key=f"inst_show:{e.item_id}"):
                widgets.show_evidence(e.kind, e.payload, f"inst_ev:{e.item_id}")

    def _findings(self) -> None:
        st.dataframe(widgets.verdict_rows(self.content.findings, self.content.hypotheses), hide_index=True,
                     width="stretch")
        for f in self.content.findings:
            strength = f.payload.get("strength")
            st.markdown(f"- {literal(f.payload.get('sentence', ''))}（{ui.tr(f'strength.{strength}')}）")

    def _policies(self) -> None:
        for p in self.content.policies:
            st.markdown(f"- **{literal(p.payload.get('title', ''))}** {literal(p.payload.get('description', ''))}")

    def _logic_model(self) -> None:
        model = self.content.logic_model
        if not model:
            return
        st.graphviz_chart(widgets.logic_model_dot(model), width="stretch")
        st.dataframe([{ui.tr(f"kpi.{part}"): kpi.get(part, "") for part in curriculum.KPI_PARTS}
                      for kpi in model.get("kpis") or []], hide_index=True, width="stretch")
