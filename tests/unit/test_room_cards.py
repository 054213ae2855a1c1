"""A facilitator deals a card to the whole room: every screen shows the same card, no
card comes round twice until the deck is through, and only the facilitator can deal."""

from __future__ import annotations

import pytest

from studio import authoring
from studio import room_service as rs
from studio.cards import DeckSpec
from studio.exercises import load_catalog
from studio.room import RoomScript
from studio.store import Store
from tests import factory

CATALOG = load_catalog()
DECK = CATALOG.get("conversation_cards", "cards")
T0 = 1_700_000_000.0


def cards_script() -> RoomScript:
    import tomllib

    data = tomllib.loads(authoring.template("room_script", "cards_evening"))
    return RoomScript.model_validate(data)


@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.dispose()


def test_the_template_evening_has_a_cards_phase_on_the_shipped_deck() -> None:
    script = cards_script()
    phase = script.phase("cards")
    assert phase.couple_view == "cards" and phase.exercise == "conversation_cards"
    assert rs.deck_for(CATALOG, phase) is DECK
    assert rs.deck_for(CATALOG, script.phase("welcome")) is None


def test_dealing_to_a_room_reaches_everyone_and_never_repeats_within_a_pass(store) -> None:
    assert isinstance(DECK, DeckSpec)
    new = rs.create_room(store, cards_script(), now=T0)
    couple = factory.couple(store)
    rs.join_room(store, couple, new.room.code, now=T0)
    assert rs.room_card(CATALOG, rs.room_state(store, new.room.id)) is None
    seen = []
    for _ in range(len(DECK.cards)):
        state = rs.deal_to_room(store, new.secret, DECK, now=T0)
        seen.append(state.card)
        # What a couple's screen polls carries the same card (content, never words).
        following = rs.follow(store, couple.id, new.room.id)
        assert following is not None and following.room.card == state.card
        _category, text, _follow = rs.room_card(CATALOG, following.room) or ("", "", "")
        assert text == DECK.card(state.card or "").text  # type: ignore[union-attr]
    assert sorted(seen) == sorted(c.key for c in DECK.cards)  # every card once
    again = rs.deal_to_room(store, new.secret, DECK, now=T0)
    assert again.card != seen[-1]  # a new pass, never the same card twice in a row


def test_only_the_facilitator_deals_and_not_in_a_closed_room(store) -> None:
    assert isinstance(DECK, DeckSpec)
    new = rs.create_room(store, cards_script(), now=T0)
    with pytest.raises(rs.RoomError):
        rs.deal_to_room(store, "not-the-secret", DECK)
    rs.close_room(store, new.secret, now=T0)
    with pytest.raises(rs.RoomError):
        rs.deal_to_room(store, new.secret, DECK)


def test_the_rooms_card_goes_with_the_room(store) -> None:
    assert isinstance(DECK, DeckSpec)
    new = rs.create_room(store, cards_script(), now=T0)
    rs.deal_to_room(store, new.secret, DECK, now=T0)
    assert store.room_card_state(new.room.id) is not None
    assert store.purge_expired_rooms(now=T0 + 48 * 3600, retention_hours=24) == 1
    assert store.room_card_state(new.room.id) is None
