"""The guided dialogue in real Chromium: two rounds, a mirror loop, a reload, private ratings."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import click, expect_text, wait_idle
from tests.e2e.test_foundation import axe_serious, pass_safety_notes, set_up_couple, token_of

SHOTS = Path("/tmp")
MARK_A = "marker-heard-7731"
MARK_B = "marker-sam-5512"
TOPIC = "How our Sunday evenings go"


def roles_are(page: Page, talker: str, listener: str) -> None:
    expect_text(page, f"{talker} shares, ")
    expect_text(page, f"{listener} listens")


def now_step(page: Page, title: str) -> None:
    expect(page.get_by_role("heading", name="Now: " + title)).to_be_visible()


def rate(page: Page, name: str, word: str, steps_right: int) -> None:
    expect(page.get_by_role("heading", name="Pass the laptop to")).to_be_visible()
    page.get_by_role("button", name="I'm").first.click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Just for you")).to_be_visible()
    expect_text(page, name)
    slider = page.get_by_role("slider").first
    slider.focus()
    for _ in range(steps_right):
        slider.press("ArrowRight")
    page.get_by_label("One word for how you feel now").fill(word)
    click(page, "Seal my answer")


def test_two_rounds_with_a_mirror_loop_a_reload_and_private_ratings(server, open_page):
    page = open_page(server)
    set_up_couple(page, "Robin", "Sam")
    pass_safety_notes(page, "Robin", "Sam")
    token = token_of(page)

    page.get_by_role("link", name="Talk and listen").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="What kind of talk?")).to_be_visible()
    page.screenshot(path=str(SHOTS / "dialogue-start.png"), full_page=True)
    page.get_by_label("like to talk about?").fill(TOPIC)
    click(page, "Let's begin")

    # Round 1: Robin talks. A mirror loop, and a reload in the middle of it.
    roles_are(page, "Robin", "Sam")
    expect_text(page, TOPIC)
    click(page, "Yes, now is good")
    now_step(page, "Say it")
    # The step clock ticks by itself (a fragment reading the stored start time).
    clock = page.get_by_test_id("stMetricValue").first
    expect(clock).to_have_text(re.compile(r"^[12]:\d\d$"))
    first = clock.inner_text()
    expect(clock).not_to_have_text(first, timeout=5_000)
    click(page, "I've said it")
    click(page, "I've said it back")
    click(page, "Not quite")
    expect_text(page, "Another try")
    now_step(page, "Say it back")
    page.screenshot(path=str(SHOTS / "dialogue-mirror.png"), full_page=True)
    assert not axe_serious(page), axe_serious(page)

    page.reload()
    wait_idle(page)
    now_step(page, "Say it back")
    expect_text(page, "Another try")  # still the second try of the mirror
    roles_are(page, "Robin", "Sam")
    expect_text(page, TOPIC)
    assert token_of(page) == token
    click(page, "I've said it back")
    expect_text(page, "“Did I get it?”")
    page.screenshot(path=str(SHOTS / "dialogue-check.png"), full_page=True)
    click(page, "Did I get it? — Yes")
    click(page, "No, that's it for now")
    now_step(page, "Sum it up")
    click(page, "I've summed it up")
    click(page, "Yes, that's all of it")
    click(page, "I've said why it makes sense")
    click(page, "I've said what I imagine you feel")
    click(page, "Yes, that's how it feels")
    click(page, "We've thanked each other")
    expect(page.get_by_role("heading", name="Switch places")).to_be_visible()
    page.screenshot(path=str(SHOTS / "dialogue-switch.png"), full_page=True)

    # Round 2: Sam talks about the same topic.
    click(page, "Switch — same topic")
    roles_are(page, "Sam", "Robin")
    now_step(page, "Say it")
    # A break from inside the dialogue (its buttons redraw only the dialogue): the whole
    # page turns into the break screen, and coming back resumes the same step.
    click(page, "Take a break")
    expect(page.get_by_role("heading", name="Taking a break")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Now: "))).to_have_count(0)
    click(page, "We're ready to carry on")
    now_step(page, "Say it")
    roles_are(page, "Sam", "Robin")
    click(page, "I've said it")
    click(page, "I've said it back")
    click(page, "Did I get it? — Yes")
    click(page, "No, that's it for now")
    click(page, "I've summed it up")
    click(page, "Yes, that's all of it")
    click(page, "I've said why it makes sense")
    click(page, "I've said what I imagine you feel")
    click(page, "Yes, that's how it feels")
    click(page, "We've thanked each other")
    expect_text(page, "You have both had a turn")
    click(page, "We're done for today")

    # Private ratings: Robin first, behind the curtain; then Sam, without Robin's answer.
    expect_text(page, "Thank you both")
    rate(page, "Robin", MARK_A, steps_right=2)
    expect(page.get_by_role("heading", name="Pass the laptop to")).to_be_visible()
    expect_text(page, "Sam")
    assert MARK_A not in page.content()
    page.get_by_role("button", name="I'm").first.click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Just for you")).to_be_visible()
    assert MARK_A not in page.content()
    page.screenshot(path=str(SHOTS / "dialogue-rate.png"), full_page=True)
    page.reload()  # a reload brings the curtain back and still shows nothing of Robin's
    wait_idle(page)
    expect(page.get_by_role("heading", name="Pass the laptop to")).to_be_visible()
    assert MARK_A not in page.content()
    rate(page, "Sam", MARK_B, steps_right=0)
    expect(page.get_by_role("heading", name="You've both answered")).to_be_visible()
    assert MARK_A not in page.content() and MARK_B not in page.content()

    click(page, "Show us both")
    expect_text(page, MARK_A)
    expect_text(page, MARK_B)
    expect_text(page, "I felt heard: 7 of 10")
    expect_text(page, "I felt heard: 5 of 10")
    page.screenshot(path=str(SHOTS / "dialogue-reveal.png"), full_page=True)
    assert not axe_serious(page), axe_serious(page)
    assert "Traceback" not in page.content()

    # A new dialogue starts from the beginning again.
    click(page, "Start another dialogue")
    expect(page.get_by_role("heading", name="What kind of talk?")).to_be_visible()
