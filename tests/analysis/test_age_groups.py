"""65歳以上 is one pick: named age groups as the data's age bands, in the filters of the analysis pages."""
from __future__ import annotations

from lib.analysis.age_groups import bands_in_group, groups_for
from lib.data.catalog import load_catalog
from tests.conftest import app_test

POPULATION = list(load_catalog()["population"].column("age_band").order)


def test_groups_take_the_bands_wholly_inside_them():
    assert bands_in_group(POPULATION, "65plus") == ["65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
    assert bands_in_group(POPULATION, "75plus") == ["75-79", "80-84", "85-89", "90+"]
    assert bands_in_group(POPULATION, "0to14") == ["0-4", "5-9", "10-14"]
    assert bands_in_group(POPULATION, "15to64")[0] == "15-19" and bands_in_group(POPULATION, "15to64")[-1] == "60-64"


def test_a_group_that_bands_cannot_express_is_not_offered():
    survey = list(load_catalog()["survey"].column("age_band").order)  # 60-69 straddles 65
    assert "65plus" not in groups_for(survey)
    assert set(groups_for(POPULATION)) == {"65plus", "75plus", "15to64", "0to14"}


def test_the_preset_fills_the_age_filter(store):
    at = app_test(timeout=120).run()
    at.switch_page("pages/pivot_table.py").run()
    at.selectbox(key="pivot:dataset").set_value("population").run()
    at.multiselect(key="pivot:filter_columns").set_value(["age_band"]).run()
    presets = next(g for g in at.button_group if g.key == "pivot:filter:age_band:preset")
    presets.set_value("65plus").run()
    assert not at.exception, at.exception
    assert at.multiselect(key="pivot:filter:age_band").value == bands_in_group(POPULATION, "65plus")
