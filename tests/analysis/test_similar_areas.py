"""Similar areas (k-means / Ward on standardized indicators) against scipy's kmeans2 and a hand case."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lib.analysis.similar_areas import group_description, profile_table, similar_areas, similar_reading
from lib.analysis.stat_tests import StatInputError


def _three_blobs(seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    """Three obvious groups of 20, 15 and 10 areas in (ageing rate %, distance km)."""
    rng = np.random.default_rng(seed)
    centres = [(40.0, 1.5), (20.0, 0.3), (30.0, 0.8)]
    sizes = [20, 15, 10]
    rows, truth = [], []
    for g, ((a, d), n) in enumerate(zip(centres, sizes, strict=True)):
        rows += [(a + rng.normal(0, 1.0), d + rng.normal(0, 0.05)) for _ in range(n)]
        truth += [g] * n
    return pd.DataFrame(rows, columns=["ageing", "distance"]), np.array(truth)


def _same_partition(a, b) -> bool:
    pairs = set(zip(a, b, strict=True))
    return len(pairs) == len(set(a)) == len(set(b))


@pytest.mark.parametrize("method", ["kmeans", "ward"])
def test_obvious_groups_are_found_and_three_is_suggested(method):
    data, truth = _three_blobs()
    result = similar_areas(data, method=method)
    assert result.suggested_k == 3 and result.k == 3
    assert _same_partition(result.groups.to_numpy(), truth)
    assert list(result.sizes) == [20, 15, 10]  # numbered by size
    assert result.means.loc[1, "ageing"] == pytest.approx(data["ageing"][:20].mean())


def test_kmeans_agrees_with_scipys_kmeans2_on_standardized_data():
    from scipy.cluster.vq import kmeans2

    data, _truth = _three_blobs(seed=5)
    z = ((data - data.mean()) / data.std(ddof=0)).to_numpy()
    _centres, independent = kmeans2(z, 3, minit="++", seed=np.random.default_rng(0))
    ours = similar_areas(data, k=3).groups.to_numpy()
    assert _same_partition(ours, independent)


def test_groups_are_described_in_words():
    labels = {"ageing": "高齢化率", "distance": "通いの場までの距離"}
    data, _truth = _three_blobs()
    result = similar_areas(data)
    words = group_description(result.standardized.loc[1], labels, "ja")
    assert words == "「通いの場までの距離」が高く、「高齢化率」が高くなっている地区"  # the larger departure first
    assert group_description(pd.Series({"ageing": 0.1, "distance": -0.2}), labels, "ja") == \
        "どの指標も市の平均に近い地区"
    table = profile_table(result, labels, "ja")
    assert list(table.columns[:3]) == ["グループ", "町丁目の数", "特徴"] and "高齢化率（平均）" in table.columns
    assert "3 つのグループ" in similar_reading(result, labels, "ja")


def test_one_indicator_is_refused_in_japanese():
    with pytest.raises(StatInputError) as problem:
        similar_areas(pd.DataFrame({"a": range(10)}))
    assert "2 つ以上" in problem.value.text("ja")
