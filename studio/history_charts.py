"""The history's trend charts, each with its text alternative, for any page or file.

``figures(history, styles, answer_words)`` returns ``[(title, figure, text_lines)]``:
the history page draws them with ``st.plotly_chart`` and the take-home report embeds the
very same figures in its HTML file, so the two can never show different pictures.

The figures come from :mod:`studio.story_charts` (the one implementation; see
:mod:`studio.history` for why there is one): small multiples, one panel per scale or
question, each partner in their colour *and* symbol (solid against dotted line too),
``connectgaps=False`` so a skipped answer breaks the line instead of dropping to zero,
and user names made literal with :func:`studio.charts.plotly_text`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import plotly.graph_objects as go

from studio import history, story_charts
from studio.charts import PartnerStyle


def figures(h: history.History, styles: Mapping[str, PartnerStyle] | None = None,
            answer_words: Callable[[int], str] | None = None, *, recent: int | None = None
            ) -> list[tuple[str, go.Figure, list[str]]]:
    """Every trend chart with its lines in words. ``styles`` defaults to the plain
    partner defaults (first partner blue circle, second orange triangle). The lines are
    plain text holding the partners' names as typed: escape them where they are drawn
    (``md_escape`` in Streamlit, ``html.escape`` in a file).

    ``recent``: say only the latest ``recent`` points of each line in words, and how many
    came before. Every point in words is what a report file wants; on the page, 500
    check-ins in words are 150 KB of markdown that the browser takes about a second to
    lay out — for text nobody reads to the end (see docs/PERFORMANCE.md, part 8)."""
    out = story_charts.figures(h, styles or history.styles(_name_keys(h)), answer_words)
    if recent is None:
        return out
    # The same charts, in the same order, as story_charts.figures draws them.
    groups = [(x, w) for x, w, shown in ((h.scales, None, bool(h.scales) and h.rounds >= 1),
                                          (h.felt, None, bool(h.felt)),
                                          (h.week, answer_words, bool(h.week))) if shown]
    if len(groups) != len(out):  # the charts changed: every point in words is still right
        return out
    shorter = []
    for (title, fig, _lines), (series, words) in zip(out, groups, strict=True):
        shorter.append((title, fig, [recent_words(x, h.names, recent, words)
                                     for x in series]))
    return shorter


def recent_words(s: history.Series, names: Mapping[str, str], recent: int,
                 answer_words: Callable[[int], str] | None = None) -> str:
    """One panel in words: its latest ``recent`` points, then how many came before."""
    if len(s.points) <= recent:
        return history.series_words(s, names, answer_words)
    latest = dataclasses.replace(s, points=s.points[-recent:])
    before = len(s.points) - recent
    first = history.day(s.points[0].when)
    return (history.series_words(latest, names, answer_words)
            + f" Before that, {before} more, from {first} on: the chart shows them all, "
            "and so does your take-home report.")


def for_export(export: Mapping[str, Any], catalog: Any
               ) -> list[tuple[str, go.Figure, list[str]]]:
    """The charts straight from :meth:`Store.export_couple` (names, colours and symbols
    from its ``couple``) — what a report outside Streamlit needs in one call."""
    h = history.build(export, catalog)
    couple = export.get("couple") if isinstance(export, Mapping) else None
    return figures(h, history.styles(couple if isinstance(couple, Mapping) else {}),
                   history.answer_words(catalog))


def _name_keys(h: history.History) -> dict[str, str]:
    return {f"name_{p}": h.names.get(p, "") for p in history.PARTNERS}
