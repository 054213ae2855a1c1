"""Partners' names, the colour/symbol palette, and md_escape (user text stays text)."""

from __future__ import annotations

import string
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio.couple import (
    DEFAULT_NAMES,
    DEFAULTS,
    MAX_NAME,
    PALETTE,
    SYMBOLS,
    NameProblem,
    clean_name,
    contrast_ratio,
    swatch,
    symbol,
)
from studio.text import md_escape, shorten

APP_BACKGROUND = "#FBFAF7"

# -- names --------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, "", " ", "   \t  ", "\n\n", "\u3000", "\u00a0\u2003"])
def test_blank_names_become_the_defaults(raw) -> None:
    assert clean_name(raw, "a") == "Partner A"
    assert clean_name(raw, "b") == "Partner B"
    assert DEFAULT_NAMES == {"a": "Partner A", "b": "Partner B"}


@pytest.mark.parametrize(
    "raw", ["\u200b", "\u200d\u200d", "\ufeff", "\u202e", "\x00\x07", "\u0301"]
)
def test_names_that_would_show_nothing_become_the_defaults(raw) -> None:
    assert clean_name(raw, "b") == "Partner B"


def test_exactly_forty_characters_is_fine() -> None:
    name = "x" * MAX_NAME
    assert MAX_NAME == 40
    assert clean_name(name, "a") == name
    assert clean_name("  " + name + "  ", "a") == name  # spaces around don't count


@pytest.mark.parametrize("length", [41, 42, 100, 5000])
def test_a_longer_name_gets_a_kind_message_with_the_count(length) -> None:
    with pytest.raises(NameProblem) as exc:
        clean_name("y" * length, "a")
    msg = str(exc.value)
    assert str(length) in msg
    assert "40" in msg
    assert msg.startswith("Please")


@pytest.mark.parametrize(
    "name",
    [
        "👩‍❤️‍👨",  # a ZWJ sequence: the joiners must stay
        "Sam 🏳️‍🌈",
        "👨‍👩‍👧‍👦 family",
        "Zoë Ångström-Núñez",
        "François",
        "Łukasz Żółć",
        "שירה",  # Hebrew
        "فاطمة",  # Arabic
        "Noa נועה",  # mixed directions
        "محمد\u200fعلي",  # with a right-to-left mark
        "山田 花子",
        "Ngũgĩ",
        "O'Brien",
    ],
)
def test_real_names_are_kept_as_they_are(name) -> None:
    assert clean_name(name, "a") == unicodedata.normalize("NFC", name)


def test_joiners_survive_inside_emoji() -> None:
    assert "\u200d" in clean_name("👩‍❤️‍👨", "a")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ann\nLee", "Ann Lee"),
        ("Ann\r\nLee", "Ann Lee"),
        ("Ann\tLee", "Ann Lee"),
        ("Ann\u2028Lee", "Ann Lee"),
        ("Ann\u2029Lee", "Ann Lee"),
        ("Ann\x00Lee", "AnnLee"),
        ("Ann\x1bLee", "AnnLee"),
        ("Ann\x7fLee", "AnnLee"),
        ("\x07Robin\x08", "Robin"),
        ("Robin   \n  Lee", "Robin Lee"),
        ("\u202eRobin", "Robin"),  # a right-to-left override would flip the text after it
        ("Robin\u2067x\u2069", "Robinx"),
        ("a\ud800b", "ab"),  # a lone surrogate can't be stored as UTF-8
    ],
)
def test_control_characters_and_newlines_are_removed(raw, expected) -> None:
    assert clean_name(raw, "a") == expected


def test_names_are_nfc_normalized() -> None:
    decomposed = "Zoe\u0308 Jose\u0301"
    cleaned = clean_name(decomposed, "a")
    assert cleaned == "Zoë José"
    assert cleaned == unicodedata.normalize("NFC", cleaned)
    assert len(cleaned) == 8
    # Length is counted after normalizing: 40 decomposed é's are 40 characters.
    assert clean_name("e\u0301" * 40, "a") == "é" * 40


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<b>bold</b>",
        "![x](http://example.com/a.png)",
        "[click](javascript:alert(1))",
        "$x^2$",
        ":red[alarm]",
        ":material/home:",
        "**loud** _quiet_",
        "# Heading",
        "' OR 1=1; DROP TABLE couples; --",
        "{{7*7}} ${jndi:x}",
        "&amp; &lt;",
        "\\escaped\\",
    ],
)
def test_hostile_text_is_kept_verbatim(hostile) -> None:
    # It's data: escaping is the renderer's job (st.text, md_escape, html.escape).
    assert clean_name(hostile, "a") == hostile


