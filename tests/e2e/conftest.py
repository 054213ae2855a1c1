"""Browser tests: a real Streamlit server (free port, temp data dir) and Debian's Chromium.

Every page a test opens records every request the browser makes; a request to any
host but the app's own fails the test. The server itself runs with a guard
(``netguard/sitecustomize.py``, first on its PYTHONPATH) that records and refuses every
connection or name look-up to anything but this machine; the session fails at the end
if anything was recorded. Tests wait on Streamlit's own "script is not running" marker
and on visible content, never on sleeps.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[2]
NETGUARD = Path(__file__).resolve().parent / "netguard"
# One record per test process: every outbound connection any test server tried.
NETGUARD_RECORD = Path(tempfile.mkdtemp(prefix="sbs-netguard-")) / "outbound.log"
CHROMIUM = os.environ.get("STUDIO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# Our stylesheet (studio/ui/theme.py) is drawn by ``st.html``, whose code the browser
# loads on first use: for a moment after the first run a page can be idle but not yet
# styled (captions still in Streamlit's paler default). Checks wait for it.
STYLED = (
    "() => [...document.querySelectorAll('style')].some(s => s.textContent.includes('.sbs-where'))"
)

# Installed in every page before the app loads: notes when a ForwardMsg with
# ``script_finished`` arrives (a top-level protobuf varint field; status 0 = a full
# run finished, 3 = a fragment run finished: most of the studio's clicks rerun only the
# fragment they are in). A fast rerun can be over before React ever draws the "running"
# state, so the script-state attribute alone may never change; the message always
# arrives.
WS_HOOK = """(() => {
  const FIELD = FIELD_NUMBER;
  const scan = (buf) => {
    const b = new Uint8Array(buf);
    let i = 0;
    const varint = () => {
      let r = 0, s = 0, x;
      do { x = b[i++]; r += (x & 0x7f) * 2 ** s; s += 7; } while ((x & 0x80) && i < b.length);
      return r;
    };
    while (i < b.length) {
      const key = varint(), field = Math.floor(key / 8), wt = key & 7;
      if (wt === 0) { const v = varint(); if (field === FIELD) return v; }
      else if (wt === 2) { const len = varint(); i += len; }  // not `i += varint()`
      else if (wt === 1) { i += 8; } else if (wt === 5) { i += 4; } else { return null; }
    }
    return null;
  };
  window.__sbsFinished = [];
  const note = (at, v) => {
    if (v === null) return;
    window.__sbsFinished.push([at, v]);
    if (window.__sbsCheck) window.__sbsCheck();
  };
  window.__sbsSent = [];
  const Native = window.WebSocket;
  class Watched extends Native {
    send(data) {
      window.__sbsSent.push(performance.now());
      return super.send(data);
    }
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const at = performance.now();
        if (e.data instanceof ArrayBuffer) note(at, scan(e.data));
        else if (e.data instanceof Blob) e.data.arrayBuffer().then((buf) => note(at, scan(buf)));
      });
    }
  }
  window.WebSocket = Watched;
})();""".replace("FIELD_NUMBER", str(ForwardMsg.SCRIPT_FINISHED_FIELD_NUMBER))
# A busy 2-core machine can take a while to load a widget's code the first time; every
# wait (assertions, idle, a rerun) allows the same 30 s and returns as soon as the
# condition holds.
expect.set_options(timeout=30_000)

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    data_dir: Path
    proc: subprocess.Popen
    log: Path
    database_url: str = ""  # what the server stores in ("" = SQLite in data_dir)

    @property
    def store_url(self) -> str:
        """The URL a test opens the server's own store with."""
        return self.database_url or f"sqlite:///{self.data_dir / 'studio.db'}"

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)


def start_server(
    data_dir: Path, port: int | None = None, env: dict | None = None, database_url: str = ""
) -> Server:
    """A studio server on 127.0.0.1; its data in ``data_dir`` (SQLite) or, with
    ``database_url``, in that database (a Postgres of tests/pg.py)."""
    port = port or free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / f"server-{port}.log"
    full_env = {**os.environ, "STUDIO_DATA_DIR": str(data_dir)}
    full_env.pop("STUDIO_DATABASE_URL", None)
    full_env.update(env or {})
    if database_url:
        full_env["STUDIO_DATABASE_URL"] = database_url
    # The server process only: nothing may leave this machine (see netguard/).
    full_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(NETGUARD), full_env.get("PYTHONPATH", "")) if p
    )
    full_env["STUDIO_NETGUARD_RECORD"] = str(NETGUARD_RECORD)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "studio.ui.launch",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=full_env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return Server(url, data_dir, proc, log, database_url)
        except OSError:
            pass
        time.sleep(0.1)  # polling a process start, not waiting for Streamlit in a page
    proc.kill()
    raise RuntimeError(f"server did not start:\n{log.read_text()}")


def outbound_attempts() -> str:
    """What the test servers tried to reach beyond this machine ('' when nothing)."""
    try:
        return NETGUARD_RECORD.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


