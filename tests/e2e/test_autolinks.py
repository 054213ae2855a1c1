"""Web and e-mail addresses typed into names and answers never become links.

Streamlit's markdown (remark-gfm) turns ``http://…``, ``www.…`` and ``a@b.c`` in the
*parsed* text into live ``target=_blank`` links, so backslash escapes alone don't stop
it. Every place a name or an answer is drawn inside markdown is walked here in real
Chromium: the name must be there (as text) and no link to it anywhere on the page.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, after_rerun, click, expect_text, free_port, wait_idle
from tests.e2e.test_foundation import pass_safety_notes, set_up_couple, token_of
from tests.e2e.test_safety_map_journey import both_ready, through_untouched

NAME_A = "http://example.com/a.png"
NAME_B = "www.example.org me@example.net"
WORDS = "ask me at words@example.net or see https://example.com/w and www.example.org/w"
LINKS = "a[href*='example.'], a[href^='mailto:']"
WJ = "\u2060"
ROOT = Path(__file__).resolve().parents[2]

_IN_MARKDOWN = """(needle) => [...document.querySelectorAll(
    "[data-testid='stMarkdownContainer'], [data-testid='stCaptionContainer']")]
  .filter((el) => el.textContent.replaceAll('\\u2060', '').includes(needle)).length"""


def no_links(page: Page, where: str, *drawn: str) -> None:
    """No link made from user text on this page, and each of ``drawn`` is on it, drawn
    as markdown (so the check means something)."""
    wait_idle(page)
    hrefs = page.eval_on_selector_all(LINKS, "els => els.map(e => e.href)")
    assert hrefs == [], f"{where}: user text became links {hrefs}"
    for text in drawn:
        assert page.evaluate(_IN_MARKDOWN, text) > 0, f"{where}: {text!r} not drawn"


def open_at(page: Page, url: str) -> None:
    page.goto(url)
    wait_idle(page)


def test_addresses_in_names_and_answers_are_not_links(server, open_page):
    page = open_page(server)
    set_up_couple(page, NAME_A, NAME_B)
    no_links(page, "hand-over before the safety note", NAME_A, NAME_B)
    for _ in ("a", "b"):
        expect(page.get_by_role("heading", name="Pass the laptop to")).to_be_visible()
        page.get_by_role("button", name="I'm").first.click()
        wait_idle(page)
        expect_text(page, "Just for you")
        no_links(page, "safety note", NAME_A, NAME_B)
        click(page, "I feel safe to go on")
    token = token_of(page)
    base = server.url

    open_at(page, f"{base}/setup?c={token}")
    expect_text(page, "You're all set")
    no_links(page, "set up", NAME_A, NAME_B)

    open_at(page, f"{base}/?c={token}")
    expect_text(page, "Welcome back")
    no_links(page, "welcome", NAME_A, NAME_B)

    open_at(page, f"{base}/our-space?c={token}")
    expect(page.get_by_role("heading", name="Our space")).to_be_visible()
    no_links(page, "our space (sidebar: together here)", NAME_A, NAME_B)

    open_at(page, f"{base}/dialogue?c={token}")
    expect(page.get_by_role("heading", name="Who shares first?")).to_be_visible()
    no_links(page, "dialogue start: who shares first", NAME_A, NAME_B)

    open_at(page, f"{base}/safety-map?c={token}")
    if page.get_by_role("button", name="Let's start").count():
        click(page, "Let's start")
    expect_text(page, "Pass the laptop to")
    no_links(page, "safety map hand-over", NAME_A, NAME_B)


def test_addresses_in_the_reveal_are_not_links(server, open_page):
    page = open_page(server)
    set_up_couple(page, NAME_A, NAME_B)
    pass_safety_notes(page, "Just for you", "Just for you", stay=True)  # A's hand-over
    through_untouched(page, WORDS)
    through_untouched(page, WORDS + " too")
    both_ready(page)
    no_links(page, "reveal", NAME_A, NAME_B)
    assert WORDS in page.locator("body").inner_text().replace(WJ, "")


# ------------------------------------------------------------- content_md, rendered

CONTENT = [
    "![a](http://example.com/a.png)",
    "[x](javascript:alert(1)) <http://example.com> www.example.com me@example.com",
    "<img src=x onerror=alert(1)> <b>x</b>",
    "$x^2$ and $$y^2$$",
    ":red[x] :material/home: :smile: :rainbow-background[y]",
    "# heading",
    "> quote",
    "- item",
    "1. item",
    "    indented code",
    "`inline` ~~gone~~ | table |",
]
EMPHASIS = "A *gentle* and **steady** _start_."

# One page drawing every string through content_md, in the places content is drawn.
HARNESS = f"""
import streamlit as st
from studio.text import content_md
from studio.ui import theme
theme.apply(projector=False)  # the stylesheet the tests' wait_idle waits for
CONTENT = {CONTENT!r}
st.markdown(content_md({EMPHASIS!r}))
for i, text in enumerate(CONTENT):
    st.markdown(content_md(text))
    st.caption(content_md(text))
    st.button(content_md(text), key=f"b{{i}}")
    st.radio(content_md(text), [content_md(text)], key=f"r{{i}}")
