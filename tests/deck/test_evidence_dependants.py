"""Which saved work uses a dataset: every kind of item, in the shape the pages save it."""
from __future__ import annotations

from datetime import date

from lib.charts.result_table import pivot_table_spec, sql_table_spec, survey_table_spec
from lib.charts.spec import ChartSpec, Measure
from lib.deck.evidence import dependants
from lib.maps.spec import CatchmentSpec, MapSpec, MeasureSpec, PointLayerSpec
from lib.workspace import course

SAVED = {
    "グラフ": ("chart", ChartSpec("care_certification", Measure("count"), ["age_band"]).to_dict()),
    "千人当たり": ("chart", ChartSpec("kayoi_places", Measure("rate_per_1000"), ["areas.district"]).to_dict()),
    "認定率の地図": ("map", MapSpec(measure=MeasureSpec("care_certification", normalize="elderly")).to_dict()),
    "通いの場の圏域": ("map", MapSpec(points=[PointLayerSpec("kayoi_places")],
                                catchment=CatchmentSpec(PointLayerSpec("kayoi_places"), 800)).to_dict()),
    "ピボット": ("table", pivot_table_spec(ChartSpec("care_certification", Measure("count"), ["sex"]))),
    "満足度": ("table", survey_table_spec("survey", ["sat_公共交通"], [])),
    "SQL": ("table", sql_table_spec("SELECT count(*) FROM survey")),
}


def test_every_kind_of_saved_item_names_the_datasets_it_draws_on(ws):
    _info, (group, _other) = course.create_course(ws, "研修", "みどり野市", [date(2026, 6, d) for d in (5, 12, 19, 26)],
                                                  ["依存班", "B班"], "講師")
    for title, (kind, spec) in SAVED.items():
        ws.create_item(group.group_id, kind, {"title": title, "spec": spec}, "tester")
    saved = [item for item in course.saved_evidence_of_every_group(ws) if item["group"] == "依存班"]
    assert len(saved) == len(SAVED)

    def titles(name):
        return sorted(item["title"] for item in dependants(name, saved))

    assert titles("care_certification") == sorted(["グラフ", "認定率の地図", "ピボット"])
    assert titles("kayoi_places") == sorted(["千人当たり", "通いの場の圏域"])
    assert titles("population") == sorted(["千人当たり", "認定率の地図"])
    assert titles("survey") == ["満足度"]  # a SQL text names its tables itself: not guessed from the words


def test_a_damaged_spec_uses_nothing():
    saved = [{"kind": "map", "title": "壊れた", "spec": {"measure": "not a measure"}},
             {"kind": "chart", "title": "古い", "spec": {}}]
    assert dependants("care_certification", saved) == []
