"""Shared pieces of the benchmark: statistics, servers, and couples in a given state.

Everything runs on this computer: servers listen on 127.0.0.1 only, data lives in
temporary folders (never ./data), and nothing is fetched from anywhere.
"""

from __future__ import annotations

import math
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.conftest import free_port  # the tests' own, as the browser settings

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
BARE = ROOT / "bench" / "bare_app.py"
CHROMIUM = os.environ.get("STUDIO_CHROMIUM", "/usr/bin/chromium")


# ------------------------------------------------------------------------ statistics


def median(xs: Sequence[float]) -> float:
    return statistics.median(xs) if xs else math.nan


def p95(xs: Sequence[float]) -> float:
    """Nearest-rank 95th percentile (the largest value for fewer than 20 samples)."""
    if not xs:
        return math.nan
    s = sorted(xs)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)]


def ratio(a: float, b: float) -> float:
    if not b or math.isnan(a) or math.isnan(b):
        return math.nan
    return a / b


def ms(seconds: float) -> float:
    return seconds * 1000.0


def summary(samples: Sequence[float]) -> dict[str, float | int]:
    """Median and p95 in milliseconds, and how many samples."""
    return {
        "median_ms": round(ms(median(samples)), 2),
        "p95_ms": round(ms(p95(samples)), 2),
        "n": len(samples),
    }


# -------------------------------------------------------------------------- servers


@dataclass
class Server:
    url: str
    port: int
    data_dir: Path
    proc: subprocess.Popen
    log: Path
    started: float  # perf_counter when the process was started
    healthy: float  # perf_counter when /_stcore/health first answered

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)


def start_server(script: Path, data_dir: Path, env: dict | None = None) -> Server:
    """``streamlit run script`` on 127.0.0.1 (same flags as tests/e2e), data in data_dir
    (or in ``env["STUDIO_DATABASE_URL"]``)."""
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / f"server-{script.stem}-{port}.log"
    extra = env or {}
    env = {**os.environ, "STUDIO_DATA_DIR": str(data_dir)}
    env.pop("STUDIO_DATABASE_URL", None)
    env.update(extra)
    # The studio starts the way `make run` starts it (the launcher); the bare page plainly.
    if script.resolve() == (ROOT / "app.py").resolve():
        command = [sys.executable, "-m", "studio.ui.launch"]
    else:
        command = [sys.executable, "-m", "streamlit", "run", str(script)]
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            *command,
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
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return Server(url, port, data_dir, proc, log, started, time.perf_counter())
        except OSError:
            pass
        time.sleep(0.02)  # polling a process start, not waiting for Streamlit in a page
    proc.kill()
    raise RuntimeError(f"server did not start:\n{log.read_text()}")


# ----------------------------------------------------------------- couples, prepared


_SEQ = [0]


