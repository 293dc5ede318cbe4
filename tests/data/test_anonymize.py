"""Anonymization: k-anonymity and l-diversity cross-checked against pycanon on the same data."""
from __future__ import annotations

import os
import time
from datetime import date

import numpy as np
import pandas as pd
import pytest

from lib.data import anonymize as an
from lib.data import small_cells

try:  # a test-only package, installed with --no-deps (README); CI must have it
    import pycanon.anonymity as pycanon
except ImportError:
    if os.environ.get("CI"):
        raise
    pycanon = None
needs_pycanon = pytest.mark.skipif(pycanon is None, reason="python -m pip install --no-deps pycanon==1.3.6")


def people(n: int = 3000, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "氏名": [f"見本 {i}" for i in range(n)],
        "電話番号": [f"042-555-{i % 10000:04d}" for i in range(n)],
        "年齢": rng.integers(40, 104, n),
        "性別": rng.choice(["男", "女"], n),
        "町丁目": rng.choice([f"1499900{t}0{c:02d}" for t in range(1, 8) for c in range(1, 4)], n),
        "世帯": rng.choice(["単身", "夫婦のみ", "親と子", "三世代", "その他"], n, p=[.3, .3, .3, .08, .02]),
        "要介護度": rng.choice(["要支援1", "要支援2", "要介護1", "要介護3", "要介護5"], n),
    })


CLASSES = {"氏名": "direct", "電話番号": "direct", "年齢": "quasi", "性別": "quasi", "町丁目": "quasi",
           "世帯": "quasi", "要介護度": "sensitive"}
QUASI = ["年齢", "性別", "町丁目", "世帯"]


def test_suggested_classification():
    frame = people(100)
    frame["被保険者番号"] = [f"{9000000000 + i}" for i in range(100)]
    frame["memo_no"] = [f"A{i:05d}" for i in range(100)]  # unique per record: an identifier
    suggested = an.suggest_classification(frame)
    assert suggested == {**CLASSES, "被保険者番号": "direct", "memo_no": "direct"}


def test_exact_dates_in_mixed_forms_are_quasi_identifiers():
    dates = pd.Series(["2025/02/08", "R6.12.27", "令和7年1月5日", "2024-11-30", "R7.3.1"] * 20)
    assert an.suggest_class("認定日", dates) == "quasi"
    assert an.suggest_class("要介護度", pd.Series(["要介護1", "要支援2"] * 50)) == "sensitive"
    assert an.suggest_class("備考", pd.Series(["特になし", "転居予定"] * 50)) == "other"


def test_age_bands_top_code_at_90():
    ages = pd.Series([0, 4, 5, 64, 89, 90, 104, None])
    assert an.age_bands(ages, 5).astype(str).tolist()[:7] == ["0-4", "0-4", "5-9", "60-64", "85-89", "90+", "90+"]
    assert an.age_bands(ages, 10).astype(str).tolist()[:7] == ["0-9", "0-9", "0-9", "60-69", "80-89", "90+", "90+"]
    assert pd.isna(an.age_bands(ages, 5).iloc[7])
    assert an.age_band_labels(5)[-2:] == ["85-89", "90+"]  # the demo's age bands


def test_birth_dates_to_ages_and_bands():
    born = pd.Series(["1940-04-01", "1940-04-02", "昭和15年3月2日"])
    ages = an.ages_on(pd.Series(["1940-04-01", "1940-04-02"]), date(2025, 4, 1))
    assert ages.tolist() == [85, 84]
    out = an.apply_generalization(pd.DataFrame({"生年月日": born}), "生年月日",
                                  {"kind": "birth_date_band", "width": 5, "target": "age_band"}, date(2025, 4, 1))
    assert out["age_band"].astype(str).tolist() == ["85-89", "80-84", "85-89"]
    assert "生年月日" not in out.columns


