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

Content files (``exercises/*.toml``) are written by facilitators, not by us, and are
drawn as markdown too. ``content_md`` lets simple emphasis through (``*word*``,
``**words**``, ``_word_``) and escapes everything else the same way, so nothing in a
content file can load, link, colour, typeset or run anything.
"""

from __future__ import annotations

import re
import string

_PUNCT = set(string.punctuation)
WORD_JOINER = "\u2060"  # zero width, no line break: invisible, but no pattern spans it

# Where GFM's autolink literals start: ``http(s)://``, ``www.``, and the ``@`` of an
# address (remark-gfm: /(https?:\/\/|www(?=\.))…/gi and /([-.\w+]+)@(…)/u).
_AUTOLINK_STARTS = re.compile(r"(?<=https)(?=:)|(?<=http)(?=:)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)


def _escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in _PUNCT:
            out.append("\\" + ch)
        elif ch in "\r\n":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def md_escape(text: str) -> str:
    """Escape ``text`` so markdown shows it literally, character for character.

    No markdown, HTML, LaTeX, Streamlit directive or autolink (web or e-mail address)
    survives; line breaks become spaces. The result looks like ``text`` on screen.
    """
    return _escape(_AUTOLINK_STARTS.sub(WORD_JOINER, text))


# Simple emphasis, on one line, starting and ending next to a non-space character:
# ``**strong**`` (which may hold one ``*em*``), ``*em*``, and ``_em_`` only between
# non-word characters (CommonMark has no intraword ``_`` emphasis).
_EM_STAR = r"\*(?=[^\s*])[^*]*?[^\s*]\*|\*[^\s*]\*"
_EMPHASIS = re.compile(
    r"\*\*(?=\S)(?P<strong>(?:[^*]|" + _EM_STAR + r")+?)(?<=\S)\*\*"
    r"|\*(?=[^\s*])(?P<star>[^*]*?[^\s*])\*"
    r"|(?<!\w)_(?=[^\s_])(?P<under>[^_]*?[^\s_])_(?!\w)"
)


def _emphasis_only(line: str) -> str:
    out, pos = [], 0
    for m in _EMPHASIS.finditer(line):
        out.append(_escape(line[pos : m.start()]))
        for group, mark in (("strong", "**"), ("star", "*"), ("under", "_")):
            inner = m.group(group)
            if inner is not None:
                out.append(mark + _emphasis_only(inner) + mark)
        pos = m.end()
    out.append(_escape(line[pos:]))
    return "".join(out)


def content_md(text: str) -> str:
    """Markdown for a content file's text in which only simple emphasis survives.

    ``*word*``, ``**words**`` and ``_word_`` stay emphasis; paragraphs (blank lines)
    stay paragraphs. Everything else — links, images, HTML, LaTeX ``$…$``, Streamlit
    directives (``:red[…]``, ``:material/…:``, emoji codes), headings, lists, code,
    web and e-mail addresses — shows as the characters written. Leading spaces are
    dropped (they would make a code block). Pure; the same text gives the same result.
    """
    text = _AUTOLINK_STARTS.sub(WORD_JOINER, text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_emphasis_only(line.strip()) for line in text.strip().split("\n")]
    return "\n".join(lines)


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` at ``limit`` characters with an ellipsis (for labels, not for data)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
