"""Two partners on one laptop through "What makes you feel safe?" in real Chromium.

The journeys check what a couple would: that a scale nobody touched stays *not
answered* and counts nowhere; that Back, Go on, a reload and reopening sealed answers
leave exactly what was chosen; that nothing of one partner reaches the page during the
other's turn; that a keyboard alone gets through every scale; and that the reveal
reads at a phone's, a laptop's and a big screen's width.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from studio.store import Store
from tests.e2e.conftest import after_rerun, click, expect_text, server_on, wait_idle
from tests.e2e.test_foundation import axe_serious, pass_safety_notes, set_up_couple, token_of

ROOT = Path(__file__).resolve().parents[2]
MARK_A = "marker-a-5u7q hugs and calm evenings"
MARK_B = "marker-b-9k2w time alone and quiet"
HOSTILE = "<script>alert(1)</script> ![img](http://example.com/x.png) :red[big] $x^2$"
CLEAR_LEFT, LEFT, MIDDLE, RIGHT, CLEAR_RIGHT, SKIP = range(6)  # the six choices of a row


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request, tmp_path_factory):
    """The two partners' journey runs twice: on SQLite, and on Postgres."""
    yield from server_on(request.param, request, tmp_path_factory, "journey-data")


def store_of(server) -> Store:
    return Store(server.store_url)


def groups(page: Page) -> Locator:
    return page.get_by_role("radiogroup")


def choose(page: Page, group: int, option: int) -> None:
    """Pick one of a row's six choices (five dots, then "Rather not say") by mouse."""
    label = groups(page).nth(group).locator("[data-testid='stRadioOption']").nth(option)
    after_rerun(page, label.click)


def part(page: Page, heading: str) -> None:
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    if heading in ("Where you stand", "A few more, if you like"):
        expect(groups(page).first).to_be_visible()  # the rows' code has loaded
    wait_idle(page)


def show_me(page: Page) -> None:
    expect_text(page, "Pass the laptop to")
    click(page, "I'm ", exact=False)


def to_the_map(page: Page) -> None:
    set_up_couple(page, "Robin", "Sam")
    pass_safety_notes(page, "Robin", "Sam", stay=True)  # lands on A's hand-over


def checked(page: Page, group: int) -> int | None:
    radios = groups(page).nth(group).get_by_role("radio")
    for i in range(radios.count()):
        if radios.nth(i).is_checked():
            return i
    return None


def through_untouched(page: Page, text: str | None) -> None:
    """A whole turn that only writes words (or not even those) and seals."""
    show_me(page)
    part(page, "In your own words")
    if text:
        page.get_by_role("textbox", name="Your answer, in your own words").fill(text)
    click(page, "Go on")
    for _ in range(2):
        part(page, "Where you stand")
        click(page, "Go on")
    part(page, "What you need most")
    click(page, "Go on")
    part(page, "Look over and seal")
    click(page, "Seal my answers")


def answer_all(page: Page, text: str, own: int, guess: int) -> None:
    show_me(page)
    part(page, "In your own words")
    page.get_by_role("textbox", name="Your answer, in your own words").fill(text)
    click(page, "Go on")
    for _ in range(2):
        part(page, "Where you stand")
        for g in range(groups(page).count()):
            choose(page, g, own if g % 2 == 0 else guess)
        click(page, "Go on")
    part(page, "What you need most")
    click(page, "Go on")
    click(page, "Seal my answers")


def both_ready(page: Page) -> None:
    expect_text(page, "You've both sealed your answers")
    click(page, "I'm ready to see it together")
    expect_text(page, "Ready")
    click(page, "I'm ready to see it together")
    expect_text(page, "What makes you feel safe — together")


