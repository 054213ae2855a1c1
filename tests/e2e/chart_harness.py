"""A harness page for the safety map's reveal charts (not part of the app).

    streamlit run tests/e2e/chart_harness.py

draws every reveal chart for a realistic round built from ``exercises/safety_map.toml``
with hand-written answers on the five points (0, 2, 5, 8, 10): some scales close, some
far apart, optional scales nobody answered, and scales one partner skipped.
``tests/e2e/test_charts_browser.py`` opens it in Chromium and runs ``chart_check``.

Query parameters:
    names=hostile   names that try HTML, LaTeX and a link (and other answers: one partner
                    skipped every talk-now scale, so the map has nobody's position there)
    layout=wide     the page as wide as the window (the studio's projector mode)
    invisible=1     one more chart with a white bar on a white background (the checker
                    must report it)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import plotly.graph_objects as go  # noqa: E402
import streamlit as st  # noqa: E402

from studio import chart_text, charts  # noqa: E402
from studio.exercises import EXERCISES_DIR, parse_file  # noqa: E402
from studio.safety_map import PartnerAnswers, summary  # noqa: E402

CONFIG = {"displayModeBar": False, "responsive": True}  # as studio/ui/safety_view.py

# Robin and Sam: several scales far apart, some close, Sam skipped one, nobody answered
# three optional scales, and Robin didn't see the optional "Rhythm and routine" at all.
ROBIN = PartnerAnswers(
    positions={
        "together_alone": 2,
        "reassurance": 0,
        "routine": None,
        "independence": 5,
        "talk_or_cool": 0,
        "settle_or_pause": 2,
        "repair": 8,
        "sharing_feelings": 2,
        "affection": 0,
        "decisions": 5,
        "privacy": 5,
        "staying_in_touch": 0,
    },
    guesses={
        "together_alone": 5,
        "reassurance": 8,
        "independence": 5,
        "talk_or_cool": 8,
        "settle_or_pause": 5,
        "repair": 2,
        "sharing_feelings": 5,
        "affection": 2,
        "privacy": 8,
        "staying_in_touch": 5,
    },
)
SAM = PartnerAnswers(
    positions={
        "together_alone": 8,
        "reassurance": 10,
        "routine": 5,
        "independence": 5,
        "talk_or_cool": 10,
        "settle_or_pause": 8,
        "repair": 8,
        "sharing_feelings": None,
        "affection": 5,
        "decisions": 2,
        "privacy": 10,
        "staying_in_touch": 8,
    },
    guesses={
        "together_alone": 2,
        "reassurance": 2,
        "independence": 8,
        "talk_or_cool": 5,
        "repair": 8,
        "sharing_feelings": 0,
        "affection": 0,
        "privacy": 2,
        "staying_in_touch": 2,
        "decisions": 5,
    },
)
# The hostile run: the second partner skipped both talk-now scales and guessed little.
HOSTILE_B = PartnerAnswers(
    positions={
        "together_alone": 10,
        "reassurance": 5,
        "independence": 0,
        "repair": 2,
        "sharing_feelings": 8,
        "affection": 10,
        "privacy": 0,
        "staying_in_touch": 10,
    },
    guesses={"together_alone": 0, "repair": 10},
)
HOSTILE_NAME = "<b>x</b> $x^2$ http://example.com"


def styles(hostile: bool) -> dict[str, charts.PartnerStyle]:
    if hostile:
        return {
            "a": charts.PartnerStyle(HOSTILE_NAME, "#9E3D7A", "star", "★"),
            "b": charts.PartnerStyle(
                "[link](http://example.com) :red[Sam]", "#00734F", "cross", "✚"
            ),
        }
    return {
        "a": charts.PartnerStyle("Robin", "#0072B2", "circle", "●"),
        "b": charts.PartnerStyle("Sam", "#A85A00", "triangle-up", "▲"),
    }


def invisible_figure() -> go.Figure:
    """A white bar on white, with a legend entry: every part of it should be reported."""
    return go.Figure(
        data=[
            {
                "type": "bar",
                "x": [3],
                "y": ["hidden"],
                "orientation": "h",
                "name": "white on white",
                "marker": {"color": "#FFFFFF"},
                "showlegend": True,
            }
        ],
        layout={
            "title": {"text": "An invisible chart"},
            "height": 300,
            "plot_bgcolor": "#FFFFFF",
            "paper_bgcolor": "#FFFFFF",
        },
    )


def main() -> None:
    params = st.query_params
    st.set_page_config(
        page_title="Chart harness", layout="wide" if params.get("layout") == "wide" else "centered"
    )
    hostile = params.get("names") == "hostile"
    spec = parse_file(EXERCISES_DIR / "safety_map.toml")
    rv = summary(spec, ROBIN, HOSTILE_B if hostile else SAM)
    sty = styles(hostile)
    names = {p: f"{s.glyph} {s.name}" for p, s in sty.items()}
    st.title("Chart harness")
    figures = [
        ("positions", charts.positions_figure(rv, sty), chart_text.positions_lines(rv, names)),
        ("gaps", charts.gaps_figure(rv, spec), chart_text.gaps_lines(rv, spec)),
        ("map", charts.map_figure(rv, sty), chart_text.map_lines(rv, names)),
        (
            "guesses_a",
            charts.guesses_figure(rv.a_guesses, sty["a"], sty["b"], spec=spec),
            chart_text.guesses_lines(rv.a_guesses, names["a"], names["b"], spec, rv.a_accuracy),
        ),
        (
            "guesses_b",
            charts.guesses_figure(rv.b_guesses, sty["b"], sty["a"], spec=spec),
            chart_text.guesses_lines(rv.b_guesses, names["b"], names["a"], spec, rv.b_accuracy),
        ),
    ]
    if params.get("invisible") == "1":
        figures.append(("invisible", invisible_figure(), []))
    for key, fig, lines in figures:
        st.plotly_chart(fig, theme=None, config=CONFIG, key=f"chart_{key}")
        if lines:
            st.text("\n".join(lines))


main()
