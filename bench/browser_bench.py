"""2. and 3. In Chromium: click → updated screen, and a cold start, vs the bare page.

Timing happens inside the page with ``performance.now()``: from the input event's own
timestamp (pointerdown / keydown, captured before the app sees it) to the first
animation frame after the rerun it caused is over — Streamlit's ``script_finished``
message has arrived and a MutationObserver sees the script state back at
"notRunning" (the idea of ``after_rerun`` in tests/e2e/conftest.py; the message is
needed too because a fast rerun can finish before React ever draws "running").
The bare page is timed the same way, so the two are comparable.

The browser is Debian's Chromium with the Chromium arguments of tests/e2e/conftest.py;
every request it makes must go to the server on 127.0.0.1 (checked, like the tests).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Page, expect, sync_playwright

from bench import common

# The browser's arguments, the idle selector and the WebSocket hook are the tests' own.
from tests.e2e.conftest import CHROMIUM_ARGS, IDLE, WS_HOOK

TIMEOUT = 20_000
SAFETY = "What makes you feel safe?"
REVEAL = "What makes you feel safe — together"
FULL = "See the full picture — all the charts"

# Arm before an input. t0 = the input event's own timestamp (pointerdown / keydown,
# captured before the app sees it); t1 = the first animation frame after the run it
# caused has finished (a script_finished message, full or fragment run, has arrived
# after t0, ``until`` — a JS expression saying the screen shows the change — holds, and
# Streamlit shows "notRunning" again); t2, when a CSS selector is given, = the first
# moment after t1 that it matches ``count`` elements (Plotly draws its charts after the
# rerun). ``until`` matters on the dialogue page, whose clock redraws itself every
# second: one of those runs may finish after t0, but the screen only changes with the
# click's own run. A MutationObserver re-checks on every change of the page, as
# ``after_rerun`` in tests/e2e/conftest.py does.
_ARM = """([sel, count, until]) => {
  const done = until ? new Function('return (' + until + ');') : () => true;
  const app = document.querySelector("[data-testid='stApp']");
  if (window.__benchObs) { window.__benchObs.disconnect(); }
  const st = {t0: null, t1: null, t2: null, finished: null, waiting: false};
  window.__bench = st;
  const check = () => {
    if (st.t0 === null) return;
    if (st.t1 !== null) {
      if (sel && st.t2 === null && document.querySelectorAll(sel).length >= count) {
        st.t2 = performance.now();
        obs.disconnect();
      }
      return;
    }
    if (st.waiting) return;
    if (st.finished === null) {
      const f = window.__sbsFinished.find(([at, v]) => at >= st.t0 && (v === 0 || v === 3));
      if (!f) return;
      st.finished = f[0];
    }
    if (!done()) return;
    if (app.getAttribute('data-test-script-state') !== 'notRunning') return;
    st.waiting = true;
    requestAnimationFrame(() => {
      st.t1 = performance.now();
      if (!sel) { obs.disconnect(); } else { check(); }
    });
  };
  window.__sbsCheck = check;
  const obs = new MutationObserver(check);
  window.__benchObs = obs;
  // Plotly marks its chart by adding a class, hence 'class' when a selector is awaited;
  // characterData: a text drawn again in place (the bare page's count) is a change too.
  obs.observe(app, {attributes: true,
                    attributeFilter: sel ? ['data-test-script-state', 'class']
                                         : ['data-test-script-state'],
                    childList: true, characterData: true, subtree: true});
  const start = (e) => { if (st.t0 === null) { st.t0 = e.timeStamp; check(); } };
  document.addEventListener('pointerdown', start, {capture: true, once: true});
  document.addEventListener('keydown', start, {capture: true, once: true});
}"""
_DONE = """([sel]) => window.__bench && window.__bench.t1 !== null
  && (!sel || window.__bench.t2 !== null)"""
_TAKE = """() => [window.__bench.t1 - window.__bench.t0, window.__bench.t2 - window.__bench.t0,
  window.__bench.finished - window.__bench.t0]"""


def wait_idle(page: Page) -> None:
    page.wait_for_selector(IDLE, timeout=TIMEOUT)


def timed(
    page: Page, action, *, selector: str | None = None, count: int = 0, until: str | None = None
) -> dict:
    """Seconds from the input ``action()`` makes to: ``screen``, the end of the rerun it
    causes; ``message``, the arrival of its script_finished message (the server's and
    the network's part); ``drawn``, with a ``selector``, until it matches ``count``.
    ``until``: a JS expression that is true once the screen shows the change."""
    # The tab in front: the studio's pages share one browser context (like tabs), and
    # Chromium throttles animation frames in a tab that is not in front to about one a
    # second, which would add up to a second to every sample.
    page.bring_to_front()
    wait_idle(page)
    page.evaluate(_ARM, [selector, count, until])
    action()
    page.wait_for_function(_DONE, arg=[selector], timeout=TIMEOUT)
    screen, drawn, message = page.evaluate(_TAKE)
    out = {"screen": screen / 1000.0, "message": message / 1000.0}
    if selector:
        out["drawn"] = drawn / 1000.0
    return out


def _button_shown(text: str) -> str:
    """A button whose label is ``text`` (its words; an icon's glyph name is beside them)."""
    return (
        "[...document.querySelectorAll('button [data-testid=stMarkdownContainer]')]"
        ".some(b => b.innerText.trim() === " + json.dumps(text) + ")"
    )


def _heading_shown(start: str) -> str:
    return (
        "[...document.querySelectorAll('h1, h2, h3')].some(h => "
        "h.innerText.trim().startsWith(" + json.dumps(start) + "))"
    )


def _text_shown(text: str) -> str:
    return (
        "document.querySelector(\"[data-testid='stMain']\").textContent.includes("
        + json.dumps(text)
        + ")"
    )


def _present(selector: str) -> str:
    return "document.querySelector(" + json.dumps(selector) + ") !== null"


def after_rerun(page: Page, action) -> None:
    """An untimed step: do it, wait for its rerun (same observer)."""
    timed(page, action)


class Guard:
    """Every URL the browser asks for must be on the server's own host."""

    def __init__(self) -> None:
        self.hosts: set[str] = set()
        self.foreign: list[str] = []

    def watch(self, ctx, url: str) -> None:
        self.hosts.add(urlparse(url).netloc)
        ctx.on("request", self._seen)

    def _seen(self, req) -> None:
        p = urlparse(req.url)
        if p.scheme not in ("data", "blob", "about") and p.netloc not in self.hosts:
            self.foreign.append(req.url)


class Browser:
    def __init__(self) -> None:
        if not Path(common.CHROMIUM).exists():
            raise RuntimeError(f"Chromium not found at {common.CHROMIUM}")
        self.pw = sync_playwright().start()
        self.browser = self.pw.chromium.launch(
            executable_path=common.CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        self.guard = Guard()
        self.shared: dict[str, object] = {}

    def _context(self, url: str):
        ctx = self.browser.new_context(viewport={"width": 1280, "height": 900})
        ctx.add_init_script(WS_HOOK)
        self.guard.watch(ctx, url)
        return ctx

    def page(self, url: str, shared: bool = False) -> Page:
        """A page in a new context (a first visit), or, ``shared``, in the one context
        kept for this server (its pages are separate sessions sharing a browser cache,
        like tabs)."""
        if shared:
            ctx = self.shared.get(url)
            if ctx is None:
                ctx = self.shared[url] = self._context(url)
        else:
            ctx = self._context(url)
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT)
        return page

    def close(self) -> None:
        for ctx in self.shared.values():
            ctx.close()
        self.browser.close()
        self.pw.stop()


# ------------------------------------------------------------------------- cold start


def cold_start(browser: Browser, script: Path, data_dir: Path, title: str) -> tuple[dict, object]:
    """Process start → first page drawn (script idle, title visible) in a new context."""
    server = common.start_server(script, data_dir)
    page = browser.page(server.url)
    page.goto(server.url + "/")
    wait_idle(page)
    expect(page.get_by_role("heading", name=title).first).to_be_visible(timeout=TIMEOUT)
    drawn = time.perf_counter()
    page.context.close()
    return {
        "total": drawn - server.started,
        "to_health": server.healthy - server.started,
        "first_page": drawn - server.healthy,
    }, server


# ----------------------------------------------------------------------- the clicks


class BareClicks:
    """The bare click every couple click is compared with: "Press me" on the bare page."""

    def __init__(self, browser: Browser, server) -> None:
        self.page = browser.page(server.url, shared=True)
        self.page.goto(server.url + "/")
        wait_idle(self.page)

    def button(self) -> dict:
        """Checked: the count under the button goes up by one."""
        wait_idle(self.page)
        shown = re.search(r"pressed (\d+) times", self.page.inner_text("[data-testid='stMain']"))
        presses = int(shown.group(1)) + 1 if shown else 1
        return timed(
            self.page,
            self.page.get_by_role("button", name="Press me").click,
            until=_text_shown(f"pressed {presses} times"),
        )


class BareCharts:
    """The reference for the reveal: ``bench/bare_charts_app.py`` draws the same five
    figures (written into its data folder first), on a button press."""

    SCRIPT = common.ROOT / "bench" / "bare_charts_app.py"

    def __init__(self, browser: Browser, server, store) -> None:
        self.count = common.write_reveal_figures(store, server.data_dir / "figures")
        self.page = browser.page(server.url, shared=True)
        self.page.goto(server.url + "/")
        wait_idle(self.page)

    def show(self) -> dict:
        """Press: timed until the charts are drawn (so its ``screen`` compares with the
        full picture's); press again to hide them (not timed)."""
        button = self.page.get_by_role("button", name="Press me")
        got = timed(self.page, button.click, selector=".js-plotly-plot", count=self.count)
        after_rerun(self.page, button.click)
        expect(self.page.locator(".js-plotly-plot")).to_have_count(0)
        return {"screen": got["drawn"], "message": got["message"], "rerun": got["screen"]}


class StudioClicks:
    """Couples are prepared in the server's own data file, then driven in the browser."""

    def __init__(self, browser: Browser, server, store) -> None:
        self.browser, self.server, self.store = browser, server, store
        self.spec = common.safety_spec()
        self.pages: dict[str, Page] = {}
        self.dialogue_events = 0
        self.sealer = None
        self.revealer = None

    def _open(self, name: str, token: str, link: str) -> Page:
        """The couple's link, then the sidebar link to ``link`` (as a couple gets there).

        Not a deep link: on a server still warming up, a deep link can show Streamlit's
        "page not found" notice over the page (the router registers the pages on its
        first run), which would get in the way of the clicks.
        """
        page = self.pages.get(name)
        if page is None:
            page = self.pages[name] = self.browser.page(self.server.url, shared=True)
        page.goto(f"{self.server.url}/?c={token}")
        wait_idle(page)
        after_rerun(page, page.get_by_role("link", name=link, exact=True).click)
        return page

    def _curtain(self, page: Page) -> None:
        expect(page.get_by_role("heading", name=re.compile("Pass the laptop to"))).to_be_visible()
        after_rerun(page, page.get_by_role("button", name="I'm ").first.click)

    def _scale_keys(self, section: str) -> list[str]:
        from studio.safety_map import section_scales

        return [sc.key for sc in section_scales(self.spec, section)]

    def dot_setup(self) -> None:
        from studio import safety_flow as flow

        couple = common.new_couple(self.store)
        self.dot_run = common.safety_run(self.store, couple, self.spec, "turn_a", "scales-1")
        self.dot_couple = couple.id
        self.dot_item = flow.scale_item(self._scale_keys("scales-1")[0])
        page = self._open("dot", couple.token, SAFETY)
        self._curtain(page)
        expect(page.get_by_role("heading", name="Where you stand")).to_be_visible()
        expect(page.get_by_role("radiogroup").first).to_be_visible()
        self.dot_choice = 0

    def dot(self) -> dict:
        """A dot on the first scale's "You" row, by mouse (the second and the fourth dot
        in turns); the card saves it and redraws itself. Checked in the store."""
        from studio import safety_service as svc
        from studio.safety_map import POINTS

        page = self.pages["dot"]
        self.dot_choice = 3 if self.dot_choice == 1 else 1
        i = self.dot_choice
        row = page.get_by_role("radiogroup").first
        option = row.locator("[data-testid='stRadioOption']").nth(i)
        got = timed(
            page,
            option.click,
            until=(
                "document.querySelectorAll('[role=radiogroup]')[0]"
                f".querySelectorAll('input[type=radio]')[{i}].checked"
            ),
        )
        run = svc.reload(self.store, self.dot_couple, self.dot_run.id)
        if svc.own_answers(self.store, run, "a").get(self.dot_item) != (POINTS[i], False):
            raise RuntimeError("choosing a dot did not save it")
        return got

    def go_on_setup(self) -> None:
        couple = common.new_couple(self.store)
        common.safety_run(self.store, couple, self.spec, "turn_a", "scales-1")
        page = self._open("go_on", couple.token, SAFETY)
        self._curtain(page)
        expect(page.get_by_role("radiogroup").first).to_be_visible()
        self.first_card = {
            part: ".st-key-smq_" + self._scale_keys(part)[0] for part in ("scales-1", "scales-2")
        }

    def go_on(self) -> dict:
        """ "Go on" from the first page of scales to the second (five new cards); "Back"
        afterwards, not timed."""
        page = self.pages["go_on"]
        got = timed(
            page,
            page.get_by_role("button", name="Go on", exact=True).click,
            until=_present(self.first_card["scales-2"]),
        )
        expect(page.locator(self.first_card["scales-2"])).to_be_visible()
        timed(
            page,
            page.get_by_role("button", name="Back", exact=True).click,
            until=_present(self.first_card["scales-1"]),
        )
        return got

    def seal(self) -> dict:
        """ "Seal my answers" on a new round of one couple (the page follows the newest)."""
        if self.sealer is None:
            self.sealer = common.new_couple(self.store)
            common.safety_run(self.store, self.sealer, self.spec, "turn_a", "review")
            page = self._open("seal", self.sealer.token, SAFETY)
        else:
            common.safety_run(self.store, self.sealer, self.spec, "turn_a", "review")
            page = self.pages["seal"]
            after_rerun(page, page.get_by_role("link", name=SAFETY, exact=True).click)
        self._curtain(page)
        button = page.get_by_role("button", name="Seal my answers")
        expect(button).to_be_visible()
        return timed(page, button.click, until=_heading_shown("Pass the laptop to"))

    def reveal(self) -> dict:
        """B's "I'm ready" opens the reveal's first screen (words, where they meet, one
        difference, surprises; no charts).

        One couple, one tab: before each sample their rounds are cleared from the
        bench's data file and a new one waits at "ready?", so the page stays the same
        size (no "earlier rounds") and needs no reload.
        """
        if self.revealer is None:
            self.revealer = common.new_couple(self.store)
            common.safety_run(self.store, self.revealer, self.spec, "confirm_one_ready")
            page = self._open("reveal", self.revealer.token, SAFETY)
        else:
            common.clear_safety_runs(self.store, self.revealer)
            common.safety_run(self.store, self.revealer, self.spec, "confirm_one_ready")
            page = self.pages["reveal"]
            after_rerun(page, page.get_by_role("link", name=SAFETY, exact=True).click)
        button = page.get_by_role("button", name="I'm ready to see it together")
        expect(button).to_be_visible()
        got = timed(page, button.click, until=_heading_shown(REVEAL))
        expect(page.get_by_role("heading", name=REVEAL)).to_be_visible()
        expect(page.get_by_role("button", name=FULL)).to_be_visible()
        expect(page.locator(".js-plotly-plot")).to_have_count(0)
        return got

    def full_setup(self) -> None:
        from studio import safety_service as svc

        couple = common.new_couple(self.store)
        run = common.safety_run(self.store, couple, self.spec, "reveal")
        rv = svc.reveal(self.store, self.spec, run).reveal
        self.full_count = len(common.reveal_figures(self.spec, rv, couple))
        page = self._open("full", couple.token, SAFETY)
        expect(page.get_by_role("button", name=FULL)).to_be_visible()

    def full(self) -> dict:
        """ "See the full picture — all the charts": timed until every chart is drawn
        (``screen``), as the reference; "Hide the full picture" afterwards, not timed.
        The first sample in the tab also loads Plotly's bundle (the warm-up round)."""
        page = self.pages["full"]
        got = timed(
            page,
            page.get_by_role("button", name=FULL).click,
            selector=".js-plotly-plot",
            count=self.full_count,
            until=_button_shown("Hide the full picture"),
        )
        expect(page.locator(".js-plotly-plot")).to_have_count(self.full_count)
        after_rerun(page, page.get_by_role("button", name="Hide the full picture").click)
        expect(page.locator(".js-plotly-plot")).to_have_count(0)
        return {"screen": got["drawn"], "message": got["message"], "rerun": got["screen"]}

    _STEPS = ("Not quite", "I've said it back")

    def dialogue_setup(self) -> None:
        couple = common.new_couple(self.store)
        common.dialogue(self.store, couple)
        page = self._open("dialogue", couple.token, "Talk and listen")
        for name in ("Yes, now is good", "I've said it", "I've said it back"):
            button = page.get_by_role("button", name=name, exact=True)
            expect(button).to_be_visible()
            after_rerun(page, button.click)

    def dialogue(self) -> dict:
        """The next step's button (a mirror loop: "Not quite" ↔ "I've said it back").

        The step timer redraws itself every second; the measurement ends only when the
        next step's button is on the screen and the run is over.
        """
        page = self.pages["dialogue"]
        name = self._STEPS[self.dialogue_events % 2]
        self.dialogue_events += 1
        following = self._STEPS[self.dialogue_events % 2]
        button = page.get_by_role("button", name=name, exact=True)
        expect(button).to_be_visible()
        return timed(page, button.click, until=_button_shown(following))


# -------------------------------------------------------------- a workshop's polling


def polling_cpu(browser: Browser, server, store, couples: int, seconds: float) -> dict:
    """Server CPU while ``couples`` couples in one workshop room sit on "Our space", each
    in its own browser context: their room banner asks the server every second."""
    import psutil

    from studio import room_service as rs
    from studio.exercises import load_catalog

    room = rs.create_room(store, rs.room_scripts(load_catalog())[0])
    pages = []
    for _ in range(couples):
        couple = common.new_couple(store)
        rs.join_room(store, couple, room.room.code)
        page = browser.page(server.url)
        page.goto(f"{server.url}/our-space?c={couple.token}")
        wait_idle(page)
        expect(page.get_by_text("Workshop · part 1").first).to_be_visible(timeout=TIMEOUT)
        pages.append(page)
    proc = psutil.Process(server.proc.pid)
    before, t0 = proc.cpu_times(), time.perf_counter()
    time.sleep(seconds)  # measuring a span of wall time, not waiting for Streamlit
    after, t1 = proc.cpu_times(), time.perf_counter()
    for page in pages:
        page.context.close()
    cpu = (after.user - before.user) + (after.system - before.system)
    per_second = cpu / (t1 - t0)
    return {
        "couples": couples,
        "seconds": round(t1 - t0, 1),
        "cpu_ms_per_s": round(per_second * 1000, 1),
        "cpu_ms_per_couple_per_s": round(per_second * 1000 / couples, 1),
    }
