"""The age groups people ask for by name (65歳以上, 75歳以上, 15〜64歳, 0〜14歳) as the data's age bands.

Ages come in bands such as "65-69" or "90+"; a group takes every band that lies wholly inside it,
so that "65歳以上" is one pick instead of six (with 90+ below the fold).
"""
from __future__ import annotations

import re

# key -> (youngest age, oldest age or None for "and over")
AGE_GROUPS = {"65plus": (65, None), "75plus": (75, None), "15to64": (15, 64), "0to14": (0, 14)}


def band_lower_age(band: str) -> int | None:
    """Lower age of an age band such as "65-69" or "90+"."""
    match = re.match(r"\s*(\d+)", str(band))
    return int(match.group(1)) if match else None


def band_upper_age(band: str) -> int | None:
    """Upper age of a band ("65-69" → 69); None for an open band such as "90+"."""
    match = re.match(r"\s*\d+\s*[-〜~]\s*(\d+)", str(band))
    return int(match.group(1)) if match else None


def bands_in_group(bands, group: str) -> list:
    """The bands wholly inside the age group, in the order given."""
    youngest, oldest = AGE_GROUPS[group]
    chosen = []
    for band in bands:
        lower, upper = band_lower_age(band), band_upper_age(band)
        if lower is None or lower < youngest:
            continue
        if oldest is None or (upper is not None and upper <= oldest):
            chosen.append(band)
    return chosen


def groups_for(bands) -> dict[str, list]:
    """The age groups these bands can express exactly (each band of the group's ages, and no other)."""
    found = {}
    for group, (youngest, oldest) in AGE_GROUPS.items():
        chosen = bands_in_group(bands, group)
        straddling = [b for b in bands if b not in chosen and (band_lower_age(b) or 0) <= (oldest or 999)
                      and (band_upper_age(b) if band_upper_age(b) is not None else 999) >= youngest]
        if chosen and not straddling:
            found[group] = chosen
    return found
