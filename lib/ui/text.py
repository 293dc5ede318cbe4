"""The user's language and what the UI says in it: messages, dataset titles, the language switch, and
Streamlit's and Plotly's own English words replaced or hidden."""
from __future__ import annotations

import json

import streamlit as st

from lib import i18n
from lib.analysis import disclosure
from lib.charts.plotly_config import plotly_config
from lib.data.catalog import Dataset
from lib.data.import_guards import MAX_IMPORT_BYTES
from lib.ui.runtime import leave_pages_folder_mode, mark_run_through_app
from lib.ui.user_text import literal


def lang() -> str:
    leave_pages_folder_mode()  # every page asks for the language first
    return st.session_state.get("lang", i18n.DEFAULT_LANGUAGE)


def tr(key: str, **values) -> str:
    return i18n.t(key, lang(), **values)


def tr_literal(key: str, **values) -> str:
    """The message `key` with each value (text someone typed) shown as typed, never as Markdown."""
    return tr(key, **{name: literal(value) for name, value in values.items()})


def dataset_title(ds: Dataset) -> str:
    """A dataset's title in the pickers; on a real city, the made-up demo city's data says so."""
    title = ds.title_in(lang())
    return tr("catalog.demo_title", title=title) if ds.demo_on_real_city else title


def streamlit_in_language() -> None:
    """Streamlit's own words are English whatever the language; each is hidden or replaced by ours.

    - the file uploader's "Upload" and "200MB per file": ours, with the workbench's own size limit;
    - the toolbar over tables and charts ("Download as CSV", "Search", "Fullscreen"): hidden; tables
      and charts are saved and downloaded with the pages' own buttons, which check what leaves the room;
    - the link that keyboard users meet first, "Skip to main content": ours;
    - the full-screen button Streamlit adds to Plotly's toolbar: its tooltip (drawn by CSS) ours;
    - the menu of a table's column ("Sort ascending", "Pin column", its statistics and formats): told in
      Japanese as it opens (a script on this page; it changes only the menu's own words).
    """
    limit = tr("upload.limit", mb=MAX_IMPORT_BYTES // (1024 * 1024))
    st.html(
        "<style>[data-testid='stFileUploaderDropzone'] button > *, "
        "[data-testid='stFileUploaderDropzoneInstructions'] * {display: none;} "
        f"[data-testid='stFileUploaderDropzone'] button::after {{content: '{tr('upload.choose')}';}} "
        f"[data-testid='stFileUploaderDropzoneInstructions'] > div::after {{content: '{limit}'; font-size: 0.85rem;}}"
        " [data-testid='stElementToolbar'] {display: none !important;}"
        " [data-testid='stSkipToContent'] {visibility: hidden; font-size: 0;}"
        " [data-testid='stSkipToContent']::after"
        f" {{visibility: visible; font-size: 1rem; content: '{tr('app.skip_to_content')}';}}"
        " .js-plotly-plot .plotly .modebar-btn[data-title='Fullscreen']::after"
        f" {{content: '{tr('app.full_screen')}' !important;}}"
        " .js-plotly-plot .plotly .modebar-btn[data-title='Close fullscreen']::after"
        f" {{content: '{tr('app.leave_full_screen')}' !important;}}"
        "</style>"
    )
    if lang() == "ja":
        st.sidebar.html(_TABLE_MENU_SCRIPT.replace("WORDS", json.dumps(TABLE_MENU_JA, ensure_ascii=False)),
                        unsafe_allow_javascript=True)


# The words of st.dataframe's column menu and its submenus (Streamlit 1.67), as a Japanese user reads them.
TABLE_MENU_JA = {
    "Sort ascending": "小さい順に並べ替え", "Sort descending": "大きい順に並べ替え", "Statistics": "統計",
    "Format": "表示形式", "Autosize": "列幅を自動調整", "Pin column": "列を固定", "Unpin column": "列の固定を解除",
    "Hide column": "列を隠す", "Copy column name": "列名をコピー", "Rename": "名前を変更", "Wrap": "折り返し",
    "Count": "件数", "Distinct": "異なる値の数", "Sum": "合計", "Average": "平均", "Median": "中央値",
    "Minimum": "最小値", "Maximum": "最大値", "Standard deviation": "標準偏差", "Range": "範囲",
    "Average length": "平均の長さ", "Minimum length": "最短の長さ", "Maximum length": "最長の長さ", "Empty": "空欄",
    "Values": "値の数", "Based on sample": "標本による値", "Distribution histogram": "分布のヒストグラム",
    "Top values frequency chart": "多い値のグラフ", "Automatic": "自動", "Localized": "地域の書式", "Plain": "そのまま",
    "Compact": "短縮表記", "Percent": "パーセント", "Scientific": "指数表記", "Accounting": "会計書式",
    "Dollar": "ドル", "Euro": "ユーロ", "Yen": "円", "No data": "データなし",
}
_TABLE_MENU_SCRIPT = """<script>
(() => {
  if (window.workbenchTableMenu) return;
  window.workbenchTableMenu = true;
  const words = WORDS;
  // Only what a menu or popover shows: a table's cells are drawn on a canvas, and a page's own text is ours.
  const inMenu = (node) => node.parentElement && node.parentElement.closest(
    "[data-testid='stDataFrameColumnMenu'], [data-testid='stDataFrameStatisticsMenu'], [data-baseweb='popover'],"
    + " [role='menu'], [role='tooltip']");
  const retell = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const said = words[node.nodeValue.trim()];
      if (said && inMenu(node)) node.nodeValue = said;
    }
  };
  new MutationObserver((changes) => {
    for (const change of changes) {
      for (const node of change.addedNodes) retell(node.nodeType === Node.TEXT_NODE ? node.parentNode : node);
      if (change.type === "characterData" && change.target.parentNode) retell(change.target.parentNode);
    }
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
})();
</script>"""


def language_switch() -> None:
    """The sidebar's language choice; bound to session_state["lang"], so every page sees it at once."""
    mark_run_through_app()
    st.session_state.setdefault("lang", i18n.DEFAULT_LANGUAGE)
    st.sidebar.selectbox(
        i18n.t("sidebar.language", lang()), list(i18n.LANGUAGES),
        format_func=lambda code: i18n.LANGUAGES[code], key="lang",
    )


def plotly_chart(figure, key: str, **kwargs) -> None:
    """st.plotly_chart with the chart's toolbar and messages in the user's language."""
    st.plotly_chart(figure, key=key, config=plotly_config(lang()), **kwargs)


def show_suppressed(count: int) -> None:
    """Say, in the user's language, that and why figures are hidden (lib.analysis.disclosure)."""
    if count:
        st.info(disclosure.notice(count, lang()), icon=":material/visibility_off:")
