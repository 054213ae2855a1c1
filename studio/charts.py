"""Plotly figure builders: data in, ``go.Figure`` out (pure; no Streamlit).

Every partner is drawn with their colour *and* their marker shape, and every band with
its colour *and* its word, so the charts read without colour. Names are user text:
Plotly understands a little HTML (``<b>``, ``<a href>``) and LaTeX (``$…$``) in labels,
so every name goes through ``plotly_text`` first and shows literally.

The plot is as wide as its container, which the server can't know (390 px on a phone,
700 px or more on a laptop or a projector), so nothing depends on the width:

* a row's words sit *above and below its own track* as annotations (the topic on top,
  the two pole words under the track's two ends, "not answered" under those), never as
  wide tick labels beside it; lines are wrapped to what fits in 390 px;
* the height is known exactly: the y axis counts pixels from the top of the plot, the
  title and the legend (one entry per line) get a top margin of their own, so they
  never meet;
* fills are solid; a bar carries its band word, a marker its partner's shape.

``studio.chart_text`` says the same as each chart in plain words.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import plotly.graph_objects as go

from studio.chart_text import (
    CLOSENESS_POLES,
    CONFLICT_POLES,
    NO_GUESS,
    NOT_ANSWERED,
    poles_by_key,
    position_words,
)
from studio.safety_map import GuessRow, Reveal, SafetyMapSpec

INK = "#1F2430"
MUTED = "#4A5260"  # 7.9:1 on white
# "Source Sans" is the face Streamlit serves with the page (no font from elsewhere). The
# names are quoted: CSS drops a whole unquoted list with a name like ``Source Sans 3`` in
# it, and the text falls back to another face than the one its box was measured in (a
# legend then clips its own entries). Every text names the family itself.
FAMILY = '"Source Sans", "Source Sans Pro", "Source Sans 3", sans-serif'
FONT = {"family": FAMILY, "size": 14, "color": INK}
BAND_COLORS = {  # one blue, lighter to darker: reads in grey too; every bar says its band
    "close": "#6A8FBF",  # 3.3:1 on white (its words sit outside the bar)
    "explore": "#3D6FA8",  # 5.2:1: white words inside read
    "far": "#1F3F6E",  # 10.5:1
}
TRACK = "#C9CED6"
CONNECTOR = "#8A929C"
GRID = "#E4E7EB"

# Sizes in pixels. The y axis of the row charts counts pixels from the top of the plot.
TOPIC_CHARS = 44  # a topic line that fits a 390 px phone (bold 14 px)
POLE_CHARS = 25  # each pole word line: two of them side by side fit 390 px
NOTE_CHARS = 44
NAME_CHARS = 22  # a name inside a label or a title (the legend shows it whole)
TITLE_LINE = 24
LEGEND_LINE = 21
TOPIC_LINE = 19  # Plotly spaces lines 1.3 em apart (14 px, 13 px)
SMALL_LINE = 17
ROW_GAP = 18
MARGIN = {"l": 12, "r": 14, "b": 10}  # room for a marker at 0 or 10 (radius 8 + line)


@dataclass(frozen=True)
class PartnerStyle:
    name: str
    color: str
    symbol: str  # Plotly marker symbol
    glyph: str


def plotly_text(text: str) -> str:
    """Make user text literal inside Plotly labels (no tags, links or LaTeX)."""
    return html.escape(text, quote=True).replace("$", "&#36;")


def _font(size: int, color: str = INK) -> dict:
    return {"family": FAMILY, "size": size, "color": color}


def _short(text: str, limit: int = NAME_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, each made literal for Plotly."""
    return [plotly_text(line) for line in textwrap.wrap(text, width) or [""]]


def _who(p: PartnerStyle) -> str:
    """The partner's glyph and (shortened) name, as plain text."""
    return f"{p.glyph} {_short(p.name)}"


def _figure(traces: list[dict], layout: dict, validate: bool = False) -> go.Figure:
    """One ``go.Figure`` from plain trace and layout dicts.

    Building it in one call is several times faster than ``add_trace`` and
    ``update_layout`` one by one (each of those re-walks the figure), and gives the
    same figure. Plotly's property validation is skipped on the screen path (it is
    more than half of the time; the dicts come only from this module, never from
    user input — names pass through ``plotly_text``); ``tests/unit/test_charts.py``
    builds every chart with ``validate=True`` and checks the two give the same JSON.
    """
    return go.Figure(data=traces, layout=layout, _validate=validate)


