"""Command line for instructors and administrators.

    python -m lib.cli set-passcode                 # instructor passcode (asked twice, stored hashed)
    python -m lib.cli import PATH [--name NAME] [--dry-run]
    python -m lib.cli export --group NAME --format pptx|html|pdf --out PATH
    python -m lib.cli base-layer FILE --kind river|railway|station|road|place
    python -m lib.cli tile-pack FILE.mbtiles
    python -m lib.cli setup-city --boundaries FILE --city CODE [--year YEAR] [--population FILE] [--facilities FILE ...]
    python -m lib.cli backup [--out FILE]             # a consistent copy of the workspace, app running or not
    python -m lib.cli restore FILE                    # a backup or snapshot back into the workspace
    python -m lib.cli migrate-workspace               # an old workspace.duckdb into SQLite / PostgreSQL
    python -m lib.cli prepare                         # build the data and open the workspace (before workers)

This file parses arguments and holds each command's body; the work itself is done by
the module of its concept. Exit codes: 0 success, 2 bad input (with a Japanese
message on stderr).
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import datetime
from pathlib import Path

import duckdb

from lib.data.catalog import load_catalog
from lib.data.city import CitySetupError, setup_city
from lib.data.facility_lists import FacilityListError
from lib.data.import_result import DataImportError
from lib.data.import_worker import read_file_guarded
from lib.data.population_layouts import PopulationLayoutError
from lib.data.staging import check_name, store_import, suggest_name
from lib.data.store import get_store
from lib.deck.export import export_group, find_group
from lib.deck.model import DeckError
from lib.i18n import t
from lib.maps.base_layers import KINDS as BASE_LAYER_KINDS
from lib.maps.base_layers import BaseLayerError, add_base_layer
from lib.maps.data import city_boundary
from lib.maps.tile_pack import TilePackError, unpack_mbtiles
from lib.workspace import backup, example_group, migration, recovery
from lib.workspace.backend import WorkspaceError, WorkspaceUnavailable, backend_for
from lib.workspace.instructor_auth import PasscodeError, passcode_path, set_passcode
from lib.workspace.items import Workspace, open_workspace


def set_passcode_command(args) -> int:
    """`set-passcode [--passcode-stdin]`: 0 when stored, 2 on bad input."""
    try:
        if args.passcode_stdin:
            passcode = sys.stdin.readline().rstrip("\r\n")
        else:
            passcode = getpass.getpass("新しい講師用パスコード: ")
            again = getpass.getpass("もう一度入力してください: ")
            if passcode != again:
                raise PasscodeError("2 回の入力が一致しません。もう一度やり直してください。")
        set_passcode(passcode)
    except PasscodeError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (EOFError, KeyboardInterrupt):
        print("パスコードは設定されませんでした。", file=sys.stderr)
        return 2
    print(f"講師用パスコードを設定しました（{passcode_path()} にハッシュとして保存）。")
    return 0


def import_command(args) -> int:
    """`import PATH [--name NAME] [--encoding ENC] [--dry-run]`: into staging, before anonymization."""
    path = Path(args.path)
    try:
        result = read_file_guarded(path, encoding=args.encoding)
        if args.dry_run:
            print(json.dumps(result.summary("ja"), ensure_ascii=False))
            return 0
        name = check_name(args.name) if args.name else suggest_name(path.name)
        store_import(result, name, imported_by="cli")
    except DataImportError as error:
        print(error.text("ja"), file=sys.stderr)
        return 2
    except duckdb.IOException:  # the running app's data page holds the staging database open
        print(t("cli.staging_locked", "ja"), file=sys.stderr)
        return 2
    print(t("import.cli.stored", "ja", name=name, rows=len(result.frame),
            columns=len(result.summary()["columns"])))
    for warning in result.warnings:
        print(warning.text("ja"))
    return 0


def export_command(args) -> int:
    """`export --group NAME --format pptx|html|pdf --out PATH`."""
    out = Path(args.out)
    if out.is_dir() or not out.parent.exists():
        print(t("deck.error.bad_out", "ja", path=str(out)), file=sys.stderr)
        return 2
    store = get_store()
    try:
        ws = open_workspace(store)
    except WorkspaceUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 2
    example_group.seed_if_empty(ws)
    try:
        group = find_group(ws, args.group)
    except DeckError as exc:
        print(exc.text("ja"), file=sys.stderr)
        return 2
    data = export_group(ws, store, load_catalog(), group, args.format)
    try:
        out.write_bytes(data)
    except OSError:
        print(t("deck.error.bad_out", "ja", path=str(out)), file=sys.stderr)
        return 2
    print(t("deck.exported", "ja", group=group.name, path=str(out), size=f"{len(data):,}"))
    return 0


def setup_city_command(args) -> int:
    """`setup-city --boundaries FILE --city CODE [--year YEAR]`: the workbench's area layer from e-Stat."""
    try:
        report = setup_city(args.boundaries, args.city, year=args.year, population=args.population,
                            population_year=args.population_year, facilities=args.facilities or [], set_by="cli")
    except (CitySetupError, DataImportError, PopulationLayoutError, FacilityListError) as error:
        print(error.text("ja"), file=sys.stderr)
        return 2
    print("\n".join(report.lines("ja")))
    return 0


