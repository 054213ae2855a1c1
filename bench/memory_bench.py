"""5. Server memory per session: real Streamlit sessions over the websocket, on loopback.

Each client is what a browser tab is to the server: a websocket to ``/_stcore/stream``
that asks for a page (``BackMsg.rerun_script``) and reads the ForwardMsgs until the
script has finished. The clients stay connected while the server's RSS (psutil, the
process and its children) is read, so every session is alive when it is counted.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import time

import psutil
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

CONNECT_LIMIT = 8  # sessions started at once
SESSION_TIMEOUT = 60.0


def rss_bytes(pid: int) -> int:
    proc = psutil.Process(pid)
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            total += child.memory_info().rss
    return total


class Session:
    def __init__(self, port: int, page: str, query: str) -> None:
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.page, self.query = page, query
        self.ws = None
        self.seconds = 0.0

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        t0 = time.perf_counter()
        self.ws = await connect(
            self.url,
            subprotocols=["streamlit"],
            max_size=None,
            proxy=None,
            open_timeout=SESSION_TIMEOUT,
        )
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_name = self.page
        await self.ws.send(msg.SerializeToString())
        await asyncio.wait_for(self._until_finished(), SESSION_TIMEOUT)
        self.seconds = time.perf_counter() - t0

    async def _until_finished(self) -> None:
        assert self.ws is not None
        while True:
            data = await self.ws.recv()
            fwd = ForwardMsg.FromString(data)
            kind = fwd.WhichOneof("type")
            if kind == "script_finished":
                if fwd.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    return
                if fwd.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise RuntimeError("the page did not compile")
            elif kind == "delta" and fwd.delta.new_element.WhichOneof("type") == "exception":
                raise RuntimeError("the page raised: " + fwd.delta.new_element.exception.message)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


async def _open_all(sessions: list[Session]) -> None:
    gate = asyncio.Semaphore(CONNECT_LIMIT)

    async def one(s: Session) -> None:
        async with gate:
            await s.open()

    await asyncio.gather(*(one(s) for s in sessions))


async def _measure(
    pid: int, port: int, warm: list[tuple[str, str]], pages: list[tuple[str, str]]
) -> dict:
    # Warm-up sessions (opened and closed): imports, caches and the first-run costs are
    # paid before the baseline, so what follows is what each further session adds.
    warmers = [Session(port, *p) for p in warm]
    await _open_all(warmers)
    for s in warmers:
        await s.close()
    await asyncio.sleep(0.5)  # let the server finish tearing the warm-up sessions down
    before = rss_bytes(pid)
    sessions = [Session(port, *p) for p in pages]
    t0 = time.perf_counter()
    try:
        await _open_all(sessions)
        elapsed = time.perf_counter() - t0
        after = rss_bytes(pid)
    finally:
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    n = len(sessions)
    per = (after - before) / n / 1e6
    return {
        "sessions": n,
        "rss_before_mb": round(before / 1e6, 1),
        "rss_after_mb": round(after / 1e6, 1),
        "per_session_mb": round(per, 3),
        "open_all_s": round(elapsed, 2),
        "first_page_median_ms": round(1000 * sorted(s.seconds for s in sessions)[n // 2], 1),
    }


def run(pid: int, port: int, warm: list[tuple[str, str]], pages: list[tuple[str, str]]) -> dict:
    """``pages``: one (url path, query string) per session to open and count; ``warm``:
    the same for the sessions opened and closed before the baseline is read."""
    # In a thread of its own: Playwright's sync API keeps an event loop in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _measure(pid, port, warm, pages)).result()


async def _latency(pages: dict[str, tuple[int, str, str]], reps: int) -> dict:
    out: dict[str, list[float]] = {name: [] for name in pages}
    for i in range(reps + 1):  # the first round warms up and is dropped
        for name, (port, page, query) in pages.items():
            s = Session(port, page, query)
            try:
                await s.open()
            finally:
                await s.close()
            if i:
                out[name].append(s.seconds)
    return out


def latency(pages: dict[str, tuple[int, str, str]], reps: int) -> dict[str, list[float]]:
    """Seconds from connecting to the first page's script being finished, one session at a
    time, the pages in turns (a new tab, without the browser's own work): samples per
    name; ``pages``: name -> (server port, url path, query string)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _latency(pages, reps)).result()
