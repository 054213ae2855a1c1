"""1. Server-side reruns through AppTest: the studio's main interactions vs the bare page.

Only the rerun an interaction causes is timed (``time.perf_counter`` around
``AppTest.run()``); getting there (a couple in the right state, opening the page,
the privacy curtain) is not. Samples of all scenarios are taken in turns, so a busy
machine slows the bare page and the studio alike.
"""

from __future__ import annotations

import re
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit.testing.v1.local_script_runner as _lsr
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from streamlit.testing.v1 import AppTest

from bench import common

TIMEOUT = 60

# --- fragment reruns -----------------------------------------------------------------
# A click inside an ``st.fragment`` makes the real server rerun that fragment only (the
# browser sends the fragment's id with the widget states). ``AppTest.run()`` always
# reruns the whole script, so for those interactions the benchmark asks for exactly
# what the browser asks for: the same widget states with the fragment's id. The ids
# come from the ``fragment_id`` of the deltas the last run sent, as in the browser.

_parse = _lsr.parse_tree_from_messages


def _capture(messages):
    tree = _parse(messages)
    tree._bench_messages = list(messages)  # which fragment drew what, for _fragment_ids
    return tree


_lsr.parse_tree_from_messages = _capture


def _fragment_ids(at: AppTest) -> dict[str, str]:
    """Widget id → id of the fragment that drew it, from the messages of ``at``'s last
    run."""
    out: dict[str, str] = {}
    for msg in getattr(at._tree, "_bench_messages", ()):
        if msg.HasField("delta") and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            kind = el.WhichOneof("type")
            wid = getattr(getattr(el, kind), "id", "") if kind else ""
            if wid and msg.delta.fragment_id:
                out[wid] = msg.delta.fragment_id
    return out


def _fragment_run(at: AppTest, widget) -> tuple[float, AppTest]:
    """Rerun the fragment ``widget`` belongs to, as the browser would after the change
    already made to ``widget``; returns the time and the app (whose tree now holds what
    the fragment drew)."""
    fid = _fragment_ids(at).get(widget.id)
    if fid is None:
        raise RuntimeError(f"{widget.key} is not drawn by a fragment")

    def rerun_data(*args, **kwargs):
        kwargs.setdefault("fragment_id_queue", [fid])
        return RerunData(*args, **kwargs)

    _lsr.RerunData = rerun_data
    try:
        t = _timed(at.run)
    finally:
        _lsr.RerunData = RerunData
    return t, at