st.write("harness-done")
"""


@pytest.fixture
def harness(tmp_path):
    script = tmp_path / "content_page.py"
    script.write_text(HARNESS, encoding="utf-8")
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    for line in proc.stdout:  # blocks until the server says it is up (or exits)
        if "URL:" in line:
            break
    threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep the pipe drained
    srv = Server(f"http://127.0.0.1:{port}", tmp_path, proc, tmp_path / "none.log")
    yield srv
    srv.stop()


def test_content_md_draws_only_emphasis(harness, open_page):
    page = open_page(harness)
    expect_text(page, "harness-done")
    main = page.locator("[data-testid='stMain']")
    expect(main.locator("em", has_text="gentle")).to_have_count(1)
    expect(main.locator("strong", has_text="steady")).to_have_count(1)
    expect(main.locator("em", has_text="start")).to_have_count(1)
    made = main.evaluate("""(m) => ({
        links: [...m.querySelectorAll('a')].map((a) => a.getAttribute('href')),
        elements: [...m.querySelectorAll(
            'img, b, h1, h2, h3, h4, blockquote, ul, ol, pre, code, table, del,'
            + ' input[type=checkbox], .katex, [data-testid=stIconMaterial],'
            + ' span[style*=color], span[class*=Background]'
        )].map((e) => e.outerHTML.slice(0, 80)),
    })""")
    assert made["links"] == [], made["links"]
    assert made["elements"] == [], made["elements"]
    text = main.inner_text().replace(WJ, "")
    assert "😄" not in text
    for source in CONTENT:
        assert " ".join(source.split()) in " ".join(text.split()), source


# ------------------------------------------------------------------ the help page

SHOTS = Path("/tmp/text")


def choose_country(page: Page, name: str) -> None:
    box = page.get_by_role("combobox", name="Where are you?")
    box.click()
    box.press("ArrowDown")  # opens the list (by keyboard, as anyone can)
    after_rerun(page, page.get_by_role("option", name=name).click)


def test_help_page_numbers_are_text_and_the_way_out_drops_the_link(server, open_page):
    page = open_page(server)
    set_up_couple(page, "Robin", "Sam")
    token = token_of(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280, 1920):
        page = open_page(server, f"/resources?c={token}", viewport={"width": width, "height": 900})
        expect(page.get_by_role("button", name="Leave this page now")).to_be_visible()
        page.screenshot(path=str(SHOTS / f"help-{width}-top.png"))
        choose_country(page, "United Kingdom (England)")
        expect_text(page, "0808 2000 247")
        no_links(page, f"help page at {width}px", "www.nationaldahelpline.org.uk")
        page.locator(".st-key-help_lines").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"help-{width}-lines.png"))
    click(page, "Leave this page now")
    expect(page.get_by_role("heading", name="Side by Side", level=1)).to_be_visible()
    assert token not in page.url and "c=" not in page.url


def test_projector_shows_no_names(server, open_page):
    page = open_page(server, viewport={"width": 1280, "height": 720})
    click(page, "Let's begin")
    page.get_by_role("textbox", name="Name of the first partner").fill("Zephyrine")
    page.get_by_role("textbox", name="Name of the second partner").fill("Quillon")
    click(page, "That's us")
    token = token_of(page)
    for path in ("/", "/our-space", "/join", "/setup", "/resources"):
        open_at(page, f"{server.url}{path}?c={token}&proj=1")
        html = page.content()
        assert "Zephyrine" not in html and "Quillon" not in html, path
    open_at(page, f"{server.url}/?c={token}&proj=1")
    expect_text(page, "Partner A")
    page.screenshot(path=str(SHOTS / "projector-welcome-1280x720.png"))