def base_layer_command(args) -> int:
    """`base-layer FILE --kind river|railway|station|road|place`: a reference layer under the map's data."""
    store = get_store()
    cursor = store.published()
    try:
        city = city_boundary(cursor, load_catalog())
    finally:
        cursor.close()
    try:
        kept = add_base_layer(args.path, args.kind, city, added_by="cli", store=store)
    except (BaseLayerError, DataImportError) as error:
        print(error.text("ja"), file=sys.stderr)
        return 2
    print(t("base_layer.added", "ja", kind=t(f"base_layer.kind.{args.kind}", "ja"), count=kept))
    return 0


def tile_pack_command(args) -> int:
    """`tile-pack FILE.mbtiles`: a raster tile pack served by the app as the map's background."""
    try:
        info = unpack_mbtiles(args.path)
    except TilePackError as error:
        print(error.text("ja"), file=sys.stderr)
        return 2
    print(t("tile_pack.done", "ja", count=info["tiles"], minzoom=info["minzoom"], maxzoom=info["maxzoom"]))
    return 0


def backup_command(args) -> int:
    """`backup [--out FILE]`: a consistent copy while the app runs (default: backups/ in the data folder)."""
    data_dir = get_store().data_dir
    try:
        ws = open_workspace()
    except WorkspaceUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else (
        data_dir / "backups" / f"workspace-{datetime.now():%Y%m%d-%H%M%S}{backup.suffix_for(ws)}")
    if not args.out:
        out.parent.mkdir(parents=True, exist_ok=True)
    if out.is_dir() or not out.parent.is_dir():
        print(t("backup.bad_out", "ja", path=str(out)), file=sys.stderr)
        return 2
    try:
        backup.write_backup(ws, out)
    except OSError:
        print(t("backup.bad_out", "ja", path=str(out)), file=sys.stderr)
        return 2
    print(t("backup.written", "ja", path=str(out), size=f"{out.stat().st_size:,}"))
    return 0


def restore_command(args) -> int:
    """`restore FILE`: the workspace becomes the backup; what it held before is kept as a snapshot."""
    try:
        restored = recovery.restore(get_store().data_dir, Path(args.file))
    except WorkspaceError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(t("backup.restored", "ja", **restored.counts))
    if restored.kept_snapshot is not None:
        print(t("backup.kept_before", "ja", name=restored.kept_snapshot.name))
    if restored.set_aside:
        print(t("backup.set_aside", "ja", names="、".join(p.name for p in restored.set_aside)))
    return 0


def migrate_workspace_command(args) -> int:
    """`migrate-workspace`: the old DuckDB workspace into the configured backend (also done on first start)."""
    data_dir = get_store().data_dir
    if not migration.legacy_path(data_dir).exists():
        print(t("migrate.error.none", "ja"), file=sys.stderr)
        return 2
    try:
        counts = migration.migrate(Workspace(backend_for(data_dir), create=True), data_dir)
    except WorkspaceError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(t("migrate.done", "ja", **counts))
    return 0


