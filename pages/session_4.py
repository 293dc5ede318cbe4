"""第4回 提案して発表する: Step 7 (logic model with KPIs) and the presentation."""
import streamlit as st

from lib import ui
from lib.ui import session_widgets as widgets
from lib.ui.item_editor import Field, item_editor
from lib.ui.user_text import literal
from lib.workspace import curriculum

member = widgets.session_header(4)
group_id = member["group_id"]
ws = ui.workspace()

step7 = curriculum.step("step7")
widgets.step_intro(step7)
policies = ws.items(group_id, "policy")
if policies:
    st.markdown(
        ui.tr("model.policies") + "\n" + "\n".join(f"- {literal(p.payload.get('title', ''))}" for p in policies)
    )

st.subheader(ui.tr("model.title"), anchor="logic-model")
st.caption(ui.tr("model.lead"))
KPI_ROWS = 3
KPI_PARTS = ("indicator", "baseline", "target", "source")
fields = [Field(part, f"{ui.tr(f'model.{part}')} {ui.tr('model.one_per_line')}",
                   placeholder=ui.tr(f"model.{part}_example"), row="model")
          for part in ("activities", "outputs", "outcomes")]
for row in range(KPI_ROWS):
    fields += [Field(f"kpi{row}_{part}", f"KPI {row + 1}: {ui.tr(f'kpi.{part}')}", widget="text_input",
                        placeholder=ui.tr(f"kpi.{part}_example") if row == 0 else "", row=f"kpi{row}")
               for part in KPI_PARTS]


def to_payload(values: dict) -> dict:
    lines = {part: [x.strip() for x in str(values.get(part) or "").splitlines() if x.strip()]
             for part in ("activities", "outputs", "outcomes")}
    kpis = [{part: str(values.get(f"kpi{row}_{part}") or "").strip() for part in KPI_PARTS}
            for row in range(KPI_ROWS)]
    return {**lines, "kpis": [k for k in kpis if any(k.values())]}


def from_payload(payload: dict) -> dict:
    values = {part: "\n".join(payload.get(part) or []) for part in ("activities", "outputs", "outcomes")}
    for row, kpi in enumerate((payload.get("kpis") or [])[:KPI_ROWS]):
        values.update({f"kpi{row}_{part}": kpi.get(part, "") for part in KPI_PARTS})
    return values


item_editor("logic_model", group_id, "logic_model", fields, item_id=curriculum.logic_model_id(group_id),
               to_payload=to_payload, from_payload=from_payload)
model = ws.item(curriculum.logic_model_id(group_id))
if model is not None and not model.deleted:
    st.graphviz_chart(widgets.logic_model_dot(model.payload), width="stretch")

widgets.worksheet(group_id, step7)
widgets.safe_page_link(st, "pages/workspace.py", ui.tr("page.workspace"), ":material/folder_shared:")

widgets.progress_panel(group_id, 4)
st.subheader(ui.tr("progress.all_sessions"))
for session in (1, 2, 3):
    with st.expander(ui.tr(f"page.session_{session}")):
        widgets.progress_panel(group_id, session)
