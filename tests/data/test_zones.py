"""Zones of adjacent 町丁・字 for anonymization on a real city (issue 20, item 4)."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from lib.data.zones import ZoneTableError, area_neighbours, build_zones, zones_from_table

CELL = 0.01


def lattice(rows: int, cols: int, island: bool = False) -> gpd.GeoDataFrame:
    """rows × cols square 町丁目 cells named A01…, codes 9 digits; optionally one island off the east."""
    records = [(f"31201{r * cols + c + 1:04d}", f"町{r * cols + c + 1:02d}",
                shapely.box(134.2 + c * CELL, 35.4 + r * CELL, 134.2 + (c + 1) * CELL, 35.4 + (r + 1) * CELL))
               for r in range(rows) for c in range(cols)]
    if island:
        records.append(("312019999", "島", shapely.box(134.2 + (cols + 2) * CELL, 35.4, 134.2 + (cols + 2.5) * CELL,
                                                        35.4 + CELL / 2)))
    return gpd.GeoDataFrame({"area_code": [r[0] for r in records], "area_name": [r[1] for r in records]},
                            geometry=[r[2] for r in records], crs=4326)


def test_queen_neighbours_of_a_lattice_by_hand():
    touching = area_neighbours(lattice(3, 3))
    # the centre cell touches all 8 others; a corner touches 3 (two sides and the diagonal)
    assert touching["312010005"] == {f"31201{n:04d}" for n in range(1, 10)} - {"312010005"}
    assert touching["312010001"] == {"312010002", "312010004", "312010005"}


def test_smallest_zone_merges_into_its_smallest_neighbour_by_hand():
    # a row of 4 cells with 3, 1, 5, 4 people
    areas = lattice(1, 4)
    people = pd.Series([3, 1, 5, 4], index=areas["area_code"])
    zones = build_zones(areas, people, min_people=4)
    # minimum 4: cell 2 (1) joins cell 1 (3) → 4; all others hold ≥ 4
    assert zones.table["zone_code"].tolist() == ["Z01", "Z01", "Z02", "Z03"]
    assert zones.shapes["people"].tolist() == [4, 5, 4]
    assert zones.shapes["zone_name"].tolist() == ["町01ほか1", "町03", "町04"]
    zones = build_zones(areas, people, min_people=6)
    # minimum 6: cell 2 joins cell 1 → 4; {1,2} and cell 4 both hold 4: the lower code goes first and
    # joins its only neighbour, cell 3 → 9; cell 4 then joins that zone
    assert zones.table["zone_code"].nunique() == 1


def test_a_joint_courses_zones_never_cross_a_municipal_border():
    # a row of 4 cells, the first two of one town, the last two of another, with 1, 1, 1, 9 people
    areas = lattice(1, 4).assign(city_code=["31201", "31201", "31302", "31302"])
    people = pd.Series([1, 1, 1, 9], index=areas["area_code"])
    zones = build_zones(areas, people, min_people=3)
    # cell 3 would join cell 2 across the border; it joins cell 4, its own town's; the first town holds 2 in all
    assert zones.table["zone_code"].tolist() == ["Z01", "Z01", "Z02", "Z02"]
    assert zones.shapes["people"].tolist() == [2, 10]
    one_town = build_zones(areas.drop(columns="city_code"), people, min_people=3)
    assert one_town.table["zone_code"].tolist() == ["Z01", "Z01", "Z01", "Z02"]  # one town: cell 3 joins 1 and 2


def test_zones_are_deterministic_contiguous_and_hold_the_minimum():
    areas = lattice(8, 8, island=True)
    people = pd.Series([(7 * n) % 23 for n in range(len(areas))], index=areas["area_code"])
    first = build_zones(areas, people, min_people=40)
    again = build_zones(areas.sample(frac=1, random_state=1), people.sample(frac=1, random_state=2), min_people=40)
    pd.testing.assert_frame_equal(first.table.sort_values("area_code", ignore_index=True),
                                  again.table.sort_values("area_code", ignore_index=True))
    assert (first.shapes["people"] >= 40).all()
    assert first.shapes["people"].sum() == people.sum()
    assert len(first.shapes) >= 10
    touching = area_neighbours(areas)
    for _zone, codes in first.table.groupby("zone_code")["area_code"]:
        inside = list(codes)
        if "312019999" in set(inside):  # the island joined the nearest zone
            inside = [a for a in inside if a != "312019999"]
        reached, todo = {inside[0]}, [inside[0]]
        while todo:  # walk over touching areas of the zone: every area of it is reached
            for b in touching[todo.pop()] & set(inside) - reached:
                reached.add(b)
                todo.append(b)
        assert reached == set(inside)
    island_zone = first.table.set_index("area_code").loc["312019999", "zone_code"]
    assert first.shapes.set_index("zone_code").loc[island_zone, "areas"] > 1
    # the dissolved zones cover the city exactly
    assert first.shapes.union_all().area == pytest.approx(areas.union_all().area)


def test_instructors_zone_table_is_checked_against_the_boundaries():
    areas = lattice(2, 2)
    table = pd.DataFrame({"area_code": ["312010001", "312010002", "312010003", "312010004"],
                          "地区名": ["北地区", "北地区", "南地区", "南地区"]})
    zones = zones_from_table(table, areas, pd.Series([1, 2, 3, 4], index=areas["area_code"]))
    assert zones.shapes[["zone_code", "zone_name", "people"]].values.tolist() == [["Z01", "北地区", 3],
                                                                                 ["Z02", "南地区", 7]]
    with pytest.raises(ZoneTableError) as error:
        zones_from_table(table.iloc[:3].assign(area_code=["312010001", "312010002", "99"]), areas)
    assert "312010004" in error.value.text("ja") and "99" in error.value.text("ja")
