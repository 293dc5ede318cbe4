"""Who a browser is, by network address: its own, or the one a trusted proxy saw.

Behind nginx every browser reaches the app from the proxy's address. The proxy appends the
address it saw to X-Forwarded-For; only entries appended by proxies listed in
settings.TRUSTED_PROXIES are believed (a browser can send any X-Forwarded-For it likes).
"""
from __future__ import annotations

import ipaddress

from lib import settings


def _ip(address: str):
    try:
        ip = ipaddress.ip_address(address.strip().split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip


def _trusted(address: str, trusted_proxies: list[str]) -> bool:
    ip = _ip(address)
    if ip is None:
        return False
    for entry in trusted_proxies:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def real_address(peer: str | None, forwarded_for: str | None,
                 trusted_proxies: list[str] | None = None) -> str | None:
    """The browser's address: the peer's, or, while the peer is a trusted proxy, the address that
    proxy appended to X-Forwarded-For (read from the right; a chain of trusted proxies is followed)."""
    trusted_proxies = settings.TRUSTED_PROXIES if trusted_proxies is None else trusted_proxies
    address = peer
    hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    while address and _trusted(address, trusted_proxies) and hops:
        address = hops.pop()
    if address is not None and _ip(address) is None:
        return None  # not an address: unknown, never local
    return address
