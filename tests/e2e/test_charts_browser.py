"""The reveal's charts really draw, in Chromium, on a phone, a laptop and a projector.

A harness page (``chart_harness.py``) draws every reveal chart for a realistic round;
``chart_check.chart_problems`` looks at what the browser drew: every bar and marker
visible, every legend entry with a swatch, no text cut by the chart's edge or on top of
another text, the title clear of the legend. One more page draws a white bar on white,
which the checker must report, so these tests can't pass by checking nothing.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.chart_check import chart_problems, wait_for_plots
from tests.e2e.conftest import IDLE, ROOT, free_port

HARNESS = Path(__file__).with_name("chart_harness.py")
CHARTS = 5  # positions, gaps, map, and each partner's guesses
VIEWPORTS = [(390, 844), (1280, 800), (1920, 1080), (1280, 720)]


@pytest.fixture(scope="module")
def harness(tmp_path_factory) -> Iterator[str]:
    """``streamlit run chart_harness.py`` on a free port; its URL."""
    log = tmp_path_factory.mktemp("chart-harness") / "server.log"
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(HARNESS),
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
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"harness exited early:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"harness did not start:\n{log.read_text()}")
            time.sleep(0.1)  # polling a process start, not waiting for Streamlit in a page
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@pytest.fixture
def open_harness(browser, harness):
    contexts = []

    def _open(query: str = "", width: int = 1280, height: int = 800, charts: int = CHARTS):
        ctx = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(30_000)
        page.goto(harness + "/" + query)
        page.wait_for_selector(IDLE)
        wait_for_plots(page, charts)
        return page

    yield _open
    for ctx in contexts:
        ctx.close()


@pytest.mark.parametrize("query", ["", "?names=hostile"], ids=["robin-sam", "hostile-names"])
@pytest.mark.parametrize("size", VIEWPORTS, ids=[f"{w}x{h}" for w, h in VIEWPORTS])
def test_every_reveal_chart_draws_clearly(open_harness, query, size):
    page = open_harness(query, *size)
    assert page.locator(".js-plotly-plot").count() == CHARTS
    assert chart_problems(page) == []


@pytest.mark.parametrize(
    "query", ["?layout=wide", "?layout=wide&names=hostile"], ids=["robin-sam", "hostile-names"]
)
@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)], ids=["1920x1080", "1280x720"])
def test_every_reveal_chart_draws_clearly_on_a_projector_wide_page(open_harness, query, size):
    page = open_harness(query, *size)
    assert page.locator(".js-plotly-plot").first.bounding_box()["width"] > size[0] - 200
    assert chart_problems(page) == []


def test_the_charts_redraw_clearly_when_a_window_narrows_to_a_phone(open_harness):
    page = open_harness("", 1920, 1080)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function("""() => [...document.querySelectorAll('.js-plotly-plot')].every(
        (gd) => gd.querySelector('svg.main-svg').getBoundingClientRect().width < 400)""")
    assert chart_problems(page) == []


def test_hostile_names_show_as_typed_never_as_markup(open_harness):
    page = open_harness("?names=hostile", 1280, 800)
    legend = page.locator(".js-plotly-plot .legendtext").all_text_contents()
    assert any(t.startswith("<b>x</b> $x^2$") for t in legend), legend
    # Nothing the names spell became an element: no link, no typeset maths, no bold "x"
    # (topics are bold on purpose; the name's "<b>x</b>" must stay characters).
    assert page.locator(".js-plotly-plot a, .js-plotly-plot [class*='math']").count() == 0
    bold = page.locator(".js-plotly-plot tspan[style*='bold']").all_text_contents()
    assert "x" not in bold, bold


def test_the_checker_sees_an_invisible_bar_and_its_missing_swatch(open_harness):
    page = open_harness("?invisible=1", 1280, 800, charts=CHARTS + 1)
    problems = chart_problems(page)
    mine = [p for p in problems if p.startswith("An invisible chart:")]
    assert any(
        "bar 1 of trace “white on white”" in p and "too near the background" in p for p in mine
    ), problems
    assert any("legend entry “white on white” has a swatch that" in p for p in mine), problems
    assert mine == problems, "only the invisible chart has problems"


def test_the_checker_sees_text_cut_by_the_edge_and_a_title_on_the_legend(open_harness):
    page = open_harness("", 1280, 800)
    # Break the first chart the way the old charts were broken: a wide tick label off the
    # left edge, and the legend moved onto the title.
    page.evaluate("""async () => {
      const gd = document.querySelector('.js-plotly-plot');
      await window.Plotly.relayout(gd, {
        'yaxis.visible': true, 'yaxis.tickvals': [60], 'yaxis.ticktext': ['A label far too wide'],
        'margin.l': 0, 'legend.y': 1.2, 'legend.yanchor': 'top', 'legend.yref': 'container'});
    }""")
    problems = chart_problems(page)
    assert any(
        "tick label “A label far too wide” is cut by the chart's edge" in p for p in problems
    ), problems
    assert any(p == "Where each of you stands: the title overlaps the legend" for p in problems), (
        problems
    )
