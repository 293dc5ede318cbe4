"""The demo's record-level tables pass through the workbench's own anonymize flow before they
are written, so the published demo meets the rule it teaches: k-anonymity on the
quasi-identifiers its dictionary declares, l-diversity of the declared sensitive column.

The dictionary's `privacy` block is the single statement of that rule; the plan here adds
only how to get there (which columns keep their detail, which categories are grouped).
"""
from __future__ import annotations

import pandas as pd

from lib.data.anonymize import Plan, anonymize

# How each record-level table is brought to its rule. Area codes and age bands keep their
# detail (the map joins on 町丁目, the exercises count 65+); in the records of groups that
# still break the rule, sex (then age band / household) is blanked so that the record still
# counts; only what breaks it after that is removed. Survey households are first grouped into
# living alone / with others.
HOW = {
    "care_certification": {"keep_detail": ["year", "area_code", "age_band"], "blank_order": ["sex", "age_band"],
                           "renumber": ("record_id", "CR", 6)},
    "survey": {"keep_detail": ["age_band", "district"], "blank_order": ["sex", "household"],
               "generalize": {"household": {"kind": "recode", "values": {
                   "夫婦のみ": "2人以上", "親と子": "2人以上", "三世代": "2人以上", "その他": "2人以上"}}},
               "renumber": ("respondent_id", "R", 5)},
}


def plan_for(privacy: dict, columns: list[str], how: dict) -> Plan:
    quasi = set(privacy["quasi_identifiers"])
    classification = {c: "quasi" if c in quasi else "sensitive" if c == privacy.get("sensitive") else "other"
                      for c in columns}
    return Plan(classification, k=privacy["k"], l=privacy.get("l"), sensitive=privacy.get("sensitive"),
                method="generalize", max_suppression=how.get("max_suppression", 0.05),
                generalize=how.get("generalize", {}), keep_detail=how.get("keep_detail", []),
                blank_order=how.get("blank_order", []))


def publish_records(name: str, frame: pd.DataFrame, privacy: dict) -> pd.DataFrame:
    """The table as the demo publishes it; raises if the rule is not met."""
    how = HOW[name]
    plan = plan_for(privacy, list(frame.columns), how)
    safe, report = anonymize(frame, plan)
    if not report.passed:
        raise ValueError(f"{name}: k={report.k_achieved}, l={report.l_achieved} do not meet the declared rule")
    for column in safe.columns:  # plain text again, as the other demo tables store it
        if isinstance(safe[column].dtype, pd.CategoricalDtype):
            safe[column] = safe[column].astype(frame[column].dtype if column in frame else "string")
    id_column, prefix, digits = how["renumber"]
    # Suppression leaves gaps; numbering again keeps ids meaningless (the order was random already).
    safe[id_column] = [f"{prefix}{i + 1:0{digits}d}" for i in range(len(safe))]
    return safe[list(frame.columns)]
