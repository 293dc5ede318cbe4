"""Red team, item 7: text people typed never makes a browser fetch anything.

Every place the red team found (hypothesis, finding, policy, item titles and notes, chart titles, member
and group names, the live-change notice, the bulk-download page, the join page, presentation mode, a
dataset's title and description) is filled with Markdown images, links and HTML pointing outside, and
every page is run. Whatever Streamlit would read as Markdown (bodies, labels, alert texts, expander and
tab labels, radio options) must hold the outside address only escaped, i.e. as text.
"""
from __future__ import annotations

import shutil

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import ui
from lib.data import anonymize as an
from lib.data import publishing
from lib.data.store import Store
from lib.workspace import course, example_group
from lib.workspace.items import Workspace, forget_workspace, open_workspace_in
from tests.conftest import APP

OUTSIDE = "evil.example"
HOSTILE = (f" ![x](https://{OUTSIDE}/p.png) [l](https://{OUTSIDE}/) <img src=https://{OUTSIDE}/i.png>"
           f" https://{OUTSIDE}/raw")
ESCAPED = OUTSIDE.replace(".", "\\.")
SHORT = f"![x](https://{OUTSIDE}/p)"  # names are at most 40 characters
GROUP = "攻撃班" + SHORT
MEMBER = "攻撃 太郎" + SHORT
OTHER = "別の 人" + SHORT
DATASET = "hostile_text"
# Values members pick from a list, not type: dataset and column names, choices.
CHOSEN = ("dataset", "columns", "kind", "chart_type", "step", "verdict", "strength", "method", "display", "done")

MEMBER_PAGES = ["pages/join.py", "pages/home.py", "pages/session_1.py", "pages/session_2.py",
                "pages/session_3.py", "pages/session_4.py", "pages/workspace.py", "pages/chart_builder.py",
                "pages/map.py", "pages/presentation.py", "pages/catalog.py", "pages/sql_console.py"]
INSTRUCTOR_PAGES = ["pages/instructor.py", "pages/instructor_exports.py", "pages/instructor_data.py"]
MARKDOWN_FIELDS = ("body", "label")  # every element's Markdown; radio options are Markdown too


def _hostile(value):
    if isinstance(value, str):
        return value + HOSTILE if value else value
    if isinstance(value, list):
        return [_hostile(v) for v in value]
    if isinstance(value, dict):
        return {k: (v if k in CHOSEN else _hostile(v)) for k, v in value.items()}
    return value


def _hostile_payload(kind: str, payload: dict) -> dict:
    """Every text a member types made hostile; a spec keeps its data references, its title is hostile."""
    changed = {k: (v if k == "spec" else _hostile(v) if k not in CHOSEN else v) for k, v in payload.items()}
    if isinstance(payload.get("spec"), dict) and "title" in payload["spec"]:
        changed["spec"] = {**payload["spec"], "title": payload["spec"]["title"] + HOSTILE}
    return changed


@pytest.fixture(scope="module")
def hostile_dir(store, tmp_path_factory):
    """A data folder with a hostile dataset published and a hostile group copied from the example group."""
    folder = tmp_path_factory.mktemp("hostile-text")
    shutil.copyfile(store.current_build_path, folder / store.current_build_path.name)
    build = store.published_path.relative_to(store.data_dir)
    shutil.copytree(store.published_path.parent, folder / build.parent)
    patch = pytest.MonkeyPatch()
    patch.setenv("WORKBENCH_DATA_DIR", str(folder))
    own = Store(folder)
    frame = pd.DataFrame({"分類": ["a", "b"] * 10, "件数": range(20)})
    publishing.publish(frame, publishing.build_dictionary(frame, DATASET, {"ja": "題名" + HOSTILE, "en": "T" + HOSTILE},
                                                          {"ja": "説明" + HOSTILE, "en": "D" + HOSTILE}),
                       an.Plan({"分類": "other", "件数": "other"}), published_by="講師", store=own)
    own.close()
    ws = open_workspace_in(folder)
    example_group.seed_if_empty(ws)
    demo = course.current_course(ws)
    example = next(g for g in ws.groups(demo.course_id) if course.is_example(g))
    group = ws.create_group(demo.course_id, GROUP, "HOS-234")
    for item in ws.items(example.group_id):
        ws.create_item(group.group_id, item.kind, _hostile_payload(item.kind, item.payload), OTHER)
    yield folder, group
    forget_workspace(folder)
    ui.workspace_restored()
    patch.undo()


