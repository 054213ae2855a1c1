"""A workshop evening in real Chromium: a facilitator on the projector and couples on
their own devices, each in their own browser context, against one real server.

Some couples (and their answers and shares) are written straight into the server's
store to keep the test short; two couples join through the join page, one of them from
the QR link before they are even set up.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from studio import room_service as rs
from studio import safety_flow
from studio.exercises import load_catalog
from studio.store import Store
from tests.e2e.conftest import Server, click, start_server, wait_idle

SCRIPT = load_catalog().get("workshop_room")
PHASES = SCRIPT.phases
FOLLOW_SECONDS = 2.0  # a new phase reaches every couple's screen within this
PHONE = {"width": 412, "height": 860}
LAPTOP = {"width": 1280, "height": 900}

# Words only the couples' private data holds: none may ever reach the projector.
PRIVATE = ["Quillon-Marrowby", "Tessaly-Oakhurst", "lanternfish-harbour-7431",
           "saffron-kettle-ritual-9902"]


@pytest.fixture(scope="module")
def room_server(tmp_path_factory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("workshop-data"))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def store(room_server) -> Iterator[Store]:
    s = Store(f"sqlite:///{room_server.data_dir}/studio.db")
    yield s
    s.dispose()


def seeded_couple(store: Store, n: int, *, private: bool = True):
    """A set-up couple with distinctive private answers (words and names)."""
    c = store.create_couple(
        name_a=f"{PRIVATE[0]}{n}" if private else f"Ada{n}",
        name_b=f"{PRIVATE[1]}{n}" if private else f"Bo{n}",
        color_a="blue", color_b="orange", symbol_a="circle", symbol_b="triangle",
    )
    store.update_couple(c.id, stage="ready")
    if private:
        run = store.start_safety_run(c.id, "safety_map", {})
        store.save_answer(run, "a", safety_flow.TEXT, f"I feel safe with {PRIVATE[2]} {n}")
        store.save_answer(run, "b", safety_flow.TEXT, f"{PRIVATE[3]} {n}, every evening")
        store.add_topic(c.id, f"{PRIVATE[2]} topic {n}", "safety_map")
    return store.couple_by_token(c.token)


def share(store: Store, couple, gap: int) -> None:
    rs.share_with_room(store, couple, {"together_alone": 2, "talk_or_cool": 4},
                       {"together_alone": 2 + gap, "talk_or_cool": 4}, ["heard"], ["calm"])


def press(page: Page, name: str) -> None:
    """Click a button and wait until Streamlit ran the script for it."""
    click(page, name)


def assert_no_private_words(page: Page, couples) -> None:
    html = page.content()
    for word in PRIVATE:
        assert word not in html, f"{word!r} reached the projector"
    for c in couples:
        assert c.token not in html


def fits(page: Page) -> bool:
    """Nothing to scroll: neither the document nor Streamlit's own scrolling main area."""
    return page.evaluate(
        "() => document.documentElement.scrollHeight <= innerHeight && "
        "[...document.querySelectorAll('[data-testid=stMain], [data-testid=stAppViewContainer]')]"
        ".every(e => e.scrollHeight <= e.clientHeight + 1)"
    )


def set_up_through_the_ui(page: Page, name_a: str, name_b: str) -> None:
    expect(page.get_by_text("Who's here?")).to_be_visible()
    page.get_by_role("textbox", name="Name of the first partner").fill(name_a)
    page.get_by_role("textbox", name="Name of the second partner").fill(name_b)
    press(page, "That's us")
    for _ in ("a", "b"):
        button = page.get_by_role("button", name="I'm")
        expect(button.first).to_be_visible()
        button.first.click()
        wait_idle(page)
        expect(page.get_by_text("Just for you")).to_be_visible()
        press(page, "I feel safe to go on")
    expect(page.get_by_text("You're all set")).to_be_visible()


