"""The curriculum: eight steps over four sessions, their texts, and the progress rules."""
from __future__ import annotations

from lib.data.catalog import load_catalog
from lib.i18n import STRINGS
from lib.workspace import curriculum, example_group, logic_tree


def test_steps_cover_the_four_sessions_with_texts_in_both_languages():
    assert [s.key for s in curriculum.STEPS] == [f"step{n}" for n in range(8)]
    assert {s.session for s in curriculum.STEPS} == {1, 2, 3, 4}
    for s in curriculum.STEPS:
        for part in ("title", "explain", "example"):
            entry = STRINGS[f"step.{s.key}.{part}"]
            assert entry["ja"] and entry["en"]
        assert "みどり野市" in s.example("ja")
        for name in s.fields:
            assert STRINGS[f"field.{s.key}.{name}"]["ja"]
            assert STRINGS[f"field.{s.key}.{name}.example"]["ja"]
    assert [f for f in curriculum.step("step0").fields] == ["goal", "problem", "issue"]


def test_hypothesis_data_is_checked_against_the_catalog():
    catalog = load_catalog()
    assert curriculum.check_hypothesis_data("survey", ["district", "sat_公共交通"], catalog) == []
    assert "選んで" in curriculum.check_hypothesis_data("", [], catalog)[0]
    assert "公開データにありません" in curriculum.check_hypothesis_data("nothing", ["a"], catalog)[0]
    assert "列「no_such」" in curriculum.check_hypothesis_data("survey", ["district", "no_such"], catalog)[0]


def test_an_empty_group_misses_every_step_and_says_what(ws):
    course = ws.create_course({"name": "x"}, "t")
    group = ws.create_group(course.course_id, "A", "AAA-AAA")
    results = curriculum.progress(curriculum.load_content(ws, group.group_id), load_catalog())
    assert not any(r.done for r in results)
    step0 = results[0]
    assert any("目標" in m for m in step0.missing)


def test_progress_follows_the_work(ws):
    catalog = load_catalog()
    course = ws.create_course({"name": "x"}, "t")
    gid = ws.create_group(course.course_id, "A", "AAA-AAA").group_id

    def done(key):
        content = curriculum.load_content(ws, gid)
        return curriculum.step_progress(content, curriculum.step(key), catalog)

    ws.create_item(gid, "worksheet", {"goal": "g", "problem": "p", "issue": ""}, "a",
                   item_id=curriculum.worksheet_id(gid, "step0"))
    assert not done("step0").done
    ws.update_item(curriculum.worksheet_id(gid, "step0"), {"goal": "g", "problem": "p", "issue": "i"}, 1, "a")
    assert done("step0").done
    tree = logic_tree.new_tree("p")
    tree, a = logic_tree.add_node(tree, "root", "a")
    ws.create_item(gid, "logic_tree", tree, "a", item_id=curriculum.logic_tree_id(gid))
    ws.create_item(gid, "worksheet", {"situation": "s"}, "a", item_id=curriculum.worksheet_id(gid, "step1"))
    hyp = ws.create_item(gid, "hypothesis", {"text": "h", "dataset": "survey", "columns": ["district"]}, "a")
    assert [m for m in done("step1").missing] == ["ロジックツリーを 3 階層以上にする（今は 2 階層）"]
    tree, _ = logic_tree.add_node(tree, a, "b")
    ws.update_item(curriculum.logic_tree_id(gid), tree, 1, "a")
    assert done("step1").done
    assert not done("step3").done
    ws.create_item(gid, "sketch", {"hypothesis_id": hyp.item_id, "method": "crosstab", "display": "chart"}, "a")
    assert done("step3").done
    chart = ws.create_item(gid, "chart", {"title": "c", "spec": {}}, "a")
    assert done("step4").done
    ws.create_item(gid, "finding", {"sentence": "s", "evidence_id": chart.item_id, "strength": "weak",
                                    "hypothesis_id": hyp.item_id, "verdict": ""}, "a")
    assert any("判定" in m for m in done("step5").missing)
    model = {"activities": ["a"], "outputs": ["o"], "outcomes": [],
             "kpis": [{"indicator": "i", "baseline": "1", "target": "2", "source": ""}]}
    ws.create_item(gid, "logic_model", model, "a", item_id=curriculum.logic_model_id(gid))
    missing = done("step7").missing
    assert any("アウトカム" in m for m in missing) and any("KPI" in m for m in missing)


