"""The data dictionary of every demo dataset (written as datasets/demo/<name>.yaml).

The app reads these files: labels, units, roles, orders and scales come from here. Every
dataset says, in its description and its source, that Midorino City is fictional.
"""
from __future__ import annotations

from .constants import (
    AGE_BANDS,
    CARE_AGE_BANDS,
    CARE_LEVELS,
    CHARACTERS,
    CITY_CODE,
    DEPTH_CLASSES,
    DISTRICTS,
    FACILITY_CATEGORIES,
    PUBLISHED_HOUSEHOLDS,
    RESIDENCE_YEARS,
    SERVICES,
    SEXES,
    SURVEY_AGE_BANDS,
    SURVEY_ITEMS,
    SURVEY_SEXES,
)

FICTION_JA = "みどり野市は実在しない架空の市です。"
FICTION_EN = "Midorino City does not exist."
# Shown to trainees under every chart: no file names or seeds (the README says how the data is made).
SOURCE = {
    "ja": "架空のデモデータ（みどり野市は実在しません）。ワークベンチに付属するプログラムで作成。",
    "en": "Fictional demo data (Midorino City does not exist), made by a program that comes with the workbench.",
}
PERSONS = {"ja": "人", "en": "persons"}
SAT_SCALE = {1: "不満", 2: "やや不満", 3: "どちらともいえない", 4: "やや満足", 5: "満足"}
IMP_SCALE = {1: "重要でない", 2: "あまり重要でない", 3: "どちらともいえない", 4: "やや重要", 5: "重要"}


def t(ja: str, en: str) -> dict:
    return {"ja": ja, "en": en}


def col(name, label, type_, role=None, unit=None, description=None, joins=None, order=None, scale=None):
    out = {"name": name, "label": label, "type": type_, "role": role, "unit": unit,
           "description": description}
    if joins:
        out["joins"] = joins
    if order:
        out["order"] = list(order)
    if scale:
        out["scale"] = dict(scale)
    return out


def area_code_col(desc_ja="町丁目コード（e-Statの小地域 KEY_CODE と同じ11桁：市区町村5桁＋町字4桁＋丁目2桁）。",
                  desc_en="11-digit small-area code like e-Stat's KEY_CODE: city (5) + town (4) + chōme (2)."):
    return col("area_code", t("町丁目コード", "Area code"), "code", "area", None, t(desc_ja, desc_en),
               joins="areas.area_code")


def district_col():
    return col("district", t("地区", "District"), "category", "district", None,
               t("市内を6つに分けた地区。", "One of the six districts of the city."), order=DISTRICTS)


def year_col(ja, en, desc_ja, desc_en):
    return col("year", t(ja, en), "year", "year", None, t(desc_ja, desc_en))


def age5_col(order=AGE_BANDS, note_ja="", note_en=""):
    return col("age_band", t("年齢（5歳階級）", "Age band (5 years)"), "category", "age_band", None,
               t("5歳刻みの年齢階級。" + note_ja, "Five-year age band." + note_en), order=order)


def sex_col(order=SEXES, note_ja="", note_en=""):
    return col("sex", t("性別", "Sex"), "category", "sex", None,
               t("性別。" + note_ja, "Sex." + note_en), order=order)


def geometry_col(kind_ja, kind_en):
    return col("geometry", t("形状", "Geometry"), "geometry", None, None,
               t(f"{kind_ja}（経緯度、EPSG:4326）。", f"{kind_en} (longitude/latitude, EPSG:4326)."))


def dataset(name, file, kind, geometry, title, description, themes, anonymization, record_unit, columns,
            privacy=None):
    out = {
        "name": name,
        "file": file,
        "kind": kind,
        "geometry": geometry,
        "title": title,
        "description": {"ja": description["ja"] + "（架空のデモデータ）",
                        "en": description["en"] + " (fictional demo data)"},
        "themes": themes,
        "source": dict(SOURCE),
        "anonymization": anonymization,
        "record_unit": record_unit,
        "columns": columns,
    }
    if privacy:
        out["privacy"] = privacy
    return out


