"""The server never calls out (issue 11, finding 12): a websocket from a foreign
origin, or from another port of localhost, is refused without the server looking up
anything, and only the page's own origin gets in. The test server runs with the
netguard (tests/e2e/netguard), which records every outbound attempt."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.e2e.conftest import outbound_attempts, start_server

FOREIGN = [
    "http://evil.example",
    "https://evil.example:8501",
    "http://localhost:1",  # another program's page on this machine
    "http://127.0.0.1:9",
    "null",
]


async def _try(url: str, origin: str) -> str:
    """'accepted', or the HTTP status the handshake was refused with."""
    try:
        async with connect(url, origin=origin, subprotocols=["streamlit"], open_timeout=20) as ws:
            await ws.close()
            return "accepted"
    except InvalidStatus as exc:
        return str(exc.response.status_code)


def _run(coro):
    """asyncio.run in a thread of its own: Playwright's sync API keeps an event loop
    running in the test thread once a browser test has run in this session."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture
def netserver(tmp_path):
    srv = start_server(tmp_path / "net")
    yield srv
    srv.stop()


def test_a_websocket_from_another_origin_is_refused_and_nothing_is_looked_up(netserver):
    before = outbound_attempts()
    ws_url = netserver.url.replace("http://", "ws://") + "/_stcore/stream"
    own = _run(_try(ws_url, netserver.url))
    assert own == "accepted"  # the page's own origin works: the check can tell them apart
    for origin in FOREIGN:
        got = _run(_try(ws_url, origin))
        assert got == "403", f"{origin}: {got}"
    assert outbound_attempts() == before, outbound_attempts()
    assert "Did not auto detect external IP" not in netserver.log.read_text()


def test_the_guard_itself_records_and_refuses(tmp_path):
    """The netguard is really loaded in the server's interpreter (else the check above
    would prove nothing): a tiny program started the way the server is, asked to reach
    a public host, is refused and recorded."""
    import os
    import subprocess
    import sys

    from tests.e2e.conftest import NETGUARD, ROOT

    record = tmp_path / "rec.log"
    env = {**os.environ, "PYTHONPATH": str(NETGUARD), "STUDIO_NETGUARD_RECORD": str(record)}
    code = (
        "import socket\n"
        "try:\n    socket.create_connection(('checkip.amazonaws.com', 80), timeout=1)\n"
        "except OSError as e:\n    print('refused' if 'netguard' in str(e) else e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == "refused", out.stdout + out.stderr
    assert "checkip.amazonaws.com" in record.read_text()
