"""Themes found in free-text answers, from a lexicon file (``exercises/themes.toml``).

Pure and deterministic: no Streamlit, no store. A theme is "found" when one of
its words or short phrases appears as a whole word (or whole phrase) in the text,
so ``hug`` matches "a hug!" but not "hugely".

Both the text and the lexicon go through the same normalisation:

1. Unicode NFKC, casefold, NFKC again (so "ＨＵＧ", "Hug" and "hug" are one word);
2. invisible format characters (zero-width joiner / non-joiner, word joiner,
   soft hyphen, byte-order mark, left-to-right and right-to-left marks and
   embeddings) are removed, so "h\u200dug" still reads "hug"; the zero-width
   *space* is a word break and becomes a space;
3. everything that is not a letter, a digit or a combining mark (punctuation,
   apostrophes, hyphens, emoji, line breaks) becomes one space.

Because both sides are normalised alike, "don't shout" in the lexicon matches
"Don’t   shout" in a text, and "check-in" matches "check in".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator
from pydantic_core import PydanticCustomError

from studio.exercises import ExerciseBase

__all__ = [
    "Theme",
    "ThemeHit",
    "ThemeLexicon",
    "find_themes",
    "normalise",
    "shared_themes",
]

_KEY = r"^[a-z][a-z0-9_]{1,40}$"
_ZERO_WIDTH_SPACE = "\u200b"
_SPACES = re.compile(r" +")


def normalise(text: str) -> str:
    """Return ``text`` as lowercase words separated by single spaces.

    This is the form both texts and lexicon words are matched in (see the module
    docstring). An empty or whitespace-only text gives ``""``.
    """
    text = unicodedata.normalize("NFKC", text)
    text = unicodedata.normalize("NFKC", text.casefold())
    out: list[str] = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LNM":
            out.append(ch)
        elif ch == _ZERO_WIDTH_SPACE:
            out.append(" ")
        elif cat == "Cf":
            continue  # invisible: ZWJ, ZWNJ, bidi marks, soft hyphen, BOM …
        else:
            out.append(" ")
    return _SPACES.sub(" ", "".join(out)).strip()


class Theme(BaseModel):
    """One theme: a key, a label for people, and the words that point to it."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    key: str = Field(pattern=_KEY)
    label: str = Field(min_length=1, max_length=40)
    words: list[str] = Field(min_length=1, max_length=300)

    @field_validator("words")
    @classmethod
    def _words_usable(cls, words: list[str]) -> list[str]:
        seen: dict[str, str] = {}
        for i, word in enumerate(words):
            if not isinstance(word, str) or not word.strip():
                raise PydanticCustomError("empty_word", "word {index} is empty", {"index": i + 1})
            if len(word) > 60:
                raise PydanticCustomError(
                    "long_word",
                    "the word '{word}…' is too long (keep words under 60 characters)",
                    {"word": word[:20]},
                )
            norm = normalise(word)
            if not norm:
                raise PydanticCustomError(
                    "empty_word",
                    "the word '{word}' has no letters or digits in it",
                    {"word": word},
                )
            if norm in seen:
                raise PydanticCustomError(
                    "duplicate_word",
                    "the word '{word}' is listed twice (also as '{other}')",
                    {"word": word, "other": seen[norm]},
                )
            seen[norm] = word
        return [w.strip() for w in words]


class ThemeLexicon(ExerciseBase):
    """A ``kind = "themes"`` file: the themes, in the order they are shown."""

    kind: Literal["themes"]
    themes: list[Theme] = Field(min_length=1, max_length=100)

    # one compiled pattern per theme, plus normalised word -> lexicon word
    _compiled: tuple[tuple[re.Pattern[str], dict[str, str]], ...] = PrivateAttr(default=())

    @field_validator("themes")
    @classmethod
    def _unique_keys(cls, themes: list[Theme]) -> list[Theme]:
        seen: set[str] = set()
        for theme in themes:
            if theme.key in seen:
                raise PydanticCustomError(
                    "duplicate_key",
                    "the theme key '{key}' is used more than once",
                    {"key": theme.key},
                )
            seen.add(theme.key)
        return themes

    def model_post_init(self, context: object, /) -> None:
        self._compiled = tuple(_compile(theme) for theme in self.themes)


def _compile(theme: Theme) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex for a theme: any of its words, as a whole word or phrase.

    The zero-width lookahead lets phrases that share words overlap ("time alone"
    and "alone" are both reported). Longest alternatives first, so at one start
    position the longest phrase wins.
    """
    by_norm: dict[str, str] = {}
    for word in theme.words:
        by_norm.setdefault(normalise(word), word)
    alternatives = sorted(by_norm, key=lambda w: (-len(w), w))
    body = "|".join(re.escape(w) for w in alternatives)
    pattern = re.compile(rf"(?<![^ ])(?=({body})(?![^ ]))")
    return pattern, by_norm


@dataclass(frozen=True, slots=True)
class ThemeHit:
    """A theme found in a text.

    ``words`` are the lexicon words that matched, in lexicon order, each once;
    ``count`` is how many times any of them occurred.
    """

    key: str
    label: str
    words: tuple[str, ...]
    count: int


def find_themes(text: str | None, lexicon: ThemeLexicon) -> list[ThemeHit]:
    """Themes present in ``text``, in lexicon order (empty for ``None`` or blank text)."""
    if not text:
        return []
    norm = normalise(text)
    if not norm:
        return []
    hits: list[ThemeHit] = []
    for theme, (pattern, by_norm) in zip(lexicon.themes, lexicon._compiled, strict=True):
        found: dict[str, int] = {}
        for m in pattern.finditer(norm):
            found[m.group(1)] = found.get(m.group(1), 0) + 1
        if not found:
            continue
        matched = {by_norm[n] for n in found}
        words = tuple(dict.fromkeys(w for w in theme.words if w in matched))
        hits.append(ThemeHit(theme.key, theme.label, words, sum(found.values())))
    return hits


def shared_themes(hits_a: Iterable[ThemeHit], hits_b: Iterable[ThemeHit]) -> list[str]:
    """Keys of the themes found in both texts, in the order of ``hits_a``."""
    keys_b = {h.key for h in hits_b}
    return [h.key for h in hits_a if h.key in keys_b]
