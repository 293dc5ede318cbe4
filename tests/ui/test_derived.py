"""Derived results are shared between sessions, and follow the published data when it changes."""
from __future__ import annotations

import shutil

import pandas as pd


def test_cached_results_change_when_the_published_data_changes(tmp_path, monkeypatch):
    from lib import settings
    from lib.data.catalog import load_catalog
    from lib.ui import derived, store

    demo = tmp_path / "demo"
    demo.mkdir()
    for name in ("survey.parquet", "survey.yaml", "areas.geojson", "areas.yaml"):
        shutil.copy(settings.DEMO_DATASETS_DIR / name, demo / name)
    monkeypatch.setattr(settings, "DEMO_DATASETS_DIR", demo)
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path / "data"))

    items = [c.name for c in load_catalog()["survey"].columns if c.role == "likert"][:1]
    nouns_before = derived.answer_nouns("survey", "comment")
    rows_before = derived.row_counts()["survey"]
    likert_before, respondents_before = derived.likert_shares("survey", items, [1, 2, 3, 4, 5], [])
    preview_before, _ = derived.dataset_profile("survey")
    assert derived.answer_nouns("survey", "comment") is nouns_before  # computed once, then shared
    scale = {level: str(level) for level in range(1, 6)}
    figure_before = derived.likert_figure("survey", items, [], {items[0]: "設問"}, scale, "ja")
    assert derived.likert_figure("survey", items, [], {items[0]: "設問"}, scale, "ja") is figure_before
    ranking_before = derived.word_ranking("survey", "comment", [], 20, "ja")
    assert derived.word_ranking("survey", "comment", [], 20, "ja") is ranking_before

    answers = pd.read_parquet(demo / "survey.parquet").head(40)
    answers["comment"] = "図書館の駐車場が狭い"
    answers[items[0]] = 5
    answers.to_parquet(demo / "survey.parquet")
    assert store().refresh_published() is True

    assert rows_before > 40 and derived.row_counts()["survey"] == 40
    assert set(derived.answer_nouns("survey", "comment")) == {"図書館の駐車場が狭い"} != set(nouns_before)
    assert derived.answer_nouns("survey", "comment")["図書館の駐車場が狭い"][0] == "図書館"
    likert_after, respondents_after = derived.likert_shares("survey", items, [1, 2, 3, 4, 5], [])
    assert respondents_before > 40 and respondents_after == 40
    assert likert_after.set_index("level")["share"][5] == 100.0 != likert_before.set_index("level")["share"][5]
    assert derived.dataset_profile("survey")[0]["comment"].tolist() == ["図書館の駐車場が狭い"] * 20
    _texts, freq, figure = derived.word_ranking("survey", "comment", [], 20, "ja")
    assert freq["word"].iloc[0] == "図書館" and figure is not None and figure is not ranking_before[2]
    figure_after = derived.likert_figure("survey", items, [], {items[0]: "設問"}, scale, "ja")
    assert figure_after is not figure_before and max(figure_after.data[-1].x) == 100.0

    assert preview_before["comment"].tolist() != ["図書館の駐車場が狭い"] * 20
    store().close()


def test_a_pivot_table_is_computed_once_per_published_data_and_spec(store):
    from lib.charts.spec import ChartSpec, Measure
    from lib.data.query import Filter
    from lib.ui import derived

    spec = ChartSpec(dataset="care_certification", measure=Measure("count"),
                     dimensions=["areas.district", "care_level"], chart_type="heatmap")
    first = derived.pivot(spec, "ja")
    assert derived.pivot(spec, "ja") is first  # the second run reads the kept table
    assert first.table.loc[first.table.index[-1]].iloc[-1] > 0  # the grand total
    filtered = derived.pivot(ChartSpec(dataset="care_certification", measure=Measure("count"),
                                       dimensions=["areas.district", "care_level"], chart_type="heatmap",
                                       filters=[Filter("sex", "in", ["女"])]), "ja")
    assert filtered is not first and filtered.table.iloc[-1, -1] < first.table.iloc[-1, -1]
