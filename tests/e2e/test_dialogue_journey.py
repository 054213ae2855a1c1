"""The guided dialogue in real Chromium: two rounds, a mirror loop, a reload, private ratings;
a talk opened from the safety map on a phone; the step's main button always in view."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from studio import dialogue_service as svc
from studio.exercises import load_catalog
from studio.store import Store
from tests.e2e.conftest import click, expect_text, wait_idle
from tests.e2e.test_foundation import axe_serious, pass_safety_notes, set_up_couple, token_of

SHOTS = Path("/tmp")
MARK_A = "marker-heard-7731"
MARK_B = "marker-sam-5512"
TOPIC = "How our Sunday evenings go"


LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
STARTER = "What does a good evening look like for each of you?"


def in_view(page: Page, name: str) -> None:
    """The button ``name`` is inside the window as it is, without any scrolling."""
    button = page.get_by_role("button", name=name, exact=True).first
    expect(button).to_be_visible()
    box = button.bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (name, box, size)
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (name, box, size)


def scroll_to_end(page: Page) -> None:
    page.evaluate(
        "() => { const m = document.querySelector('[data-testid=stMain]');"
        " m.scrollTo(0, m.scrollHeight); }"
    )
    page.wait_for_function(
        "() => { const m = document.querySelector('[data-testid=stMain]');"
        " return m.scrollTop + m.clientHeight >= m.scrollHeight - 2; }"
    )


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
    page = open_page(server, viewport=LAPTOP)
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
    in_view(page, "Yes, now is good")
    click(page, "Yes, now is good")
    now_step(page, "Say it")
    in_view(page, "I've said it")
    # The step clock ticks by itself (a fragment reading the stored start time).
    clock = page.get_by_test_id("stMetricValue").first
    expect(clock).to_have_text(re.compile(r"^[12]:\d\d$"))
    first = clock.inner_text()
    expect(clock).not_to_have_text(first, timeout=5_000)
    click(page, "I've said it")
    now_step(page, "Say it back")
    in_view(page, "I've said it back")
    click(page, "I've said it back")
    in_view(page, "Not quite")
    click(page, "Not quite")
    expect_text(page, "Another try")
    now_step(page, "Say it back")
    in_view(page, "I've said it back")
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
    in_view(page, "Did I get it? — Yes")
    page.screenshot(path=str(SHOTS / "dialogue-check.png"), full_page=True)
    click(page, "Did I get it? — Yes")
    click(page, "No, that's it for now")
    now_step(page, "Sum it up")
    for name in (
        "I've summed it up",
        "Yes, that's all of it",
        "I've said why it makes sense",
        "I've said what I imagine you feel",
        "Yes, that's how it feels",
        "We've thanked each other",
    ):
        in_view(page, name)
        click(page, name)
    expect(page.get_by_role("heading", name="Switch places")).to_be_visible()
    in_view(page, "Switch — same topic")
    # No bars that read as a score: the turns in words.
    expect_text(page, "Robin has shared so far; ▲ Sam's turn comes next.")
    expect(page.get_by_text("Time as the one who talks")).to_have_count(0)
    expect(page.get_by_role("progressbar")).to_have_count(0)
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
    expect_text(page, "Both of you had a turn sharing.")
    expect(page.get_by_role("progressbar")).to_have_count(0)
    expect(page.get_by_role("heading", name="Something that might help")).to_have_count(0)
    in_view(page, "Start another dialogue")
    page.screenshot(path=str(SHOTS / "dialogue-reveal.png"), full_page=True)
    assert not axe_serious(page), axe_serious(page)
    assert "Traceback" not in page.content()

    # A new dialogue starts from the beginning again.
    click(page, "Start another dialogue")
    expect(page.get_by_role("heading", name="What kind of talk?")).to_be_visible()


def _couple_with_a_talk(server, topic: str = STARTER):
    """A couple set up in the server's store, with a talk opened as the reveal opens it."""
    store = Store(f"sqlite:///{server.data_dir}/studio.db")
    couple = store.create_couple(
        name_a="Robin",
        name_b="Sam",
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    store.update_couple(couple.id, stage="ready")
    couple = store.couple_by_token(couple.token)
    svc.start_on_topic(store, couple, topic)
    return store, couple


def test_talk_about_this_on_a_phone_keeps_the_next_press_in_reach(server, open_page):
    _store, couple = _couple_with_a_talk(server)
    page = open_page(server, f"/dialogue?c={couple.token}", viewport=PHONE)
    expect(page.get_by_role("heading", name="Is now a good time?")).to_be_visible()
    expect_text(page, STARTER)
    in_view(page, "Yes, now is good")
    page.screenshot(path=str(SHOTS / "dialogue-phone-appointment.png"))

    # Who shares first can change here, before anything is said; the topic stays.
    page.get_by_text("Change who shares first or the kind of talk").click()
    page.get_by_role("radio", name="▲ Sam").check(force=True)
    wait_idle(page)
    click(page, "Go with this")
    roles_are(page, "Sam", "Robin")
    expect_text(page, STARTER)
    in_view(page, "Yes, now is good")

    click(page, "Yes, now is good")
    now_step(page, "Say it")
    click(page, "I've said it")
    now_step(page, "Say it back")
    in_view(page, "I've said it back")
    scroll_to_end(page)  # read down to the clock and the notes: the button stays in reach
    in_view(page, "I've said it back")
    assert not axe_serious(page), axe_serious(page)
    page.screenshot(path=str(SHOTS / "dialogue-phone-mirror.png"))


def test_a_low_felt_heard_offers_another_turn_on_a_phone(server, open_page):
    store, couple = _couple_with_a_talk(server, "Phones at dinner")
    run = svc.latest(store, couple)
    one = (
        "sent",
        "mirrored",
        "got_it",
        "more_no",
        "summarised",
        "got_it",
        "validated",
        "empathised",
        "got_it",
        "closed",
    )
    for event in ("ready", *one, "switch_same", *one, "end"):
        run = svc.apply(store, couple, run.id, event, 1.0)
    spec = svc.find_spec(load_catalog())
    svc.seal_rating(store, spec, run, "a", heard=8, safe=8)
    svc.seal_rating(store, spec, run, "b", heard=3, safe=6)
    svc.reveal(store, svc.latest(store, couple))

    page = open_page(server, f"/dialogue?c={couple.token}", viewport=PHONE)
    expect(page.get_by_role("heading", name="Something that might help")).to_be_visible()
    expect_text(page, "feeling heard was harder this time")
    expect(page.get_by_role("progressbar")).to_have_count(0)
    in_view(page, "Another turn for ▲ Sam to share")
    expect(page.get_by_role("link", name="Help and support")).to_be_visible()
    assert not axe_serious(page), axe_serious(page)
    click(page, "Another turn for ▲ Sam to share")
    expect(page.get_by_role("heading", name="Is now a good time?")).to_be_visible()
    roles_are(page, "Sam", "Robin")
    expect_text(page, "Phones at dinner")
    in_view(page, "Yes, now is good")
