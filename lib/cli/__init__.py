"""Command line for instructors and administrators.

    python -m lib.cli set-passcode                 # instructor passcode (asked twice, stored hashed)
    python -m lib.cli unlock                       # lift passcode lock-outs (in every running worker)
    python -m lib.cli import PATH [--name NAME] [--dry-run]
    python -m lib.cli prep RECIPE --input FILE [--dry-run] [--reference-date YYYY-MM-DD]
    python -m lib.cli export --group NAME --format pptx|html|pdf --out PATH
    python -m lib.cli base-layer FILE --kind river|railway|station|road|place
    python -m lib.cli tile-pack FILE.mbtiles
    python -m lib.cli setup-city --boundaries FILE --city CODE [--city CODE ...] [--year YEAR]
                                 [--population FILE | --census FILE] [--households FILE] [--facilities FILE ...]
                                 [--facility-columns name=COLUMN,lat=COLUMN,lon=COLUMN,address=COLUMN,kind=COLUMN]
    python -m lib.cli ipss-projection FILE [--city CODE]  # the city's IPSS 地域別将来推計人口, for the projection page
    python -m lib.cli exercises export [--out FILE]   # the instructor's own exercise themes as one zip
    python -m lib.cli exercises import FILE           # such a zip (or one theme's YAML): all checked, or none
    python -m lib.cli backup [--out FILE]             # a consistent copy of the workspace, app running or not
    python -m lib.cli restore FILE                    # a backup or snapshot back into the workspace
    python -m lib.cli migrate-workspace               # an old workspace.duckdb into SQLite / PostgreSQL
    python -m lib.cli prepare                         # build the data and open the workspace (before workers)
    python -m lib.cli check-workspace                 # integrity, and acknowledged saves found missing

This module only parses arguments: each command's body sits in a module of this package
("module:function" below), imported when that command runs, as pip finds its commands, so
`--help` or a backup does not load maps, charts and decks first. The work itself is done by
the module of its concept. Exit codes: 0 success, 2 bad input (with a Japanese message on stderr).
"""
from __future__ import annotations

import argparse
import importlib