@given(st.text(max_size=60))
def test_clean_name_never_fails_except_for_length(raw) -> None:
    try:
        out = clean_name(raw, "a")
    except NameProblem:
        return
    assert 0 < len(out) <= MAX_NAME
    assert out == out.strip()
    assert "\n" not in out and "\r" not in out
    assert not any(unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") for ch in out)
    out.encode("utf-8")  # always storable
    assert clean_name(out, "a") == out  # cleaning twice changes nothing


# -- palette ------------------------------------------------------------------------------


@pytest.mark.parametrize("sw", PALETTE, ids=lambda s: s.key)
def test_every_colour_is_readable_on_white_and_on_the_app_background(sw) -> None:
    assert contrast_ratio(sw.hex, "#FFFFFF") >= 4.5
    assert contrast_ratio(sw.hex, APP_BACKGROUND) >= 4.5


def test_contrast_ratio_by_hand() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#FFFFFF", "#000000") == contrast_ratio("#000000", "#FFFFFF")


def test_colours_and_symbols_are_all_distinct() -> None:
    for attr in ("key", "label", "hex"):
        values = [getattr(s, attr).lower() for s in PALETTE]
        assert len(set(values)) == len(values), attr
    for attr in ("key", "label", "glyph", "plotly"):
        values = [getattr(s, attr) for s in SYMBOLS]
        assert len(set(values)) == len(values), attr
    assert all(len(s.glyph) == 1 for s in SYMBOLS)


def test_the_two_defaults_differ_in_colour_and_in_symbol() -> None:
    (ca, sa), (cb, sb) = DEFAULTS["a"], DEFAULTS["b"]
    assert ca != cb and sa != sb
    assert {ca, cb} <= {s.key for s in PALETTE}
    assert {sa, sb} <= {s.key for s in SYMBOLS}


def test_unknown_keys_fall_back_instead_of_failing() -> None:
    assert swatch("no-such-colour") == PALETTE[0]
    assert symbol("no-such-symbol") == SYMBOLS[0]


# -- md_escape ----------------------------------------------------------------------------

PUNCT = set(string.punctuation)


def unescaped_punctuation(text: str) -> list[str]:
    """Markdown punctuation in ``text`` that no backslash protects."""
    found = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            if i + 1 < len(text) and text[i + 1] in PUNCT:
                i += 2
                continue
            found.append(ch)  # a lone backslash
        elif ch in PUNCT:
            found.append(ch)
        i += 1
    return found


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


@given(st.text())
def test_escaped_text_has_no_unescaped_markdown_punctuation(text) -> None:
    escaped = md_escape(text)
    assert unescaped_punctuation(escaped) == []
    assert "\n" not in escaped and "\r" not in escaped
    # Nothing but the escapes (and invisible word joiners that stop autolinks) was
    # added: the reader sees the very same characters.
    assert unescape(escaped).replace("\u2060", "") == (
        text.replace("\r", " ").replace("\n", " ").replace("\u2060", "")
    )


@given(st.text(alphabet=string.printable, max_size=40))
def test_escaping_ascii_text_stays_the_same_text(text) -> None:
    assert unescaped_punctuation(md_escape(text)) == []


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<b>x</b>", r"\<b\>x\<\/b\>"),
        (
            "![a](http://example.com/a.png)",
            r"\!\[a\]\(http" + "\u2060" + r"\:\/\/example\.com\/a\.png\)",
        ),
        ("[x](javascript:alert(1))", r"\[x\]\(javascript\:alert\(1\)\)"),
        ("$x$", r"\$x\$"),
        (":red[x]", r"\:red\[x\]"),
        (":material/home:", r"\:material\/home\:"),
        ("**bold** and _it_", r"\*\*bold\*\* and \_it\_"),
        ("# title", r"\# title"),
        ("a\\b", "a\\\\b"),
        ("line one\nline two", "line one line two"),
        ("Zoë 👩‍❤️‍👨 שירה", "Zoë 👩‍❤️‍👨 שירה"),
        ("", ""),
    ],
)
def test_md_escape_by_hand(raw, escaped) -> None:
    assert md_escape(raw) == escaped


def test_the_dangerous_shapes_lose_their_meaning() -> None:
    assert "](" not in md_escape("![a](http://example.com/a.png)").replace("\\]\\(", "")
    assert "<" not in md_escape("<img src=x onerror=alert(1)>").replace("\\<", "")
    assert ":red[" not in md_escape(":red[x]")
    assert ":material/" not in md_escape(":material/home:")


def test_shorten() -> None:
    assert shorten("short", 10) == "short"
    assert shorten("exactly10!", 10) == "exactly10!"
    assert shorten("a much longer label", 8) == "a much…"
    assert len(shorten("x" * 100, 20)) == 20