def test_a_workshop_evening(room_server, store, open_page, tmp_path):
    srv = room_server
    # -- the facilitator creates the room, on the projector ------------------------------
    proj = open_page(srv, "/", viewport={"width": 1280, "height": 720})
    proj.goto(srv.url + "/workshop?proj=1")
    wait_idle(proj)
    expect(proj.get_by_role("heading", name="Run a workshop")).to_be_visible()
    press(proj, "Create the room")
    expect(proj.get_by_role("heading", name=PHASES[0].title)).to_be_visible()
    secret = parse_qs(urlparse(proj.url).query)["room"][0]
    room = rs.facilitator_room(store, secret)
    assert room is not None
    code = room.code
    expect(proj.locator(".st-key-room_code")).to_contain_text(code)
    qr = proj.locator("img.sbs-qr")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    # The facilitator link stays off the big screen (only the hidden sidebar's links keep it).
    assert secret not in proj.locator("[data-testid=stMain]").inner_html()

    # -- couple 2 opens the QR link on a phone before setting up: the code is kept -------
    c2 = open_page(srv, f"/join?code={code}", viewport=PHONE)
    expect(c2.get_by_text("Before you join, set up the two of you")).to_be_visible()
    press(c2, "Set us up")
    set_up_through_the_ui(c2, "Nell", "Ode")
    expect(c2.get_by_text("Your workshop code is ready")).to_be_visible()
    press(c2, "Join the workshop")
    expect(c2.get_by_label("Room code", exact=True)).to_have_value(code)
    press(c2, "Join the workshop")
    expect(c2.get_by_text(PHASES[0].couple_text)).to_be_visible()

    # -- couple 1 (set up already) joins on a laptop, after one wrong code ---------------
    one = seeded_couple(store, 1)
    c1 = open_page(srv, f"/join?c={one.token}", viewport=LAPTOP)
    box = c1.get_by_label("Room code", exact=True)
    expect(box).to_be_visible()
    box.fill("ACD-EFG" if code != "ACD-EFG" else "ACD-EFH")
    press(c1, "Join the workshop")
    expect(c1.get_by_text("We couldn't find a workshop with that code")).to_be_visible()
    box.fill(code.lower())
    press(c1, "Join the workshop")
    expect(c1.get_by_text(PHASES[0].couple_text)).to_be_visible()

    # The projector counts them (counts only), on its own, within its polling second.
    expect(proj.locator("[data-testid=stMetric]", has_text="Couples here")).to_contain_text("2")

    # -- couple 1 moves on to their own space: the banner follows the room there --------
    c1.goto(srv.url + f"/our-space?c={one.token}")
    wait_idle(c1)
    expect(c1.get_by_role("heading", name="Our space")).to_be_visible()
    expect(c1.locator(".st-key-room_banner")).to_contain_text(PHASES[0].couple_text)

    # -- the facilitator moves on: both couples' screens follow within 2 seconds --------
    press(proj, "Next")
    expect(proj.get_by_role("heading", name=PHASES[1].title)).to_be_visible()
    shown_at = time.monotonic()
    for page in (c1, c2):
        expect(page.get_by_text(PHASES[1].couple_text)).to_be_visible(
            timeout=FOLLOW_SECONDS * 1000
        )
    assert time.monotonic() - shown_at <= FOLLOW_SECONDS + 0.5
    assert_no_private_words(proj, [one])

    # A timer on the big screen reaches the couples too.
    press(proj, "Start timer")
    expect(proj.locator("[data-testid=stMetric]", has_text="Time left")).to_be_visible()
    expect(c2.get_by_text("Time left for this part")).to_be_visible()

    # Couple 2 is done with this part: the projector's count goes up.
    press(c2, "We're done with this part")
    expect(c2.get_by_text("You're done with this part")).to_be_visible()
    expect(proj.locator("[data-testid=stMetric]", has_text="Done with this part")
           ).to_contain_text("1")

    # Couple 1 opens the exercise of this part from the banner.
    c1.locator(".st-key-room_banner").get_by_role("button").first.click()
    expect(c1).to_have_url(re.compile(r"/safety-map\?"))
    assert parse_qs(urlparse(c1.url).query)["c"] == [one.token]

    # -- anonymous results: not below the minimum group, and only on demand -------------
    others = [seeded_couple(store, n) for n in range(10, 14)]
    for c in others:
        rs.join_room(store, c, code)
        share(store, c, gap=2)
    expect(proj.locator("[data-testid=stMetric]", has_text="Couples here")).to_contain_text("6")
    press(proj, "Show results")
    expect(proj.get_by_text("Results appear once at least 5 couples have shared. "
                            "4 have so far.")).to_be_visible()
    assert proj.locator("[data-testid=stPlotlyChart]").count() == 0
    assert_no_private_words(proj, [one, *others])

    fifth = seeded_couple(store, 14)
    rs.join_room(store, fifth, code)
    share(store, fifth, gap=8)
    # The projector keeps polling (the count moves) but does not show results by itself.
    expect(proj.locator("[data-testid=stMetric]", has_text="Couples here")).to_contain_text("7")
    assert proj.locator("[data-testid=stPlotlyChart]").count() == 0
    expect(proj.get_by_text("4 have so far.")).to_be_visible()

    press(proj, "Back to the script")
    press(proj, "Show results")
    expect(proj.get_by_role("heading", name="What 5 couples shared")).to_be_visible()
    expect(proj.locator("[data-testid=stPlotlyChart]")).to_be_visible()
    expect(proj.locator("[data-testid=stTable]")).to_contain_text("Time together or time alone")
    expect(proj.get_by_text("To be heard: 5 people")).to_be_visible()
    assert_no_private_words(proj, [one, fifth, *others])
    proj.screenshot(path=str(tmp_path / "projector-results-1280.png"), full_page=True)

    # -- leave the results and close the room ------------------------------------------
    press(proj, "Back to the script")
    expect(proj.get_by_role("heading", name=PHASES[1].title)).to_be_visible()
    proj.get_by_role("button", name="More").click()
    expect(proj.get_by_role("button", name="Close the room now")).to_be_visible()
    press(proj, "Close the room now")
    expect(proj.get_by_role("heading", name="This room is closed")).to_be_visible()
    expect(c2.get_by_text("The workshop has ended")).to_be_visible()


