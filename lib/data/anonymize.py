"""Anonymization of record-level data before it is published to trainees.

The pipeline (all vectorized pandas; a million records in seconds):
1. classify columns: direct identifiers are removed, quasi-identifiers are
   generalized, sensitive attributes are kept (`suggest_classification`);
2. generalize: age / birth date → 5- or 10-year bands with top-coding,
   address → 町丁目 code or JIS mesh, rare categories merged;
3. k-anonymity over the quasi-identifiers: groups smaller than k are
   generalized further (wider bands, coarser areas, merged categories) and
   what still breaks the rule is suppressed; optional l-diversity;
4. a report: k and l achieved, records suppressed, information lost.
Aggregate tables are protected separately (lib.data.small_cells).

Over 400 lines on purpose: the steps above share the plan, the generalization ladder and the
k / l measures; classification hints and small-cell suppression already live apart.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Callable

import jismesh.utils as ju
import numpy as np
import pandas as pd

from lib import settings
from lib.data.catalog import ZONE_COLUMN
from lib.data.jp_cleaning import match_area_names, wareki_dates, wareki_to_date
from lib.i18n import t

CLASSES = ["direct", "quasi", "sensitive", "other"]
OTHER_LABEL = "その他"

_DIRECT_NAMES = re.compile(
    r"(氏名|名前|姓|フリガナ|ふりがな|カナ氏名|name|電話|tel|phone|携帯|メール|mail|住所|address|番地|"
    r"被保険者番号|保険者番号|個人番号|マイナンバー|宛名番号|住民票コード|世帯番号|受給者番号|証番号|"
    r"record_id|person_id|^id$)", re.I)
_QUASI_NAMES = re.compile(
    r"(生年月日|誕生|birth|年齢|age|性別|sex|gender|町丁|地区|校区|area|district|国籍|nationality|"
    r"世帯|household|職業|job|婚姻|mesh|メッシュ|緯度|経度|lat|lon)", re.I)
_SENSITIVE_NAMES = re.compile(
    r"(要介護|介護度|care_level|病|疾患|障害|診断|所得|収入|income|税|生活保護|宗教|犯罪|"
    r"サービス|service|支援|給付|利用額)", re.I)
# Values are matched after NFKC (full-width digits and letters, half-width kana made ordinary).
_PHONE = re.compile(r"^(\+81-?|0)\d{1,4}-?\d{1,4}-?\d{3,4}$")
_PHONE_SEPARATORS = re.compile(r"[\s()‐‑–—―ー−-]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# 姓 名 with a space between, in kanji or in kana (as 氏名 and フリガナ columns are written), or in romaji.
_PERSON_NAME = re.compile(r"^[一-龥々〆ヶ]{1,5} +[一-龥々〆ヶぁ-んァ-ヶー]{1,6}$|^[ァ-ヶー]{1,8} +[ァ-ヶー]{1,8}$|"
                          r"^[A-Z][A-Za-z]+,? +[A-Z][A-Za-z]+$")
# Katakana names written without a space (スズキマコト): told from katakana categories (サロン, デイサービス)
# by how many different values there are.
_KANA_NAME = re.compile(r"^[ァ-ヶー]{3,12}$")
_MANY_NAMES = 50
# A place and a house number: 1番地, 2番3号, 4-5-6 after a 市・町・丁目・字…
_ADDRESS = re.compile(r"[都道府県市区町村目字].*(?:番地|\d+番(?:\d+号?)?|\d+号|\d+-\d+)")
_DATE_TEXT = re.compile(
    r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?$|^\d{1,2}/\d{1,2}/\d{4}$|^[MTSHRmtshr]\d{1,2}\.\d{1,2}\.\d{1,2}$|"
    r"^(明治|大正|昭和|平成|令和)[\d元]{1,2}年\d{1,2}月\d{1,2}日$"
)
_BORN = re.compile(r"(生まれ|生)$")
_MOSTLY = 0.5  # share of values that makes a column one of these kinds
# Nearly one value per record: names in any script, addresses, numbers. Free text (sentences) is not.
_NEARLY_UNIQUE = 0.8
_SHORT_TEXT = 40
_SENTENCE = re.compile(r"[。、！？!?]")
_NUMBER = re.compile(r"[-+]?[\d,]+(\.\d+)?")


def _text_sample(values: pd.Series) -> pd.Series:
    return values.dropna().astype(str).str.strip().head(1000)


def _normalized(sample: pd.Series) -> pd.Series:
    return sample.map(lambda v: unicodedata.normalize("NFKC", v).strip())


def _nearly_unique_short_text(values: pd.Series) -> bool:
    """Nearly one value per record, short, not sentences; numbers written as text (amounts, counts) only
    when they are all different or all of one width, as record numbers are."""
    present = values.dropna().astype(str)
    if len(present) < 20 or present.nunique() < _NEARLY_UNIQUE * len(present):
        return False
    sample = present.head(1000)
    if sample.str.fullmatch(_NUMBER).mean() > _MOSTLY:
        lengths = sample.str.len()
        return present.nunique() == len(present) or bool((lengths == lengths.mode()[0]).mean() > 0.9 and
                                                         lengths.mode()[0] >= 6)
    return sample.str.len().median() <= _SHORT_TEXT and sample.str.contains(_SENTENCE).mean() <= 0.1


def identifying_values(values: pd.Series, one_per_record: bool = True) -> str | None:
    """What makes these values point at people, whatever the column is called: phone, email, person_name,
    address (with a house number), unique (nearly one value per record), or None.

    `one_per_record`: the rows are records of persons (a list of places may name and locate each place).
    """
    sample = _normalized(_text_sample(values))
    if sample.empty:
        return None
    phones = sample.str.replace(_PHONE_SEPARATORS, "-", regex=True)
    checks = [("phone", phones, _PHONE), ("email", sample, _EMAIL), ("person_name", sample, _PERSON_NAME)]
    for kind, texts, pattern in checks:
        if texts.str.match(pattern).mean() > _MOSTLY:
            return kind
    if sample.str.match(_KANA_NAME).mean() > _MOSTLY and sample.nunique() >= max(_MANY_NAMES, len(sample) // 5):
        return "person_name"
    if one_per_record and sample.str.contains(_ADDRESS).mean() > _MOSTLY:
        return "address"
    if one_per_record and _nearly_unique_short_text(values):
        return "unique"
    return None


def looks_like_dates(values: pd.Series) -> bool:
    """Exact dates in any form (2024/4/1, 5/4/1949, 19490504, 昭和24年5月4日生, R6.4.1): a quasi-identifier
    by default, since a date and an area find a person."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    sample = _normalized(_text_sample(values)).str.replace(_BORN, "", regex=True)
    if sample.empty:
        return False
    compact = pd.to_datetime(sample.where(sample.str.fullmatch(r"\d{8}")), format="%Y%m%d", errors="coerce")
    compact = compact.notna() & compact.dt.year.between(1868, 2100)
    return bool((sample.str.match(_DATE_TEXT) | compact).mean() > _MOSTLY)


