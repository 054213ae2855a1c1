"""Practice over time in real Chromium (issue 13): a weekly check-in, a safety-map round
and a dialogue, then a second check-in a week later (the server's clock moved on, not
waited for); "Our story so far" shows the trends and the words; the take-home report
opens offline with every chart drawn, and its PDF holds the revealed words only."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from playwright.sync_api import Page, expect

from studio import safety_service
from studio.exercises import load_catalog
from studio.store import Store
from tests.e2e.conftest import WS_HOOK, after_rerun, click, expect_text, start_server, wait_idle
from tests.e2e.test_foundation import axe_serious, pass_safety_notes, set_up_couple, token_of
from tests.e2e.test_safety_map_journey import answer_all, both_ready, through_untouched

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path("/tmp/me")
DOCS = ROOT / "docs"
WEEK = 7 * 24 * 3600
THANKS_A = "thanks-a-3k9 for the soup on Tuesday"
THANKS_B = "thanks-b-7q2 for listening on the walk"
SEALED_A = "sealed-never-8x1"  # a round only one partner has sealed
TOPIC = "How our Sunday evenings go"
WIDTHS = (390, 1280, 1920)
CLEAR_LEFT, LEFT, MIDDLE, RIGHT, CLEAR_RIGHT = range(5)


def store_of(data_dir: Path) -> Store:
    return Store(f"sqlite:///{data_dir / 'studio.db'}")


def shots(page: Page, name: str) -> None:
    """The screen at a phone's, a laptop's and a big screen's width (looked at by eye),
    each in a fresh tab of the same browser, as a couple opening the link would."""
    SHOTS.mkdir(exist_ok=True)
    for width in WIDTHS:
        tab = page.context.new_page()
        tab.set_viewport_size({"width": width, "height": 2600})  # Streamlit scrolls inside
        tab.goto(page.url)
        wait_idle(tab)
        if tab.locator(".js-plotly-plot").count():
            tab.wait_for_function(
                "() => [...document.querySelectorAll('.js-plotly-plot')]"
                ".every(g => g.querySelector('.infolayer'))"
            )
        tab.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        tab.close()


def rate_week(page: Page, name: str, option: int) -> None:
    """One partner's private turn: every question at ``option`` (0..4), then seal."""
    expect(page.get_by_role("heading", name="Pass the laptop to")).to_be_visible()
    click(page, "I'm ", exact=False)
    expect(page.get_by_role("heading", name="How safe did this week feel?")).to_be_visible()
    expect_text(page, "Your turn, ")
    expect_text(page, name)
    groups = page.get_by_role("radiogroup")
    for g in range(groups.count()):
        label = groups.nth(g).locator("[data-testid='stRadioOption']").nth(option)
        after_rerun(page, label.click)
    click(page, "Seal my answers")


def check_in(
    page: Page, thanks: tuple[str, str], a: int, b: int, *, talk: str, look: bool = False
) -> None:
    after_rerun(page, page.get_by_role("link", name="Our weekly check-in").first.click)
    expect(page.get_by_role("button", name="Start our check-in")).to_be_visible()
    wait_idle(page)
    click(page, "Start our check-in")
    expect(
        page.get_by_role("heading", name="Something you'd like to thank each other for")
    ).to_be_visible()
    boxes = page.get_by_role("textbox")
    boxes.nth(0).fill(thanks[0])
    boxes.nth(1).fill(thanks[1])
    if look:
        shots(page, "checkin-thanks")
    click(page, "Go on")
    rate_week(page, "Robin", a)
    rate_week(page, "Sam", b)
    expect_text(page, "You've both sealed your answers")
    click(page, "I'm ready to see it together")
    click(page, "I'm ready to see it together")
    expect(page.get_by_role("heading", name="How the week felt")).to_be_visible()
    if look:
        shots(page, "checkin-together")
        page.screenshot(path=str(DOCS / "checkin.png"), full_page=True)
        assert not axe_serious(page), axe_serious(page)
    click(page, "Go on")
    expect(page.get_by_role("heading", name="One thing to talk about")).to_be_visible()
    if talk == "now":
        page.get_by_role("textbox", name="What would you like to talk about?").fill(TOPIC)
        click(page, "Talk about it now")
        return
    click(page, "Not this week")
    click(page, "Not this week")  # nothing to repair
    expect(page.get_by_role("heading", name="When shall we meet again?")).to_be_visible()
    click(page, "Save this day")
    expect_text(page, "Thank you both")


def store_words(page: Page) -> str:
    return page.inner_text("[data-testid='stMain']")


def a_dialogue(page: Page) -> None:
    """The talk the check-in opened, through both turns and the private ratings."""
    expect_text(page, TOPIC)
    click(page, "Yes, now is good")
    for _round in range(2):
        for name in (
            "I've said it",
            "I've said it back",
            "Did I get it? — Yes",
            "No, that's it for now",
            "I've summed it up",
            "Yes, that's all of it",
            "I've said why it makes sense",
            "I've said what I imagine you feel",
            "Yes, that's how it feels",
            "We've thanked each other",
        ):
            click(page, name)
        if _round == 0:
            click(page, "Switch — same topic")
    click(page, "We're done for today")
    for _partner in range(2):
        expect(page.get_by_role("heading", name="Pass the laptop to")).to_be_visible()
        click(page, "I'm ", exact=False)
        slider = page.get_by_role("slider").first
        slider.focus()
        slider.press("ArrowRight")
        click(page, "Seal my answer")
    click(page, "Show us both")
    expect_text(page, "I felt heard")


