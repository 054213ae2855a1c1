"""A partner's private PIN, through the real app: offered at their safety note, asked at
every hand-over of theirs before anything private is drawn, five wrong tries pause it
for a minute (in the store: a new session doesn't reset it), and a forgotten PIN takes
only that partner's answers not yet looked at together."""

from __future__ import annotations

import time

from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from studio import pins
from studio import safety_service as svc
from studio.store import partner_pins
from tests.app.conftest import switch_to
from tests.app.helpers import ok, sent

PIN = "4826"
MARK_A = "marker-a-pin-7310 slow mornings"
MARK_B = "marker-b-pin-2291 long walks"
MARK_OLD = "marker-a-old-5508 looked at together"
PIN_OFFER_TITLE = "Want a PIN, so only you can open your turns?"


def keys(at: AppTest, prefix: str) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith(prefix)]


def pin_field(at: AppTest, key: str):
    return at.text_input(key=f"curtain_pin_{key}")


def show_me(at: AppTest, key: str, pin: str | None = None) -> AppTest:
    """Type ``pin`` (if any) in the hand-over's PIN field and press "I'm … — show me"."""
    if pin is not None:
        pin_field(at, key).input(pin)
    return ok(at.button(key=f"curtain_btn_{key}").click().run())


def on_the_map(make_app, couple) -> AppTest:
    return ok(switch_to(ok(make_app(c=couple.token).run()), "safety_map"))


def a_has_a_pin(store, couple, pin: str = PIN) -> None:
    store.set_pin(couple.id, "a", pins.hash_pin(pin))


def a_wrote(store, couple, text: str = MARK_A) -> svc.Run:
    run = svc.ensure_run(store, couple.id)
    store.save_answer(run.id, "a", "text", text)
    return run


def closed_for_a(at: AppTest, key: str) -> None:
    """A's hand-over with its PIN field is up, and nothing of A's answers was sent."""
    assert any(h.value.startswith("Pass the laptop to") for h in at.header)
    field = pin_field(at, key)
    assert field.proto.type == field.proto.PASSWORD and field.label.startswith("Your PIN, ")
    assert not at.text_area and not keys(at, "sm_next_")
    assert "marker-a" not in sent(at)


# -- offered at the safety note, then asked on the safety map --------------------------------


