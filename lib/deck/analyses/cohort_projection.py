"""Saved analysis "cohort_projection": future population (コーホート変化率法) as a pyramid or a map.

spec = {"method": "cohort_projection", "base_year": 2025, "target_year": 2035,
        "show": "pyramid" | "map", "district": "" (the pyramid's 地区; "" = the whole city),
        "measure": "p75_share" | "p75" | "total_change" (the map's value), "min_base": 20,
        "ratios": "own" | "ipss", "city": a joint course's municipality (lib.deck.analyses.projection_common)}
"""
from __future__ import annotations

import pandas as pd

from lib.analysis.cohort_projection import ProjectionInputError
from lib.charts.projection import population_pyramid
from lib.deck.analyses.projection_common import (
    age_group_sums,
    city_of,
    hidden_areas,
    hide_small,
    project_published,
    projection_datasets,
    pyramid_cells,
    reference_caution,
    rounded_persons,
    target_year,
    uses_reference,
    whole_label,
)
from lib.deck.analysis_evidence import AnalysisResult
from lib.i18n import t
from lib.maps.value_map import area_value_map

MEASURES = ("p75_share", "p75", "total_change")


def datasets(spec: dict) -> list[str]:
    return projection_datasets(spec)


def _district_table(frame: pd.DataFrame, areas: pd.DataFrame, bands: list[str], base: int, target: int,
                    lang: str, whole: str) -> pd.DataFrame:
    both = frame[frame["year"].isin([base, target])].assign(district=lambda f: f["area"].map(areas["district"]))
    sums = age_group_sums(both, bands, ["district", "year"])
    wide = sums.pivot(index="district", columns="year", values=["total", "p75"])
    long = pd.DataFrame({"district": wide.index})
    for year in (base, target):
        long[f"total{year}"] = wide[("total", year)].to_numpy()
        long[f"p75{year}"] = wide[("p75", year)].to_numpy()
    city = long.drop(columns="district").sum().to_frame().T.assign(district=whole)
    shown = hide_small(long, ["district"], [c for c in long.columns if c != "district"])
    table = pd.concat([shown, city[long.columns]], ignore_index=True)
    out = pd.DataFrame({t("projection.col.district", lang): table["district"]})
    for year in (base, target):
        out[t("projection.col.total", lang, year=year)] = table[f"total{year}"].round(0)
    out[t("projection.col.change_pct", lang)] = (100 * (table[f"total{target}"] / table[f"total{base}"] - 1)).round(1)
    for year in (base, target):
        out[t("projection.col.p75", lang, year=year)] = table[f"p75{year}"].round(0)
    for year in (base, target):
        share = 100 * table[f"p75{year}"] / table[f"total{year}"]
        out[t("projection.col.p75_share", lang, year=year)] = share.round(1)
    out.attrs["suppressed_cells"] = shown.attrs["suppressed_cells"]
    return out


def _map(cursor, catalog, frame, areas, bands, base, target, measure, lang, city):
    sums = age_group_sums(frame[frame["year"].isin([base, target])], bands, ["area", "year"])
    now = sums[sums["year"] == base].set_index("area")
    then = sums[sums["year"] == target].set_index("area").reindex(now.index)
    if measure == "p75":
        value, shown_count = then["p75"], then["p75"]
    elif measure == "total_change":
        value, shown_count = 100 * (then["total"] / now["total"].where(now["total"] > 0) - 1), then["total"]
    else:
        value, shown_count = 100 * then["p75"] / then["total"].where(then["total"] > 0), then["p75"]
    frame_out = pd.DataFrame(
        {
            "area": now.index,
            "value": value.round(2).to_numpy(),
            "population": now["total"].round(0).to_numpy(),
            "elderly_65plus": now["p65"].round(0).to_numpy(),
        }
    )
    frame_out["suppressed"] = hidden_areas(now["total"], now["total"], shown_count)
    label = t(f"projection.map.{measure}", lang, year=target, base=base)
    unit = t("projection.unit.persons", lang) if measure == "p75" else "%"
    data = area_value_map(cursor, catalog, frame_out, label, unit, lang, title=label, city=city)
    top = frame_out[~frame_out["suppressed"]].dropna(subset=["value"]).sort_values("value", ascending=False)
    return data, top


def run(cursor, catalog: dict, spec: dict, lang: str) -> AnalysisResult:
    projection, areas = project_published(cursor, catalog, spec)
    base, target = projection.base_year, target_year(projection, spec)
    frame, bands = projection.frame, projection.bands
    table = _district_table(frame, areas, bands, base, target, lang, whole_label(spec, lang))
    city = age_group_sums(frame[frame["year"].isin([base, target])], bands, ["year"]).set_index("year")
    reading = t("projection.reading", lang, base=base, target=target, n0=rounded_persons(city.loc[base, "total"]),
                n1=rounded_persons(city.loc[target, "total"]),
                pct=f"{100 * (city.loc[target, 'total'] / city.loc[base, 'total'] - 1):+.1f}",
                a0=rounded_persons(city.loc[base, "p75"]), a1=rounded_persons(city.loc[target, "p75"]))
    if uses_reference(spec):
        caution = reference_caution(cursor, catalog, projection, target, lang, city_of(spec))
    else:
        caution = t("projection.caution", lang, earlier=projection.earlier_year, base=base,
                    borrowed=f"{100 * projection.borrowed_share():.0f}")
    result = AnalysisResult(table, reading=reading, caution=caution, datasets=datasets(spec))
    district = str(spec.get("district") or "")
    if spec.get("show") == "map":
        measure = spec.get("measure") if spec.get("measure") in MEASURES else "p75_share"
        result.map_data, top = _map(cursor, catalog, frame, areas, bands, base, target,
                                               measure, lang, city_of(spec))
        if len(top):
            result.reading += t("projection.reading_map", lang, area=areas.loc[top["area"].iloc[0], "name"],
                                label=result.map_data.value_label,
                                value=f"{top['value'].iloc[0]:,.1f}", unit=result.map_data.value_unit)
    else:
        part = frame if not district else frame[frame["area"].map(areas["district"]) == district]
        if part.empty:
            raise ProjectionInputError("projection.error.district", district=district)
        cells = pyramid_cells(part, [base, target])
        sex = catalog["population"].columns_with_role("sex")[0]
        sexes = [s for s in (sex.order or ()) if s in set(cells["sex"])] or sorted(cells["sex"].unique())
        result.chart = population_pyramid(cells, bands, sexes[:2], base, target,
                                          district or whole_label(spec, lang), lang)
    return result
