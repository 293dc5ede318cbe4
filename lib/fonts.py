"""The Japanese font for pictures drawn on the server (map and chart PNGs, the PDF).

IPAexGothic, the file that japanize-matplotlib ships: found without importing that
package (importing it changes matplotlib's rcParams), so nothing is downloaded and
no system font is needed.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager

FONT_FILE = Path(importlib.util.find_spec("japanize_matplotlib").origin).parent / "fonts" / "ipaexg.ttf"


@lru_cache(maxsize=1)
def japanese_font() -> font_manager.FontProperties:
    """matplotlib's handle on the font, registered once per process."""
    font_manager.fontManager.addfont(str(FONT_FILE))
    return font_manager.FontProperties(fname=str(FONT_FILE))
