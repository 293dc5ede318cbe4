"""Data catalog: every published dataset with its dictionary, size, preview, statistics and map."""
import pandas as pd
import streamlit as st

from lib import ui
from lib.data import profile as dataset_profile
from lib.data.catalog import load_catalog
from lib.data.city_file import current_city
from lib.maps.preview import preview_map
from lib.ui import derived
from lib.ui.folium_view import show_folium
from lib.ui.user_text import literal

lang = ui.lang()
st.title(ui.tr("page.catalog"))
st.write(ui.tr("catalog.lead"))

catalog = load_catalog()
rows = derived.row_counts()
privacy = derived.privacy_texts(lang)

with st.expander(ui.tr("catalog.overview"), expanded=False):
    st.dataframe(
        pd.DataFrame([
            {
                ui.tr("catalog.choose"): ui.dataset_title(ds),
                ui.tr("catalog.table_name"): ds.name,
                ui.tr("catalog.kind"): ui.tr(f"catalog.kind.{ds.kind}"),
                ui.tr("catalog.rows"): rows[ds.name],
                ui.tr("catalog.record_unit"): ds.record_unit_in(lang),
                ui.tr("disclosure.catalog.label"): privacy[ds.name][0],
            }
            for ds in catalog.values()
        ]),
        hide_index=True, width="stretch",
    )

names = list(catalog)
name = st.selectbox(
    ui.tr("catalog.choose"), names, format_func=lambda n: f"{ui.dataset_title(catalog[n])}（{n}）",
    key="catalog_dataset",
)
ds = catalog[name]

st.header(literal(ds.title_in(lang)))
if ds.demo_on_real_city:
    st.warning(ui.tr("catalog.demo_on_real_city", city=current_city()["city_name"]), icon=":material/info:")
st.markdown(literal(ds.description_in(lang)))
metrics = st.columns(3)
metrics[0].metric(ui.tr("catalog.rows"), f"{rows[ds.name]:,}")
metrics[1].metric(ui.tr("catalog.columns"), len(ds.data_columns))
metrics[2].metric(ui.tr("catalog.table_name"), ds.name)
st.markdown(
    f"**{ui.tr('catalog.kind')}**: {ui.tr(f'catalog.kind.{ds.kind}')}  \n"
    f"**{ui.tr('catalog.record_unit')}**: {ds.record_unit_in(lang)}  \n"
    f"**{ui.tr('catalog.source')}**: {ds.source_in(lang)}  \n"
    f"**{ui.tr('catalog.anonymization')}**: {ds.anonymization_in(lang)}  \n"
    f"**{ui.tr('disclosure.catalog.label')}**: "
    f"{privacy[ds.name][1] or ui.tr('disclosure.catalog.none')}"
)

tab_names = [ui.tr("catalog.dictionary"), ui.tr("catalog.preview"), ui.tr("catalog.stats")]
if ds.is_geo:
    tab_names.append(ui.tr("catalog.map"))
tabs = st.tabs(tab_names)

with tabs[0]:
    st.dataframe(
        pd.DataFrame([
            {
                ui.tr("col.name"): c.name,
                ui.tr("col.label"): c.label_in(lang),
                ui.tr("col.type"): ui.tr(f"type.{c.type}"),
                ui.tr("col.unit"): c.unit_in(lang),
                ui.tr("col.description"): c.description_in(lang),
            }
            for c in ds.columns
        ]),
        hide_index=True, width="stretch",
    )

preview, stats = derived.dataset_profile(ds.name)
with tabs[1]:
    st.dataframe(preview.rename(columns={c.name: c.label_in(lang) for c in ds.columns}),
                 hide_index=True, width="stretch")

with tabs[2]:
    stats = dataset_profile.readable_statistics(stats)
    stats.insert(1, "label", [ds.column(n).label_in(lang) for n in stats["column"]])
    stats = stats.rename(columns={
        "column": ui.tr("col.name"), "label": ui.tr("col.label"), "count": ui.tr("stat.count"),
        "missing_pct": ui.tr("stat.missing"), "distinct": ui.tr("stat.distinct"),
        "min": ui.tr("stat.min"), "max": ui.tr("stat.max"), "mean": ui.tr("stat.mean"),
        "median": ui.tr("stat.median"),
    })
    st.dataframe(stats, hide_index=True, width="stretch")

if ds.is_geo:
    with tabs[3]:
        show_folium(lambda: preview_map(ds, derived.geo_frame(ds.name), lang), derived.preview_parts(), (ds.name, lang),
                    key=f"catalog_map_{ds.name}", height=480, use_container_width=True)
