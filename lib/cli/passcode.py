"""`set-passcode`: the instructor passcode, asked twice and stored hashed; `unlock`: lift lock-outs."""
from __future__ import annotations

import getpass
import sys

from lib.workspace.instructor_auth import PasscodeError, passcode_path, set_passcode
from lib.workspace.passcode_guard import unlock_everywhere


def set_passcode_command(args) -> int:
    """`set-passcode [--passcode-stdin]`: 0 when stored, 2 on bad input."""
    try:
        if args.passcode_stdin:
            passcode = sys.stdin.readline().rstrip("\r\n")
        else:
            passcode = getpass.getpass("新しい講師用パスコード: ")
            again = getpass.getpass("もう一度入力してください: ")
            if passcode != again:
                raise PasscodeError("mismatch")
        set_passcode(passcode)
    except PasscodeError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (EOFError, KeyboardInterrupt):
        print("パスコードは設定されませんでした。", file=sys.stderr)
        return 2
    print(f"講師用パスコードを設定しました（{passcode_path()} にハッシュとして保存）。")
    return 0


def unlock_command(args) -> int:
    """`unlock`: lift every passcode lock-out, in every running worker."""
    unlock_everywhere()
    print("講師用パスコードのロックを解除しました（起動中のワーカーは次の入力から受け付けます）。")
    return 0
