"""The reveal's chart builders (hand-computed cases) and their words (``chart_text``).

Charts skip Plotly's validation on the screen path; here every chart is validated too.
Whether they draw well in a browser is ``tests/e2e/test_charts_browser.py``'s job.
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from studio import chart_text, charts
from studio.exercises import EXERCISES_DIR, parse_file
from studio.safety_map import PartnerAnswers, summary

SPEC = parse_file(EXERCISES_DIR / "safety_map.toml")
STYLES = {
    "a": charts.PartnerStyle("<b>Robin</b> $x$", "#0072B2", "circle", "●"),
    "b": charts.PartnerStyle("Sam", "#A85A00", "triangle-up", "▲"),
}
NAMES = {"a": "● Robin", "b": "▲ Sam"}

# Four scales answered by someone: Robin skipped "talk now or cool off"; every other
# scale is answered by nobody.
ROBIN = PartnerAnswers(
    positions={"together_alone": 2, "reassurance": 0, "independence": 5, "talk_or_cool": None},
    guesses={"together_alone": 5, "reassurance": None},
)
SAM = PartnerAnswers(
    positions={"together_alone": 8, "reassurance": 10, "independence": 5, "talk_or_cool": 10},
)


def _reveal():
    return summary(SPEC, ROBIN, SAM)


def _busy_reveal():
    keys = [s.key for s in SPEC.scales]
    a = PartnerAnswers(
        positions={k: (i * 3) % 11 for i, k in enumerate(keys)} | {keys[1]: None},
        guesses={k: (i * 5) % 11 for i, k in enumerate(keys)},
    )
    b = PartnerAnswers(
        positions={k: (i * 7 + 2) % 11 for i, k in enumerate(keys)},
        guesses={k: (i * 2) % 11 for i, k in enumerate(keys[:-2])},
    )
    return summary(SPEC, a, b)


def _figures(rv):
    return {
        "positions": charts.positions_figure(rv, STYLES),
        "gaps": charts.gaps_figure(rv, SPEC),
        "map": charts.map_figure(rv, STYLES),
        "guesses": charts.guesses_figure(rv.a_guesses, STYLES["a"], STYLES["b"], spec=SPEC),
        "guesses_titled": charts.guesses_figure(rv.b_guesses, STYLES["b"], STYLES["a"], "t"),
    }


def _trace(fig, name_part):
    found = [t for t in fig.data if t.name and name_part in t.name]
    assert len(found) == 1, [t.name for t in fig.data]
    return found[0]


def _texts(fig):
    """Every annotation's text, wrapped lines joined back with a space."""
    return [a.text.replace("<br>", " ") for a in fig.layout.annotations]


# ------------------------------------------------------------------ valid Plotly, fast path


@pytest.mark.parametrize("reveal", [_reveal, _busy_reveal], ids=["sparse", "busy"])
@pytest.mark.parametrize("name", ["positions", "gaps", "map", "guesses", "guesses_titled"])
def test_every_chart_is_valid_plotly_and_the_same_as_a_validated_build(name, reveal):
    fig = _figures(reveal())[name]
    validated = go.Figure(fig.to_dict())  # raises on any invalid property or value
    assert json.loads(pio.to_json(validated)) == json.loads(pio.to_json(fig))
    assert fig.data


def test_an_invalid_property_would_be_caught_by_the_validated_build():
    bad = charts._figure([{"type": "scatter", "x": [1], "colour": "red"}], {}, validate=False)
    with pytest.raises(ValueError):
        go.Figure(bad.to_dict())


# ------------------------------------------------------------------ positions


def test_positions_draw_each_partner_only_where_they_answered():
    fig = charts.positions_figure(_reveal(), STYLES)
    robin, sam = _trace(fig, "Robin"), _trace(fig, "Sam")
    assert list(robin.x) == [2, 0, 5]  # together_alone, reassurance, independence
    assert list(sam.x) == [8, 10, 5, 10]  # ... and talk_or_cool, which Robin skipped
    # Same rows, same heights (top to bottom), except where both stand at 5: side by side.
    assert robin.y[0] == sam.y[0] and robin.y[1] == sam.y[1]
    assert robin.y[2] < sam.y[2] and sam.y[2] - robin.y[2] == 12
    assert sam.y[3] > sam.y[2]
    assert robin.marker.symbol == "circle" and sam.marker.symbol == "triangle-up"


def test_positions_say_not_answered_on_the_row_and_name_each_rows_poles():
    texts = _texts(charts.positions_figure(_reveal(), STYLES))
    topics = [t for t in texts if t.startswith("<b>")]
    assert topics == [
        "<b>Time together or time alone</b>",
        "<b>Words of reassurance</b>",
        "<b>A team or my own way</b>",
        "<b>When upset: talk now or cool off first</b>",
    ]
    for pole in (
        "Most time together",
        "Plenty of time alone",
        "Hearing it often",
        "No need to hear it",
        "Talk right away",
        "Quiet time first",
    ):
        assert pole in texts
    assert texts.count("<i>● &lt;b&gt;Robin&lt;/b&gt; &#36;x&#36;: not answered</i>") == 1
    assert "<i>Not shown: 11 scales neither of you answered.</i>" in texts
    assert not any("left statement" in t or "right statement" in t for t in texts)


