"""8. A big workshop: two studio replicas behind HAProxy, one PostgreSQL.

The load of part 6 (every couple's "Our space" following the room over its websocket,
polling as the browser does; the facilitator moves the phase), spread by the proxy's
round-robin over two replicas that share one Postgres — the deployment of deploy/.
Reported per size: the replicas' CPU per couple per second (both processes together),
the Postgres server's CPU alongside, and the p95 time until a couple has the new phase.

Optional: without PostgreSQL's server programs, psycopg or HAProxy on this machine the
part is skipped with one line saying what is missing (make bench installs them when it
runs as root). The server is the tests' throwaway one (tests/pg.py: a temp folder, a
Unix socket), with the same settings; fsync is off there, which flatters writes a
little and reads not at all (this load is nearly all reads).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
from pathlib import Path

import psutil

from bench import common, follow_bench

MAX_COUPLES = 500


def missing() -> str | None:
    """Why this part can't run here, in a line (None when it can)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -r requirements-postgres.txt)"
    from tests import pg

    if pg.find_bindir() is None:
        return "PostgreSQL's server programs are not installed (apt-get install postgresql)"
    from tests import proxy as haproxy

    if not haproxy.installed():
        return "HAProxy is not installed (apt-get install haproxy)"
    return None


class _Front:
    """What follow_bench's clients connect to: the proxy's port."""

    def __init__(self, port: int) -> None:
        self.port = port


class _Replicated(follow_bench._Studio):
    """The studio's room, its clients spread by the proxy; CPU of both replicas."""

    def __init__(self, front, replicas, store, pg_server, proxy) -> None:
        super().__init__(front, store)
        self.replicas, self.pg_server, self.proxy = replicas, pg_server, proxy

    def pids(self) -> list[int]:
        return [r.proc.pid for r in self.replicas]

    def extra_cpu(self) -> dict[str, float]:
        """CPU seconds so far of the Postgres server (with its backends) and HAProxy."""
        pg_pid = self.pg_server.proc.pid if self.pg_server.proc is not None else None
        return {"postgres": _tree_cpu(pg_pid), "haproxy": _tree_cpu(self.proxy.pid)}


def _tree_cpu(pid: int | None) -> float:
    if pid is None:
        return 0.0
    total = 0.0
    try:
        main = psutil.Process(pid)
        for proc in [main, *main.children(recursive=True)]:
            try:
                t = proc.cpu_times()
                total += t.user + t.system
            except psutil.Error:
                continue
    except psutil.Error:
        return 0.0
    return total


async def _run(tmp: Path, sizes, window, moves, log) -> dict:
    from studio.store import Store
    from tests import pg
    from tests import proxy as haproxy

    pg_server = pg.PostgresServer().start()  # its own temp folder, which it can enter
    url = pg_server.new_database()
    env = {"STUDIO_DATABASE_URL": url, "STREAMLIT_SERVER_COOKIE_SECRET": os.urandom(16).hex()}
    replicas = [common.start_server(common.APP, tmp / f"replica{i}", env=env) for i in (1, 2)]
    proxy = None
    store = Store(url)
    out: dict = {"window_s": window, "moves": moves, "replicas": 2, "app": {}}
    try:
        proxy, front_url = haproxy.start(tmp, [f"127.0.0.1:{r.port}" for r in replicas])
        port = int(front_url.rsplit(":", 1)[1])
        for n in sizes:
            n = min(n, MAX_COUPLES)
            target = _Replicated(_Front(port), replicas, store, pg_server, proxy)
            row = await follow_bench._one_size(target, n, window, moves)
            out["app"][str(n)] = row
            log(
                follow_bench._line("2 × pg", row)
                + (
                    ""
                    if "error" in row
                    else f"; Postgres {row['postgres_cores']:.2f}, HAProxy "
                    f"{row['haproxy_cores']:.2f} cores; {row['closed']} websockets closed"
                )
            )
            await asyncio.sleep(1.0)  # the servers tear the sessions down
    finally:
        store.dispose()
        if proxy is not None:
            proxy.terminate()
            proxy.wait(timeout=15)
        for r in replicas:
            r.stop()
        pg_server.destroy()
    return out


def run(tmp: Path, sizes=(100, 250, 500), window: float = 10.0, moves: int = 3, log=print) -> dict:
    """Part 8 of ``make bench``: {"skipped": why} when it can't run on this machine."""
    why = missing()
    if why:
        log(f"  skipped: {why}")
        return {"skipped": why}
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _run(Path(tmp), sizes, window, moves, log)).result()