def dictionaries() -> dict[str, dict]:
    d = {}
    d["areas"] = dataset(
        "areas",
        "areas.geojson",
        "geo",
        "Polygon",
        t("町丁目境界", "Small areas (町丁目)"),
        t(
            f"{FICTION_JA}市域を隙間も重なりもなく分けた町丁目の境界と、地区・地域特性・面積。"
            "ほかのデータは area_code でここにつながります。",
            f"{FICTION_EN} Boundaries of its small areas (町丁目), which cover the city without gaps or overlaps, "
            "with district, area character and size. Every other dataset joins here on area_code.",
        ),
        ["population"],
        t(
            "該当なし（境界と属性のみ、個人に関する情報は含みません）。",
            "Not applicable: boundaries and attributes only, nothing about persons.",
        ),
        t("町丁目1件", "one small area"),
        [
            area_code_col(),
            col(
                "area_name",
                t("町丁目名", "Area name"),
                "text",
                "name",
                None,
                t(
                    "町字名と丁目（漢数字）。丁目のない大字は町字名のみ。",
                    "Town name and chōme in kanji numerals; rural 大字 have no chōme.",
                ),
            ),
            district_col(),
            col(
                "area_character",
                t("地域特性", "Area character"),
                "category",
                None,
                None,
                t(
                    "土地利用と住宅地の成り立ちによる区分（中心市街地、丘陵住宅団地、ニュータウンなど）。",
                    "What kind of place it is: town centre, ageing hillside housing estate, new town, riverside "
                    "lowland, rural, established residential.",
                ),
                order=CHARACTERS,
            ),
            col(
                "area_km2",
                t("面積", "Area"),
                "number",
                "measure",
                t("km²", "km²"),
                t(
                    "平面直角座標系IX系（EPSG:6677）で測った面積。",
                    "Area measured in JGD2011 plane rectangular CS IX (EPSG:6677).",
                ),
            ),
            geometry_col("町丁目のポリゴン", "Polygon of the area"),
        ],
    )

    d["city_boundary"] = dataset(
        "city_boundary",
        "city_boundary.geojson",
        "geo",
        "Polygon",
        t("市域", "City boundary"),
        t(
            f"{FICTION_JA}市全体の境界（すべての町丁目を合わせた形）。全国地方公共団体コードも架空です。",
            f"{FICTION_EN} The city's outline: the union of all small areas. The local-government code is fictional "
            "too.",
        ),
        ["population"],
        t("該当なし（境界のみ）。", "Not applicable: a boundary only."),
        t("市全体で1件", "one row for the whole city"),
        [
            col(
                "city_code",
                t("全国地方公共団体コード", "Local government code"),
                "code",
                "id",
                None,
                t(
                    f"6桁（5桁＋検査数字）。架空のコード {CITY_CODE}。",
                    f"6 digits (5 + check digit); fictional code {CITY_CODE}.",
                ),
            ),
            col(
                "city_name",
                t("市区町村名", "Municipality name"),
                "text",
                "name",
                None,
                t("架空の市の名前。", "Name of the fictional city."),
            ),
            col(
                "area_km2",
                t("面積", "Area"),
                "number",
                "measure",
                t("km²", "km²"),
                t("市の面積（EPSG:6677 で計測）。", "Area of the city (measured in EPSG:6677)."),
            ),
            geometry_col("市域のポリゴン", "Polygon of the city"),
        ],
    )

    d["population"] = dataset(
        "population",
        "population.parquet",
        "table",
        None,
        t("町丁目別・年齢別人口", "Population by area, age and sex"),
        t(
            f"{FICTION_JA}住民基本台帳人口（各年10月1日）を町丁目・5歳階級・男女別に集計した形の架空データ（2020〜2025年）。",
            f"{FICTION_EN} Resident-register population on 1 October of 2020–2025 by small area, five-year age band "
            "and sex.",
        ),
        ["population"],
        t(
            "町丁目・年齢5歳階級・男女別の集計値のみ（個人の記録は含みません）。",
            "Aggregated counts by area, five-year age band and sex only; no individual records.",
        ),
        t("年・町丁目・年齢階級・性別の組合せ1件", "one year × area × age band × sex"),
        [
            year_col("年", "Year", "各年10月1日現在。", "As of 1 October of the year."),
            area_code_col(),
            age5_col(),
            sex_col(),
            col(
                "population",
                t("人口", "Population"),
                "integer",
                "measure",
                PERSONS,
                t("その区分に住む人の数。", "Number of residents in the cell."),
            ),
        ],
        privacy={"persons": "population"},
    )

    d["care_certification"] = dataset(
        "care_certification",
        "care_certification.parquet",
        "table",
        None,
        t("要介護認定", "Long-term care certification"),
        t(
            f"{FICTION_JA}要介護（要支援）認定を受けている人の匿名化した一覧（2021〜2025年度）。1件が1人・1年度。40〜64歳は第2号被保険者でまれです。",
            f"{FICTION_EN} Anonymized list of people certified as needing long-term care or support, fiscal years "
            "2021–2025; one record per person and year. People aged 40–64 (category-2 insured) are rare.",
        ),
        ["welfare"],
        t(
            "個票を年齢5歳階級・町丁目に一般化し、氏名・生年月日・被保険者番号・住所を削除。年度・町丁目・年齢階級・性別が同じ人が"
            "5人未満になる記録は削除（k=5）、その組合せごとに要介護度が2種類以上（l=2）。レコード番号は無作為な順の連番で、個人をたどれません。",
            "Records generalized to five-year age band and small area; name, birth date, insured-person number and "
            "address removed. "
            "Records whose year, area, age band and sex are shared by fewer than 5 people are removed (k=5), and each "
            "such group "
            "holds at least 2 care levels (l=2). record_id is a sequence in random order and cannot be traced to a "
            "person.",
        ),
        t("認定者1人・1年度", "one certified person per fiscal year"),
        [
            col(
                "record_id",
                t("レコード番号", "Record ID"),
                "code",
                "id",
                None,
                t("匿名化後に振った通し番号。", "Sequence number assigned after anonymization."),
            ),
            year_col(
                "認定年度", "Fiscal year", "認定を受けていた年度。", "Fiscal year in which the person was certified."
            ),
            area_code_col(),
            age5_col(
                order=CARE_AGE_BANDS,
                note_ja="40歳以上のみ（40〜64歳は第2号被保険者）。",
                note_en=" 40 and over only (40–64: category-2 insured).",
            ),
            sex_col(),
            col(
                "care_level",
                t("要介護度", "Care level"),
                "category",
                None,
                None,
                t(
                    "要支援1・2（軽い）から要介護5（重い）まで。",
                    "From 要支援1–2 (support, lightest) to 要介護5 (heaviest).",
                ),
                order=CARE_LEVELS,
            ),
            col(
                "main_service",
                t("主な利用サービス", "Main service used"),
                "category",
                None,
                None,
                t(
                    "その年度に主に利用した介護サービス。未利用はサービスを使っていない人。",
                    "The main long-term care service used in the year; 未利用 = none used.",
                ),
                order=SERVICES,
            ),
        ],
        privacy={
            "persons": "records",
            "quasi_identifiers": ["year", "area_code", "age_band", "sex"],
            "sensitive": "care_level",
            "k": 5,
            "l": 2,
        },
    )

    survey_cols = [
        col(
            "respondent_id",
            t("回答者番号", "Respondent ID"),
            "code",
            "id",
            None,
            t("回答の受付順とは無関係な通し番号。", "Sequence number unrelated to the order of replies."),
        ),
        col(
            "age_band",
            t("年齢（10歳階級）", "Age band (10 years)"),
            "category",
            "age_band",
            None,
            t("回答者の年齢階級。", "Age band of the respondent."),
            order=SURVEY_AGE_BANDS,
        ),
        col(
            "sex",
            t("性別", "Sex"),
            "category",
            "sex",
            None,
            t(
                "回答者が選んだ性別（「回答しない」を含む）。",
                "Sex as chosen by the respondent, including 'prefer not to say'.",
            ),
            order=SURVEY_SEXES,
        ),
        district_col(),
        col(
            "residence_years",
            t("居住年数", "Years lived in the city"),
            "category",
            None,
            None,
            t("みどり野市に住んでいる年数。", "How long the respondent has lived in the city."),
            order=RESIDENCE_YEARS,
        ),
        col(
            "household",
            t("世帯構成", "Household"),
            "category",
            None,
            None,
            t(
                "ひとり暮らしか、2人以上の世帯か（匿名化のため夫婦のみ・親と子・三世代などをまとめています）。",
                "Living alone or in a household of two or more (couples, parents and children, three generations "
                "grouped together for anonymization).",
            ),
            order=PUBLISHED_HOUSEHOLDS,
        ),
    ]
    for suffix, ja, en in SURVEY_ITEMS:
        survey_cols.append(
            col(
                f"sat_{suffix}",
                t(f"{ja}の満足度", f"Satisfaction: {en.lower()}"),
                "integer",
                "likert",
                None,
                t(
                    f"「{ja}」にどのくらい満足していますか（5段階）。空欄は無回答。",
                    f"How satisfied are you with: {en.lower()} (1–5). Empty = no answer.",
                ),
                scale=SAT_SCALE,
            )
        )
    for suffix, ja, en in SURVEY_ITEMS:
        survey_cols.append(
            col(
                f"imp_{suffix}",
                t(f"{ja}の重要度", f"Importance: {en.lower()}"),
                "integer",
                "likert",
                None,
                t(
                    f"「{ja}」は今後のまちづくりにどのくらい重要ですか（5段階）。空欄は無回答。",
                    f"How important is {en.lower()} for the city's future (1–5). Empty = no answer.",
                ),
                scale=IMP_SCALE,
            )
        )
    survey_cols.append(
        col(
            "comment",
            t("自由記述", "Free comment"),
            "text",
            "text",
            None,
            t(
                "市への意見・要望（任意）。空欄は記入なし。",
                "Opinions and requests to the city (optional). Empty = none written.",
            ),
        )
    )
    d["survey"] = dataset(
        "survey",
        "survey.parquet",
        "table",
        None,
        t("市民意識調査 2025", "Citizen satisfaction survey 2025"),
        t(
            f"{FICTION_JA}18歳以上の市民から無作為に選んで郵送した意識調査（2025年）の回答。10分野の満足度と重要度（各5段階）と自由記述。高齢の人ほど回答率が高く、設問の後ろほど無回答が増えます。",
            f"{FICTION_EN} Answers to a 2025 mailed survey of randomly chosen residents aged 18+: satisfaction and "
            "importance "
            "of ten services (1–5 each) and a free comment. Older people reply more often; later questions are skipped "
            "more.",
        ),
        ["survey"],
        t(
            "年齢は10歳階級、住所は地区のみ（町丁目・氏名は削除）、世帯はひとり暮らしか否かのみ。年齢階級・性別・地区・世帯が同じ人が"
            "5人未満になる回答は削除（k=5）。自由記述は個人が特定される記述を削除済みの想定。",
            "Age in ten-year bands, residence as district only (area and name removed), household as living alone or "
            "not. "
            "Answers whose age band, sex, district and household are shared by fewer than 5 respondents are removed "
            "(k=5); "
            "comments assumed screened for identifying details.",
        ),
        t("回答者1人", "one respondent"),
        survey_cols,
        privacy={"persons": "records", "quasi_identifiers": ["age_band", "sex", "district", "household"], "k": 5},
    )

    d["kayoi_places"] = dataset(
        "kayoi_places",
        "kayoi_places.geojson",
        "geo",
        "Point",
        t("通いの場・サロン", "Community exercise places and salons"),
        t(
            f"{FICTION_JA}高齢者が集う通いの場（体操など）と、ふれあいサロンの場所・週あたり参加者数・開始年。中心部に多く、丘陵の団地には少ない。",
            f"{FICTION_EN} Places where older residents meet (exercise groups 通いの場 and social salons): location, "
            "weekly participants and start year. Many in the centre, few in the hillside estates.",
        ),
        ["elderly_places", "welfare"],
        t(
            "活動場所と団体名は公開情報。参加者は週あたりの人数のみで、名簿は含みません。",
            "Places and group names are public; participants only as a weekly count, no member lists.",
        ),
        t("通いの場・サロン1か所", "one place"),
        [
            col("place_id", t("場所番号", "Place ID"), "code", "id", None, t("通し番号。", "Sequence number.")),
            col("name", t("名称", "Name"), "text", "name", None, t("活動の名称。", "Name of the group or place.")),
            col(
                "place_type",
                t("種別", "Type"),
                "category",
                None,
                None,
                t(
                    "通いの場（体操などの定期活動）かサロン（交流の場）か。",
                    "通いの場 (regular exercise) or サロン (social salon).",
                ),
                order=["通いの場", "サロン"],
            ),
            area_code_col(desc_ja="場所がある町丁目のコード。", desc_en="Code of the small area the place lies in."),
            col(
                "weekly_participants",
                t("週あたり参加者数", "Weekly participants"),
                "integer",
                "measure",
                PERSONS,
                t("1週間に参加する人数（延べではなく実人数の目安）。", "People taking part in a typical week."),
            ),
            col(
                "start_year",
                t("開始年", "Start year"),
                "year",
                "year",
                None,
                t("活動を始めた年。", "Year the activity started."),
            ),
            geometry_col("場所の点", "Point location"),
        ],
    )

    d["elderly_mesh"] = dataset(
        "elderly_mesh",
        "elderly_mesh.parquet",
        "table",
        None,
        t("500mメッシュ別高齢者人口", "Older residents by 500 m mesh"),
        t(
            f"{FICTION_JA}2025年10月1日の人口と65歳以上・75歳以上人口を、JIS X 0410 の500mメッシュ（4次メッシュ、"
            "9桁）で集計したもの。合計は町丁目人口と一致します。",
            f"{FICTION_EN} Population, residents 65+ and 75+ on 1 October 2025 on the JIS X 0410 500 m mesh (level 4, "
            "9 digits). "
            "The sums equal the small-area population.",
        ),
        ["elderly_places", "population"],
        t(
            "町丁目人口をメッシュに面積按分した推計値（整数に丸め、合計を保存）。個人の位置は使っていません。",
            "Small-area counts apportioned to meshes by overlap area (rounded, totals preserved); no individual "
            "locations used.",
        ),
        t("500mメッシュ1区画", "one 500 m mesh cell"),
        [
            col(
                "mesh_code",
                t("メッシュコード", "Mesh code"),
                "code",
                "mesh",
                None,
                t(
                    "JIS X 0410 の500mメッシュコード（9桁、文字列）。",
                    "JIS X 0410 500 m mesh code (9 digits, as text).",
                ),
            ),
            col("population", t("人口", "Population"), "integer", "measure", PERSONS, t("総人口。", "All residents.")),
            col(
                "elderly_65plus",
                t("65歳以上人口", "Residents 65+"),
                "integer",
                "measure",
                PERSONS,
                t("65歳以上の人口（75歳以上を含む）。", "Residents aged 65 and over (includes 75+)."),
            ),
            col(
                "elderly_75plus",
                t("75歳以上人口", "Residents 75+"),
                "integer",
                "measure",
                PERSONS,
                t("75歳以上の人口。", "Residents aged 75 and over."),
            ),
        ],
        privacy={"persons": "population"},
    )

    d["facilities"] = dataset(
        "facilities",
        "facilities.geojson",
        "geo",
        "Point",
        t("公共施設・医療機関", "Public facilities and medical institutions"),
        t(
            f"{FICTION_JA}避難所、地域包括支援センター、公民館、小・中学校、保育所、病院、診療所の位置。学校の体育館は避難所も兼ねるため、避難所として別の行にもあります。",
            f"{FICTION_EN} Shelters, community care centres, community halls, schools, nurseries, hospitals and "
            "clinics. "
            "School gyms are also shelters and appear again as shelter rows.",
        ),
        ["facilities", "disaster", "childcare"],
        t("公開情報のみ。", "Public information only."),
        t(
            "施設1件（避難所を兼ねる学校は学校と避難所で別の行）",
            "one facility (a school that is also a shelter has two rows)",
        ),
        [
            col(
                "facility_id",
                t("施設番号", "Facility ID"),
                "code",
                "id",
                None,
                t(
                    "種別の略号＋通し番号（保育所は NS、nurseries.facility_id と対応）。",
                    "Category prefix + number (nurseries: NS…, matching nurseries.facility_id).",
                ),
            ),
            col("name", t("施設名", "Name"), "text", "name", None, t("施設の名称。", "Name of the facility.")),
            col(
                "category",
                t("種別", "Category"),
                "category",
                None,
                None,
                t("施設の種類。", "Kind of facility."),
                order=FACILITY_CATEGORIES,
            ),
            area_code_col(desc_ja="施設がある町丁目のコード。", desc_en="Code of the small area the facility lies in."),
            col(
                "capacity",
                t("収容人数・定員・病床数", "Capacity"),
                "integer",
                "measure",
                PERSONS,
                t(
                    "避難所は収容人数、保育所は定員（2025年）、病院は病床数。その他は空欄。",
                    "Shelters: people they can hold; nurseries: enrolment capacity (2025); hospitals: beds. Empty "
                    "otherwise.",
                ),
            ),
            col(
                "address_note",
                t("所在地（町丁目）", "Location note"),
                "text",
                None,
                None,
                t("所在地を町丁目単位で示したもの。", "Location given to the small area only."),
            ),
            geometry_col("施設の点", "Point location"),
        ],
    )

    d["flood_zones"] = dataset(
        "flood_zones",
        "flood_zones.geojson",
        "geo",
        "Polygon",
        t("洪水浸水想定区域（想定最大規模）", "Flood inundation zones (maximum assumed rainfall)"),
        t(
            f"{FICTION_JA}架空の河川「みどり川」が想定最大規模の降雨で氾濫した場合に浸水が想定される区域を、浸水深のランク別に示したもの。",
            f"{FICTION_EN} Areas expected to be flooded if the fictional Midori River overflows under the maximum "
            "assumed rainfall, by depth class.",
        ),
        ["disaster"],
        t("該当なし（区域の形状のみ）。", "Not applicable: zone shapes only."),
        t("浸水深ランク別の区域ポリゴン1件", "one zone polygon of one depth class"),
        [
            col("zone_id", t("区域番号", "Zone ID"), "code", "id", None, t("通し番号。", "Sequence number.")),
            col(
                "river_name",
                t("河川名", "River"),
                "category",
                None,
                None,
                t("氾濫を想定した河川。", "River assumed to overflow."),
            ),
            col(
                "depth_class",
                t("浸水深", "Flood depth"),
                "category",
                None,
                None,
                t("想定される最大の浸水の深さ。", "Maximum expected depth of flooding."),
                order=DEPTH_CLASSES,
            ),
            col(
                "depth_rank",
                t("浸水深ランク", "Depth rank"),
                "integer",
                None,
                None,
                t(
                    "1（0.5m未満）〜4（5m以上）。大きいほど深い。",
                    "1 (under 0.5 m) to 4 (5 m or more); higher is deeper.",
                ),
            ),
            geometry_col("区域のポリゴン", "Polygon of the zone"),
        ],
    )

    d["childcare"] = dataset(
        "childcare",
        "childcare.parquet",
        "table",
        None,
        t("町丁目別 子育て指標", "Childcare indicators by area"),
        t(
            f"{FICTION_JA}町丁目・年ごとの出生数、0〜5歳児数、認可保育所の利用申込者数、待機児童数（2021〜2025年、各年10月1日）。",
            f"{FICTION_EN} Births, children aged 0–5, applicants to licensed nurseries and children on waiting lists "
            "(待機児童) "
            "by small area and year, 2021–2025 (1 October).",
        ),
        ["childcare"],
        t("町丁目・年別の集計値のみ。", "Aggregated counts by area and year only."),
        t("町丁目・年 1件", "one area × year"),
        [
            area_code_col(),
            year_col(
                "年",
                "Year",
                "各年10月1日現在（出生数は前年10月からの1年間）。",
                "As of 1 October (births: the twelve months before).",
            ),
            col(
                "births",
                t("出生数", "Births"),
                "integer",
                "measure",
                PERSONS,
                t("1年間に生まれた子どもの数。", "Children born in the year."),
            ),
            col(
                "children_0_5",
                t("0〜5歳児数", "Children aged 0–5"),
                "integer",
                "measure",
                PERSONS,
                t("小学校入学前の子どもの数。", "Children before primary school."),
            ),
            col(
                "nursery_applicants",
                t("保育所利用申込者数", "Nursery applicants"),
                "integer",
                "measure",
                PERSONS,
                t("認可保育所の利用を申し込んだ子どもの数。", "Children applying for a licensed nursery place."),
            ),
            col(
                "waiting_children",
                t("待機児童数", "Waiting children"),
                "integer",
                "measure",
                PERSONS,
                t(
                    "申し込んだが入所できなかった子どもの数（国の定義）。",
                    "Children who applied but got no place (national definition).",
                ),
            ),
        ],
        privacy={"persons": "children_0_5"},
    )

    d["nurseries"] = dataset(
        "nurseries",
        "nurseries.parquet",
        "table",
        None,
        t("保育所別 定員・在籍", "Nurseries: capacity and enrolment"),
        t(
            f"{FICTION_JA}認可保育所ごと・年ごとの定員、在籍児童数、入所待ちの申込数（2021〜2025年）。2024年に新しい保育所が開所しています。",
            f"{FICTION_EN} Capacity, enrolled children and waiting applications of each licensed nursery by year, "
            "2021–2025. "
            "A new nursery opened in 2024.",
        ),
        ["childcare", "facilities"],
        t("施設別の集計値のみ。", "Aggregated counts per facility only."),
        t("保育所・年 1件", "one nursery × year"),
        [
            col(
                "facility_id",
                t("施設番号", "Facility ID"),
                "code",
                "id",
                None,
                t("facilities の保育所の施設番号。", "ID of the nursery in facilities."),
                joins="facilities.facility_id",
            ),
            year_col(
                "年",
                "Year",
                "各年10月1日現在（childcare と同じ時点）。",
                "As of 1 October of the year (same date as childcare).",
            ),
            col(
                "capacity", t("定員", "Capacity"), "integer", "measure", PERSONS, t("認可定員。", "Licensed capacity.")
            ),
            col(
                "enrolled",
                t("在籍児童数", "Enrolled"),
                "integer",
                "measure",
                PERSONS,
                t("在籍している子どもの数。", "Children enrolled."),
            ),
            col(
                "waiting_list",
                t("入所待ち申込数", "Waiting applications"),
                "integer",
                "measure",
                PERSONS,
                t(
                    "この保育所を希望して入所待ちの申込数（複数の園に申し込む人がいるため、待機児童数の合計とは一致しません）。",
                    "Applications waiting for this nursery (people apply to several, so the sum differs from the "
                    "waiting-children count).",
                ),
            ),
        ],
    )
    return d
