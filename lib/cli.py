"""Command line for instructors and administrators.

    python -m lib.cli set-passcode                 # instructor passcode (asked twice, stored hashed)
    python -m lib.cli import PATH [--name NAME] [--dry-run]
    python -m lib.cli export --group NAME --format pptx|html|pdf --out PATH

Each command lives in the module of its concept; this file only parses arguments.
Exit codes: 0 success, 2 bad input (with a Japanese message on stderr).
"""
from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lib.cli", description="データアカデミー ワークベンチの管理コマンド")
    commands = parser.add_subparsers(dest="command", required=True)

    passcode = commands.add_parser("set-passcode", help="講師用パスコードを設定する")
    passcode.add_argument("--passcode-stdin", action="store_true",
                          help="パスコードを標準入力から 1 行で読む（自動化用）")

    importer = commands.add_parser("import", help="データファイルを取り込む（匿名化前の領域へ）")
    importer.add_argument("path")
    importer.add_argument("--name", help="データセット名（英数字と _）")
    importer.add_argument("--encoding", help="文字コードを指定する（省略時は自動判定）")
    importer.add_argument("--dry-run", action="store_true", help="保存せず、判定結果を JSON で表示する")

    export = commands.add_parser("export", help="グループの発表資料を書き出す")
    export.add_argument("--group", required=True, help="グループ名（example でデモの完成例）")
    export.add_argument("--format", required=True, choices=["pptx", "html", "pdf"])
    export.add_argument("--out", required=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "set-passcode":
        from lib.instructor_auth import set_passcode_command

        return set_passcode_command(args)
    if args.command == "import":
        from lib.data_import import import_command

        return import_command(args)
    if args.command == "export":
        from lib.deliverables import export_command

        return export_command(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
