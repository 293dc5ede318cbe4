"""Results derived from the published data, computed once and shared by every session.

Each is cached by its inputs and the published data's fingerprint: when an
instructor publishes or replaces a dataset, the fingerprint changes and the next
run computes afresh. The fingerprint is read before the cursor is taken (see
Store.published_fingerprint). cache_resource results are shared objects: callers
must not change them; cache_data results are copies.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import streamlit as st

from lib.analysis import projection_data
from lib.analysis.area_indicators import analysis_catalog
from lib.analysis.disclosure import k_l_text, privacy_summary
from lib.charts import survey
from lib.charts.analysis_figure import analysis_figure
from lib.charts.pivot import Pivot, build_pivot
from lib.charts.spec import ChartSpec
from lib.data import profile
from lib.data.catalog import load_catalog
from lib.data.query import Filter, distinct_values, fetch_columns
from lib.deck.analyses import survey_words, weighted_survey
from lib.deck.analysis_evidence import run_analysis
from lib.i18n import t
from lib.maps import data as map_data
from lib.maps.display import display_frame
from lib.maps.measures import preset_measures
from lib.maps.spec import MapSpec, MeasureSpec
from lib.maps.units import city_name
from lib.ui import store


def _fingerprint() -> str:
    return store().published_fingerprint()


def _filters_key(filters: list[Filter]) -> str:
    return json.dumps([f.__dict__ for f in filters], ensure_ascii=False, sort_keys=True, default=str)


# --- survey --------------------------------------------------------------------------

@st.cache_resource(max_entries=16, show_spinner=False)
def _answer_nouns(dataset: str, column: str, fingerprint: str) -> dict[str, tuple[str, ...]]:
    texts = fetch_columns(store().published(), load_catalog(), dataset, [column])[column].dropna()
    return survey.answer_nouns(texts)


def answer_nouns(dataset: str, column: str) -> dict[str, tuple[str, ...]]:
    """The nouns of every answer of a free-text column (tokenized once per published data)."""
    return _answer_nouns(dataset, column, _fingerprint())


@st.cache_data(max_entries=128, show_spinner=False)
def _likert_shares(dataset: str, items: tuple[str, ...], levels: tuple[int, ...], filters_key: str,
                   fingerprint: str) -> tuple[pd.DataFrame, int]:
    filters = [Filter.from_dict(f) for f in json.loads(filters_key)]
    data = fetch_columns(store().published(), load_catalog(), dataset, list(items), filters)
    return survey.likert_shares(data, list(items), list(levels)), len(data)


def likert_shares(dataset: str, items: list[str], levels: list[int], filters: list[Filter]) -> tuple[pd.DataFrame, int]:
    """Likert shares of `items` over the filtered respondents, and how many respondents there are."""
    return _likert_shares(dataset, tuple(items), tuple(levels), _filters_key(filters), _fingerprint())


@st.cache_resource(max_entries=32, show_spinner=False)
def _likert_figure(dataset: str, items: tuple[str, ...], levels: tuple[int, ...], filters_key: str,
                   labels: tuple[tuple[str, str], ...], scale: tuple[tuple[int, str], ...], lang: str,
                   fingerprint: str):
    shares, _respondents = _likert_shares(dataset, items, levels, filters_key, fingerprint)
    return analysis_figure(survey.diverging_likert_chart(shares, dict(labels), dict(scale), lang))


def likert_figure(dataset: str, items: list[str], filters: list[Filter], labels: dict[str, str],
                  scale: dict[int, str], lang: str):
    """The diverging Likert chart of likert_shares (built once: a Plotly figure costs more than the shares;
    shared, do not change it)."""
    return _likert_figure(dataset, tuple(items), tuple(sorted(scale)), _filters_key(filters),
                          tuple(labels.items()), tuple(scale.items()), lang, _fingerprint())


@st.cache_resource(max_entries=32, show_spinner=False)
def _word_ranking(dataset: str, column: str, filters_key: str, top: int, lang: str, fingerprint: str):
    filters = [Filter.from_dict(f) for f in json.loads(filters_key)]
    texts = survey_words.answers(store().published(), load_catalog(), dataset, column, filters)
    freq = survey.word_frequencies(texts, top=top, nouns_of=_answer_nouns(dataset, column, fingerprint))
    return texts, freq, (analysis_figure(survey.word_frequency_chart(freq, lang)) if not freq.empty else None)


def word_ranking(dataset: str, column: str, filters: list[Filter], top: int, lang: str):
    """The answers of a free-text column, its word ranking and the ranking's chart (None when no word),
    built once per published data (shared: do not change them)."""
    with st.spinner(t("wait.words", lang)):  # tokenizing every answer the first time takes seconds
        return _word_ranking(dataset, column, _filters_key(filters), top, lang, _fingerprint())


@st.cache_resource(max_entries=32, show_spinner=False)
def _weighted_survey(spec_json: str, lang: str, fingerprint: str):
    spec, catalog = json.loads(spec_json), load_catalog()
    weighting, shares = weighted_survey.compute(store().published(), catalog, spec)
    return weighting, weighted_survey.present(weighting, shares, catalog, spec, lang)


def weighted_survey_result(spec: dict, lang: str):
    """The weights and the weighted-survey analysis of a spec (lib.deck.analyses.weighted_survey), shared
    by sessions: do not change them. Raises WeightingError when the survey cannot be weighted."""
    with st.spinner(t("wait.analysis", lang)):  # drawn only if it takes over half a second: a cold cache
        return _weighted_survey(json.dumps(spec, ensure_ascii=False, sort_keys=True), lang, _fingerprint())


# --- catalog -------------------------------------------------------------------------

@st.cache_data(max_entries=4, show_spinner=False)
def _row_counts(fingerprint: str) -> dict[str, int]:
    cursor = store().published()
    return {name: profile.row_count(cursor, ds) for name, ds in load_catalog().items()}


def row_counts() -> dict[str, int]:
    """Rows of every published dataset."""
    return _row_counts(_fingerprint())


@st.cache_data(max_entries=8, show_spinner=False)
def _privacy_texts(lang: str, fingerprint: str) -> dict[str, tuple[str, str]]:
    cursor = store().published()
    return {name: (k_l_text(cursor, ds), privacy_summary(cursor, ds, lang)) for name, ds in load_catalog().items()}


def privacy_texts(lang: str) -> dict[str, tuple[str, str]]:
    """Per dataset: the k / l it achieves ("k = 5, l = 2") and the catalog's sentence about it."""
    return _privacy_texts(lang, _fingerprint())


