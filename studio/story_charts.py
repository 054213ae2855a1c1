"""The trend charts of "Our story so far" (pure Plotly): small multiples, one small
panel per scale or question, both partners in their own colour *and* symbol, a line
broken wherever an answer is missing (a gap, never a zero)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import plotly.graph_objects as go

from studio import story
from studio.charts import FONT, GRID, INK, MUTED, PartnerStyle, plotly_text

PANEL = 92  # px per panel's plot
GAP = 76  # px between panels: the next panel's title and pole words
TOP = 118
MAX_TICKS = 6


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def trend_figure(
    title: str,
    series: Sequence[story.Series],
    styles: Mapping[str, PartnerStyle],
    tick_words: Callable[[int], str] | None = None,
) -> go.Figure:
    """One figure: a panel per series, stacked (reads at a phone's width too)."""
    n = len(series)
    height = TOP + n * PANEL + (n - 1) * GAP + 40
    whens = sorted({p.when for s in series for p in s.points})
    index = {w: i + 1 for i, w in enumerate(whens)}
    step = max(1, -(-len(whens) // MAX_TICKS))
    tickvals = list(range(1, len(whens) + 1, step))
    ticktext = [story.day(whens[i - 1]).rsplit(" ", 1)[0] for i in tickvals]
    traces: list[dict] = []
    layout: dict = {
        "height": height,
        "font": FONT,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 40, "r": 16, "t": TOP, "b": 30},
        "showlegend": True,
        # The page and the report give each chart its heading; the legend sits on top
        # with room for two lines (a phone wraps the two names).
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "font": FONT,
            "entrywidth": 140,
        },
        "annotations": [],
        "hovermode": "closest",
    }
    plot_h = height - TOP - 30
    for i, s in enumerate(series):
        top = 1 - (i * (PANEL + GAP)) / plot_h
        bottom = top - PANEL / plot_h
        ax = "" if i == 0 else str(i + 1)
        layout[f"xaxis{ax}"] = {
            "domain": [0, 1],
            "anchor": f"y{ax}",
            "range": [0.6, max(len(whens), 1) + 0.4],
            "tickvals": tickvals,
            "ticktext": ticktext,
            "showgrid": False,
            "zeroline": False,
            "tickfont": {**FONT, "size": 12, "color": MUTED},
            "fixedrange": True,
            "showticklabels": True,
        }
        layout[f"yaxis{ax}"] = {
            "domain": [max(0.0, bottom), min(1.0, top)],
            "anchor": f"x{ax}",
            "range": [s.low - 0.8, s.high + 0.8],
            "tickvals": [s.low, s.high],
            "ticktext": [str(s.low), str(s.high)],
            "gridcolor": GRID,
            "zeroline": False,
            "tickfont": {**FONT, "size": 12, "color": MUTED},
            "fixedrange": True,
        }
        text = "<b>" + plotly_text(_short(s.label)) + "</b>"
        if s.poles:
            text += (
                f"<br><span style='color:{MUTED}'>{s.low} = "
                f"{plotly_text(_short(s.poles[0], 22))} · {s.high} = "
                f"{plotly_text(_short(s.poles[1], 22))}</span>"
            )
        layout["annotations"].append(
            {
                "text": text,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": min(1.0, top) + 6 / plot_h,
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {**FONT, "size": 13, "color": INK},
                "align": "left",
            }
        )
        for p in story.PARTNERS:
            st_ = styles[p]
            ys = [getattr(pt, p) for pt in s.points]
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "xaxis": f"x{ax}",
                    "yaxis": f"y{ax}",
                    "x": [index[pt.when] for pt in s.points],
                    "y": ys,
                    "connectgaps": False,
                    "name": plotly_text(f"{st_.glyph} {st_.name}"),
                    "legendgroup": p,
                    "showlegend": i == 0,
                    "line": {
                        "color": st_.color,
                        "width": 2,
                        "dash": "solid" if p == "a" else "dot",
                    },
                    "marker": {
                        "color": st_.color,
                        "symbol": st_.symbol,
                        "size": 10,
                        "line": {"color": "white", "width": 1},
                    },
                    "hovertemplate": "%{y}<extra>" + plotly_text(st_.name) + "</extra>",
                    "text": [tick_words(v) if tick_words and v is not None else "" for v in ys],
                }
            )
    return go.Figure(data=traces, layout=layout, _validate=False)


def figures(
    s: story.Story,
    styles: Mapping[str, PartnerStyle],
    answer_words: Callable[[int], str] | None = None,
) -> list[tuple[str, go.Figure, list[str]]]:
    """Every trend chart of the story with its text alternative: (title, figure, lines)."""
    out = []
    if s.scales and s.rounds >= 1:
        title = "Where each of you stands, round by round"
        out.append(
            (
                title,
                trend_figure(title, s.scales, styles),
                [story.series_words(x, s.names) for x in s.scales],
            )
        )
    if s.felt:
        title = "How each of you felt after a dialogue"
        out.append(
            (
                title,
                trend_figure(title, s.felt, styles),
                [story.series_words(x, s.names) for x in s.felt],
            )
        )
    if s.week:
        title = "How the weeks felt (0 not at all, 4 completely)"
        out.append(
            (
                title,
                trend_figure(title, s.week, styles, answer_words),
                [story.series_words(x, s.names, answer_words) for x in s.week],
            )
        )
    return out