def test_mesh_and_rare_categories():
    mesh = an.lonlat_to_mesh(pd.Series([35.45, None]), pd.Series([139.35, 139.0]), 4)
    assert mesh.iloc[0] == "533912472" and pd.isna(mesh.iloc[1])
    merged = an.merge_rare(pd.Series(["a"] * 5 + ["b"] * 2 + ["c"]), 3)
    assert merged.tolist() == ["a"] * 5 + ["その他"] * 3


@pytest.mark.parametrize("seed", [1, 2, 3])
@needs_pycanon
def test_k_and_l_match_pycanon_on_the_same_data(seed):
    frame = people(1500, seed)
    frame["年齢"] = an.age_bands(frame["年齢"], 10).astype(str)
    frame = frame.drop(columns=["氏名", "電話番号"])
    assert an.k_anonymity(frame, QUASI) == pycanon.k_anonymity(frame, QUASI)
    assert an.l_diversity(frame, QUASI, "要介護度") == pycanon.l_diversity(frame, QUASI, ["要介護度"])
    assert an.k_anonymity(frame, ["性別"]) == pycanon.k_anonymity(frame, ["性別"])


@pytest.mark.parametrize("method", ["suppress", "generalize"])
@needs_pycanon
def test_anonymize_reaches_k_and_l_checked_by_pycanon(method):
    frame = people()
    plan = an.Plan(CLASSES, k=5, l=2, sensitive="要介護度", method=method, max_suppression=0.03,
                   generalize={"年齢": {"kind": "age_band", "width": 5}})
    result, report = an.anonymize(frame, plan)
    assert "氏名" not in result and "電話番号" not in result and report.removed_columns == ["氏名", "電話番号"]
    data = result.reset_index(drop=True)
    assert report.k_achieved == pycanon.k_anonymity(data, QUASI) >= 5
    assert report.l_achieved == pycanon.l_diversity(data, QUASI, ["要介護度"]) >= 2
    assert report.records_in == 3000 and report.records_out == len(result)
    assert report.records_suppressed == 3000 - len(result)
    assert report.passed and 0 <= report.information_loss <= 1
    if method == "generalize":
        assert report.steps and report.suppressed_share <= 0.03
    else:
        assert report.steps == [] and report.distinct_after["年齢"] <= report.distinct_before["年齢"]


def test_further_generalization_widens_bands_and_coarsens_areas():
    frame = people(600)
    plan = an.Plan(CLASSES, k=10, method="generalize", max_suppression=0.0,
                   generalize={"年齢": {"kind": "age_band", "width": 5}})
    result, report = an.anonymize(frame, plan)
    assert set(report.coarsened) >= {"年齢"}
    assert any("-" in v and int(v.split("-")[1]) - int(v.split("-")[0]) >= 9
               for v in result["年齢"].dropna().unique() if "+" not in v)
    assert an.k_anonymity(result, QUASI) >= 10


def test_information_loss_grows_with_k():
    frame = people()
    losses = []
    for k in (2, 5, 20):
        _result, report = an.anonymize(frame, an.Plan(CLASSES, k=k, generalize={"年齢": {"kind": "age_band"}}))
        losses.append(report.information_loss)
    assert losses == sorted(losses) and losses[0] < losses[-1]


def test_anonymize_a_million_records_with_four_quasi_identifiers_fast():
    frame = people(1_000_000, 11)
    plan = an.Plan(CLASSES, k=5, generalize={"年齢": {"kind": "age_band", "width": 5}})
    started = time.perf_counter()
    _result, report = an.anonymize(frame, plan)
    assert time.perf_counter() - started < 10
    assert report.k_achieved >= 5


