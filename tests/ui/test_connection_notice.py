"""The page's words when the server goes away (lib/ui/connection_notice.py): Japanese in place of Streamlit's
English "Connection error … Are you connected to the internet?" (issue 25). The browser walk is in
tests/browser/test_no_lost_text.py; here, what can be checked without a browser."""
from __future__ import annotations

from pathlib import Path

import streamlit
from streamlit.testing.v1 import AppTest

from lib.ui import connection_notice

APP = str(Path(__file__).resolve().parents[2] / "app.py")
BUNDLE = "\n".join(path.read_text(encoding="utf-8", errors="replace")
                   for path in (Path(streamlit.__file__).parent / "static" / "static" / "js").glob("index.*.js"))


def test_the_words_and_marks_the_script_looks_for_are_those_of_the_installed_streamlit():
    for english in connection_notice.STREAMLIT_WORDS.values():
        assert english in BUNDLE, english
    for mark in ("data-test-connection-state", "data-test-script-state", "stDialog", "stConnectionStatus"):
        assert mark in BUNDLE, mark


def test_the_script_says_it_in_the_users_language_and_fetches_nothing(monkeypatch):
    from lib import ui

    monkeypatch.setattr(ui.text, "lang", lambda: "ja")
    script = connection_notice.script()
    assert "サーバーとの接続が切れました" in script and "インターネットは使いません" in script
    for fetching in ("http", "src=", "fetch(", "XMLHttpRequest", "import("):
        assert fetching not in script


def test_every_page_run_installs_it():
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception
    assert any("workbenchConnectionNotice" in element.proto.body for element in at.sidebar
               if type(element).__name__ == "Html")
