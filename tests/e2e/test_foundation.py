"""Whole journeys of the foundation in real Chromium."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.conftest import click, expect_text, wait_idle

ROOT = Path(__file__).resolve().parents[2]

HOSTILE = {
    "a": "<b>x</b> ![a](http://example.com/a.png)",
    "b": "[x](javascript:alert(1)) $x$ :red[x]",
}


def token_of(page: Page) -> str:
    return parse_qs(urlparse(page.url).query)["c"][0]


def set_up_couple(page: Page, name_a: str, name_b: str) -> None:
    click(page, "Let's begin")
    expect_text(page, "Who's here?")
    page.get_by_role("textbox", name="Name of the first partner").fill(name_a)
    page.get_by_role("textbox", name="Name of the second partner").fill(name_b)
    click(page, "That's us")
    expect_text(page, "Pass the laptop to")


def pass_safety_notes(page: Page, name_a: str, name_b: str, *, stay: bool = False) -> None:
    """Both private notes. The studio then goes straight to the first exercise's
    hand-over; unless ``stay``, this opens the set-up page afterwards ("You're all
    set"), as a couple coming back to their link would, so callers can go on from there."""
    for name in (name_a, name_b):
        expect(page.get_by_role("heading", name="Pass the laptop to")).to_be_visible()
        page.get_by_role("button", name="I'm").first.click()
        wait_idle(page)
        expect_text(page, "Just for you")
        expect_text(page, name)
        click(page, "I feel safe to go on")
    expect_text(page, "How it goes")
    expect(page.get_by_role("heading", name="Pass the laptop to")).to_be_visible()
    if stay:
        return
    url = urlparse(page.url)
    page.goto(f"{url.scheme}://{url.netloc}/setup?{url.query}")
    wait_idle(page)
    expect_text(page, "You're all set")


def axe_serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def test_newcomer_path_survives_a_reload(server, open_page):
    page = open_page(server)
    expect_text(page, "It is not therapy")
    expect_text(page, "on this computer")
    assert not axe_serious(page), axe_serious(page)
    page.screenshot(path=str(ROOT / "docs" / "welcome.png"), full_page=True)

    set_up_couple(page, "Robin", "Sam")
    token = token_of(page)
    assert len(token) >= 22
    # A reload in the middle of the safety notes returns to the same step.
    page.reload()
    wait_idle(page)
    expect_text(page, "Pass the laptop to")
    expect_text(page, "Robin")
    pass_safety_notes(page, "Robin", "Sam")
    page.reload()
    wait_idle(page)
    expect_text(page, "You're all set")
    assert token_of(page) == token
    assert not axe_serious(page), axe_serious(page)
    # Into our space, and a fresh tab with the same link lands there too.
    click(page, "Go to our space")
    expect_text(page, "Our space")
    second = page.context.new_page()
    second.goto(page.url)
    wait_idle(second)
    expect(second.get_by_role("heading", name="Our space")).to_be_visible()


def test_setup_page_screenshot_and_axe(server, open_page):
    page = open_page(server, "/setup")
    expect_text(page, "Who's here?")
    assert not axe_serious(page), axe_serious(page)
    page.screenshot(path=str(ROOT / "docs" / "setup.png"), full_page=True)


def test_deep_link_on_a_fresh_server_goes_through_the_router(fresh_server, open_page):
    page = open_page(fresh_server, "/resources")
    expect(page.get_by_role("heading", name="Help and resources")).to_be_visible()
    # The router's own navigation (sidebar links) is there, so the router ran.
    expect(page.get_by_role("link", name="What makes you feel safe?")).to_be_visible()
    expect(page.get_by_role("link", name="Run a workshop")).to_be_visible()
    assert not axe_serious(page), axe_serious(page)


def test_hostile_names_render_literally(server, open_page):
    page = open_page(server)
    set_up_couple(page, HOSTILE["a"], HOSTILE["b"])
    pass_safety_notes(page, "<b>x</b>", "[x](javascript:alert(1))")
    html = page.content()
    # No element was made from the names: no <b>, no image, no javascript: link.
    main = page.locator("[data-testid='stMain']")
    assert main.locator("b", has_text="x").count() == 0
    assert page.locator("img[src*='example.com']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert "example.com/a.png" in html  # shown as text
    for text in (HOSTILE["a"], HOSTILE["b"]):
        expect(page.get_by_text(text, exact=False).first).to_be_visible()


def test_unknown_token_gets_a_kind_message(server, open_page):
    page = open_page(server, "/our-space?c=" + "x" * 32)
    expect_text(page, "We couldn't find that session")
    expect(page.get_by_role("button", name="Start fresh")).to_be_visible()
    assert "Traceback" not in page.content()


def test_pause_and_resume_survive_a_reload(server, open_page):
    page = open_page(server)
    set_up_couple(page, "Ana", "Ben")
    pass_safety_notes(page, "Ana", "Ben")
    click(page, "We need a break")
    expect_text(page, "Taking a break")
    page.reload()
    wait_idle(page)
    expect_text(page, "Taking a break")
    click(page, "We're ready to carry on")
    expect_text(page, "You're all set")


def test_forget_us_removes_the_couple(server, open_page):
    page = open_page(server)
    set_up_couple(page, "Quinn-forget-marker", "Rae")
    pass_safety_notes(page, "Quinn-forget-marker", "Rae")
    token = token_of(page)
    page.goto(server.url + "/your-data?c=" + token)
    wait_idle(page)
    page.get_by_text("Yes, delete everything").click()
    wait_idle(page)
    click(page, "Forget us")
    expect_text(page, "has been deleted")
    with sqlite3.connect(server.data_dir / "studio.db") as db:
        assert db.execute("select count(*) from couples where token=?", (token,)).fetchone()[0] == 0