def _base(
    title: str,
    legend_items: int,
    plot_height: float,
    bottom: int = MARGIN["b"],
    left: int = MARGIN["l"],
    **layout: object,
) -> dict:
    """The layout every chart shares. ``title`` is Plotly text (one line); the legend has
    one entry per line between the title and the plot."""
    top = 12 + TITLE_LINE + (LEGEND_LINE * legend_items + 10 if legend_items else 6)
    return {
        "title": {
            "text": title,
            "font": _font(18),
            "x": 0,
            "xref": "paper",
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 12},
        },
        "font": FONT,
        "height": round(top + plot_height + bottom),
        "margin": {
            "l": left,
            "r": MARGIN["r"],
            "t": top,
            "b": bottom,
            "pad": 0,
            "autoexpand": False,
        },
        "plot_bgcolor": "#FFFFFF",
        "paper_bgcolor": "#FFFFFF",
        "showlegend": legend_items > 0,
        "legend": {
            "orientation": "v",
            "x": 0,
            "xanchor": "left",
            "xref": "paper",
            "y": 1,
            "yanchor": "bottom",
            "yref": "paper",
            "bgcolor": "rgba(0,0,0,0)",
            "font": _font(14),
            "itemclick": False,
            "itemdoubleclick": False,
            "tracegroupgap": 0,
            "traceorder": "normal",
        },
        "hoverlabel": {"font": _font(15)},
        "hovermode": "closest",
        "dragmode": False,
        **layout,
    }


def _note(
    lines: list[str],
    y: float,
    *,
    x: float = 0,
    xanchor: str = "left",
    size: int = 13,
    color: str = MUTED,
    style: str = "",
    yanchor: str = "top",
) -> dict:
    """An annotation of Plotly-safe ``lines`` whose top (by default) is at pixel ``y``."""
    text = "<br>".join(lines)
    if style:
        text = f"<{style}>{text}</{style}>"
    return {
        "text": text,
        "x": x,
        "xref": "paper",
        "xanchor": xanchor,
        "y": y,
        "yref": "y",
        "yanchor": yanchor,
        "showarrow": False,
        "align": xanchor if xanchor != "center" else "center",
        "font": _font(size, color),
    }


def _pixel_axes(plot_height: float, x_range: Sequence[float]) -> dict:
    return {
        "xaxis": {"range": list(x_range), "visible": False, "fixedrange": True},
        "yaxis": {"range": [plot_height, 0], "visible": False, "fixedrange": True},
    }


# --------------------------------------------------------------------------- dot rows


@dataclass
class _Series:
    """One kind of marker on every row: a partner's positions, or a partner's guesses."""

    name: str  # legend text, Plotly-safe
    marker: dict
    hover: Callable[[int, tuple[str, str]], str]  # value, poles -> plain hover text
    xs: list[int] = field(default_factory=list)
    ys: list[float] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _DotRow:
    topic: str
    poles: tuple[str, str]
    values: tuple[int | None, ...]  # one per series
    notes: tuple[str, ...]  # plain text, e.g. "▲ Sam: not answered"


