"""Partner chips: colour + symbol + name, with the name always escaped.

Every name a page draws comes through here (``chip``, ``label``, ``plain``). In
projector mode — a screen the whole room sees — no couple's name is drawn at all:
the partners are "Partner A" and "Partner B", still with their colour and symbol.
"""

from __future__ import annotations

import html

import streamlit as st

from studio.couple import swatch, symbol
from studio.store import Couple
from studio.text import md_escape
from studio.ui import context

PROJECTOR_NAMES = {"a": "Partner A", "b": "Partner B"}


def shown_name(couple: Couple, partner: str) -> str:
    """The partner's name, or "Partner A"/"Partner B" on a projector."""
    if context.projector():
        return PROJECTOR_NAMES[partner]
    return couple.name(partner)


def chip_html(name: str, color_key: str, symbol_key: str) -> str:
    """Return a small HTML chip. ``name`` is HTML-escaped: it can never become markup."""
    sw, sy = swatch(color_key), symbol(symbol_key)
    return (
        f'<span class="sbs-chip" style="color:{sw.hex}">'
        f'<span class="sbs-glyph" aria-hidden="true">{sy.glyph}</span>'
        f'<span style="color:#1F2430">{html.escape(name)}</span></span>'
    )


def chip(couple: Couple, partner: str) -> None:
    st.html(chip_html(shown_name(couple, partner), couple.color(partner), couple.symbol(partner)))


def label(couple: Couple, partner: str) -> str:
    """The partner as markdown-safe text for labels, buttons and headings: '● Sam'."""
    return f"{symbol(couple.symbol(partner)).glyph} {md_escape(shown_name(couple, partner))}"


def plain(couple: Couple, partner: str) -> str:
    """The partner as plain text (for st.text, chart legends, aria labels)."""
    return f"{symbol(couple.symbol(partner)).glyph} {shown_name(couple, partner)}"


def chips_row(couple: Couple) -> None:
    """Both partners side by side, A on the left."""
    for col, p in zip(st.columns(2), ("a", "b"), strict=True):
        with col:
            chip(couple, p)
