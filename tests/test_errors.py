"""The errors a user is shown share one base: a sentence in Japanese or English, never a traceback."""
from __future__ import annotations

import pytest

from lib.analysis.stat_tests import StatInputError, correlation
from lib.analysis.user_sql import UserQueryError, run_user_sql
from lib.charts.pivot import build_pivot
from lib.charts.spec import ChartSpec, ChartSpecError, Measure, check_spec
from lib.data.catalog import load_catalog
from lib.data.import_result import DataImportError
from lib.data.publishing import PublishError
from lib.deck.model import DeckError
from lib.errors import WorkbenchError
from lib.maps.data import build_map_data
from lib.maps.queries import MapDataError
from lib.maps.spec import ClassificationSpec, MapSpec, MapSpecError


def _japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("error_class", [DataImportError, PublishError, MapDataError, MapSpecError,
                                         ChartSpecError, UserQueryError, StatInputError, DeckError])
def test_user_facing_errors_share_the_base(error_class):
    assert issubclass(error_class, WorkbenchError)


def test_keyed_error_speaks_both_languages_and_str_is_japanese():
    error = DataImportError("bad_name", name="x y")
    assert _japanese(error.text("ja")) and str(error) == error.text("ja")
    assert error.text("en") and not _japanese(error.text("en"))


def test_invalid_chart_spec_is_refused_once_in_both_languages():
    spec = ChartSpec("care_certification", Measure("sum"), ["care_level"])  # sum without a column
    with pytest.raises(ChartSpecError) as caught:
        check_spec(spec, load_catalog())
    assert all(_japanese(text) for text in caught.value.texts("ja"))
    assert caught.value.texts("en") and not any(_japanese(text) for text in caught.value.texts("en"))


def test_pivot_refuses_an_invalid_spec_with_its_own_problems(published):
    spec = ChartSpec("care_certification", Measure("sum"), ["care_level"])
    with pytest.raises(ChartSpecError):
        build_pivot(published, load_catalog(), spec)


def test_map_data_validates_the_spec(published):
    spec = MapSpec(classification=ClassificationSpec("user", breaks=[30, 10]))
    with pytest.raises(MapSpecError) as caught:
        build_map_data(published, load_catalog(), spec)
    assert "小さい順" in caught.value.text("ja")
    assert caught.value.text("en") and not _japanese(caught.value.text("en"))


def test_stat_and_sql_errors_speak_english_too(published, database):
    with pytest.raises(StatInputError) as stat:
        correlation([1, 2], [3, 4], "en")
    assert not _japanese(stat.value.text("en")) and _japanese(stat.value.text("ja"))
    with pytest.raises(UserQueryError) as query:
        run_user_sql(database, "")
    assert query.value.text("en") == query.value.message_en and _japanese(str(query.value))
