"""content_md: a content file's text keeps simple emphasis and nothing else."""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path

import pytest

from studio.text import WORD_JOINER, content_md
from tests.unit.test_text import GFM_EMAIL, GFM_URL, parsed_text

ROOT = Path(__file__).resolve().parents[2]
# Every ASCII punctuation character but the two emphasis marks must come out escaped.
_LIVE = set(string.punctuation) - {"*", "_"}

HOSTILE = [
    "![a](http://example.com/a.png)",
    "[x](javascript:alert(1))",
    "<img src=x onerror=alert(1)> <b>x</b> &amp;",
    "$x^2$ and $$\\frac{1}{2}$$",
    ":red[x] :material/home: :smile: :rainbow-background[y]",
    "# heading",
    "> quote",
    "- item\n* item\n+ item\n1. item",
    "    indented code",
    "```\ncode\n```",
    "`inline`",
    "***",
    "---",
    "a | b\n--|--\n1 | 2",
    "~~gone~~ [^1] [ ] task",
    "<http://example.com> www.example.com me@example.com https://example.com",
    "**[x](http://e.com)** *![i](http://e.com/i.png)* _$x$_",
]


def unescaped_marks(md: str) -> list[str]:
    """ASCII punctuation in ``md`` that is not backslash-escaped (emphasis marks aside)."""
    live, i = [], 0
    while i < len(md):
        ch = md[i]
        if ch == "\\" and i + 1 < len(md) and md[i + 1] in string.punctuation:
            i += 2
            continue
        if ch in _LIVE:
            live.append(ch)
        i += 1
    return live


def shown(md: str) -> str:
    """The characters a reader sees (escapes resolved, emphasis marks dropped)."""
    text = re.sub(r"(?<!\\)[*_]", "", md)
    return parsed_text(text).replace(WORD_JOINER, "")


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_but_emphasis_is_live(text):
    md = content_md(text)
    assert unescaped_marks(md) == [], md
    assert not GFM_URL.search(parsed_text(md)), md
    assert not GFM_EMAIL.search(parsed_text(md)), md
    for line in md.split("\n"):
        assert line == line.lstrip(), "a leading space could start a code block"
        assert not re.match(r"[*_]\s|[*_]{3,}$", line), "no list item, no rule"


def letters(t: str) -> str:
    """The characters of ``t`` but spaces and emphasis marks."""
    return "".join(ch for ch in t if ch not in "*_" and not ch.isspace())


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_shown_as_written(text):
    assert letters(shown(content_md(text))) == letters(text)


@pytest.mark.parametrize(
    ("text", "md"),
    [
        ("A *gentle* start.", "A *gentle* start\\."),
        ("It's **your** turn", "It\\'s **your** turn"),
        ("just _listen_ now", "just _listen_ now"),
        ("**both *kinds***", "**both *kinds***"),
        ("snake_case_word stays", "snake\\_case\\_word stays"),
        ("2 * 3 * 4", "2 \\* 3 \\* 4"),
        ("* not a list", "\\* not a list"),
        ("*unclosed", "\\*unclosed"),
        ("***x***", "***x***"),
        ("*a **b** c*", "\\*a **b** c\\*"),
        ("*a*b*", "*a*b\\*"),
    ],
)
def test_emphasis_survives_and_only_emphasis(text, md):
    assert content_md(text) == md


def test_paragraphs_stay_paragraphs():
    text = '\n  First paragraph,\n  same one.\n\n  Second: "quoted".\n'
    assert content_md(text) == 'First paragraph\\,\nsame one\\.\n\nSecond\\: \\"quoted\\"\\.'


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


_MARKUP = re.compile(
    r"[*_\[\]()<>`$#|~\\]|:\w|https?:|www\.|@|^\s*(?:[-+>]|\d+[.)])\s", re.MULTILINE
)


@pytest.mark.parametrize("path", sorted((ROOT / "exercises").glob("*.toml")), ids=lambda p: p.name)
def test_our_own_content_reads_the_same(path):
    """Every text of every shipped exercise file, through content_md, shows exactly as
    written: nothing we ship relies on markdown beyond emphasis, so nothing changes."""
    texts = list(_strings(tomllib.loads(path.read_text(encoding="utf-8"))))
    assert texts
    for text in texts:
        md, plain = content_md(text), "\n".join(x.strip() for x in text.strip().split("\n"))
        if _MARKUP.search(text):
            assert letters(shown(md)) == letters(plain), text
        else:
            assert parsed_text(md) == plain, text
