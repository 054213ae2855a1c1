"""The couple's screens as a couple sees them, at a phone's, a laptop's and a big
screen's width: the answering parts and the reveal.

Answers are realistic (not test markers) and put in through the same services the
screens use, so the screenshots in docs/ show what a couple would see. At every width:
nothing runs off the side, the first screen holds no chart and no score, and every
chart of the full picture draws every bar, marker, label and legend swatch.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from studio import safety_flow as flow
from studio import safety_service as svc
from studio.exercises import load_catalog
from studio.store import Store
from tests.e2e.conftest import click, wait_idle

ROOT = Path(__file__).resolve().parents[2]
SPEC = load_catalog(ROOT / "exercises").get("safety_map")

WORDS = {
    "a": "Knowing you'll come home and we'll have dinner together. A hug when I'm "
    "worried, and hearing that we're okay.",
    "b": "Quiet time on my own after work, and knowing you won't be hurt when I need it. "
    "Calm voices when we disagree.",
}
POSITIONS = {
    "a": {
        "together_alone": 0,
        "reassurance": 2,
        "independence": 2,
        "talk_or_cool": 0,
        "settle_or_pause": 2,
        "repair": 5,
        "sharing_feelings": 0,
        "affection": 2,
        "privacy": 5,
        "staying_in_touch": 2,
        "lightness": 2,
    },
    "b": {
        "together_alone": 8,
        "reassurance": 8,
        "independence": 5,
        "talk_or_cool": 10,
        "settle_or_pause": 8,
        "repair": 8,
        "sharing_feelings": 8,
        "affection": 2,
        "privacy": 8,
        "lightness": 2,
    },
}
GUESSES = {
    "a": {
        "together_alone": 5,
        "reassurance": 5,
        "talk_or_cool": 8,
        "affection": 2,
        "privacy": 8,
        "repair": 5,
    },
    "b": {
        "together_alone": 2,
        "reassurance": 0,
        "talk_or_cool": 2,
        "settle_or_pause": 2,
        "repair": 2,
        "affection": 0,
        "privacy": 2,
    },
}
NEEDS = {"a": ["reassured", "time_together", "touch"], "b": ["time_alone", "calm", "time_together"]}


def revealed_couple(server, name_a: str = "Robin", name_b: str = "Sam") -> str:
    """A couple who both answered and looked together; returns their link token."""
    store = Store(f"sqlite:///{server.data_dir / 'studio.db'}")
    c = store.create_couple(
        name_a=name_a,
        name_b=name_b,
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    store.update_couple(c.id, stage="ready")
    run = svc.start_run(store, c.id)
    for p in "ab":
        svc.save_text(store, SPEC, run, p, WORDS[p])
        for key, v in POSITIONS[p].items():
            svc.save_position(store, run, p, flow.scale_item(key), v)
        for key, v in GUESSES[p].items():
            svc.save_position(store, run, p, flow.guess_item(key), v)
        svc.save_needs(store, SPEC, run, p, NEEDS[p])
        run = svc.seal(store, run, p)
    run = svc.confirm_ready(store, run, "a")
    svc.confirm_ready(store, run, "b")
    store.dispose()
    return c.token


def no_overflow(page: Page) -> None:
    wide = page.evaluate("""() => {
        const main = document.querySelector('[data-testid=stMain]');
        return [main.scrollWidth, main.clientWidth]; }""")
    assert wide[0] <= wide[1] + 1, f"the page runs off the side: {wide}"


def first_screen_height(page: Page) -> int:
    return page.evaluate(
        "() => document.querySelector('[data-testid=stMainBlockContainer]')"
        ".getBoundingClientRect().height"
    )


WIDTHS = [(390, 844), (1280, 800), (1920, 1080), (1280, 720)]


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_the_reveal_reads_at_every_width(server, open_page, width, height):
    from tests.e2e.chart_check import chart_problems

    token = revealed_couple(server)
    page = open_page(server, f"/safety-map?c={token}", viewport={"width": width, "height": height})
    expect(page.get_by_role("heading", name="What makes you feel safe — together")).to_be_visible()
    no_overflow(page)
    main = page.inner_text("[data-testid='stMain']")
    assert "/ 100" not in main and page.locator(".js-plotly-plot").count() == 0
    for text in (
        "Knowing you'll come home",
        "Quiet time on my own",
        "Where you meet",
        "Where you differ",
        "To start:",
        "What surprised you",
    ):
        assert text in main, text
    if width >= 1280:  # on a laptop the first difference's button is on the first screen
        box = page.get_by_role("button", name="Talk about this").bounding_box()
        assert box is not None and box["y"] + box["height"] <= height, "Talk about this hidden"
    if width == 1280 and height == 800:
        print(f"\nreveal first screen: {first_screen_height(page):.0f} px tall at 1280 wide")
        page.screenshot(path=str(ROOT / "docs" / "reveal.png"))
    page.screenshot(path=f"/tmp/reveal-{width}x{height}.png")

    click(page, "See the full picture", exact=False)
    expect(page.locator(".js-plotly-plot")).to_have_count(5)
    page.wait_for_function("""() => [...document.querySelectorAll('.js-plotly-plot')]
        .every((p) => p.querySelector('.main-svg') && p.getBoundingClientRect().width > 0)""")
    wait_idle(page)
    no_overflow(page)
    problems = chart_problems(page)
    assert problems == [], problems
    if width == 1280 and height == 800:
        page.get_by_role("heading", name="The full picture").scroll_into_view_if_needed()
        page.screenshot(path=str(ROOT / "docs" / "reveal-full.png"))
    expect(page.get_by_text("The same, in words").first).to_be_visible()


def in_view(page: Page, name: str, height: int) -> None:
    button = page.get_by_role("button", name=name, exact=False).first
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, (
        f"{name!r} is not in view: {box}"
    )


def test_every_step_has_its_main_button_in_view_at_1280x800(server, open_page):
    """From the welcome page to the reveal, the step's main action shows without
    scrolling on a 1280×800 laptop (a bar that stays in view where a part is long)."""
    from tests.e2e.test_foundation import set_up_couple
    from tests.e2e.test_safety_map_journey import both_ready, choose, part, show_me

    h = 800
    page = open_page(server, viewport={"width": 1280, "height": h})
    in_view(page, "Let's begin", h)
    set_up_couple(page, "Robin", "Sam")
    for _ in ("Robin", "Sam"):
        in_view(page, "I'm ", h)
        click(page, "I'm ", exact=False)
        in_view(page, "I feel safe to go on", h)
        click(page, "I feel safe to go on")
    in_view(page, "I'm ● Robin", h)  # straight on to the first hand-over
    for p in ("a", "b"):
        show_me(page)
        part(page, "In your own words")
        in_view(page, "Go on", h)
        click(page, "Go on")
        for page_no in range(2):
            part(page, "Where you stand")
            for g in (0, 1, 2):
                choose(page, g, 0 if p == "a" else 4)
            in_view(page, "Go on", h)
            if p == "a" and page_no == 0:
                page.locator("[data-testid='stMain']").evaluate("(m) => m.scrollTo(0, 0)")
                page.screenshot(path=str(ROOT / "docs" / "answering.png"))
            click(page, "Go on")
        part(page, "What you need most")
        in_view(page, "Go on", h)
        click(page, "Go on")
        part(page, "Look over and seal")
        in_view(page, "Seal my answers", h)
        click(page, "Seal my answers")
    in_view(page, "I'm ready to see it together", h)
    both_ready(page)
    in_view(page, "Talk about this", h)
    url = page.url.replace("/safety-map", "/our-space")
    page.goto(url)
    wait_idle(page)
    in_view(page, "Open", h)


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1920, 1080)])
def test_the_answering_part_fits_a_phone_and_a_big_screen(server, open_page, width, height):
    from tests.e2e.test_foundation import pass_safety_notes, set_up_couple
    from tests.e2e.test_safety_map_journey import choose, part, show_me

    page = open_page(server, viewport={"width": width, "height": height})
    set_up_couple(page, "Robin", "Sam")
    pass_safety_notes(page, "Robin", "Sam", stay=True)
    show_me(page)
    click(page, "Go on")
    part(page, "Where you stand")
    choose(page, 0, 1)
    no_overflow(page)
    in_view(page, "Go on", height)
    dots = page.get_by_role("radiogroup").first.locator("[data-testid='stRadioOption']")
    boxes = [dots.nth(i).bounding_box() for i in range(6)]
    xs = [b["x"] for b in boxes]
    assert xs == sorted(xs) and all(b["width"] >= 24 for b in boxes), boxes  # a row, tappable
    page.screenshot(path=f"/tmp/answering-{width}.png")