def an_earlier_round(data_dir: Path, token: str, now: float) -> None:
    """A safety-map round from two weeks before, looked at together (made through the
    services with its own time, as if the couple had done it then)."""
    store = store_of(data_dir)
    couple = store.couple_by_token(token)
    spec = load_catalog(ROOT / "exercises").get("safety_map")
    run = safety_service.start_run(store, couple.id, now - 2 * WEEK)
    for scale in spec.scales:
        safety_service.save_position(store, run, "a", f"scale:{scale.key}", 0)
    run = safety_service.seal(store, run, "a")
    for scale in spec.scales:
        safety_service.save_position(store, run, "b", f"scale:{scale.key}", 10)
    run = safety_service.seal(store, run, "b")
    run = safety_service.confirm_ready(store, run, "a", now - 2 * WEEK)
    safety_service.confirm_ready(store, run, "b", now - 2 * WEEK)


def test_two_check_ins_a_week_apart_and_our_story(tmp_path, browser):
    data = tmp_path / "data"
    first = start_server(data)
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    ctx.add_init_script(WS_HOOK)  # how after_rerun sees a fast rerun finish
    try:
        page = ctx.new_page()
        page.goto(first.url)
        wait_idle(page)
        set_up_couple(page, "Robin", "Sam")
        pass_safety_notes(page, "Robin", "Sam")
        token = token_of(page)
        an_earlier_round(data, token, dt.datetime.now().timestamp())

        # Week 1: a check-in whose topic goes straight into the dialogue.
        check_in(page, (THANKS_A, THANKS_B), LEFT, CLEAR_RIGHT, talk="now", look=True)
        a_dialogue(page)
        page.goto(f"{first.url}/check-in?c={token}")
        wait_idle(page)
        expect(page.get_by_role("heading", name="When something hurt")).to_be_visible()
        expect_text(page, "Welcome back from your talk")
        click(page, "Not this week")
        click(page, "Save this day")
        expect_text(page, "Your next check-in")

        # The safety-map round between the check-ins: closer together than two weeks ago.
        page.goto(f"{first.url}/safety-map?c={token}")
        wait_idle(page)
        click(page, "Start a new round")  # the one from two weeks ago is on screen
        answer_all(page, "calm evenings together", MIDDLE, MIDDLE)
        answer_all(page, "a quiet hour first", RIGHT, MIDDLE)
        both_ready(page)
    finally:
        first.stop()

    # A week later: the same data, the server's clock a week on.
    later = start_server(data, env={"STUDIO_TEST_CLOCK_OFFSET": str(WEEK)})
    try:
        page.goto(f"{later.url}/our-space?c={token}")
        wait_idle(page)
        expect_text(page, "You planned your next check-in for today")
        check_in(page, ("thanks again", "and again"), MIDDLE, RIGHT, talk="not_this_week")
        # A new safety-map round, sealed by Robin only: never in the story or the report.
        page.goto(f"{later.url}/safety-map?c={token}")
        wait_idle(page)
        click(page, "Start a new round")
        through_untouched(page, SEALED_A)
        expect_text(page, "Pass the laptop to")

        page.goto(f"{later.url}/our-story?c={token}")
        wait_idle(page)
        expect(page.get_by_role("heading", name="Our story so far")).to_be_visible()
        story_checks(page, later, token)
    finally:
        ctx.close()
        later.stop()


def story_checks(page: Page, server, token: str) -> None:
    """Filled in below by the history and report parts."""
    from tests.e2e.chart_check import PLOTS_DRAWN, chart_problems, wait_for_plots

    text = store_words(page)
    assert "closer" in text, text[:2000]
    assert THANKS_A in text
    wait_for_plots(page, 3)  # round by round, after a dialogue, the weeks
    page.wait_for_function(PLOTS_DRAWN, arg=3)
    assert chart_problems(page) == []
    shots(page, "story")
    page.screenshot(path=str(DOCS / "story.png"))
    assert not axe_serious(page), axe_serious(page)
    assert SEALED_A not in page.content()

    # The take-home report: both files, made when pressed.
    with page.expect_download() as got:
        page.get_by_role("button", name="Download our report (web page)").click()
    assert got.value.suggested_filename.endswith(".html")
    html_file = SHOTS / "our-story.html"  # downloads have no name of their own: give one
    got.value.save_as(html_file)
    with page.expect_download() as got:
        page.get_by_role("button", name="Download our report (PDF)").click()
    pdf_bytes = Path(got.value.path()).read_bytes()
    report_offline(page.context.browser, html_file)

    from pypdf import PdfReader

    words = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages).split()
    )
    assert THANKS_A in words and "calm evenings together" in words
    assert SEALED_A not in words and "not a diagnosis" in words


def report_offline(browser, html_file: Path) -> None:
    """The HTML report in a browser with no network at all: every chart draws, nothing
    is even asked for, and it prints to A4 and Letter."""
    from tests.e2e.chart_check import PLOTS_DRAWN, chart_problems

    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    asked: list[str] = []

    def refuse(route) -> None:
        if not route.request.url.startswith(("file:", "data:")):
            asked.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    ctx.route("**/*", refuse)
    try:
        tab = ctx.new_page()
        tab.goto(html_file.as_uri())
        tab.wait_for_function(PLOTS_DRAWN, arg=3)
        assert tab.locator(".js-plotly-plot").count() == 3
        assert chart_problems(tab) == []
        text = tab.inner_text("body")
        assert THANKS_A in text and SEALED_A not in text
        assert asked == []
        tab.screenshot(path=str(DOCS / "report.png"))
        tab.screenshot(path=str(SHOTS / "report-1280.png"), full_page=True)
        for fmt in ("A4", "Letter"):
            printed = tab.pdf(format=fmt, print_background=True)
            assert printed[:5] == b"%PDF-" and printed.count(b"/Type /Page") >= 2
    finally:
        ctx.close()
