"""6. Following a room: N couples' screens in one workshop room, on one server.

Each couple is what a phone's browser tab is to the server, without the browser: a
websocket to ``/_stcore/stream`` (loopback only) that opens the couple's "Our space"
page and then does what Streamlit's frontend does with a fragment that has
``run_every``: when the server sends ``ForwardMsg.auto_rerun`` (an interval and a
fragment id), the client asks for that fragment again at that interval
(``BackMsg.rerun_script`` with the fragment id and ``is_auto_rerun``), on a fixed
schedule that does not wait for the answer, as the browser's ``setInterval`` does.

With every couple connected and settled, the server's CPU time (psutil, user + system)
is read over a quiet window: that is what following the room costs, per couple per
second. Then the facilitator moves the phase (through the store, as the presenter view
does from its own session) and every client notes when the new phase's text first
reaches it; the slowest of those is when the whole room has it.

Bounded: at most ``MAX_COUPLES`` clients, each move waits at most ``MOVE_TIMEOUT``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import time

import psutil
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench import common

MAX_COUPLES = 300
CONNECT_LIMIT = 8  # sessions opened at once (a room fills over minutes, not at once)
OPEN_TIMEOUT = 120.0
MOVE_TIMEOUT = 20.0
SETTLE = 2.0  # seconds after the last couple's first page before measuring


class Follower:
    """One couple's screen on "Our space", following the room over the websocket."""

    def __init__(self, port: int, page: str, query: str) -> None:
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.page, self.query = page, query
        self.ws = None
        self.page_hash = ""
        self.timers: dict[str, asyncio.Task] = {}
        self.reader: asyncio.Task | None = None
        self.ready = asyncio.Event()
        self.markers: dict[bytes, float | None] = {}
        self.sent = self.received = 0
        self.errors: list[str] = []
        self.closed = False  # the server (or a proxy) closed the websocket

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        self.ws = await connect(
            self.url,
            subprotocols=["streamlit"],
            max_size=None,
            proxy=None,
            open_timeout=OPEN_TIMEOUT,
            ping_interval=None,
        )
        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        msg.rerun_script.page_name = self.page
        await self.ws.send(msg.SerializeToString())
        self.reader = asyncio.create_task(self._read())
        await asyncio.wait_for(self.ready.wait(), OPEN_TIMEOUT)
        if self.errors:
            raise RuntimeError(self.errors[0])

    def watch(self, marker: bytes) -> None:
        self.markers[marker] = None

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            await self._read_all()
        finally:
            self.closed = True

    async def _read_all(self) -> None:
        assert self.ws is not None
        with contextlib.suppress(Exception):
            async for data in self.ws:
                self.received += 1
                now = time.perf_counter()
                for marker, seen in self.markers.items():
                    if seen is None and marker in data:  # protobuf keeps text as UTF-8
                        self.markers[marker] = now
                fwd = ForwardMsg.FromString(data)
                kind = fwd.WhichOneof("type")
                if kind == "new_session":
                    self.page_hash = fwd.new_session.page_script_hash
                elif kind == "auto_rerun":
                    fid, every = fwd.auto_rerun.fragment_id, fwd.auto_rerun.interval
                    if fid not in self.timers:
                        self.timers[fid] = asyncio.create_task(self._every(fid, every))
                elif kind == "script_finished":
                    if fwd.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        self.errors.append("the page did not compile")
                    self.ready.set()
                elif kind == "delta" and fwd.delta.new_element.WhichOneof("type") == "exception":
                    self.errors.append(
                        "the page raised: " + fwd.delta.new_element.exception.message
                    )
                    self.ready.set()

    async def _every(self, fragment_id: str, every: float) -> None:
        """The browser's setInterval: a rerun of the fragment every ``every`` seconds."""
        assert self.ws is not None
        start = time.perf_counter()
        k = 0
        while True:
            k += 1
            await asyncio.sleep(max(0.0, start + k * every - time.perf_counter()))
            msg = BackMsg()
            rs = msg.rerun_script
            rs.query_string = self.query
            rs.page_script_hash = self.page_hash
            rs.fragment_id = fragment_id
            rs.is_auto_rerun = True
            rs.widget_states.SetInParent()
            try:
                await self.ws.send(msg.SerializeToString())
            except Exception:
                return
            self.sent += 1

    async def close(self) -> None:
        for task in self.timers.values():
            task.cancel()
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()


