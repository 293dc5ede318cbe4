"""Presentation mode's keys: which slide each move leads to (the browser test presses the keys)."""
from __future__ import annotations

import pytest

from lib.ui.slide_keys import moved_index


@pytest.mark.parametrize("index, move, expected", [
    (0, "next", 1), (3, "previous", 2), (3, "first", 0), (1, "last", 4), (2, None, 2),
    (4, "next", 4), (0, "previous", 0),  # the first and last slides stay put
    (9, None, 4),  # a deck that got shorter meanwhile: its last slide
])
def test_a_move_leads_to_its_slide_within_the_deck(index, move, expected):
    assert moved_index(index, move, total=5) == expected
