"""`python -m lib.cli prep RECIPE --input FILE --dry-run`: a saved data preparation re-run on next year's export.

The recipe is made once, untimed, as the data page makes it (the practice sample: 和暦 cleaned, birth
dates to 5-year bands, addresses to 町丁目, k=5, l=2 on 要介護度), in a data folder whose demo
database is built beforehand. "Next year" is the sample's generator with other people, at the
sample's size and at a real city's size. Each run is a fresh process (imports included). The note
gives the load average before and after, and the commit.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from bench.cli import _conditions, _load
from bench.harness import Figure, benchmark, median_seconds

ROOT = Path(__file__).resolve().parent.parent
SIZES = (800, 11_000)


def _make_recipe(data: Path) -> Path:
    os.environ["WORKBENCH_DATA_DIR"] = str(data)
    from lib.data.city_areas import CityAreas
    from lib.data.generalization_presets import columns_to_generalize, default_preset
    from lib.data.preparation import Preparation
    from lib.data.recipe import recipes_dir

    sample = ROOT / "datasets" / "raw_sample" / "kaigo_ninteisha_raw.csv"
    areas, prep = CityAreas(), Preparation()
    prep.recipe.city_name = "みどり野市"
    prep.read(sample, sample.name, None)
    prep.store_import("kaigo_raw", dict(prep.imported.types))
    prep.clean("生年月日", "wareki")
    prep.choose_plan(k=5, l=2, sensitive="要介護度", method="generalize", max_suppression=0.05,
                     presets={c: default_preset(c) for c in columns_to_generalize(prep.classification)},
                     reference=date(2025, 4, 1))
    frame = prep.anonymize(areas).frame
    prep.publish(name="kaigo_bench", title="要介護認定", description="", record_unit="認定者1人",
                 labels={c: c for c in frame.columns}, units={}, published_by="講師", replace=True)
    areas.store.close()
    return recipes_dir() / "kaigo_bench.yaml"


def _next_year(folder: Path, n: int) -> Path:
    import geopandas as gpd

    from datasets.raw_sample.generate import AREAS, build_records

    areas = gpd.read_file(AREAS)[["area_code", "area_name"]].sort_values("area_code").reset_index(drop=True)
    path = folder / f"next_{n}.csv"
    path.write_bytes(build_records(areas, seed=1, n=n).to_csv(index=False, lineterminator="\r\n").encode("cp932"))
    return path


@benchmark("recipe")
def recipe(runs: int) -> list[Figure]:
    root = Path(tempfile.mkdtemp(prefix="bench-recipe-"))
    env = {**os.environ, "WORKBENCH_DATA_DIR": str(root / "data")}
    try:
        path = _make_recipe(root / "data")
        files = {n: _next_year(root, n) for n in SIZES}
        load_before = _load()
        seconds = {n: median_seconds(lambda n=n: subprocess.run(
            [sys.executable, "-m", "lib.cli", "prep", str(path), "--input", str(files[n]), "--dry-run"],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL), runs) for n in SIZES}
        conditions = _conditions(load_before)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return [Figure("cli_prep_dry_run_s", f"{n:,} records", "s", seconds[n], runs,
                   note=f"python -m lib.cli prep RECIPE --input FILE --dry-run (fresh process); {conditions}")
            for n in SIZES]
