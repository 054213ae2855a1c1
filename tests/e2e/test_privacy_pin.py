"""A private PIN in real Chromium: chosen at Robin's safety note, then asked at Robin's
hand-over on the safety map — a wrong PIN opens nothing, and none of Robin's words are
in the page until the right one is typed. Screenshots under /tmp/pin/ (390 and 1280 px)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import click, expect_text, wait_idle

SHOTS = Path("/tmp/pin")
PIN = "4826"
MARK_A = "marker-a-e2e-6614 coffee before talking"
OFFER = "Want a PIN, so only you can open your turns?"


def shot(page: Page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"))


def pin_field(page: Page):
    return page.get_by_label("Your PIN,", exact=False)


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_a_pin_from_the_safety_note_to_the_hand_over(server, open_page, width, height):
    from tests.e2e.test_foundation import set_up_couple

    page = open_page(server, viewport={"width": width, "height": height})
    set_up_couple(page, "Robin", "Sam")

    # Robin's safety note: the PIN is offered, small and closed, below the note.
    click(page, "I'm ", exact=False)
    expect_text(page, "Just for you")
    offer = page.get_by_text(OFFER)
    offer.scroll_into_view_if_needed()
    expect(offer).to_be_visible()
    expect(page.get_by_label("The same PIN again")).to_be_hidden()
    shot(page, "offer", width)
    offer.click()
    page.get_by_label("PIN", exact=True).fill(PIN)
    page.get_by_label("The same PIN again").fill(PIN)
    page.get_by_label("The same PIN again").scroll_into_view_if_needed()
    shot(page, "offer-open", width)
    click(page, "Keep this PIN")
    expect_text(page, "Your PIN is kept")
    assert PIN not in page.content()
    shot(page, "offer-kept", width)
    click(page, "I feel safe to go on")
    click(page, "I'm ", exact=False)  # Sam: no PIN, the plain button
    expect_text(page, "Just for you")
    click(page, "I feel safe to go on")

    # The safety map: Robin's hand-over asks for the PIN.
    expect(page.get_by_role("heading", name="Pass the laptop to")).to_be_visible()
    expect(pin_field(page)).to_be_visible()
    pin_field(page).fill(PIN)
    click(page, "I'm ", exact=False)
    expect(page.get_by_role("heading", name="In your own words")).to_be_visible()
    # Once, above the first private screen: a closed "Your PIN" to change or drop it,
    # and the step's main button still in view without scrolling.
    expect(page.get_by_text("Your PIN", exact=True)).to_be_visible()
    box = page.get_by_role("button", name="Go on", exact=True).bounding_box()
    assert box is not None and box["y"] + box["height"] <= height, box
    shot(page, "turn-first-screen", width)
    page.get_by_role("textbox").first.fill(MARK_A)
    click(page, "Go on")
    expect(page.get_by_role("heading", name="Where you stand")).to_be_visible()
    expect(page.get_by_text("Your PIN", exact=True)).to_have_count(0)  # once only

    # Later (a reload): the hand-over again, and nothing of Robin's until the right PIN.
    page.reload()
    wait_idle(page)
    expect(pin_field(page)).to_be_visible()
    assert MARK_A not in page.content()
    shot(page, "handover", width)
    pin_field(page).fill("1111")
    click(page, "I'm ", exact=False)
    expect_text(page, "not quite it")
    expect(page.get_by_role("heading", name="Where you stand")).to_have_count(0)
    assert MARK_A not in page.content() and "1111" not in page.content()
    shot(page, "handover-wrong", width)
    pin_field(page).fill(PIN)
    pin_field(page).press("Enter")  # Enter sends the PIN too
    expect(page.get_by_role("heading", name="Where you stand")).to_be_visible()
    wait_idle(page)
    click(page, "Back")
    expect(page.get_by_role("heading", name="In your own words")).to_be_visible()
    expect(page.get_by_role("textbox").first).to_have_value(MARK_A)
    assert "Traceback" not in page.content()


def robin_wrote_behind_a_pin(page: Page) -> None:
    """Set-up with a PIN for Robin, Robin's first words on the safety map, a reload."""
    from tests.e2e.test_foundation import set_up_couple

    set_up_couple(page, "Robin", "Sam")
    click(page, "I'm ", exact=False)
    page.get_by_text(OFFER).click()
    page.get_by_label("PIN", exact=True).fill(PIN)
    page.get_by_label("The same PIN again").fill(PIN)
    click(page, "Keep this PIN")
    click(page, "I feel safe to go on")
    click(page, "I'm ", exact=False)
    click(page, "I feel safe to go on")
    pin_field(page).fill(PIN)
    click(page, "I'm ", exact=False)
    page.get_by_role("textbox").first.fill(MARK_A)
    click(page, "Go on")
    expect(page.get_by_role("heading", name="Where you stand")).to_be_visible()
    page.reload()
    wait_idle(page)
    expect(pin_field(page)).to_be_visible()


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_five_wrong_tries_pause_it_and_a_forgotten_pin_starts_afresh(
    server, open_page, width, height
):
    page = open_page(server, viewport={"width": width, "height": height})
    robin_wrote_behind_a_pin(page)
    for guess in ("0000", "1111", "2222", "3333", "5555"):
        pin_field(page).fill(guess)
        click(page, "I'm ", exact=False)
    expect_text(page, "rests for a moment")
    expect_text(page, "about a minute")
    pin_field(page).fill(PIN)  # the right one, during the pause: nothing opens
    click(page, "I'm ", exact=False)
    expect_text(page, "rests for a moment")
    expect(page.get_by_role("heading", name="Where you stand")).to_have_count(0)
    assert MARK_A not in page.content()
    shot(page, "handover-paused", width)

    page.get_by_text("Forgot your PIN?").click()
    expect_text(page, "also deletes your private answers")
    forget = "Take my PIN away, and those answers"
    page.get_by_role("button", name=forget).scroll_into_view_if_needed()
    shot(page, "forgot", width)
    click(page, forget)
    expect_text(page, "Your PIN is gone")
    expect(pin_field(page)).to_have_count(0)
    click(page, "I'm ", exact=False)
    expect(page.get_by_role("heading", name="In your own words")).to_be_visible()
    expect(page.get_by_role("textbox").first).to_have_value("")
    assert MARK_A not in page.content()
