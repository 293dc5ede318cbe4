"""The demo course, with one finished example group, seeded when the workspace is empty.

The example group's workspace is complete through session 4 (framing, logic tree,
hypotheses, analysis sketch, saved charts and maps, findings, policy ideas, logic
model with KPIs), so an instructor can show trainees what the goal looks like.
Its numbers are computed from the published data when it is seeded, so what it
says stays true of the data (tests check the claims and that the saved specs draw).
"""
from __future__ import annotations

from datetime import date

from lib.charts.spec import ChartSpec, Measure
from lib.data.catalog import load_catalog
from lib.data.query import Filter
from lib.data.store import get_store, open_demo_database
from lib.maps.spec import MapSpec, MeasureSpec, PointLayerSpec
from lib.workspace import course, curriculum, logic_tree
from lib.workspace.items import Workspace

DEMO_COURSE_NAME = "みどり野市 データアカデミー（デモ）"
DEMO_MUNICIPALITY = "みどり野市"
DEMO_SESSION_DATES = [date(2026, 6, 5), date(2026, 6, 19), date(2026, 7, 3), date(2026, 7, 17)]
EXAMPLE_GROUP_NAME = "見本グループ（完成例）"
DEMO_GROUP_NAMES = ["A班", "B班", "C班"]
EXAMPLE_MEMBERS = [("見本 花子", "高齢福祉課"), ("見本 一郎", "企画課"), ("見本 さくら", "都市計画課")]
ELDERLY_BANDS = ["65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
HILL = "丘陵地区"
# What the example group's numbers are computed from: the demo city's data, always.
EXAMPLE_DATASETS = ["areas", "population", "care_certification", "survey", "kayoi_places"]


def example_charts() -> list[tuple[str, str, dict]]:
    """(title, note, ChartSpec dict) of the example's saved charts."""
    by_district = ChartSpec(
        dataset="care_certification",
        measure=Measure(kind="rate_per_1000", base="count"),
        dimensions=["areas.district"],
        filters=[Filter("year", "in", [2025]), Filter("age_band", "in", ELDERLY_BANDS)],
        chart_type="ranked_bar",
        title="地区別 要介護認定率（65歳以上 人口千人あたり, 2025年）",
    )
    trend = ChartSpec(
        dataset="care_certification",
        measure=Measure(kind="count"),
        dimensions=["year", "areas.district"],
        chart_type="line",
        title="地区別 要介護認定者数の推移（2021〜2025年）",
    )
    transport = ChartSpec(
        dataset="survey",
        measure=Measure(kind="mean", column="sat_公共交通"),
        dimensions=["district"],
        chart_type="ranked_bar",
        title="地区別 公共交通の満足度（平均, 1〜5）",
    )
    return [
        (by_district.title, "地区によって差がある。町丁目単位でも見る。", by_district.to_dict()),
        (trend.title, "市全体の認定者数は 2021 年より増えている。", trend.to_dict()),
        (transport.title, "丘陵地区の満足度がいちばん低い。", transport.to_dict()),
    ]


def example_maps() -> list[tuple[str, str, dict]]:
    care_map = MapSpec(
        title="町丁目別 要介護認定率と通いの場（2025年）",
        base_unit="area",
        measure=MeasureSpec(dataset="care_certification",
                            filters=[Filter("year", "in", [2025]), Filter("age_band", "in", ELDERLY_BANDS)],
                            normalize="elderly", per=1000, label="indicator.care_rate"),
        points=[PointLayerSpec(dataset="kayoi_places")],
    )
    return [(care_map.title, "認定率の高い町丁目は、通いの場の点から離れた所に多い。", care_map.to_dict())]


def _tree(problem: str) -> dict:
    tree = logic_tree.new_tree(problem)
    tree, going_out = logic_tree.add_node(tree, "root", "外出の機会が少ない")
    tree, _ = logic_tree.add_node(tree, going_out, "歩いて行ける通いの場が少ない")
    tree, slopes = logic_tree.add_node(tree, going_out, "坂が多くバスの便が少ない")
    tree, _ = logic_tree.add_node(tree, slopes, "バス路線が 1 時間に 1 本以下")
    tree, ageing = logic_tree.add_node(tree, "root", "高齢化が早く進んでいる")
    tree, _ = logic_tree.add_node(tree, ageing, "若い世代が転出している")
    tree, info = logic_tree.add_node(tree, "root", "介護予防の情報が届いていない")
    tree, _ = logic_tree.add_node(tree, info, "地域包括支援センターが遠い")
    return tree


def example_facts(cursor) -> dict:
    """The numbers the example group quotes, computed from the published data (so they stay true)."""
    bands = ", ".join("?" for _ in ELDERLY_BANDS)

    def rate_by_district(year: int) -> list[tuple[str, float]]:
        return cursor.execute(f"""
            WITH cert AS (SELECT a.district, COUNT(*) AS n FROM care_certification c
                          JOIN areas a ON c.area_code = a.area_code
                          WHERE c.year = ? AND c.age_band IN ({bands}) GROUP BY a.district),
                 pop AS (SELECT a.district, SUM(p.population) AS n FROM population p
                         JOIN areas a ON p.area_code = a.area_code
                         WHERE p.year = ? AND p.age_band IN ({bands}) GROUP BY a.district)
            SELECT cert.district, 1000.0 * cert.n / pop.n FROM cert JOIN pop ON cert.district = pop.district
            ORDER BY 2 DESC""", [year, *ELDERLY_BANDS, year, *ELDERLY_BANDS]).fetchall()

    def city_rate(year: int) -> float:
        return cursor.execute(
            f"SELECT 1000.0 * (SELECT COUNT(*) FROM care_certification WHERE year = ? AND age_band IN ({bands}))"
            f" / (SELECT SUM(population) FROM population WHERE year = ? AND age_band IN ({bands}))",
            [year, *ELDERLY_BANDS, year, *ELDERLY_BANDS]).fetchone()[0]

    ranking = rate_by_district(2025)
    ageing = cursor.execute(f"""
        SELECT a.district, 100.0 * SUM(CASE WHEN p.age_band IN ({bands}) THEN p.population END) / SUM(p.population)
        FROM population p JOIN areas a ON p.area_code = a.area_code WHERE p.year = 2025
        GROUP BY a.district ORDER BY 2 DESC""", ELDERLY_BANDS).fetchall()
    city_ageing = cursor.execute(
        f"SELECT 100.0 * SUM(CASE WHEN age_band IN ({bands}) THEN population END) / SUM(population) "
        "FROM population WHERE year = 2025", ELDERLY_BANDS).fetchone()[0]
    transport = '"sat_公共交通"'
    hill_sat = cursor.execute(f"SELECT AVG({transport}) FROM survey WHERE district = ?", [HILL]).fetchone()[0]
    city_sat = cursor.execute(f"SELECT AVG({transport}) FROM survey").fetchone()[0]
    hill_places = cursor.execute(
        "SELECT COUNT(*) FROM kayoi_places k JOIN areas a ON k.area_code = a.area_code WHERE a.district = ?",
        [HILL]).fetchone()[0]
    return {
        "top": ranking[0][0], "top_rate": round(ranking[0][1]), "second": ranking[1][0],
        "second_rate": round(ranking[1][1]), "city_rate": round(city_rate(2025)),
        "city_rate_2021": round(city_rate(2021)), "ageing_top": ageing[0][0], "ageing_top_pct": round(ageing[0][1]),
        "city_ageing_pct": round(city_ageing), "hill_sat": f"{hill_sat:.1f}", "city_sat": f"{city_sat:.1f}",
        "hill_places": int(hill_places),
    }


def seed_example(ws: Workspace, group_id: str, facts: dict) -> None:
    """Fill one group's workspace with a finished piece of work through session 4."""
    f = facts
    members = [ws.add_member(group_id, name, dept) for name, dept in EXAMPLE_MEMBERS]
    who = [f"{m.name}（{m.department}）" for m in members]

    def sheet(step_key: str, payload: dict, actor: str) -> None:
        ws.create_item(group_id, "worksheet", payload, actor, item_id=curriculum.worksheet_id(group_id, step_key))

    sheet("step0", {
        "goal": "高齢になっても住み慣れた地域で、元気に外出して暮らせるまちにする",
        "problem": f"{f['top']}と{f['second']}の 65 歳以上の要介護認定率（千人あたり {f['top_rate']} 人・"
                   f"{f['second_rate']} 人）が市平均（{f['city_rate']} 人）より高い",
        "issue": "通いの場が遠い町丁目の高齢者が歩いて通える場をつくり、外出と参加の機会を広げる",
    }, who[0])
    sheet("step1", {
        "situation": f"2025 年の 65 歳以上千人あたり認定者数は市全体で {f['city_rate']} 人"
                     f"（2021 年は {f['city_rate_2021']} 人）。地区別では{f['top']}（{f['top_rate']} 人）、"
                     f"{f['second']}（{f['second_rate']} 人）が高い。高齢化率は{f['ageing_top']}が "
                     f"{f['ageing_top_pct']}% で最も高い（市全体 {f['city_ageing_pct']}%）。"
                     f"{HILL}の通いの場・サロンは {f['hill_places']} か所。",
    }, who[1])
    ws.create_item(group_id, "logic_tree", _tree(f"{f['top']}・{f['second']}の要介護認定率が市平均より高い"),
                   who[2], item_id=curriculum.logic_tree_id(group_id))
    hyp_distance = ws.create_item(group_id, "hypothesis", {
        "text": "通いの場から遠い町丁目ほど、65 歳以上の要介護認定率が高い",
        "dataset": "care_certification", "columns": ["area_code", "year", "age_band"],
    }, who[0])
    hyp_transport = ws.create_item(group_id, "hypothesis", {
        "text": f"{HILL}の住民は公共交通に不満があり、外出しにくい",
        "dataset": "survey", "columns": ["district", "sat_公共交通"],
    }, who[1])
    sheet("step2", {
        "data_sources": "care_certification（area_code, year, age_band）、population（65 歳以上人口）、"
                        "kayoi_places（位置・参加者数）、survey（district, sat_公共交通）",
        "quality": "認定は 1 行 1 人、人口は町丁目×年齢×性別で、area_code（11 桁の文字列）で結合できる。"
                   "人口の少ない町丁目は率がぶれるので地区単位でも見る。意識調査は無回答（空）を除いて平均する。",
    }, who[2])
    ws.create_item(group_id, "sketch", {
        "hypothesis_id": hyp_distance.item_id, "dataset": "care_certification",
        "columns": ["area_code", "year"], "method": "choropleth", "display": "map",
    }, who[0], item_id=f"{hyp_distance.item_id}:sketch")
    ws.create_item(group_id, "sketch", {
        "hypothesis_id": hyp_transport.item_id, "dataset": "survey",
        "columns": ["district", "sat_公共交通"], "method": "compare_areas", "display": "chart",
    }, who[1], item_id=f"{hyp_transport.item_id}:sketch")
    charts = [ws.create_item(group_id, "chart", {"title": title, "note": note, "spec": spec}, who[0])
              for title, note, spec in example_charts()]
    maps = [ws.create_item(group_id, "map", {"title": title, "note": note, "spec": spec}, who[2])
            for title, note, spec in example_maps()]
    ws.create_item(group_id, "finding", {
        "sentence": "65 歳以上の要介護認定率が高い町丁目は、通いの場・サロンから離れた所に多い。",
        "evidence_id": maps[0].item_id, "strength": "medium",
        "hypothesis_id": hyp_distance.item_id, "verdict": "supported",
    }, who[2])
    ws.create_item(group_id, "finding", {
        "sentence": f"{HILL}の公共交通の満足度は平均 {f['hill_sat']} で、市全体（{f['city_sat']}）より低い。",
        "evidence_id": charts[2].item_id, "strength": "strong",
        "hypothesis_id": hyp_transport.item_id, "verdict": "supported",
    }, who[1])
    ws.create_item(
        group_id,
        "policy",
        {
            "title": "通いの場が遠い町丁目の公民館・集会所で週 1 回の体操教室",
            "description": "地域包括支援センターと住民ボランティアで、"
            "通いの場から離れた町丁目に新しい通いの場を 6 か所開く。",
        },
        who[0],
    )
    ws.create_item(group_id, "policy", {
        "title": f"{HILL}に送迎ボランティア",
        "description": "坂が多くバスの便が少ない地域の高齢者に、社会福祉協議会の送迎ボランティアを紹介する。",
    }, who[2])
    ws.create_item(group_id, "logic_model", {
        "activities": ["公民館・集会所で体操教室を開く", "送迎ボランティアを募る"],
        "outputs": ["通いの場から遠い町丁目に通いの場 6 か所増", "送迎ボランティア 20 人"],
        "outcomes": ["高齢者の外出が増える", "要介護認定率の上昇を抑える"],
        "kpis": [
            {"indicator": f"通いの場・サロンの数（{HILL}）", "baseline": f"{f['hill_places']} か所（2025 年）",
             "target": f"{f['hill_places'] + 6} か所（2028 年）", "source": "kayoi_places"},
            {"indicator": "65 歳以上千人あたり認定者数（市全体）", "baseline": f"{f['city_rate']} 人（2025 年）",
             "target": f"{f['city_rate']} 人以下（2028 年）", "source": "care_certification, population"},
        ],
    }, who[1], item_id=curriculum.logic_model_id(group_id))
    sheet("step7", {
        "presentation": "通いの場から遠い町丁目ほど認定率が高い。遠い町丁目の公民館で体操教室を開き、"
                        f"{HILL}では送迎を組み合わせる。通いの場を 6 か所増やし、認定率の上昇を抑える。",
        "feedback": "送迎の費用の見積もりと、参加者数の目標も加えるとよい（講師）。",
    }, who[2])
    ws.create_item(group_id, "note", {"text": "第2回までに、バスの時刻表を交通政策課からもらう。"}, who[1])
    ws.create_item(group_id, "homework", {
        "task": "公民館の空き状況を確認する", "assignee": EXAMPLE_MEMBERS[0][0], "due": "2026-07-03",
        "done": "済",
    }, who[0])


def seed_demo_course(ws: Workspace, published) -> str:
    """The demo course (groups A–C and the finished example); returns its course id."""
    facts = example_facts(published)
    info, _groups = course.create_course(
        ws, DEMO_COURSE_NAME, DEMO_MUNICIPALITY, DEMO_SESSION_DATES, DEMO_GROUP_NAMES, "system", is_demo=True)
    example = course.add_group(ws, info.course_id, EXAMPLE_GROUP_NAME, example=True)
    seed_example(ws, example.group_id, facts)
    return info.course_id


def seed_if_empty(ws: Workspace, published=None) -> bool:
    """Seed the demo course on first start (numbers from `published`); True if it was seeded now."""
    if not ws.is_empty():
        return False
    catalog = load_catalog()
    if any(name not in catalog or catalog[name].origin != "demo" for name in EXAMPLE_DATASETS):
        # A real city's areas and population took the demo's names (setup-city before the first start),
        # or one was withdrawn: the example is the demo city's work, so its numbers come from the demo's
        # own files.
        demo = open_demo_database(EXAMPLE_DATASETS)
        try:
            seed_demo_course(ws, demo)
        finally:
            demo.close()
        return True
    seed_demo_course(ws, published if published is not None else get_store().published())
    return True
