"""Exercises as data, end to end in Chromium: a new scales file and a new deck file are
dropped into the content folder, with no change to the code, and a couple finds both on
"Our space" and goes all the way through each — private turns, seal and reveal for the
one; a guess-first card, a favourite and a card put back for the other."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from studio import authoring
from studio import cards_service as csvc
from studio.store import Store
from tests import factory
from tests.e2e.chart_check import chart_problems, wait_for_plots
from tests.e2e.conftest import after_rerun, click, expect_text, start_server, wait_idle
from tests.e2e.test_foundation import axe_serious

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path("/tmp/sbs-shots")  # for a person to look at; never in the repo
WORDS_A = "words-a-4kd a walk before we talk"
WORDS_B = "words-b-7pq tea and a quiet minute"
GUESS = "guess-2mx you'd say the garden"
ANSWER = "answer-9wr the garden, in the rain"


CONTENT: dict[str, Path] = {}


def server_content(srv) -> Path:
    return CONTENT[srv.url]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    content = tmp_path_factory.mktemp("content")
    shutil.copytree(ROOT / "exercises", content, dirs_exist_ok=True)
    # Two files a facilitator might write: nothing else changes.
    authoring.write_new("safety_map", "garden_talk", content)
    deck = authoring.write_new("cards", "small_deck", content)
    authoring.write_new("room_script", "cards_evening", content)  # deals the shipped deck
    deck.write_text(deck.read_text().replace("A warm, open question, number", "Card number"))
    srv = start_server(
        tmp_path_factory.mktemp("new-exercises"), env={"STUDIO_EXERCISES_DIR": str(content)}
    )
    CONTENT[srv.url] = content
    yield srv
    srv.stop()


def open_from_our_space(page: Page, exercise_id: str, title: str) -> None:
    card = page.locator(f".st-key-exercise_{exercise_id}")
    expect(card.get_by_role("heading", name=title, exact=True)).to_be_visible()
    after_rerun(page, card.get_by_role("button", name="Open").click)


def show_me(page: Page) -> None:
    expect_text(page, "Pass the laptop to")
    click(page, "I'm ", exact=False)


def one_turn(page: Page, words: str, choice: int) -> None:
    """A whole private turn of the new scales file: words, every scale, seal."""
    show_me(page)
    expect(page.get_by_role("heading", name="In your own words", exact=True)).to_be_visible()
    page.get_by_role("textbox", name="Your answer, in your own words").fill(words)
    click(page, "Go on")
    while True:
        heading = page.get_by_role("heading", name="What you need most")
        if heading.count():
            break
        expect(page.get_by_role("radiogroup").first).to_be_visible()
        rows = page.get_by_role("radiogroup")
        for g in range(rows.count()):
            option = rows.nth(g).locator("[data-testid='stRadioOption']").nth(choice)
            after_rerun(page, option.click)
        click(page, "Go on")
    click(page, "Go on")
    expect(page.get_by_role("heading", name="Look over and seal")).to_be_visible()
    click(page, "Seal my answers")


def test_a_dropped_in_scales_file_runs_from_our_space_to_the_reveal(server, open_page) -> None:
    store = Store(server.store_url)
    couple = factory.couple(store, "Robin", "Sam")
    page = open_page(server, f"/our-space?c={couple.token}")
    expect(page.get_by_role("heading", name="Garden talk", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Small deck", exact=True)).to_be_visible()
    assert not axe_serious(page), axe_serious(page)
    open_from_our_space(page, "garden_talk", "Garden talk")
    expect(page).to_have_url(re.compile(r"/safety-map\?.*exercise=garden_talk"))
    expect_text(page, "Garden talk")
    one_turn(page, WORDS_A, 0)
    assert WORDS_A not in page.content()  # sealed: gone from the page before B's turn
    one_turn(page, WORDS_B, 4)
    expect_text(page, "You've both sealed your answers")
    click(page, "I'm ready to see it together")
    click(page, "I'm ready to see it together")
    expect(page.get_by_role("heading", name="Garden talk — together")).to_be_visible()
    main = page.inner_text("[data-testid='stMain']")
    assert WORDS_A in main and WORDS_B in main
    assert "A few words for this scale 1" in main  # the file's own scales, far apart
    # Its full picture: no axis in this file, so no map; every other chart draws whole.
    click(page, "See the full picture", exact=False)
    expect(page.locator(".js-plotly-plot")).to_have_count(4)
    wait_for_plots(page, 4)
    wait_idle(page)
    assert chart_problems(page) == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "garden-full-picture.png"), full_page=True)
    # Its round is kept under its own name, apart from "What makes you feel safe?".
    runs = store.safety_runs_of(couple.id)
    assert [r.exercise_id for r in runs] == ["garden_talk"]
    page.goto(f"{server.url}/our-story?c={couple.token}")
    wait_idle(page)
    expect_text(page, "Garden talk")
    page.goto(f"{server.url}/our-space?c={couple.token}")
    wait_idle(page)
    expect_text(page, "You last looked at it together")


def test_a_dropped_in_deck_deals_with_guess_first_favourites_and_put_back(
    server, open_page
) -> None:
    store = Store(server.store_url)
    couple = factory.couple(store, "Robin", "Sam")
    page = open_page(server, f"/our-space?c={couple.token}", viewport={"width": 390, "height": 844})
    open_from_our_space(page, "small_deck", "Small deck")
    expect(page.get_by_role("heading", name="Small deck")).to_be_visible()
    after_rerun(page, page.get_by_text("Guess first").click)
    click(page, "Draw the first card")
    expect_text(page, "Card number")
    expect_text(page, "Robin answers this one")
    # Sam guesses, privately; then Robin answers, privately; then both, together.
    show_me(page)
    page.get_by_role("textbox").fill(GUESS)
    click(page, "Keep my guess hidden and pass on")
    assert GUESS not in page.content()
    show_me(page)
    assert GUESS not in page.content()
    page.get_by_role("textbox").fill(ANSWER)
    click(page, "Show us both")
    expect_text(page, GUESS)
    expect_text(page, ANSWER)
    # On a phone the card and both words fit the width: nothing cut off, no sideways scroll.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = page.locator(".st-key-cards_card").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    for words in (GUESS, ANSWER):
        shown = page.get_by_text(words).bounding_box()
        assert shown is not None and shown["x"] + shown["width"] <= 390
    assert not axe_serious(page), axe_serious(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "cards-together-390.png"), full_page=True)
    click(page, "Keep as a favourite")
    expect(page.get_by_text("Your favourites (1)")).to_be_visible()
    run = csvc.current(store, couple.id, "small_deck")
    kept = run.state.card
    click(page, "Next card")
    expect_text(page, "Sam answers this one")
    show_me(page)  # guess-first is still on: Robin guesses now
    click(page, "I'd rather not say")
    show_me(page)
    click(page, "I'd rather not say")
    click(page, "Put it back for later")
    after = csvc.current(store, couple.id, "small_deck").state
    assert after.favourites == (kept,) and after.pile[-1] != kept
    assert after.turn == "b"  # a card put back: the same partner draws again


def test_the_shipped_exercises_on_our_space_and_a_card_at_a_laptops_width(
    fresh_server, open_page
) -> None:
    """The README's pictures of "Our space" and a conversation card, from a real run of
    the shipped files (not the test's own)."""
    store = Store(fresh_server.store_url)
    couple = factory.couple(store, "Robin", "Sam")
    page = open_page(
        fresh_server, f"/our-space?c={couple.token}", viewport={"width": 1280, "height": 800}
    )
    for title in ("What makes you feel safe?", "When we disagree", "Conversation cards"):
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    page.screenshot(path=str(ROOT / "docs" / "our-space.png"))
    open_from_our_space(page, "conversation_cards", "Conversation cards")
    click(page, "Draw the first card")
    expect(page.locator(".st-key-cards_card")).to_be_visible()
    expect(page.get_by_text("Draw from")).to_be_hidden()  # the settings folded away
    page.mouse.move(0, 0)  # no hover marks in the picture
    box = page.locator(".st-key-cards_card").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 800  # the card on the first screen
    page.screenshot(path=str(ROOT / "docs" / "cards.png"))


def test_a_card_dealt_to_the_room_reaches_the_big_screen_and_a_phone(server, open_page) -> None:
    """A workshop phase of couple_view = "cards": the presenter deals, the room screen
    shows the card large (1280x720 and 1920x1080, nothing cut off), and a couple's phone
    shows the same card in its banner."""
    from studio import room_service as rs
    from studio.exercises import load_catalog

    store = Store(server.store_url)
    catalog = load_catalog(server_content(server))
    script = catalog.get("cards_evening", "room_script")
    new = rs.create_room(store, script)  # type: ignore[arg-type]
    rs.move_phase(store, new.secret, script, 1)  # type: ignore[arg-type]
    couple = factory.couple(store, "Robin", "Sam")
    rs.join_room(store, couple, new.room.code)
    pres = open_page(server, f"/workshop?room={new.secret}")
    click(pres, "Deal a card to the room")
    dealt = rs.room_state(store, new.room.id)
    assert dealt is not None and dealt.card is not None
    deck = catalog.get("conversation_cards", "cards")
    text = deck.card(dealt.card).text  # type: ignore[union-attr]
    expect(pres.locator(".st-key-proj_card")).to_contain_text(text)
    # The screens are checked with the deck's longest card on the table.
    import json

    from studio.cards import DeckState

    longest = max(deck.cards, key=lambda c: len(c.text) + len(c.follow_up))  # type: ignore[union-attr]
    state = DeckState(card=longest.key, dealt=(longest.key,), passes=1, deals=1)
    store.set_room_card_state(new.room.id, deck.id, json.dumps(state.to_dict()), 0.0)  # type: ignore[union-attr]
    text = longest.text
    token = rs.screen_token_of(store, new.secret)
    for size in ({"width": 1280, "height": 720}, {"width": 1920, "height": 1080}):
        screen = open_page(server, f"/room-screen?screen={token}", viewport=size)
        card = screen.locator(".st-key-proj_card")
        expect(card).to_contain_text(text)
        box = card.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]
        assert box["y"] + box["height"] <= size["height"], "the card runs off the screen"
        assert screen.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        if size["width"] == 1920:
            SHOTS.mkdir(exist_ok=True)
            screen.screenshot(path=str(SHOTS / "room-card-1920.png"))
    phone = open_page(
        server, f"/our-space?c={couple.token}", viewport={"width": 390, "height": 844}
    )
    expect(phone.locator(".st-key-room_banner")).to_contain_text(text)
    click(pres, "Deal the next card")
    expect(phone.locator(".st-key-room_banner")).not_to_contain_text(text)  # it follows


