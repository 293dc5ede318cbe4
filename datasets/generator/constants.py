"""Fixed facts of the fictional municipality and the category labels shared by all datasets."""
from __future__ import annotations

DEFAULT_SEED = 20181

PREF_CITY5 = "14999"  # fictional: no real municipality uses 14999


def lg_check_digit(code5: str) -> int:
    """Check digit of a 全国地方公共団体コード (JIS X 0401/0402 style).

    Multiply the five digits by 6, 5, 4, 3, 2, sum, take the remainder mod 11, subtract it
    from 11 and keep the last digit (so 11 → 1 and 10 → 0).
    """
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


CITY_CODE = PREF_CITY5 + str(lg_check_digit(PREF_CITY5))  # "149993"
CITY_NAME = "みどり野市"

# Where the fictional city sits (inland Kanagawa-like hills; first-level mesh 5339).
ORIGIN_LAT = 35.45
ORIGIN_LON = 139.35
LOCAL_CRS = f"+proj=tmerc +lat_0={ORIGIN_LAT} +lon_0={ORIGIN_LON} +k=1 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
AREA_CRS = "EPSG:6677"  # JGD2011 / Japan Plane Rectangular CS IX, for areas and distances

COORD_DECIMALS = 6
GRID = 1e-6

YEARS = [2021, 2022, 2023, 2024, 2025]
BACKCAST_YEAR = 2020  # population only: five years before the last (see population.backcast_year)
SURVEY_YEAR = 2025

AGE_BANDS = [
    "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
    "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+",
]
IDX_65 = AGE_BANDS.index("65-69")
IDX_75 = AGE_BANDS.index("75-79")
IDX_40 = AGE_BANDS.index("40-44")
CARE_AGE_BANDS = AGE_BANDS[IDX_40:]

SEXES = ["男性", "女性"]
SURVEY_SEXES = ["男性", "女性", "回答しない"]

CARE_LEVELS = ["要支援1", "要支援2", "要介護1", "要介護2", "要介護3", "要介護4", "要介護5"]
SERVICES = ["訪問介護", "通所介護", "通所リハビリ", "短期入所", "福祉用具貸与", "施設入所", "未利用"]

DISTRICTS = ["中央地区", "北部地区", "丘陵地区", "ニュータウン地区", "川沿い地区", "南部地区"]
CHARACTERS = ["中心市街地", "既成住宅地", "丘陵住宅団地", "ニュータウン", "川沿い低地", "農村部"]

SURVEY_AGE_BANDS = ["18-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80+"]
RESIDENCE_YEARS = ["5年未満", "5-19年", "20年以上"]
HOUSEHOLDS = ["単身", "夫婦のみ", "親と子", "三世代", "その他"]
PUBLISHED_HOUSEHOLDS = ["単身", "2人以上"]  # what the published survey keeps (see generator/publication.py)

# (column suffix, question wording in Japanese, English)
SURVEY_ITEMS = [
    ("公共交通", "公共交通", "Public transport"),
    ("医療", "医療", "Medical care"),
    ("介護福祉", "介護・高齢者福祉", "Long-term care and elderly welfare"),
    ("子育て支援", "子育て支援", "Child-rearing support"),
    ("防災", "防災", "Disaster prevention"),
    ("道路", "道路", "Roads"),
    ("公園緑地", "公園・緑地", "Parks and green spaces"),
    ("買い物", "買い物の便利さ", "Convenience of shopping"),
    ("地域のつながり", "地域のつながり", "Ties in the neighbourhood"),
    ("行政窓口", "行政サービスの窓口", "City office counters"),
]

RIVER_NAME = "みどり川"
DEPTH_CLASSES = ["0.5m未満", "0.5～3m", "3～5m", "5m以上"]  # depth_rank 1..4

FACILITY_CATEGORIES = ["避難所", "地域包括支援センター", "公民館", "小学校", "中学校", "保育所", "病院", "診療所"]

KANJI_NUM = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
