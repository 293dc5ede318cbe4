"""The one palette and font every chart is drawn with: in the app (Plotly), in pictures
(matplotlib) and in PowerPoint's own charts, so a series has the same colour everywhere; and the
same colours in the order a map's point categories take them.

Okabe-Ito stays distinguishable for colour-blind readers; more categories than it has
continue with CARTO's colour-blind-safe "Safe" palette. A 5-point answer scale is
coloured as a diverging scale: disagree | neutral grey | agree.
"""
from __future__ import annotations

from plotly.colors import qualitative, unlabel_rgb

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"]
PALETTE = OKABE_ITO + [c for c in qualitative.Safe if c not in OKABE_ITO]
LIKERT_COLOURS = ["#D55E00", "#E69F00", "#BBBBBB", "#56B4E9", "#0072B2"]
# Pins of a map's categories: the palette reordered so that the first few contrast most on a pale base
# map (blue, vermillion, green, purple, …), with yellow, unreadable on the tiles, replaced by a violet.
MAP_CATEGORY_COLOURS = [OKABE_ITO[i] for i in (0, 3, 2, 5, 1, 4)] + ["#7A5195", OKABE_ITO[7]]
SEQUENTIAL = "Cividis"
FONT = "IPAexGothic, IPAGothic, 'Hiragino Sans', Meiryo, 'Noto Sans CJK JP', sans-serif"


def colour(index: int, scale_size: int = 0) -> str:
    """The colour of the index-th series (a 5-point answer scale gets the diverging colours)."""
    if scale_size == len(LIKERT_COLOURS):
        return LIKERT_COLOURS[index]
    return PALETTE[index % len(PALETTE)]


def rgb_triple(colour_text: str) -> tuple[int, int, int]:
    """"#0072B2" or Plotly's "rgb(r, g, b)" as three 0–255 integers."""
    if colour_text.startswith("rgb"):
        return tuple(int(v) for v in unlabel_rgb(colour_text))
    text = colour_text.lstrip("#")
    return tuple(int(text[i:i + 2], 16) for i in (0, 2, 4))


def hex_colour(colour_text: str) -> str:
    """A palette colour as "RRGGBB" (PowerPoint's form)."""
    return "%02X%02X%02X" % rgb_triple(colour_text)