def test_positions_hover_says_where_a_value_is_between_the_poles():
    fig = charts.positions_figure(_reveal(), STYLES)
    assert list(_trace(fig, "Sam").hovertext)[:3] == [
        "▲ Sam: 8 of 10 — closer to “Plenty of time alone”",
        "▲ Sam: 10 of 10 — No need to hear it",
        "▲ Sam: 5 of 10 — in between",
    ]


def test_rows_and_heights_are_laid_out_in_pixels_with_room_for_title_and_legend():
    fig = charts.positions_figure(_reveal(), STYLES)
    top = fig.layout.margin.t
    assert top == 12 + charts.TITLE_LINE + 2 * charts.LEGEND_LINE + 10
    plot = fig.layout.yaxis.range[0]
    assert fig.layout.yaxis.range[1] == 0
    assert fig.layout.height == round(top + plot + fig.layout.margin.b)
    assert fig.layout.legend.yanchor == "bottom" and fig.layout.legend.orientation == "v"
    assert fig.layout.title.yref == "container"
    assert not fig.layout.xaxis.visible and not fig.layout.yaxis.visible


# ------------------------------------------------------------------ gaps


def test_gaps_biggest_first_with_solid_fills_and_a_band_word_on_every_bar():
    fig = charts.gaps_figure(_reveal(), SPEC)
    far, close = _trace(fig, "Far apart"), _trace(fig, "Close")
    assert list(far.x) == [10, 6]  # reassurance, then together_alone
    assert list(far.text) == ["Far apart · 10", "Far apart · 6"]
    assert list(close.x) == [0.12]  # a gap of 0 still shows a sliver
    assert list(close.text) == ["Close · 0"]
    assert far.y[0] < far.y[1] < close.y[0]
    for t in fig.data:
        assert not t.marker.pattern.shape  # no patterns: they drew nothing
        assert t.marker.color in charts.BAND_COLORS.values()
    assert list(far.textposition) == ["inside", "inside"]
    assert list(close.textposition) == ["outside"]
    assert list(fig.layout.xaxis.range) == [0, 10]
    assert "<i>Not shown: 12 scales one or both of you didn’t answer.</i>" in _texts(fig)


def test_gaps_words_inside_a_bar_are_only_on_dark_bars():
    fig = charts.gaps_figure(_busy_reveal(), SPEC)
    for t in fig.data:
        if "inside" in list(t.textposition):
            assert t.marker.color != charts.BAND_COLORS["close"]


# ------------------------------------------------------------------ map


def test_map_places_only_partners_with_both_lines_and_says_who_is_missing():
    fig = charts.map_figure(_reveal(), STYLES)
    assert [t.name for t in fig.data] == ["Sam"]  # Robin skipped both talk-now scales
    sam = fig.data[0]
    assert sam.x[0] == pytest.approx(7 / 3)  # closeness: (10-8 + 10-10 + 10-5) / 3
    assert sam.y[0] == 0  # talk now: 10 - 10
    texts = _texts(fig)
    assert (
        "<i>● &lt;b&gt;Robin&lt;/b&gt; &#36;x&#36;: talk-now scales not answered, so"
        " not on the map</i>"
    ) in texts
    for words in (
        "← Steps back for space",
        "Reaches for closeness →",
        "← Cools off first",
        "Talks it through now →",
    ):
        assert words in texts
    assert fig.layout.margin.t == 12 + charts.TITLE_LINE + charts.LEGEND_LINE + 10


def test_map_labels_lean_inward_near_the_edges():
    fig = charts.map_figure(_reveal(), STYLES)
    assert fig.data[0].textposition == "top right"  # x = 2.3: its name reads rightwards


# ------------------------------------------------------------------ guesses


def test_guesses_open_shape_for_the_guess_filled_for_the_answer_and_words_for_gaps():
    rv = _reveal()
    fig = charts.guesses_figure(rv.a_guesses, STYLES["a"], STYLES["b"], spec=SPEC)
    guess, answer = _trace(fig, "guess"), _trace(fig, "own answer")
    assert list(guess.x) == [5]
    assert list(answer.x) == [8, 10, 5, 10]
    assert guess.marker.symbol == "circle-open" and answer.marker.symbol == "triangle-up"
    assert guess.name == "&lt;b&gt;Robin&lt;/b&gt; &#36;x&#36;’s guess"
    texts = _texts(fig)
    assert texts.count("<i>● &lt;b&gt;Robin&lt;/b&gt; &#36;x&#36;: no guess</i>") == 3
    assert "Plenty of time alone" in texts and "Quiet time first" in texts
    assert fig.layout.title.text == "Guesses by ● &lt;b&gt;Robin&lt;/b&gt; &#36;x&#36;"