def test_one_partner_touches_nothing_and_nothing_of_theirs_counts(server, open_page):
    page = open_page(server)
    to_the_map(page)
    through_untouched(page, None)  # Robin moves through every part, choosing nothing

    # B's turn: nothing of A's in the page, not even hidden.
    expect_text(page, "Pass the laptop to")
    answer_all(page, MARK_B, CLEAR_RIGHT, CLEAR_LEFT)
    both_ready(page)

    store = store_of(server)
    couple = store.couple_by_token(token_of(page))
    run_id = store.safety_runs_of(couple.id)[0].id
    assert set(store.answers_of(run_id, "a")) == set()  # not one default was stored
    assert len(store.answers_of(run_id, "b")) == 20 + 1
    page_text = page.inner_text("[data-testid='stMain']")
    assert "No scale sits really close" in page_text
    assert "No big differences today" in page_text
    assert "Not compared, because one of you didn't answer" in page_text
    assert "/ 100" not in page_text and "Shared ground" not in page_text
    assert page.locator(".js-plotly-plot").count() == 0  # the charts wait to be asked for
    click(page, "See the full picture", exact=False)
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    full = page.inner_text("[data-testid='stMain']")
    assert "8 apart" not in full and "10 apart" not in full
    store.dispose()


def test_back_forward_reload_and_unseal_show_exactly_what_was_set(server, open_page):
    page = open_page(server)
    to_the_map(page)
    show_me(page)
    page.get_by_role("textbox", name="Your answer, in your own words").fill(MARK_A + " " + HOSTILE)
    click(page, "Go on")
    part(page, "Where you stand")
    choose(page, 0, CLEAR_LEFT)  # together or alone: me
    choose(page, 1, CLEAR_RIGHT)  # ... my guess for Sam
    choose(page, 2, MIDDLE)  # reassurance: me
    choose(page, 3, SKIP)  # ... rather not say
    click(page, "Go on")
    part(page, "Where you stand")
    choose(page, 0, RIGHT)
    click(page, "Back")
    part(page, "Where you stand")
    assert [checked(page, g) for g in range(5)] == [CLEAR_LEFT, CLEAR_RIGHT, MIDDLE, SKIP, None]
    # A reload: the hand-over again, then the same part with the same choices.
    page.reload()
    wait_idle(page)
    show_me(page)
    part(page, "Where you stand")
    assert [checked(page, g) for g in range(4)] == [CLEAR_LEFT, CLEAR_RIGHT, MIDDLE, SKIP]
    click(page, "Go on")
    click(page, "Go on")
    part(page, "What you need most")
    click(page, "Go on")
    part(page, "Look over and seal")
    review = page.inner_text("[data-testid='stMain']")
    assert (
        "you: clearly “most time together” · your guess for ▲ Sam: clearly “plenty of "
        "time alone”" in review
    )
    assert "you: in between · your guess for ▲ Sam: rather not say" in review
    click(page, "Seal my answers")

    # Robin asks to change something; Sam agrees; Robin changes one answer and seals again.
    page.get_by_text("want to change one of your answers?").click()
    click(page, "Ask to open my answers again")
    click(page, "Yes, that's fine")
    show_me(page)
    part(page, "Look over and seal")
    click(page, "Change these")
    part(page, "Where you stand")
    assert [checked(page, g) for g in range(4)] == [CLEAR_LEFT, CLEAR_RIGHT, MIDDLE, SKIP]
    choose(page, 2, LEFT)  # reassurance: now a little more "hearing it often"
    click(page, "Go on")
    click(page, "Go on")
    click(page, "Go on")
    click(page, "Seal my answers")

    # Sam's turn: Robin's words are nowhere in the page.
    expect_text(page, "Pass the laptop to")
    assert MARK_A.split()[0] not in page.content()
    show_me(page)
    assert MARK_A.split()[0] not in page.content()
    page.get_by_role("textbox", name="Your answer, in your own words").fill(MARK_B)
    click(page, "Go on")
    part(page, "Where you stand")
    choose(page, 0, CLEAR_RIGHT)
    choose(page, 2, CLEAR_RIGHT)
    for _ in range(3):
        click(page, "Go on")
    click(page, "Seal my answers")
    expect_text(page, "You've both sealed your answers")
    assert MARK_A.split()[0] not in page.content()
    assert MARK_B.split()[0] not in page.content()
    both_ready(page)

    # Both words as text; the hostile string literal; nothing fetched or linked.
    expect_text(page, MARK_A.split()[0])
    expect_text(page, MARK_B.split()[0])
    expect(page.get_by_text("<script>alert(1)</script>", exact=False).first).to_be_visible()
    assert page.locator("img[src*='example.com']").count() == 0
    text = page.inner_text("[data-testid='stMain']")
    # Exactly what was set: 0 vs 10 on time together; 2 vs 10 on reassurance.
    assert "Robin: clearly “most time together”" in text
    assert "Sam: clearly “plenty of time alone”" in text
    click(page, "Next difference")
    text = page.inner_text("[data-testid='stMain']")
    assert "Robin: a little more “hearing it often”" in text
    assert "Sam: clearly “no need to hear it”" in text
    # Robin guessed "clearly plenty of time alone" for Sam, who said exactly that: no surprise.
    assert "guessed clearly “plenty of time alone”" not in text
    assert not axe_serious(page), axe_serious(page)


