"""Exporting the example group's deck: PowerPoint (target under 10 s), offline HTML and PDF."""
from __future__ import annotations

from bench.harness import Figure, benchmark, median_seconds


@benchmark("deliverables")
def export_example_deck(runs: int) -> list[Figure]:
    from lib.data.catalog import load_catalog
    from lib.data.store import get_store
    from lib.deck import export as deck_export
    from lib.workspace import example_group
    from lib.workspace.items import open_workspace

    store = get_store()
    ws = open_workspace(store)
    example_group.seed_if_empty(ws)
    group = deck_export.find_group(ws, "example")
    catalog = load_catalog()
    figures = []
    for fmt, name in (("pptx", "export_example_deck_s"), ("html", "export_example_html_s"),
                      ("pdf", "export_example_pdf_s")):
        size = len(deck_export.export_group(ws, store, catalog, group, fmt))  # warm: database, fonts
        seconds = median_seconds(lambda fmt=fmt: deck_export.export_group(ws, store, catalog, group, fmt), runs)
        figures.append(Figure(name, size, "s", seconds, runs,
                              note=f"{fmt}, {size:,} bytes; example group: 3 charts + 1 map, 11 slides"
                                   + ("; target < 10 s" if fmt == "pptx" else "")))
    return figures
