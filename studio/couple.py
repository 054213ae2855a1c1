"""Partners: names, colours and symbols (pure, no Streamlit).

Colour is never the only cue: every partner also has a symbol, used as a text
glyph on screen and as the marker shape in charts. The palette is built from
Okabe & Ito's colour-blind-safe set, darkened where needed so that every colour
reaches 4.5:1 contrast on white (WCAG AA for normal text).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MAX_NAME = 40
DEFAULT_NAMES = {"a": "Partner A", "b": "Partner B"}


@dataclass(frozen=True)
class Swatch:
    key: str
    label: str
    hex: str


@dataclass(frozen=True)
class Symbol:
    key: str
    label: str
    glyph: str
    plotly: str  # marker symbol name in Plotly


PALETTE: tuple[Swatch, ...] = (
    Swatch("blue", "Blue", "#0072B2"),
    Swatch("orange", "Orange", "#A85A00"),
    Swatch("purple", "Purple", "#9E3D7A"),
    Swatch("green", "Green", "#00734F"),
    Swatch("vermilion", "Vermilion", "#B84700"),
    Swatch("sky", "Deep sky", "#1B5E8C"),
)
SYMBOLS: tuple[Symbol, ...] = (
    Symbol("circle", "Circle", "●", "circle"),
    Symbol("triangle", "Triangle", "▲", "triangle-up"),
    Symbol("square", "Square", "■", "square"),
    Symbol("diamond", "Diamond", "◆", "diamond"),
    Symbol("star", "Star", "★", "star"),
    Symbol("cross", "Cross", "✚", "cross"),
)
DEFAULTS = {"a": ("blue", "circle"), "b": ("orange", "triangle")}

_SWATCHES = {s.key: s for s in PALETTE}
_SYMBOLS = {s.key: s for s in SYMBOLS}


def swatch(key: str) -> Swatch:
    return _SWATCHES.get(key, PALETTE[0])


def symbol(key: str) -> Symbol:
    return _SYMBOLS.get(key, SYMBOLS[0])


class NameProblem(ValueError):
    """A name we can't use, with a kind message."""


# Characters that would break a line, hide text or turn the text around it: control
# characters (Cc), line/paragraph separators, lone surrogates (not storable as UTF-8)
# and the bidi embedding/override/isolate controls. Any run of whitespace (newlines,
# tabs) becomes one space. Zero-width joiners stay (emoji sequences need them), and so
# do the left-to-right/right-to-left marks that names in mixed scripts use.
_DROP_CATEGORIES = ("Cc", "Zl", "Zp", "Cs")
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _clean(text: str) -> str:
    kept = "".join(
        ch
        for ch in " ".join(text.split())
        if unicodedata.category(ch) not in _DROP_CATEGORIES and ch not in _BIDI_CONTROLS
    )
    return " ".join(unicodedata.normalize("NFC", kept).split())


def _visible(text: str) -> bool:
    """True when something would show on screen (not only joiners, marks or spaces)."""
    return any(
        unicodedata.category(ch)[0] in "LNPS" or unicodedata.category(ch) == "Co" for ch in text
    )


def clean_name(raw: str | None, partner: str) -> str:
    """Return the name to store: blank (or invisible) -> the default, else trimmed and tidied.

    Raises NameProblem when it is longer than MAX_NAME characters.
    """
    text = _clean(raw or "")
    if not _visible(text):
        return DEFAULT_NAMES[partner]
    if len(text) > MAX_NAME:
        raise NameProblem(
            f"Please keep a name to {MAX_NAME} characters or fewer — this one has {len(text)}."
        )
    return text


def relative_luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(fg: str, bg: str = "#FFFFFF") -> float:
    la, lb = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
