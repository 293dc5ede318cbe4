"""WorkbenchError: the one base class of the errors a user is shown.

`text(lang)` is a sentence in Japanese (or English) that says what was wrong and what to
do; `str(error)` is the Japanese sentence, so a log line reads like the screen. Pages and
the CLI show `text(lang)`, never a traceback. By default the sentence is the message
`key_prefix + key` of lib/locale with `values` filled in; an error whose sentences come
from elsewhere overrides `text`.
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
