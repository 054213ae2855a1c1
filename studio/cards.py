"""Conversation cards: a deck file's model and the pure rules of dealing (no Streamlit, no store).

A deck is categories and cards. The two of you draw one card at a time; one of you
answers it, then the turn passes. No card comes round again until every card (of the
categories you chose) has been dealt once: then a new pass begins. A card can be put
back (it goes to the bottom of the pile, to come round later in this pass) or kept as
a favourite.

In "guess first" mode the partner who isn't answering writes down, privately, what
they think the answer will be; then the one answering writes theirs, privately; then
both are shown together, like the guesses in "What makes you feel safe?".

The state is a frozen :class:`DeckState`; every move is a pure function that returns a
new one (and raises :class:`DeckError`, a sentence for people, when the move doesn't
fit the moment). The order of a pass is drawn from a seed kept in the state, so a
reload or a second tab deals exactly the same next card.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from studio.exercises import ExerciseBase

_KEY = r"^[a-z][a-z0-9_]{0,40}$"
_CONFIG = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

Partner = Literal["a", "b"]
Step = Literal["table", "guess", "answer", "together"]
ANSWER_MAX = 1000


class Category(BaseModel):
    """A group of cards the couple can choose to draw from."""

    model_config = _CONFIG

    key: str = Field(pattern=_KEY)
    title: str = Field(min_length=1, max_length=40)
    about: str = Field(default="", max_length=200)


class Card(BaseModel):
    """One question. ``key`` stays the same when the wording is edited, so favourites
    and what was already dealt survive an edit of the file."""

    model_config = _CONFIG

    key: str = Field(pattern=_KEY)
    category: str = Field(pattern=_KEY)
    text: str = Field(min_length=1, max_length=240)
    follow_up: str = Field(default="", max_length=240)
    # False for a card whose answer nobody could guess (a memory only one of you has).
    guessable: bool = True


class DeckSpec(ExerciseBase):
    """A ``kind = "cards"`` file: a deck of conversation cards."""

    kind: Literal["cards"]
    categories: tuple[Category, ...] = Field(min_length=1, max_length=20)
    cards: tuple[Card, ...] = Field(min_length=4, max_length=1000)

    @model_validator(mode="after")
    def _consistent(self) -> DeckSpec:
        seen: set[str] = set()
        for c in self.categories:
            if c.key in seen:
                raise PydanticCustomError(
                    "duplicate_category",
                    "the category key '{key}' is used twice (each category needs its own)",
                    {"key": c.key},
                )
            seen.add(c.key)
        cards: set[str] = set()
        for i, card in enumerate(self.cards):
            if card.key in cards:
                raise PydanticCustomError(
                    "duplicate_card",
                    "cards[{i}]: the card key '{key}' is used twice (each card needs its own)",
                    {"i": i, "key": card.key},
                )
            cards.add(card.key)
            if card.category not in seen:
                raise PydanticCustomError(
                    "unknown_category",
                    "cards[{i}] ('{key}') is in the category '{cat}', which the file "
                    "doesn't list under [[categories]]",
                    {"i": i, "key": card.key, "cat": card.category},
                )
        empty = [c.key for c in self.categories if not any(k.category == c.key for k in self.cards)]
        if empty:
            raise PydanticCustomError(
                "empty_category",
                "the category '{key}' has no cards",
                {"key": empty[0]},
            )
        return self

    def card(self, key: str) -> Card | None:
        for c in self.cards:
            if c.key == key:
                return c
        return None

    def category(self, key: str) -> Category | None:
        for c in self.categories:
            if c.key == key:
                return c
        return None


class DeckError(Exception):
    """A move that doesn't fit the moment. ``str()`` is a sentence for people."""


def other(p: str) -> Partner:
    return "b" if p == "a" else "a"


@dataclass(frozen=True)
class DeckState:
    """Where a couple is with a deck. ``pile``: the keys still to come in this pass, in
    order; ``card``: the one on the table (None between cards); ``turn``: who answers it."""

    seed: int = 0
    passes: int = 0  # passes begun (the first deal begins pass 1)
    pile: tuple[str, ...] = ()
    dealt: tuple[str, ...] = ()  # dealt in this pass (and not put back)
    card: str | None = None
    turn: Partner = "a"
    step: Step = "table"
    guess_first: bool = False
    categories: tuple[str, ...] = ()  # chosen categories; empty: all of them
    favourites: tuple[str, ...] = ()
    deals: int = 0  # cards dealt so far, ever (names each deal's written words)
    version: int = 0
    finished_pass: bool = False  # the last deal emptied the pile (say so once)

    def to_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "passes": self.passes,
            "pile": list(self.pile),
            "dealt": list(self.dealt),
            "card": self.card,
            "turn": self.turn,
            "step": self.step,
            "guess_first": self.guess_first,
            "categories": list(self.categories),
            "favourites": list(self.favourites),
            "deals": self.deals,
            "version": self.version,
            "finished_pass": self.finished_pass,
        }

    @classmethod
    def from_dict(cls, raw: Any) -> DeckState:
        if not isinstance(raw, dict):
            return cls()

        def keys(name: str) -> tuple[str, ...]:
            value = raw.get(name) or ()
            return tuple(str(k) for k in value if isinstance(k, str))

        step = raw.get("step")
        turn = raw.get("turn")
        card = raw.get("card")
        return cls(
            seed=int(raw.get("seed") or 0),
            passes=int(raw.get("passes") or 0),
            pile=keys("pile"),
            dealt=keys("dealt"),
            card=card if isinstance(card, str) else None,
            turn="b" if turn == "b" else "a",
            step=step if step in ("table", "guess", "answer", "together") else "table",
            guess_first=bool(raw.get("guess_first")),
            categories=keys("categories"),
            favourites=keys("favourites"),
            deals=int(raw.get("deals") or 0),
            version=int(raw.get("version") or 0),
            finished_pass=bool(raw.get("finished_pass")),
        )


