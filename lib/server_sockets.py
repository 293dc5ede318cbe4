"""The server answers each request at once, not after the browser's acknowledgement of the one before.

Streamlit 1.67 binds its listening socket itself, with socket.socket(family): protocol number 0. asyncio turns
Nagle's algorithm off (TCP_NODELAY) only on sockets whose protocol number is IPPROTO_TCP, so every connection
to the server kept it on. Uvicorn writes a response's headers and its body in two writes: on a kept-alive
connection the body then waited for the browser's delayed ACK of the headers, 40 ms on Linux (up to 200 ms on
Windows) for each of the ~110 scripts and styles a page load fetches (59 of Streamlit's scripts over one
connection: 2.5 s, then 0.09 s). Applied on the first page run: the process's first connections were accepted
before any of the app's code ran.
"""
from __future__ import annotations

import asyncio.base_events
import socket

ASYNCIO_SET_NODELAY = asyncio.base_events._set_nodelay  # asyncio's own (the tests show why it is replaced)


def _set_nodelay(sock: socket.socket) -> None:
    """asyncio's own, without its check of the protocol number (0 on a socket made without one)."""
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def answer_without_delay() -> None:
    """Every TCP connection asyncio sets up from now on sends small writes at once (process-wide, idempotent)."""
    asyncio.base_events._set_nodelay = _set_nodelay
