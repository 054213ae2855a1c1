"""Conversation cards over the store, on SQLite and on Postgres: stale screens change
nothing, a guess is never read before the answer is in, and what was never shown
together leaves no trace (not in the export, not in the file)."""

from __future__ import annotations

import json

import pytest

from studio import cards as core
from studio import cards_service as svc
from studio.cards import DeckError
from studio.exercises import load_catalog
from studio.store import Store, card_words
from tests import factory
from tests.unit.stored import stored_bytes


def on_disk(store: Store) -> bytes:
    return b"".join(stored_bytes(store).values())


SPEC = load_catalog().get("conversation_cards", "cards")
GUESS = "guess-7hq2 you'd say the seaside"
ANSWER = "answer-3mz8 the mountains, always"


@pytest.fixture
def store(store_url) -> Store:
    s = Store(store_url)
    yield s
    s.dispose()


@pytest.fixture
def couple(store):
    return factory.couple(store, "Robin", "Sam")


def guess_first_card(store, couple) -> svc.Run:
    """A run in guess-first mode with a guessable card on the table."""
    assert isinstance(SPEC, core.DeckSpec)
    run = svc.current(store, couple.id, SPEC.id)
    run = svc.choose(store, SPEC, run, [], True)
    run = svc.deal(store, SPEC, run)
    while run.state.step != "guess":  # a card nobody could guess: the next one
        run = svc.deal(store, SPEC, run)
    return run


def test_one_run_per_deck_and_a_reload_finds_it(store, couple) -> None:
    first = svc.current(store, couple.id, SPEC.id)
    assert svc.current(store, couple.id, SPEC.id).id == first.id
    dealt = svc.deal(store, SPEC, first)
    again = svc.reload(store, first)
    assert again.state == dealt.state and again.state.card is not None


def test_an_old_screen_deals_nothing(store, couple) -> None:
    run = svc.current(store, couple.id, SPEC.id)
    moved = svc.deal(store, SPEC, run, expect=run.version)
    with pytest.raises(svc.Stale):
        svc.deal(store, SPEC, run, expect=run.version)  # the second tab, a step behind
    assert svc.reload(store, run).state == moved.state


def test_favourites_and_put_back_are_kept(store, couple) -> None:
    run = svc.deal(store, SPEC, svc.current(store, couple.id, SPEC.id))
    card = run.state.card
    assert card is not None
    run = svc.favourite(store, run, card)
    run = svc.put_back(store, SPEC, run)
    stored = svc.reload(store, run).state
    assert stored.favourites == (card,) and stored.pile[-1] == card and stored.card != card


def test_the_guess_is_written_only_by_the_guesser_and_read_only_with_the_answer(
    store, couple
) -> None:
    run = guess_first_card(store, couple)
    answerer, guesser = run.state.turn, core.other(run.state.turn)
    with pytest.raises(svc.Stale):
        svc.write(store, run, answerer, ANSWER)  # not their turn to write yet
    run = svc.write(store, run, guesser, GUESS)
    assert run.state.step == "answer"
    with pytest.raises(DeckError):
        svc.together(store, run)  # nothing is read before both are in
    out = json.dumps(store.export_couple(couple.id))
    assert GUESS not in out and store.export_couple(couple.id)["left_out"]["card_words"] == 1
    with pytest.raises(svc.Stale):
        svc.write(store, run, guesser, "a second guess")
    run = svc.write(store, run, answerer, ANSWER)
    said = svc.together(store, run)
    assert (said.guess, said.answer, said.guesser, said.answerer) == (
        GUESS,
        ANSWER,
        guesser,
        answerer,
    )
    out = json.dumps(store.export_couple(couple.id))
    assert GUESS in out and ANSWER in out  # shown together: theirs to keep


def test_a_guess_never_shown_is_deleted_when_the_next_card_comes(store, couple) -> None:
    run = guess_first_card(store, couple)
    run = svc.write(store, run, core.other(run.state.turn), GUESS)
    svc.deal(store, SPEC, run)  # they moved on before the answer
    with store.read() as conn:
        assert conn.execute(card_words.select()).first() is None
    store.scrub()
    assert GUESS.encode() not in on_disk(store)


def test_rather_not_say_is_kept_as_nothing(store, couple) -> None:
    run = guess_first_card(store, couple)
    run = svc.write(store, run, core.other(run.state.turn), None)
    run = svc.write(store, run, run.state.turn, "   ")
    said = svc.together(store, run)
    assert said.guess is None and said.answer is None


def test_forget_us_takes_the_cards_with_it(store, couple) -> None:
    run = guess_first_card(store, couple)
    run = svc.write(store, run, core.other(run.state.turn), GUESS)
    svc.write(store, run, run.state.turn, ANSWER)
    assert GUESS.encode() in on_disk(store)
    store.forget_couple(couple.id)
    assert svc.runs(store, couple.id, SPEC.id) == []
    assert GUESS.encode() not in on_disk(store)
    assert ANSWER.encode() not in on_disk(store)


def test_status_says_where_you_are_without_a_count_to_live_up_to(store, couple) -> None:
    assert "Not started yet" in svc.status(store, couple.id, SPEC)
    run = svc.deal(store, SPEC, svc.current(store, couple.id, SPEC.id))
    svc.favourite(store, run, run.state.card or "")
    words = svc.status(store, couple.id, SPEC)
    assert f"{len(SPEC.cards) - 1} cards still to come" in words and "1 kept" in words


def test_a_forgotten_pin_takes_an_unshown_guess_with_it(store, couple) -> None:
    """Removing a forgotten PIN must not open anything of theirs: their guess not yet
    shown together is deleted, and the card waits for a guess again."""
    run = guess_first_card(store, couple)
    guesser = core.other(run.state.turn)
    run = svc.write(store, run, guesser, GUESS)
    assert store.forget_pin(couple.id, guesser) == 1
    again = svc.reload(store, run)
    assert again.state.step == "guess" and core.writing(again.state) == guesser
    assert GUESS.encode() not in on_disk(store)
    assert store.forget_pin(couple.id, core.other(guesser)) == 0  # nothing of the other's
