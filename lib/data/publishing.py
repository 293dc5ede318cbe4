"""Publishing anonymized datasets to trainees, and managing what was published.

A published dataset is a folder var/published/NAME/ with NAME.parquet (or
NAME.geojson) and NAME.yaml, a data dictionary in the format of
datasets/demo/*.yaml (lib.data.catalog), so the catalog and the published DuckDB
pick it up on `refresh_published()`. Nothing is ever lost: replacing or
withdrawing moves the old folder to var/withdrawn/, and every action is appended
to var/publication_log.jsonl (who, what, when, with which settings).
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import yaml

from lib import i18n, settings
from lib.data.anonymize import Plan, identifying_values, k_anonymity, l_diversity, looks_like_dates
from lib.data.catalog import COLUMN_ROLES, load_catalog, load_dictionary
from lib.data.staging import check_name
from lib.data.store import get_store
from lib.errors import WorkbenchError


class PublishError(WorkbenchError):
    """A publication refused; `text(lang)` says why and what to do."""
    key_prefix = "publish.error."


@dataclass
class RuleCheck:
    passed: bool
    k_achieved: int
    l_achieved: int | None
    problems: list[tuple[str, dict]] = field(default_factory=list)

    def messages(self, lang: str = "ja") -> list[str]:
        return [i18n.t(f"publish.error.{key}", lang, **values) for key, values in self.problems]


def log_path() -> Path:
    return settings.data_dir() / "publication_log.jsonl"


def withdrawn_dir() -> Path:
    return settings.data_dir() / "withdrawn"


def check_rule(frame: pd.DataFrame, plan: Plan) -> RuleCheck:
    """Does the data meet the chosen rule (no direct identifiers, k, l)? Measured on the data itself.

    Records about persons are what trainees explore one by one, so the rule's own k may not be less
    than the small-cell threshold of every figure (settings.MIN_CELL): one number for both.
    """
    problems: list[tuple[str, dict]] = []
    if plan.quasi and plan.k < settings.MIN_CELL:
        problems.append(("k_below_threshold", {"k": plan.k, "threshold": settings.MIN_CELL}))
    direct = [c for c, role in plan.classification.items() if role == "direct" and c in frame.columns]
    if direct:
        problems.append(("direct_left", {"columns": "、".join(direct)}))
    # The classification is the instructor's word; the values are checked again, whatever it says.
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    kept = [c for c in frame.columns if c != geometry and c not in direct]
    for column in kept:
        # A list of places names each place once: only text of record-level tables counts as unique.
        unique_counts = geometry is None and not pd.api.types.is_numeric_dtype(frame[column])
        kind = identifying_values(frame[column], one_per_record=unique_counts)
        if kind:
            problems.append((f"values_{kind}", {"column": column}))
    quasi = [c for c in plan.quasi if c in frame.columns]
    missing = [c for c in plan.quasi if c not in frame.columns]
    if missing:
        problems.append(("quasi_missing", {"columns": "、".join(missing)}))
    dates = [c for c in kept if c not in quasi and looks_like_dates(frame[c])]
    if frame.empty:
        problems.append(("empty", {}))
    k = k_anonymity(frame, quasi + dates) if not frame.empty else 0
    if not frame.empty and k < plan.k:
        problems.append(("k_failed", {"k": k, "required": plan.k}))
        if dates:
            problems.append(("dates_counted", {"columns": "、".join(map(str, dates))}))
    l_value = None
    if plan.l and plan.sensitive:
        if plan.sensitive not in frame.columns:
            problems.append(("sensitive_missing", {"column": plan.sensitive}))
        else:
            l_value = l_diversity(frame, quasi + dates, plan.sensitive) if not frame.empty else 0
            if l_value < plan.l:
                problems.append(("l_failed", {"l": l_value, "required": plan.l}))
    return RuleCheck(not problems, k, l_value, problems)


# ---------------------------------------------------------------------------- dictionary
_TYPE_OF_DTYPE = [("geometry", "geometry"), ("datetime", "date"), ("Int", "integer"), ("int", "integer"),
                  ("float", "number"), ("Float", "number"), ("bool", "category")]


def column_type(series: pd.Series, given: str | None = None) -> str:
    if given:
        return given
    dtype = str(series.dtype)
    for fragment, kind in _TYPE_OF_DTYPE:
        if fragment in dtype:
            return kind
    return "category" if series.nunique() <= 30 else "text"


def suggest_roles(frame: pd.DataFrame) -> dict[str, str]:
    """Catalog roles the analysis pages use (area, age_band, sex, year), from names and values."""
    roles = {}
    for column in frame.columns:
        if column == "geometry":
            continue
        name = str(column).lower()
        values = frame[column].dropna().astype(str)
        if values.empty:
            continue
        if values.str.fullmatch(r"\d{11}").all() and ("area" in name or "町丁" in name or "key_code" in name):
            roles[column] = "area"
        elif values.str.fullmatch(r"\d+-\d+|\d+\+").all():
            roles[column] = "age_band"
        elif name in {"district", "地区", "zone"}:
            roles[column] = "district"
        elif name in {"sex", "gender", "性別"}:
            roles[column] = "sex"
        elif name in {"year", "年度", "fiscal_year"} and values.str.fullmatch(r"\d{4}").all():
            roles[column] = "year"
    return roles


# Labels of the column names the workbench itself writes (anonymization targets, e-Stat keys).
KNOWN_LABELS = {"area_code": {"ja": "町丁目コード", "en": "Area code"}, "district": {"ja": "地区", "en": "District"},
                "zone": {"ja": "地区（町丁・字をまとめた区域）", "en": "Zone (merged small areas)"},
                "age_band": {"ja": "年齢階級", "en": "Age band"}, "sex": {"ja": "性別", "en": "Sex"},
                "year": {"ja": "年度", "en": "Year"}, "mesh_code": {"ja": "メッシュコード", "en": "Mesh code"}}


def _known_label(column: str) -> dict | None:
    """A workbench column's label; area_code and district as the city's own 町丁目 table names them
    (a real city's district is its 町・大字, the demo's its 地区)."""
    areas = load_catalog().get("areas")
    if column in {"area_code", "district"} and areas is not None and column in {c.name for c in areas.columns}:
        found = areas.column(column)
        return {"ja": found.label_in("ja"), "en": found.label_in("en")}
    return KNOWN_LABELS.get(column)


def suggest_labels(frame: pd.DataFrame) -> dict[str, dict]:
    """A Japanese label per column: the workbench's own names in words (age bands with their width),
    any other name as it is (a file's own headers are usually Japanese already)."""
    labels = {}
    for column in frame.columns:
        if column == "geometry":
            continue
        label = dict(_known_label(str(column)) or {"ja": str(column), "en": str(column)})
        if column == "age_band":
            widths = {int(hi) - int(lo) + 1 for lo, hi in
                      frame[column].dropna().astype(str).str.extract(r"^(\d+)-(\d+)$").dropna().to_numpy()}
            if len(widths) == 1:
                width = widths.pop()
                label = {"ja": f"年齢（{width}歳階級）", "en": f"Age band ({width} years)"}
        labels[str(column)] = label
    return labels


def build_dictionary(frame: pd.DataFrame, name: str, title: dict, description: dict | None = None,
                     types: dict[str, str] | None = None, roles: dict[str, str] | None = None,
                     labels: dict[str, dict] | None = None, anonymization: dict | None = None,
                     source: dict | None = None, units: dict[str, dict] | None = None,
                     record_unit: dict | None = None) -> dict:
    """A data dictionary (lib.data.catalog format) for a frame about to be published."""
    is_geo = isinstance(frame, gpd.GeoDataFrame)
    types, units = types or {}, units or {}
    labels = {**suggest_labels(frame), **(labels or {})}
    roles = {**suggest_roles(frame), **(roles or {})}
    columns = []
    for column in frame.columns:
        entry = {"name": str(column),
                 "label": labels.get(column) or {"ja": str(column), "en": str(column)},
                 "type": "geometry" if is_geo and column == frame.geometry.name
                 else column_type(frame[column], types.get(column) if types.get(column) != "geometry" else None)}
        if units.get(column):
            entry["unit"] = units[column]
        role = roles.get(column)
        if role in COLUMN_ROLES:
            entry["role"] = role
            if role == "area":
                entry["joins"] = "areas.area_code"  # the 町丁目 boundaries, for maps
        columns.append(entry)
    dictionary = {
        "name": name,
        "file": f"{name}.geojson" if is_geo else f"{name}.parquet",
        "kind": "geo" if is_geo else "table",
        "title": title,
        "description": description or {"ja": "", "en": ""},
        "source": source or {"ja": "講師が取り込み・匿名化して公開",
                             "en": "Imported, anonymized and published by the instructor"},
        "anonymization": anonymization or {"ja": "", "en": ""},
        "columns": columns,
    }
    if record_unit:
        dictionary["record_unit"] = record_unit
    return dictionary


def anonymization_summary(plan: Plan, report: dict | None, labels: dict[str, str] | None = None) -> dict:
    """The dictionary's anonymization text, from the plan and the measured report; columns are
    named by their Japanese `labels` where given."""
    labels = labels or {}
    quasi = "、".join(labels.get(c, c) for c in plan.quasi) or "なし"
    ja = f"直接識別子を削除。準識別子（{quasi}）で k={plan.k} 以上の匿名性"
    en = f"Direct identifiers removed; k={plan.k} anonymity over ({', '.join(plan.quasi) or 'none'})"
    if plan.l and plan.sensitive:
        ja += f"、{plan.sensitive} の l={plan.l} 多様性"
        en += f", l={plan.l} diversity of {plan.sensitive}"
    if report:
        ja += f"。削除したレコード {report.get('records_suppressed', 0):,} 件"
        en += f"; {report.get('records_suppressed', 0):,} records suppressed"
    return {"ja": ja + "。", "en": en + "."}


# ---------------------------------------------------------------------------- log
def _log(action: str, name: str, by: str, **details) -> dict:
    entry = {"at": datetime.now().isoformat(timespec="seconds"), "action": action, "dataset": name,
             "by": by or "", **details}
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:  # append-only
        handle.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
    return entry


def publication_log(name: str | None = None) -> list[dict]:
    path = log_path()
    if not path.exists():
        return []
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [e for e in entries if name is None or e.get("dataset") == name]


# ---------------------------------------------------------------------------- publish / manage
def dataset_dir(name: str) -> Path:
    return settings.published_sources_dir() / name


def published_names() -> list[str]:
    return sorted(n for n, ds in load_catalog().items() if ds.origin == "published")


def _keep_copy(name: str, why: str) -> Path:
    """Move the published folder aside (withdrawn/NAME-<time>-<why>); never delete it."""
    source = dataset_dir(name)
    target = withdrawn_dir() / f"{name}-{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}-{why}"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(source), str(target))
    return target


