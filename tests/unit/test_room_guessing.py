"""Guess limiting that stops guessers and never the couple with the right code."""

from __future__ import annotations

import random

import pytest

from studio import room
from studio import room_service as rs
from studio.exercises import load_catalog
from studio.room import RoomScript
from studio.store import Store
from tests import factory

CATALOG = load_catalog()
SCRIPT = next(s for s in CATALOG.of_kind("room_script") if isinstance(s, RoomScript))
T0 = 1_700_000_000.0


@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.dispose()


def make_couple(store: Store, n: int):
    return factory.couple(store, n=n, ready=False)


def wrong_codes(right: str, rng: random.Random, same_prefix: bool):
    """Endless well-formed codes that are not ``right``."""
    while True:
        raw = "".join(rng.choice(room.JOIN_ALPHABET) for _ in range(6))
        if same_prefix:
            raw = right.replace("-", "")[:3] + raw[3:]
        code = room.normalize_join_code(raw)
        if code != right:
            yield code


def test_wrong_codes_with_a_live_rooms_prefix_never_lock_out_the_right_code(store):
    """The prefix is on the big screen. Today 20 wrong codes with it lock every couple
    out for a minute, right code included."""
    new = rs.create_room(store, SCRIPT, now=T0)
    codes = wrong_codes(new.room.code, random.Random(1), same_prefix=True)
    for i in range(20):  # twenty couples, one wrong code each, in 20 seconds
        with pytest.raises(rs.JoinRefused) as exc:
            rs.join_room(store, make_couple(store, i), next(codes), now=T0 + i)
        assert exc.value.reason == "unknown"
    late = make_couple(store, 500)
    assert rs.join_room(store, late, new.room.code, now=T0 + 21).id == new.room.id
    # Even from the same phone (network client) as the wrong codes, while it is not
    # itself over its own limit.
    phone = make_couple(store, 501)
    assert rs.join_room(store, phone, new.room.code, now=T0 + 22, client="10.0.0.7").id


def test_a_flooding_client_is_limited_and_others_are_not(store):
    new = rs.create_room(store, SCRIPT, now=T0)
    codes = wrong_codes(new.room.code, random.Random(2), same_prefix=True)
    guesser = make_couple(store, 1)
    for i in range(rs.GUESS_POLICY.couple.max_attempts):
        with pytest.raises(rs.JoinRefused):
            rs.join_room(store, guesser, next(codes), now=T0 + i)
    with pytest.raises(rs.JoinRefused) as exc:  # itself flooding: even the right code waits
        rs.join_room(store, guesser, new.room.code, now=T0 + 10)
    assert exc.value.reason == "blocked" and 0 < exc.value.retry_after <= 60
    assert rs.join_room(store, make_couple(store, 2), new.room.code, now=T0 + 10).id


def test_one_network_client_making_a_new_couple_per_guess_is_held_to_its_limit(store):
    new = rs.create_room(store, SCRIPT, now=T0)
    codes = wrong_codes(new.room.code, random.Random(3), same_prefix=False)
    answered = 0
    for i in range(300):  # a fresh couple for every guess, all from one address
        try:
            rs.join_room(
                store, make_couple(store, i), next(codes), now=T0 + i * 0.2, client="203.0.113.9"
            )
        except rs.JoinRefused as exc:
            answered += exc.reason == "unknown"
    assert answered == rs.GUESS_POLICY.network.max_attempts  # 60 s: one window's worth
    # A couple on another phone is not affected, right code or wrong.
    assert (
        rs.join_room(
            store, make_couple(store, 900), new.room.code, now=T0 + 60, client="10.0.0.8"
        ).id
        == new.room.id
    )


def test_a_new_couple_per_guess_cannot_beat_the_servers_budget(store):
    """Today the per-couple limit starts over with each new couple, and spreading codes
    over prefixes dodges the prefix limit: ~30,000 guesses a minute."""
    new = rs.create_room(store, SCRIPT, now=T0)
    codes = wrong_codes(new.room.code, random.Random(4), same_prefix=False)
    answered: list[float] = []
    for i in range(600):  # ten a second for a minute, each from a new couple
        at = T0 + i * 0.1
        try:
            rs.join_room(store, make_couple(store, i), next(codes), now=at)
        except rs.JoinRefused as exc:
            if exc.reason == "unknown":
                answered.append(at)
            else:
                assert exc.reason == "blocked" and exc.retry_after > 0
    assert len(answered) == rs.GUESS_POLICY.server_budget
    # During the flood a couple with its own phone (a client the server can tell
    # apart) still gets in with the right code ...
    assert (
        rs.join_room(
            store, make_couple(store, 2000), new.room.code, now=T0 + 61, client="10.0.0.9"
        ).id
        == new.room.id
    )
    # ... and a couple already in the room gets back in after a reload.
    member = make_couple(store, 2001)
    rs.join_room(store, member, new.room.code, now=T0 - 5)
    assert rs.join_room(store, member, new.room.code, now=T0 + 61).id == new.room.id
    # Once the flood has passed, anyone's right code works again.
    assert rs.join_room(
        store,
        make_couple(store, 2002),
        new.room.code,
        now=T0 + 60 + 2 * rs.GUESS_POLICY.server_window,
    ).id


# ------------------------------------------------------------------------ the policy


def _fastest(policy: room.GuessPolicy, seconds: float, *, network: bool, clients: int = 1):
    """Wrong codes answered when ``clients`` clients try every 0.1 s for ``seconds``
    (each try a new couple), with an injected clock."""
    couple_f: dict[int, list[float]] = {}
    net_f: dict[int, list[float]] = {c: [] for c in range(clients)}
    server_f: list[float] = []
    answered = 0
    step = 0
    while step * 0.1 < seconds:
        now = T0 + step * 0.1
        c = step % clients
        couple_f[step] = []
        v = room.check_join(policy, couple_f[step], net_f[c] if network else None, server_f, now)
        if v.allowed:
            answered += 1
            couple_f[step].append(now)
            server_f.append(now)
            if network:
                net_f[c].append(now)
        step += 1
    return answered


def test_the_guessing_maths():
    p = room.GuessPolicy()
    assert room.JOIN_CODE_SPACE == 23**6 == 148_035_889
    # One client (one address), as fast as it can, for an hour: 10 a minute at most.
    hour = _fastest(p, 3600, network=True)
    assert hour <= 60 * p.network.max_attempts
    assert hour >= 50 * p.network.max_attempts  # and the limit is what stops it
    assert room.max_wrong_per_minute(p) == p.network.max_attempts == 10
    # Clients without an address the server can tell apart share the server budget.
    assert _fastest(p, 3600, network=False) <= 60 * p.server_budget
    # Expected time to find one of 100 live rooms at 10 a minute: about 103 days.
    minutes = room.expected_minutes_to_find(100, 10)
    assert minutes == pytest.approx((room.JOIN_CODE_SPACE + 1) / 101 / 10)
    assert 100 * 24 * 60 < minutes < 105 * 24 * 60
    # Whole server, flooded by 50 addresses: after the budget, one try each per window.
    flood = _fastest(p, 3600, network=True, clients=50)
    assert flood <= p.server_budget + 50 * (3600 / p.server_window + 1) + 50 * 10
    assert room.expected_minutes_to_find(100, 60) > 16 * 24 * 60  # the budget alone: > 16 days