def test_the_deck_by_keyboard_alone(server, open_page) -> None:
    """From the top of the deck's page: Tab to "Draw the first card", Enter; then on to
    "Keep as a favourite" and "Next card". After a press Streamlit may leave the focus on
    the page itself; then the first Tab is the "Skip to main content" link, so each
    button is a handful of keys away, never a walk through the sidebar."""
    store = Store(server.store_url)
    couple = factory.couple(store, "Robin", "Sam")
    page = open_page(server, f"/cards?exercise=small_deck&c={couple.token}")
    expect(page.get_by_role("button", name="Draw the first card")).to_be_visible()
    page.evaluate("() => document.querySelector('[data-testid=stMain]').focus()")  # the top

    def focused() -> str:
        return page.evaluate(
            "() => { const a = document.activeElement;"
            " const named = a && (a.tagName === 'BUTTON' || a.tagName === 'A');"
            " return named ? a.innerText.trim() : ''; }"
        )

    def reach(name: str) -> int:
        keys = 0
        while name not in focused():
            if focused() == "Skip to main content":
                page.keyboard.press("Enter")
            else:
                page.keyboard.press("Tab")
            keys += 1
            assert keys <= 15, f"{name!r} is more than 15 keys away"
        return keys

    keys = [reach("Draw the first card")]
    after_rerun(page, lambda: page.keyboard.press("Enter"))
    expect_text(page, "Robin answers this one")
    keys.append(reach("Keep as a favourite"))
    after_rerun(page, lambda: page.keyboard.press("Enter"))
    expect(page.get_by_text("Your favourites (1)")).to_be_visible()
    keys.append(reach("Next card"))
    after_rerun(page, lambda: page.keyboard.press("Enter"))
    expect_text(page, "Sam answers this one")
    print(f"\ncards by keyboard: keys to each button {keys}")
    assert csvc.current(store, couple.id, "small_deck").state.favourites