@st.cache_data(max_entries=64, show_spinner=False)
def _dataset_profile(name: str, fingerprint: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    cursor, ds = store().published(), load_catalog()[name]
    return profile.preview_rows(cursor, ds), profile.column_statistics(cursor, ds)


def dataset_profile(name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A dataset's first rows and its column statistics."""
    return _dataset_profile(name, _fingerprint())


@st.cache_resource(max_entries=16, show_spinner=False)
def _geo_frame(name: str, fingerprint: str) -> gpd.GeoDataFrame:
    return display_frame(profile.geo_frame(store().published(), load_catalog()[name]))


def geo_frame(name: str) -> gpd.GeoDataFrame:
    """A geographic dataset's features for the catalog's preview map, shapes simplified for drawing (shared:
    do not change it)."""
    return _geo_frame(name, _fingerprint())


@st.cache_resource(max_entries=2, show_spinner=False)
def _preview_parts(fingerprint: str) -> dict:
    return {}


def preview_parts() -> dict:
    """The catalog's preview maps as sent to the browser (lib.ui.folium_view), by (dataset, language): a map
    is rendered once per published build, not on every run of the page."""
    return _preview_parts(_fingerprint())


# --- maps ------------------------------------------------------------------------------

@st.cache_resource(max_entries=24, show_spinner=False)
def _map_figures(spec_json: str, fingerprint: str) -> map_data.MapData:
    spec = MapSpec.from_dict(json.loads(spec_json))
    return map_data.compute_map_data(store().published(), load_catalog(), spec)


@st.cache_resource(max_entries=48, show_spinner=False)
def _described_map(spec_json: str, lang: str, fingerprint: str) -> tuple[map_data.MapData, pd.DataFrame]:
    data = map_data.describe_map_data(_map_figures(spec_json, fingerprint), load_catalog(), lang)
    return data, map_data.map_table(data, lang)


def map_data_for(spec: MapSpec, lang: str) -> map_data.MapData:
    """The map's figures for one spec with its words in `lang` (the figures shared by every language; shared by
    sessions: do not change it)."""
    return _map_for(spec, lang)[0]


def map_table(spec: MapSpec, lang: str) -> pd.DataFrame:
    """The map's table (one row per unit, as the downloads give it; shared: do not change it)."""
    return _map_for(spec, lang)[1]


def _map_for(spec: MapSpec, lang: str) -> tuple[map_data.MapData, pd.DataFrame]:
    spec_json = json.dumps(spec.to_dict(), ensure_ascii=False, sort_keys=True)
    with st.spinner(t("wait.map", lang)):  # drawn only if it takes over half a second: a cold cache
        return _described_map(spec_json, lang, _fingerprint())


@dataclass(frozen=True)
class MapChoices:
    city: str | None  # the municipality (or 「鳥取市・岩美町」) the map is of
    presets: dict[str, MeasureSpec]  # the ready-made measures (shared: do not change it)
    facility_categories: list[str]


@st.cache_resource(max_entries=4, show_spinner=False)
def _map_choices(fingerprint: str) -> MapChoices:
    cursor, catalog = store().published(), load_catalog()
    categories = (distinct_values(cursor, catalog, "facilities", "category")
                  if "facilities" in catalog and not catalog["facilities"].demo_on_real_city else [])
    return MapChoices(city_name(cursor, catalog), preset_measures(cursor, catalog), categories)


def map_choices() -> MapChoices:
    """What the map page offers on the published data: read once per publication, not on every run."""
    return _map_choices(_fingerprint())


# --- pivot tables ------------------------------------------------------------------

@st.cache_resource(max_entries=64, show_spinner=False)
def _pivot(spec_json: str, lang: str, fingerprint: str) -> Pivot:
    spec = ChartSpec.from_dict(json.loads(spec_json))
    return build_pivot(store().published(), analysis_catalog(), spec, lang)


def pivot(spec: ChartSpec, lang: str) -> Pivot:
    """The pivot table of `spec` (its cells, margins and hidden cells: four queries), once per published data
    (shared by sessions: do not change it). ChartSpecError for an invalid spec; errors are not cached."""
    with st.spinner(t("wait.analysis", lang)):  # drawn only if it takes over half a second: a cold cache
        return _pivot(json.dumps(spec.to_dict(), ensure_ascii=False, sort_keys=True), lang, _fingerprint())


# --- saved analyses (projections, regression, hot spots, …) -------------------------

@st.cache_resource(max_entries=48, show_spinner=False)
def _analysis(spec_json: str, lang: str, fingerprint: str):
    return run_analysis(store().published(), analysis_catalog(), json.loads(spec_json), lang)


def analysis_result(spec: dict, lang: str):
    """An analysis's result for a spec (shared by sessions: do not change it). Raises what the method raises
    (StatInputError for data it cannot answer); errors are not cached."""
    with st.spinner(t("wait.analysis", lang)):  # drawn only if it takes over half a second: a cold cache
        return _analysis(json.dumps(spec, ensure_ascii=False, sort_keys=True), lang, _fingerprint())


@dataclass(frozen=True)
class ProjectionChoices:
    points: tuple[int, int] | None  # (earlier, base) population years five apart; None when there are none
    latest: int | None  # the latest population year (the base of a projection with the municipality's)
    reference: tuple[str, int, int] | None  # the published municipal projection: (city, first, last year)
    districts: list[str]
    record_tables: list[str]  # the record tables a demand can be counted from


@st.cache_data(max_entries=8, show_spinner=False)
def _projection_choices(fingerprint: str, city: str) -> ProjectionChoices:
    cursor, catalog = store().published(), load_catalog()
    years = projection_data.population_years(cursor, catalog)
    districts = sorted(d for d in projection_data.area_table(cursor, catalog, city)["district"].unique() if d)
    return ProjectionChoices(projection_data.projection_points(years), years[-1] if years else None,
                             projection_data.reference_summary(cursor, catalog, city), districts,
                             projection_data.demand_datasets(catalog))


def projection_choices(city: str = "") -> ProjectionChoices:
    """What the projection page can offer on the published data (`city`: of one municipality of a joint
    course, whose own municipal projection it is)."""
    return _projection_choices(_fingerprint(), city)
