"""A throwaway PostgreSQL server for the tests: Debian's own binaries, a temp folder,
a Unix socket inside it (no TCP port at all), stopped and deleted afterwards.

Why this and not a container or a pip-shipped server: Debian's ``postgresql`` package is
the server people really run, it installs in seconds with apt-get, and ``initdb`` +
``postgres -k <dir>`` need nothing else. ``make test`` installs it when it is missing
(see the Makefile's ``postgres`` target); without it the Postgres half of the suite says
exactly what to install.

Every test that asks for a Postgres store gets its own database, copied from a template
that already holds the studio's tables (a copy takes milliseconds; migrating each time
would not), and dropped after the test.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

INSTALL_HINT = (
    "The Postgres half of the tests needs PostgreSQL's server programs (initdb, postgres) "
    "and the Python driver psycopg 3. On Debian or Ubuntu: sudo apt-get install "
    "postgresql, then pip install -r requirements-postgres.txt (make test does both when "
    "it runs as root). To use binaries elsewhere, set STUDIO_PG_BIN to their folder."
)

TEMPLATE = "studio_template"


class PostgresUnavailable(RuntimeError):
    pass


def find_bindir() -> Path | None:
    """STUDIO_PG_BIN, else Debian's /usr/lib/postgresql/<newest>/bin, else the PATH."""
    configured = os.environ.get("STUDIO_PG_BIN", "").strip()
    candidates = [configured] if configured else []
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
        reverse=True,
    )
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(str(Path(initdb).resolve().parent))
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "postgres").exists():
            return Path(folder)
    return None


def _run_as() -> tuple[int, int] | None:
    """initdb and postgres refuse to run as root: as root, run them as 'postgres'
    (Debian's package makes that user) or, failing that, as 'nobody'."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return entry.pw_uid, entry.pw_gid
    raise PostgresUnavailable(
        "Running as root and there is no 'postgres' user to run the test server as. " + INSTALL_HINT
    )


class PostgresServer:
    """``start()``, then ``url(name)`` / ``new_database()``; ``restart()``, ``stop()``."""

    def __init__(self, bindir: Path | None = None, base: Path | None = None):
        self.bindir = bindir or find_bindir()
        if self.bindir is None:
            raise PostgresUnavailable(INSTALL_HINT)
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise PostgresUnavailable(INSTALL_HINT) from None
        self.base = base or Path(tempfile.mkdtemp(prefix="studio-pg-"))
        self.data = self.base / "data"
        self.socket_dir = self.base / "sock"
        self.log = self.base / "postgres.log"
        self.user = "studio"
        self.proc: subprocess.Popen | None = None
        self._ids = itertools.count(1)
        self._as = _run_as()

    # -- life -------------------------------------------------------------------------

    def _subprocess_kwargs(self) -> dict:
        kwargs: dict = {"env": {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}}
        if self._as is not None:
            kwargs.update(user=self._as[0], group=self._as[1], extra_groups=[])
        return kwargs

    def start(self) -> PostgresServer:
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if self._as is not None:
            for path in (self.base, self.socket_dir):
                os.chown(path, *self._as)
        if not self.data.exists():
            done = subprocess.run(
                [
                    str(self.bindir / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    self.user,
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ],
                capture_output=True,
                text=True,
                **self._subprocess_kwargs(),
            )
            if done.returncode != 0:
                raise PostgresUnavailable(f"initdb failed: {done.stderr.strip()[-400:]}")
        self._spawn()
        self._wait_ready()
        if not self._exists(TEMPLATE):
            self._make_template()
        return self

    def _spawn(self) -> None:
        log = open(self.log, "ab")  # noqa: SIM115 - handed to the child
        self.proc = subprocess.Popen(
            [
                str(self.bindir / "postgres"),
                "-D",
                str(self.data),
                "-k",
                str(self.socket_dir),
                "-c",
                "listen_addresses=",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=400",
                "-c",
                "shared_buffers=64MB",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **self._subprocess_kwargs(),
        )
        log.close()

    def _wait_ready(self, timeout: float = 60) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            if self.proc is not None and self.proc.poll() is not None:
                raise PostgresUnavailable(
                    "The test Postgres server stopped at start: "
                    + self.log.read_text(errors="replace")[-600:]
                )
            try:
                with psycopg.connect(self.dsn("postgres"), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    said = self.log.read_text(errors="replace")[-600:]
                    raise PostgresUnavailable(
                        "The test Postgres server did not start in time: " + said
                    ) from None
                time.sleep(0.05)  # the server process, not Streamlit: poll its socket

    def stop(self, *, fast: bool = True) -> None:
        if self.proc is None:
            return
        import signal

        self.proc.send_signal(signal.SIGINT if fast else signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def restart(self) -> None:
        """Stop the server (every connection is cut) and start it again on the same data."""
        self.stop()
        self.start_again()

    def start_again(self) -> None:
        """After ``stop()``: the same server, the same data, ready for connections."""
        self._spawn()
        self._wait_ready()

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    # -- databases ----------------------------------------------------------------------

    def dsn(self, database: str) -> str:
        return f"host={self.socket_dir} dbname={database} user={self.user}"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket_dir}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def _exists(self, name: str) -> bool:
        import psycopg

        with psycopg.connect(self.dsn("postgres")) as conn:
            return (
                conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
                is not None
            )

    def _make_template(self) -> None:
        from studio.store import Store

        self._admin(f"CREATE DATABASE {TEMPLATE}")
        store = Store(self.url(TEMPLATE))
        store.dispose()

    def new_database(self, *, empty: bool = False) -> str:
        """A fresh database (with the studio's tables unless ``empty``); returns its URL."""
        name = f"t{os.getpid()}_{next(self._ids)}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {'template0' if empty else TEMPLATE}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        name = make_url(url).database
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
