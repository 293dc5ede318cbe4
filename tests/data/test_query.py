"""lib.data.query: a filter's SQL and words, the one WHERE builder, and the catalog the analyses read."""
from __future__ import annotations

import json

from lib.analysis.area_indicators import NAME, analysis_catalog
from lib.data.catalog import load_catalog
from lib.data.query import Filter, Table, distinct_values, filters_in_words


def test_a_filter_says_in_sql_and_in_words_the_same_thing():
    catalog = load_catalog()
    population = catalog["population"]
    between = Filter("population", "between", [10, 2000])
    assert between.clause('t."population"') == ('t."population" BETWEEN ? AND ?', [10, 2000])
    except_two = Filter("sex", "not_in", ["男", "女"])
    assert except_two.clause("s") == ("(s NOT IN (?, ?) OR s IS NULL)", ["男", "女"])
    words = filters_in_words(catalog, population, [between, except_two], "ja")
    assert words == f"{population.column('population').label_in('ja')}：10〜2,000、性別：男・女 以外"
    years = Filter("year", "between", [2021, 2025])
    assert years.words(catalog, population, "ja").endswith("：2021〜2025")  # a year, not 2,021


def test_one_where_builder_reads_area_attributes_with_or_without_an_alias(published):
    catalog = load_catalog()
    population = catalog["population"]
    district = distinct_values(published, catalog, "areas", "district")[0]
    by_district = [Filter("areas.district", "in", [district])]
    counts = []
    for alias in ("", "p"):
        table = Table(catalog, population, alias)
        where, params = table.where(by_district)
        assert params == [district] and "?" in where and district not in where  # bound, never written in
        counts.append(published.execute(f"SELECT count(*) FROM {table.from_clause()}{where}", params).fetchone()[0])
    everyone = published.execute("SELECT count(*) FROM population").fetchone()[0]
    assert counts[0] == counts[1] and 0 < counts[0] < everyone


def test_demo_datasets_are_marked_once_the_workbench_is_on_a_real_city(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path))
    assert not any(ds.demo_on_real_city for ds in load_catalog().values())
    assert NAME in analysis_catalog()
    (tmp_path / "city.json").write_text(json.dumps({"city_code": "31201", "city_name": "鳥取市"}), encoding="utf-8")
    catalog = load_catalog()
    assert catalog["care_certification"].demo_on_real_city and catalog["areas"].demo_on_real_city
    assert NAME not in analysis_catalog()  # the demo's care records and places lie elsewhere: no mixed table
