"""A warm page run does no heavy work: no tokenizing, no map HTML that nobody asked for."""
from __future__ import annotations

from tests.conftest import app_test


def _counting(monkeypatch, module, name: str) -> list:
    calls: list = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_survey_page_tokenizes_answers_only_on_its_first_run(store, monkeypatch):
    from lib.charts import survey

    at = app_test().run()
    at.switch_page("pages/survey_analysis.py").run()
    assert not at.exception, at.exception
    tokenized = _counting(monkeypatch, survey, "nouns")
    at.run()
    at.selectbox(key="survey:text_column").set_value(at.selectbox(key="survey:text_column").options[0]).run()
    at.slider(key="survey:top").set_value(30).run()
    assert not at.exception, at.exception
    assert tokenized == []


def test_map_page_builds_its_html_download_only_when_clicked(store, monkeypatch):
    from lib.maps import export as map_export

    rendered = _counting(monkeypatch, map_export, "map_html")
    at = app_test().run()
    at.switch_page("pages/map.py").run()
    at.run()
    assert not at.exception, at.exception
    assert "地図（HTML）" in [b.label for b in at.get("download_button")]
    assert rendered == []


def test_projection_page_projects_only_on_its_first_run(store, monkeypatch):
    from lib.deck.analyses import projection_common
    from lib.ui import derived

    derived._analysis.clear()  # results other tests of this process left in the shared cache
    at = app_test().run()
    at.switch_page("pages/projection.py").run()
    assert not at.exception, at.exception
    projected = _counting(monkeypatch, projection_common, "project_population")
    at.run()
    at.radio(key="projection:show").set_value("map").run()
    at.radio(key="projection:show").set_value("pyramid").run()
    assert not at.exception, at.exception
    assert len(projected) == 1  # the map's first run; the pyramid and the demand come from the cache


def test_area_patterns_page_renders_its_map_only_on_its_first_run(store, monkeypatch):
    from lib.ui import analysis_view

    at = app_test().run()
    at.switch_page("pages/area_patterns.py").run()
    assert not at.exception, at.exception
    rendered = _counting(monkeypatch, analysis_view, "render_map")
    at.run()
    at.run()
    assert not at.exception, at.exception
    assert rendered == []  # the map's parts come from the cached result's memo (lib.ui.folium_view)