def new_couple(store, stage: str = "ready"):
    """A couple at ``stage`` (setup done by default)."""
    _SEQ[0] += 1
    n = _SEQ[0]
    c = store.create_couple(
        name_a=f"Robin{n}",
        name_b=f"Sam{n}",
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    if stage != c.stage:
        store.update_couple(c.id, stage=stage)
    return store.couple_by_token(c.token)


def safety_spec():
    from studio.exercises import load_catalog

    return load_catalog().get("safety_map")


def _dots(i: int) -> tuple[int, int]:
    """Where A and B stand on scale ``i`` (an index into the five dots): the same on
    some scales, a dot apart on others, far apart on the rest, as couples do."""
    a = (i * 3 + 1) % 5
    b = a if i % 3 == 0 else min(a + 1, 4) if i % 3 == 1 else 4 - a
    return a, b


def _answer_all(store, spec, run, p: str, before: str | None = None):
    """Partner ``p`` answers as a couple would: a sentence, one of the five dots on
    every scale shown by default (own place, and a guess that is sometimes right), the
    top needs; the optional scales are left alone. ``before``: only the parts of the
    turn before that one."""
    from studio import safety_flow as flow
    from studio import safety_service as svc
    from studio.safety_map import POINTS, section_scales, turn_sections

    parts = [s for s in turn_sections(spec) if s != "more"]
    done = parts if before is None else parts[: parts.index(before)]
    n = len(POINTS)
    for section in done:
        if section == "words":
            svc.save_text(store, spec, run, p, f"Time together and calm evenings ({p})")
        elif section == "needs":
            first = 0 if p == "a" else 1  # one need in common
            svc.save_needs(
                store, spec, run, p, [x.key for x in spec.needs[first : first + spec.max_needs]]
            )
        for s in section_scales(spec, section):
            i = spec.scales.index(s)
            own, other = _dots(i) if p == "a" else _dots(i)[::-1]
            guess = other if i % 2 else (other + 2) % n  # right on every other scale
            svc.save_position(store, run, p, flow.scale_item(s.key), POINTS[own])
            svc.save_position(store, run, p, flow.guess_item(s.key), POINTS[guess])


def safety_run(store, couple, spec, upto: str, section: str = "words"):
    """A safety-map round prepared up to ``upto``:

    - "turn_a": partner A answering, at the part named ``section`` ("words",
      "scales-1", …, "needs", "review"), the parts before it answered;
    - "confirm_one_ready": both sealed, A said "ready" (B's press opens the reveal);
    - "reveal": both ready, the reveal open.
    """
    from studio import safety_service as svc

    run = svc.start_run(store, couple.id)
    if upto == "turn_a":
        _answer_all(store, spec, run, "a", before=section)
        return svc.go_to_section(store, run, "a", section)
    _answer_all(store, spec, run, "a")
    run = svc.seal(store, run, "a")
    _answer_all(store, spec, run, "b")
    run = svc.seal(store, run, "b")
    run = svc.confirm_ready(store, run, "a")
    if upto == "reveal":
        run = svc.confirm_ready(store, run, "b")
    return run


def clear_safety_runs(store, couple) -> None:
    """Delete the couple's safety-map rounds (answers go with them): bench data only."""
    from sqlalchemy import delete

    from studio.store import safety_runs

    with store.write() as conn:
        conn.execute(delete(safety_runs).where(safety_runs.c.couple_id == couple.id))


def dialogue(store, couple):
    """A dialogue at "Is now a good time?" with a topic of their own."""
    from studio import dialogue_service as dsvc

    return dsvc.start(
        store,
        couple,
        variant="standard",
        first_sender="a",
        topic="How our Sunday evenings go",
        now=time.time(),
    )


def reveal_figures(spec, rv, couple) -> list[tuple[str, object]]:
    """The full picture's charts, in its order, built by the same calls as
    ``studio.ui.safety_view._full_picture`` (keep the two in step: the AppTest part
    checks that the page draws exactly these figures)."""
    from studio import charts
    from studio.ui import safety_view

    styles = safety_view._styles(couple)
    figures = [("positions", charts.positions_figure(rv, styles))]
    if any(r.compared for r in rv.rows):
        figures.append(("gaps", charts.gaps_figure(rv, spec)))
    figures.append(("map", charts.map_figure(rv, styles)))
    for guesser, answerer, rows in (("a", "b", rv.a_guesses), ("b", "a", rv.b_guesses)):
        figures.append(
            (
                f"guess_{guesser}",
                charts.guesses_figure(rows, styles[guesser], styles[answerer], spec=spec),
            )
        )
    return figures


def figure_dicts(figures) -> list[dict]:
    """Figures as the JSON the browser gets (what ``st.plotly_chart`` sends), parsed."""
    import json

    import plotly.io as pio

    return [json.loads(pio.to_json(fig, validate=False)) for _, fig in figures]


def write_reveal_figures(store, folder: Path) -> int:
    """The full picture's figures for a revealed couple, built as the page builds them,
    as JSON files for ``bench/bare_charts_app.py`` (the reference for the full
    picture); returns how many."""
    import plotly.io as pio

    from studio import safety_service as svc

    spec = safety_spec()
    couple = new_couple(store)
    run = safety_run(store, couple, spec, "reveal")
    rv = svc.reveal(store, spec, run).reveal
    figures = reveal_figures(spec, rv, couple)
    folder.mkdir(parents=True, exist_ok=True)
    for i, (name, fig) in enumerate(figures):
        (folder / f"{i + 1}_{name}.json").write_text(pio.to_json(fig, validate=False))
    return len(figures)
