"""Every group of a course at a glance, for the instructor: members, which steps are done, the last change,
and when the group last worked at its shared PC."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import ui
from lib.workspace import course, curriculum, group_pc


def _group_row(ws, group, catalog: dict, lang: str) -> dict:
    results = curriculum.progress(curriculum.load_content(ws, group.group_id), catalog, lang)
    example = course.is_example(group) and ui.tr("inst.example") not in group.name
    row = {ui.tr("inst.group"): group.name + ("（" + ui.tr("inst.example") + "）" if example else ""),
           ui.tr("inst.members"): len(ws.members(group.group_id))}
    row.update({r.step.key.replace("step", "Step "): ui.tr("progress.done") if r.done else "—" for r in results})
    changes = ws.history(group_id=group.group_id, limit=1)
    row[ui.tr("inst.last_change")] = (f"{changes[0].actor} {changes[0].at.strftime('%m/%d %H:%M')}"
                                      if changes else "—")
    at_pc = group_pc.last_at(ws, group)
    row[ui.tr("inst.shared_pc")] = (ui.tr("inst.shared_pc_at", names="・".join(at_pc[0]),
                                          time=at_pc[1].strftime("%m/%d %H:%M")) if at_pc else "—")
    return row


def course_overview(ws, groups: list, catalog: dict) -> None:
    lang = ui.lang()
    rows = [_group_row(ws, g, catalog, lang) for g in groups]
    # st.table: a few rows, readable as text (and by the browser test).
    if rows:
        st.table(pd.DataFrame(rows).set_index(ui.tr("inst.group")))
    else:
        st.info(ui.tr("inst.no_groups"))
    st.caption(" ／ ".join(s.title(lang) for s in curriculum.STEPS))
