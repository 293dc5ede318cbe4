"""Future demand for a service: projected population × today's rate, by age band × sex (and 地区).

    future count in a cell = projected people in the cell × (records in the cell today / people in it today)

A record whose age band or sex was blanked for anonymity cannot be put in a cell: the rates are
scaled up evenly so that they give today's total again (`scale`, e.g. 1.06 when 6 % were blanked).
Records removed by anonymization (k-anonymity) are not in the data and are not counted.
Pure pandas / numpy.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.analysis.cohort_projection import ProjectionInputError

KEYS = ["age_band", "sex"]


@dataclass
class Rates:
    table: pd.DataFrame  # [district,] age_band, sex, records, people, rate (scaled)
    by_district: bool
    scale: float  # all records / records with an age band and a sex
    records: int  # today's records in the data


def current_rates(records: pd.DataFrame, people: pd.DataFrame, groups: pd.Series | None = None) -> Rates:
    """Today's rate per (地区,) age band and sex.

    records: one row per record of the base year, columns area, age_band, sex (blanks allowed);
    people: the base year's population, columns area, age_band, sex, population;
    groups: area → 地区 for rates by 地区 (None: one rate for the whole city).
    """
    if records.empty:
        raise ProjectionInputError("projection.error.no_records")
    known = records.dropna(subset=KEYS)
    keys = (["district"] if groups is not None else []) + KEYS
    if groups is not None:
        known = known.assign(district=known["area"].map(groups))
        people = people.assign(district=people["area"].map(groups))
    counts = known.groupby(keys).size().rename("records")
    persons = people.groupby(keys)["population"].sum().rename("people")
    table = pd.concat([persons, counts], axis=1).fillna(0).reset_index()
    if groups is not None:  # a 地区 cell with records but no people takes the city's rate
        city = table.groupby(KEYS)[["records", "people"]].sum()
        city_rate = (city["records"] / city["people"].replace(0, np.nan)).rename("city_rate").reset_index()
        table = table.merge(city_rate, on=KEYS, how="left")
    scale = len(records) / max(len(known), 1)
    table["rate"] = table["records"] / table["people"].where(table["people"] > 0)
    if groups is not None:
        table["rate"] = table["rate"].fillna(table.pop("city_rate"))
    table["rate"] = table["rate"].fillna(0) * scale
    return Rates(table, groups is not None, scale, len(records))


def project_demand(projected: pd.DataFrame, rates: Rates, groups: pd.Series | None = None) -> pd.DataFrame:
    """Expected records per area and year: columns area, year, demand (float).

    projected: population by area, year, age_band, sex (cohort_projection.Projection.frame)."""
    frame = projected
    keys = list(KEYS)
    if rates.by_district:
        frame = frame.assign(district=frame["area"].map(groups))
        keys = ["district", *KEYS]
    merged = frame.merge(rates.table[[*keys, "rate"]], on=keys, how="left")
    merged["demand"] = merged["population"] * merged["rate"].fillna(0)
    return merged.groupby(["area", "year"], as_index=False)["demand"].sum()
