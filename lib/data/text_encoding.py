"""The text encoding of an imported file: detected (BOM, strict UTF-8, charset-normalizer), overridable,
and refused when a chosen encoding would give mojibake."""
from __future__ import annotations

import charset_normalizer

from lib.data.import_result import DataImportError

ENCODINGS = ["utf-8", "utf-8-sig", "cp932", "euc_jp"]
ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "cp932": "Shift_JIS (CP932)",
                   "euc_jp": "EUC-JP"}


def normalize_encoding(name: str | None) -> str | None:
    if not name:
        return None
    key = name.lower().replace("-", "_").replace(" ", "")
    aliases = {"utf_8": "utf-8", "utf8": "utf-8", "utf_8_sig": "utf-8-sig", "utf8sig": "utf-8-sig",
               "utf_8_bom": "utf-8-sig", "sjis": "cp932", "shift_jis": "cp932", "shiftjis": "cp932",
               "cp932": "cp932", "ms932": "cp932", "windows_31j": "cp932", "euc_jp": "euc_jp",
               "eucjp": "euc_jp", "ascii": "utf-8"}
    return aliases.get(key, key)


def detect_encoding(data: bytes) -> str:
    """The encoding of Japanese text: BOM and strict UTF-8 first, then charset-normalizer."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A file cut inside a multi-byte character is still UTF-8.
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    sample = data[:1_000_000]  # enough to tell CP932 from EUC-JP; decoding the whole file checks the rest
    best = charset_normalizer.from_bytes(
        sample, cp_isolation=["cp932", "shift_jis", "euc_jp", "utf_8"]).best()
    guess = normalize_encoding(best.encoding) if best else None
    if guess in {"cp932", "euc_jp"}:
        return guess
    for candidate in ("cp932", "euc_jp"):
        try:
            data.decode(candidate)
            return candidate
        except UnicodeDecodeError:
            continue
    return guess or "cp932"


def decode_text(data: bytes, encoding: str | None, name: str) -> tuple[str, str, str]:
    """(text, encoding used, encoding detected); refuse a wrong or mislabelled encoding."""
    detected = detect_encoding(data)
    chosen = normalize_encoding(encoding) or detected
    if chosen == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
        chosen = "utf-8-sig"
    has_non_ascii = not data[:1_000_000].isascii()
    if encoding and has_non_ascii and detected.startswith("utf-8") and not chosen.startswith("utf-8"):
        # Valid UTF-8 read as Shift_JIS would "succeed" and give mojibake: refuse it.
        raise DataImportError("mislabelled_encoding", name=name, given=ENCODING_LABELS.get(chosen, chosen),
                              detected=ENCODING_LABELS.get(detected, detected))
    try:
        text = data.decode(chosen)
    except LookupError as exc:
        raise DataImportError("unknown_encoding", encoding=encoding) from exc
    except UnicodeDecodeError as exc:
        if encoding:
            raise DataImportError("mislabelled_encoding", name=name, given=ENCODING_LABELS.get(chosen, chosen),
                                  detected=ENCODING_LABELS.get(detected, detected)) from exc
        raise DataImportError("undecodable", name=name, position=exc.start) from exc
    return text, chosen, detected