def test_guesses_without_a_spec_name_the_ends_0_and_10_and_keep_a_given_title():
    rv = _reveal()
    fig = charts.guesses_figure(rv.b_guesses, STYLES["b"], STYLES["a"], "Sam's guesses")
    assert fig.layout.title.text == "Sam's guesses"
    texts = _texts(fig)
    assert "0" in texts and "10" in texts
    # Sam guessed nothing, Robin answered three scales: three answers, no guess marker.
    assert list(_trace(fig, "guess").x) == []
    assert list(_trace(fig, "own answer").x) == [2, 0, 5]


# ------------------------------------------------------------------ hostile names


def test_names_never_reach_plotly_as_markup():
    rv = _busy_reveal()
    for name, fig in _figures(rv).items():
        blob = json.dumps(json.loads(pio.to_json(fig, validate=False)), ensure_ascii=False)
        assert "<b>Robin" not in blob and "$x$" not in blob
        if name != "gaps":  # the one chart without names
            assert "&lt;b&gt;Robin&lt;/b&gt; &#36;x&#36;" in blob, name


def test_long_names_are_shortened_inside_the_chart():
    long = charts.PartnerStyle("Bartholomew-Maximilian Fitzgerald-Smythe", "#0072B2", "circle", "●")
    fig = charts.positions_figure(_reveal(), {"a": long, "b": STYLES["b"]})
    assert _trace(fig, "Bartholomew").name == "Bartholomew-Maximilian Fitzge…"
    assert "<i>● Bartholomew-Maximilia…: not answered</i>" in _texts(fig)


# ------------------------------------------------------------------ the same, in words


def test_position_words():
    assert chart_text.position_words(0, "Left", "Right") == "Left"
    assert chart_text.position_words(2, "Left", "Right") == "closer to “Left”"
    assert chart_text.position_words(5, "Left", "Right") == "in between"
    assert chart_text.position_words(8, "Left", "Right") == "closer to “Right”"
    assert chart_text.position_words(10, "Left", "Right") == "Right"
    assert chart_text.position_words(None, "Left", "Right") == "not answered"
    assert chart_text.position_words(None, "L", "R", missing="rather not say") == "rather not say"


def test_positions_lines():
    lines = chart_text.positions_lines(_reveal(), NAMES)
    assert lines[0] == (
        "Time together or time alone (0 = Most time together, 10 = Plenty of "
        "time alone): ● Robin: 2 of 10, closer to “Most time together”; ▲ Sam: "
        "8 of 10, closer to “Plenty of time alone”."
    )
    assert lines[3] == (
        "When upset: talk now or cool off first (0 = Talk right away, 10 = "
        "Quiet time first): ● Robin: not answered; ▲ Sam: 10 of 10, Quiet time "
        "first."
    )
    assert len(lines) == 5
    assert lines[4].startswith("Neither of you answered (not answered): Rhythm and routine; ")


def test_gaps_lines():
    lines = chart_text.gaps_lines(_reveal(), SPEC)
    assert lines[:3] == [
        "Words of reassurance: 10 points apart — Far apart.",
        "Time together or time alone: 6 points apart — Far apart.",
        "A team or my own way: 0 points apart — Close.",
    ]
    assert lines[3].startswith(
        "Not compared (one or both of you: not answered): Rhythm and routine; When upset"
    )


def test_map_lines():
    assert chart_text.map_lines(_reveal(), NAMES) == [
        "● Robin: closeness 7.7 of 10 (0 = steps back for space, 10 = reaches for closeness); "
        "talk-now scales not answered (0 = cools off first, 10 = talks it through now) — so "
        "not on the map.",
        "▲ Sam: closeness 2.3 of 10 (0 = steps back for space, 10 = reaches for closeness); "
        "talking 0.0 of 10 (0 = cools off first, 10 = talks it through now).",
    ]


def test_guesses_lines():
    rv = _reveal()
    lines = chart_text.guesses_lines(rv.a_guesses, NAMES["a"], NAMES["b"], SPEC, rv.a_accuracy)
    assert lines[0] == "● Robin's guesses landed, on average, 70 / 100 near."
    assert lines[1] == (
        "Time together or time alone (0 = Most time together, 10 = Plenty of "
        "time alone): ● Robin guessed 5 of 10, in between; ▲ Sam said 8 of 10, "
        "closer to “Plenty of time alone”; 3 apart."
    )
    assert lines[2] == (
        "Words of reassurance (0 = Hearing it often, 10 = No need to hear it): "
        "● Robin: no guess; ▲ Sam said 10 of 10, No need to hear it."
    )
    assert lines[-1].startswith("No guess and no answer: Rhythm and routine; ")
    plain = chart_text.guesses_lines(rv.b_guesses, NAMES["b"], NAMES["a"])
    assert plain[0] == "Time together or time alone: ▲ Sam: no guess; ● Robin said 2 of 10."


def test_words_are_plain_text_with_names_as_given():
    names = {"a": "<b>x</b> $x^2$", "b": "[l](http://e.com)"}
    lines = chart_text.positions_lines(_reveal(), names)
    assert lines[0].count("<b>x</b> $x^2$: 2 of 10") == 1  # the caller escapes
