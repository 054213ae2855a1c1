"""studio.text: user text inside markdown stays text, autolinks included."""

from __future__ import annotations

import re
import string

import pytest

from studio.text import WORD_JOINER, md_escape

# GitHub-flavoured markdown's autolink-literal step (remark-gfm, as bundled by
# Streamlit's frontend) runs on the *parsed* text, after backslash escapes are
# resolved. These are its two patterns (Python spelling; the look-behind of the e-mail
# pattern is left out, which only makes this check stricter).
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I | re.A)
GFM_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.A)
_ESCAPED = re.compile(r"\\([" + re.escape(string.punctuation) + "])")


def parsed_text(markdown: str) -> str:
    """What CommonMark leaves of an escaped string: the text after escapes."""
    return _ESCAPED.sub(r"\1", markdown)


def visible(markdown: str) -> str:
    return parsed_text(markdown).replace(WORD_JOINER, "")


ADDRESSES = [
    "http://example.com/a.png",
    "https://example.com",
    "HTTPS://EXAMPLE.COM/x?y=1",
    "www.example.com",
    "WWW.Example.org/path",
    "http://www.example.com",
    "wwww.example.com",
    "someone@example.com",
    "a.b+c@mail.example.co.uk",
    "mailto:someone@example.com",
    "Sam (sam@example.com, www.sam.example)",
    "![a](http://example.com/a.png)",
    "<http://example.com>",
    "x http://a.bc/d www.e.fg h@i.jk",
]


@pytest.mark.parametrize("text", ADDRESSES)
def test_no_autolink_survives(text):
    out = parsed_text(md_escape(text))
    assert not GFM_URL.search(out), out
    assert not GFM_EMAIL.search(out), out


@pytest.mark.parametrize("text", [*ADDRESSES, "Robin", "**b** _i_ :red[x] $x$ <b>", "שלום"])
def test_the_text_looks_the_same(text):
    assert visible(md_escape(text)) == text


def test_plain_names_are_untouched():
    for name in ("Robin", "Sam", "Anne-Marie", "José", "whatever", "Mr. Www", "http"):
        assert WORD_JOINER not in md_escape(name)
    assert md_escape("Robin") == "Robin"
    assert md_escape("a.b") == "a\\.b"


def test_line_breaks_become_spaces():
    assert md_escape("a\nb\r\nc") == "a b  c"
