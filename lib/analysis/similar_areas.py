"""Similar areas: groups of 町丁目 alike in several indicators at once (k-means or Ward clustering).

Each indicator is standardized first (mean 0, standard deviation 1), so that one in large units
(population) does not outweigh one in small units (a rate). The number of groups is suggested by the
silhouette (how much closer each area is to its own group than to the next one; the highest wins among
the groupings with no group of fewer than MIN_GROUP areas),
and each group is described by the indicators in which it stands out from the city's average.
k-means starts from fixed random centres (random_state, n_init), so the same data gives the same groups.
scikit-learn is imported when the groups are computed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.analysis.stat_tests import StatInputError
from lib.i18n import t

SEED = 20181
N_INIT = 20
MAX_K = 8
MIN_GROUP = 3  # a suggested grouping has no group smaller than this (one odd area is not a "kind of area")
STANDS_OUT = 0.5  # standard deviations from the city's average that make an indicator worth naming
METHODS = ("kmeans", "ward")


@dataclass
class SimilarAreasResult:
    k: int
    suggested_k: int
    silhouettes: dict[int, float]  # k → mean silhouette
    groups: pd.Series  # row index → group number 1 … k (1 the largest)
    means: pd.DataFrame  # group × indicator, in the indicators' own units
    standardized: pd.DataFrame  # group × indicator, in standard deviations from the average
    sizes: pd.Series  # group → number of areas


def standardize(frame: pd.DataFrame) -> pd.DataFrame:
    return (frame - frame.mean()) / frame.std(ddof=0)


def _labels(matrix: np.ndarray, k: int, method: str) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering, KMeans  # noqa: PLC0415  (heavy: only when computed)

    if method == "ward":
        return AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(matrix)
    return KMeans(n_clusters=k, n_init=N_INIT, random_state=SEED).fit_predict(matrix)


def similar_areas(frame: pd.DataFrame, k: int | None = None, method: str = "kmeans") -> SimilarAreasResult:
    """Group the rows of `frame` (one area per row, one indicator per column; rows with a gap are left out)."""
    from sklearn.metrics import silhouette_score  # noqa: PLC0415

    if method not in METHODS:
        raise ValueError(method)
    if frame.shape[1] < 2:
        raise StatInputError("similar.error.two_columns")
    data = frame.apply(pd.to_numeric, errors="coerce").dropna()
    if (data.std(ddof=0) == 0).any():
        raise StatInputError("stat.error.constant")
    top = min(MAX_K, len(data) - 1)
    if top < 2:
        raise StatInputError("stat.error.too_few", n=len(data), minimum=3)
    matrix = standardize(data).to_numpy()
    labels_of = {n: _labels(matrix, n, method) for n in range(2, top + 1)}
    silhouettes = {n: float(silhouette_score(matrix, labels)) for n, labels in labels_of.items()}
    whole = {n: v for n, v in silhouettes.items() if np.bincount(labels_of[n]).min() >= MIN_GROUP} or silhouettes
    suggested = max(whole, key=whole.get)
    chosen = suggested if k is None else max(2, min(int(k), top))
    raw = pd.Series(labels_of[chosen], index=data.index)
    # Number the groups by size (1 = the largest), so that a group keeps its number between runs.
    order = raw.value_counts().sort_index().sort_values(ascending=False, kind="stable").index
    groups = raw.map({label: i + 1 for i, label in enumerate(order)})
    return SimilarAreasResult(
        k=chosen, suggested_k=suggested, silhouettes=silhouettes, groups=groups,
        means=data.groupby(groups).mean(), standardized=standardize(data).groupby(groups).mean(),
        sizes=groups.value_counts().sort_index())


def group_description(standardized: pd.Series, labels: dict[str, str], lang: str = "ja", most: int = 3) -> str:
    """A group in words, from the indicators it stands out in: 「高齢化率」が高く、「人口」が少ない地区."""
    standing_out = standardized[standardized.abs() >= STANDS_OUT]
    standing_out = standing_out.reindex(standing_out.abs().sort_values(ascending=False).index)[:most]
    if standing_out.empty:
        return t("similar.describe.average", lang)
    parts = [t("similar.describe.high" if z > 0 else "similar.describe.low", lang, label=labels.get(c, c))
             for c, z in standing_out.items()]
    return t("similar.describe.areas", lang, parts=t("similar.describe.separator", lang).join(parts))


def profile_table(result: SimilarAreasResult, labels: dict[str, str], lang: str = "ja") -> pd.DataFrame:
    """One row per group: its name, size, words and its mean of each indicator."""
    table = pd.DataFrame({
        t("similar.col.group", lang): [t("similar.group", lang, n=g) for g in result.means.index],
        t("similar.col.areas", lang): result.sizes.reindex(result.means.index).to_numpy(),
        t("similar.col.profile", lang): [group_description(result.standardized.loc[g], labels, lang)
                                         for g in result.means.index],
    })
    for column in result.means.columns:
        table[t("similar.col.mean", lang, label=labels.get(column, column))] = result.means[column].round(2).to_numpy()
    return table


def similar_reading(result: SimilarAreasResult, labels: dict[str, str], lang: str = "ja") -> str:
    """One plain line: how many groups, and what the largest one is like."""
    largest = result.means.index[0]
    return t("similar.reading", lang, k=result.k, suggested=result.suggested_k, n=int(result.sizes.sum()),
             size=int(result.sizes[largest]),
             words=group_description(result.standardized.loc[largest], labels, lang))