def test_a_pin_set_at_the_safety_note_guards_the_safety_map(make_app, store):
    couple = store.create_couple(
        name_a="Robin",
        name_b="Sam",
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    at = ok(switch_to(ok(make_app(c=couple.token).run()), "setup"))
    assert PIN_OFFER_TITLE not in sent(at)  # never before "it's me"
    show_me(at, "setup_safety_a")
    assert at.title[0].value.startswith("Just for you")
    offer = [e for e in at.expander if e.label == PIN_OFFER_TITLE]
    assert offer and not offer[0].proto.expanded  # small and closed
    at.text_input(key="pin_new_setup_safety_a").input(PIN)
    at.text_input(key="pin_again_setup_safety_a").input(PIN)
    ok(at.button(key="pin_keep_setup_safety_a").click().run())
    assert any("Your PIN is kept" in s.value for s in at.success)
    assert store.has_pin(couple.id, "a") and not store.has_pin(couple.id, "b")
    assert PIN not in repr(at.session_state) and PIN not in sent(at)
    ok(at.button(key="safety_ok_a").click().run())
    show_me(at, "setup_safety_b")  # Sam has no PIN: the plain button
    ok(at.button(key="safety_ok_b").click().run())  # straight on to the safety map
    ok(switch_to(at, "safety_map"))  # (AppTest doesn't follow st.switch_page by itself)
    run = svc.current_run(store, couple.id)
    key = f"sm_{run.id}_a"
    closed_for_a(at, key)
    show_me(at, key, PIN)
    at.text_area[0].input(MARK_A).run()
    assert store.answers_of(run.id, "a")["text"] == (MARK_A, False)

    # Another session later (a reload, a new tab): A's words are behind the PIN.
    later = on_the_map(make_app, couple)
    closed_for_a(later, key)
    show_me(later, key)  # no PIN typed
    closed_for_a(later, key)
    assert any("Type your PIN first" in i.value for i in later.info)
    show_me(later, key, "1111")  # a wrong one
    closed_for_a(later, key)
    assert any("not quite it" in i.value and "4 more tries" in i.value for i in later.info)
    show_me(later, key, PIN)
    assert later.text_area[0].value == MARK_A and keys(later, "sm_next_")
    assert MARK_A in sent(later)


def test_a_pin_added_after_the_hand_over_is_asked_next_time(make_app, store, ready_couple):
    a_wrote(store, ready_couple)
    at = on_the_map(make_app, ready_couple)
    key = f"sm_{svc.current_run(store, ready_couple.id).id}_a"
    assert PIN_OFFER_TITLE not in sent(at) and not at.text_input  # no field, no offer yet
    show_me(at, key)
    assert [e.label for e in at.expander][:1] == [PIN_OFFER_TITLE]
    at.text_input(key=f"pin_new_{key}").input("12345")
    at.text_input(key=f"pin_again_{key}").input("12354")
    ok(at.button(key=f"pin_keep_{key}").click().run())
    assert any("aren't the same" in w.value for w in at.warning)
    assert not store.has_pin(ready_couple.id, "a")
    at.text_input(key=f"pin_new_{key}").input("12345")
    at.text_input(key=f"pin_again_{key}").input("12345")
    ok(at.button(key=f"pin_keep_{key}").click().run())
    assert store.has_pin(ready_couple.id, "a")
    assert at.text_area[0].value == MARK_A  # A's own turn goes on
    ok(at.run())
    assert PIN_OFFER_TITLE not in sent(at) and "Your PIN" not in [e.label for e in at.expander]
    again = on_the_map(make_app, ready_couple)
    closed_for_a(again, key)
    show_me(again, key, "12345")
    assert again.text_area[0].value == MARK_A


# -- guessing: five wrong tries pause it, in the store -------------------------------------


def test_five_wrong_tries_pause_for_a_minute_even_in_a_new_session(make_app, store, ready_couple):
    a_has_a_pin(store, ready_couple)
    run = a_wrote(store, ready_couple)
    key = f"sm_{run.id}_a"
    at = on_the_map(make_app, ready_couple)
    for guess in ("0000", "1111", "2222", "3333", "4444"):
        show_me(at, key, guess)
        closed_for_a(at, key)
    assert any("rests for a moment" in i.value and "about a minute" in i.value for i in at.info)
    show_me(at, key, PIN)  # the right one, during the pause: still closed
    closed_for_a(at, key)

    fresh = on_the_map(make_app, ready_couple)  # a new tab doesn't start the count again
    assert any("rests for a moment" in i.value for i in fresh.info)
    show_me(fresh, key, PIN)
    closed_for_a(fresh, key)

    # The minute passes (moved back in the store instead of waiting).
    with store.write() as conn:
        conn.execute(update(partner_pins).values(locked_until=time.time() - 1))
    show_me(fresh, key, PIN)
    assert fresh.text_area[0].value == MARK_A


# -- reopening sealed answers goes through the PIN too -------------------------------------


def test_reopening_sealed_answers_asks_for_the_pin(make_app, store, ready_couple):
    a_has_a_pin(store, ready_couple)
    run = a_wrote(store, ready_couple)
    svc.seal(store, run, "a")
    at = on_the_map(make_app, ready_couple)  # Sam's hand-over; Robin may ask to reopen
    ok(at.button(key=f"sm_ask_unseal_{run.id}").click().run())
    ok(at.button(key=f"sm_unseal_yes_{run.id}").click().run())
    key = f"sm_{run.id}_a"
    closed_for_a(at, key)
    show_me(at, key, "9999")
    closed_for_a(at, key)
    show_me(at, key, PIN)
    assert at.header[0].value == "Look over and seal"
    assert "marker-a-pin-7310" in sent(at)


# -- the other private turns: the safety note and the dialogue's ratings --------------------


def test_the_safety_note_and_the_ratings_ask_for_the_pin(make_app, store, ready_couple):
    from tests.app.test_dialogue_page import after_both_turns

    a_has_a_pin(store, ready_couple)
    after_both_turns(store, ready_couple)
    at = ok(switch_to(ok(make_app(c=ready_couple.token).run()), "dialogue"))
    key = next(k[len("curtain_btn_") :] for k in keys(at, "curtain_btn_"))
    show_me(at, key, "0000")
    assert not [h for h in at.header if h.value.startswith("Just for you")]
    assert not at.slider
    show_me(at, key, PIN)
    assert [h.value for h in at.header if h.value.startswith("Just for you")]

    store.update_couple(ready_couple.id, stage="safety_a")
    note = ok(switch_to(ok(make_app(c=ready_couple.token).run()), "setup"))
    pin_field(note, "setup_safety_a")
    show_me(note, "setup_safety_a", "0000")
    assert not note.title or not note.title[0].value.startswith("Just for you")
    show_me(note, "setup_safety_a", PIN)
    assert note.title[0].value.startswith("Just for you")


# -- a forgotten PIN --------------------------------------------------------------------------


def test_a_forgotten_pin_takes_only_the_answers_not_yet_looked_at(make_app, store, ready_couple):
    old = store.start_safety_run(
        ready_couple.id, "safety_map", {"sealed": {"a": True, "b": True}, "revealed_at": 5.0}
    )
    store.save_answer(old, "a", "text", MARK_OLD)
    a_has_a_pin(store, ready_couple)
    run = svc.start_run(store, ready_couple.id)  # "Another time": a new round
    store.save_answer(run.id, "a", "text", MARK_A)
    store.save_answer(run.id, "b", "text", MARK_B)  # (as if from an earlier turn of Sam's)
    key = f"sm_{run.id}_a"
    at = on_the_map(make_app, ready_couple)
    closed_for_a(at, key)
    forgot = [e for e in at.expander if e.label == "Forgot your PIN?"]
    assert forgot and "deletes your private answers" in " ".join(
        m.value for m in forgot[0].markdown
    )
    ok(at.button(key=f"curtain_forgot_{key}").click().run())
    assert any("Your PIN is gone" in i.value and "starts again, empty" in i.value for i in at.info)
    assert not store.has_pin(ready_couple.id, "a")
    assert store.answers_of(run.id, "a") == {}
    assert store.answers_of(run.id, "b") == {"text": (MARK_B, False)}
    assert store.answers_of(old, "a") == {"text": (MARK_OLD, False)}  # looked at: kept
    # The hand-over is back, without a PIN field, and opens on an empty turn.
    assert not at.text_input and keys(at, "curtain_btn_")
    show_me(at, key)
    assert at.text_area[0].value == "" and "marker-a" not in sent(at)
