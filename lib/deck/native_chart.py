"""What an editable (native) PowerPoint chart needs: categories and one list of values per series.

lib.deck.evidence reads it off a saved chart's figure; an analysis (lib.deck.analyses) may give its
own; lib.deck.to_pptx draws it with python-pptx.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ChartSeries:
    kind: str  # "column", "bar" (horizontal), "line", "pie", "doughnut"
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    grouping: str = "clustered"  # clustered / stacked / percent
    value_title: str = ""
    category_title: str = ""
    top_first: bool = False  # horizontal bars listed from the top
    colours: list[str] = field(default_factory=list)  # as the app draws them: one per series (per slice of a pie)
    # A diverging answer scale (5-level Likert): stacked bars whose FIRST series is an unseen spacer that puts
    # the middle of the neutral answer at the middle of the value axis (0–2 × `centre`); the others are the
    # answers' shares in scale order, each labelled with its share. PowerPoint stacks negative values from
    # zero outwards in series order, so bars left of zero cannot list the answers in scale order: a spacer can.
    diverging_centre: float | None = None