def _dot_plot(
    title: str, rows: Sequence[_DotRow], series: Sequence[_Series], footer: str | None
) -> go.Figure:
    """Rows of a 0..10 track each: topic above, pole words below its ends, notes under."""
    annotations: list[dict] = []
    track_x: list[float | None] = []
    track_y: list[float | None] = []
    link_x: list[float | None] = []
    link_y: list[float | None] = []
    y = 0.0
    for row in rows:
        topic = _wrap(row.topic, TOPIC_CHARS)
        annotations.append(_note(topic, y, size=14, color=INK, style="b"))
        y += TOPIC_LINE * len(topic) + 4
        ty = y + 12  # the track's centre: room for a marker (radius 9) above and below
        track_x += [0, 10, None, 5, 5, None]
        track_y += [ty, ty, None, ty - 5, ty + 5, None]
        given = [v for v in row.values if v is not None]
        same = len(given) == len(row.values) > 1 and len(set(given)) == 1
        for k, (s, v) in enumerate(zip(series, row.values, strict=True)):
            if v is None:
                continue
            s.xs.append(v)
            s.ys.append(ty + ((k - (len(series) - 1) / 2) * 12 if same else 0))
            s.texts.append(plotly_text(s.hover(v, row.poles)))
        if len(given) == 2 and given[0] != given[1]:
            link_x += [given[0], given[1], None]
            link_y += [ty, ty, None]
        y = ty + 14
        left, right = _wrap(row.poles[0], POLE_CHARS), _wrap(row.poles[1], POLE_CHARS)
        annotations.append(_note(left, y))
        annotations.append(_note(right, y, x=1, xanchor="right"))
        y += SMALL_LINE * max(len(left), len(right))
        for note in row.notes:
            lines = _wrap(note, NOTE_CHARS)
            annotations.append(_note(lines, y + 2, style="i"))
            y += SMALL_LINE * len(lines) + 2
        y += ROW_GAP
    if footer:
        lines = _wrap(footer, NOTE_CHARS)
        annotations.append(_note(lines, y, style="i"))
        y += SMALL_LINE * len(lines)
    y = max(y, 40)
    traces: list[dict] = []
    if track_x:
        traces.append(
            {
                "type": "scatter",
                "x": track_x[:-1],
                "y": track_y[:-1],
                "mode": "lines",
                "line": {"color": TRACK, "width": 2},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    if link_x:
        traces.append(
            {
                "type": "scatter",
                "x": link_x[:-1],
                "y": link_y[:-1],
                "mode": "lines",
                "line": {"color": CONNECTOR, "width": 4},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    for s in series:
        traces.append(
            {
                "type": "scatter",
                "x": s.xs,
                "y": s.ys,
                "mode": "markers",
                "name": s.name,
                "marker": s.marker,
                "hovertext": s.texts,
                "hoverinfo": "text",
                "cliponaxis": False,
                "showlegend": True,
            }
        )
    return _figure(
        traces, _base(title, len(series), y, annotations=annotations, **_pixel_axes(y, [0, 10]))
    )


def _filled(p: PartnerStyle) -> dict:
    return {
        "color": p.color,
        "symbol": p.symbol,
        "size": 16,
        "line": {"color": "#FFFFFF", "width": 1.5},
    }


def _open(p: PartnerStyle) -> dict:
    return {
        "color": p.color,
        "symbol": p.symbol + "-open",
        "size": 16,
        "line": {"color": p.color, "width": 2.5},
    }


def _left_out(count: int, what: str) -> str | None:
    if not count:
        return None
    return f"Not shown: {count} scale{'s' if count != 1 else ''} {what}."


def _says(who: str, verb: str = ":") -> Callable[[int, tuple[str, str]], str]:
    """Hover text for a marker: who, the value, and where that is between the poles."""
    return lambda v, poles: f"{who}{verb} {v} of 10 — {position_words(v, *poles)}"


def positions_figure(
    reveal: Reveal, styles: Mapping[str, PartnerStyle], *, missing: str = NOT_ANSWERED
) -> go.Figure:
    """Both partners on every scale: one track per scale, 0 = its left pole, 10 = its right.

    A partner who gave no position on a scale has no marker on it; the row says so in
    words. Scales neither partner answered are left out (a line at the end counts them).
    """
    rows: list[_DotRow] = []
    neither = 0
    for r in reveal.rows:
        if r.a is None and r.b is None:
            neither += 1
            continue
        notes = tuple(
            f"{_who(styles[p])}: {missing}"
            for p in ("a", "b")
            if (r.a if p == "a" else r.b) is None
        )
        rows.append(
            _DotRow(r.topic, (r.left_pole or r.left, r.right_pole or r.right), (r.a, r.b), notes)
        )
    series = [
        _Series(plotly_text(_short(styles[p].name, 30)), _filled(styles[p]), _says(_who(styles[p])))
        for p in ("a", "b")
    ]
    return _dot_plot(
        "Where each of you stands", rows, series, _left_out(neither, "neither of you answered")
    )


def guesses_figure(
    rows: Sequence[GuessRow],
    guesser: PartnerStyle,
    answerer: PartnerStyle,
    title: str | None = None,
    *,
    spec: SafetyMapSpec | None = None,
    missing: str = NOT_ANSWERED,
    no_guess: str = NO_GUESS,
) -> go.Figure:
    """One partner's guesses (open shape) beside the other's own answers (filled shape).

    ``title`` is used as given (Plotly text: escape any name in it with ``plotly_text``);
    by default it is "Guesses by ● Name", made safe here. ``spec`` gives each scale's
    pole words (without it the tracks' ends say 0 and 10). A missing guess or answer
    draws no marker and is said in words on its row; scales with neither are left out.
    """
    poles_of = poles_by_key(spec)
    drawn: list[_DotRow] = []
    neither = 0
    for r in rows:
        if r.guess is None and r.actual is None:
            neither += 1
            continue
        notes = []
        if r.guess is None:
            notes.append(f"{_who(guesser)}: {no_guess}")
        if r.actual is None:
            notes.append(f"{_who(answerer)}: {missing}")
        drawn.append(
            _DotRow(r.topic, poles_of.get(r.key, ("0", "10")), (r.guess, r.actual), tuple(notes))
        )
    series = [
        _Series(
            plotly_text(_short(guesser.name)) + "’s guess",
            _open(guesser),
            _says(_who(guesser), " guessed"),
        ),
        _Series(
            plotly_text(_short(answerer.name)) + "’s own answer",
            _filled(answerer),
            _says(_who(answerer), " said"),
        ),
    ]
    if title is None:
        title = "Guesses by " + plotly_text(f"{guesser.glyph} {_short(guesser.name, 20)}")
    return _dot_plot(title, drawn, series, _left_out(neither, "with neither a guess nor an answer"))


# --------------------------------------------------------------------------- gaps


def gaps_figure(reveal: Reveal, spec: SafetyMapSpec) -> go.Figure:
    """Scales both answered, biggest gap first: a solid bar each, its band word on it."""
    rows = sorted((r for r in reveal.rows if r.compared), key=lambda r: (-(r.gap or 0), r.order))
    labels = {
        "close": spec.texts.band_close,
        "explore": spec.texts.band_explore,
        "far": spec.texts.band_far,
    }
    annotations: list[dict] = []
    bars: dict[str, dict[str, list]] = {}
    y = 0.0
    for r in rows:
        topic = _wrap(r.topic, TOPIC_CHARS)
        annotations.append(_note(topic, y, size=14, color=INK, style="b"))
        y += TOPIC_LINE * len(topic) + 4
        by = y + 11
        gap = r.gap or 0
        b = bars.setdefault(
            r.band or "close", {"x": [], "y": [], "text": [], "pos": [], "hover": []}
        )
        b["x"].append(max(gap, 0.12))  # a gap of 0 still shows a sliver of its colour
        b["y"].append(by)
        b["text"].append(plotly_text(f"{labels[r.band or 'close']} · {gap}"))
        b["pos"].append("inside" if gap >= 5 and r.band != "close" else "outside")
        b["hover"].append(plotly_text(f"{r.topic}: {gap} point{'s' if gap != 1 else ''} apart"))
        y = by + 11 + ROW_GAP
    left_out = sum(1 for r in reveal.rows if not r.compared)
    footer = (
        f"Not shown: {left_out} scale{'s' if left_out != 1 else ''} one or both of "
        f"you didn’t answer."
        if left_out
        else None
    )
    if footer:
        lines = _wrap(footer, NOTE_CHARS)
        annotations.append(_note(lines, y, style="i"))
        y += SMALL_LINE * len(lines) + 8
    y = max(y, 40)
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": labels[band],
            "x": bb["x"],
            "y": bb["y"],
            "width": 20,
            "marker": {"color": BAND_COLORS[band], "line": {"width": 0}},
            "text": bb["text"],
            "textposition": bb["pos"],
            "insidetextanchor": "end",
            "insidetextfont": _font(14, "#FFFFFF"),
            "outsidetextfont": _font(14),
            "constraintext": "none",
            "textangle": 0,
            "cliponaxis": False,
            "hovertext": bb["hover"],
            "hoverinfo": "text",
            "showlegend": False,
        }
        for band in ("far", "explore", "close")
        if (bb := bars.get(band)) is not None
    ]
    return _figure(
        traces,
        _base(
            "Where you differ, biggest first",
            0,
            y,
            bottom=52,
            annotations=annotations,
            xaxis={
                "range": [0, 10],
                "tickvals": [0, 2, 4, 6, 8, 10],
                "gridcolor": GRID,
                "zeroline": False,
                "fixedrange": True,
                "ticks": "",
                "side": "bottom",
                "title": {"text": "points apart, out of 10", "font": _font(13), "standoff": 6},
            },
            yaxis={"range": [y, 0], "visible": False, "fixedrange": True},
            barmode="overlay",
        ),
    )


# --------------------------------------------------------------------------- the map


MAP_PLOT = 380


def map_figure(
    reveal: Reveal, styles: Mapping[str, PartnerStyle], *, missing: str = NOT_ANSWERED
) -> go.Figure:
    """Both partners on the closeness line (x: 10 = reaches for closeness) and the
    talk-now line (y: 10 = talks it through now). A partner who answered none of one
    line's scales is not placed (never at a made-up middle); a line under the map says so.
    """
    close, conflict = reveal.axis("closeness"), reveal.axis("conflict")
    placed = {p: (getattr(close, p), getattr(conflict, p)) for p in ("a", "b")}
    near = all(x is not None and y is not None for x, y in placed.values()) and (
        abs(placed["a"][0] - placed["b"][0]) < 1.5 and abs(placed["a"][1] - placed["b"][1]) < 1.5
    )
    traces: list[dict] = []
    notes: list[str] = []
    for k, p in enumerate(("a", "b")):
        st = styles[p]
        x, y = placed[p]
        if x is None or y is None:
            lines = [n for n, v in (("closeness", x), ("talk-now", y)) if v is None]
            notes.append(f"{_who(st)}: {' and '.join(lines)} scales {missing}, so not on the map")
            continue
        side = "right" if x < 4 else "left" if x > 6 else "center"
        vertical = ("bottom" if k else "top") if near else ("bottom" if y >= 8 else "top")
        traces.append(
            {
                "type": "scatter",
                "x": [x],
                "y": [y],
                "mode": "markers+text",
                "name": plotly_text(_short(st.name, 30)),
                "text": [plotly_text(_who(st))],
                "textposition": f"{vertical} {side}",
                "textfont": _font(14),
                "marker": {
                    "color": st.color,
                    "symbol": st.symbol,
                    "size": 22,
                    "line": {"color": "#FFFFFF", "width": 2},
                },
                "hovertext": [
                    plotly_text(
                        f"{_who(st)}: closeness {x:.1f} of 10, talking it through {y:.1f} of 10"
                    )
                ],
                "hoverinfo": "text",
                "cliponaxis": False,
            }
        )
    dotted = {"color": "#B8BEC6", "dash": "dot", "width": 1.5}
    end = {"xref": "paper", "yref": "paper", "showarrow": False, "font": _font(13, MUTED)}
    annotations = [
        {
            **end,
            "text": "← " + CLOSENESS_POLES[0].capitalize(),
            "x": 0,
            "xanchor": "left",
            "y": 0,
            "yanchor": "top",
            "yshift": -6,
        },
        {
            **end,
            "text": CLOSENESS_POLES[1].capitalize() + " →",
            "x": 1,
            "xanchor": "right",
            "y": 0,
            "yanchor": "top",
            "yshift": -6,
        },
        {
            **end,
            "text": "← " + CONFLICT_POLES[0].capitalize(),
            "textangle": -90,
            "x": 0,
            "xanchor": "right",
            "xshift": -4,
            "y": 0,
            "yanchor": "bottom",
        },
        {
            **end,
            "text": CONFLICT_POLES[1].capitalize() + " →",
            "textangle": -90,
            "x": 0,
            "xanchor": "right",
            "xshift": -4,
            "y": 1,
            "yanchor": "top",
        },
    ]
    y = 30
    for note in notes:
        lines = _wrap(note, NOTE_CHARS)
        annotations.append(
            {
                **end,
                "text": "<i>" + "<br>".join(lines) + "</i>",
                "x": 0,
                "xanchor": "left",
                "align": "left",
                "y": 0,
                "yanchor": "top",
                "yshift": -y,
            }
        )
        y += SMALL_LINE * len(lines) + 2
    return _figure(
        traces,
        _base(
            "Closeness and space",
            len(traces),
            MAP_PLOT,
            bottom=y + 8,
            left=28,
            annotations=annotations,
            shapes=[
                {
                    "type": "line",
                    "x0": 5,
                    "x1": 5,
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "line": dotted,
                },
                {
                    "type": "line",
                    "xref": "paper",
                    "x0": 0,
                    "x1": 1,
                    "y0": 5,
                    "y1": 5,
                    "line": dotted,
                },
                {
                    "type": "rect",
                    "xref": "paper",
                    "yref": "paper",
                    "x0": 0,
                    "x1": 1,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": TRACK, "width": 1},
                },
            ],
            xaxis={"range": [-0.6, 10.6], "visible": False, "fixedrange": True},
            yaxis={"range": [-0.8, 10.8], "visible": False, "fixedrange": True},
        ),
    )
