"""Survey answers weighted to the population (lib.analysis.survey_weighting) as a saved analysis.

    spec = {"method": "weighted_survey", "dataset": "survey", "items": ["sat_公共交通", ...],
            "filters": [Filter dicts], "population": "population", "areas": "areas", "year": 2025, "cap": 5.0}

The weights come from every respondent of the dataset; the filters only choose whose answers are
counted (a group's shares use the whole survey's weights). Answer counts follow the survey page's
small-cell rule (lib.charts.survey.likert_shares): a hidden count hides the whole row.
"""
from __future__ import annotations

import pandas as pd

from lib.analysis import disclosure
from lib.analysis import survey_weighting as sw
from lib.analysis.age_groups import band_lower_age
from lib.charts import survey
from lib.data.catalog import Dataset, area_dataset, population_column, population_dataset
from lib.data.query import Filter, fetch_columns
from lib.data.query import quote_identifier as q
from lib.deck.analysis_evidence import AnalysisResult
from lib.i18n import t

METHOD = "weighted_survey"
ROLES = {"age_band": "age_band", "sex": "sex", "district": "district"}  # CELL column -> the dictionary's role


def _role_column(ds: Dataset | None, role: str) -> str | None:
    found = ds.columns_with_role(role) if ds is not None else []
    return found[0].name if found else None


def available(catalog: dict[str, Dataset], dataset: str) -> bool:
    """Whether `dataset` has age band, sex and district columns and the population can be summed to districts."""
    pop, areas = population_dataset(catalog), area_dataset(catalog)
    return (all(_role_column(catalog.get(dataset), r) for r in ROLES.values())
            and all(_role_column(pop, r) for r in ("area", "age_band", "sex", "year"))
            and all(_role_column(areas, r) for r in ("area", "district")))


def spec_for(cursor, catalog: dict[str, Dataset], dataset: str, items: list[str], filters: list[Filter],
             cap: float = sw.CAP) -> dict:
    """The spec of the weighted shares of `items`, with the latest population year."""
    pop = population_dataset(catalog)
    year = cursor.execute(f"SELECT MAX({q(_role_column(pop, 'year'))}) FROM {q(pop.name)}").fetchone()[0]
    return {"method": METHOD, "dataset": dataset, "items": list(items), "filters": [f.__dict__ for f in filters],
            "population": pop.name, "areas": area_dataset(catalog).name, "year": int(year), "cap": float(cap)}


def datasets(spec: dict) -> list[str]:
    return [spec["dataset"], spec["population"], spec["areas"]]


def _population(cursor, catalog: dict[str, Dataset], spec: dict) -> pd.DataFrame:
    pop, areas = catalog[spec["population"]], catalog[spec["areas"]]
    sql = (
        f"SELECT a.{q(_role_column(areas, 'district'))} AS district, p.{q(_role_column(pop, 'age_band'))} AS age_band,"
        f" p.{q(_role_column(pop, 'sex'))} AS sex, SUM(p.{q(population_column(pop).name)}) AS population"
        f" FROM {q(pop.name)} AS p JOIN {q(areas.name)} AS a"
        f" ON a.{q(_role_column(areas, 'area'))} = p.{q(_role_column(pop, 'area'))}"
        f" WHERE p.{q(_role_column(pop, 'year'))} = ? GROUP BY ALL"
    )
    frame = cursor.execute(sql, [spec["year"]]).df()
    if frame.empty:
        raise sw.WeightingError("no_year", year=spec["year"])
    return frame


def compute(cursor, catalog: dict[str, Dataset], spec: dict) -> tuple[sw.Weighting, pd.DataFrame]:
    """The weights, and the weighted shares of the spec's items over its filtered respondents with the
    small-cell rule applied (hidden rows blank; `answered` and `n_eff` blank for an item with few answers)."""
    ds = catalog[spec["dataset"]]
    columns = {cell: _role_column(ds, role) for cell, role in ROLES.items()}
    rename = {name: cell for cell, name in columns.items()}
    everyone = fetch_columns(cursor, catalog, ds.name, list(columns.values())).rename(columns=rename)
    population = _population(cursor, catalog, spec)
    survey_bands = ds.column(columns["age_band"]).order or sorted(everyone["age_band"].dropna().unique())
    population_bands = sorted(population["age_band"].unique(), key=lambda band: band_lower_age(band) or 0)
    links = sw.age_band_links(survey_bands, population_bands)
    weighting = sw.weight_survey(everyone, population, links, spec.get("cap", sw.CAP))

    items = list(spec["items"])
    filters = [Filter.from_dict(f) for f in spec.get("filters") or []]
    chosen = fetch_columns(cursor, catalog, ds.name, list(columns.values()) + items, filters).rename(columns=rename)
    weights = weighting.weights_of(chosen)
    levels = sorted(ds.column(items[0]).scale or range(1, 6))
    shares = sw.weighted_shares(chosen, weights, items, levels)
    counted = survey.likert_shares(chosen[weights.notna()], items, levels)
    protected = disclosure.hide(shares, counted["count"].isna(), ["item", "level"])
    protected["answered"] = counted["answered"]
    protected.loc[counted["answered"].isna(), "n_eff"] = float("nan")
    return weighting, protected