def _resync(at: AppTest, what: str) -> AppTest:
    """A whole-page run after a fragment run (not timed), so the next sample starts from
    a complete page, as the browser has one."""
    return _ok(at.run(), what)


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(str(common.APP), default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def _ok(at: AppTest, what: str) -> AppTest:
    if at.exception:
        raise RuntimeError(f"{what}: {at.exception[0].value}")
    return at


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _open(page: str, token: str) -> AppTest:
    from studio.ui.context import PAGES

    at = _app(c=token)
    _ok(at.run(), "first run")
    at.switch_page(PAGES[page])
    return _ok(at.run(), f"open {page}")


REVEAL = "What makes you feel safe — together"


def _headings(at: AppTest) -> list[str]:
    return [h.value for h in (*at.title, *at.header, *at.subheader)]


def _curtain(at: AppTest) -> AppTest:
    btn = [b for b in at.button if b.key and b.key.startswith("curtain_btn")]
    if not btn:
        raise RuntimeError("no privacy curtain button")
    return _ok(btn[0].click().run(), "curtain")


@dataclass
class Scenario:
    name: str
    what: str
    kind: str  # which bare baseline it is compared with (all: "rerun")
    setup: Callable[[], None]
    sample: Callable[[int], float]
    samples: list[float] = field(default_factory=list)
    skipped: str | None = None


# ----------------------------------------------------------------------- the bare page


class Bare:
    def __init__(self) -> None:
        self.at: AppTest | None = None

    def setup(self) -> None:
        self.at = AppTest.from_file(str(common.BARE), default_timeout=TIMEOUT)
        self.at.run()

    def slider(self, i: int) -> float:
        assert self.at is not None
        sl = self.at.slider[0]
        sl.set_value(3 if sl.value != 3 else 7)
        return _timed(self.at.run)

    def button(self, i: int) -> float:
        assert self.at is not None
        self.at.button[0].click()
        return _timed(self.at.run)


# ------------------------------------------------------------------------- the studio


class Studio:
    """The studio's interactions, each on its own couple and session."""

    def __init__(self, store) -> None:
        self.store = store
        self.spec = common.safety_spec()
        self.ats: dict[str, AppTest] = {}
        self.ids: dict[str, int] = {}

    # welcome: opened from another page of the same session (a new session's first page
    # is timed over the websocket in part 5: a fresh AppTest mostly times AppTest itself)
    def welcome_setup(self) -> None:
        self.ats["welcome"] = _ok(_app().run(), "welcome")

    def welcome_open(self, i: int) -> float:
        from studio.ui.context import PAGES

        at = self.ats["welcome"]
        at.switch_page(PAGES["resources"])
        _ok(at.run(), "resources")  # not timed
        at.switch_page(PAGES["welcome"])
        t = _timed(at.run)
        _ok(at, "welcome")
        if not at.title or at.title[0].value != "Side by Side":
            raise RuntimeError("the welcome page did not draw")
        return t

    # set-up: two names, "That's us" (creates the couple, then reruns once more)
    def setup_setup(self) -> None:
        self.ats["setup"] = _ok(_app().run(), "welcome")

    def setup_submit(self, i: int) -> float:
        from studio.ui.context import PAGES

        at = self.ats["setup"]
        at.query_params.pop("c", None)  # "set up someone new", not timed
        at.switch_page(PAGES["setup"])
        _ok(at.run(), "setup")
        at.text_input(key="name_a").input("Robin")
        at.text_input(key="name_b").input("Sam")
        next(b for b in at.button if b.label == "That's us").click()
        t = _timed(at.run)
        _ok(at, "setup submit")
        if "Pass the laptop to" not in " ".join(h.value for h in at.header):
            raise RuntimeError("setup submit did not reach the first private note")
        return t

    # safety map: choosing a dot on a scale card (saved by on_change; the card is a
    # fragment, so only that card runs)
    def dot_setup(self) -> None:
        couple = common.new_couple(self.store)
        run = common.safety_run(self.store, couple, self.spec, "turn_a", "scales-1")
        at = _curtain(_open("safety_map", couple.token))
        from studio import safety_flow as flow
        from studio.safety_map import section_scales

        item = flow.scale_item(section_scales(self.spec, "scales-1")[0].key)
        key = f"sm_{run.id}_a_{item}"
        if not any(r.key == key for r in at.radio):
            raise RuntimeError(f"no scale card with the row {key}")
        self.ats["dot"], self.ids["dot"], self.ids["dot_couple"] = at, run.id, couple.id
        self.dot_item, self.dot_key = item, key

    def dot_choose(self, i: int) -> float:
        from studio import safety_service as svc

        at = self.ats["dot"]
        row = at.radio(key=self.dot_key)
        new = 2 if row.value != 2 else 8
        row.set_value(new)
        t, _ = _fragment_run(at, row)
        _ok(at, "dot")
        run = svc.reload(self.store, self.ids["dot_couple"], self.ids["dot"])
        if svc.own_answers(self.store, run, "a").get(self.dot_item) != (new, False):
            raise RuntimeError("choosing a dot did not save it")
        if at.radio(key=self.dot_key).value != new:
            raise RuntimeError("the card does not show the dot chosen")
        _resync(at, "scales page")
        return t

    # safety map: "Go on" from the first page of scales to the second (stores the place)
    def next_setup(self) -> None:
        couple = common.new_couple(self.store)
        run = common.safety_run(self.store, couple, self.spec, "turn_a", "scales-1")
        self.ats["next"], self.ids["next"] = _curtain(_open("safety_map", couple.token)), run.id
        from studio import safety_flow as flow
        from studio.safety_map import section_scales

        first = flow.scale_item(section_scales(self.spec, "scales-2")[0].key)
        self.next_row = f"sm_{run.id}_a_{first}"

    def next_click(self, i: int) -> float:
        at, rid = self.ats["next"], self.ids["next"]
        btn = at.button(key=f"sm_next_{rid}_a_scales-1")
        btn.click()
        t, _ = _fragment_run(at, btn)
        _ok(at, "go on")
        if not any(r.key == self.next_row for r in at.radio):
            raise RuntimeError("'Go on' did not open the second page of scales")
        _resync(at, "scales-2")
        _ok(at.button(key=f"sm_back_{rid}_a_scales-2").click().run(), "back")  # not timed
        return t

    # safety map: "Seal my answers" on the review; A asks to open them again and B
    # agrees (not timed), which brings A back to the review
    def seal_setup(self) -> None:
        couple = common.new_couple(self.store)
        run = common.safety_run(self.store, couple, self.spec, "turn_a", "review")
        self.ats["seal"], self.ids["seal"] = _curtain(_open("safety_map", couple.token)), run.id

    def seal_click(self, i: int) -> float:
        at, rid = self.ats["seal"], self.ids["seal"]
        btn = at.button(key=f"sm_seal_{rid}_a")
        btn.click()
        t, _ = _fragment_run(at, btn)
        _ok(at, "seal")
        if not any(h.value.startswith("Pass the laptop to") for h in at.header):
            raise RuntimeError("sealing did not hand the laptop over")
        _resync(at, "after seal")
        _ok(at.button(key=f"sm_ask_unseal_{rid}").click().run(), "ask to unseal")
        _ok(at.button(key=f"sm_unseal_yes_{rid}").click().run(), "agree to unseal")
        _curtain(at)
        return t

    # safety map: B's "I'm ready" opens the reveal's first screen (words, meets, one
    # difference, surprises; no charts); then, not timed, B's "ready" is taken back in
    # the store and the page drawn again
    def reveal_setup(self) -> None:
        couple = common.new_couple(self.store)
        run = common.safety_run(self.store, couple, self.spec, "confirm_one_ready")
        at = _open("safety_map", couple.token)
        if "You've both sealed your answers" not in _headings(at):
            raise RuntimeError("the confirm screen did not open")
        self.ats["reveal"], self.ids["reveal"] = at, run.id
        self.ids["reveal_couple"] = couple.id

    def reveal_open(self, i: int) -> float:
        from dataclasses import replace

        from studio import safety_service as svc

        at, rid = self.ats["reveal"], self.ids["reveal"]
        btn = at.button(key=f"sm_ready_{rid}_b")
        btn.click()
        t, _ = _fragment_run(at, btn)
        _ok(at, "reveal")
        if REVEAL not in _headings(at):
            raise RuntimeError("the reveal did not open")
        if at.get("plotly_chart") or not any(b.key == f"sm_full_btn_{rid}" for b in at.button):
            raise RuntimeError(
                "the reveal's first screen is not what it should be "
                "(charts, or no “See the full picture”)"
            )
        run = svc.reload(self.store, self.ids["reveal_couple"], rid)
        state = replace(run.state, ready={"a": True, "b": False}, revealed_at=None)
        self.store.set_safety_state(rid, state.to_dict())
        _resync(at, "confirm again")
        return t

    # the reveal: "See the full picture — all the charts" (the charts and their words);
    # "Hide the full picture" afterwards, not timed
    def full_setup(self) -> None:
        from studio import safety_service as svc

        couple = common.new_couple(self.store)
        run = common.safety_run(self.store, couple, self.spec, "reveal")
        at = _open("safety_map", couple.token)
        if REVEAL not in _headings(at):
            raise RuntimeError("the reveal did not open")
        rv = svc.reveal(self.store, self.spec, run).reveal
        self.full_expected = common.figure_dicts(common.reveal_figures(self.spec, rv, couple))
        self.ats["full"], self.ids["full"] = at, run.id
        self.full_checked = False

    def full_open(self, i: int) -> float:
        import json

        at, rid = self.ats["full"], self.ids["full"]
        btn = at.button(key=f"sm_full_btn_{rid}")
        btn.click()
        t, _ = _fragment_run(at, btn)
        _ok(at, "full picture")
        charts = at.get("plotly_chart")
        if len(charts) != len(self.full_expected):
            raise RuntimeError(
                f"the full picture drew {len(charts)} charts, not {len(self.full_expected)}"
            )
        if not self.full_checked:  # the reference (bench/bare_charts_app.py) draws these
            drawn = [json.loads(c.proto.spec) for c in charts]
            if drawn != self.full_expected:
                raise RuntimeError(
                    "the full picture's figures are not those of "
                    "common.reveal_figures: bring the two in step"
                )
            self.full_checked = True
        _resync(at, "full picture")
        _ok(at.button(key=f"sm_full_btn_{rid}").click().run(), "hide")  # not timed
        if at.get("plotly_chart"):
            raise RuntimeError("“Hide the full picture” left charts on the page")
        return t

    # dialogue: the next step's button (a mirror loop keeps it going: "Not quite" ↔
    # "I've said it back")
    _KEY = re.compile(r"^dlg_(\d+)_(\d+)_([a-z_]+)$")
    _ORDER = ("not_quite", "mirrored", "sent", "ready")

    def dialogue_setup(self) -> None:
        couple = common.new_couple(self.store)
        common.dialogue(self.store, couple)
        at = _open("dialogue", couple.token)
        self.ats["dialogue"] = at
        self._dialogue_button(at)

    def _dialogue_button(self, at: AppTest):
        found = {}
        for b in at.button:
            m = self._KEY.match(b.key or "")
            if m:
                found[m.group(3)] = b
        for event in self._ORDER:
            if event in found:
                return found[event]
        raise RuntimeError(f"no dialogue step button among {sorted(found)}")

    def dialogue_step(self, i: int) -> float:
        at = self.ats["dialogue"]
        btn = self._dialogue_button(at)
        before = btn.key
        btn.click()
        t, _ = _fragment_run(at, btn)
        _ok(at, "dialogue step")
        if any(b.key == before for b in at.button):
            raise RuntimeError("the dialogue did not move to its next step")
        _resync(at, "dialogue")
        return t


class BareCharts:
    """Reference for the full picture: ``bench/bare_charts_app.py`` drawing the same
    figures (``common.reveal_figures``) on a button press."""

    def __init__(self, store) -> None:
        self.store = store
        self.at: AppTest | None = None
        self.count = 0

    def setup(self) -> None:
        import os
        from pathlib import Path

        self.count = common.write_reveal_figures(
            self.store, Path(os.environ["STUDIO_DATA_DIR"]) / "figures"
        )
        self.at = AppTest.from_file(
            str(common.ROOT / "bench" / "bare_charts_app.py"), default_timeout=TIMEOUT
        )
        _ok(self.at.run(), "bare charts")

    def show(self, i: int) -> float:
        assert self.at is not None
        self.at.button[0].click()
        t = _timed(self.at.run)
        if len(self.at.get("plotly_chart")) != self.count:
            raise RuntimeError(f"the reference page did not draw {self.count} charts")
        _ok(self.at.button[0].click().run(), "hide the charts")  # not timed
        return t


REFERENCES = ("bare_five_charts",)


def scenarios(store) -> tuple[list[Scenario], list[Scenario]]:
    bare, app, charts = Bare(), Studio(store), BareCharts(store)
    base = [
        Scenario("bare_slider", "bare page, slider", "rerun", bare.setup, bare.slider),
        Scenario("bare_button", "bare page, button", "rerun", lambda: None, bare.button),
    ]
    studio = [
        Scenario("welcome_open", "welcome, opened", "rerun", app.welcome_setup, app.welcome_open),
        Scenario("setup_submit", "set-up, “That's us”", "rerun", app.setup_setup, app.setup_submit),
        Scenario(
            "safety_dot", "safety map, a dot on a scale", "rerun", app.dot_setup, app.dot_choose
        ),
        Scenario("safety_next", "safety map, “Go on”", "rerun", app.next_setup, app.next_click),
        Scenario(
            "safety_seal", "safety map, “Seal my answers”", "rerun", app.seal_setup, app.seal_click
        ),
        Scenario(
            "reveal_open", "B's “I'm ready”: the reveal", "rerun", app.reveal_setup, app.reveal_open
        ),
        Scenario("full_picture", "“See the full picture”", "rerun", app.full_setup, app.full_open),
        Scenario(
            "bare_five_charts", "(bare page + the five charts)", "rerun", charts.setup, charts.show
        ),
        Scenario(
            "dialogue_step", "dialogue, next step", "rerun", app.dialogue_setup, app.dialogue_step
        ),
    ]
    return base, studio


def run(
    store, n: int, warmup: int = 1, log=print, deadline: float = float("inf"), at_least: int = 3
) -> dict:
    """``n`` samples of every scenario, taken in turns; fewer (but ``at_least``) when the
    ``deadline`` (a ``time.perf_counter()`` value) has passed — a slow machine stays
    within the time the benchmark may take."""
    base, studio = scenarios(store)
    everything = base + studio
    for sc in everything:
        try:
            sc.setup()
            for i in range(warmup):
                sc.sample(-1 - i)
        except Exception as exc:  # a page still being built: note it, go on
            sc.skipped = f"{type(exc).__name__}: {exc}".splitlines()[0][:160]
            log(f"  skipped {sc.name}: {sc.skipped}")
            if "--trace" in sys.argv:
                traceback.print_exc()
    for i in range(n):
        if i >= at_least and time.perf_counter() > deadline:
            log(f"  time is up: {i} samples each instead of {n}")
            break
        for sc in everything:
            if sc.skipped:
                continue
            try:
                sc.samples.append(sc.sample(i))
            except Exception as exc:
                sc.skipped = f"{type(exc).__name__}: {exc}".splitlines()[0][:160]
                log(f"  stopped {sc.name}: {sc.skipped}")
    pooled = [s for sc in base if sc.kind == "rerun" for s in sc.samples]
    baselines = {"rerun": pooled}
    out: dict = {
        "n": max((len(sc.samples) for sc in everything), default=0),
        "baseline": {k: common.summary(v) for k, v in baselines.items()},
        "bare": {},
        "pages": {},
    }
    for sc in base:
        out["bare"][sc.name] = {"what": sc.what, **common.summary(sc.samples)}
    for sc in studio:
        row: dict = {"what": sc.what, "compared_with": f"bare {sc.kind}"}
        if sc.skipped and not sc.samples:
            row["skipped"] = sc.skipped
        else:
            b = baselines[sc.kind]
            row.update(common.summary(sc.samples))
            row["ratio_median"] = round(
                common.ratio(common.median(sc.samples), common.median(b)), 2
            )
            row["ratio_p95"] = round(common.ratio(common.p95(sc.samples), common.p95(b)), 2)
            if sc.skipped:
                row["note"] = sc.skipped
        out["pages"][sc.name] = row
    return out
