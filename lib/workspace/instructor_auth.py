"""The instructor passcode: stored hashed (scrypt with a random salt) in the data folder.

Set it from the command line (`python -m lib.cli set-passcode`). While none is
set, the instructor pages offer to set one only to a browser on the serving
machine itself (a loopback connection), so a laptop demo works right after set-up
and a trainee elsewhere on the network cannot claim the instructor role.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import os
import secrets
from datetime import datetime

from lib import settings
from lib.errors import WorkbenchError

MIN_LENGTH = 8
MAX_LENGTH = 200
# scrypt cost: about 50 ms and 16 MB per check on a small server.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1


class PasscodeError(WorkbenchError):
    """A passcode that cannot be used (message keys auth.error.*)."""

    key_prefix = "auth.error."


def passcode_path():
    return settings.data_dir() / "instructor_passcode.json"


def _hash(passcode: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(passcode.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def check_new_passcode(passcode: str) -> None:
    if len(passcode) < MIN_LENGTH:
        raise PasscodeError("too_short", n=MIN_LENGTH)
    if len(passcode) > MAX_LENGTH:
        raise PasscodeError("too_long", n=MAX_LENGTH)
    if passcode != passcode.strip():
        raise PasscodeError("spaces")


def set_passcode(passcode: str) -> None:
    """Store the passcode's scrypt hash (never the passcode itself), readable only by the owner."""
    check_new_passcode(passcode)
    salt = secrets.token_bytes(16)
    record = {"algorithm": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
              "salt": salt.hex(), "hash": _hash(passcode, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P).hex()}
    path = passcode_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(record, out)
    os.replace(tmp, path)


def passcode_is_set() -> bool:
    return passcode_path().exists()


def passcode_set_at() -> datetime | None:
    """When the passcode was last set (a sign-in from before then no longer counts), or None."""
    try:
        return datetime.fromtimestamp(passcode_path().stat().st_mtime)
    except FileNotFoundError:
        return None


def verify_passcode(passcode: str) -> bool:
    path = passcode_path()
    if not path.exists() or not passcode:
        return False
    record = json.loads(path.read_text(encoding="utf-8"))
    expected = bytes.fromhex(record["hash"])
    actual = _hash(passcode, bytes.fromhex(record["salt"]), record["n"], record["r"], record["p"])
    return hmac.compare_digest(expected, actual)


def is_loopback(address: str | None) -> bool:
    """True only for a loopback peer address (127.0.0.0/8, ::1, ::ffff:127.x); unknown is not local."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def may_set_first_passcode(peer_address: str | None) -> bool:
    """Setting a passcode from the browser: only while none is set, only on the serving machine."""
    return not passcode_is_set() and is_loopback(peer_address)
