"""What reading an import file gives: the checked result, its warnings, and the refusal.

A DataImportError's text (Japanese, or English) says what was wrong and what to do.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import geopandas as gpd
import pandas as pd

from lib import i18n
from lib.data.geo_checks import RepairedShape
from lib.errors import WorkbenchError

Progress = Callable[[float, str], None]


class DataImportError(WorkbenchError):
    """A file that cannot be imported; `text(lang)` is the sentence shown to the user."""
    key_prefix = "import.error."


@dataclass
class ImportWarning:
    key: str
    values: dict = field(default_factory=dict)

    def text(self, lang: str = "ja") -> str:
        return i18n.t(f"import.warning.{self.key}", lang, **self.values)


@dataclass
class ImportResult:
    """A file read and checked, not yet stored."""
    frame: pd.DataFrame
    source_name: str
    format: str
    encoding: str | None = None
    detected_encoding: str | None = None
    sheets: list[str] = field(default_factory=list)
    sheet: str | None = None
    types: dict[str, str] = field(default_factory=dict)
    warnings: list[ImportWarning] = field(default_factory=list)
    repairs: list[RepairedShape] = field(default_factory=list)

    @property
    def is_geo(self) -> bool:
        return isinstance(self.frame, gpd.GeoDataFrame)

    def summary(self, lang: str = "ja") -> dict:
        """What `--dry-run` prints: plain JSON values."""
        columns = [c for c in self.frame.columns if not (self.is_geo and c == self.frame.geometry.name)]
        return {
            "source": self.source_name,
            "format": self.format,
            "encoding": self.encoding,
            "detected_encoding": self.detected_encoding,
            "sheet": self.sheet,
            "sheets": self.sheets,
            "rows": int(len(self.frame)),
            "columns": [str(c) for c in columns],
            "types": {str(c): self.types.get(c, "text") for c in columns},
            "geometry": self.is_geo,
            "warnings": [w.text(lang) for w in self.warnings],
        }
