"""Every published record-level table meets the rule its dictionary declares, checked by pycanon
(an implementation other than ours): the demo's tables, and a table an instructor publishes
from the raw-style sample through the anonymize flow."""
from __future__ import annotations

import os
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest

from lib import settings
from lib.data import anonymize as an
from lib.data import publishing
from lib.data.catalog import load_catalog
from lib.data.importing import read_file

try:
    import pycanon.anonymity as pycanon
except ImportError:
    if os.environ.get("CI"):
        raise
    pycanon = None
needs_pycanon = pytest.mark.skipif(pycanon is None, reason="python -m pip install --no-deps pycanon==1.3.6")

SAMPLE = settings.REPO_ROOT / "datasets" / "raw_sample" / "kaigo_ninteisha_raw.csv"


@pytest.fixture(scope="module")
def catalog_with_instructor_data(data_dir, tmp_path_factory):
    """The catalog of a data folder where an instructor published the practice sample."""
    from lib.data.store import get_store

    previous = os.environ["WORKBENCH_DATA_DIR"]
    os.environ["WORKBENCH_DATA_DIR"] = str(tmp_path_factory.mktemp("anonymity-data"))
    store = get_store()
    raw = read_file(SAMPLE).frame
    areas = gpd.read_file(settings.DEMO_DATASETS_DIR / "areas.geojson")
    plan = an.Plan(an.suggest_classification(raw), k=settings.MIN_CELL, l=2, sensitive="要介護度",
                   generalize={"生年月日": {"kind": "birth_date_band", "target": "age_band"},
                               "住所": {"kind": "area_code", "target": "area_code", "city_name": "みどり野市"}})
    frame, report = an.anonymize(raw, plan, reference=date(2025, 4, 1), areas=areas)
    applied = an.applied_plan(plan, report)
    dictionary = publishing.build_dictionary(frame, "kaigo_practice", {"ja": "要介護認定（練習）", "en": "practice"})
    publishing.publish(frame, dictionary, applied, published_by="講師", report=report.to_dict(), store=store)
    yield load_catalog()
    store.close()
    os.environ["WORKBENCH_DATA_DIR"] = previous


def _record_level(catalog) -> list:
    return [ds for ds in catalog.values() if (ds.extra.get("privacy") or {}).get("quasi_identifiers")]


@needs_pycanon
def test_every_published_record_level_table_is_5_anonymous_by_pycanon(catalog_with_instructor_data):
    tables = _record_level(catalog_with_instructor_data)
    assert {"care_certification", "survey", "kaigo_practice"} <= {ds.name for ds in tables}
    for ds in tables:
        rule = ds.extra["privacy"]
        data = pd.read_parquet(ds.file)
        quasi = rule["quasi_identifiers"]
        # A blanked value counts as a value of its own: stricter than treating it as "any".
        data[quasi] = data[quasi].astype("string").fillna("（空欄）")
        assert rule["k"] >= 5
        assert pycanon.k_anonymity(data, quasi) >= rule["k"], ds.name
        if rule.get("l") and rule.get("sensitive"):
            assert pycanon.l_diversity(data, quasi, [rule["sensitive"]]) >= rule["l"], ds.name


def test_the_demo_declares_its_rule_and_says_it_in_words():
    catalog = load_catalog()
    care, survey = catalog["care_certification"], catalog["survey"]
    assert care.extra["privacy"]["sensitive"] == "care_level" and care.extra["privacy"]["l"] == 2
    assert "k=5" in care.anonymization_in("ja") and "l=2" in care.anonymization_in("ja")
    assert "k=5" in survey.anonymization_in("ja")
    assert catalog["population"].extra["privacy"] == {"persons": "population"}
