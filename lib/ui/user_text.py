"""Text that people typed, in the app's Markdown (why: lib/markdown_literal.py).

Pages show user text with `literal(text)`, and messages that carry user text (a member's or group's
name, a title) with `ui.tr_literal(key, **values)`, which escapes the values and keeps the message's
own Markdown.
"""
from __future__ import annotations

from lib.markdown_literal import literal

__all__ = ["literal"]
