"""What an instructor changed in a published dataset's dictionary, as the changes
lib.data.publishing.edit_dictionary applies.

The form edits the Japanese texts; the English ones are kept (a unit without an English
text takes the Japanese one). Only what differs is sent, so the publication log shows
exactly what was edited.
"""
from __future__ import annotations

from lib.data.catalog import Dataset


def dictionary_changes(ds: Dataset, title: str, description: str, column_rows: list[dict],
                       record_unit: str | None = None) -> dict:
    """`column_rows`: {column, label, unit} per column as edited (Japanese)."""
    changes: dict = {"title": {"ja": title, "en": ds.title_in("en")},
                     "description": {"ja": description, "en": ds.description_in("en")},
                     "columns": {}}
    if record_unit is not None and record_unit.strip() != ds.record_unit_in("ja"):
        changes["record_unit"] = {"ja": record_unit.strip(), "en": ds.record_unit_in("en") or record_unit.strip()}
    for row in column_rows:
        column = ds.column(row["column"])
        edit = {}
        if row["label"] != column.label_in("ja"):
            edit["label"] = {"ja": row["label"], "en": column.label_in("en")}
        if (row["unit"] or "") != column.unit_in("ja"):
            edit["unit"] = {"ja": row["unit"], "en": column.unit_in("en") or row["unit"]} if row["unit"] else None
        if edit:
            changes["columns"][column.name] = edit
    return changes