def test_talk_about_this_opens_the_dialogue_on_that_topic(server, open_page):
    page = open_page(server)
    to_the_map(page)
    answer_all(page, MARK_A, CLEAR_LEFT, MIDDLE)
    answer_all(page, MARK_B, CLEAR_RIGHT, MIDDLE)
    both_ready(page)
    starter = page.get_by_text("To start:").first.inner_text().split("To start:", 1)[1].strip()
    click(page, "Talk about this")
    expect_text(page, "Talk and listen")
    expect(page.get_by_text(starter).first).to_be_visible()
    assert "Where we differ:" not in page.content()


def test_a_keyboard_alone_answers_every_scale(server, open_page):
    """Every scale by keyboard: Tab to a row, an arrow to choose, Tab on; Enter on Go on.
    Counts every key press from the first scale to the needs part."""
    page = open_page(server)
    to_the_map(page)
    show_me(page)
    click(page, "Go on")
    part(page, "Where you stand")
    presses = 0

    def press(key: str) -> None:
        nonlocal presses
        presses += 1
        after_rerun(page, lambda: page.keyboard.press(key)) if key.startswith(
            "Arrow"
        ) else page.keyboard.press(key)

    def focused_index() -> int:
        return page.evaluate("""() => {
            const all = [...document.querySelectorAll('[role=radiogroup]')];
            const a = document.activeElement, g = a && a.closest('[role=radiogroup]');
            return g ? all.indexOf(g) : -1; }""")

    def focused_button() -> str:
        return page.evaluate("() => (document.activeElement.innerText || '').trim()")

    answered = 0
    for _ in range(2):
        for g in range(groups(page).count()):
            while focused_index() != g:
                press("Tab")
                assert presses < 400, "Tab never reached the next scale"
            press("ArrowRight")  # an arrow picks a dot (and saves it)
            answered += 1
        while "Go on" not in focused_button():
            press("Tab")
            assert presses < 400, "Tab never reached Go on"
        presses += 1
        after_rerun(page, lambda: page.keyboard.press("Enter"))
        part(page, "Where you stand" if answered < 20 else "What you need most")
    part(page, "What you need most")
    assert answered == 20
    store = store_of(server)
    with store.read() as conn:
        from sqlalchemy import text as sql

        n = conn.execute(
            sql(
                "SELECT count(*) FROM safety_answers WHERE item LIKE 'scale:%' "
                "OR item LIKE 'guess:%'"
            )
        ).scalar()
    store.dispose()
    assert n >= 20
    print(f"\nkeyboard: {presses} key presses for 10 scales (own + guess)")
    assert presses <= 120
