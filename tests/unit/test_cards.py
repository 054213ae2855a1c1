"""Conversation cards: the deck file's model and the rules of dealing (pure)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from studio import cards as core
from studio.cards import DeckError, DeckSpec, DeckState
from studio.exercises import load_catalog


def deck_data(n: int = 6, cats: tuple[str, ...] = ("know", "dream"), **over: Any) -> dict:
    data = {
        "kind": "cards",
        "id": "test_deck",
        "title": "A test deck",
        "categories": [{"key": c, "title": c.title()} for c in cats],
        "cards": [
            {"key": f"c{i}", "category": cats[i % len(cats)], "text": f"Question {i}?"}
            for i in range(n)
        ],
    }
    data.update(over)
    return data


def deck(n: int = 6, **over: Any) -> DeckSpec:
    return DeckSpec.model_validate(deck_data(n, **over))


def problem(**over: Any) -> str:
    with pytest.raises(ValidationError) as exc:
        DeckSpec.model_validate(deck_data(**over))
    return str(exc.value)


# ------------------------------------------------------------------------------- the file


def test_the_shipped_deck_has_sixty_cards_in_its_four_categories() -> None:
    [spec] = [s for s in load_catalog().of_kind("cards") if s.id == "conversation_cards"]
    assert len(spec.cards) >= 60
    assert {c.key for c in spec.categories} == {"knowing", "appreciation", "safety", "dreams"}
    for cat in spec.categories:
        assert sum(1 for c in spec.cards if c.category == cat.key) >= 12, cat.key
    texts = [c.text.casefold() for c in spec.cards]
    assert len(set(texts)) == len(texts)  # no card twice


def test_a_deck_file_names_what_is_wrong() -> None:
    cards = deck_data()["cards"]
    assert "used twice" in problem(cards=[*cards, dict(cards[0])])
    stray = {**cards[0], "key": "x", "category": "elsewhere"}
    assert "'elsewhere'" in problem(cards=[*cards, stray])
    two = [{"key": "know", "title": "K"}, {"key": "know", "title": "K again"}]
    assert "category key 'know' is used twice" in problem(categories=two)
    three = [*deck_data()["categories"], {"key": "empty", "title": "Empty"}]
    assert "'empty' has no cards" in problem(categories=three)
    assert "cards" in problem(cards=cards[:3])  # at least four


# ------------------------------------------------------------------------------- dealing


def test_the_first_deal_starts_a_pass_and_the_turn_passes_after_each_card() -> None:
    spec = deck(4)
    s = core.deal(spec, DeckState(seed=7))
    assert s.passes == 1 and s.card is not None and s.turn == "a" and s.deals == 1
    assert len(s.pile) == 3 and s.dealt == (s.card,)
    t = core.deal(spec, s)
    assert t.turn == "b" and t.card != s.card and t.deals == 2
    assert core.deal(spec, t).turn == "a"


def test_four_cards_come_round_once_each_then_the_deck_is_shuffled_again() -> None:
    spec = deck(4)
    s = DeckState(seed=3)
    first = []
    for _ in range(4):
        s = core.deal(spec, s)
        first.append(s.card)
        assert not s.finished_pass
    assert sorted(first) == ["c0", "c1", "c2", "c3"]
    s = core.deal(spec, s)
    assert s.finished_pass and s.passes == 2 and s.card != first[-1]  # never twice in a row
    s = core.deal(spec, s)
    assert not s.finished_pass


def test_a_card_put_back_comes_round_later_in_the_same_pass() -> None:
    spec = deck(4)
    s = core.deal(spec, DeckState(seed=1))
    back = s.card
    s = core.put_back(spec, s)
    assert s.card != back and s.turn == "a"  # the same partner draws again
    assert s.pile[-1] == back and back not in s.dealt
    seen = [s.card]
    while s.pile:
        s = core.deal(spec, s)
        seen.append(s.card)
    assert seen[-1] == back and sorted(seen) == ["c0", "c1", "c2", "c3"]


def test_the_last_card_of_a_pass_cannot_be_put_back() -> None:
    spec = deck(4)
    s = DeckState(seed=2)
    for _ in range(4):
        s = core.deal(spec, s)
    with pytest.raises(DeckError, match="last card"):
        core.put_back(spec, s)
    with pytest.raises(DeckError):
        core.put_back(spec, DeckState())  # nothing on the table


def test_choosing_categories_deals_only_from_them() -> None:
    spec = deck(8)
    s = core.choose(spec, DeckState(seed=5), ["dream"], guess_first=False)
    assert s.categories == ("dream",)
    for _ in range(8):
        s = core.deal(spec, s)
        card = spec.card(s.card or "")
        assert card is not None and card.category == "dream"
    everything = core.choose(spec, s, ["know", "dream", "nonsense"], guess_first=False)
    assert everything.categories == ()  # all of them: the whole deck


def test_guess_first_goes_guess_then_answer_then_together() -> None:
    spec = deck(4)
    s = core.deal(spec, core.choose(spec, DeckState(seed=1), [], guess_first=True))
    assert s.step == "guess" and core.writing(s) == "b"  # a answers, so b guesses
    s = core.guessed(s)
    assert s.step == "answer" and core.writing(s) == "a"
    with pytest.raises(DeckError):
        core.guessed(s)
    s = core.answered(s)
    assert s.step == "together" and core.writing(s) is None
    assert core.deal(spec, s).step == "guess"


def test_a_card_nobody_could_guess_is_answered_straight_away_in_guess_first_mode() -> None:
    cards = [{**c, "guessable": False} for c in deck_data(4)["cards"]]
    spec = deck(4, cards=cards)
    s = core.deal(spec, DeckState(guess_first=True))
    assert s.step == "table" and core.writing(s) is None


def test_favourites_toggle() -> None:
    s = core.toggle_favourite(DeckState(), "c1")
    s = core.toggle_favourite(s, "c2")
    assert s.favourites == ("c1", "c2")
    assert core.toggle_favourite(s, "c1").favourites == ("c2",)


def test_an_edited_file_drops_removed_cards_and_adds_new_ones_to_the_pile() -> None:
    s = core.deal(deck(6), DeckState(seed=4))
    smaller = deck(4)
    assert all(k in {"c0", "c1", "c2", "c3"} for k in core._pile(smaller, s))
    bigger = deck(8)
    assert {"c6", "c7"} <= set(core._pile(bigger, s))
    assert core.left_in_pass(bigger, s) == 7


def test_the_state_survives_its_json_and_nonsense_reads_as_a_fresh_deck() -> None:
    spec = deck(6)
    s = core.toggle_favourite(core.deal(spec, DeckState(seed=9, guess_first=True)), "c2")
    again = DeckState.from_dict(s.to_dict())
    assert again == s
    assert core.deal(spec, again) == core.deal(spec, s)  # a reload deals the same card
    assert DeckState.from_dict("nonsense") == DeckState()
    assert DeckState.from_dict({"step": "weird", "turn": "z", "pile": [1, "c1"]}).pile == ("c1",)


# ------------------------------------------------------------------------------ properties

ACTIONS = st.lists(
    st.sampled_from(["deal", "deal", "deal", "back", "fav", "guess_on", "guess_off", "write"]),
    max_size=80,
)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(4, 9), actions=ACTIONS)
def test_no_card_is_answered_twice_before_the_whole_deck_has_been(
    seed: int, n: int, actions: list[str]
) -> None:
    """Whatever a couple presses, in any order: within a pass each card is moved past at
    most once, a pass ends only when every card has been, the turn passes only on a new
    card, and only the partner whose turn it is may write."""
    spec = deck(n)
    s = DeckState(seed=seed)
    done: list[str] = []
    for action in actions:
        before = s
        try:
            if action == "deal":
                s = core.deal(spec, s)
                if before.card is not None:
                    if s.finished_pass:
                        assert sorted([*done, before.card]) == sorted(core.in_play(spec, s))
                        done = []
                    else:
                        done.append(before.card)
                        assert len(set(done)) == len(done)
                    assert s.turn != before.turn
            elif action == "back":
                s = core.put_back(spec, s)
                assert s.turn == before.turn and s.card != before.card
            elif action == "fav" and s.card:
                s = core.toggle_favourite(s, s.card)
            elif action in ("guess_on", "guess_off"):
                s = core.choose(spec, s, [], guess_first=action == "guess_on")
            elif action == "write":
                who = core.writing(s)
                if who is None:
                    continue
                assert who == (core.other(s.turn) if s.step == "guess" else s.turn)
                s = core.guessed(s) if s.step == "guess" else core.answered(s)
        except DeckError:
            assert s == before  # a refused move changes nothing
        assert DeckState.from_dict(s.to_dict()) == s
        if s.card is not None:
            assert s.card not in s.pile
