"""Points: 通いの場 / サロン and public facilities (shelters, schools, nurseries, clinics, ...).

Places cluster where people and history are: many in the centre, few in the hillside estates
and the rural edge. Every point is drawn inside its own 町丁目 (with a margin), so its
area_code is the area that contains it.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .constants import AREA_CRS
from .geo import random_points_in, to_local

KAYOI_WEIGHT = {"中心市街地": 3.2, "既成住宅地": 1.3, "ニュータウン": 1.1, "川沿い低地": 1.2,
                "丘陵住宅団地": 0.3, "農村部": 0.3}
N_KAYOI = 52

KAYOI_NAMES = {
    "通いの場": ["{t}いきいき百歳体操", "{t}元気体操の会", "{t}通いの場", "{t}ころばん体操クラブ",
              "{t}シニア健康教室", "{t}ウォーキングの会", "{t}脳トレ教室"],
    "サロン": ["{t}ふれあいサロン", "{t}いきいきサロン", "{t}お茶のみサロン", "サロン{n}",
             "{t}地域カフェ", "{t}ひだまりサロン", "カフェ{n}"],
}
NICKNAMES = ["ひだまり", "さくら", "たんぽぽ", "ほっこり", "なごみ", "ひまわり", "かたつむり", "こもれび",
             "あおぞら", "すみれ", "ゆうゆう", "えがお"]


def _unique(name: str, used: set[str]) -> str:
    out, k = name, 2
    while out in used:
        out = f"{name}（第{k}）"
        k += 1
    used.add(out)
    return out


def make_kayoi(rng: np.random.Generator, areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    w = areas["area_character"].map(KAYOI_WEIGHT).to_numpy() * rng.gamma(4.0, 0.25, len(areas))
    counts = rng.multinomial(N_KAYOI, w / w.sum())
    rows, used = [], set()
    nick = list(rng.permutation(NICKNAMES))
    for (_, area), n in zip(areas.iterrows(), counts, strict=True):
        if n == 0:
            continue
        for pt in random_points_in(rng, area.geometry, int(n)):
            ptype = "通いの場" if rng.random() < 0.55 else "サロン"
            name = None
            for _ in range(12):  # another wording rather than a "(2)" suffix
                tmpl = KAYOI_NAMES[ptype][int(rng.integers(len(KAYOI_NAMES[ptype])))]
                if "{n}" in tmpl:
                    tmpl = tmpl.replace("{n}", nick[0]) if nick else "{t}ふれあいサロン"
                cand = tmpl.format(t=area["town_name"])
                if cand not in used:
                    name = cand
                    if nick and nick[0] in cand:
                        nick.pop(0)
                    break
            name = _unique(name or cand, used)
            mean = 17.0 if ptype == "通いの場" else 19.0
            first = 2015 if area["area_character"] == "ニュータウン" else 2006
            rows.append({
                "name": name, "place_type": ptype, "area_code": area["area_code"],
                "weekly_participants": int(np.clip(rng.poisson(mean), 6, 45)),
                "start_year": int(rng.integers(first, 2025)),
                "geometry": pt,
            })
    places = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    places = places.sort_values(["area_code", "start_year", "name"], kind="stable").reset_index(drop=True)
    places.insert(0, "place_id", [f"KP{i + 1:03d}" for i in range(len(places))])
    return places


def nearest_distance_km(areas: gpd.GeoDataFrame, points: gpd.GeoDataFrame) -> np.ndarray:
    """Distance from each area's centroid (EPSG:6677) to the nearest point, in km."""
    cen = areas.to_crs(AREA_CRS).geometry.centroid.to_numpy()
    pts = points.to_crs(AREA_CRS).geometry.to_numpy()
    d = shapely.distance(cen[:, None], pts[None, :])
    return d.min(axis=1) / 1000.0


# ---------------------------------------------------------------- facilities

CLINIC_WEIGHT = {"中心市街地": 4.0, "既成住宅地": 1.5, "ニュータウン": 1.3, "川沿い低地": 1.0,
                 "丘陵住宅団地": 0.5, "農村部": 0.2}
NURSERY_NAMES = ["さくら保育園", "{t}こども園", "にじいろ保育園", "こばと保育園", "{t}どんぐり保育園",
                 "ひまわり保育園", "{t}わかば保育園", "すくすく保育園", "あおぞらこども園", "もりのこ保育園"]
DOCTOR_SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "山本", "中村", "小林", "加藤",
                   "吉田", "山田", "佐々木", "松本", "井上", "木村", "林", "清水", "山崎", "森",
                   "池田", "橋本", "阿部", "石川", "前田", "藤田", "小川", "岡田", "後藤", "長谷川"]
CLINIC_KINDS = ["内科", "内科クリニック", "整形外科", "小児科", "眼科", "皮膚科", "耳鼻咽喉科",
                "歯科医院", "内科・循環器科", "ファミリークリニック"]


