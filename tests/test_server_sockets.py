"""lib.server_sockets: connections to a socket bound as Streamlit binds it send small writes at once."""
import asyncio
import asyncio.base_events
import socket

import pytest
from streamlit.web.server.starlette import starlette_server

from lib.server_sockets import ASYNCIO_SET_NODELAY, answer_without_delay
from tests.fixtures.event_loop import run_in_own_thread


@pytest.fixture
def asyncio_nodelay(monkeypatch):
    """asyncio's own _set_nodelay during the test, and what was there back after it (the workaround is
    process-wide, and an AppTest of app.py on this worker has applied it)."""
    monkeypatch.setattr(asyncio.base_events, "_set_nodelay", ASYNCIO_SET_NODELAY)


def _server_side_nodelay() -> int:
    """TCP_NODELAY of the server's end of a connection to a socket bound by Streamlit's own _bind_socket."""
    async def connect_once() -> int:
        accepted = asyncio.get_running_loop().create_future()

        class Protocol(asyncio.Protocol):
            def connection_made(self, transport):
                sock = transport.get_extra_info("socket")
                accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

        listening = starlette_server._bind_socket("127.0.0.1", 0, 8)
        server = await asyncio.get_running_loop().create_server(Protocol, sock=listening)
        _, writer = await asyncio.open_connection(*listening.getsockname())
        nodelay = await asyncio.wait_for(accepted, 5)
        writer.close()
        server.close()
        await server.wait_closed()
        return nodelay

    return run_in_own_thread(connect_once())


def test_streamlit_connections_keep_nagle_without_the_workaround(asyncio_nodelay):
    # Why the workaround exists: when this fails, Streamlit or asyncio sets TCP_NODELAY itself and
    # lib.server_sockets can go.
    assert _server_side_nodelay() == 0


def test_streamlit_connections_send_at_once_with_it(asyncio_nodelay):
    answer_without_delay()
    answer_without_delay()  # twice, as every run of app.py does
    assert _server_side_nodelay() != 0


def test_only_tcp_sockets_are_touched(asyncio_nodelay):
    answer_without_delay()
    left, right = socket.socketpair()  # AF_UNIX: no TCP options to set
    with left, right:
        asyncio.base_events._set_nodelay(left)
