"""A group's deck leaves the workbench: PowerPoint, offline HTML or PDF bytes, and its file name.

The renderers (lib.deck.to_pptx / to_html / to_pdf) read a `PreparedDeck` from lib.deck.model;
this module is the one entry that picks a renderer, so the model never imports them.
"""
from __future__ import annotations

import importlib

from lib.deck.model import DeckError, PreparedDeck, prepare_deck
from lib.workspace import course
from lib.workspace.items import Group, Workspace

FORMATS = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
           "html": "text/html", "pdf": "application/pdf"}
# Each renderer's module is imported when its format is asked for (PDF alone loads reportlab).
RENDERERS = {"pptx": "to_pptx:deck_pptx", "html": "to_html:deck_html", "pdf": "to_pdf:deck_pdf"}
EXAMPLE_ALIAS = "example"


def export_deck(prepared: PreparedDeck, fmt: str) -> bytes:
    """The deck as .pptx, offline .html or .pdf bytes."""
    if fmt not in RENDERERS:
        raise DeckError("deck.error.format", fmt=fmt)
    module, function = RENDERERS[fmt].split(":")
    return getattr(importlib.import_module(f"lib.deck.{module}"), function)(prepared)


def file_name(group_name: str, fmt: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_（）()" else "_" for ch in group_name) or "group"
    return f"発表資料_{safe}.{fmt}"


def export_group(ws: Workspace, store, catalog: dict, group: Group, fmt: str, lang: str = "ja") -> bytes:
    cursor = store.published()
    try:
        return export_deck(prepare_deck(ws, cursor, catalog, group, lang), fmt)
    finally:
        cursor.close()


def find_group(ws: Workspace, name: str) -> Group:
    """A group by name; "example" is the demo course's finished example group."""
    candidates = [g for c in ws.courses() for g in ws.groups(c.course_id)]
    if name == EXAMPLE_ALIAS:
        found = [g for g in candidates if course.is_example(g)]
    else:
        found = [g for g in candidates if g.name == name]
    if not found:
        known = "、".join(g.name for g in candidates) or "—"
        raise DeckError("deck.error.no_group", name=name, known=known)
    return found[-1]  # the newest course's group of that name