def _spread_points(rng, areas, weights, n, min_km, tries=4000):
    """n points in areas chosen by weight, at least min_km apart (relaxed if needed)."""
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    chosen: list[tuple[int, object]] = []
    local_pts: list[object] = []
    gap = min_km * 1000.0
    attempts = 0
    while len(chosen) < n:
        i = int(rng.choice(len(areas), p=w))
        pt = random_points_in(rng, areas.geometry.iloc[i], 1)[0]
        lp = to_local(pt)
        attempts += 1
        if attempts % tries == 0:
            gap *= 0.85
        if all(lp.distance(q) >= gap for q in local_pts):
            chosen.append((i, pt))
            local_pts.append(lp)
    return chosen


class _FacilityRows:
    """The facilities made so far, with names kept unique."""

    def __init__(self, areas: gpd.GeoDataFrame):
        self.areas = areas
        self.town = areas["town_name"].to_numpy()
        self.chars = areas["area_character"].to_numpy()
        self.districts = areas["district"].to_numpy()
        self.rows: list[dict] = []
        self.used: set[str] = set()

    def add(self, cat, prefix, i, pt, name, capacity=None, opened=1990):
        self.rows.append({"prefix": prefix, "opened": opened, "category": cat,
                          "area_code": self.areas["area_code"].iloc[i], "name": _unique(name, self.used),
                          "capacity": capacity, "address_note": f"{self.areas['area_name'].iloc[i]}地内",
                          "geometry": pt, "district": self.districts[i], "area_character": self.chars[i]})


def make_facilities(rng: np.random.Generator, areas: gpd.GeoDataFrame, pop_est: np.ndarray) -> gpd.GeoDataFrame:
    # The kinds are made in this order so that the seeded random draws, and so the files, stay the same.
    places = _FacilityRows(areas)
    shelters = _add_schools(rng, places, pop_est)
    shelters += _add_halls(rng, places, pop_est)
    # Other shelters: community halls of the 町内会, sports hall.
    others = _spread_points(rng, areas, pop_est, 6, 1.0)
    for k, (i, pt) in enumerate(others):
        name = "みどり野市総合体育館" if k == 0 else f"{places.town[i]}自治会館"
        shelters.append((i, pt, name, 1200 if k == 0 else int(rng.integers(2, 5)) * 40))
    for i, pt, name, cap in shelters:
        places.add("避難所", "SH", i, pt, name if name.startswith("みどり野") else f"{name}（指定避難所）", cap)
    # 地域包括支援センター: one per district.
    for d in sorted(dict.fromkeys(places.districts)):
        idx = np.flatnonzero(places.districts == d)
        i = int(rng.choice(idx, p=pop_est[idx] / pop_est[idx].sum()))
        pt = random_points_in(rng, areas.geometry.iloc[i], 1)[0]
        places.add("地域包括支援センター", "HC", i, pt, f"{places.town[i]}地域包括支援センター")
    _add_nurseries(rng, places, pop_est)
    _add_hospitals(rng, places)
    _add_clinics(rng, places, pop_est)
    return _facility_frame(places.rows)


def _add_schools(rng: np.random.Generator, places: _FacilityRows, pop_est: np.ndarray) -> list[tuple]:
    """Elementary and junior high schools; their gyms, as shelters (every school gym is a designated one)."""
    town, areas = places.town, places.areas
    w_school = pop_est * np.where(places.chars == "農村部", 2.5, 1.0)
    schools = _spread_points(rng, areas, w_school, 11, 1.9)
    juniors = _spread_points(rng, areas, pop_est, 5, 3.2)
    shelters = []
    for cat, prefix, kind, points, cap_range in (("小学校", "ES", "小学校", schools, (8, 19)),
                                                 ("中学校", "JS", "中学校", juniors, (10, 21))):
        for i, pt in points:
            short = f"{town[i]}{kind}"
            for side in ("東", "西", "南", "北"):  # a second school in the same 町 gets a side
                if f"みどり野市立{short}" not in places.used:
                    break
                short = f"{town[i]}{side}{kind}"
            places.add(cat, prefix, i, pt, f"みどり野市立{short}")
            shelters.append((i, pt, f"{short}体育館", int(rng.integers(*cap_range)) * 50))
    return shelters


def _add_halls(rng: np.random.Generator, places: _FacilityRows, pop_est: np.ndarray) -> list[tuple]:
    """公民館: one per district, plus a few more in the larger districts; each is a shelter too."""
    town, districts = places.town, places.districts
    halls = []
    for d in sorted(dict.fromkeys(districts)):
        idx = np.flatnonzero(districts == d)
        extra = 1 if pop_est[idx].sum() > 15000 else 0
        for k in range(1 + extra):
            i = int(rng.choice(idx, p=pop_est[idx] / pop_est[idx].sum()))
            pt = random_points_in(rng, places.areas.geometry.iloc[i], 1)[0]
            if k == 0:
                name = "中央公民館" if d == "中央地区" else f"{town[i]}公民館"
            else:
                name = f"{town[i]}地区センター"
            places.add("公民館", "CH", i, pt, name)
            halls.append((i, pt, name))
    return [(i, pt, name, int(rng.integers(3, 8)) * 40) for i, pt, name in halls]


