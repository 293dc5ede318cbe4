"""lib.deck.evidence owns saved evidence: no other module switches on an item's kind, and a table's spec is
a TableSpec that reads and writes the JSON saved before it existed."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lib.charts.result_table import TableSpec
from lib.charts.spec import ChartSpec
from lib.data.query import Filter
from lib.deck.analysis_evidence import AnalysisSpec, UnknownAnalysis
from lib.deck.evidence import Evidence, from_item
from lib.maps.spec import MapSpec

ROOT = Path(__file__).resolve().parents[2]
OWNER = Path("lib/deck/evidence.py")
KINDS = {"chart", "map", "table"}
KIND_NAMES = {"kind", "drawing"}


def _names_kind(node: ast.AST) -> bool:
    """`kind`, `x.kind`, `x.drawing`, `x["kind"]` or `x.get("kind")`."""
    if isinstance(node, ast.Name):
        return node.id in KIND_NAMES
    if isinstance(node, ast.Attribute):
        return node.attr in KIND_NAMES
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value in KIND_NAMES
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        return bool(node.args) and isinstance(node.args[0], ast.Constant) and node.args[0].value in KIND_NAMES
    return False


def _kind_literals(node: ast.AST) -> set:
    if isinstance(node, ast.Constant):
        return {node.value} & KINDS
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return {e.value for e in node.elts if isinstance(e, ast.Constant)} & KINDS
    return set()


def kind_switches(source: str) -> list[int]:
    """Lines that compare an item's kind (or what it draws) with "chart" / "map" / "table", or look a value up
    in a table keyed by them."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_names_kind(side) for side in sides) and any(_kind_literals(side) for side in sides):
                found.append(node.lineno)
        elif isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if len(keys & KINDS) >= 2:
                found.append(node.lineno)
    return found


def test_the_check_sees_each_way_of_switching_on_kind():
    assert kind_switches('if item.kind == "chart": pass') == [1]
    assert kind_switches('x = kind in ("map", "table")') == [1]
    assert kind_switches('y = "table" != evidence.drawing') == [1]
    assert kind_switches('z = [i for i in items if i["kind"] == "map"]') == [1]
    assert kind_switches('w = {"chart": 1, "map": 2}.get(item.kind)') == [1]
    assert kind_switches('show = spec.get("show") == "map"') == []


def test_no_module_outside_the_evidence_owner_switches_on_item_kind():
    files = [*ROOT.glob("lib/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]
    switches = {str(path.relative_to(ROOT)): lines for path in files if path.relative_to(ROOT) != OWNER
                if (lines := kind_switches(path.read_text(encoding="utf-8")))}
    assert switches == {}


# Tables as the pages saved them before TableSpec existed (stored JSON must read, and be written the same).
OLD_TABLES = [
    {"source": "pivot", "percent_by": "row",
     "chart": {"dataset": "care_certification", "measure": {"kind": "count", "column": None, "base": "count",
                                                             "from_year": None, "to_year": None, "relative": False},
               "dimensions": ["areas.district", "sex"], "facet": None, "filters": [], "chart_type": "bar",
               "options": {}, "title": ""}},
    {"source": "survey", "dataset": "survey", "items": ["sat_公共交通", "sat_買い物"],
     "filters": [{"column": "district", "op": "in", "values": ["丘陵地区"]}]},
    {"source": "sql", "sql": "SELECT district, COUNT(*) AS n FROM survey GROUP BY district"},
]


@pytest.mark.parametrize("saved", OLD_TABLES, ids=lambda s: s["source"])
def test_a_table_saved_before_table_spec_reads_and_writes_the_same_json(saved):
    table = TableSpec.from_dict(saved)
    assert table.to_dict() == saved
    assert from_item("table", {"title": "表", "spec": saved}) == table


def test_a_table_spec_names_its_parts():
    pivot, survey, sql = (TableSpec.from_dict(s) for s in OLD_TABLES)
    assert isinstance(pivot.chart, ChartSpec) and pivot.datasets() == ["care_certification"]
    assert survey.filters == [Filter("district", "in", ["丘陵地区"])] and survey.datasets() == ["survey"]
    assert sql.from_sql and not pivot.from_sql and sql.datasets() == []
    with pytest.raises(ValueError):
        TableSpec.from_dict({"source": "picture"})


def test_each_kind_of_item_is_its_spec():
    assert isinstance(from_item("chart", {"spec": ChartSpec("survey").to_dict()}), ChartSpec)
    assert isinstance(from_item("map", {"spec": MapSpec().to_dict()}), MapSpec)
    analysis = from_item("analysis", {"spec": {"method": "hot_spots", "dataset": "care_certification"}})
    assert isinstance(analysis, AnalysisSpec) and analysis.to_dict()["method"] == "hot_spots"
    with pytest.raises(UnknownAnalysis):
        from_item("analysis", {"spec": {"method": "astrology"}})
    with pytest.raises(ValueError):
        from_item("worksheet", {"spec": {}})


class _Recorder:
    def __getattr__(self, name):
        return lambda evidence: name


def test_evidence_is_handed_to_the_drawer_method_for_what_it_shows():
    assert Evidence("table", "", "", {}).draw(_Recorder()) == "table"
    assert Evidence("chart", "", "", {}, error="描けません").draw(_Recorder()) == "error"
    assert Evidence("analysis", "", "", {}, figure=object()).draw(_Recorder()) == "chart"
    assert Evidence("analysis", "", "", {}, map_data=object()).draw(_Recorder()) == "map"
    assert Evidence("analysis", "", "", {}).draw(_Recorder()) == "table"
