"""7. "Our story so far" with a long history: 50 safety-map rounds and 500 check-ins.

Measured, each as the median of a few samples: the export (the one read), building the
story, building its charts, the whole history page through AppTest against the bare
page in the same run (a ratio), and both take-home files. The history is written
straight into the tables (fast), in the shape the services write.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

from sqlalchemy import insert
from streamlit.testing.v1 import AppTest

from bench import common

ROOT = Path(__file__).resolve().parents[1]


def seed(store, couple, rounds: int, checkins: int, now: float) -> None:
    from studio import checkin as ck
    from studio import safety_flow
    from studio.exercises import load_catalog
    from studio.store import checkin_answers, safety_answers, safety_runs
    from studio.store import checkins as checkin_rows

    cat = load_catalog(ROOT / "exercises")
    spec = cat.get("safety_map")
    items = [i.key for i in cat.of_kind("checkin")[0].items]
    rng = random.Random(7)
    with store.write() as conn:
        for r in range(rounds):
            when = now - (rounds - r) * 7 * 86400
            state = safety_flow.FlowState(
                sealed={"a": True, "b": True}, ready={"a": True, "b": True}, revealed_at=when
            )
            rid = conn.execute(
                insert(safety_runs).values(
                    couple_id=couple.id,
                    exercise_id="safety_map",
                    state=json.dumps(state.to_dict()),
                    started_at=when,
                    updated_at=when,
                )
            ).inserted_primary_key[0]
            rows = [
                {
                    "run_id": rid,
                    "partner": p,
                    "item": f"{kind}:{s.key}",
                    "value": json.dumps(rng.randint(0, 10)),
                    "skipped": False,
                    "updated_at": when,
                }
                for p in "ab"
                for s in spec.scales
                for kind in ("scale", "guess")
            ]
            rows += [
                {
                    "run_id": rid,
                    "partner": p,
                    "item": "text",
                    "value": json.dumps(f"round {r} words of {p}"),
                    "skipped": False,
                    "updated_at": when,
                }
                for p in "ab"
            ]
            conn.execute(insert(safety_answers), rows)
        for c in range(checkins):
            when = now - (checkins - c) * 86400
            state = ck.CheckinState(
                step="done",
                flow=ck.flow.FlowState(
                    sealed={"a": True, "b": True}, ready={"a": True, "b": True}, revealed_at=when
                ),
                finished_at=when,
            )
            cid = conn.execute(
                insert(checkin_rows).values(
                    couple_id=couple.id,
                    exercise_id="weekly_checkin",
                    state=json.dumps(state.to_dict()),
                    started_at=when,
                    updated_at=when,
                )
            ).inserted_primary_key[0]
            rows = [
                {
                    "checkin_id": cid,
                    "partner": p,
                    "item": f"rate:{k}",
                    "value": json.dumps(rng.randint(0, 4)),
                    "skipped": False,
                    "updated_at": when,
                }
                for p in "ab"
                for k in items
            ]
            rows.append(
                {
                    "checkin_id": cid,
                    "partner": "a",
                    "item": "appreciation",
                    "value": json.dumps(f"thanks {c}"),
                    "skipped": False,
                    "updated_at": when,
                }
            )
            conn.execute(insert(checkin_answers), rows)


def _timed(fn, n: int) -> tuple[float, object]:
    samples, out = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        samples.append(time.perf_counter() - t0)
    return common.median(samples), out


def run(store, rounds: int, checkins: int, n: int, log=print) -> dict:
    from studio import story, story_charts, takehome
    from studio.exercises import load_catalog
    from studio.ui.safety_view import _styles

    couple = common.new_couple(store)
    seed(store, couple, rounds, checkins, time.time())
    cat = load_catalog(ROOT / "exercises")
    export_s, export = _timed(lambda: store.export_couple(couple.id), n)
    build_s, data = _timed(lambda: story.build(export, cat), n)
    styles = _styles(couple)
    figs_s, figs = _timed(lambda: story_charts.figures(data, styles), n)

    def page():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params["c"] = couple.token
        at.run()  # the first page; then the timed run: opening "Our story so far"
        at.switch_page("pages/couple/history.py")
        t0 = time.perf_counter()
        at.run()
        took = time.perf_counter() - t0
        assert not at.exception, [e.value for e in at.exception]
        assert len(at.get("plotly_chart")) == 2, (
            "the page didn't draw its trends: "
            + " | ".join(t.value for t in at.title)
            + " | "
            + " | ".join(m.value[:80] for m in at.markdown[:6])
        )
        return took

    def bare():
        at = AppTest.from_file(str(ROOT / "bench" / "bare_app.py"), default_timeout=60)
        t0 = time.perf_counter()
        at.run()
        return time.perf_counter() - t0

    page(), bare()  # warm: imports, the catalog, Plotly's first figure
    pages, bares = [], []
    for _ in range(n):  # in turns, so a busy machine slows both alike
        pages.append(page())
        bares.append(bare())
    html_s, _ = _timed(
        lambda: takehome.html_report(export, cat, made_at=time.time(), styles=styles),
        max(1, n // 2),
    )
    pdf_s, _ = _timed(
        lambda: takehome.pdf_report(export, cat, made_at=time.time(), styles=styles), max(1, n // 2)
    )
    out = {
        "rounds": rounds,
        "checkins": checkins,
        "samples": n,
        "export_ms": common.ms(export_s),
        "build_ms": common.ms(build_s),
        "charts_ms": common.ms(figs_s),
        "charts": len(figs),
        "page_ms": common.ms(common.median(pages)),
        "bare_ms": common.ms(common.median(bares)),
        "ratio": common.ratio(common.median(pages), common.median(bares)),
        "html_ms": common.ms(html_s),
        "pdf_ms": common.ms(pdf_s),
    }
    log(
        f"   export {out['export_ms']:.0f} ms, story {out['build_ms']:.0f} ms, charts "
        f"{out['charts_ms']:.0f} ms; the page {out['page_ms']:.0f} ms vs the bare page "
        f"{out['bare_ms']:.0f} ms ({out['ratio']:.1f}×); report HTML {out['html_ms']:.0f} ms, "
        f"PDF {out['pdf_ms']:.0f} ms"
    )
    return out
