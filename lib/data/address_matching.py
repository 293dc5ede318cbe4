"""Addresses as departments write them → the 町丁・字 codes of the city's boundaries.

Real exports (介護認定者一覧, 住民記録 …) write one address in many ways:

    鳥取県鳥取市立川町三丁目１２３番地の４    鳥取市立川町３－１２３－４    立川町3丁目123
    鳥取県岩美郡岩美町大字浦富字浜浦富1234     宮城県仙台市青葉区青葉町1-2     鳥取市　伏野　千二百番地

Both the boundary names and the addresses go through one key (`place_key`): width and spaces,
漢数字 before 丁目 / 番 / 号 / hyphens as digits, hyphen variants as "-", ヶ/ケ/が and の/ノ/之 unified.
An address then loses its prefecture, 郡, city and 政令市の区 in any written form (`strip_city`), its
leading 大字, and is matched to the longest boundary name it starts with; 「N丁目」 is read from
「N丁目」 or 「N-」 after the town; a 大字・字 address (「大字○○字△△」) matches a boundary named 「○○」
or 「○○△△」. What stays unmatched is listed with its reason (`REASONS`).

A joint course's areas (columns `city_code` and `city_name`, several municipalities) are matched per
municipality (`JointAddressMatcher`): an address goes to the 町丁・字 of the municipality it names, and one
that names none to the only municipality that has its 町丁・字; the unmatched list says which municipality.
"""
from __future__ import annotations

import re
import unicodedata

import pandas as pd

from lib.data.cleaned import Cleaned, map_distinct

PREFECTURES = (
    "北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 神奈川県 新潟県 富山県 "
    "石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 大阪府 兵庫県 奈良県 和歌山県 鳥取県 島根県 "
    "岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 福岡県 佐賀県 長崎県 熊本県 大分県 宮崎県 鹿児島県 沖縄県"
).split()
# Why an address found no area: the words are clean.reason.<reason> in lib/locale/data_prep.yaml.
REASONS = ("empty", "other_city", "no_chome", "no_area", "two_cities")

