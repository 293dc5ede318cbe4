"""A printable sheet of the join codes, one group per page, for the room (projector or paper).

Trainees join on the 参加する page by choosing their group and typing its code; the sheet says
where to type it. It is one self-contained HTML file: no font, script or picture from anywhere.
"""
from __future__ import annotations

import html
from urllib.parse import urlsplit

from lib.i18n import t
from lib.workspace.course import CourseInfo
from lib.workspace.items import Group

_STYLE = """
body { font-family: "IPAexGothic", "Yu Gothic", "Meiryo", sans-serif; margin: 0; }
section { page-break-after: always; padding: 12mm; text-align: center; }
h1 { font-size: 20pt; font-weight: normal; } h2 { font-size: 48pt; margin: 8mm 0; }
.code { font-size: 96pt; letter-spacing: 0.1em; font-family: "Consolas", "Courier New", monospace; }
p { font-size: 16pt; }
.address { font-size: 28pt; font-family: "Consolas", "Courier New", monospace; }
"""
_LOOPBACK = {"localhost", "::1", "0.0.0.0"}


def workbench_address(page_url: str | None, configured: str = "") -> str:
    """The address the trainees' PCs open: the configured one, else the one the instructor's browser used.

    An address of the server itself (localhost, 127.x) reaches no other PC: then "" (the instructor
    types it in)."""
    if configured:
        return configured
    parts = urlsplit(page_url or "")
    host = parts.hostname or ""
    if not host or host in _LOOPBACK or host.startswith("127."):
        return ""
    return f"{parts.scheme or 'http'}://{parts.netloc}/"


def join_sheet_html(info: CourseInfo, groups: list[Group], lang: str = "ja", address: str = "") -> str:
    """One page per group: the course, the group's name in large letters, its code, where and how to join.

    `address` is the workbench's address for the trainees' browsers (see workbench_address); without
    one, the sheet leaves a line to write it on."""
    e = html.escape
    where = (f"<p>{e(t('join_sheet.address', lang))}</p><div class='address'>{e(address)}</div>" if address
             else f"<p>{e(t('join_sheet.address_blank', lang))}</p>")
    pages = [
        f"<section><h1>{e(info.name)}（{e(info.municipality)}）</h1><h2>{e(group.name)}</h2>{where}"
        f"<p>{e(t('join_sheet.code', lang))}</p><div class='code'>{e(group.join_code)}</div>"
        f"<p>{e(t('join_sheet.how', lang, group=group.name))}</p></section>"
        for group in groups
    ]
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
            f"<title>{e(t('join_sheet.title', lang, course=info.name))}</title><style>{_STYLE}</style></head>"
            f"<body>{''.join(pages)}</body></html>")
