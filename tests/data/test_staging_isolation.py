"""No raw / staging table is reachable from trainee SQL or from any trainee page.

Something recognisable is imported into staging first; then every way in is tried.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from lib.analysis.user_sql import UserQueryError, run_user_sql
from lib.data.importing import read_file
from lib.data.staging import drop_staged, store_import
from tests.conftest import menu_pages

ROOT = Path(__file__).resolve().parents[2]
MARKER_NAME = "漏洩検知 太郎"
MARKER_TABLE = "leak_probe_raw"
MARKER_COLUMN = "leak_probe_column"
TRAINEE_PAGES = [page for page in menu_pages() if not page.startswith("pages/instructor")]


@pytest.fixture(scope="module")
def staged(store, tmp_path_factory):
    path = tmp_path_factory.mktemp("raw") / "raw.csv"
    path.write_bytes(f"氏名,{MARKER_COLUMN},電話番号\n{MARKER_NAME},1,042-555-0000\n".encode("cp932"))
    store_import(read_file(path), MARKER_TABLE, store=store)
    yield store
    drop_staged(MARKER_TABLE, store=store)


def test_staged_table_exists_only_in_staging(staged):
    cursor = staged.staging()
    try:
        assert cursor.execute(f"SELECT 氏名 FROM {MARKER_TABLE}").fetchone()[0] == MARKER_NAME
    finally:
        cursor.close()
    assert MARKER_TABLE not in staged.published_tables()
    assert "_imports" not in staged.published_tables()


@pytest.mark.parametrize("sql", [
    f"SELECT * FROM {MARKER_TABLE}",
    "SELECT * FROM _imports",
    f"SELECT * FROM staging.{MARKER_TABLE}",
    f"SELECT * FROM staging.main.{MARKER_TABLE}",
    "SELECT * FROM '{staging}'",
    "SELECT * FROM read_csv('{raw}')",
    "SELECT * FROM read_text('{staging}')",
    "SELECT * FROM read_blob('{staging}')",
    "ATTACH '{staging}' AS s",
    "SELECT * FROM duckdb_tables() WHERE table_name = '" + MARKER_TABLE + "'",
])
def test_trainee_sql_cannot_reach_staging(staged, sql):
    query = sql.format(staging=staged.staging_path.as_posix(), raw=(staged.data_dir / "raw.csv").as_posix())
    try:
        result = run_user_sql(staged.published_path, query)
    except UserQueryError as error:
        assert error.message  # refused, with a sentence for the trainee
        return
    assert result.frame.empty, result.frame  # the catalog query may run, but finds nothing
    assert MARKER_NAME not in result.frame.to_string()


def test_trainee_pages_do_not_use_staging():
    for page in TRAINEE_PAGES:
        source = (ROOT / page).read_text(encoding="utf-8")
        assert "staging" not in source and "importing" not in source, page


def _page_text(at: AppTest) -> str:
    parts = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        value = getattr(node, "value", None)
        if hasattr(value, "to_string"):
            parts.append(value.to_string())
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(at._tree)
    return "\n".join(parts)


@pytest.mark.parametrize("page_file", TRAINEE_PAGES)
def test_trainee_pages_show_nothing_from_staging(staged, page_file):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page(page_file).run()
    assert not at.exception, at.exception
    text = _page_text(at)
    assert len(text) > 100  # the page did render something
    for secret in (MARKER_NAME, MARKER_TABLE, MARKER_COLUMN):
        assert secret not in text, (page_file, secret)


def test_the_page_probe_sees_published_content(staged):
    """The probe above would see the marker if a page showed it: here it finds published titles."""
    from lib.data.catalog import load_catalog

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page("pages/catalog.py").run()
    text = _page_text(at)
    assert load_catalog()["areas"].title_in("ja") in text