def test_the_example_group_is_complete_through_session_four(ws, published):
    example_group.seed_if_empty(ws, published)
    course = ws.courses()[0]
    example = next(g for g in ws.groups(course.course_id) if g.payload.get("example"))
    results = curriculum.progress(curriculum.load_content(ws, example.group_id), load_catalog())
    assert all(r.done for r in results), [(r.step.key, r.missing) for r in results if not r.done]
    assert not example_group.seed_if_empty(ws, published)  # only once


def test_example_specs_are_valid_chart_and_map_specs():
    from lib.charts.spec import ChartSpec, validate_spec
    from lib.maps.spec import MapSpec, validate_map_spec

    catalog = load_catalog()
    for _title, _note, spec in example_group.example_charts():
        assert validate_spec(ChartSpec.from_dict(spec), catalog) == []
    for _title, _note, spec in example_group.example_maps():
        assert validate_map_spec(MapSpec.from_dict(spec), catalog) == []


def test_example_charts_draw_on_the_published_data(published):
    from lib.charts.figure import build_figure
    from lib.charts.spec import ChartSpec
    from lib.charts.sql import run_chart

    catalog = load_catalog()
    for _title, _note, spec in example_group.example_charts():
        chart = ChartSpec.from_dict(spec)
        frame = run_chart(published, catalog, chart)
        assert len(frame) >= 5
        assert build_figure(frame, chart, catalog).data


def test_what_the_example_says_is_true_of_the_data(published):
    facts = example_group.example_facts(published)
    assert facts["top_rate"] >= facts["second_rate"] > facts["city_rate"]
    assert float(facts["hill_sat"]) < float(facts["city_sat"])
    means = published.execute(
        'SELECT district, AVG("sat_公共交通") FROM survey GROUP BY district ORDER BY 2').fetchall()
    assert means[0][0] == example_group.HILL  # "丘陵地区の満足度がいちばん低い"
    counts = dict(published.execute(
        "SELECT year, COUNT(*) FROM care_certification WHERE year IN (2021, 2025) GROUP BY year").fetchall())
    assert counts[2025] > counts[2021]  # "市全体の認定者数は 2021 年より増えている"
    assert facts["city_rate"] > facts["city_rate_2021"]


def test_care_rate_is_higher_far_from_places_as_the_example_finds(published):
    """The example's map finding: areas far from a place for the elderly have higher 65+ rates."""
    import numpy as np

    from lib.data.store import read_geo

    bands = example_group.ELDERLY_BANDS
    marks = ", ".join("?" for _ in bands)
    rates = dict(published.execute(f"""
        SELECT p.area_code, 1.0 * COALESCE(c.n, 0) / p.n FROM
          (SELECT area_code, SUM(population) n FROM population WHERE age_band IN ({marks}) GROUP BY 1) p
          LEFT JOIN (SELECT area_code, COUNT(*) n FROM care_certification WHERE age_band IN ({marks}) GROUP BY 1) c
          ON p.area_code = c.area_code WHERE p.n > 0""", [*bands, *bands]).fetchall())
    areas = read_geo(published, "SELECT area_code, geometry FROM areas").to_crs(6677)
    places = read_geo(published, "SELECT geometry FROM kayoi_places").to_crs(6677)
    distance = areas.geometry.centroid.apply(lambda point: places.distance(point).min())
    r = np.corrcoef(distance, areas["area_code"].map(rates))[0, 1]
    assert r > 0.3


def test_the_step_examples_say_what_the_demo_data_shows(published):
    """The examples on the session pages quote みどり野市's data; they must stay true of it."""
    facts = example_group.example_facts(published)
    assert {facts["top"], facts["second"]} == {"北部地区", "丘陵地区"}  # step 0 / finding examples
    assert facts["top"] == "丘陵地区" and facts["top_rate"] == 203 and facts["city_rate"] == 189
    assert facts["ageing_top"] == "丘陵地区" and facts["ageing_top_pct"] == 48 and facts["city_ageing_pct"] == 31
    assert (facts["hill_sat"], facts["city_sat"]) == ("2.2", "2.8")  # step 5 example
    assert facts["hill_places"] == 6  # step 7 example's baseline
    missing = [published.execute(f'SELECT AVG(CASE WHEN "{c}" IS NULL THEN 100.0 ELSE 0 END) FROM survey')
               .fetchone()[0] for c in [r[0] for r in published.execute(
                   "SELECT column_name FROM information_schema.columns WHERE table_name = 'survey' "
                   "AND column_name LIKE 'sat_%'").fetchall()]]
    assert 1.5 <= min(missing) and max(missing) <= 11  # step 2 example: 2–10% missing
