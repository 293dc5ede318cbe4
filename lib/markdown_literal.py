"""Text that people typed, shown exactly as typed: never as Markdown, HTML or images.

st.markdown, st.write, st.caption and expander labels read Markdown, in which `![x](https://…)`
makes every viewer's browser fetch an outside URL, and `**bold**` is bold on screen while the
PPTX / PDF / HTML exports print it as typed. Every piece of user text the app shows, and every
Markdown file the app writes (the course summary), goes through `literal`, so the screen and the
exports show the same plain text, and nothing is fetched. It lives at the bottom of lib/ so that
lib/deck can use it; lib/ui/user_text.py gives pages the same helper and messages built with it.
"""
from __future__ import annotations

import re

# CommonMark lets any ASCII punctuation be escaped with a backslash; these are the ones Markdown,
# HTML, Streamlit's :directives: and LaTeX ($) give a meaning to.
_MARKUP = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:&=\"'])")


def literal(text) -> str:
    """`text` as Markdown that shows every character as typed (line breaks kept)."""
    lines = str(text if text is not None else "").splitlines() or [""]
    return "  \n".join(_MARKUP.sub(r"\\\1", line) for line in lines)
