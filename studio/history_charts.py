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

from collections.abc import Callable, Mapping
from typing import Any

import plotly.graph_objects as go

from studio import history, story_charts
from studio.charts import PartnerStyle


def figures(h: history.History, styles: Mapping[str, PartnerStyle] | None = None,
            answer_words: Callable[[int], str] | None = None
            ) -> list[tuple[str, go.Figure, list[str]]]:
    """Every trend chart with its lines in words. ``styles`` defaults to the plain
    partner defaults (first partner blue circle, second orange triangle). The lines are
    plain text holding the partners' names as typed: escape them where they are drawn
    (``md_escape`` in Streamlit, ``html.escape`` in a file)."""
    return story_charts.figures(h, styles or history.styles(_name_keys(h)), answer_words)


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
