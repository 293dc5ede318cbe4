"""個人情報の確認記録: how far a dataset was processed before trainees may use it, kept as a record."""
from datetime import date

import streamlit as st

from lib import ui
from lib.analysis import privacy_checklist as checklist
from lib.data.catalog import load_catalog

ui.require_instructor()
lang = ui.lang()
st.title(ui.tr("checklist.title"))
st.write(ui.tr("checklist.intro"))
st.info(checklist.who_sees_what(lang), icon=":material/policy:")
catalog = load_catalog()
PENDING = "\0pending"
pending = st.session_state.get("prep_anonymized")  # set by the data preparation page
# The published data first (what trainees see); the copy still being prepared last, chosen only on purpose.
choices = {name: f"{ds.title_in(lang)}（{name}）" for name, ds in catalog.items()}
if pending:
    choices[PENDING] = ui.tr("checklist.pending", name=st.session_state.get("prep_name", ""))
pick = st.selectbox(ui.tr("checklist.choose"), list(choices), format_func=choices.get, key="checklist_dataset")
audience = st.text_input(ui.tr("checklist.audience"), value=ui.tr("checklist.audience_default"),
                         key="checklist_audience")
if pick == PENDING:
    _, report, plan = pending
    name = st.session_state.get("prep_name", "")
    record = checklist.from_anonymization(name, name, plan.to_dict(), report.to_dict(), lang, audience)
else:
    record = checklist.for_dataset(ui.store().published(), catalog[pick], lang, audience)

st.table(checklist.checklist_frame(record, lang).head(len(record.rows)).set_index(ui.tr("checklist.col.item")))
confirmed = {key: st.checkbox(ui.tr(f"checklist.confirm.{key}"), key=f"checklist_{key}")
             for key in checklist.CONFIRMATIONS}
decided_by = st.text_input(ui.tr("checklist.decided_by"), key="checklist_decided_by")
decided_on = st.date_input(ui.tr("checklist.decided_on"), value=date.today(), key="checklist_decided_on")
final = checklist.with_decision(record, confirmed, decided_by, decided_on.isoformat())
downloads = st.columns(2)
downloads[0].download_button(ui.tr("checklist.download_html"), checklist.checklist_html(final, lang),
                             file_name=f"privacy_checklist_{pick.strip(chr(0))}.html", mime="text/html",
                             key="checklist_html")
downloads[1].download_button(ui.tr("checklist.download_csv"), checklist.checklist_csv(final, lang),
                             file_name=f"privacy_checklist_{pick.strip(chr(0))}.csv", mime="text/csv",
                             key="checklist_csv")