def prepare_command(args) -> int:
    """`prepare`: what a first start does (published data, workspace, demo course), before several workers start."""
    store = get_store()
    store.refresh_published()
    try:
        ws = open_workspace(store)
    except WorkspaceUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 2
    example_group.seed_if_empty(ws, store.published())
    print(t("prepare.done", "ja"))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lib.cli", description="データアカデミー ワークベンチの管理コマンド")
    commands = parser.add_subparsers(dest="command", required=True)

    passcode = commands.add_parser("set-passcode", help="講師用パスコードを設定する")
    passcode.add_argument("--passcode-stdin", action="store_true",
                          help="パスコードを標準入力から 1 行で読む（自動化用）")
    passcode.set_defaults(run=set_passcode_command)

    importer = commands.add_parser("import", help="データファイルを取り込む（匿名化前の領域へ）")
    importer.add_argument("path")
    importer.add_argument("--name", help="データセット名（英数字と _）")
    importer.add_argument("--encoding", help="文字コードを指定する（省略時は自動判定）")
    importer.add_argument("--dry-run", action="store_true", help="保存せず、判定結果を JSON で表示する")
    importer.set_defaults(run=import_command)

    export = commands.add_parser("export", help="グループの発表資料を書き出す")
    export.add_argument("--group", required=True, help="グループ名（example でデモの完成例）")
    export.add_argument("--format", required=True, choices=["pptx", "html", "pdf"])
    export.add_argument("--out", required=True)
    export.set_defaults(run=export_command)

    city = commands.add_parser("setup-city", help="e-Stat の小地域境界から、ワークベンチを自分の市区町村にする")
    city.add_argument("--boundaries", required=True, help="e-Stat 境界データ 小地域（シェープファイルの ZIP か GeoJSON）")
    city.add_argument("--city", required=True, help="全国地方公共団体コード 5 桁（例：31201）")
    city.add_argument("--year", type=int, choices=[2015, 2020], help="国勢調査の年（省略時はファイルから判定）")
    city.add_argument("--population", help="住民基本台帳の地域・年齢別人口（CSV か Excel）。省略時は境界データの人口")
    city.add_argument("--population-year", type=int, help="人口の年（ファイルに調査年月日がないとき）")
    city.add_argument("--facilities", nargs="+", metavar="FILE",
                      help="施設の一覧（公共施設・介護サービス事業所・AED・医療機関など、緯度・経度つきの CSV / Excel）")
    city.set_defaults(run=setup_city_command)

    base = commands.add_parser("base-layer", help="地図の背景（川・鉄道・駅・道路・地名）を取り込む")
    base.add_argument("path", help="国土数値情報などのシェープファイル（ZIP）・GeoJSON・GeoPackage")
    base.add_argument("--kind", required=True, choices=BASE_LAYER_KINDS,
                      help="river 川 / railway 鉄道 / station 駅 / road 道路 / place 地名")
    base.set_defaults(run=base_layer_command)

    pack = commands.add_parser("tile-pack", help="背景地図のタイル（MBTiles）をアプリから配信できるようにする")
    pack.add_argument("path", help="ラスタータイルの MBTiles ファイル")
    pack.set_defaults(run=tile_pack_command)
    backup_parser = commands.add_parser("backup", help="ワークスペースのバックアップを書き出す（アプリの起動中でもよい）")
    backup_parser.add_argument("--out", help="書き出すファイル（省略時はデータフォルダーの backups/）")
    backup_parser.set_defaults(run=backup_command)

    restore_parser = commands.add_parser("restore", help="バックアップまたはスナップショットからワークスペースを復元する")
    restore_parser.add_argument("file")
    restore_parser.set_defaults(run=restore_command)

    migrate_parser = commands.add_parser("migrate-workspace",
                                         help="以前の形式（workspace.duckdb）のワークスペースを移行する")
    migrate_parser.set_defaults(run=migrate_workspace_command)

    prepare_parser = commands.add_parser("prepare", help="データとワークスペースを準備する（複数ワーカーの起動前）")
    prepare_parser.set_defaults(run=prepare_command)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