_HYPHENS = re.compile(r"(?<=\d)\s*[‐‑‒–—―−ーｰ－-]\s*(?=\d)")
_KANJI_NUMBER = re.compile(r"[〇一二三四五六七八九十百千]+(?=丁目|番|号|[-の]\d|$)")
_CHOME_FORMS = re.compile(r"^(\d+)(?:丁目|-|の|$)")
_OTHER_CITY = re.compile(r"^[^\d]{1,5}?[市郡]")  # 「米子市…」 in a 鳥取市 list
_KANJI_DIGITS = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def kanji_number(text: str) -> int:
    """千二百三十四 → 1234, 二〇五 → 205, 十 → 10 (a 漢数字 count or a digit-by-digit string)."""
    if not re.search(r"[十百千]", text):
        return int("".join(str(_KANJI_DIGITS[ch]) for ch in text))
    total, digit = 0, 0
    for ch in text:
        if ch in "十百千":
            total += (digit or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            digit = 0
        else:
            digit = _KANJI_DIGITS[ch]
    return total + digit


def place_key(text: str) -> str:
    """One comparison key for a boundary name or an address."""
    key = unicodedata.normalize("NFKC", str(text))
    key = re.sub(r"\s+", "", key)
    key = _KANJI_NUMBER.sub(lambda m: str(kanji_number(m.group())), key)
    key = _HYPHENS.sub("-", key)
    key = re.sub(r"[ヶケヵがガ]", "ケ", key)
    return re.sub(r"[のノ之]", "の", key)


def _name_forms(city_name: str) -> list[str]:
    """The ways the city's own name opens an address: 「岩美郡岩美町」「岩美町」, 「仙台市青葉区」「仙台市」「青葉区」;
    a joint course's name 「鳥取市・岩美町」 gives each municipality's forms."""
    forms = set()
    for name in map(place_key, filter(None, city_name.split("・"))):
        forms.add(name)
        m = re.match(r"^(.+?郡)(.+)$", name)
        if m:
            forms.add(m.group(2))
        m = re.match(r"^(.+?市)(.+区)$", name)
        if m:
            forms.update(m.groups())
    return sorted(forms, key=len, reverse=True)


def _without_prefecture(key: str) -> tuple[str, bool]:
    """The address without the prefecture it opens with, and whether it named one."""
    pref = next((p for p in PREFECTURES if key.startswith(p)), "")
    return key[len(pref):], bool(pref)


def strip_city(key: str, city_name: str = "") -> tuple[list[str], bool, bool]:
    """The address without its prefecture, 郡, city and 政令市の区 (in any written form), as candidates
    (a 区 is only a guess: the text with it comes too); and whether a prefecture, the city were named."""
    named = False
    key, pref_named = _without_prefecture(key)
    if not city_name:
        return [key], pref_named, named
    forms = _name_forms(city_name)
    key = re.sub(r"^[^\d]{1,5}?郡(?=" + "|".join(map(re.escape, forms)) + ")", "", key)
    for form in forms:
        if key.startswith(form):
            key, named = key[len(form):], True
            break
    ward = re.sub(r"^[^\d\-]{1,4}?区(?!\d)", "", key) if any(f.endswith(("市", "区")) for f in forms) else key
    return list(dict.fromkeys([ward, key])), pref_named, named


class AddressMatcher:
    """Matches addresses of one city to its 町丁・字 table (columns `code` and `name`)."""

    def __init__(self, areas: pd.DataFrame, city_name: str = "", code: str = "area_code", name: str = "area_name"):
        self.city_name = city_name
        self.keys: dict[str, str] = {}
        for area_name, area_code in zip(areas[name], areas[code], strict=True):
            # 「大字湖山」 in the boundaries is 「湖山」 in most addresses
            self.keys.setdefault(re.sub(r"^(大字|字)(?=.)", "", place_key(area_name)), str(area_code))
        # towns known only by their 丁目 (立川町 of 立川町1丁目 …): an address must say which 丁目
        self.towns = {re.sub(r"\d+丁目$", "", k) for k in self.keys if re.search(r"\d+丁目$", k)} - set(self.keys)
        self.by_length = sorted(set(self.keys) | self.towns, key=len, reverse=True)

    def _longest(self, text: str) -> str:
        return next((known for known in self.by_length if text.startswith(known)), "")

    def _read(self, text: str) -> tuple[str | None, str]:
        text = re.sub(r"^(大字|字)", "", text)
        # 「○○字△△」 and 「○○大字△△」 also as 「○○△△」: the boundary may name the 字 with its 大字
        known, candidate = max(((self._longest(c), c) for c in (text, re.sub(r"大?字", "", text))),
                               key=lambda pair: len(pair[0]))
        if not known:
            return None, ""
        m = _CHOME_FORMS.match(candidate[len(known):])
        if m and (chome := f"{known}{int(m.group(1))}丁目") in self.keys:  # 「立川町3-5」 → 立川町3丁目
            return self.keys[chome], ""
        if known in self.towns or (m and candidate[len(known):].startswith(f"{m.group(1)}丁目")):
            return None, "no_chome"  # which 丁目 is not said, or one the boundaries do not have
        return self.keys[known], ""

    def match(self, address: str) -> tuple[str | None, str]:
        """(code, "") or (None, reason)."""
        key = place_key(address)
        if not key:
            return None, "empty"
        texts, pref_named, city_named = strip_city(key, self.city_name)
        results = [self._read(text) for text in texts]
        for code, reason in results:
            if code:
                return code, reason
        if any(reason for _code, reason in results):
            return None, next(reason for _code, reason in results if reason)
        if not city_named and (pref_named or _OTHER_CITY.match(texts[-1])):
            return None, "other_city"
        return None, "no_area"


class JointAddressMatcher:
    """Matches addresses of a joint course's municipalities, each to the 町丁・字 of the municipality it
    names (areas with `city_name`); codes are full KEY_CODEs, so they never collide between municipalities."""

    def __init__(self, areas: pd.DataFrame, code: str = "area_code", name: str = "area_name"):
        self.cities = {str(city): AddressMatcher(part, str(city), code, name)
                       for city, part in areas.groupby("city_name", sort=False)}
        # 「岩美郡岩美町」 or 「岩美町」, with or without its 郡, after the prefecture if any
        self.openings = {city: [re.compile(r"^(?:[^\d]{1,5}?郡)?" + re.escape(form)) for form in _name_forms(city)]
                         for city in self.cities}

    def cities_named(self, address: str) -> list[str]:
        """The municipalities the address opens with: the longest name written wins (「仙台市」 alone names both
        of its 区 in a course of two); none named: []."""
        key, _pref = _without_prefecture(place_key(address))
        lengths = {city: max((m.end() for o in openings if (m := o.match(key))), default=0)
                   for city, openings in self.openings.items()}
        longest = max(lengths.values(), default=0)
        return [city for city, length in lengths.items() if length and length == longest]

    def city_of(self, address: str) -> str:
        """The one municipality the address names, else ""."""
        named = self.cities_named(address)
        return named[0] if len(named) == 1 else ""

    def match(self, address: str) -> tuple[str | None, str]:
        """(code, "") or (None, reason); an address naming no municipality whose 町丁・字 two of them have
        is left ("two_cities"): guessing would put a person in the wrong town."""
        if not place_key(address):
            return None, "empty"
        results = [self.cities[city].match(address) for city in self.cities_named(address) or self.cities]
        codes = {code for code, _reason in results if code}
        if len(codes) == 1:
            return codes.pop(), ""
        if codes:
            return None, "two_cities"
        reasons = {reason for _code, reason in results}
        return None, next((r for r in ("no_chome", "other_city") if r in reasons), "no_area")


def is_joint(areas: pd.DataFrame) -> bool:
    """Areas of several municipalities (a joint course's), each area naming its own."""
    return "city_name" in areas.columns and areas["city_name"].nunique() > 1


def match_addresses(series: pd.Series, areas: pd.DataFrame, city_name: str = "", code: str = "area_code",
                    name: str = "area_name") -> Cleaned:
    """Addresses (or 町丁目 names) → area codes, with a reason for each one left; `unmatched` lists
    every distinct address left with its rows and reason, and in a joint course the municipality it names."""
    joint = is_joint(areas)
    matcher = JointAddressMatcher(areas, code, name) if joint else AddressMatcher(areas, city_name, code, name)
    cleaned = map_distinct(series, matcher.match)
    left = series.notna() & cleaned.values.isna()
    unmatched = (pd.DataFrame({"value": series[left].astype(str), "reason": cleaned.reasons[left]})
                 .groupby(["value", "reason"], sort=False).size().reset_index(name="rows")
                 .sort_values("rows", ascending=False, kind="stable").reset_index(drop=True))
    if joint:
        unmatched.insert(1, "city", unmatched["value"].map(matcher.city_of))
    return Cleaned(
        cleaned.values, cleaned.reasons, unmatched[["value", *(["city"] if joint else []), "rows", "reason"]]
    )
