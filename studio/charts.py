"""Plotly figure builders: data in, ``go.Figure`` out (pure; no Streamlit).

Every partner is drawn with their colour *and* their marker shape, so the charts
read without colour. Names are user text: Plotly understands a little HTML
(``<b>``, ``<a href>``) and LaTeX (``$…$``) in labels, so every name goes through
``plotly_text`` first and shows literally.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from studio.safety_map import GuessRow, Reveal, SafetyMapSpec

FONT = {"family": "Source Sans Pro, Source Sans 3, sans-serif", "size": 16, "color": "#1F2430"}
BAND_STYLE = {  # colour + bar pattern: two cues
    "close": ("#0072B2", ""),
    "explore": ("#A85A00", "/"),
    "far": ("#B84700", "x"),
}


@dataclass(frozen=True)
class PartnerStyle:
    name: str
    color: str
    symbol: str  # Plotly marker symbol
    glyph: str


def plotly_text(text: str) -> str:
    """Make user text literal inside Plotly labels (no tags, links or LaTeX)."""
    return html.escape(text, quote=True).replace("$", "&#36;")


def _base(height: int, title: str, **layout: object) -> dict:
    """The layout every chart shares, plus its own axes and shapes (``layout``)."""
    return {
        "title": {"text": title, "font": {"size": 20}},
        "font": FONT,
        "height": height,
        "margin": {"l": 10, "r": 20, "t": 60, "b": 40},
        "plot_bgcolor": "#FFFFFF",
        "paper_bgcolor": "#FFFFFF",
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        "hoverlabel": {"font": {"size": 16}},
        **layout,
    }


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


def _connectors(segments: Sequence[tuple[object, object, str]]) -> list[dict]:
    """The grey line between two dots on each row, as one trace (``None`` breaks the
    line between rows): it looks the same as a trace per row, and the browser draws
    one trace much faster than twenty."""
    if not segments:
        return []
    xs: list[object] = []
    ys: list[object] = []
    for x0, x1, topic in segments:
        xs += [x0, x1, None]
        ys += [topic, topic, None]
    return [{
        "type": "scatter", "x": xs[:-1], "y": ys[:-1], "mode": "lines",
        "line": {"color": "#B8BEC6", "width": 3}, "hoverinfo": "skip", "showlegend": False,
    }]


def _label(p: PartnerStyle) -> str:
    return plotly_text(f"{p.glyph} {p.name}")


def _legend(p: PartnerStyle) -> str:
    """Legend entries already show the marker shape, so only the name."""
    return plotly_text(p.name)


def positions_figure(reveal: Reveal, styles: Mapping[str, PartnerStyle]) -> go.Figure:
    """Both partners on every scale at once: a dot plot, 0 = left pole, 10 = right pole."""
    rows = list(reveal.rows)
    topics = [r.topic for r in rows]
    traces = _connectors([(r.a, r.b, r.topic) for r in rows if r.compared])
    for p in ("a", "b"):
        st = styles[p]
        xs, ys, hover = [], [], []
        for r in rows:
            v = r.a if p == "a" else r.b
            if v is None:
                continue
            xs.append(v)
            ys.append(r.topic)
            hover.append(f"{_label(st)}: {v} of 10")
        traces.append({
            "type": "scatter", "x": xs, "y": ys, "mode": "markers", "name": _legend(st),
            "marker": {"color": st.color, "symbol": st.symbol, "size": 18,
                       "line": {"color": "#FFFFFF", "width": 1.5}},
            "hovertext": hover, "hoverinfo": "text",
        })
    return _figure(traces, _base(
        120 + 44 * len(rows), "Where each of you stands",
        xaxis={"range": [-0.5, 10.5], "tickvals": [0, 5, 10],
               "ticktext": ["left statement", "in between", "right statement"],
               "gridcolor": "#E4E7EB", "zeroline": False},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(topics)),
               "automargin": True},
    ))


def gaps_figure(reveal: Reveal, spec: SafetyMapSpec) -> go.Figure:
    """Scales sorted by gap, largest at the top; colour and pattern say the band."""
    rows = sorted((r for r in reveal.rows if r.compared), key=lambda r: (-(r.gap or 0), r.order))
    traces: list[dict] = []
    for band in ("far", "explore", "close"):
        picked = [r for r in rows if r.band == band]
        if not picked:
            continue
        color, pattern = BAND_STYLE[band]
        label = {"close": spec.texts.band_close, "explore": spec.texts.band_explore,
                 "far": spec.texts.band_far}[band]
        traces.append({
            "type": "bar", "x": [r.gap for r in picked], "y": [r.topic for r in picked],
            "orientation": "h", "name": label,
            "marker": {"color": color, "pattern": {"shape": pattern, "fgcolor": "#FFFFFF"}},
            "text": [f"{label} · {r.gap}" for r in picked], "textposition": "outside",
            "hovertext": [f"{r.topic}: {r.gap} points apart" for r in picked],
            "hoverinfo": "text", "cliponaxis": False,
        })
    return _figure(traces, _base(
        120 + 40 * max(1, len(rows)), "Where you differ, biggest first",
        xaxis={"range": [0, 12.5], "title": {"text": "points apart (0–10)"},
               "gridcolor": "#E4E7EB"},
        yaxis={"categoryorder": "array",
               "categoryarray": list(reversed([r.topic for r in rows])), "automargin": True},
        barmode="overlay", bargap=0.35,
    ))


def map_figure(reveal: Reveal, styles: Mapping[str, PartnerStyle]) -> go.Figure:
    """Both partners on the closeness line (x) and the talk-now line (y)."""
    close = reveal.axis("closeness")
    conflict = reveal.axis("conflict")
    traces: list[dict] = []
    for p in ("a", "b"):
        st = styles[p]
        x = close.a if p == "a" else close.b
        y = conflict.a if p == "a" else conflict.b
        if x is None:
            continue
        y = 5.0 if y is None else y
        traces.append({
            "type": "scatter", "x": [x], "y": [y], "mode": "markers+text", "name": _label(st),
            "text": [_label(st)], "textposition": "top center", "textfont": {"size": 16},
            "marker": {"color": st.color, "symbol": st.symbol, "size": 26,
                       "line": {"color": "#FFFFFF", "width": 2}},
            "hovertext": [f"{_label(st)}: closeness {x:.1f}, talk now {y:.1f}"],
            "hoverinfo": "text",
        })
    dotted = {"color": "#C9CED6", "dash": "dot"}
    return _figure(traces, _base(
        460, "Closeness and space",
        shapes=[{"type": "line", "x0": 5, "x1": 5, "y0": 0, "y1": 10, "line": dotted},
                {"type": "line", "x0": 0, "x1": 10, "y0": 5, "y1": 5, "line": dotted}],
        xaxis={"range": [-0.5, 10.5], "tickvals": [0, 10],
               "ticktext": ["steps back for space", "reaches for closeness"],
               "showgrid": False, "zeroline": False},
        yaxis={"range": [-0.5, 10.8], "tickvals": [0, 10],
               "ticktext": ["cools off first", "talks it through now"],
               "showgrid": False, "zeroline": False},
    ))


def guesses_figure(
    rows: Sequence[GuessRow], guesser: PartnerStyle, answerer: PartnerStyle, title: str
) -> go.Figure:
    """One partner's guesses (open shape) beside the other's own answers (filled shape)."""
    rows = list(rows)
    traces = _connectors([(r.guess, r.actual, r.topic) for r in rows if r.compared])
    answered = [r for r in rows if r.actual is not None]
    guessed = [r for r in rows if r.guess is not None]
    traces.append({
        "type": "scatter", "x": [r.actual for r in answered], "y": [r.topic for r in answered],
        "mode": "markers", "name": _legend(answerer) + " (their answer)",
        "marker": {"color": answerer.color, "symbol": answerer.symbol, "size": 18},
        "hovertext": [f"{_label(answerer)} said {r.actual}" for r in answered],
        "hoverinfo": "text",
    })
    traces.append({
        "type": "scatter", "x": [r.guess for r in guessed], "y": [r.topic for r in guessed],
        "mode": "markers", "name": _legend(guesser) + " (the guess)",
        "marker": {"color": guesser.color, "symbol": guesser.symbol + "-open", "size": 18,
                   "line": {"width": 3}},
        "hovertext": [f"{_label(guesser)} guessed {r.guess}" for r in guessed],
        "hoverinfo": "text",
    })
    return _figure(traces, _base(
        120 + 40 * len(rows), title,
        xaxis={"range": [-0.5, 10.5], "tickvals": [0, 5, 10], "gridcolor": "#E4E7EB"},
        yaxis={"categoryorder": "array",
               "categoryarray": list(reversed([r.topic for r in rows])), "automargin": True},
    ))
