"""Helpers that keep user text as text (pure).

Streamlit renders headings, captions, button and widget labels as markdown, which
would turn a name like ``![x](http://…)`` into an image request or ``:red[x]`` into
colour. Wherever user text must sit inside such a string, pass it through
``md_escape`` first: every ASCII punctuation character gets a backslash, which
CommonMark (and Streamlit's directives, LaTeX and emoji short codes) then treat as
a literal character.
"""

from __future__ import annotations

import string

_PUNCT = set(string.punctuation)


def md_escape(text: str) -> str:
    """Escape ``text`` so markdown shows it literally, character for character."""
    out = []
    for ch in text:
        if ch in _PUNCT:
            out.append("\\" + ch)
        elif ch in "\r\n":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` at ``limit`` characters with an ellipsis (for labels, not for data)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
