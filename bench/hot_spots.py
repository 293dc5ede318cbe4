"""Hot spots on a city of 700 町丁目: queen weights from polygons + global Moran's I + LISA, 999 permutations.

    python -m bench.hot_spots [--areas 700] [--runs 5]

Prints the median CPU seconds of several runs (the imports are done once, before timing). The areas are
a grid of squares of slightly jittered size (queen contiguity: up to 8 neighbours each, as irregular
町丁目 have about 5–7), one of them moved away to be an island.
"""
from __future__ import annotations

import argparse
import statistics
import time

import geopandas as gpd
import numpy as np
from shapely.geometry import box

from lib.analysis.hot_spots import hot_spots


def city(areas: int) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    side = int(np.ceil(np.sqrt(areas)))
    rng = np.random.default_rng(0)
    cells = [box(c * 100, r * 100, c * 100 + 100, r * 100 + 100) for r in range(side) for c in range(side)][:areas]
    cells[-1] = box(1e6, 1e6, 1e6 + 100, 1e6 + 100)  # an island
    rows = np.array([i // side for i in range(areas)])
    values = 20 + rows * 0.5 + rng.normal(0, 3, areas)  # ageing rising to the north, with noise
    return gpd.GeoDataFrame(geometry=cells, crs="EPSG:6677"), values


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--areas", type=int, default=700)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    shapes, values = city(args.areas)
    ids = [f"A{i:04d}" for i in range(args.areas)]
    hot_spots(shapes.head(30), values[:30], ids[:30])  # imports libpysal and esda outside the timing
    times = []
    for _ in range(args.runs):
        start = time.process_time()
        result = hot_spots(shapes, values, ids)
        times.append(time.process_time() - start)
    print(f"areas={args.areas} permutations=999 runs={args.runs} islands={len(result.islands)} "
          f"moran_i={result.moran_i:.3f} median_cpu_s={statistics.median(times):.3f} max_cpu_s={max(times):.3f}")


if __name__ == "__main__":
    main()
