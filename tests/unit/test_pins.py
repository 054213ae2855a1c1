"""The private PIN: what may be kept, its hash, the pause after wrong tries, and the
store's side of it (kept as a hash only, left out of the export, gone with the couple)."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from sqlalchemy import select

from studio import pins
from studio.pins import Attempts, Check
from studio.store import Store, partner_pins
from tests import factory

FAST = {"n": 2**4, "r": 1, "p": 1}  # cheap parameters for property tests only


# -- what may be kept ------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1234", " 2468 ", "000000000000", "9876543"])
def test_four_to_twelve_digits_are_kept(raw):
    assert pins.clean_pin(raw, raw) == raw.strip()


@pytest.mark.parametrize(
    ("raw", "repeat", "says"),
    [
        ("", "", "Type the PIN"),
        (None, None, "Type the PIN"),
        ("123", "123", "4 to 12 digits"),
        ("1234567890123", "1234567890123", "4 to 12 digits"),
        ("12a4", "12a4", "digits only"),
        ("١٢٣٤", "١٢٣٤", "digits only"),  # Arabic-Indic digits: not on every keyboard
        ("1234", "1243", "aren't the same"),
        ("1234", "", "aren't the same"),
    ],
)
def test_a_pin_that_cant_be_kept_says_why(raw, repeat, says):
    with pytest.raises(pins.PinProblem, match=says):
        pins.clean_pin(raw, repeat)


# -- the hash ---------------------------------------------------------------------------------


def test_the_hash_is_scrypt_with_its_salt_and_parameters():
    """Hand-computed: the stored string is exactly scrypt(N=2**14, r=8, p=1) of the PIN
    with the given salt, and names its parameters so they can change later."""
    salt = bytes(range(16))
    stored = pins.hash_pin("2468", salt=salt)
    expected = hashlib.scrypt(
        b"2468", salt=salt, n=16384, r=8, p=1, dklen=32, maxmem=64 * 1024 * 1024
    )
    assert stored == (
        "scrypt$16384$8$1$"
        + base64.b64encode(salt).decode()
        + "$"
        + base64.b64encode(expected).decode()
    )
    assert "2468" not in stored
    assert pins.verify("2468", stored)


def test_the_same_pin_hashes_differently_each_time():
    one, two = pins.hash_pin("1234"), pins.hash_pin("1234")
    assert one != two
    assert one.split("$")[4] != two.split("$")[4]  # a fresh 16-byte salt each time
    assert len(base64.b64decode(one.split("$")[4])) == 16
    assert pins.verify("1234", one) and pins.verify("1234", two)


def test_a_wrong_pin_never_verifies():
    stored = pins.hash_pin("1234")
    for wrong in ("1235", "4321", "12345", "123", "", " ", "1234 5", "０１２３"):
        assert not pins.verify(wrong, stored), wrong
    assert not pins.verify(None, stored)


@settings(max_examples=60, deadline=None)
@given(
    pin=hs.text("0123456789", min_size=4, max_size=12),
    other=hs.text("0123456789", min_size=4, max_size=12),
)
def test_only_the_pin_itself_verifies(pin, other):
    stored = pins.hash_pin(pin, **FAST)
    assert pins.verify(pin, stored)
    assert pins.verify(other, stored) == (other == pin)


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "",
        "1234",
        "scrypt$16384$8$1$AAAA",
        "bcrypt$16384$8$1$AAAA$AAAA",
        "scrypt$1000$8$1$AAAA$AAAA",  # N not a power of two
        "scrypt$4194304$8$1$AAAA$AAAA",  # N far too large to try
        "scrypt$16384$8$1$not base64!$AAAA",
        "scrypt$16384$8$1$$",
    ],
)
def test_a_stored_value_we_cant_read_never_verifies(stored):
    assert not pins.verify("1234", stored)


# -- wrong tries and the pause (time injected) ----------------------------------------------


def test_five_wrong_tries_start_a_one_minute_pause():
    stored = pins.hash_pin("1234", **FAST)
    att, now = Attempts(), 1000.0
    for n in range(1, 5):
        result, att = pins.check(stored, att, "0000", now + n)
        assert result == Check("wrong", 5 - n) and att == Attempts(n, None)
    result, att = pins.check(stored, att, "0000", 1005.0)
    assert result.outcome == "paused" and result.wait == 60.0
    assert att == Attempts(0, 1065.0)


def test_while_paused_even_the_right_pin_waits_and_nothing_changes():
    stored = pins.hash_pin("1234", **FAST)
    att = Attempts(0, 1065.0)
    result, after = pins.check(stored, att, "1234", 1064.5)
    assert result.outcome == "paused" and result.wait == pytest.approx(0.5)
    assert after == att
    result, after = pins.check(stored, att, "1234", 1065.0)  # the minute is over
    assert result.outcome == "open" and after == Attempts()


def test_after_the_pause_five_more_tries():
    stored = pins.hash_pin("1234", **FAST)
    att = Attempts(0, 1065.0)
    result, att = pins.check(stored, att, "9999", 2000.0)
    assert result == Check("wrong", 4) and att == Attempts(1, None)


def test_the_right_pin_starts_the_count_again():
    stored = pins.hash_pin("1234", **FAST)
    result, att = pins.check(stored, Attempts(4, None), "1234", 50.0)
    assert result.outcome == "open" and att == Attempts()


def test_an_empty_field_is_not_a_try():
    stored = pins.hash_pin("1234", **FAST)
    result, att = pins.check(stored, Attempts(3, None), "  ", 50.0)
    assert result == Check("empty", 2) and att == Attempts(3, None)


def test_wait_left_and_its_words():
    assert pins.wait_left(Attempts(), 10.0) == 0.0
    assert pins.wait_left(Attempts(0, 70.0), 10.0) == 60.0
    assert pins.wait_left(Attempts(0, 70.0), 80.0) == 0.0
    assert pins.wait_words(60.0) == "about a minute"
    assert pins.wait_words(41.2) == "42 seconds"
    assert pins.wait_words(0.3) == "a few seconds"


def test_fresh_turn_starts_one_partner_again_and_keeps_the_rest():
    state = {
        "version": 7,
        "sealed": {"a": True, "b": True},
        "ready": {"a": True, "b": False},
        "section": {"a": "review", "b": "review"},
        "revealed_at": None,
        "unseal_request": "a",
        "shared": {"a": False, "b": False},
        "later": 3,
    }
    new = pins.fresh_turn(state, "a")
    assert new == {
        **state,
        "version": 8,
        "sealed": {"a": False, "b": True},
        "ready": {"a": False, "b": False},
        "section": {"a": "words", "b": "review"},
        "unseal_request": None,
    }
    assert state["sealed"]["a"] is True  # the input is left as it was
    assert pins.fresh_turn({"version": True}, "b")["version"] == 1


# -- the store --------------------------------------------------------------------------------


@pytest.fixture
def store(store_url) -> Store:
    s = Store(store_url)
    yield s
    s.dispose()


@pytest.fixture
def couple(store):
    return factory.couple(store, "Robin", "Sam", ready=False)


def test_the_store_keeps_only_a_hash_and_counts_tries(store, couple):
    assert store.pin_attempts(couple.id, "a") is None and not store.has_pin(couple.id, "a")
    assert store.try_pin(couple.id, "a", "1234", 10.0) is None  # no PIN: nothing to check
    store.set_pin(couple.id, "a", pins.hash_pin("4826", **FAST), now=5.0)
    with store.read() as conn:
        rows = conn.execute(select(partner_pins)).mappings().all()
    assert len(rows) == 1 and "4826" not in json.dumps([dict(r) for r in rows])
    assert store.has_pin(couple.id, "a") and not store.has_pin(couple.id, "b")
    for n in range(1, 5):
        assert store.try_pin(couple.id, "a", "1111", 100.0).outcome == "wrong"
        assert store.pin_attempts(couple.id, "a") == Attempts(n, None)
    assert store.try_pin(couple.id, "a", "1111", 100.0).outcome == "paused"
    assert store.pin_attempts(couple.id, "a") == Attempts(0, 160.0)
    # Stored, so a second store (a restart, another process) sees the same pause.
    again = Store(store.url)
    assert again.try_pin(couple.id, "a", "4826", 130.0).outcome == "paused"
    assert again.try_pin(couple.id, "a", "4826", 161.0).outcome == "open"
    again.dispose()
    assert store.pin_attempts(couple.id, "a") == Attempts(0, None)


def test_a_new_pin_replaces_the_old_and_its_tries(store, couple):
    store.set_pin(couple.id, "b", pins.hash_pin("1111", **FAST))
    store.try_pin(couple.id, "b", "0000", 1.0)
    store.set_pin(couple.id, "b", pins.hash_pin("2222", **FAST))
    assert store.pin_attempts(couple.id, "b") == Attempts()
    assert store.try_pin(couple.id, "b", "1111", 2.0).outcome == "wrong"
    assert store.try_pin(couple.id, "b", "2222", 2.0).outcome == "open"
    store.remove_pin(couple.id, "b")
    assert not store.has_pin(couple.id, "b")
    with pytest.raises(ValueError):
        store.set_pin(couple.id, "b", "2222")  # never a PIN itself


def test_the_export_leaves_the_pin_out(store, couple):
    stored = pins.hash_pin("4826", **FAST)
    store.set_pin(couple.id, "a", stored)
    dumped = json.dumps(store.export_couple(couple.id))
    assert stored.split("$")[-1] not in dumped and stored.split("$")[-2] not in dumped
    assert "scrypt" not in dumped


def test_forget_us_takes_the_pins_too(store, couple):
    store.set_pin(couple.id, "a", pins.hash_pin("4826", **FAST))
    store.forget_couple(couple.id)
    with store.read() as conn:
        assert conn.execute(select(partner_pins)).first() is None


def _round(store, couple_id, revealed: bool) -> int:
    state = {
        "version": 3,
        "sealed": {"a": True, "b": False},
        "ready": {"a": False, "b": False},
        "section": {"a": "review", "b": "needs"},
        "revealed_at": 99.0 if revealed else None,
        "unseal_request": None,
        "shared": {"a": False, "b": False},
    }
    run_id = store.start_safety_run(couple_id, "safety_map", state)
    for p in ("a", "b"):
        store.save_answer(run_id, p, "text", f"words of {p} in round {run_id}")
    return run_id


def test_a_forgotten_pin_takes_only_that_partners_unrevealed_answers(store, couple):
    old = _round(store, couple.id, revealed=True)
    now = _round(store, couple.id, revealed=False)
    store.set_pin(couple.id, "a", pins.hash_pin("4826", **FAST))
    assert store.forget_pin(couple.id, "a") == 1
    assert not store.has_pin(couple.id, "a")
    assert store.answers_of(now, "a") == {}
    assert store.answers_of(now, "b") == {"text": (f"words of b in round {now}", False)}
    assert store.answers_of(old, "a") == {"text": (f"words of a in round {old}", False)}
    state = store.safety_run(couple.id, now).state
    assert state["sealed"] == {"a": False, "b": False} and state["section"]["a"] == "words"
    assert state["version"] == 4
    assert store.safety_run(couple.id, old).state["version"] == 3
    assert store.scrub_pending() == 0


def test_a_forgotten_pin_of_one_couple_leaves_another_couple_alone(store, couple):
    other = store.create_couple(
        name_a="Kim",
        name_b="Lee",
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    theirs = _round(store, other.id, revealed=False)
    _round(store, couple.id, revealed=False)
    store.forget_pin(couple.id, "a")
    assert store.answers_of(theirs, "a") == {"text": (f"words of a in round {theirs}", False)}


def test_pins_are_migration_six(store):
    from studio.store import LATEST_VERSION, MIGRATIONS

    assert (6, [partner_pins]) in MIGRATIONS and LATEST_VERSION >= 6
    assert [fk.ondelete for fk in partner_pins.c.couple_id.foreign_keys] == ["CASCADE"]
    with store.read() as conn:
        assert store.engine.dialect.has_table(conn, "partner_pins")
