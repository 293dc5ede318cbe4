"""The instructor's review of SQL-derived evidence before it leaves the room (output checking).

A SQL table is saved WITH its result: the frame trainee SQL showed after the small-cell rule
(lib.analysis.disclosure.check_query_result), as plain JSON records in the item's payload, with
the rule checks' findings (lib.analysis.output_check) and a review:

    {"title", "note", "spec": {"source": "sql", "sql"},
     "result": {"columns": [...], "rows": [[...], ...]},
     "findings": [{"key", "column", "values", "dataset"}, ...],
     "review": {"status": "pending" | "approved" | "returned", "by", "at", "comment"}}

Exports draw the saved result and never run the query; only an approved one shows its numbers.
An item saved before results were kept has none: it is pending, and the instructor's review
runs it once. Approving, sending back and re-running are ordinary item updates by the
instructor, so the item's history shows who did what.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from lib.analysis.disclosure import check_query_result
from lib.analysis.output_check import published_totals, rule_checks
from lib.analysis.user_sql import run_user_sql
from lib.data.store import get_store
from lib.i18n import t
from lib.workspace.backend import WorkspaceError
from lib.workspace.items import Item, Workspace

PENDING, APPROVED, RETURNED = "pending", "approved", "returned"
RESULT_MAX_BYTES = 256_000  # a saved result larger than this (as JSON) is refused: the workspace keeps every version


class ResultTooLarge(WorkspaceError):
    """A SQL result too large to keep with the evidence; `text(lang)` says what to do."""

    def __init__(self, size: int):
        self.size = size
        super().__init__("output_check.too_large", kb=f"{size / 1000:,.0f}", limit=f"{RESULT_MAX_BYTES / 1000:,.0f}")


def needs_review(payload: dict | None) -> bool:
    """SQL-derived evidence: a table saved from the SQL page (lib.charts.result_table.TableSpec, source "sql":
    no other saved spec has a source)."""
    return ((payload or {}).get("spec") or {}).get("source") == "sql"


def status(payload: dict) -> str:
    """pending / approved / returned; an item without a saved result is pending whatever it says."""
    if not isinstance(payload.get("result"), dict):
        return PENDING
    return (payload.get("review") or {}).get("status") or PENDING


def exportable(payload: dict) -> bool:
    return not needs_review(payload) or status(payload) == APPROVED


def _plain(value):
    """A cell as JSON: numbers, text, true/false or null (NaN, NA and NaT are null)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalars
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.isoformat()
    return str(value)


def encode_result(frame: pd.DataFrame) -> dict:
    """The checked frame as plain JSON (columns and rows); ResultTooLarge above RESULT_MAX_BYTES."""
    result = {"columns": [str(c) for c in frame.columns],
              "rows": [[_plain(v) for v in row] for row in frame.itertuples(index=False, name=None)]}
    size = len(json.dumps(result, ensure_ascii=False).encode("utf-8"))
    if size > RESULT_MAX_BYTES:
        raise ResultTooLarge(size)
    return result


def result_frame(payload: dict) -> pd.DataFrame | None:
    """The saved result (None when the item has none)."""
    result = payload.get("result")
    if not isinstance(result, dict):
        return None
    return pd.DataFrame(result.get("rows") or [], columns=result.get("columns") or [])


def checked_result(cursor, catalog: dict, sql: str, frame: pd.DataFrame) -> dict:
    """What a SQL table is saved with: the checked frame, the rule checks' findings, pending review."""
    findings = rule_checks(sql, frame, catalog, published_totals(cursor, catalog))
    return {"result": encode_result(frame), "findings": [f.to_dict() for f in findings],
            "review": {"status": PENDING}}


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


@dataclass(frozen=True)
class Pending:
    group_name: str
    item: Item


def review_queue(ws: Workspace, course_id: str, statuses: tuple[str, ...] = (PENDING,)) -> list[Pending]:
    """SQL-derived evidence of every group of the course with one of `statuses`, oldest first."""
    found = [Pending(group.name, item) for group in ws.groups(course_id) for item in ws.items(group.group_id, "table")
             if needs_review(item.payload) and status(item.payload) in statuses]
    return sorted(found, key=lambda p: (p.item.updated_at, p.item.item_id))


def approve(ws: Workspace, item: Item, actor: str) -> Item:
    review = {"status": APPROVED, "by": actor, "at": _now()}
    return ws.update_item(item.item_id, {**item.payload, "review": review}, item.version, actor)


def send_back(ws: Workspace, item: Item, actor: str, comment: str) -> Item:
    review = {"status": RETURNED, "by": actor, "at": _now(), "comment": comment.strip()}
    return ws.update_item(item.item_id, {**item.payload, "review": review}, item.version, actor)


def rerun(ws: Workspace, item: Item, actor: str, cursor, catalog: dict) -> Item:
    """Run the saved query again (on the instructor's request): new result and findings, back to pending.

    A query that fails or is refused now raises (UserQueryError / ResultRefused) and changes nothing."""
    sql = item.payload["spec"]["sql"]
    frame = check_query_result(sql, run_user_sql(get_store().published_path, sql).frame, catalog)
    saved = checked_result(cursor, catalog, sql, frame)
    saved["review"] = {"status": PENDING, "by": actor, "at": _now(), "rerun": True}
    return ws.update_item(item.item_id, {**item.payload, **saved}, item.version, actor)


def placeholder(lang: str = "ja") -> str:
    """What an export shows instead of the numbers of SQL evidence not yet approved."""
    return t("output_check.placeholder", lang)


def status_text(payload: dict, lang: str = "ja") -> str:
    """「確認待ち」, 「承認済み（講師）」 or 「差し戻し：comment」 for the member's view."""
    review = payload.get("review") or {}
    state = status(payload)
    return t(f"output_check.status.{state}", lang, by=review.get("by", ""), comment=review.get("comment", ""))