from lib.maps.layer_kinds import KINDS as BASE_LAYER_KINDS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lib.cli", description="データアカデミー ワークベンチの管理コマンド"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    passcode = commands.add_parser("set-passcode", help="講師用パスコードを設定する")
    passcode.add_argument("--passcode-stdin", action="store_true",
                          help="パスコードを標準入力から 1 行で読む（自動化用）")
    passcode.set_defaults(run="passcode:set_passcode_command")

    unlock = commands.add_parser("unlock", help="講師用パスコードの入力のロックを解除する")
    unlock.set_defaults(run="passcode:unlock_command")

    importer = commands.add_parser("import", help="データファイルを取り込む（匿名化前の領域へ）")
    importer.add_argument("path")
    importer.add_argument("--name", help="データセット名（英数字と _）")
    importer.add_argument("--encoding", help="文字コードを指定する（省略時は自動判定）")
    importer.add_argument("--dry-run", action="store_true", help="保存せず、判定結果を JSON で表示する")
    importer.set_defaults(run="data_import:import_command")

    prep = commands.add_parser("prep", help="データ準備の手順（画面で保存したもの）を次の年のファイルにくり返す")
    prep.add_argument("recipe", help="データ準備の画面の「手順を保存」で保存した YAML ファイル")
    prep.add_argument("--input", required=True, help="手順を当てはめるファイル（前回と同じ形で書き出したもの）")
    prep.add_argument(
        "--dry-run", action="store_true", help="公開せず、公開されるもの（行・列・k・削除の割合）を表示する"
    )
    prep.add_argument("--reference-date", metavar="YYYY-MM-DD", help="年齢を数える基準日（省略時は手順の基準日）")
    prep.set_defaults(run="preparation:prep_command")

    export = commands.add_parser("export", help="グループの発表資料を書き出す")
    export.add_argument("--group", required=True, help="グループ名（example でデモの完成例）")
    export.add_argument("--format", required=True, choices=["pptx", "html", "pdf"])
    export.add_argument("--out", required=True)
    export.set_defaults(run="export:export_command")

    city = commands.add_parser("setup-city", help="e-Stat の小地域境界から、ワークベンチを自分の市区町村にする")
    city.add_argument("--boundaries", required=True, action="append",
                      help="e-Stat 境界データ 小地域（シェープファイルの ZIP か GeoJSON）。合同研修で市区町村が別の"
                           "都道府県のファイルにあるときはくり返す")
    city.add_argument("--city", required=True, action="append",
                      help="全国地方公共団体コード 5 桁（例：31201）。合同研修はくり返す（--city 31201 --city 31302）")
    city.add_argument("--year", type=int, choices=[2015, 2020],
                      help="国勢調査の年（省略時はファイルから判定。ファイルの列名・測地系と違うときは警告してファイルの年にする）")
    city.add_argument("--population", action="append",
                      help="住民基本台帳の地域・年齢別人口（CSV か Excel）。省略時は境界データの人口。"
                           "合同研修は市区町村ごとに --city と同じ順にくり返す")
    city.add_argument(
        "--census",
        help="e-Stat 国勢調査 小地域集計の年齢（5歳階級）男女別人口の CSV（ダウンロードしたまま）。"
        "住民基本台帳の人口の代わりに使う",
    )
    city.add_argument(
        "--households",
        help="e-Stat 国勢調査 小地域集計の「世帯の家族類型別一般世帯数」の CSV（ダウンロードしたまま）。"
        "町丁・字別の一般世帯数・65歳以上世帯員のいる世帯など",
    )
    city.add_argument("--population-year", type=int, help="人口の年（ファイルに調査年月日がないとき）")
    city.add_argument(
        "--facilities",
        nargs="+",
        metavar="FILE",
        help="施設の一覧（公共施設・介護サービス事業所・AED・医療機関など、緯度・経度つきの CSV / Excel）",
    )
    city.add_argument("--facility-columns", metavar="FIELD=COLUMN,...",
                      help="施設の一覧の列の対応（自動で見つからないとき）。例：name=要配慮者利用施設名称,lat=緯度,lon=経度"
                           "（name 名称 / lat 緯度 / lon 経度 / address 住所 / kind 種類）")
    city.set_defaults(run="city:setup_city_command")

    ipss = commands.add_parser("ipss-projection",
                                help="社人研「日本の地域別将来推計人口」の自分の市区町村の推計を公開する（将来人口の画面で使う）")
    ipss.add_argument("path", help="社人研のサイトからダウンロードしたままの Excel（都道府県別のファイルか全国の "
                                   "suikei_kekka.xlsx）か、それを保存した CSV")
    ipss.add_argument("--city", help="全国地方公共団体コード 5 桁（省略時は setup-city で設定した市区町村。"
                                    "合同研修ではそのすべて）")
    ipss.set_defaults(run="city:ipss_projection_command")

    base = commands.add_parser("base-layer", help="地図の背景（川・鉄道・駅・道路・地名）を取り込む")
    base.add_argument("path", help="国土数値情報などのシェープファイル（ZIP）・GeoJSON・GeoPackage")
    base.add_argument("--kind", required=True, choices=BASE_LAYER_KINDS,
                      help="river 川 / railway 鉄道 / station 駅 / road 道路 / place 地名")
    base.set_defaults(run="city:base_layer_command")

    pack = commands.add_parser("tile-pack", help="背景地図のタイル（MBTiles）をアプリから配信できるようにする")
    pack.add_argument("path", help="ラスタータイルの MBTiles ファイル")
    pack.set_defaults(run="city:tile_pack_command")
    themes = commands.add_parser(
        "exercises", help="講師が作った演習テーマを書き出す・取り込む（別のサーバー・次の年へ）"
    )
    theme_actions = themes.add_subparsers(dest="action", required=True)
    theme_export = theme_actions.add_parser("export", help="講師が作った演習テーマを 1 つの zip に書き出す")
    theme_export.add_argument("--out", help="書き出すファイル（省略時はデータフォルダーの backups/）")
    theme_import = theme_actions.add_parser("import", help="書き出した zip（またはテーマの YAML）を取り込む")
    theme_import.add_argument("file")
    themes.set_defaults(run="exercise_themes:exercises_command")

    backup_parser = commands.add_parser(
        "backup", help="ワークスペースのバックアップを書き出す（アプリの起動中でもよい）"
    )
    backup_parser.add_argument("--out", help="書き出すファイル（省略時はデータフォルダーの backups/）")
    backup_parser.set_defaults(run="workspace_admin:backup_command")

    restore_parser = commands.add_parser(
        "restore", help="バックアップまたはスナップショットからワークスペースを復元する"
    )
    restore_parser.add_argument("file")
    restore_parser.set_defaults(run="workspace_admin:restore_command")

    migrate_parser = commands.add_parser("migrate-workspace",
                                         help="以前の形式（workspace.duckdb）のワークスペースを移行する")
    migrate_parser.set_defaults(run="workspace_admin:migrate_workspace_command")

    prepare_parser = commands.add_parser("prepare", help="データとワークスペースを準備する（複数ワーカーの起動前）")
    prepare_parser.set_defaults(run="workspace_admin:prepare_command")

    check_parser = commands.add_parser("check-workspace",
                                       help="ワークスペースを確かめる（壊れていないか、保存したと伝えた保存がすべてあるか）")
    check_parser.set_defaults(run="workspace_admin:check_workspace_command")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    module, function = args.run.split(":")
    return getattr(importlib.import_module(f"{__name__}.{module}"), function)(args)
