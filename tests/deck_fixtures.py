"""Shared by the deliverables tests: the demo workspace and the example group's prepared deck."""
from __future__ import annotations

from lib.data.catalog import load_catalog
from lib.deck import model as deck_model
from lib.workspace import course, example_group
from lib.workspace.items import open_workspace


def demo_workspace(store):
    ws = open_workspace(store)
    example_group.seed_if_empty(ws)
    return ws


def example(ws):
    return next(g for c in ws.courses() for g in ws.groups(c.course_id) if course.is_example(g))


def prepared_example(store, ws, lang: str = "ja") -> deck_model.PreparedDeck:
    cursor = store.published()
    try:
        return deck_model.prepare_deck(ws, cursor, load_catalog(), example(ws), lang)
    finally:
        cursor.close()


def example_payloads(ws, kind: str) -> list[dict]:
    """The example group's items of one kind, as the tests expect to see them in its deck_model."""
    return [item.payload for item in ws.items(example(ws).group_id, kind)]
