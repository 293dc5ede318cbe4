"""Anonymizing one million records with four quasi-identifiers (target: under 10 s)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from bench.harness import Figure, benchmark, median_seconds

SIZE = 1_000_000


def _records(n: int, seed: int = 2018) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    areas = [f"14999{t:04d}{c:02d}" for t in range(10, 470, 10) for c in range(3)]
    return pd.DataFrame({
        "被保険者番号": np.arange(9_000_000_000, 9_000_000_000 + n).astype(str),
        "氏名": np.char.add("見本 ", np.arange(n).astype(str)),
        "年齢": rng.integers(40, 105, n),
        "性別": rng.choice(["男", "女"], n),
        "町丁目": rng.choice(areas, n),
        "世帯": rng.choice(["単身", "夫婦のみ", "親と子", "三世代", "その他"], n, p=[.3, .3, .3, .08, .02]),
        "要介護度": rng.choice(["要支援1", "要支援2", "要介護1", "要介護2", "要介護3", "要介護4", "要介護5"], n),
    })


@benchmark("anonymize")
def anonymize_1m(runs: int) -> list[Figure]:
    from lib.data import anonymize as an

    frame = _records(SIZE)
    plan = an.Plan(
        {"被保険者番号": "direct", "氏名": "direct", "年齢": "quasi", "性別": "quasi", "町丁目": "quasi",
         "世帯": "quasi", "要介護度": "sensitive"},
        k=5, generalize={"年齢": {"kind": "age_band", "width": 5}})
    seconds = median_seconds(lambda: an.anonymize(frame, plan), runs)
    with_l = an.Plan(**{**plan.to_dict(), "l": 2, "sensitive": "要介護度"})
    seconds_l = median_seconds(lambda: an.anonymize(frame, with_l), runs)
    return [
        Figure(
            "anonymize_1m_s",
            SIZE,
            "s",
            seconds,
            runs,
            note="remove 2 direct identifiers, 5-year age bands, "
            "k=5 over 4 quasi-identifiers (age, sex, area, household)",
        ),
        Figure("anonymize_1m_l2_s", SIZE, "s", seconds_l, runs, note="the same with l=2 diversity of 要介護度"),
    ]
