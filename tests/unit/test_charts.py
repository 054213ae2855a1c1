"""Charts skip Plotly's validation on the screen path; here every chart is validated."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from studio import charts
from studio.exercises import EXERCISES_DIR, parse_file
from studio.safety_map import PartnerAnswers, summary

SPEC = parse_file(EXERCISES_DIR / "safety_map.toml")
STYLES = {
    "a": charts.PartnerStyle("<b>Robin</b> $x$", "#0072B2", "circle", "●"),
    "b": charts.PartnerStyle("Sam", "#A85A00", "triangle-up", "▲"),
}


def _reveal():
    keys = [s.key for s in SPEC.scales]
    a = PartnerAnswers(positions={k: (i * 3) % 11 for i, k in enumerate(keys)} | {keys[1]: None},
                       guesses={k: (i * 5) % 11 for i, k in enumerate(keys)})
    b = PartnerAnswers(positions={k: (i * 7 + 2) % 11 for i, k in enumerate(keys)},
                       guesses={k: (i * 2) % 11 for i, k in enumerate(keys[:-2])})
    return summary(SPEC, a, b)


def _figures():
    rv = _reveal()
    return {
        "positions": charts.positions_figure(rv, STYLES),
        "gaps": charts.gaps_figure(rv, SPEC),
        "map": charts.map_figure(rv, STYLES),
        "guesses": charts.guesses_figure(rv.a_guesses, STYLES["a"], STYLES["b"], "t"),
    }


@pytest.mark.parametrize("name", ["positions", "gaps", "map", "guesses"])
def test_every_chart_is_valid_plotly_and_the_same_as_a_validated_build(name):
    fig = _figures()[name]
    validated = go.Figure(fig.to_dict())  # raises on any invalid property or value
    assert json.loads(pio.to_json(validated)) == json.loads(pio.to_json(fig))
    assert fig.data


def test_an_invalid_property_would_be_caught_by_the_validated_build():
    bad = charts._figure([{"type": "scatter", "x": [1], "colour": "red"}], {}, validate=False)
    with pytest.raises(ValueError):
        go.Figure(bad.to_dict())