def test_small_cell_suppression_cannot_be_recovered_from_totals():
    counts = pd.DataFrame([[10, 2, 0, 5], [1, 8, 7, 6], [4, 4, 1, 9], [12, 15, 11, 14]],
                          index=["北", "中", "南", "東"], columns=["要支援1", "要介護1", "要介護3", "要介護5"])
    result = small_cells.suppress_small_cells(counts, threshold=3)
    inner = result.table.drop(index="合計", columns="合計")
    hidden = inner.isna()
    assert hidden.loc["北", "要介護1"] and hidden.loc["中", "要支援1"] and hidden.loc["南", "要介護3"]
    assert not hidden.loc["北", "要介護3"]  # zero is not disclosive
    for counts_per_line in (hidden.sum(axis=1), hidden.sum(axis=0)):
        assert not (counts_per_line == 1).any()  # one hidden cell per line would be total − the rest
    assert result.secondary.to_numpy().sum() >= 1
    assert result.table.loc["合計", "合計"] == counts.to_numpy().sum()
    assert result.table.loc["北", "合計"] == counts.loc["北"].sum()
    assert (result.primary | result.secondary).equals(hidden)


def test_kept_detail_recode_and_local_suppression_keep_records_that_plain_suppression_loses():
    frame = people(1200, seed=11)
    frame["年齢"] = an.age_bands(frame["年齢"], 5).astype(str)
    households = {"夫婦のみ": "2人以上", "親と子": "2人以上", "三世代": "2人以上", "その他": "2人以上"}
    base = dict(classification=CLASSES, k=5, method="generalize", max_suppression=0.05,
                keep_detail=["年齢", "町丁目"], generalize={"世帯": {"kind": "recode", "values": households}})
    plain, plain_report = an.anonymize(frame, an.Plan(**base))
    local, local_report = an.anonymize(frame, an.Plan(**base, blank_order=["性別", "世帯"]))
    for result, report in ((plain, plain_report), (local, local_report)):
        assert report.passed and an.k_anonymity(result, QUASI) >= 5
        assert set(result["世帯"].dropna()) <= {"単身", "2人以上"}
        assert "年齢" not in report.coarsened and "町丁目" not in report.coarsened  # never coarsened
        assert set(result["町丁目"]) <= set(frame["町丁目"])
    assert local_report.records_suppressed < plain_report.records_suppressed
    assert local_report.values_blanked["性別"] == int(local["性別"].isna().sum()) > 0
    assert len(local) == len(frame) - local_report.records_suppressed


def test_widened_age_bands_never_overlap_the_top_band():
    bands = pd.Series(["60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"])
    once = an.widen_bands(bands)
    assert once.tolist() == ["60-69", "60-69", "70-79", "70-79", "80-89", "80-89", "90+"]
    twice = an.widen_bands(once)  # 20-year bands: 80-99 would overlap 90+, so both become 80+
    assert twice.tolist() == ["60-79", "60-79", "60-79", "60-79", "80+", "80+", "80+"]


def test_area_codes_coarsened_to_districts_are_renamed_and_described_once():
    frame = people(2000)
    areas = pd.DataFrame({"area_code": [f"1499900{t}0{c:02d}" for t in range(1, 8) for c in range(1, 4)]})
    areas["district"] = areas["area_code"].str[7].map(lambda town: "北部地区" if town in "123" else "南部地区")
    plan = an.Plan(CLASSES, k=10, generalize={"年齢": {"kind": "age_band", "width": 5}})
    result, report = an.anonymize(frame, plan, areas=areas)
    assert ["町丁目", "district"] in report.steps and report.renamed == {"町丁目": "district"}
    assert "町丁目" not in result and set(result["district"].dropna().astype(str)) <= {"北部地区", "南部地区", "その他"}
    assert "district" in report.quasi_identifiers and report.classification["district"] == "quasi"
    assert report.k_achieved == an.k_anonymity(result, report.quasi_identifiers) >= 10
    described = an.describe_steps(report.steps, report.renamed)
    assert sum("町丁目" in line for line in described) == 1
    assert "町丁目（町丁目コードを町（メッシュは上位メッシュ）に → 町を地区にまとめる" in " ".join(described)
    assert "列名を district に" in " ".join(described)