def _cpu_seconds(proc: psutil.Process) -> float:
    t = proc.cpu_times()
    return t.user + t.system


class _Studio:
    """The studio: couples joined to a fresh room, on "Our space"; the presenter's Next."""

    def __init__(self, server, store) -> None:
        from studio import room_service as rs
        from studio.exercises import load_catalog

        self.server, self.store, self.rs = server, store, rs
        self.script = rs.room_scripts(load_catalog())[0]
        self.room = rs.create_room(store, self.script)
        self.index = 0
        self.phases = len(self.script.phases)

    def clients(self, n: int) -> list[Follower]:
        out = []
        for _ in range(n):
            couple = common.new_couple(self.store)
            self.rs.join_room(self.store, couple, self.room.room.code)
            out.append(Follower(self.server.port, "our-space", f"c={couple.token}"))
        return out

    def move(self) -> None:
        self.rs.move_phase(self.store, self.room.secret, self.script, +1)
        self.index += 1

    def done(self) -> None:
        self.rs.close_room(self.store, self.room.secret)


class _Bare:
    """The bare page: a file holds the phase number (see bench/bare_follow_app.py)."""

    phases = 7

    def __init__(self, server) -> None:
        self.server, self.index = server, 0
        self.file = server.data_dir / "bare-phase.txt"
        self.file.write_text("1")

    def clients(self, n: int) -> list[Follower]:
        return [Follower(self.server.port, "", "") for _ in range(n)]

    def move(self) -> None:
        self.index += 1
        self.file.write_text(str(self.index + 1))

    def done(self) -> None:
        pass


async def _one_size(target, n: int, window: float, moves: int) -> dict:
    followers = target.clients(n)
    gate = asyncio.Semaphore(CONNECT_LIMIT)

    async def open_one(f: Follower) -> None:
        async with gate:
            await f.open()

    procs = [
        psutil.Process(pid) for pid in getattr(target, "pids", lambda: [target.server.proc.pid])()
    ]
    me = psutil.Process()
    extra = getattr(target, "extra_cpu", dict)  # {name: CPU s}: a database, a proxy
    t_open = time.perf_counter()
    try:
        results = await asyncio.gather(*(open_one(f) for f in followers), return_exceptions=True)
        opened = time.perf_counter() - t_open
        failed = [
            f for f, r in zip(followers, results, strict=True) if isinstance(r, BaseException)
        ]
        if failed:  # the server could not even open every page: nothing more to measure
            return {
                "couples": n,
                "not_opened": len(failed),
                "open_all_s": round(opened, 1),
                "error": f"{len(failed)} of {n} couples' pages did not open within "
                f"{OPEN_TIMEOUT:.0f} s",
            }
        await asyncio.sleep(SETTLE)  # a span of wall time: every screen polling on its own

        # The quiet room: what following costs when nothing changes.
        sent0 = sum(f.sent for f in followers)
        c0, m0, t0 = sum(map(_cpu_seconds, procs)), _cpu_seconds(me), time.perf_counter()
        e0 = extra()
        await asyncio.sleep(window)
        c1, m1, t1 = sum(map(_cpu_seconds, procs)), _cpu_seconds(me), time.perf_counter()
        e1 = extra()
        polls = (sum(f.sent for f in followers) - sent0) / (t1 - t0)
        cores = (c1 - c0) / (t1 - t0)

        # The facilitator moves on: until every couple has the new part.
        spreads: list[float] = []
        each: list[float] = []
        missed = 0
        for _ in range(moves):
            if target.index + 1 >= target.phases:
                break
            marker = f"part {target.index + 2} of {target.phases}".encode()
            for f in followers:
                f.watch(marker)
            t_move = time.perf_counter()
            target.move()
            deadline = t_move + MOVE_TIMEOUT
            while time.perf_counter() < deadline and any(
                f.markers[marker] is None for f in followers
            ):
                await asyncio.sleep(0.05)  # polling our own clients' notes, not Streamlit
            seen = [f.markers[marker] for f in followers]
            missed += sum(1 for s in seen if s is None)
            got = [s - t_move for s in seen if s is not None]
            each.extend(got)
            if got:
                spreads.append(max(got))
            await asyncio.sleep(0.5)
        closed = sum(1 for f in followers if f.closed)  # before we close them ourselves
    finally:
        await asyncio.gather(*(f.close() for f in followers), return_exceptions=True)
        target.done()
    row = {
        "couples": n,
        "open_all_s": round(opened, 1),
        "window_s": round(t1 - t0, 1),
        "polls_per_s": round(polls, 1),
        "server_cores": round(cores, 3),
        "server_cpu_pct_of_2_cores": round(100 * cores / 2, 1),
        "server_cpu_ms_per_couple_per_s": round(1000 * cores / n, 2),
        "server_cpu_ms_per_poll": round(1000 * cores / polls, 2) if polls else None,
        "clients_cores": round((m1 - m0) / (t1 - t0), 3),
        **{f"{name}_cores": round((e1[name] - e0.get(name, 0.0)) / (t1 - t0), 3) for name in e1},
        "moves": len(spreads),
        "missed": missed,
        "closed": closed,
    }
    if each:
        row["propagation_median_s"] = round(common.median(each), 3)
        row["propagation_p95_s"] = round(common.p95(each), 3)
        row["propagation_max_s"] = round(max(each), 3)
        row["everyone_p95_s"] = round(common.p95(spreads), 3)
    return row