def _write(frame: pd.DataFrame, dictionary: dict, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = dictionary["name"]
    if dictionary["kind"] == "geo":
        frame.to_crs(4326).to_file(folder / f"{name}.geojson", driver="GeoJSON")
    else:
        plain = pd.DataFrame(frame)
        for column in plain.columns:  # categories back to their own type (numbers stay numbers)
            if isinstance(plain[column].dtype, pd.CategoricalDtype):
                categories = plain[column].cat.categories
                kind = categories.dtype if pd.api.types.is_numeric_dtype(categories.dtype) else "string"
                plain[column] = plain[column].astype(kind)
        plain.to_parquet(folder / f"{name}.parquet", index=False)
    (folder / f"{name}.yaml").write_text(
        yaml.safe_dump(dictionary, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_dictionary(folder / f"{name}.yaml", "published")  # refuse a dictionary the catalog cannot read


def publish(frame: pd.DataFrame, dictionary: dict, plan: Plan, *, published_by: str,
            report: dict | None = None, replace: bool = False, store=None) -> dict:
    """Check the rule, write the files, log it and rebuild the published database."""
    name = dictionary["name"]
    try:
        check_name(name)
    except ValueError as exc:
        raise PublishError("bad_name", name=name) from exc
    check = check_rule(frame, plan)
    if not check.passed:
        raise PublishError("rule_failed", reasons=" ".join(check.messages("ja")))
    exists = dataset_dir(name).exists()
    if exists and not replace:
        raise PublishError("exists", name=name)
    if plan.quasi:  # record-level data about persons: the rule it met, for the catalog and the small-cell rule
        dictionary = {**dictionary, "privacy": {"persons": "records", "quasi_identifiers": plan.quasi,
                                                "sensitive": plan.sensitive, "k": plan.k, "l": plan.l}}
    staging = settings.data_dir() / "publishing" / name
    shutil.rmtree(staging, ignore_errors=True)
    _write(frame, dictionary, staging)  # fully written before anything published is touched
    kept = str(_keep_copy(name, "replaced")) if exists else None
    dataset_dir(name).parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(staging), str(dataset_dir(name)))
    entry = _log("replace" if exists else "publish", name, published_by, rows=len(frame),
                 columns=[str(c) for c in frame.columns], plan=plan.to_dict(), report=report,
                 k_achieved=check.k_achieved, l_achieved=check.l_achieved, previous_copy=kept)
    (store or get_store()).refresh_published()
    return entry


def publish_public_statistics(datasets: list[tuple[pd.DataFrame, dict]], *, published_by: str, source: str,
                              store=None, withdraw: tuple[str, ...] = (), reason: str = "") -> list[dict]:
    """Publish frames that hold no records of persons (boundaries, published census counts).

    No anonymization rule applies; everything else is as `publish`: all files are written before
    anything published is touched, a dataset replaced is kept in withdrawn/, and each is logged.
    The datasets named in `withdraw` are taken away in the same step (kept in withdrawn/, logged with
    `reason`), so trainees never see the new ones beside stale ones.
    """
    staged = []
    for frame, dictionary in datasets:
        name = check_name(dictionary["name"])
        staging = settings.data_dir() / "publishing" / name
        shutil.rmtree(staging, ignore_errors=True)
        _write(frame, dictionary, staging)
        staged.append((frame, name, staging))
    entries = []
    for frame, name, staging in staged:
        exists = dataset_dir(name).exists()
        kept = str(_keep_copy(name, "replaced")) if exists else None
        dataset_dir(name).parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), str(dataset_dir(name)))
        entries.append(_log("replace" if exists else "publish", name, published_by, rows=len(frame),
                            columns=[str(c) for c in frame.columns], source=source, previous_copy=kept))
    for name in withdraw:
        if dataset_dir(name).exists():
            kept = _keep_copy(name, "withdrawn")
            entries.append(_log("withdraw", name, published_by, reason=reason, copy=str(kept)))
    (store or get_store()).refresh_published()
    return entries


