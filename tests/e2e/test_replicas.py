"""Two studio replicas behind HAProxy (deploy/haproxy.cfg), one PostgreSQL: a workshop
spread over both, then one replica killed in the middle of it.

Everything runs on this machine, on loopback: the test Postgres (tests/pg.py, a Unix
socket), two ``studio.ui.launch`` processes on free ports, and Debian's HAProxy with the
very config file the README tells operators to use. Each browser is placed on a replica
with the proxy's own sticky cookie (as if the round-robin had put it there), so which
couple is where is known, not left to chance; the ``X-Studio-Replica`` header the proxy
adds says which one answered.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from studio import room_service as rs
from studio.exercises import load_catalog
from studio.store import Store
from tests import proxy
from tests.e2e.conftest import (
    WS_HOOK,
    Server,
    click,
    start_server,
    wait_idle,
)

SCRIPT = load_catalog().get("workshop_room")
PHASES = SCRIPT.phases
LAPTOP = {"width": 1280, "height": 800}


def start_proxy(work: Path, replicas: list[Server]) -> tuple[subprocess.Popen, str]:
    if not proxy.installed():
        message = (
            "The two-replica test needs HAProxy (Debian: apt-get install haproxy; "
            "make test installs it)."
        )
        if os.environ.get("STUDIO_REQUIRE_PROXY"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return proxy.start(work, [urlparse(srv.url).netloc for srv in replicas])


@pytest.fixture
def deployment(postgres_server, tmp_path) -> Iterator[dict]:
    """deploy/: one Postgres, two replicas, the proxy in front."""
    url = postgres_server.new_database()
    secret = os.urandom(16).hex()
    env = {"STREAMLIT_SERVER_COOKIE_SECRET": secret}  # the same on every replica
    replicas = [start_server(tmp_path / f"replica{i}", env=env, database_url=url) for i in (1, 2)]
    proc, proxy_url = start_proxy(tmp_path, replicas)
    front = Server(proxy_url, tmp_path, proc, tmp_path / "haproxy.log", url)
    store = Store(url)
    yield {"front": front, "replicas": replicas, "store": store, "postgres": postgres_server}
    store.dispose()
    front.stop()
    for srv in replicas:
        srv.stop()
    if postgres_server.proc is None:  # a failure while it was stopped
        postgres_server.start_again()
    postgres_server.drop_database(url)


@pytest.fixture
def open_on(browser):
    """open_on(front, replica, path) -> a page whose browser the proxy keeps on it."""
    contexts = []

    def _open(front: Server, replica: str, path: str) -> Page:
        ctx = browser.new_context(viewport=LAPTOP)
        contexts.append(ctx)
        ctx.add_cookies([{"name": proxy.COOKIE, "value": replica, "url": front.url}])
        ctx.add_init_script(WS_HOOK)
        page = ctx.new_page()
        seen = {}
        page.on(
            "response",
            lambda r: seen.setdefault(urlparse(r.url).path, r.headers.get("x-studio-replica")),
        )
        page.goto(front.url + path)
        wait_idle(page)
        assert seen.get(urlparse(front.url + path).path) == replica
        page.replica_seen = seen  # type: ignore[attr-defined]
        return page

    yield _open
    for ctx in contexts:
        ctx.close()


def couple_in(store: Store, n: int):
    c = store.create_couple(
        name_a=f"Ada{n}",
        name_b=f"Bo{n}",
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    store.update_couple(c.id, stage="ready")
    return store.couple_by_token(c.token)


def figure(page: Page, name: str):
    return page.locator("[data-testid=stMetric]", has_text=name)


def test_a_workshop_over_two_replicas_survives_losing_one(deployment, open_on):
    front, (one, two), store = deployment["front"], deployment["replicas"], deployment["store"]

    # The facilitator's presenter view on replica 1.
    pres = open_on(front, "r1", "/workshop")
    click(pres, "Create the room")
    expect(pres.get_by_role("heading", name=f"Part 1 of 7: {PHASES[0].title}")).to_be_visible()
    secret = parse_qs(urlparse(pres.url).query)["room"][0]
    room = rs.facilitator_room(store, secret)
    assert room is not None
    href = pres.get_by_role("link", name="Open the room screen").get_attribute("href")
    screen = open_on(front, "r2", "/" + href.split("/", 3)[3])  # the projector: replica 2
    expect(screen.get_by_role("heading", name=PHASES[0].title)).to_be_visible()

    # Four couples, two on each replica, join through their pages; each commits a share.
    couples = [couple_in(store, n) for n in range(4)]
    where = ["r1", "r2", "r1", "r2"]
    pages = []
    for couple, replica in zip(couples, where, strict=True):
        page = open_on(front, replica, f"/join?c={couple.token}")
        box = page.get_by_label("Room code", exact=True)
        expect(box).to_be_visible()
        box.fill(room.code)
        click(page, "Join the workshop")
        expect(page.get_by_text(PHASES[0].couple_text)).to_be_visible()
        pages.append(page)
    for k, couple in enumerate(couples):
        rs.share_with_room(
            store,
            couple,
            {"together_alone": k, "talk_or_cool": 3},
            {"together_alone": k + 1, "talk_or_cool": 4},
            ["heard"],
            ["calm"],
        )
    expect(figure(screen, "Couples here")).to_contain_text("4")
    expect(figure(pres, "Couples here")).to_contain_text("4")

    # A phase change and a timer from replica 1 reach everyone, on both replicas.
    click(pres, "Next")
    expect(screen.get_by_role("heading", name=PHASES[1].title)).to_be_visible()
    for page in pages:
        expect(page.get_by_text(PHASES[1].couple_text)).to_be_visible()
    click(pres, "Start timer")
    expect(figure(screen, "Time left")).to_be_visible()
    for page in pages:
        expect(page.get_by_text("Time left for this part")).to_be_visible()
    # A couple on replica 2 says they're done with this part: a committed write.
    click(pages[1], "We're done with this part")
    expect(pages[1].get_by_text("You're done with this part")).to_be_visible()
    expect(figure(screen, "Done with this part")).to_contain_text("1")

    # Postgres restarts in the middle of it: the screens say so while it is away (no
    # server name on a phone or the projector), then carry on by themselves.
    pg_server = deployment["postgres"]
    pg_server.stop()
    for page in (screen, pages[0], pages[1]):
        expect(
            page.get_by_text("The studio's database is out of reach for a moment")
        ).to_be_visible()
        assert "postgresql" not in page.content()
    pg_server.start_again()
    for page in (screen, pages[0], pages[1]):
        expect(page.get_by_text("out of reach")).to_have_count(0)
    expect(figure(screen, "Done with this part")).to_contain_text("1")
    expect(pages[1].get_by_text("You're done with this part")).to_be_visible()

    # Replica 2 goes, without a goodbye (its process killed).
    on_two = (screen, pages[1], pages[3])
    two.stop(signal.SIGKILL)
    # At once, before the proxy's health check has noticed: replica 2's cookie is
    # answered by replica 1 (redispatch on every retry), not with a 502.
    assert proxy.replica_of(front.url, "r2") == "r1"
    runs_before = [p.evaluate("window.__sbsFinished.length") for p in on_two]
    # Its browsers reconnect through the proxy (to replica 1: replica 2 is gone) and
    # Streamlit runs their pages afresh there: new "script finished" messages arrive.
    for page, before in zip(on_two, runs_before, strict=True):
        page.wait_for_function(f"window.__sbsFinished.length > {before}", timeout=60_000)
    # A new session on replica 1, built from the database: the same step, and the part
    # the couple said they're done with is still done.
    expect(screen.get_by_role("heading", name=PHASES[1].title)).to_be_visible()
    expect(figure(screen, "Done with this part")).to_contain_text("1")
    expect(figure(screen, "Couples here")).to_contain_text("4")
    for page in (pages[1], pages[3]):
        expect(page.get_by_text(PHASES[1].couple_text)).to_be_visible()
        expect(page.get_by_text("Time left for this part")).to_be_visible()
    expect(pages[1].get_by_text("You're done with this part")).to_be_visible()
    assert proxy.replica_of(front.url, "r2") == "r1"  # replica 2's cookie still lands on 1
    documents = []
    pages[3].on(
        "response",
        lambda r: (
            documents.append(r.headers.get("x-studio-replica"))
            if r.request.resource_type == "document"
            else None
        ),
    )
    pages[3].reload()  # a reload too: replica 1, the same couple, the same step
    wait_idle(pages[3])
    expect(pages[3].get_by_text(PHASES[1].couple_text)).to_be_visible()
    assert documents == ["r1"]

    # And the workshop carries on from replica 1 for everyone.
    click(pres, "Next")
    expect(screen.get_by_role("heading", name=PHASES[2].title)).to_be_visible()
    for page in pages:
        expect(page.get_by_text(PHASES[2].couple_text)).to_be_visible()
    state = rs.facilitator_room(store, secret)
    assert state is not None and state.phase == PHASES[2].key
    counts = rs.counts(store, state)
    assert (counts.joined, counts.shared) == (4, 4)  # every committed answer, once
    member = rs.current_room(store, couples[1])
    assert member is not None and PHASES[1].key in member.done_phases
    assert one.proc.poll() is None
