"""8. "Our story so far" with a long history, in Chromium: opened → every chart drawn.

Part 7 (``bench/story_bench.py``) times the server side (the export, the story, its
figures, the page's AppTest run). What it can't see is the browser: Plotly drawing two
small-multiple charts of 15 and 5 panels with a point per round and per check-in. This
part opens the history page of a couple with 50 rounds and 500 check-ins (the same seed
as part 7) in a tab and takes, inside the page, ``performance.now()`` at the first
animation frame where the script is idle and every chart has drawn its lines — from the
tab's own navigation start, so the page's load, its websocket, the run and the drawing
all count. The bare page (``bench/bare_app.py``) is opened the same way in the same run,
so the ratio says what the history costs beyond any Streamlit page. Each sample is a new
session in one shared browser context (a warm cache, like a couple coming back).

Also timed here, in-process, through the names the report builds on:
``studio.history.build`` and ``studio.history_charts.figures``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import urlparse

from bench import common

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60_000

# True, with the time, once Streamlit is idle and ``count`` Plotly charts have drawn a
# line or marker each; checked on every animation frame (``polling="raf"``).
_DRAWN = """([count, text]) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (text && !document.querySelector("[data-testid='stMain']")?.textContent.includes(text))
    return false;
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  if (plots.length < count) return false;
  if (!plots.every(p => p.querySelector('.scatterlayer .trace path, .scatterlayer .point')))
    return false;
  return performance.now();
}"""


def _open(ctx, url: str, count: int, text: str) -> float:
    """Seconds from this tab's navigation start to ``count`` charts drawn and idle."""
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        page.goto(url)
        page.bring_to_front()  # a tab not in front gets about one animation frame a second
        handle = page.wait_for_function(_DRAWN, arg=[count, text], polling="raf",
                                        timeout=TIMEOUT)
        return float(handle.json_value()) / 1000.0
    finally:
        page.close()


def _in_tab(bb, page, url: str, count: int) -> float:
    """Seconds from a click on "Our story so far" in the sidebar (from "Our space", in a
    tab that has drawn the page before, so Plotly's code is loaded) to every chart drawn."""
    bb.after_rerun(page, page.get_by_role("link", name="Our space").click)
    got = bb.timed(page, page.get_by_role("link", name="Our story so far").click,
                   selector=".js-plotly-plot", count=count)
    return got["drawn"]


def _bare_charts(bb, page, count: int) -> float:
    """The same figures on the bare charts page: "Press me" → drawn, then hidden again."""
    button = page.get_by_role("button", name="Press me")
    got = bb.timed(page, button.click, selector=".js-plotly-plot", count=count)
    bb.after_rerun(page, button.click)
    return got["drawn"]


def run(tmp: Path, rounds: int, checkins: int, n: int, log=print) -> dict:
    from bench import browser_bench as bb
    from bench.story_bench import seed
    from studio import history, history_charts
    from studio.exercises import load_catalog
    from studio.store import Store

    data = tmp / "history"
    data.mkdir(parents=True, exist_ok=True)
    os.environ["STUDIO_DATA_DIR"] = str(data)
    os.environ.pop("STUDIO_DATABASE_URL", None)
    store = Store(f"sqlite:///{data / 'studio.db'}")
    try:
        couple = common.new_couple(store)
        seed(store, couple, rounds, checkins, time.time())
        cat = load_catalog(ROOT / "exercises")
        export = store.export_couple(couple.id)
        styles = history.styles(export["couple"])
        builds, figs = [], []
        for _ in range(max(n, 3)):
            t0 = time.perf_counter()
            h = history.build(export, cat)
            t1 = time.perf_counter()
            charts = history_charts.figures(h, styles, history.answer_words(cat))
            builds.append(t1 - t0)
            figs.append(time.perf_counter() - t1)
    finally:
        store.dispose()

    import plotly.io as pio

    figures = tmp / "history-charts" / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    for i, (_title, fig, _lines) in enumerate(charts):
        (figures / f"{i:02d}.json").write_text(pio.to_json(fig, validate=False))
    app = common.start_server(common.APP, data)
    bare = common.start_server(common.BARE, tmp / "history-bare")
    bare_charts = common.start_server(ROOT / "bench" / "bare_charts_app.py",
                                      tmp / "history-charts")
    browser = bb.Browser()
    try:
        ctx = browser._context(app.url)
        for other in (bare, bare_charts):  # the bare pages' servers are allowed too
            browser.guard.hosts.add(urlparse(other.url).netloc)
        page_url = f"{app.url}/our-story?c={couple.token}"
        _open(ctx, page_url, len(charts), "Along the way")  # warm: imports, Plotly's code
        _open(ctx, bare.url + "/", 0, "Bare page")
        pages, bares = [], []
        for _ in range(n):  # in turns, so a busy machine slows both alike
            pages.append(_open(ctx, page_url, len(charts), "Along the way"))
            bares.append(_open(ctx, bare.url + "/", 0, "Bare page"))
        tab = ctx.new_page()
        tab.set_default_timeout(TIMEOUT)
        tab.goto(page_url)
        bb.wait_idle(tab)
        ref = ctx.new_page()
        ref.set_default_timeout(TIMEOUT)
        ref.goto(bare_charts.url + "/")
        bb.wait_idle(ref)
        _in_tab(bb, tab, page_url, len(charts))  # warm both tabs
        _bare_charts(bb, ref, len(charts))
        clicks, refs = [], []
        for _ in range(n):
            clicks.append(_in_tab(bb, tab, page_url, len(charts)))
            refs.append(_bare_charts(bb, ref, len(charts)))
        ctx.close()
        if browser.guard.foreign:
            raise RuntimeError(f"requests beyond this machine: {browser.guard.foreign[:3]}")
    finally:
        browser.close()
        for server in (app, bare, bare_charts):
            server.stop()
    out = {
        "rounds": rounds, "checkins": checkins, "samples": n, "charts": len(charts),
        "build_ms": common.ms(common.median(builds)),
        "figures_ms": common.ms(common.median(figs)),
        "drawn_ms": common.ms(common.median(pages)),
        "bare_drawn_ms": common.ms(common.median(bares)),
        "ratio": common.ratio(common.median(pages), common.median(bares)),
        "click_ms": common.ms(common.median(clicks)),
        "bare_charts_ms": common.ms(common.median(refs)),
        "click_ratio": common.ratio(common.median(clicks), common.median(refs)),
    }
    log(f"   history.build {out['build_ms']:.0f} ms, its figures {out['figures_ms']:.0f} ms; "
        f"in Chromium, opened → {out['charts']} charts drawn {out['drawn_ms']:.0f} ms vs "
        f"the bare page {out['bare_drawn_ms']:.0f} ms ({out['ratio']:.1f}×); from the "
        f"sidebar {out['click_ms']:.0f} ms vs the same charts on the bare charts page "
        f"{out['bare_charts_ms']:.0f} ms ({out['click_ratio']:.1f}×)")
    return out
