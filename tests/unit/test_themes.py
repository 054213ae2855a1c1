"""Themes found in free text: whole words only, Unicode-tolerant, deterministic, fast."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from studio.exercises import EXERCISES_DIR, parse_file
from studio.themes import ThemeHit, ThemeLexicon, find_themes, normalise, shared_themes

LEX: ThemeLexicon = parse_file(EXERCISES_DIR / "themes.toml")  # type: ignore[assignment]


def lexicon(*themes: dict[str, Any]) -> ThemeLexicon:
    return ThemeLexicon.model_validate(
        {"kind": "themes", "id": "tiny", "title": "Tiny", "themes": list(themes)}
    )


TINY = lexicon(
    {"key": "touch", "label": "Touch", "words": ["hug", "hugs", "hugging", "holding hands"]},
    {"key": "space", "label": "Space", "words": ["alone", "time alone", "me time"]},
    {"key": "calm", "label": "Calm", "words": ["calm", "don't shout"]},
    {"key": "peace", "label": "Peace", "words": ["שלום", "سلام", "café"]},
)


def keys(text: str | None, lex: ThemeLexicon = TINY) -> list[str]:
    return [h.key for h in find_themes(text, lex)]


def words_of(text: str, key: str, lex: ThemeLexicon = TINY) -> tuple[str, ...]:
    for h in find_themes(text, lex):
        if h.key == key:
            return h.words
    return ()


# ----------------------------------------------------------------------------- the real lexicon


def test_real_lexicon_covers_the_brief() -> None:
    got = {t.key for t in LEX.themes}
    assert len(LEX.themes) >= 10
    for key in ("closeness", "space", "reassurance", "touch", "trust", "routine", "listened"):
        assert key in got
    for key in ("independence", "calm", "home", "lightness", "respect"):
        assert key in got
    touch = next(t for t in LEX.themes if t.key == "touch")
    assert {"hug", "hugs", "hugging"} <= set(touch.words)
    for theme in LEX.themes:
        for word in theme.words:
            assert word == word.lower()


def test_real_lexicon_on_a_real_sentence() -> None:
    text = "Being held, a long hug, and knowing you'll be honest with me. Also quiet mornings."
    assert keys(text, LEX) == ["space", "touch", "trust"]


# ----------------------------------------------------------------------------- matching


def test_inflections_and_order() -> None:
    hits = find_themes("I love hugging. Hugs, and then a HUG. Also time alone.", TINY)
    assert [h.key for h in hits] == ["touch", "space"]  # lexicon order, not text order
    assert hits[0] == ThemeHit("touch", "Touch", ("hug", "hugs", "hugging"), 3)
    assert hits[1].words == ("alone", "time alone")


def test_whole_words_only() -> None:
    assert keys("I was hugely relieved; the thug left; calmness; alonely") == []
    assert keys("hug") == ["touch"]
    assert keys("(hug)") == ["touch"]
    assert keys("hug—please") == ["touch"]
    assert keys("mega-hug") == ["touch"]


def test_phrases_need_all_their_words() -> None:
    assert words_of("We were holding\nhands", "touch") == ("holding hands",)
    assert keys("holding the bag, hands free") == []
    assert words_of("Please, DON’T   shout.", "calm") == ("don't shout",)
    assert keys("dont shout") == []


def test_zero_width_characters_are_ignored() -> None:
    assert keys("a h\u200dug") == ["touch"]  # zero-width joiner inside the word
    assert keys("a h\u200cu\u2060g\u00ad") == ["touch"]  # ZWNJ, word joiner, soft hyphen
    assert keys("\ufeffhug") == ["touch"]  # byte-order mark
    assert keys("hug\u200bplease") == ["touch"]  # zero-width space separates words
    assert keys("hug\u200dely") == []  # still not a whole word


def test_rtl_text_and_marks() -> None:
    assert keys("\u200fhug\u200f") == ["touch"]
    assert keys("\u202bאני צריך שלום\u202c") == ["peace"]
    assert keys("أريد سلام ‏و hug") == ["touch", "peace"]
    assert keys("\u2067שלוםעליכם\u2069") == []  # not a whole word


def test_emoji_and_compatibility_forms() -> None:
    assert keys("🤗hug🤗") == ["touch"]
    assert keys("❤️‍🔥 💑 ✨") == []
    assert keys("ＨＵＧＳ") == ["touch"]  # full-width letters
    assert keys("CAFÉ") == ["peace"]
    assert keys("cafe\u0301") == ["peace"]  # combining accent
    assert keys("cafe") == []


def test_empty_and_missing_text() -> None:
    assert find_themes(None, TINY) == []
    assert find_themes("", TINY) == []
    assert find_themes("  \n\t \u200d", TINY) == []
    assert find_themes("!!! ??? ...", TINY) == []


def test_normalise() -> None:
    assert normalise("  Don’t\u200d   SHOUT!! ") == "don t shout"
    assert normalise("Straße") == "strasse"


def test_long_text_is_fast_and_deterministic() -> None:
    chunk = "Some days I just need time alone, other days a hug; hugely busy weeks. "
    text = (chunk * 400)[:20_000]
    assert len(text) == 20_000
    start = time.perf_counter()
    hits = find_themes(text, LEX)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0
    assert find_themes(text, LEX) == hits
    touch = next(h for h in hits if h.key == "touch")
    assert touch.words == ("hug",)
    assert touch.count == text.count(" a hug;")


def test_shared_themes() -> None:
    a = find_themes("A hug and some time alone", TINY)
    b = find_themes("calm voices and a hug", TINY)
    assert shared_themes(a, b) == ["touch"]
    assert shared_themes(a, []) == []
    assert shared_themes(b, a) == ["touch"]


# ----------------------------------------------------------------------------- lexicon validation


@pytest.mark.parametrize(
    ("themes", "needle"),
    [
        ([], "themes"),
        ([{"key": "a1", "label": "A", "words": []}], "words"),
        ([{"key": "a1", "label": "A", "words": ["ok", "  "]}], "empty"),
        ([{"key": "a1", "label": "A", "words": ["ok", "?!"]}], "no letters"),
        ([{"key": "a1", "label": "A", "words": ["hug", "HUG"]}], "twice"),
        (
            [
                {"key": "a1", "label": "A", "words": ["x"]},
                {"key": "a1", "label": "B", "words": ["y"]},
            ],
            "a1",
        ),
        ([{"key": "a1", "label": "A", "words": ["x"], "colour": "red"}], "colour"),
        ([{"key": "A!", "label": "A", "words": ["x"]}], "key"),
    ],
)
def test_lexicon_rejects(themes: list[dict[str, Any]], needle: str) -> None:
    with pytest.raises(ValidationError) as exc:
        lexicon(*themes)
    assert needle in str(exc.value)


# ----------------------------------------------------------------------------- properties


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_known_themes_in_lexicon_order(text: str) -> None:
    hits = find_themes(text, LEX)
    order = [t.key for t in LEX.themes]
    got = [h.key for h in hits]
    assert got == [k for k in order if k in set(got)]
    assert all(h.words and h.count >= len(h.words) for h in hits)


TOUCH_WORDS = {normalise(w) for w in TINY.themes[0].words}
LETTERS = st.text(alphabet=st.characters(categories=["Ll", "Lu", "Lo"]), max_size=6)


@settings(max_examples=200, deadline=None)
@given(LETTERS, LETTERS)
def test_a_word_glued_to_letters_is_not_that_word(prefix: str, suffix: str) -> None:
    text = f"{prefix}hug{suffix}"
    token = normalise(text)
    assume(token and " " not in token)
    assert ("touch" in keys(text)) == (token in TOUCH_WORDS)