def suggest_class(name: str, values: pd.Series) -> str:
    """A suggested class for one column from its name, then its values."""
    if _DIRECT_NAMES.search(name):
        return "direct"
    if _SENSITIVE_NAMES.search(name):
        return "sensitive"
    if _QUASI_NAMES.search(name):
        return "quasi"
    if identifying_values(values):
        return "direct"
    if looks_like_dates(values) or _mostly_dates(_text_sample(values)):
        return "quasi"  # an exact date (認定日, 転入日…) narrows a person down like a birth date
    return "other"


def _mostly_dates(sample: pd.Series) -> bool:
    """Most values are dates, in any form a Japanese file uses (2025/02/08, R6.12.27, 昭和27年7月15日)."""
    head = sample.head(100)
    return bool(len(head)) and sum(wareki_to_date(v)[0] is not None for v in head) >= 0.8 * len(head)


def suggest_classification(frame: pd.DataFrame) -> dict[str, str]:
    return {str(c): suggest_class(str(c), frame[c]) for c in frame.columns if c != "geometry"}


# ---------------------------------------------------------------------------- generalization
def age_band_labels(width: int = 5, top: int = 90) -> list[str]:
    return [f"{lo}-{lo + width - 1}" for lo in range(0, top, width)] + [f"{top}+"]


