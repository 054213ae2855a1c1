"""The conversation cards page through AppTest: dealing, favourites, put back, and a
guess-first card whose words reach the page only once both are in."""

from __future__ import annotations

import shutil

from studio import authoring, exercises
from studio import cards as core
from studio import cards_service as svc
from tests.app.conftest import switch_to
from tests.app.helpers import button, everything, ok, open_curtain, sent, texts_read

DECK = "conversation_cards"
GUESS = "guess-q81 you'd pick the lake"
ANSWER = "answer-z40 the old bookshop"


def open_deck(make_app, couple):
    at = make_app(c=couple.token, exercise=DECK).run()
    return ok(switch_to(at, "cards"))


def test_draw_keep_and_put_back(make_app, ready_couple, store) -> None:
    at = open_deck(make_app, ready_couple)
    assert "Conversation cards" in texts_read(at)
    ok(button(at, "Draw the first card").click().run())
    run = svc.current(store, ready_couple.id, DECK)
    spec = exercises.load_catalog().get(DECK, "cards")
    assert isinstance(spec, core.DeckSpec)
    first = spec.card(run.state.card or "")
    assert first is not None and first.text in texts_read(at)
    assert "Robin answers this one" in texts_read(at)
    ok(button(at, "Keep as a favourite").click().run())
    assert "Your favourites (1)" in [e.label for e in at.expander]
    ok(button(at, "Put it back for later").click().run())
    run = svc.current(store, ready_couple.id, DECK)
    assert run.state.pile[-1] == first.key and run.state.favourites == (first.key,)
    assert "Robin answers this one" in texts_read(at)  # same partner, a new card
    ok(button(at, "Next card").click().run())
    assert "Sam answers this one" in texts_read(at)
    assert f"{len(spec.cards) - 2} cards still to come" in texts_read(at)


def test_an_old_tab_deals_nothing_and_says_so_kindly(make_app, ready_couple, store) -> None:
    one, two = open_deck(make_app, ready_couple), open_deck(make_app, ready_couple)
    ok(button(one, "Draw the first card").click().run())
    dealt = svc.current(store, ready_couple.id, DECK).state
    ok(button(two, "Draw the first card").click().run())  # drawn from the old state
    assert svc.current(store, ready_couple.id, DECK).state == dealt
    assert "a step behind" in texts_read(two)


def test_guess_first_keeps_each_partners_words_until_both_are_in(
    make_app, ready_couple, store
) -> None:
    at = open_deck(make_app, ready_couple)
    at.toggle(key=next(t.key for t in at.toggle if "cards_guess" in (t.key or ""))).set_value(True)
    ok(at.run())
    ok(button(at, "Draw the first card").click().run())
    while svc.current(store, ready_couple.id, DECK).state.step != "guess":
        ok(button(at, "Next card").click().run())  # a card nobody could guess
    assert "Pass the laptop to" in texts_read(at)  # Sam guesses what Robin will say
    ok(open_curtain(at))
    at.text_area[0].input(GUESS)
    ok(button(at, "Keep my guess hidden and pass on").click().run())
    assert GUESS not in sent(at) and GUESS not in everything(at)
    assert "Pass the laptop to" in texts_read(at)  # now Robin, privately
    ok(open_curtain(at))
    assert GUESS not in sent(at)
    at.text_area[0].input(ANSWER)
    ok(button(at, "Show us both").click().run())
    shown = texts_read(at)
    assert GUESS in shown and ANSWER in shown and "guessed" in shown


def test_hostile_card_text_and_answers_are_shown_as_text(
    make_app, ready_couple, store, tmp_path, monkeypatch
) -> None:
    folder = tmp_path / "content"
    shutil.copytree(exercises.EXERCISES_DIR, folder)
    monkeypatch.setattr(exercises, "EXERCISES_DIR", folder)
    path = authoring.write_new("cards", "hostile_deck", folder)
    evil = "<img src=x onerror=alert(1)> [link](http://example.com) **bold**"
    path.write_text(path.read_text().replace("A warm, open question, number 1?", evil))
    at = make_app(c=ready_couple.token, exercise="hostile_deck").run()
    ok(switch_to(at, "cards"))
    ok(button(at, "Draw the first card").click().run())
    for _ in range(4):  # four cards in the deck: the hostile one comes within a pass
        if svc.current(store, ready_couple.id, "hostile_deck").state.card == "hostile_deck_1":
            break
        ok(button(at, "Next card").click().run())
    raw = "\n".join(m.value for m in (*at.markdown, *at.subheader))
    assert "\\<img src" in raw  # drawn, and as text
    assert "<img" not in raw.replace("\\<img", "") and "](http" not in raw


def test_a_file_written_by_studio_new_appears_on_our_space_and_opens(
    make_app, ready_couple, tmp_path, monkeypatch
) -> None:
    """Dropping files into exercises/ is all it takes: no code change."""
    folder = tmp_path / "content"
    shutil.copytree(exercises.EXERCISES_DIR, folder)
    monkeypatch.setattr(exercises, "EXERCISES_DIR", folder)
    authoring.write_new("safety_map", "our_new_map", folder)
    authoring.write_new("cards", "our_new_deck", folder)
    at = make_app(c=ready_couple.token).run()
    ok(switch_to(at, "home"))
    for exercise_id, title in (("our_new_map", "Our new map"), ("our_new_deck", "Our new deck")):
        assert title in texts_read(at)
        ok(at.button(key=f"home_{exercise_id}").click().run())
        assert title.rstrip("?") in texts_read(at)
        ok(switch_to(at, "home"))


def test_a_link_to_a_deck_that_is_not_installed_says_so(make_app, ready_couple) -> None:
    at = make_app(c=ready_couple.token, exercise="no_such_deck").run()
    ok(switch_to(at, "cards"))
    assert "We couldn't find this exercise" in texts_read(at)


def test_a_broken_deck_file_is_named_and_nothing_else_breaks(
    make_app, ready_couple, tmp_path, monkeypatch
) -> None:
    folder = tmp_path / "content"
    shutil.copytree(exercises.EXERCISES_DIR, folder)
    monkeypatch.setattr(exercises, "EXERCISES_DIR", folder)
    deck = folder / "conversation_cards.toml"
    deck.write_text(deck.read_text().replace('category = "dreams"', 'category = "dream"', 1))
    at = make_app(c=ready_couple.token, exercise=DECK).run()
    ok(switch_to(at, "cards"))
    shown = texts_read(at)
    assert "can't be opened right now" in shown and "conversation_cards.toml" in shown
    assert "'dream'" in shown  # the card and the category it names, in the message
    ok(switch_to(at, "home"))
    assert "home_conversation_cards" not in [b.key for b in at.button]
    assert "home_safety_map" in [b.key for b in at.button]  # the others still work
