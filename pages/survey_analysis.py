"""アンケート分析: Likert items as diverging bars; free text as ranked words, by respondent group."""

import streamlit as st

from lib import ui
from lib.analysis.disclosure import MIN_CELL, is_small, suppressed_cells
from lib.analysis.survey_weighting import WeightingError
from lib.charts import survey
from lib.data.catalog import load_catalog
from lib.deck.analyses import survey_likert, survey_words, weighted_survey
from lib.ui import derived
from lib.ui.analysis_controls import KEEP, dataset_picker, download_row, step_label
from lib.ui.analysis_view import show_analysis
from lib.ui.evidence_form import evidence_form
from lib.ui.filters import filter_editor
from lib.ui.user_text import literal

lang = ui.lang()
catalog = load_catalog()
cursor = ui.store().published()
K = "survey:"

st.title(ui.tr("page.survey"))
st.caption(ui.tr("survey.lead"))

names = [n for n, ds in catalog.items() if survey.likert_items(ds) or survey.text_columns(ds)]
if not names:
    st.info(ui.tr("survey.no_dataset"))
    st.stop()
dataset = dataset_picker(catalog, names, K + "dataset", step=1)
ds = catalog[dataset]
with st.expander(step_label(2, ui.tr("survey.group")), expanded=False):
    filters = filter_editor(cursor, catalog, dataset, K.rstrip(":"))

likert_tab, text_tab = st.tabs([ui.tr("survey.tab_likert"), ui.tr("survey.tab_text")])

with likert_tab:
    items = survey.likert_items(ds)
    if not items:
        st.info(ui.tr("survey.no_likert"))
    else:
        prefixes = sorted({name.split("_", 1)[0] for name in items})
        default = [i for i in items if i.startswith(prefixes[-1] + "_")] if len(prefixes) > 1 else items
        chosen = st.multiselect(
            step_label(3, ui.tr("survey.items")),
            items,
            default=default,
            key=K + "items",
            persist_state=KEEP,
            format_func=lambda n: ds.column(n).label_in(lang),
            select_all=False,
            placeholder=ui.tr("ws.choose"),
        )
        if chosen:
            scale = survey_likert.scale_of(ds, chosen)
            shares, respondents = derived.likert_shares(dataset, chosen, sorted(scale), filters)
            labels = {n: ds.column(n).label_in(lang) for n in chosen}
            ui.plotly_chart(derived.likert_figure(dataset, chosen, filters, labels, scale, lang), key=K + "likert",
                            width="stretch")
            st.caption(ui.tr("survey.respondents", n=respondents) if not is_small([respondents])[0]
                       else ui.tr("survey.respondents_few", threshold=MIN_CELL))
            ui.show_suppressed(int(shares["count"].isna().sum()))
            table = survey_likert.likert_table(shares, labels, scale, lang)
            with st.expander(ui.tr("chart.table")):
                st.dataframe(table, hide_index=True, width="stretch")
                download_row(table, "likert", K + "likert_")
            evidence_form(K + "save", "analysis", lambda _title: survey_likert.spec_for(dataset, chosen, filters),
                          default_title=ui.tr("survey.saved_title", dataset=ds.title_in(lang)),
                          button=ui.tr("survey.save_chart_button"))
            st.subheader(ui.tr("weighting.section"))
            st.caption(ui.tr("weighting.lead"))
            if not weighted_survey.available(catalog, dataset):
                st.info(ui.tr("weighting.unavailable"))
            elif st.toggle(ui.tr("weighting.show"), key=K + "weighted", persist_state=KEEP):
                spec = weighted_survey.spec_for(cursor, catalog, dataset, chosen, filters)
                try:
                    weighting, result = derived.weighted_survey_result(spec, lang)
                except WeightingError as exc:
                    st.error(exc.text(lang))
                else:
                    show_analysis(result, K + "weighted")
                    ui.show_suppressed(suppressed_cells(result.table))
                    for line in weighted_survey.summary(weighting, spec, lang):
                        st.caption(line)
                    with st.expander(ui.tr("weighting.margins")):
                        st.dataframe(weighted_survey.margin_table(weighting, lang), hide_index=True, width="stretch")
                    evidence_form(K + "save_weighted", "analysis", lambda _title: spec,
                                  default_title=ui.tr("weighting.saved_title", dataset=ds.title_in(lang)),
                                  note_value=result.reading, button=ui.tr("weighting.save_button"))
        else:
            st.info(ui.tr("survey.pick_items"))

with text_tab:
    text_columns = survey.text_columns(ds)
    if not text_columns:
        st.info(ui.tr("survey.no_text"))
    else:
        text_column = st.selectbox(
            step_label(3, ui.tr("survey.text_column")),
            text_columns,
            key=K + "text_column",
            persist_state=KEEP,
            format_func=lambda n: ds.column(n).label_in(lang),
        )
        top = st.slider(ui.tr("survey.top"), 10, 50, 20, key=K + "top", persist_state=KEEP)
        texts, freq, words_figure = derived.word_ranking(dataset, text_column, filters, top, lang)
        st.caption(ui.tr("survey.answers", n=len(texts)))
        if words_figure is None:
            st.info(ui.tr("survey.no_words"))
        else:
            ui.plotly_chart(words_figure, key=K + "words", width="stretch")
            word = st.selectbox(ui.tr("survey.show_comments"), freq["word"].tolist(), key=K + "word",
                                persist_state=KEEP)
            examples = texts[texts.str.contains(word, regex=False)].head(20)
            for text in examples:
                st.markdown(f"> {literal(text)}")
            download_row(survey_words.word_table(freq, lang), "words", K + "words_")
            column_label = ds.column(text_column).label_in(lang)
            evidence_form(K + "save_words", "analysis",
                          lambda _title: survey_words.spec_for(dataset, text_column, filters, top),
                          default_title=ui.tr("survey.words_saved_title", dataset=ds.title_in(lang),
                                              column=column_label),
                          button=ui.tr("survey.save_chart_button"))