def _markdown_texts(node, kind=""):
    """(element type, text) for every string Streamlit renders as Markdown in the element tree."""
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "ListFields"):
        for field, value in proto.ListFields():
            if field.name in MARKDOWN_FIELDS and isinstance(value, str):
                yield node.type, value
            elif field.name == "options" and node.type == "radio":
                yield node.type, " ".join(value)
            elif field.name == "expandable":
                yield "expander", value.label
            elif field.name == "tab":
                yield "tab", value.label
    for child in getattr(node, "children", {}).values():
        yield from _markdown_texts(child)


def _assert_shown_as_text(at: AppTest) -> None:
    texts = list(_markdown_texts(at._tree))
    unescaped = [(kind, text[:160]) for kind, text in texts if OUTSIDE in text.replace(ESCAPED, "")]
    assert not unescaped, unescaped
    assert any(ESCAPED in text for _kind, text in texts)  # the page did show the typed text, as text


def _joined(folder, group) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/join.py").run()
    at.selectbox(key="join_group").set_value(group.group_id)
    at.text_input(key="join_code").input(group.join_code)
    at.text_input(key="join_name").input(MEMBER)
    at.text_input(key="join_department").input("企画課" + SHORT)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page_file", MEMBER_PAGES)
def test_member_pages_fetch_nothing_from_typed_text(hostile_dir, page_file, monkeypatch):
    folder, group = hostile_dir
    # The page was drawn before the others saved: the live-change notice lists them by name.
    real_history = Workspace.history
    monkeypatch.setattr(Workspace, "history", lambda self, *a, **kw: [] if kw.get("limit") == 1
                        else real_history(self, *a, **kw))
    at = _joined(folder, group)
    at.switch_page(page_file).run()
    if page_file == "pages/catalog.py":
        at.selectbox(key="catalog_dataset").set_value(DATASET)
    assert not at.exception, at.exception
    for expander in at.expander:  # the saved items' views, opened
        for button in expander.button:
            if button.label in ("表示", "開く"):
                button.click()
    at.run()
    assert not at.exception, at.exception
    _assert_shown_as_text(at)


def test_presentation_mode_fetches_nothing(hostile_dir):
    folder, group = hostile_dir
    at = _joined(folder, group)
    at.switch_page("pages/presentation.py").run()
    at.button(key="pres_start").click().run()
    assert not at.exception, at.exception
    for _slide in range(12):
        _assert_shown_as_text(at)
        following = at.button(key="pres_next")
        if following.disabled:
            break
        following.click().run()


@pytest.mark.parametrize("page_file", INSTRUCTOR_PAGES)
def test_instructor_pages_fetch_nothing_from_typed_text(hostile_dir, page_file):
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["instructor"] = True
    at.run()
    at.switch_page(page_file).run()
    if page_file == "pages/instructor.py":
        at.selectbox(key="inst_group").set_value(hostile_dir[1].group_id).run()
    assert not at.exception, at.exception
    _assert_shown_as_text(at)


def test_course_summary_download_is_inert_markdown(hostile_dir):
    from lib.data.catalog import load_catalog
    from lib.deck import course_summary

    folder, group = hostile_dir
    ws = open_workspace_in(folder)
    summaries = course_summary.course_summaries(ws, group.course_id, load_catalog(), "ja")
    text = course_summary.summary_markdown(summaries, course.current_course(ws), "ja")
    assert ESCAPED in text
    assert OUTSIDE not in text.replace(ESCAPED, "")