def test_projector_fits_1280x720_and_1920x1080(room_server, store, open_page, tmp_path):
    """Every part of the script on the big screen, with a running timer: no scrolling."""
    new = rs.create_room(store, SCRIPT)
    for n in range(3):
        rs.join_room(store, seeded_couple(store, 100 + n, private=False), new.room.code)
    rs.start_timer(store, new.secret, 10)
    for size in ({"width": 1280, "height": 720}, {"width": 1920, "height": 1080}):
        page = open_page(room_server, "/", viewport=size)
        page.goto(f"{room_server.url}/workshop?room={new.secret}&proj=1")
        wait_idle(page)
        for i, phase in enumerate(PHASES):
            if i:
                rs.move_phase(store, new.secret, SCRIPT, 1)  # the screen follows by itself
                rs.start_timer(store, new.secret, 10)
            expect(page.get_by_role("heading", name=phase.title)).to_be_visible()
            expect(page.get_by_text(phase.projector_text[:40])).to_be_visible()
            expect(page.locator("[data-testid=stMetric]", has_text="Time left")).to_be_visible()
            body = page.evaluate(
                "() => parseFloat(getComputedStyle(document.querySelector("
                "'[class*=st-key-proj_text] p')).fontSize)"
            )
            assert body >= 24, body
            assert fits(page), f"{phase.key} needs scrolling at {size}"
            if i in (0, 3):
                page.screenshot(path=str(tmp_path / f"projector-{phase.key}-{size['width']}.png"))
        if size["width"] == 1920:  # the way out of projector mode, on the page itself
            page.get_by_role("button", name="More").click()
            press(page, "Leave projector mode")
            expect(page.get_by_role("link", name="Run a workshop")).to_be_visible()
            assert "proj=1" not in page.url
        # Back to the start for the next size.
        for _ in PHASES:
            rs.move_phase(store, new.secret, SCRIPT, -1)
        rs.start_timer(store, new.secret, 10)
    assert Path(tmp_path / "projector-welcome-1920.png").exists()
