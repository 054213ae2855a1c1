"""A workshop evening in real Chromium: a facilitator's presenter view, the room screen
on a projector (1280×720 and 1920×1080) and couples on their own devices, each in their
own browser context, against one real server.

Six couples set up and join through the pages (two on phones, from the QR link before
they are set up); a few more (with their answers and shares) are written straight into
the server's store to keep the test short. The facilitator's secret is counted on every
page: only the presenter view's own address holds it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from studio import dialogue_service as dsvc
from studio import room_service as rs
from studio import safety_flow
from studio.exercises import load_catalog
from studio.store import Store
from tests.e2e.conftest import Server, after_rerun, click, server_on, wait_idle
from tests.e2e.test_dialogue_journey import in_view
from tests.e2e.test_foundation import token_of

SCRIPT = load_catalog().get("workshop_room")
PHASES = SCRIPT.phases
PHONE = {"width": 390, "height": 844}
# A phone as the server sees one: its User-Agent (the words say "phone"), touch.
MOBILE = {
    "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
    "is_mobile": True,
    "has_touch": True,
}
LAPTOP = {"width": 1280, "height": 800}
SHOTS = Path("/tmp/room")

# Words only the couples' private data holds: none may ever reach the projector.
PRIVATE = [
    "Quillon-Marrowby",
    "Tessaly-Oakhurst",
    "lanternfish-harbour-7431",
    "saffron-kettle-ritual-9902",
]
# Names the couples who set up through the pages type: never on the room screen either.
TYPED = [
    ("Wrenna", "Pallister"),
    ("Odrik", "Fennimore"),
    ("Yselle", "Brackwater"),
    ("Corvin", "Ashdown"),
    ("Mirelle", "Thornquist"),
    ("Tobiah", "Quenby"),
]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def room_server(request, tmp_path_factory) -> Iterator[Server]:
    """The whole evening runs twice: on SQLite, and on Postgres."""
    yield from server_on(request.param, request, tmp_path_factory, "workshop-data")


@pytest.fixture(scope="module")
def store(room_server) -> Iterator[Store]:
    s = Store(room_server.store_url)
    yield s
    s.dispose()


def seeded_couple(store: Store, n: int, *, private: bool = True):
    """A set-up couple with distinctive private answers (words and names)."""
    c = store.create_couple(
        name_a=f"{PRIVATE[0]}{n}" if private else f"Ada{n}",
        name_b=f"{PRIVATE[1]}{n}" if private else f"Bo{n}",
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    store.update_couple(c.id, stage="ready")
    if private:
        run = store.start_safety_run(c.id, "safety_map", {})
        store.save_answer(run, "a", safety_flow.TEXT, f"I feel safe with {PRIVATE[2]} {n}")
        store.save_answer(run, "b", safety_flow.TEXT, f"{PRIVATE[3]} {n}, every evening")
        store.add_topic(c.id, f"{PRIVATE[2]} topic {n}", "safety_map")
    return store.couple_by_token(c.token)


def share(store: Store, couple, gap: int) -> None:
    rs.share_with_room(
        store,
        couple,
        {"together_alone": 2, "talk_or_cool": 4},
        {"together_alone": 2 + gap, "talk_or_cool": 4},
        ["heard"],
        ["calm"],
    )


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


def set_up_through_the_ui(page: Page, name_a: str, name_b: str, device: str) -> None:
    expect(page.get_by_text("Who's here?")).to_be_visible()
    page.get_by_role("textbox", name="Name of the first partner").fill(name_a)
    page.get_by_role("textbox", name="Name of the second partner").fill(name_b)
    press(page, "That's us")
    expect(page.get_by_role("heading", name=f"Pass the {device} to")).to_be_visible()
    for _ in ("a", "b"):
        button = page.get_by_role("button", name="I'm")
        expect(button.first).to_be_visible()
        button.first.click()
        wait_idle(page)
        expect(page.get_by_text("Just for you")).to_be_visible()
        press(page, "I feel safe to go on")
    expect(page.get_by_text("You're all set")).to_be_visible()


def secret_count(page: Page, secret: str) -> int:
    """How often the facilitator's secret is in the page's HTML and links."""
    return page.content().count(secret)


def screen_shows_nothing_private(page: Page, secret: str, couples=()) -> None:
    html = page.content()
    assert secret not in html and secret not in page.url
    for word in PRIVATE + [n for pair in TYPED for n in pair]:
        assert word not in html, f"{word!r} reached the room screen"
    for c in couples:
        assert c.token not in html


def no_controls(page: Page) -> None:
    main = page.locator("[data-testid=stMain]")
    assert main.get_by_role("button").count() == 0
    assert main.get_by_role("link").count() == 0
    assert main.locator("input, select, textarea").count() == 0
    assert page.locator("[data-testid=stSidebar]").count() == 0


def figure(page: Page, name: str):
    return page.locator("[data-testid=stMetric]", has_text=name)


def qr_and_code_visible(page: Page, code: str) -> None:
    expect(page.locator(".st-key-room_code")).to_contain_text(code)
    expect(page.locator("img.sbs-qr")).to_be_visible()
    box = page.locator("img.sbs-qr").bounding_box()
    assert box and box["y"] + box["height"] <= page.viewport_size["height"] + 1


def seal(store: Store, couple, *, revealed: bool = False) -> None:
    flow = safety_flow.FlowState(
        sealed={"a": True, "b": True}, revealed_at=time.time() if revealed else None
    )
    store.start_safety_run(couple.id, "safety_map", flow.to_dict())


def test_a_workshop_evening(room_server, store, open_page):
    srv = room_server
    SHOTS.mkdir(exist_ok=True)
    # -- the facilitator creates the room: this tab becomes the presenter view --------------
    pres = open_page(srv, "/workshop", viewport=LAPTOP)
    expect(pres.get_by_role("heading", name="Run a workshop")).to_be_visible()
    press(pres, "Create the room")
    expect(pres.get_by_role("heading", name=f"Part 1 of 7: {PHASES[0].title}")).to_be_visible()
    secret = parse_qs(urlparse(pres.url).query)["room"][0]
    room = rs.facilitator_room(store, secret)
    assert room is not None
    code = room.code
    for name in ("Back", "Next", "Start timer", "Show results", "More"):
        expect(pres.get_by_role("button", name=name, exact=True)).to_be_visible()
    # The secret: once, in the facilitator-link box of its own page; in no link.
    assert secret_count(pres, secret) == 0  # its own address only, until asked for
    after_rerun(pres, pres.get_by_text("Your facilitator link — keep it to yourself").click)
    expect(pres.locator("[data-testid=stCode]")).to_contain_text(secret)
    assert secret_count(pres, secret) == 1
    hrefs = pres.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs and not [h for h in hrefs if secret in h]
    screen_href = pres.get_by_role("link", name="Open the room screen").get_attribute("href")
    assert "/room-screen?screen=" in screen_href and secret not in screen_href

    # -- the room screen, on two projectors -----------------------------------------------
    path = "/" + screen_href.split("/", 3)[3]
    small = open_page(srv, path, viewport={"width": 1280, "height": 720})
    big = open_page(srv, path, viewport={"width": 1920, "height": 1080})
    screens = (small, big)
    for scr in screens:
        expect(scr.get_by_role("heading", name=PHASES[0].title)).to_be_visible()
        qr_and_code_visible(scr, code)
        assert (
            scr.locator("img.sbs-qr").get_attribute("src").startswith("data:image/svg+xml;base64,")
        )
        no_controls(scr)
        assert secret_count(scr, secret) == 0
        assert fits(scr)
    assert big.locator(".st-key-room_code h3").bounding_box()["height"] >= 120

    # -- six couples set up and join through the pages (two on phones) ---------------------
    couples: list[Page] = []
    for i, (a, b) in enumerate(TYPED):
        on_phone = i < 2
        page = (
            open_page(srv, f"/join?code={code}", viewport=PHONE, **MOBILE)
            if on_phone
            else open_page(srv, f"/join?code={code}", viewport=LAPTOP)
        )
        expect(page.get_by_text("Before you join, set up the two of you")).to_be_visible()
        press(page, "Set us up")
        set_up_through_the_ui(page, a, b, "phone" if on_phone else "laptop")
        expect(page.get_by_text("Your workshop code is ready")).to_be_visible()
        press(page, "Join the workshop")
        expect(page.get_by_label("Room code", exact=True)).to_have_value(code)
        press(page, "Join the workshop")
        expect(page.get_by_text(PHASES[0].couple_text)).to_be_visible()
        assert secret_count(page, secret) == 0
        couples.append(page)

    # -- a seeded couple (private words) joins on a laptop, after one wrong code -----------
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
    couples.append(c1)

    # The screens and the presenter count them (counts only), on their own.
    for scr in screens:
        expect(figure(scr, "Couples here")).to_contain_text("7")
        screen_shows_nothing_private(scr, secret, [one])
    expect(figure(pres, "Couples here")).to_contain_text("7")

    # -- couple 1 moves on to their own space: the banner follows the room there ----------
    c1.goto(srv.url + f"/our-space?c={one.token}")
    wait_idle(c1)
    expect(c1.locator(".st-key-room_banner")).to_contain_text(PHASES[0].couple_text)

    # -- the facilitator moves on: every couple and both screens follow by themselves ------
    # (How fast is measured by `make bench`, part 6, not asserted here: a test with a
    # clock in it fails on a busy machine, not on a slow studio.)
    press(pres, "Next")
    expect(pres.get_by_role("heading", name=f"Part 2 of 7: {PHASES[1].title}")).to_be_visible()
    for page in couples:
        expect(page.get_by_text(PHASES[1].couple_text)).to_be_visible()
    for scr in screens:
        expect(scr.get_by_role("heading", name=PHASES[1].title)).to_be_visible()

    # A timer reaches the screens and the couples.
    press(pres, "Start timer")
    for scr in screens:
        expect(figure(scr, "Time left")).to_be_visible()
    expect(couples[0].get_by_text("Time left for this part")).to_be_visible()

    # Done with this part: one couple says so, three did the work (both sealed).
    press(couples[1], "We're done with this part")
    expect(couples[1].get_by_text("You're done with this part")).to_be_visible()
    for scr in screens:
        expect(figure(scr, "Done with this part")).to_contain_text("1")
    others = [seeded_couple(store, n) for n in range(10, 14)]
    for c in others:
        rs.join_room(store, c, code)
        seal(store, c, revealed=True)
        share(store, c, gap=2)
    for scr in screens:
        expect(figure(scr, "Couples here")).to_contain_text("11")
        expect(figure(scr, "Done with this part")).to_contain_text("5")
    expect(figure(pres, "Done with this part")).to_contain_text("5")
    small.screenshot(path=str(SHOTS / "screen-safety_map-1280.png"))
    big.screenshot(path=str(SHOTS / "screen-safety_map-1920.png"))
    pres.screenshot(path=str(SHOTS / "presenter-safety_map-1280.png"), full_page=True)

    # Couple 1 opens the exercise of this part from the banner.
    c1.locator(".st-key-room_banner").get_by_role("button").first.click()
    expect(c1).to_have_url(re.compile(r"/safety-map\?"))
    assert parse_qs(urlparse(c1.url).query)["c"] == [one.token]

    # -- anonymous results: not below the minimum group, and only on release -------------
    press(pres, "Show results")
    expect(
        pres.get_by_text("Nothing to release yet: results need at least 5 couples")
    ).to_be_visible()
    for scr in screens:
        expect(scr.get_by_role("heading", name="Room results")).to_be_visible()
        expect(scr.get_by_text("Room results appear once at least 5 couples")).to_be_visible()
        assert scr.locator(".sbs-rr-bar").count() == 0
        qr_and_code_visible(scr, code)
        screen_shows_nothing_private(scr, secret, [one, *others])
        assert fits(scr)

    fifth = seeded_couple(store, 14)
    rs.join_room(store, fifth, code)
    share(store, fifth, gap=8)
    for scr in screens:  # the screens keep polling, but results need a release
        expect(figure(scr, "Shared with the room")).to_contain_text("5")
        assert scr.locator(".sbs-rr-bar").count() == 0

    press(pres, "Back to the script")
    for scr in screens:
        expect(scr.get_by_role("heading", name=PHASES[1].title)).to_be_visible()
    press(pres, "Show results")
    expect(pres.get_by_text("Released: results from 5 couples")).to_be_visible()
    for scr in screens:
        expect(scr.get_by_role("heading", name="What 5 couples shared")).to_be_visible()
        expect(scr.locator(".sbs-rr")).to_contain_text("Time together or time alone")
        expect(scr.get_by_text("To be heard: 5 people")).to_be_visible()
        assert "from before" not in scr.content()
        qr_and_code_visible(scr, code)
        screen_shows_nothing_private(scr, secret, [one, fifth, *others])
        no_controls(scr)
        assert fits(scr)
    assert big.locator(".st-key-room_code h3").bounding_box()["height"] >= 120
    small.screenshot(path=str(SHOTS / "screen-results-1280.png"))
    big.screenshot(path=str(SHOTS / "screen-results-1920.png"))
    pres.screenshot(path=str(SHOTS / "presenter-results-1280.png"), full_page=True)

    # -- phones: a reload keeps the room; a private call for a facilitator -------------
    phone = couples[0]
    phone.reload()
    wait_idle(phone)
    expect(phone.get_by_text(PHASES[1].couple_text)).to_be_visible()
    phone.goto(f"{srv.url}/join?code={code}&c={token_of(phone)}")  # the QR link, again
    wait_idle(phone)
    expect(phone.get_by_text(PHASES[1].couple_text)).to_be_visible()
    expect(phone.get_by_label("Room code", exact=True)).to_have_count(0)
    phone.get_by_role("button", name="Ask for a facilitator").click()
    phone.get_by_role("textbox", name="Your table number or a nickname").fill("Table 2")
    press(phone, "Call a facilitator")
    expect(phone.get_by_text("You've asked for a facilitator")).to_be_visible()
    expect(pres.locator(".st-key-ws_help")).to_contain_text("Table 2")
    for scr in screens:
        assert "Table 2" not in scr.content()
    press(pres, "On my way")
    expect(pres.locator(".st-key-ws_help")).to_have_count(0)
    expect(phone.get_by_text("A facilitator is on the way")).to_be_visible()

    # -- the dialogue on a phone: its step's button and the break are in reach -----------
    press(pres, "Back to the script")
    press(pres, "Next")
    press(pres, "Next")
    expect(pres.get_by_role("heading", name=f"Part 4 of 7: {PHASES[3].title}")).to_be_visible()
    mine = store.couple_by_token(token_of(phone))
    dsvc.start_on_topic(store, mine, "Evenings after work")
    open_it = phone.get_by_role("button", name="Open “Talk and listen”")
    expect(open_it).to_be_visible()
    after_rerun(phone, open_it.click)
    expect(phone).to_have_url(re.compile(r"/dialogue\?"))
    expect(phone.get_by_role("heading", name="Is now a good time?")).to_be_visible()
    in_view(phone, "Yes, now is good")
    in_view(phone, "Take a break")
    phone.screenshot(path=str(SHOTS / "phone-dialogue-390.png"))
    press(phone, "Yes, now is good")
    expect(phone.get_by_text("Say it").first).to_be_visible()
    press(phone, "Take a break")
    expect(phone.get_by_role("heading", name="Taking a break")).to_be_visible()
    press(phone, "We're ready to carry on")

    # -- a couple leaves the room: the counts say so --------------------------------------
    leaver = couples[5]
    leaver.get_by_text("Leave this workshop").click()
    press(leaver, "Leave the workshop")
    expect(leaver.get_by_label("Room code", exact=True)).to_be_visible()
    expect(figure(pres, "Couples here")).to_contain_text("11")

    # -- a couple page opened from the facilitator's tab carries no secret -----------------
    after_rerun(
        pres,
        pres.locator("[data-testid=stSidebar]").get_by_role("link", name="Join a workshop").click,
    )
    expect(pres).to_have_url(re.compile(r"/join"))
    assert secret not in pres.url and secret_count(pres, secret) == 0
    pres.goto(f"{srv.url}/workshop?room={secret}")
    wait_idle(pres)

    # -- close the room ----------------------------------------------------------------
    pres.get_by_role("button", name="More").click()
    expect(pres.get_by_role("button", name="Close the room now")).to_be_visible()
    press(pres, "Close the room now")
    expect(pres.get_by_role("heading", name="This room is closed")).to_be_visible()
    expect(couples[0].get_by_text("The workshop has ended")).to_be_visible()
    for scr in screens:
        expect(scr.get_by_role("heading", name="Thank you for coming")).to_be_visible()
        screen_shows_nothing_private(scr, secret)


def test_room_screen_fits_every_part(room_server, store, open_page):
    """Every part on the room screen, with a running timer: no scrolling, big code, QR."""
    SHOTS.mkdir(exist_ok=True)
    new = rs.create_room(store, SCRIPT)
    token = rs.screen_token_of(store, new.secret)
    for n in range(3):
        rs.join_room(store, seeded_couple(store, 100 + n, private=False), new.room.code)
    rs.start_timer(store, new.secret, 10)
    for size in ({"width": 1280, "height": 720}, {"width": 1920, "height": 1080}):
        page = open_page(room_server, f"/room-screen?screen={token}", viewport=size)
        for i, phase in enumerate(PHASES):
            if i:
                rs.move_phase(store, new.secret, SCRIPT, 1)  # the screen follows by itself
                rs.start_timer(store, new.secret, 10)
            expect(page.get_by_role("heading", name=phase.title)).to_be_visible()
            expect(page.get_by_text(phase.projector_text[:40])).to_be_visible()
            expect(figure(page, "Time left")).to_be_visible()
            body = page.evaluate(
                "() => parseFloat(getComputedStyle(document.querySelector("
                "'[class*=st-key-proj_text] p')).fontSize)"
            )
            assert body >= 24, body
            assert fits(page), f"{phase.key} needs scrolling at {size}"
            qr_and_code_visible(page, new.room.code)
            if size["width"] == 1920:
                assert page.locator(".st-key-room_code h3").bounding_box()["height"] >= 120
            no_controls(page)
            if i in (0, 3):
                page.screenshot(path=str(SHOTS / f"screen-{phase.key}-{size['width']}.png"))
        for _ in PHASES:  # back to the start for the next size
            rs.move_phase(store, new.secret, SCRIPT, -1)
        rs.start_timer(store, new.secret, 10)
    # The presenter view on a laptop and a phone.
    for size in (LAPTOP, PHONE):
        page = open_page(room_server, f"/workshop?room={new.secret}", viewport=size)
        expect(page.get_by_role("button", name="Next", exact=True)).to_be_visible()
        page.screenshot(path=str(SHOTS / f"presenter-{size['width']}.png"), full_page=True)
    assert (SHOTS / "screen-welcome-1920.png").exists()
