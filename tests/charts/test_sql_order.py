"""「おまかせ」 order of bars: a natural order (ages, years, 要介護度) is kept, other categories go largest first."""
from __future__ import annotations

import pytest

from lib.analysis.area_indicators import analysis_catalog
from lib.charts.figure import build_figure
from lib.charts.spec import ChartSpec, Measure
from lib.charts.sql import run_chart
from lib.data.catalog import load_catalog
from lib.data.query import resolve_column


def _bars(published, dataset: str, dimension: str, sort: str = "auto") -> tuple[list, list]:
    catalog = analysis_catalog(load_catalog())
    spec = ChartSpec(dataset=dataset, measure=Measure("count"), dimensions=[dimension], chart_type="bar",
                     options={"sort": sort})
    trace = build_figure(run_chart(published, catalog, spec), spec, catalog, "ja").data[0]
    return list(trace.x), list(trace.y)


def test_automatic_order_puts_districts_largest_first(published):
    """Issue 21: 「おまかせ（大きい順）」 did not sort: every dictionary's listing of 地区 was kept."""
    districts, counts = _bars(published, "care_certification", "areas.district")
    assert counts == sorted(counts, reverse=True)
    assert districts != list(resolve_column(load_catalog(), load_catalog()["care_certification"],
                                            "areas.district").order)  # not the dictionary's listing


@pytest.mark.parametrize(("dataset", "dimension"), [("care_certification", "care_level"),
                                                    ("care_certification", "age_band")])
def test_automatic_order_keeps_grades_and_ages_in_their_own_order(published, dataset, dimension):
    levels, counts = _bars(published, dataset, dimension)
    order = load_catalog()[dataset].column(dimension).order
    assert [v for v in levels if v in order] == [v for v in order if v in levels]
    shown = [c for c in counts if c == c]  # hidden small cells are NaN
    assert shown != sorted(shown, reverse=True)  # the values alone would have reordered them


def test_by_name_and_largest_first_are_asked_for_explicitly(published):
    assert _bars(published, "care_certification", "care_level", "value_desc")[1] == sorted(
        _bars(published, "care_certification", "care_level", "value_desc")[1], reverse=True)
    names, _ = _bars(published, "care_certification", "areas.district", "label")
    assert names == sorted(names)


def test_which_categories_have_a_natural_order():
    catalog = load_catalog()
    natural = {(ds.name, c.name): c.has_natural_order for ds in catalog.values() for c in ds.columns if c.order}
    assert natural[("care_certification", "care_level")] and natural[("flood_zones", "depth_class")]
    assert natural[("population", "age_band")] and natural[("population", "sex")]
    assert not natural[("areas", "district")] and not natural[("facilities", "category")]
    assert not natural[("care_certification", "main_service")]
