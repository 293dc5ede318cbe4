"""Which municipalities the workbench is for: city.json, written by setup-city (lib.data.city), read by every
page that names the city or offers one municipality of a joint course. Kept apart from the setting up,
whose file readers a page does not need (their imports cost a first start about 0.15 s)."""
from __future__ import annotations

import json

import duckdb
import pandas as pd

from lib import settings


def current_city() -> dict | None:
    """Which city the workbench is for ({city_code, city_name, ...}); None while it is on the demo city."""
    path = settings.city_file()
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def city_list(city: dict | None = None) -> list[dict]:
    """The municipalities of the workbench ({city_code, city_name, pref_name}), in the order set up: one, several
    for a joint course, none on the demo city. A city.json written before joint courses names one city."""
    city = current_city() if city is None else city
    if not city:
        return []
    return [dict(c) for c in city.get("cities") or [{key: city.get(key, "") for key in
                                                     ("city_code", "city_name", "pref_name")}]]


def city_totals(cursor) -> pd.DataFrame:
    """Each municipality's 町丁・字, households and population as published (the latest year), by code: what the
    instructor checks after setup-city. Areas are a city's by their code's first 5 digits (PREF + CITY)."""
    names = {c["city_code"]: c["city_name"] for c in city_list()}
    areas = cursor.execute("SELECT left(area_code, 5) AS city_code, count(*) AS areas, "
                           "sum(households) AS households FROM areas GROUP BY 1 ORDER BY 1").df()
    try:
        people = cursor.execute("SELECT left(area_code, 5) AS city_code, sum(population) AS population FROM "
                                "population WHERE year = (SELECT max(year) FROM population) GROUP BY 1").df()
    except duckdb.CatalogException:  # boundaries without JINKO and no population file: no population table
        people = pd.DataFrame({"city_code": pd.Series(dtype=str), "population": pd.Series(dtype=float)})
    frame = areas.merge(people, on="city_code", how="left")
    frame.insert(1, "city_name", frame["city_code"].map(names).fillna(""))
    return frame[frame["city_code"].isin(names)].reset_index(drop=True)
