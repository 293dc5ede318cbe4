"""What trainees read is Japanese: no "None", no column names, no miles, no English sentences."""
from __future__ import annotations

import geopandas as gpd
from shapely.geometry import Point

from lib.analysis.user_sql import UserQueryError, run_user_sql
from lib.data import profile
from lib.data.catalog import load_catalog
from lib.maps.data import labelled_facilities
from lib.maps.offline import new_map
from lib.ui.session_widgets import _summary


def test_catalog_statistics_have_no_none(published):
    ds = load_catalog()["care_certification"]
    shown = profile.readable_statistics(profile.column_statistics(published, ds))
    cells = shown[["min", "max", "mean", "median"]].to_numpy().ravel().tolist()
    assert all(isinstance(c, str) for c in cells)
    assert not {"None", "nan", "NaN"} & set(cells)
    assert "—" in cells  # a text column has no mean
    assert profile.readable_number(12345.678) == "12,345.68" and profile.readable_number(40.0) == "40"


def test_flood_facility_table_is_headed_by_labels():
    facilities = gpd.GeoDataFrame({"name": ["中央公民館"], "category": ["公民館"], "depth_class": ["0.5-3m"]},
                                  geometry=[Point(0, 0)])
    table = labelled_facilities(facilities, load_catalog())
    assert list(table.columns) == ["施設名", "種別", "浸水深"]


def test_map_scale_bar_is_metric_only():
    html = new_map((139.0, 35.0, 139.1, 35.1)).get_root().render()
    assert "L.control.scale({imperial: false})" in html
    assert "L.control.scale()" not in html


def test_unknown_column_message_points_to_the_schema_on_the_right(published, database):
    try:
        run_user_sql(database, "SELECT * FROM no_such_table")
    except UserQueryError as error:
        assert "右のスキーマ" in error.text("ja")
    else:
        raise AssertionError("the query should have been refused")


def test_history_names_the_step_of_a_worksheet():
    assert _summary({"situation": "高齢化率は約 31%"}, "worksheet", "g1:worksheet:step1") == \
        "Step 1 仮説・現状分析：高齢化率は約 31%"
    assert _summary({"goal": "", "issue": "", "problem": ""}, "worksheet", "g1:worksheet:step0").endswith("：—")
