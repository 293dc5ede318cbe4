"""User text is shown as typed: images, links, HTML and emphasis are escaped, nothing else changes."""
from __future__ import annotations

import re

import pytest

from lib.ui.user_text import literal


def _unescape(markdown: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("  \n", "\n")


@pytest.mark.parametrize("typed", [
    "![x](https://example.com/x.png)", "<img src='https://example.com/a.png'>", "**太字** と _斜体_",
    "# 見出し", "- 箇条書き\n1. 番号", "[リンク](http://example.com)", "$x^2$ と :red[赤] :material/home:",
    "通常の文。数字 3.14、割合 20%", "",
])
def test_markup_is_escaped_and_the_text_is_kept(typed):
    shown = literal(typed)
    assert _unescape(shown) == typed
    # No markup character is left for Markdown to act on.
    assert not re.search(r"(?<!\\)[!\[\]()<>*_#$:`]", shown)
