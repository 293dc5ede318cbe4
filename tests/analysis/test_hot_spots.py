"""Hot spots (global and local Moran's I) against hand computations on small lattices."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from lib.analysis.hot_spots import hot_spot_reading, hot_spots, islands_sentence
from lib.analysis.stat_tests import StatInputError


def _grid(rows: int, columns: int, extra=()) -> gpd.GeoDataFrame:
    cells = [box(c, r, c + 1, r + 1) for r in range(rows) for c in range(columns)]
    return gpd.GeoDataFrame(geometry=cells + list(extra), crs="EPSG:6677")


def _moran_by_hand(values, neighbours) -> tuple[float, np.ndarray]:
    """Moran's I = (n / S0) · z'Wz / z'z with W row-standardized (S0 = n), and the local
    I_i = (n - 1) · z_i · Σ_j w_ij z_j / z'z (Anselin 1995, eq. 12, with the second moment taken over
    n - 1 as esda's Moran_Local documents it)."""
    z = np.asarray(values, float) - np.mean(values)
    n = len(z)
    w = np.zeros((n, n))
    for i, js in neighbours.items():
        w[i, js] = 1 / len(js)
    return float(z @ w @ z / (z @ z)), (n - 1) * z * (w @ z) / (z @ z)


def test_moran_on_a_row_of_four_is_0_4_as_computed_by_hand():
    # A row of four squares: 0-1, 1-2, 2-3 touch. Values 1…4: z = (-1.5, -0.5, 0.5, 1.5),
    # z'Wz = 0.75 + 0.25 + 0.25 + 0.75 = 2, z'z = 5, so I = (4/4) · 2/5 = 0.4.
    result = hot_spots(_grid(1, 4), [1, 2, 3, 4], ["a", "b", "c", "d"])
    assert result.moran_i == pytest.approx(0.4, abs=1e-12)
    assert result.expected_i == pytest.approx(-1 / 3)  # E[I] = -1 / (n - 1)


def test_global_and_local_moran_on_a_queen_lattice_agree_with_the_formula():
    rng = np.random.default_rng(7)
    values = rng.normal(size=25)
    grid = _grid(5, 5)
    neighbours = {}  # queen: the up to 8 cells around each, written out from the row and column
    for i in range(25):
        r, c = divmod(i, 5)
        neighbours[i] = [rr * 5 + cc for rr in range(r - 1, r + 2) for cc in range(c - 1, c + 2)
                         if (rr, cc) != (r, c) and 0 <= rr < 5 and 0 <= cc < 5]
    expected_i, expected_local = _moran_by_hand(values, neighbours)
    result = hot_spots(grid, values, [str(i) for i in range(25)])
    assert result.moran_i == pytest.approx(expected_i, abs=1e-12)
    np.testing.assert_allclose(result.local_i.to_numpy(), expected_local, atol=1e-12)


def test_clusters_are_found_the_seed_fixes_the_p_values_and_islands_are_left_out():
    # High values in the left half, low in the right half of an 8×8 grid, plus one square far away.
    far = box(100, 100, 101, 101)
    grid = _grid(8, 8, extra=[far])
    values = [10.0 + (c < 4) * 10 + (r * 0.1) for r in range(8) for c in range(8)] + [99.0]
    ids = [f"A{i:02d}" for i in range(65)]
    first = hot_spots(grid, values, ids)
    again = hot_spots(grid, values, ids)
    assert first.local_p.equals(again.local_p) and first.p == again.p  # fixed seed
    assert first.islands == ["A64"] and first.clusters["A64"] == "no_neighbour" and first.n == 64
    assert np.isnan(first.local_i["A64"])
    without = hot_spots(_grid(8, 8), values[:64], ids[:64])  # the statistic ignores the island
    assert first.moran_i == pytest.approx(without.moran_i)
    assert first.moran_i > 0.5 and first.p == pytest.approx(0.001)  # 1 / (999 + 1): no permutation beat it
    assert first.clusters["A09"] == "high_high" and first.clusters["A14"] == "low_low"  # inside each half
    assert set(first.clusters) <= {"high_high", "low_low", "not_significant", "no_neighbour"}
    reading = hot_spot_reading(first, "高齢化率", "ja")
    assert reading.startswith("「高齢化率」は、似た値の町丁目がとなりあって集まっています")
    assert "隣接なし" in islands_sentence(first, {"A64": "離島"}, "ja") and "離島" in islands_sentence(
        first, {"A64": "離島"}, "ja")


def test_too_few_neighbouring_areas_is_a_clear_sentence():
    scattered = gpd.GeoDataFrame(geometry=[box(10 * i, 0, 10 * i + 1, 1) for i in range(6)], crs="EPSG:6677")
    with pytest.raises(StatInputError) as problem:
        hot_spots(scattered, range(6), list("abcdef"))
    assert "となりあう町丁目" in problem.value.text("ja")
