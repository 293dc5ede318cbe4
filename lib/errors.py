"""WorkbenchError: the one base class of the errors a user is shown, and the one convention for them.

The convention (tests/test_error_convention.py keeps it):

- An error a user may see is a WorkbenchError (or a subclass) made from a message key of lib/locale and
  its values: `raise PasscodeError("too_short", n=8)`. It is never made from a sentence — neither
  Japanese text written at the raise nor text translated there (`t(...)`): the user's language is known
  only where the error is shown.
- Where it is shown, `text(lang)` makes the sentence (what was wrong, and what to do): pages through
  lib.ui.errors (one place: `show_error`), the CLI prints `str(error)`, which is the Japanese sentence,
  so a log line reads like the screen. By default the sentence is the message `key_prefix + key` with
  `values` filled in; an error whose sentences come from elsewhere overrides `text`.
- A plain ValueError / RuntimeError is a programmer's error (a bug, a damaged file or spec): its English
  text is for the log; a page shows a general sentence instead, never that text nor a traceback.
"""
from __future__ import annotations

from lib.i18n import t


class WorkbenchError(ValueError):
    key_prefix = ""

    def __init__(self, key: str, **values):
        self.key = key
        self.values = values
        super().__init__(self.text("ja"))

    def text(self, lang: str = "ja") -> str:
        return t(self.key_prefix + self.key, lang, **self.values)
