"""Two partners on one laptop through "What makes you feel safe?" in real Chromium."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import click, expect_text, wait_idle
from tests.e2e.test_foundation import axe_serious, pass_safety_notes, set_up_couple

ROOT = Path(__file__).resolve().parents[2]
MARK_A = "marker-a-5u7q hugs and calm evenings"
MARK_B = "marker-b-9k2w time alone and quiet"
HOSTILE = "<script>alert(1)</script> ![img](http://example.com/x.png) :red[big] $x^2$"


def answer_turn(page: Page, name: str, text: str, shift: int) -> None:
    expect_text(page, "Pass the laptop to")
    page.get_by_role("button", name="I'm ").first.click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="What makes you feel safe?")).to_be_visible()
    page.get_by_role("textbox", name="Your answer, in your own words").fill(text)
    click(page, "Save and go on")
    expect(page.get_by_role("heading", name="Where you stand")).to_be_visible()
    # Move two sliders with the keyboard (as a keyboard-only user would).
    sliders = page.get_by_role("slider")
    for i in range(2):
        sliders.nth(i).focus()
        for _ in range(shift):
            page.keyboard.press("ArrowRight" if shift > 0 else "ArrowLeft")
        wait_idle(page)
    click(page, "Save and go on")
    expect(page.get_by_role("heading", name="What you need most")).to_be_visible()
    click(page, "Save and go on")
    expect_text(page, "Where do you think")
    click(page, "Save and go on")
    expect(page.get_by_role("heading", name="Look over and seal")).to_be_visible()
    click(page, "Seal my answers")


def test_two_partners_private_turns_and_reveal(server, open_page):
    page = open_page(server)
    set_up_couple(page, "Robin", "Sam")
    pass_safety_notes(page, "Robin", "Sam")
    click(page, "Go to our space")
    expect_text(page, "Our space")
    page.get_by_role("button", name="Open").first.click()
    wait_idle(page)
    click(page, "Let's start")

    answer_turn(page, "Robin", MARK_A + " " + HOSTILE, shift=4)

    # B's turn: A's words are nowhere in the page, not even hidden.
    expect_text(page, "Pass the laptop to")
    assert MARK_A.split()[0] not in page.content()
    page.get_by_role("button", name="I'm ").first.click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="What makes you feel safe?")).to_be_visible()
    assert MARK_A.split()[0] not in page.content()
    # A reload mid-turn keeps A sealed and brings the curtain back.
    page.reload()
    wait_idle(page)
    expect_text(page, "Pass the laptop to")
    assert MARK_A.split()[0] not in page.content()
    answer_turn(page, "Sam", MARK_B, shift=-4)

    expect_text(page, "You've both sealed your answers")
    assert MARK_A.split()[0] not in page.content()
    assert MARK_B.split()[0] not in page.content()
    click(page, "I'm ready to see it together")
    page.screenshot(path="/tmp/after_ready1.png")
    expect_text(page, "Ready")
    click(page, "I'm ready to see it together")
    page.screenshot(path="/tmp/after_ready2.png")
    expect_text(page, "What makes you feel safe — together")

    # Both words are there, as text; the hostile string is literal.
    expect_text(page, MARK_A.split()[0])
    expect_text(page, MARK_B.split()[0])
    expect(page.get_by_text("<script>alert(1)</script>", exact=False).first).to_be_visible()
    assert page.locator("img[src*='example.com']").count() == 0
    # At least four charts, each drawn by Plotly, and the summary.
    expect(page.locator(".js-plotly-plot").nth(3)).to_be_attached()
    assert page.locator(".js-plotly-plot").count() >= 4
    expect(page.get_by_role("heading", name="In a few words")).to_be_visible()
    expect(page.get_by_role("heading", name="Where you differ").first).to_be_visible()
    assert not axe_serious(page), axe_serious(page)
    page.screenshot(path=str(ROOT / "docs" / "reveal.png"), full_page=False)

    # A difference carried into the dialogue as its topic.
    page.get_by_role("button", name="Talk about this").first.click()
    wait_idle(page)
    expect_text(page, "Where we differ")