def _add_nurseries(rng: np.random.Generator, places: _FacilityRows, pop_est: np.ndarray) -> None:
    """保育所: few in the new town (the shortage); capacity is filled in by the childcare model."""
    town, chars, districts, areas = places.town, places.chars, places.districts, places.areas
    w_nursery = pop_est * np.where(chars == "ニュータウン", 0.45, 1.0) * np.where(chars == "農村部", 0.3, 1.0)
    nurseries = []
    for d in sorted(dict.fromkeys(districts)):  # at least one in every district
        idx = np.flatnonzero(districts == d)
        i = int(rng.choice(idx, p=w_nursery[idx] / w_nursery[idx].sum()))
        nurseries.append((i, random_points_in(rng, areas.geometry.iloc[i], 1)[0]))
    nt_idx = np.flatnonzero(chars == "ニュータウン")
    i = int(rng.choice(nt_idx, p=pop_est[nt_idx] / pop_est[nt_idx].sum()))
    nurseries.append((i, random_points_in(rng, areas.geometry.iloc[i], 1)[0]))
    w_rest = np.where(chars == "ニュータウン", 0.0, w_nursery)
    nurseries += _spread_points(rng, areas, w_rest, 14 - len(nurseries), 1.1)
    i_new = int(rng.choice(nt_idx, p=pop_est[nt_idx] / pop_est[nt_idx].sum()))
    nurseries.append((i_new, random_points_in(rng, areas.geometry.iloc[i_new], 1)[0]))
    private = list(rng.permutation(NURSERY_NAMES))
    for k, (i, pt) in enumerate(nurseries):
        public = k % 2 == 0 and k < 10
        name = f"みどり野市立{town[i]}保育園" if public else private.pop(0).format(t=town[i])
        if name in places.used and public:
            name = f"みどり野市立第二{town[i]}保育園"
        opened = 1972 + 3 * k if public else int(rng.integers(1995, 2019))
        if k == len(nurseries) - 1:
            name, opened = f"{town[i]}駅前保育園", 2024
        places.add("保育所", "NS", i, pt, name, opened=opened)


def _add_hospitals(rng: np.random.Generator, places: _FacilityRows) -> None:
    """The city hospital in the centre, one in the north, one by the river."""
    chars, districts, geometry = places.chars, places.districts, places.areas.geometry
    for where, name, beds in ((chars == "中心市街地", "みどり野市民病院", 380),
                              ((districts == "北部地区") & (chars != "農村部"), "北みどり野総合病院", 220),
                              (chars == "川沿い低地", "みどり川リハビリテーション病院", 120)):
        i = int(rng.choice(np.flatnonzero(where)))
        places.add("病院", "HP", i, random_points_in(rng, geometry.iloc[i], 1)[0], name, beds)


def _add_clinics(rng: np.random.Generator, places: _FacilityRows, pop_est: np.ndarray) -> None:
    """Thirty clinics, more where more people live; named after the 町 or a doctor."""
    town, areas = places.town, places.areas
    w_clinic = pop_est * np.array([CLINIC_WEIGHT[c] for c in places.chars])
    surnames = list(rng.permutation(DOCTOR_SURNAMES))
    for k in range(30):
        i = int(rng.choice(len(areas), p=w_clinic / w_clinic.sum()))
        pt = random_points_in(rng, areas.geometry.iloc[i], 1)[0]
        kind = CLINIC_KINDS[int(rng.integers(len(CLINIC_KINDS)))]
        name = f"{town[i]}{kind}" if k % 3 == 0 else f"{surnames[k % len(surnames)]}{kind}"
        if name in places.used:
            name = f"{surnames[(k + 15) % len(surnames)]}{kind}"
        places.add("診療所", "CL", i, pt, name)


def _facility_frame(rows: list[dict]) -> gpd.GeoDataFrame:
    """The facilities numbered per kind (SH001, …) in a fixed order, with the published columns."""
    fac = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    order = {p: k for k, p in enumerate(["SH", "HC", "CH", "ES", "JS", "NS", "HP", "CL"])}
    fac["_o"] = fac["prefix"].map(order)
    fac = fac.sort_values(["_o", "area_code", "name"], kind="stable").reset_index(drop=True)
    fac["facility_id"] = [f"{p}{k + 1:03d}"
                          for p, k in zip(fac["prefix"], fac.groupby("prefix").cumcount(), strict=True)]
    fac["capacity"] = pd.array(fac["capacity"], dtype="Int64")
    return fac[["facility_id", "name", "category", "area_code", "capacity", "address_note", "geometry",
                "district", "area_character", "opened"]]
