"""Saved analysis "demand_projection": a future count of a record type (e.g. 要介護認定者) =
projected population × today's rate by age band × sex (and 地区).

spec = {"method": "demand_projection", "dataset": "care_certification", "base_year": 2025,
        "target_year": 2035, "rates_by": "city" | "district", "show": "chart" | "map", "min_base": 20,
        "ratios": "own" | "ipss", "city": a joint course's municipality (lib.deck.analyses.projection_common)}
"""
from __future__ import annotations

import pandas as pd

from lib.analysis.cohort_projection import ProjectionInputError
from lib.analysis.demand_projection import current_rates, project_demand
from lib.analysis.projection_data import demand_datasets, population_year, record_years, records_of_year
from lib.charts.projection import projected_lines
from lib.deck.analyses.projection_common import (
    age_group_sums,
    city_of,
    hidden_areas,
    hide_small,
    project_published,
    projection_datasets,
    rounded_persons,
    target_year,
    uses_reference,
    whole_label,
)
from lib.deck.analysis_evidence import AnalysisResult
from lib.i18n import t
from lib.maps.value_map import area_value_map


def datasets(spec: dict) -> list[str]:
    return [str(spec.get("dataset") or "care_certification"), *projection_datasets(spec)]


def _district_table(demand: pd.DataFrame, areas: pd.DataFrame, years: list[int], target: int, whole: str,
                    lang: str):
    by = demand.assign(district=demand["area"].map(areas["district"]))
    wide = by.pivot_table(index="district", columns="year", values="demand", aggfunc="sum").reindex(columns=years)
    long = wide.reset_index()
    long.columns = ["district", *[f"y{y}" for y in years]]
    shown = hide_small(long, ["district"], [f"y{y}" for y in years])
    city = long.drop(columns="district").sum().to_frame().T.assign(district=whole)
    table = pd.concat([shown, city[long.columns]], ignore_index=True)
    base = years[0]
    out = pd.DataFrame({t("projection.col.district", lang): table["district"]})
    for year in years:
        out[t("demand.col.year", lang, year=year)] = table[f"y{year}"].round(0)
    out[t("demand.col.change", lang, base=base, target=target)] = (table[f"y{target}"] - table[f"y{base}"]).round(0)
    out[t("projection.col.change_pct", lang)] = (100 * (table[f"y{target}"] / table[f"y{base}"] - 1)).round(1)
    out.attrs["suppressed_cells"] = shown.attrs["suppressed_cells"]
    return out, shown


def run(cursor, catalog: dict, spec: dict, lang: str) -> AnalysisResult:
    dataset = datasets(spec)[0]
    if dataset not in demand_datasets(catalog):
        raise ProjectionInputError("projection.error.dataset", dataset=dataset)
    projection, areas = project_published(cursor, catalog, spec)
    base, target = projection.base_year, target_year(projection, spec)
    if base not in record_years(cursor, catalog, dataset):
        raise ProjectionInputError("projection.error.record_year", dataset=catalog[dataset].title_in(lang), year=base)
    by_district = spec.get("rates_by") == "district" and (areas["district"] != "").any()
    groups = areas["district"] if by_district else None
    records, people = records_of_year(cursor, catalog, dataset, base), population_year(cursor, catalog, base)
    # a joint course's municipality: its own rates, from its own records and people
    rates = current_rates(records[records["area"].isin(areas.index)], people[people["area"].isin(areas.index)],
                          groups)
    demand = project_demand(projection.frame, rates, groups)
    years = projection.years
    table, shown = _district_table(demand, areas, years, target, whole_label(spec, lang), lang)
    label = catalog[dataset].title_in(lang)
    city = demand.groupby("year")["demand"].sum()
    change = (shown[f"y{target}"] / shown[f"y{base}"] - 1).dropna()
    reading = t("demand.reading", lang, label=label, base=base, target=target, n0=rounded_persons(city[base]),
                n1=rounded_persons(city[target]), pct=f"{100 * (city[target] / city[base] - 1):+.0f}")
    if len(change):
        top = change.idxmax()
        reading += t("demand.reading_top", lang, district=shown.loc[top, "district"], pct=f"{100 * change[top]:+.0f}")
    caution = t("demand.caution", lang, base=base, scale=f"{rates.scale:.2f}",
                rates=t(f"demand.rates_by.{'district' if by_district else 'city'}", lang))
    if uses_reference(spec):
        caution += t("demand.caution_reference", lang)
    result = AnalysisResult(table, reading=reading, caution=caution, datasets=datasets(spec))
    if spec.get("show") == "map":
        per_area = demand[demand["year"].isin([base, target])].pivot(index="area", columns="year", values="demand")
        people = age_group_sums(projection.frame[projection.frame["year"] == base], projection.bands,
                                ["area"]).set_index("area").reindex(per_area.index)
        values = pd.DataFrame({"area": per_area.index,
                               "value": (100 * (per_area[target] / per_area[base].where(per_area[base] > 0) - 1))
                               .round(1).to_numpy(),
                               "population": people["total"].round(0).to_numpy(),
                               "elderly_65plus": people["p65"].round(0).to_numpy()})
        values["suppressed"] = hidden_areas(per_area[base], per_area[base], per_area[target], people["total"])
        map_label = t("demand.map_label", lang, label=label, base=base, target=target)
        result.map_data = area_value_map(cursor, catalog, values, map_label, "%", lang, title=map_label,
                                         city=city_of(spec))
    else:
        lines = shown.melt(id_vars="district", value_vars=[f"y{y}" for y in years], var_name="year", value_name="value")
        lines["year"] = lines["year"].str[1:].astype(int)
        result.chart = projected_lines(lines.rename(columns={"district": "series"}).round({"value": 0}),
                                       t("demand.value_title", lang, label=label),
                                       t("demand.chart_title", lang, label=label))
    return result
