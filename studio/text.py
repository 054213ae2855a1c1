"""Helpers that keep user text as text (pure).

Streamlit renders headings, captions, button and widget labels as markdown, which
would turn a name like ``![x](http://…)`` into an image request or ``:red[x]`` into
colour. Wherever user text must sit inside such a string, pass it through
``md_escape`` first: every ASCII punctuation character gets a backslash, which
CommonMark (and Streamlit's directives, LaTeX and emoji short codes) then treat as
a literal character.

Backslashes are not enough against GitHub-flavoured markdown's *autolinks*: its
autolink-literal step looks for ``http://``, ``www.`` and ``name@host.tld`` in the
text that is left after escapes were resolved, and makes them live links. So
``md_escape`` also puts an invisible WORD JOINER (U+2060) where it breaks those
patterns — after ``http``/``https`` before the colon, after ``www`` before the dot,
and before every ``@``. The text looks exactly the same; it just can't be clicked.
"""

from __future__ import annotations

import re
import string

_PUNCT = set(string.punctuation)
WORD_JOINER = "\u2060"  # zero width, no line break: invisible, but no pattern spans it

# Where GFM's autolink literals start: ``http(s)://``, ``www.``, and the ``@`` of an
# address (remark-gfm: /(https?:\/\/|www(?=\.))…/gi and /([-.\w+]+)@(…)/u).
_AUTOLINK_STARTS = re.compile(r"(?<=https)(?=:)|(?<=http)(?=:)|(?<=www)(?=\.)|(?=@)",
                              re.IGNORECASE)


def md_escape(text: str) -> str:
    """Escape ``text`` so markdown shows it literally, character for character.

    No markdown, HTML, LaTeX, Streamlit directive or autolink (web or e-mail address)
    survives; line breaks become spaces. The result looks like ``text`` on screen.
    """
    text = _AUTOLINK_STARTS.sub(WORD_JOINER, text)
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
