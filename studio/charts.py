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


def _base(fig: go.Figure, height: int, title: str) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 20}},
        font=FONT,
        height=height,
        margin={"l": 10, "r": 20, "t": 60, "b": 40},
        plot_bgcolor="#FFFFFF",
        paper_bgcolor="#FFFFFF",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        hoverlabel={"font_size": 16},
    )
    return fig


def _label(p: PartnerStyle) -> str:
    return plotly_text(f"{p.glyph} {p.name}")


def _legend(p: PartnerStyle) -> str:
    """Legend entries already show the marker shape, so only the name."""
    return plotly_text(p.name)


def positions_figure(reveal: Reveal, styles: Mapping[str, PartnerStyle]) -> go.Figure:
    """Both partners on every scale at once: a dot plot, 0 = left pole, 10 = right pole."""
    rows = list(reveal.rows)
    topics = [r.topic for r in rows]
    fig = go.Figure()
    for r in rows:
        if r.compared:
            fig.add_trace(
                go.Scatter(
                    x=[r.a, r.b], y=[r.topic, r.topic], mode="lines",
                    line={"color": "#B8BEC6", "width": 3}, hoverinfo="skip", showlegend=False,
                )
            )
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
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="markers", name=_legend(st),
                marker={"color": st.color, "symbol": st.symbol, "size": 18,
                        "line": {"color": "#FFFFFF", "width": 1.5}},
                hovertext=hover, hoverinfo="text",
            )
        )
    fig.update_xaxes(range=[-0.5, 10.5], tickvals=[0, 5, 10],
                     ticktext=["left statement", "in between", "right statement"],
                     gridcolor="#E4E7EB", zeroline=False)
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(topics)),
                     automargin=True)
    return _base(fig, 120 + 44 * len(rows), "Where each of you stands")


def gaps_figure(reveal: Reveal, spec: SafetyMapSpec) -> go.Figure:
    """Scales sorted by gap, largest at the top; colour and pattern say the band."""
    rows = sorted((r for r in reveal.rows if r.compared), key=lambda r: (-(r.gap or 0), r.order))
    fig = go.Figure()
    for band in ("far", "explore", "close"):
        picked = [r for r in rows if r.band == band]
        if not picked:
            continue
        color, pattern = BAND_STYLE[band]
        label = {"close": spec.texts.band_close, "explore": spec.texts.band_explore,
                 "far": spec.texts.band_far}[band]
        fig.add_trace(
            go.Bar(
                x=[r.gap for r in picked], y=[r.topic for r in picked], orientation="h",
                name=label, marker={"color": color, "pattern": {"shape": pattern,
                                                                "fgcolor": "#FFFFFF"}},
                text=[f"{label} · {r.gap}" for r in picked], textposition="outside",
                hovertext=[f"{r.topic}: {r.gap} points apart" for r in picked],
                hoverinfo="text", cliponaxis=False,
            )
        )
    fig.update_xaxes(range=[0, 12.5], title="points apart (0–10)", gridcolor="#E4E7EB")
    fig.update_yaxes(categoryorder="array",
                     categoryarray=list(reversed([r.topic for r in rows])), automargin=True)
    fig.update_layout(barmode="overlay", bargap=0.35)
    return _base(fig, 120 + 40 * max(1, len(rows)), "Where you differ, biggest first")


def map_figure(reveal: Reveal, styles: Mapping[str, PartnerStyle]) -> go.Figure:
    """Both partners on the closeness line (x) and the talk-now line (y)."""
    close = reveal.axis("closeness")
    conflict = reveal.axis("conflict")
    fig = go.Figure()
    fig.add_shape(type="line", x0=5, x1=5, y0=0, y1=10, line={"color": "#C9CED6", "dash": "dot"})
    fig.add_shape(type="line", x0=0, x1=10, y0=5, y1=5, line={"color": "#C9CED6", "dash": "dot"})
    for p in ("a", "b"):
        st = styles[p]
        x = close.a if p == "a" else close.b
        y = conflict.a if p == "a" else conflict.b
        if x is None:
            continue
        y = 5.0 if y is None else y
        fig.add_trace(
            go.Scatter(
                x=[x], y=[y], mode="markers+text", name=_label(st), text=[_label(st)],
                textposition="top center", textfont={"size": 16},
                marker={"color": st.color, "symbol": st.symbol, "size": 26,
                        "line": {"color": "#FFFFFF", "width": 2}},
                hovertext=[f"{_label(st)}: closeness {x:.1f}, talk now {y:.1f}"],
                hoverinfo="text",
            )
        )
    fig.update_xaxes(range=[-0.5, 10.5], tickvals=[0, 10],
                     ticktext=["steps back for space", "reaches for closeness"],
                     showgrid=False, zeroline=False)
    fig.update_yaxes(range=[-0.5, 10.8], tickvals=[0, 10],
                     ticktext=["cools off first", "talks it through now"],
                     showgrid=False, zeroline=False)
    return _base(fig, 460, "Closeness and space")


def guesses_figure(
    rows: Sequence[GuessRow], guesser: PartnerStyle, answerer: PartnerStyle, title: str
) -> go.Figure:
    """One partner's guesses (open shape) beside the other's own answers (filled shape)."""
    rows = list(rows)
    fig = go.Figure()
    for r in rows:
        if r.compared:
            fig.add_trace(
                go.Scatter(x=[r.guess, r.actual], y=[r.topic, r.topic], mode="lines",
                           line={"color": "#B8BEC6", "width": 3}, hoverinfo="skip",
                           showlegend=False)
            )
    answered = [r for r in rows if r.actual is not None]
    guessed = [r for r in rows if r.guess is not None]
    fig.add_trace(
        go.Scatter(
            x=[r.actual for r in answered], y=[r.topic for r in answered], mode="markers",
            name=_legend(answerer) + " (their answer)",
            marker={"color": answerer.color, "symbol": answerer.symbol, "size": 18},
            hovertext=[f"{_label(answerer)} said {r.actual}" for r in answered],
            hoverinfo="text",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[r.guess for r in guessed], y=[r.topic for r in guessed], mode="markers",
            name=_legend(guesser) + " (the guess)",
            marker={"color": guesser.color, "symbol": guesser.symbol + "-open", "size": 18,
                    "line": {"width": 3}},
            hovertext=[f"{_label(guesser)} guessed {r.guess}" for r in guessed],
            hoverinfo="text",
        )
    )
    fig.update_xaxes(range=[-0.5, 10.5], tickvals=[0, 5, 10], gridcolor="#E4E7EB")
    fig.update_yaxes(categoryorder="array",
                     categoryarray=list(reversed([r.topic for r in rows])), automargin=True)
    return _base(fig, 120 + 40 * len(rows), title)