def age_bands(ages: pd.Series, width: int = 5, top: int = 90) -> pd.Series:
    """Ages → '0-4' … '85-89', '90+' (width 5) or '0-9' … '80-89', '90+' (width 10); ordered."""
    numbers = pd.to_numeric(ages, errors="coerce")
    labels = age_band_labels(width, top)
    index = np.minimum(np.floor_divide(numbers.to_numpy(dtype=float, na_value=np.nan), width),
                       top // width)
    codes = np.where(np.isnan(index) | (numbers.to_numpy(dtype=float, na_value=np.nan) < 0), -1, index).astype(int)
    return pd.Series(pd.Categorical.from_codes(codes, categories=labels, ordered=True), index=ages.index)


def ages_on(birth_dates: pd.Series, reference: date) -> pd.Series:
    """Age in whole years on `reference` (vectorized; birth dates as ISO text or datetimes)."""
    born = pd.to_datetime(birth_dates, errors="coerce")
    years = reference.year - born.dt.year
    before_birthday = (born.dt.month > reference.month) | (
        (born.dt.month == reference.month) & (born.dt.day > reference.day))
    return (years - before_birthday.astype("Int64")).astype("Int64")


def lonlat_to_mesh(lat: pd.Series, lon: pd.Series, level: int = 4) -> pd.Series:
    """JIS X 0410 mesh codes (level 3 = 1 km, 4 = 500 m, 5 = 250 m) via jismesh."""
    lat_v = pd.to_numeric(lat, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    lon_v = pd.to_numeric(lon, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    ok = ~(np.isnan(lat_v) | np.isnan(lon_v))
    out = pd.Series(pd.NA, index=lat.index, dtype="string")
    if ok.any():
        lats, lons = lat_v[ok], lon_v[ok]
        # jismesh turns a one-element result into a scalar with np.asscalar (gone in NumPy 2): pad.
        codes = np.asarray(ju.to_meshcode(np.append(lats, lats[:1]), np.append(lons, lons[:1]), level))[:-1]
        out[ok] = codes.astype("int64").astype(str)
    return out


def merge_rare(values: pd.Series, min_count: int, other: str = OTHER_LABEL) -> pd.Series:
    """Categories with fewer than `min_count` records become `other`."""
    counts = values.value_counts()
    rare = counts.index[counts < min_count]
    if len(rare) == 0:
        return values
    text = values.astype("string")
    return text.mask(text.isin(rare.astype(str)), other)


def widen_bands(bands: pd.Series) -> pd.Series:
    """'0-4','5-9' → '0-9'; '0-9','10-19' → '0-19'. The top band ('90+') widens too, and takes in the
    bands that would reach into it ('80-99' and '90+' would overlap: both become '80+')."""
    text = bands.astype("string")
    distinct = pd.unique(text.dropna())
    ranges = {label: (int(m.group(1)), int(m.group(2))) for label in distinct
              if (m := re.match(r"^(\d+)-(\d+)$", label))}
    tops = [int(m.group(1)) for label in distinct if (m := re.match(r"^(\d+)\+$", label))]
    width = max((hi - lo + 1) * 2 for lo, hi in ranges.values()) if ranges else 0
    top = min(tops) - min(tops) % width if tops and width else None
    mapping = {label: label for label in distinct}
    if top is not None:
        mapping.update({label: f"{top}+" for label in distinct if re.match(r"^\d+\+$", label)})
    for label, (lo, _hi) in ranges.items():
        new_lo = lo - lo % width
        mapping[label] = f"{top}+" if top is not None and new_lo >= top else f"{new_lo}-{new_lo + width - 1}"
    return text.map(mapping)


def coarser_area_code(codes: pd.Series) -> pd.Series:
    """An 11-digit 町丁目 code → its 町 (丁目 digits set to 00); a mesh code → the parent mesh."""
    text = codes.astype("string")
    is_area = text.str.len() == 11
    out = text.copy()
    out[is_area] = text[is_area].str[:9] + "00"
    is_mesh = text.str.len().isin([9, 10])  # 500 m / 250 m mesh → 1 km (first 8 digits)
    out[is_mesh] = text[is_mesh].str[:8]
    return out


def district_of_codes(areas: pd.DataFrame) -> Callable[[pd.Series], pd.Series]:
    """A step mapping 町丁目 (or 町) codes to the district (地区) they lie in."""
    by_town = dict(zip(areas["area_code"].astype(str).str[:9], areas["district"].astype(str), strict=True))

    def to_district(codes: pd.Series) -> pd.Series:
        text = codes.astype("string")
        return text.str[:9].map(by_town).fillna(text)

    return to_district


def _date_to(length: int) -> Callable[[pd.Series], pd.Series]:
    """A step cutting dates (西暦 or 和暦) to ISO text of `length`: 7 = year-month, 4 = year."""
    def cut(values: pd.Series) -> pd.Series:
        text = values.astype("string")
        # Text an earlier step already cut ("2024-12") is no date to wareki_dates: it is cut as it is.
        return wareki_dates(text).values.astype("string").fillna(text).str[:length]
    return cut


def zone_of_codes(areas: pd.DataFrame) -> Callable[[pd.Series], pd.Series]:
    """A step mapping 町丁・字 codes to the zone (lib.data.zones) they lie in."""
    by_code = dict(zip(areas["area_code"].astype(str), areas["zone"].astype(str), strict=True))

    def to_zone(codes: pd.Series) -> pd.Series:
        text = codes.astype("string")
        return text.map(by_code).fillna(text)

    return to_zone


Ladder = list[tuple[str, Callable[[pd.Series], pd.Series]]]
# Steps that turn codes into 地区 or zone names; the column is then renamed (its values are no codes any more).
DISTRICT_STEP, DISTRICT_COLUMN = "district", "district"
ZONE_STEP = "zone"
RENAMED_BY_STEP = {DISTRICT_STEP: DISTRICT_COLUMN, ZONE_STEP: ZONE_COLUMN}


def default_ladder(values: pd.Series, k: int, areas: pd.DataFrame | None = None) -> Ladder:
    """Further generalization steps for a quasi-identifier, mildest first, each as (kind, step);
    the last ones merge rare values. The kinds name the steps in the report (anon.step.<kind>)."""
    distinct = values.cat.categories if isinstance(values.dtype, pd.CategoricalDtype) else pd.unique(values.dropna())
    text = pd.Series(distinct, dtype=object).astype(str)  # the distinct values decide, not every record
    by_share = [
        ("rare", lambda s: merge_rare(s, k)),
        ("rare_share", lambda s: merge_rare(s, max(k, int(0.1 * len(s))))),
    ]
    if len(text) and text.str.match(r"^\d+-\d+$|^\d+\+$").mean() > 0.9:
        return [("bands", widen_bands), ("bands", widen_bands)] + by_share
    if looks_like_dates(text):
        return [("month", _date_to(7)), ("year", _date_to(4))] + by_share
    if len(text) and text.str.match(r"^\d{8,11}$").all():
        if areas is not None and "zone" in areas.columns:
            # The city's zones hold at least 10 × k records each (lib.data.zones): the area stops there and
            # the other columns widen, so the published data keeps a column the map can draw.
            return [(ZONE_STEP, zone_of_codes(areas))]
        steps = [("coarser_code", coarser_area_code)]
        if areas is not None and "district" in areas.columns and text.str.len().eq(11).all():
            steps.append((DISTRICT_STEP, district_of_codes(areas)))
        return steps + by_share
    return by_share


# ---------------------------------------------------------------------------- measures
def _group_sizes(frame: pd.DataFrame, quasi: list[str]) -> pd.Series:
    """For each record, how many records share its quasi-identifier values."""
    if not quasi:
        return pd.Series(len(frame), index=frame.index)
    codes = frame.groupby(quasi, dropna=False, observed=True, sort=False).ngroup().to_numpy()
    return pd.Series(np.bincount(codes)[codes], index=frame.index)


def k_anonymity(frame: pd.DataFrame, quasi: list[str]) -> int:
    """The smallest number of records sharing one combination of quasi-identifiers."""
    if frame.empty:
        return 0
    return int(frame.groupby(quasi, dropna=False, observed=True, sort=False).size().min()) if quasi else len(frame)


def l_diversity(frame: pd.DataFrame, quasi: list[str], sensitive: str) -> int:
    """The smallest number of distinct sensitive values within one quasi-identifier group."""
    if frame.empty:
        return 0
    if not quasi:
        return int(frame[sensitive].nunique(dropna=False))
    return int(frame.groupby(quasi, dropna=False, observed=True, sort=False)[sensitive]
               .nunique(dropna=False).min())


def _l_per_record(frame: pd.DataFrame, quasi: list[str], sensitive: str) -> pd.Series:
    return frame.groupby(quasi, dropna=False, observed=True, sort=False)[sensitive].transform(
        lambda s: s.nunique(dropna=False)) if len(frame) < 50_000 else _l_per_record_fast(frame, quasi, sensitive)


def _l_per_record_fast(frame: pd.DataFrame, quasi: list[str], sensitive: str) -> pd.Series:
    group = frame.groupby(quasi, dropna=False, observed=True, sort=False).ngroup()
    pairs = pd.DataFrame({"g": group.to_numpy(), "s": frame[sensitive].astype("string").fillna("\0").to_numpy()})
    distinct = pairs.drop_duplicates().groupby("g").size()
    return pd.Series(distinct.reindex(group.to_numpy()).to_numpy(), index=frame.index)


# ---------------------------------------------------------------------------- the pipeline
@dataclass
class Plan:
    """The instructor's choices; JSON-serializable so that publishing can log them."""
    classification: dict[str, str]
    k: int = settings.MIN_CELL  # one number: k of the records = the small-cell threshold of every figure
    l: int | None = None
    sensitive: str | None = None
    method: str = "generalize"  # or "suppress"
    max_suppression: float = 0.05  # generalize further while more than this share would be suppressed
    generalize: dict[str, dict] = field(default_factory=dict)  # column -> {"kind": ..., options}
    # Quasi-identifiers never coarsened further (e.g. area codes a map joins on): what breaks k there is suppressed.
    keep_detail: list[str] = field(default_factory=list)
    # Local suppression: in records that still break the rule, these values are blanked, one column at a
    # time, before whole records are removed (the record still counts, e.g. in its area's total).
    blank_order: list[str] = field(default_factory=list)

    @property
    def quasi(self) -> list[str]:
        return [c for c, role in self.classification.items() if role == "quasi"]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    k_required: int
    k_achieved: int
    l_required: int | None
    l_achieved: int | None
    records_in: int
    records_out: int
    records_suppressed: int
    removed_columns: list[str]
    quasi_identifiers: list[str]
    steps: list[list[str]]  # further generalizations applied, in order: [column, kind]
    distinct_before: dict[str, int]
    distinct_after: dict[str, int]
    classification: dict[str, str] = field(default_factory=dict)  # after generalization renamed columns
    values_blanked: dict[str, int] = field(default_factory=dict)  # local suppression, per column
    renamed: dict[str, str] = field(default_factory=dict)  # a column now holding 地区 names → "district"

    @property
    def coarsened(self) -> list[str]:
        """The columns generalized further, in the order first touched."""
        return list(dict.fromkeys(column for column, _kind in self.steps))

    @property
    def suppressed_share(self) -> float:
        return self.records_suppressed / self.records_in if self.records_in else 0.0

    @property
    def information_loss(self) -> float:
        """0 = nothing lost, 1 = everything: suppressed share and distinct values lost, averaged."""
        parts = [self.suppressed_share]
        for column, before in self.distinct_before.items():
            after = self.distinct_after.get(column, 0)
            parts.append(1 - (after - 1) / (before - 1) if before > 1 else 0.0)
        return float(np.mean(parts))

    @property
    def passed(self) -> bool:
        ok = self.records_out > 0 and self.k_achieved >= self.k_required
        if self.l_required:
            ok = ok and (self.l_achieved or 0) >= self.l_required
        return ok

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(suppressed_share=self.suppressed_share, information_loss=self.information_loss,
                    passed=self.passed)
        return data


def apply_generalization(frame: pd.DataFrame, column: str, spec: dict, reference: date | None = None,
                         areas: pd.DataFrame | None = None) -> pd.DataFrame:
    """One first-pass generalization: kind = age_band | birth_date_band | area_code | mesh | merge_rare | recode."""
    out = frame.copy()
    kind = spec["kind"]
    target = spec.get("target", column)
    if kind == "age_band":
        out[target] = age_bands(out[column], spec.get("width", 5), spec.get("top", 90))
    elif kind == "birth_date_band":
        ages = ages_on(wareki_dates(out[column].astype("string")).values, reference or date.today())
        out[target] = age_bands(ages, spec.get("width", 5), spec.get("top", 90))
    elif kind == "area_code":
        if areas is None:
            raise ValueError("area_code generalization needs the areas table")
        out[target] = match_area_names(out[column], areas, city_name=spec.get("city_name", "")).values
    elif kind == "mesh":
        out[target] = lonlat_to_mesh(out[spec["lat"]], out[spec["lon"]], spec.get("level", 4))
    elif kind == "merge_rare":
        out[target] = merge_rare(out[column], spec.get("min_count", 5))
    elif kind == "recode":  # categories grouped as the instructor lists them; unlisted values stay
        out[target] = out[column].astype("string").replace(spec["values"])
    else:
        raise ValueError(f"unknown generalization {kind}")
    if target != column and spec.get("drop_source", True):
        out = out.drop(columns=[column])
    return out


def anonymize(frame: pd.DataFrame, plan: Plan, reference: date | None = None,
              areas: pd.DataFrame | None = None) -> tuple[pd.DataFrame, Report]:
    """Remove, generalize, enforce k (and l); return the safe frame and its report."""
    records_in = len(frame)
    work, classification = _generalized(frame, plan, reference, areas)
    removed = [c for c, role in classification.items() if role == "direct" and c in work.columns]
    work = work.drop(columns=removed)
    quasi = [c for c, role in classification.items() if role == "quasi" and c in work.columns]
    for column in quasi:  # categorical strings group fast and keep memory low
        if not isinstance(work[column].dtype, pd.CategoricalDtype):
            work[column] = work[column].astype("category")
    distinct_before = {c: int(work[c].nunique(dropna=False)) for c in quasi}
    use_l = bool(plan.l and plan.sensitive and plan.sensitive in work.columns)
    steps = _generalize_until_k(work, quasi, plan, use_l, areas) if plan.method == "generalize" else []
    blanked = _blank_until_k(work, quasi, plan, use_l)
    keep = _keep_mask(work, quasi, plan, use_l)
    result = work[keep.to_numpy()].reset_index(drop=True)
    for column in quasi:  # stays categorical: compact, and Parquet keeps it as a dictionary
        result[column] = result[column].cat.remove_unused_categories()
    renamed = {column: RENAMED_BY_STEP[kind] for column, kind in steps
               if kind in RENAMED_BY_STEP and RENAMED_BY_STEP[kind] not in result.columns}
    result = result.rename(columns=renamed)

    def new_names(values: dict) -> dict:
        return {renamed.get(c, c): v for c, v in values.items()}

    published_quasi = [renamed.get(c, c) for c in quasi]
    report = Report(
        k_required=plan.k,
        k_achieved=k_anonymity(result, published_quasi),
        l_required=plan.l if plan.sensitive else None,
        l_achieved=l_diversity(result, published_quasi, plan.sensitive)
        if plan.sensitive and plan.sensitive in result else None,
        records_in=records_in,
        records_out=len(result),
        records_suppressed=records_in - len(result),
        removed_columns=removed,
        quasi_identifiers=published_quasi,
        steps=steps,
        distinct_before=new_names(distinct_before),
        distinct_after={c: int(result[c].nunique(dropna=False)) for c in published_quasi},
        classification=new_names(classification),
        values_blanked=new_names({c: int((mask & keep).sum()) for c, mask in blanked.items()}),  # published records
        renamed=renamed,
    )
    return result, report


def _generalized(frame: pd.DataFrame, plan: Plan, reference: date | None,
                 areas: pd.DataFrame | None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The plan's generalizations applied, and the classification of the columns they wrote (a generalized
    direct identifier is a quasi-identifier)."""
    work = frame
    classification = dict(plan.classification)
    for column, spec in plan.generalize.items():
        if column in work.columns:
            work = apply_generalization(work, column, spec, reference, areas)
            target = spec.get("target", column)
            if target != column:
                classification[target] = classification.pop(column, "quasi")
                if classification[target] == "direct":
                    classification[target] = "quasi"
    return work, classification


def _keep_mask(work: pd.DataFrame, quasi: list[str], plan: Plan, use_l: bool) -> pd.Series:
    """The records whose group meets k (and l)."""
    keep = _group_sizes(work, quasi) >= plan.k
    if use_l:
        keep &= _l_per_record(work, quasi, plan.sensitive) >= plan.l
    return keep


def _generalize_until_k(work: pd.DataFrame, quasi: list[str], plan: Plan, use_l: bool,
                        areas: pd.DataFrame | None) -> list[list[str]]:
    """Coarsen the most detailed quasi-identifier, a ladder step at a time, until few enough records break k;
    the steps taken as [column, kind]. Changes `work` in place."""
    steps: list[list[str]] = []
    ladders: dict[str, Ladder] = {}
    while True:
        violating = int((~_keep_mask(work, quasi, plan, use_l)).sum())
        if violating <= plan.max_suppression * len(work):
            break
        for c in quasi:  # built on first need: most data meets k without further steps
            if c not in ladders:
                ladders[c] = default_ladder(work[c], plan.k, areas)
        candidates = [c for c in quasi if ladders[c] and c not in plan.keep_detail]
        if not candidates:
            break
        column = max(candidates, key=lambda c: work[c].nunique())
        kind, step = ladders[column].pop(0)
        work[column] = step(work[column]).astype("string").astype("category")
        steps.append([column, kind])
    return steps


def _blank_until_k(work: pd.DataFrame, quasi: list[str], plan: Plan, use_l: bool) -> dict[str, pd.Series]:
    """Blank the plan's columns in order in the records that still break k; the records each one blanked.
    Changes `work` in place."""
    blanked: dict[str, pd.Series] = {}
    for column in (c for c in plan.blank_order if c in quasi):
        breaking = ~_keep_mask(work, quasi, plan, use_l)
        if not breaking.any():
            break
        work.loc[breaking, column] = np.nan
        blanked[column] = breaking
    return blanked


def describe_generalization(spec: dict, lang: str = "ja") -> str:
    """A first-pass generalization in words: 「生年月日を 5 歳階級の年齢に」."""
    return t(f"anon.first.{spec.get('kind')}", lang, width=spec.get("width", 5), level=spec.get("level", 4),
             min_count=spec.get("min_count", 5))


def describe_steps(steps: list, renamed: dict | None = None, lang: str = "ja") -> list[str]:
    """Each further-generalized column once, with its steps in order: 「認定日（日付を年月に → 年月を年に）」.
    A step is [column, kind]; logs written before kinds were recorded hold the column alone."""
    renamed = renamed or {}
    kinds: dict[str, list[str]] = {}
    for step in steps:
        column, kind = (step[0], step[1]) if isinstance(step, (list, tuple)) else (step, "")
        kinds.setdefault(column, []).append(kind)
    lines = []
    for column, done in kinds.items():
        counted = {kind: done.count(kind) for kind in dict.fromkeys(done) if kind}
        parts = [t(f"anon.step.{kind}", lang) + (f" ×{n}" if n > 1 else "") for kind, n in counted.items()]
        if column in renamed:
            parts.append(t("anon.step.renamed", lang, name=renamed[column]))
        lines.append(column + (t("chart.paren", lang, text=" → ".join(parts)) if parts else ""))
    return lines


def applied_plan(plan: Plan, report: Report) -> Plan:
    """The plan as it applies to the anonymized output (generalized columns under their new names)."""
    return Plan(classification=dict(report.classification), k=plan.k, l=plan.l, sensitive=plan.sensitive,
                method=plan.method, max_suppression=plan.max_suppression, generalize=dict(plan.generalize),
                keep_detail=list(plan.keep_detail), blank_order=list(plan.blank_order))


# ---------------------------------------------------------------------------- aggregate tables