def labels(catalog: dict[str, Dataset], spec: dict, lang: str) -> tuple[dict[str, str], dict[str, dict]]:
    """Question labels and each question's answer words."""
    ds = catalog[spec["dataset"]]
    return ({i: ds.column(i).label_in(lang) for i in spec["items"]},
            {i: ds.column(i).scale or {} for i in spec["items"]})


def shares_table(shares: pd.DataFrame, item_labels: dict[str, str], scales: dict[str, dict], lang: str) -> pd.DataFrame:
    """The weighted shares with readable headers (percentages to 0.1, design effect to 0.01)."""
    columns = ["item", "level", "count", "share", "low", "high", "w_share", "w_low", "w_high", "diff", "matters",
               "answered", "deff", "n_eff"]
    table = shares[columns].copy()
    table["level"] = [scales.get(i, {}).get(lv, lv) for i, lv in zip(table["item"], table["level"], strict=True)]
    table["item"] = table["item"].map(item_labels)
    table["matters"] = [t("weighting.yes", lang) if pd.notna(v) and bool(v) else "" for v in table["matters"]]
    table = table.round({c: 1 for c in ("share", "low", "high", "w_share", "w_low", "w_high", "diff")})
    table = table.round({"deff": 2, "n_eff": 0}).rename(columns={c: t(f"weighting.col.{c}", lang) for c in columns})
    table.attrs["suppressed_cells"] = int(shares["count"].isna().sum())  # rows hidden by the small-cell rule
    return table


def margin_table(weighting: sw.Weighting, lang: str) -> pd.DataFrame:
    """Respondents, population and weighted shares per 年代×性別 and per 地区; small counts hidden."""
    frame = weighting.margins
    hidden = pd.concat([disclosure.suppression_mask(part, [], part["n"]) for _, part in frame.groupby("margin")])
    table = disclosure.hide(frame, hidden.reindex(frame.index), ["margin", "category"])
    table["margin"] = table["margin"].map(lambda m: t(f"weighting.margin.{m}", lang))
    table = table.round({c: 1 for c in ("sample_share", "population_share", "weighted_share")})
    return table.rename(columns={c: t(f"weighting.col.{c}", lang) for c in frame.columns})


def summary(weighting: sw.Weighting, spec: dict, lang: str) -> list[str]:
    """What was done, in sentences: the method, the age bands matched, the respondents and weights."""
    lines = [
        t("weighting.how", lang, year=spec["year"], cap=f"{weighting.cap:g}"),
        sw.links_text(weighting.links, lang),
    ]
    deff = f"{weighting.deff:.2f}"
    if disclosure.is_small([weighting.respondents])[0] or disclosure.is_small([weighting.excluded])[0] \
            or disclosure.is_small([weighting.trimmed])[0]:
        lines.append(t("weighting.summary_few", lang, threshold=disclosure.MIN_CELL, deff=deff))
    else:
        lines.append(t("weighting.summary", lang, n=weighting.respondents, excluded=weighting.excluded, deff=deff,
                       n_eff=round(weighting.respondents / weighting.deff), trimmed=weighting.trimmed))
    if not weighting.capped_fully:
        lines.append(t("weighting.cap_not_met", lang, cap=f"{weighting.cap:g}"))
    return lines


def present(weighting: sw.Weighting, shares: pd.DataFrame, catalog: dict[str, Dataset], spec: dict,
            lang: str) -> AnalysisResult:
    item_labels, scales = labels(catalog, spec, lang)
    reading = sw.reading(shares, item_labels.get, lambda item, level: scales[item].get(level, str(level)), lang)
    return AnalysisResult(shares_table(shares, item_labels, scales, lang), reading=reading,
                          caution=t("weighting.caution", lang),
                          chart=survey.weighted_shares_chart(shares, item_labels, scales, lang),
                          datasets=datasets(spec))


def run(cursor, catalog: dict, spec: dict, lang: str) -> AnalysisResult:
    return present(*compute(cursor, catalog, spec), catalog, spec, lang)