def in_play(spec: DeckSpec, state: DeckState) -> list[str]:
    """The card keys the chosen categories hold, in the file's order."""
    chosen = set(state.categories) & {c.key for c in spec.categories}
    return [c.key for c in spec.cards if not chosen or c.category in chosen]


def _shuffled(keys: list[str], seed: int, n: int) -> tuple[str, ...]:
    out = list(keys)
    random.Random(f"{seed}:{n}").shuffle(out)
    return tuple(out)


def _pile(spec: DeckSpec, state: DeckState) -> tuple[str, ...]:
    """The pile as it stands against the file today: cards removed from the file, or
    outside the chosen categories, are left out; cards added to the file join the pile."""
    playing = in_play(spec, state)
    allowed = set(playing)
    pile = [k for k in state.pile if k in allowed]
    known = set(pile) | set(state.dealt) | ({state.card} if state.card else set())
    new = [k for k in playing if k not in known]
    return tuple(pile) + _shuffled(new, state.seed, state.passes + 1000)


def left_in_pass(spec: DeckSpec, state: DeckState) -> int:
    """Cards still to come before the deck goes round again."""
    return len(_pile(spec, state))


def current(spec: DeckSpec, state: DeckState) -> Card | None:
    return spec.card(state.card) if state.card else None


def deal(spec: DeckSpec, state: DeckState) -> DeckState:
    """Put the next card on the table. The card on the table (if any) counts as done and
    the turn passes. When the pile is empty, a new pass begins, in a new order."""
    turn = state.turn
    if state.card is not None:
        turn = other(state.turn)
    pile = _pile(spec, state)
    dealt = state.dealt
    passes = max(state.passes, 1)
    finished = False
    if not pile:
        playing = in_play(spec, state)
        if not playing:
            raise DeckError("There are no cards in the categories you chose.")
        if state.passes > 0:
            finished = True
        passes = state.passes + 1
        dealt = ()
        pile = _shuffled(playing, state.seed, passes)
        # Never the same card twice in a row across passes.
        if len(pile) > 1 and state.dealt and pile[0] == state.dealt[-1]:
            pile = pile[1:] + pile[:1]
    card, rest = pile[0], pile[1:]
    return replace(
        state,
        passes=passes,
        pile=rest,
        dealt=(*dealt, card),
        card=card,
        turn=turn,
        step="guess" if state.guess_first and _guessable(spec, card) else "table",
        deals=state.deals + 1,
        finished_pass=finished,
    )


def _guessable(spec: DeckSpec, key: str) -> bool:
    card = spec.card(key)
    return card is not None and card.guessable


def put_back(spec: DeckSpec, state: DeckState) -> DeckState:
    """The card on the table goes to the bottom of the pile (it comes round later in this
    pass), and a new one is dealt to the same partner."""
    if state.card is None:
        raise DeckError("There's no card on the table to put back.")
    back = state.card
    pile = tuple(k for k in _pile(spec, state) if k != back)
    dealt = tuple(k for k in state.dealt if k != back)
    if not pile:
        # The last card of the pass: nothing else to deal, it simply stays.
        raise DeckError("This is the last card of this round of the deck, so it stays.")
    moved = replace(state, pile=(*pile, back), dealt=dealt, card=None, step="table")
    return deal(spec, moved)


def toggle_favourite(state: DeckState, key: str) -> DeckState:
    if key in state.favourites:
        return replace(state, favourites=tuple(k for k in state.favourites if k != key))
    return replace(state, favourites=(*state.favourites, key))


def choose(spec: DeckSpec, state: DeckState, categories: list[str], guess_first: bool) -> DeckState:
    """Set which categories to draw from (empty: all) and whether to guess first. Only
    between cards, so a card on the table keeps its rules."""
    known = {c.key for c in spec.categories}
    chosen = tuple(k for k in dict.fromkeys(categories) if k in known)
    if len(chosen) == len(known):
        chosen = ()
    return replace(state, categories=chosen, guess_first=bool(guess_first))


def guessed(state: DeckState) -> DeckState:
    """The guesser has written their guess (or passed): the answerer's turn to write."""
    if state.step != "guess":
        raise DeckError("That guess has already been made.")
    return replace(state, step="answer")


def answered(state: DeckState) -> DeckState:
    """The answerer has written theirs: both are shown together."""
    if state.step != "answer":
        raise DeckError("That answer has already been given.")
    return replace(state, step="together")


def writing(state: DeckState) -> Partner | None:
    """Who is writing privately right now (None: nobody; the card is on the table)."""
    if state.step == "guess":
        return other(state.turn)
    if state.step == "answer":
        return state.turn
    return None


@dataclass(frozen=True)
class Together:
    """A guess-first card's two written parts, once both are in."""

    guess: str | None
    answer: str | None
    guesser: Partner
    answerer: Partner


def clean_answer(raw: str | None) -> str:
    """What one partner wrote, trimmed (and cut at ``ANSWER_MAX`` characters)."""
    text = (raw or "").strip()
    return text[:ANSWER_MAX]