def _line(kind: str, row: dict) -> str:
    nan = float("nan")
    if "error" in row:
        return f"  {kind:6} {row['couples']:>4} couples: {row['error']}"
    return (
        f"  {kind:6} {row['couples']:>4} couples: server "
        f"{row['server_cpu_pct_of_2_cores']:5.1f} % of 2 cores, "
        f"{row['server_cpu_ms_per_couple_per_s']:.2f} ms per couple per s; new phase "
        f"p95 {row.get('propagation_p95_s', nan):.2f} s (whole room by "
        f"{row.get('everyone_p95_s', nan):.2f} s), missed {row['missed']}"
    )


async def _run(tmp, sizes, window, moves, bare_sizes, log) -> dict:
    from studio.store import Store

    out: dict = {"window_s": window, "moves": moves, "bare": {}, "app": {}}
    bare = common.start_server(common.ROOT / "bench" / "bare_follow_app.py", tmp / "follow-bare")
    try:
        for n in bare_sizes:
            n = min(n, MAX_COUPLES)
            row = await _one_size(_Bare(bare), n, window, moves)
            out["bare"][str(n)] = row
            log(_line("bare", row))
            await asyncio.sleep(1.0)  # the server tears the sessions down
    finally:
        bare.stop()
    server = common.start_server(common.APP, tmp / "follow")
    store = Store(f"sqlite:///{(server.data_dir / 'studio.db').resolve()}")
    try:
        for n in sizes:
            n = min(n, MAX_COUPLES)
            row = await _one_size(_Studio(server, store), n, window, moves)
            out["app"][str(n)] = row
            log(_line("studio", row))
            base = out["bare"].get(str(n)) or out["bare"].get(str(min(bare_sizes)))
            if (
                base
                and "error" not in row
                and base.get("server_cpu_ms_per_poll")
                and row.get("server_cpu_ms_per_poll")
            ):
                row["ratio_per_poll"] = round(
                    row["server_cpu_ms_per_poll"] / base["server_cpu_ms_per_poll"], 2
                )
            await asyncio.sleep(1.0)
    finally:
        store.dispose()
        server.stop()
    return out


def run(
    tmp,
    sizes=(10, 50, 100, 250),
    window: float = 10.0,
    moves: int = 3,
    bare_sizes=(10, 250),
    log=print,
) -> dict:
    """Part 6 of ``make bench``; ``tmp``: a folder for the servers' data; the bare page
    is measured at ``bare_sizes`` in the same run."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _run(tmp, sizes, window, moves, bare_sizes, log)).result()
