"""Our story so far, under the name the take-home report and the history page build on.

``build(export, catalog) -> History`` is the whole history of a couple: the timeline
(newest first), both partners' positions per safety-map scale across revealed rounds,
"since last time" in words, felt heard / felt safe after revealed dialogues, and the
check-in items over revealed check-ins. Skipped or unanswered items are gaps (``None``),
never zeros; a malformed part of the export is skipped, never a crash.

Why this module is a thin name and not a second implementation: the history already
lives in :mod:`studio.story` (with its charts in :mod:`studio.story_charts`), which the
history page and the take-home report both draw from. Two copies of the same rules
("only revealed", "gaps stay gaps", which change is worth naming) would drift apart, and
a drift between the page and the report is exactly the kind of bug that shows a couple
something in one place they never agreed to see in the other. So this module names the
one implementation; changing a rule means changing :mod:`studio.story`.

The gate for "only revealed" is :meth:`studio.store.Store.export_couple`: build from
its output and nothing still sealed can appear. ``build`` also never reads a round
without ``revealed_at``, ratings of a check-in without ``revealed_at``, or dialogue
ratings not marked revealed, even if a hand-made export holds them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from studio import story
from studio.charts import PartnerStyle
from studio.couple import _SWATCHES, _SYMBOLS, DEFAULTS, swatch, symbol

PARTNERS = story.PARTNERS

# The frozen dataclasses of the history.
History = story.Story  # names, entries, scales, felt, week, moved, rounds, checkins, ...
Entry = story.Entry  # one timeline entry: when, kind, title, lines (user words unescaped)
Series = story.Series  # one thing over time: key, label, low, high, poles, points
Point = story.Point  # both partners' answer at one moment (None = a gap)

# Helpers for text alternatives and timeline lines.
day = story.day  # "3 Dec 2026"
who = story.who  # a timeline line's partner ("a"/"b"/None) and its words
series_words = story.series_words  # one chart panel's text alternative


def build(export: Mapping[str, Any], catalog: Any) -> History:
    """The history from :meth:`Store.export_couple` and the content files (``catalog``:
    a :class:`studio.exercises.Catalog`, e.g. ``context.catalog()``). Anything that is not
    a dict where a dict belongs counts as nothing, so a partial export builds too."""
    return story.build(export if isinstance(export, Mapping) else {}, catalog)


def styles(couple: Mapping[str, Any] | Any) -> dict[str, PartnerStyle]:
    """Each partner's colour, Plotly symbol and glyph, from the export's ``couple`` dict
    or a :class:`studio.store.Couple` — the same choice the reveal charts make, so a
    partner looks the same on every screen and in the report. Pure (no Streamlit)."""
    def get(key: str) -> Any:
        if isinstance(couple, Mapping):
            return couple.get(key)
        return getattr(couple, key, None)

    out = {}
    for p in PARTNERS:
        name = get(f"name_{p}")
        color, shape = get(f"color_{p}"), get(f"symbol_{p}")
        # An unknown colour or symbol falls back to this partner's own default, so the
        # two partners never end up looking the same.
        color = color if isinstance(color, str) and color in _SWATCHES else DEFAULTS[p][0]
        sym = symbol(shape if isinstance(shape, str) and shape in _SYMBOLS else DEFAULTS[p][1])
        out[p] = PartnerStyle(
            name=str(name) if name else ("First partner" if p == "a" else "Second partner"),
            color=swatch(color).hex, symbol=sym.plotly,
            glyph=sym.glyph)
    return out


def answer_words(catalog: Any):
    """The check-in's five answer words (0..4) as a function, or None without the file."""
    found = catalog.of_kind("checkin") if catalog is not None else []
    if not found:
        return None
    labels = found[0].answer_labels
    return lambda v: labels[v] if 0 <= v < len(labels) else str(v)
