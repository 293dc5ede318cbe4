"""Hot spots: where high (or low) values of an area measure sit next to each other.

Global Moran's I says whether neighbouring areas are more alike than chance would make them; local
Moran's I (LISA) says which areas form a cluster: 高-高 (a high area among high neighbours), 低-低,
and the outliers 高-低 / 低-高. Neighbours are areas sharing a border or a corner (queen contiguity),
weights row-standardized. p-values come from 999 random permutations with a fixed seed, so the same
data always gives the same map. An area with no neighbour (an island, an exclave) cannot be compared:
it is marked 「隣接なし」 and left out of the statistic.
libpysal (~1.5 s to import) and esda are imported when the statistic is computed.
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from lib.analysis.stat_tests import SIGNIFICANCE, StatInputError, p_text
from lib.i18n import t

PERMUTATIONS = 999
SEED = 20181
MIN_AREAS = 4
# esda's quadrants (Moran_Local.q) → our cluster names
QUADRANTS = {1: "high_high", 2: "low_high", 3: "low_low", 4: "high_low"}
CLUSTERS = ["high_high", "low_low", "high_low", "low_high", "not_significant", "no_neighbour"]


@dataclass
class HotSpotResult:
    moran_i: float
    expected_i: float
    z: float
    p: float  # permutation p-value of the global I
    n: int  # areas in the statistic
    islands: list  # ids of the areas with no neighbour (left out)
    clusters: pd.Series  # id → one of CLUSTERS
    local_i: pd.Series  # id → local Moran's I (NaN for islands)
    local_p: pd.Series  # id → permutation p-value (NaN for islands)

    def count(self, cluster: str) -> int:
        return int((self.clusters == cluster).sum())


def queen_weights(areas: gpd.GeoDataFrame, ids: list):
    """Queen contiguity (shared border or corner) between the areas, keyed by `ids`."""
    from libpysal.weights import Queen  # noqa: PLC0415  (heavy: only when computed)

    return Queen.from_dataframe(areas.reset_index(drop=True), ids=list(ids), use_index=False, silence_warnings=True)


def _seeded(seed: int, compute):
    """Run `compute` with numpy's global generator seeded (esda's global Moran draws from it), then put
    the generator back as it was."""
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        return compute()
    finally:
        np.random.set_state(state)


def hot_spots(areas: gpd.GeoDataFrame, values, ids, permutations: int = PERMUTATIONS, seed: int = SEED,
              alpha: float = SIGNIFICANCE) -> HotSpotResult:
    """Global and local Moran's I of `values` over `areas` (rows in the same order as `ids`)."""
    import esda  # noqa: PLC0415  (heavy: only when computed)
    from libpysal.weights import w_subset  # noqa: PLC0415

    ids = [str(i) for i in ids]
    y_all = pd.Series(pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(float), index=ids)
    if len(ids) < MIN_AREAS:
        raise StatInputError("stat.error.too_few", n=len(ids), minimum=MIN_AREAS)
    w = queen_weights(areas, ids)
    islands = [str(i) for i in w.islands]
    kept = [i for i in ids if i not in set(islands)]
    if len(kept) < MIN_AREAS:
        raise StatInputError("hot.error.no_neighbours", n=len(kept), minimum=MIN_AREAS)
    if np.ptp(y_all[kept].to_numpy()) == 0:
        raise StatInputError("stat.error.constant")
    w = w_subset(w, kept, silence_warnings=True) if islands else w
    w.transform = "r"
    y = y_all[kept].to_numpy()
    moran = _seeded(seed, lambda: esda.Moran(y, w, permutations=permutations))
    local = esda.Moran_Local(y, w, permutations=permutations, seed=seed, n_jobs=1, keep_simulations=False)
    clusters = pd.Series("no_neighbour", index=ids, dtype=object)
    significant = local.p_sim < alpha
    clusters[kept] = [QUADRANTS[q] if s else "not_significant" for q, s in zip(local.q, significant, strict=True)]
    local_i = pd.Series(np.nan, index=ids)
    local_p = pd.Series(np.nan, index=ids)
    local_i[kept], local_p[kept] = local.Is, local.p_sim
    return HotSpotResult(moran_i=float(moran.I), expected_i=float(moran.EI), z=float(moran.z_sim),
                         p=float(moran.p_sim), n=len(kept), islands=islands, clusters=clusters,
                         local_i=local_i, local_p=local_p)


def hot_spot_reading(result: HotSpotResult, label: str, lang: str = "ja") -> str:
    """One plain line: do neighbours look alike, and where are the clusters."""
    key = ("hot.reading.clustered" if result.moran_i > 0 else "hot.reading.dispersed") \
        if result.p < SIGNIFICANCE else "hot.reading.random"
    return t(key, lang, label=label, i=f"{result.moran_i:.2f}", p=p_text(result.p),
             hh=result.count("high_high"), ll=result.count("low_low"),
             outliers=result.count("high_low") + result.count("low_high"))


def islands_sentence(result: HotSpotResult, names: dict, lang: str = "ja") -> str:
    """Which areas had no neighbour and were left out ("" when none)."""
    if not result.islands:
        return ""
    shown = t("hot.separator", lang).join(str(names.get(i, i)) for i in result.islands)
    return t("hot.islands", lang, n=len(result.islands), names=shown)