def edit_dictionary(name: str, changes: dict, edited_by: str, store=None) -> dict:
    """Change title / description / anonymization text and column labels, units, descriptions, roles."""
    path = dataset_dir(name) / f"{name}.yaml"
    if not path.exists():
        raise PublishError("not_published", name=name)
    original = path.read_text(encoding="utf-8")
    data = yaml.safe_load(original)
    for key in ("title", "description", "anonymization", "source", "themes", "record_unit"):
        if key in changes:
            data[key] = changes[key]
    column_changes = changes.get("columns", {})
    for column in data["columns"]:
        for key, value in column_changes.get(column["name"], {}).items():
            if key in {"label", "unit", "description", "role"}:
                if value in (None, ""):
                    column.pop(key, None)
                else:
                    column[key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    try:
        load_dictionary(path, "published")
    except ValueError as exc:
        path.write_text(original, encoding="utf-8")
        raise PublishError("bad_dictionary", detail=str(exc)) from exc
    entry = _log("edit_dictionary", name, edited_by, changes=changes)
    (store or get_store()).refresh_published()
    return entry


def withdraw(name: str, withdrawn_by: str, reason: str = "", store=None) -> dict:
    """Take a dataset away from trainees; its files are kept in withdrawn/."""
    if not dataset_dir(name).exists():
        raise PublishError("not_published", name=name)
    kept = _keep_copy(name, "withdrawn")
    entry = _log("withdraw", name, withdrawn_by, reason=reason, copy=str(kept))
    (store or get_store()).refresh_published()
    return entry


def kept_copies(name: str | None = None) -> list[Path]:
    folder = withdrawn_dir()
    if not folder.exists():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and (name is None or p.name.startswith(name + "-")))


def restore(copy: Path, restored_by: str, store=None) -> dict:
    """Publish a kept copy again (the current version, if any, is kept in turn)."""
    yaml_files = list(Path(copy).glob("*.yaml"))
    if not yaml_files:
        raise PublishError("not_published", name=Path(copy).name)
    name = yaml_files[0].stem
    if dataset_dir(name).exists():
        _keep_copy(name, "replaced")
    shutil.copytree(copy, dataset_dir(name))
    entry = _log("restore", name, restored_by, copy=str(copy))
    (store or get_store()).refresh_published()
    return entry