@pytest.fixture(scope="session", autouse=True)
def no_outbound_connections() -> Iterator[None]:
    """Fails the session if any test server tried to connect beyond this machine."""
    yield
    tried = outbound_attempts()
    if tried:
        pytest.fail("a test server tried to reach another host:\n" + tried[:4000], pytrace=False)


def server_on(backend: str, request, tmp_path_factory, name: str) -> Iterator[Server]:
    """A server of its own on SQLite or on a new database of the test Postgres."""
    url = ""
    if backend == "postgres":
        pg_server = request.getfixturevalue("postgres_server")
        url = pg_server.new_database()
    srv = start_server(tmp_path_factory.mktemp(name), database_url=url)
    yield srv
    srv.stop()
    if url:
        pg_server.drop_database(url)


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("studio-data"))
    yield srv
    srv.stop()


@pytest.fixture
def fresh_server(tmp_path) -> Iterator[Server]:
    """A server nobody has visited yet (for deep links on a cold start)."""
    srv = start_server(tmp_path / "fresh")
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it.")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@dataclass
class Requests:
    """Every URL the browser asked for, per allowed host."""

    allowed_hosts: set[str]
    urls: list[str] = field(default_factory=list)

    def foreign(self) -> list[str]:
        out = []
        for u in self.urls:
            parsed = urlparse(u)
            if parsed.scheme in ("data", "blob", "about"):
                continue
            if parsed.netloc not in self.allowed_hosts:
                out.append(u)
        return out


@pytest.fixture
def requests_seen() -> Iterator[list[Requests]]:
    """Collects every request of every page opened with ``open_page``; fails on a foreign one."""
    seen: list[Requests] = []
    yield seen
    bad = [u for r in seen for u in r.foreign()]
    assert not bad, f"the browser made requests to other hosts: {bad[:10]}"
    assert any(r.urls for r in seen) or not seen, "no request was recorded at all"


@pytest.fixture
def open_page(browser, requests_seen):
    """open_page(server, path='/', viewport=None) -> a new page in its own context."""
    contexts = []

    def _open(srv: Server, path: str = "/", viewport: dict | None = None, **options) -> Page:
        ctx = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, **options)
        contexts.append(ctx)
        rec = Requests({urlparse(srv.url).netloc})
        requests_seen.append(rec)
        ctx.on("request", lambda req: rec.urls.append(req.url))
        ctx.add_init_script(WS_HOOK)
        page = ctx.new_page()
        page.set_default_timeout(30_000)
        page.goto(srv.url + path)
        wait_idle(page)
        # Deep links must go straight through the router, never via "Page not found".
        expect(page.get_by_text("Page not found")).to_have_count(0)
        return page

    yield _open
    for ctx in contexts:
        ctx.close()


def wait_idle(page: Page, timeout: float = 30_000) -> None:
    """Wait until the app exists, Streamlit reports its script is not running, and our
    stylesheet is on the page."""
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_function(STYLED, timeout=timeout)


_WATCH_RERUN = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  window.__sbsRan = false;
  window.__sbsT0 = performance.now();
  if (window.__sbsObs) window.__sbsObs.disconnect();
  // Any change of the state counts: a click usually first shows 'rerunRequested', then
  // 'running', then 'notRunning'. On a fast rerun React may draw all of that in one go,
  // ending where it started, so the attribute never changes: then the run's
  // script_finished message (full or fragment run; see WS_HOOK) says it is over.
  window.__sbsObs = new MutationObserver((records) => {
    if (records.length) window.__sbsRan = true;
  });
  window.__sbsObs.observe(app, {attributes: true, attributeOldValue: true,
                                attributeFilter: ['data-test-script-state']});
}"""
# Finished: the attribute changed, or a run finished after the click's own request went
# out (the first message the page sent after the action) — a clock's tick that was
# already under way does not count.
_RERUN_DONE = """() => {
  const t0 = window.__sbsT0;
  const sent = (window.__sbsSent || []).find((t) => t >= t0);
  const finished = sent !== undefined && (window.__sbsFinished || []).some(
    ([at, v]) => at >= sent && (v === 0 || v === 3));
  return (window.__sbsRan === true || finished) && document.querySelector(
    "[data-testid='stApp']").getAttribute('data-test-script-state') === 'notRunning';
}"""


def after_rerun(page: Page, action, timeout: float = 30_000) -> None:
    """Do ``action()`` and wait until Streamlit has run the script for it and is idle again.

    A MutationObserver notes any change of the script-state attribute, and a hook on
    the page's WebSocket notes every finished run, so a fast rerun is never missed and a
    stale screen is never mistaken for the new one.
    """
    wait_idle(page, timeout)
    page.evaluate(_WATCH_RERUN)
    action()
    page.wait_for_function(_RERUN_DONE, timeout=timeout)


def click(page: Page, name: str, exact: bool = True) -> None:
    """Click a button by its accessible name and wait for the rerun to finish."""
    after_rerun(page, page.get_by_role("button", name=name, exact=exact).first.click)


def expect_text(page: Page, text: str, timeout: float = 30_000) -> None:
    expect(page.get_by_text(text, exact=False).first).to_be_visible(timeout=timeout)
    wait_idle(page, timeout)


def main_html(page: Page) -> str:
    return page.content()
