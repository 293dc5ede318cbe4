"""The privacy checklist: the record a municipality keeps of a decision to let a dataset be used.

Part (ア) of the 2018 call: how far personal data must be processed before other departments
(and trainees) may use it. For one dataset — being prepared, already published, or a demo
table — the checklist states the identifiers removed, the quasi-identifiers and how they were
generalized, the sensitive column, k and l required and achieved, records and values suppressed,
the small-cell rule on every output, whether the records meet it (k ≥ the same threshold), who may
see what (published data, SQL, output checking of what leaves the room) and who may see the data; the
instructor adds who decided, when, and what they confirmed. It prints as an HTML page and downloads as CSV.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from lib.analysis.disclosure import MIN_CELL, achieved_k_l, declared_rule, persons_basis
from lib.data.anonymize import describe_generalization, describe_steps
from lib.data.catalog import Dataset
from lib.data.publishing import publication_log
from lib.i18n import t
from lib.table_export import csv_bytes

CONFIRMATIONS = ("purpose", "free_text", "no_export", "raw_kept_apart", "withdraw")


@dataclass
class Checklist:
    title: str
    rows: list[tuple[str, str]]  # (item, what was done)
    confirmed: dict[str, bool] = field(default_factory=dict)
    decided_by: str = ""
    decided_on: str = ""


def _join(values, lang: str) -> str:
    values = [str(v) for v in values if v not in (None, "")]
    return ("、" if lang == "ja" else ", ").join(values) if values else t("checklist.none", lang)


def _generalization_text(plan: dict, report: dict | None, lang: str) -> str:
    parts = [t("checklist.generalize_kind", lang, column=c, kind=describe_generalization(spec, lang))
             for c, spec in (plan.get("generalize") or {}).items()]
    steps = (report or {}).get("steps") or []
    if steps:
        described = describe_steps(steps, (report or {}).get("renamed"), lang)
        parts.append(t("checklist.further_steps", lang, columns=_join(described, lang)))
    blanked = (report or {}).get("values_blanked") or {}
    if blanked:
        parts.append(t("checklist.blanked", lang, detail=_join((f"{c} {n:,}" for c, n in blanked.items()), lang)))
    return _join(parts, lang)


def who_sees_what(lang: str = "ja") -> str:
    """The one statement of who may see what (also in README): published data, SQL, what leaves the room."""
    return t("checklist.who_sees", lang, threshold=MIN_CELL)


def _threshold_row(k_done, lang: str) -> list[tuple[str, str]]:
    """Whether the records meet the small-cell threshold on their quasi-identifiers (k ≥ MIN_CELL)."""
    if k_done in (None, "", "-"):
        return []
    key = "checklist.k_meets" if int(k_done) >= MIN_CELL else "checklist.k_below"
    return [(t("checklist.item.k_threshold", lang, threshold=MIN_CELL), t(key, lang, k=k_done, threshold=MIN_CELL))]


def _common_rows(lang: str, audience: str) -> list[tuple[str, str]]:
    return [(t("checklist.item.small_cells", lang), t("checklist.small_cells", lang, threshold=MIN_CELL)),
            (t("checklist.item.who_sees", lang), who_sees_what(lang)),
            (t("checklist.item.audience", lang), audience or t("checklist.audience_default", lang))]


def from_anonymization(name: str, title: str, plan: dict, report: dict | None, lang: str = "ja",
                       audience: str = "", published: dict | None = None) -> Checklist:
    """A dataset anonymized by the instructor (being prepared, or published: `published` = its log entry)."""
    classification = plan.get("classification") or {}
    report = report or {}
    quasi = report.get("quasi_identifiers") or [c for c, role in classification.items() if role == "quasi"]
    removed = report.get("removed_columns") or [c for c, role in classification.items() if role == "direct"]
    k_done = (published or {}).get("k_achieved", report.get("k_achieved"))
    l_done = (published or {}).get("l_achieved", report.get("l_achieved"))
    rows = [
        (t("checklist.item.dataset", lang), f"{title}（{name}）"),
        (t("checklist.item.records", lang), t("checklist.records", lang, records_in=report.get("records_in", "-"),
                                              records_out=report.get("records_out", "-"))),
        (t("checklist.item.removed", lang), _join(removed, lang)),
        (t("checklist.item.quasi", lang), _join(quasi, lang)),
        (t("checklist.item.generalization", lang), _generalization_text(plan, report, lang)),
        (t("checklist.item.sensitive", lang), plan.get("sensitive") or t("checklist.none", lang)),
        (t("checklist.item.k", lang), t("checklist.required_achieved", lang, required=plan.get("k"), achieved=k_done)),
        (t("checklist.item.l", lang), t("checklist.required_achieved", lang, required=plan.get("l"), achieved=l_done)
         if plan.get("l") else t("checklist.none", lang)),
        (t("checklist.item.suppressed", lang), f"{report.get('records_suppressed', 0):,}"),
    ] + _threshold_row(k_done, lang) + _common_rows(lang, audience)
    if published:
        rows.append((t("checklist.item.published", lang),
                     t("checklist.published", lang, by=published.get("by", ""), at=published.get("at", ""))))
    return Checklist(title, rows)


def from_dataset(cursor, ds: Dataset, lang: str = "ja", audience: str = "") -> Checklist:
    """A demo (or other catalog) dataset, from its dictionary and the table as published."""
    rule = declared_rule(ds)
    k_done, l_done = achieved_k_l(cursor, ds)
    title = ds.title_in(lang)
    rows = [
        (t("checklist.item.dataset", lang), f"{title}（{ds.name}）"),
        (t("checklist.item.unit", lang), ds.record_unit_in(lang) or "-"),
        (t("checklist.item.processing", lang), ds.anonymization_in(lang) or "-"),
        (t("checklist.item.quasi", lang), _join(rule.get("quasi_identifiers") or [], lang)),
        (t("checklist.item.sensitive", lang), rule.get("sensitive") or t("checklist.none", lang)),
        (t("checklist.item.k", lang), t("checklist.required_achieved", lang, required=rule["k"], achieved=k_done)
         if rule.get("k") else t("checklist.none", lang)),
        (t("checklist.item.l", lang), t("checklist.required_achieved", lang, required=rule["l"], achieved=l_done)
         if rule.get("l") else t("checklist.none", lang)),
    ] + _threshold_row(k_done, lang)
    if persons_basis(ds) is None:
        rows.append((t("checklist.item.small_cells", lang), t("checklist.not_persons", lang)))
        rows.append((t("checklist.item.audience", lang), audience or t("checklist.audience_default", lang)))
    else:
        rows += _common_rows(lang, audience)
    return Checklist(title, rows)


def for_dataset(cursor, ds: Dataset, lang: str = "ja", audience: str = "") -> Checklist:
    """The checklist of a catalog dataset: from its publication record when an instructor published it."""
    published = [e for e in publication_log(ds.name) if e.get("action") in ("publish", "replace")]
    if ds.origin == "published" and published and published[-1].get("plan"):
        entry = published[-1]
        return from_anonymization(ds.name, ds.title_in(lang), entry["plan"], entry.get("report"), lang, audience,
                                  published=entry)
    return from_dataset(cursor, ds, lang, audience)


def with_decision(checklist: Checklist, confirmed: dict[str, bool], decided_by: str, decided_on: str) -> Checklist:
    return Checklist(checklist.title, checklist.rows, dict(confirmed), decided_by.strip(), decided_on.strip())


def _all_rows(checklist: Checklist, lang: str) -> list[tuple[str, str]]:
    marks = [(t(f"checklist.confirm.{key}", lang),
              t("checklist.yes" if checklist.confirmed.get(key) else "checklist.no", lang)) for key in CONFIRMATIONS]
    decision = [(t("checklist.item.decided_by", lang), checklist.decided_by or "-"),
                (t("checklist.item.decided_on", lang), checklist.decided_on or "-")]
    return checklist.rows + marks + decision


def checklist_frame(checklist: Checklist, lang: str = "ja") -> pd.DataFrame:
    return pd.DataFrame(_all_rows(checklist, lang), columns=[t("checklist.col.item", lang),
                                                             t("checklist.col.value", lang)])


def checklist_csv(checklist: Checklist, lang: str = "ja") -> bytes:
    return csv_bytes(checklist_frame(checklist, lang))


def checklist_html(checklist: Checklist, lang: str = "ja") -> bytes:
    """A self-contained page to print and file (no external resources)."""
    rows = "\n".join(f"<tr><th>{html.escape(item)}</th><td>{html.escape(str(value))}</td></tr>"
                     for item, value in _all_rows(checklist, lang))
    heading = html.escape(t("checklist.heading", lang, title=checklist.title))
    page = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{heading}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;width:100%}}
th,td{{border:1px solid #888;padding:.4em;text-align:left;vertical-align:top}}th{{width:30%;background:#eee}}
@media print{{body{{margin:0}}}}</style></head>
<body><h1>{heading}</h1><p>{html.escape(t("checklist.lead", lang))}</p><table>
{rows}
</table></body></html>
"""
    return page.encode("utf-8")
