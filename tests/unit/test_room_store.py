"""Workshop rooms in the store and the room service (no Streamlit)."""

from __future__ import annotations

import json

import pytest

from studio import room_service as rs
from studio.exercises import load_catalog
from studio.room import RoomScript, normalize_join_code
from studio.store import Store
from tests import factory
from tests.unit.stored import scalar, stored_bytes

CATALOG = load_catalog()
SCRIPT = next(s for s in CATALOG.of_kind("room_script") if isinstance(s, RoomScript))
SCALES = list(rs.scale_labels(CATALOG))
T0 = 1_700_000_000.0


@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.dispose()


def make_couple(store: Store, n: int = 0):
    return factory.couple(store, n=n)


def other_code(code: str) -> str:
    """A well-formed code that is not ``code`` (same prefix, last character changed)."""
    last = "A" if code[-1] != "A" else "C"
    return code[:-1] + last


def share_some(store: Store, couple, gap: int = 2) -> None:
    rs.share_with_room(
        store,
        couple,
        {"together_alone": 2, "talk_or_cool": 5, "repair": None},
        {"together_alone": 2 + gap, "talk_or_cool": 5, "repair": 7},
        ["heard", "calm"],
        ["calm", "time_alone"],
    )


# ----------------------------------------------------------------------- create, join


def test_create_room_gives_code_and_secret_and_keeps_only_a_hash(store):
    new = rs.create_room(store, SCRIPT, now=T0)
    assert normalize_join_code(new.room.code) == new.room.code
    assert new.room.phase == SCRIPT.phases[0].key
    assert new.room.min_group == SCRIPT.min_group == 5
    assert new.room.is_open and new.room.results is None
    assert len(new.secret) >= 40
    assert rs.facilitator_room(store, new.secret) == new.room
    raw = b"".join(stored_bytes(store).values())
    assert new.secret.encode() not in raw  # only its SHA-256 is stored
    assert scalar(store, "select secret from rooms") == rs.secret_hash(new.secret)


def test_min_group_is_never_below_three(store):
    assert rs.create_room(store, SCRIPT, min_group=1).room.min_group == 3
    assert rs.create_room(store, SCRIPT, min_group=8).room.min_group == 8


def test_join_by_code_any_spelling(store):
    new = rs.create_room(store, SCRIPT, now=T0)
    couple = make_couple(store)
    typed = " " + new.room.code.lower().replace("-", " ") + " "
    state = rs.join_room(store, couple, typed, now=T0 + 5)
    assert state.id == new.room.id
    m = rs.current_room(store, couple)
    assert m is not None and m.room.id == new.room.id and m.done_phases == frozenset()
    rs.join_room(store, couple, new.room.code, now=T0 + 6)  # joining twice is harmless
    assert rs.counts(store, new.room).joined == 1


def test_malformed_code_is_refused_kindly_and_not_counted(store):
    couple = make_couple(store)
    for _ in range(8):
        with pytest.raises(rs.JoinRefused) as exc:
            rs.join_room(store, couple, "hello", now=T0)
        assert exc.value.reason == "malformed"
        assert "six letters and numbers" in str(exc.value)
    assert store.join_failures(rs.client_key(couple), 0) == []


def test_wrong_codes_are_limited_per_couple(store):
    new = rs.create_room(store, SCRIPT, now=T0)
    couple, other = make_couple(store, 1), make_couple(store, 2)
    wrong = other_code(new.room.code)
    for i in range(5):
        with pytest.raises(rs.JoinRefused) as exc:
            rs.join_room(store, couple, wrong, now=T0 + i)
        assert exc.value.reason == "unknown"
    assert "Too many tries — wait" in str(exc.value)  # the fifth says so already
    # Blocked now, even with the right code, with a retry time.
    with pytest.raises(rs.JoinRefused) as exc:
        rs.join_room(store, couple, new.room.code, now=T0 + 10)
    assert exc.value.reason == "blocked"
    assert 0 < exc.value.retry_after <= 60
    assert "Too many tries — wait 54 seconds" in str(exc.value)
    # Another couple is not affected; the key is a hash of the token, never the token.
    assert rs.join_room(store, other, new.room.code, now=T0 + 10).id == new.room.id
    assert couple.token not in rs.client_key(couple)
    # After the wait, the right code works.
    assert rs.join_room(store, couple, new.room.code, now=T0 + 65).id == new.room.id


def test_wrong_codes_with_the_rooms_prefix_from_many_couples_lock_no_one_out(store):
    new = rs.create_room(store, SCRIPT, now=T0)
    wrong = other_code(new.room.code)
    for i in range(20):
        guesser = make_couple(store, 100 + i)  # a fresh couple for every guess
        with pytest.raises(rs.JoinRefused) as exc:
            rs.join_room(store, guesser, wrong, now=T0 + i)
        assert exc.value.reason == "unknown"
    assert rs.join_room(store, make_couple(store, 999), new.room.code, now=T0 + 30).id


def test_old_attempts_are_forgotten(store):
    couple = make_couple(store)
    for i in range(3):
        with pytest.raises(rs.JoinRefused):
            rs.join_room(store, couple, "ACD-EFG", now=T0 + i)
    with pytest.raises(rs.JoinRefused):
        rs.join_room(store, couple, "ACD-EFG", now=T0 + 10_000)
    assert scalar(store, "select count(*) from join_attempts") == 2


def test_closed_room_cannot_be_joined(store):
    new = rs.create_room(store, SCRIPT, now=T0)
    rs.close_room(store, new.secret, now=T0 + 1)
    with pytest.raises(rs.JoinRefused) as exc:
        rs.join_room(store, make_couple(store), new.room.code, now=T0 + 2)
    assert exc.value.reason == "closed"


# ------------------------------------------------------------------ facilitator actions


def test_facilitator_controls_with_the_secret(store):
    new = rs.create_room(store, SCRIPT, now=T0)
    keys = SCRIPT.phase_keys
    state = rs.move_phase(store, new.secret, SCRIPT, -1, now=T0 + 1)
    assert state.phase == keys[0]  # stays at the first phase
    state = rs.start_timer(store, new.secret, 3, now=T0 + 2)
    assert state.timer_left(T0 + 62) == pytest.approx(120)
    state = rs.move_phase(store, new.secret, SCRIPT, 1, now=T0 + 70)
    assert state.phase == keys[1] and state.phase_started_at == T0 + 70
    assert state.timer_left(T0 + 71) is None  # a new part starts without a timer
    state = rs.start_timer(store, new.secret, 1, now=T0 + 80)
    assert state.timer_left(T0 + 500) == 0
    assert rs.stop_timer(store, new.secret).timer_left(T0 + 90) is None
    for _ in range(len(keys) + 2):
        state = rs.move_phase(store, new.secret, SCRIPT, 1)
    assert state.phase == keys[-1]  # stays at the last phase
    with pytest.raises(rs.RoomError, match="1 to 240 minutes"):
        rs.start_timer(store, new.secret, 0)


@pytest.mark.parametrize("bad", [None, "", "x", "not-the-secret-" * 3, "ä" * 43])
def test_facilitator_actions_need_the_secret(store, bad):
    new = rs.create_room(store, SCRIPT, now=T0)
    couple = make_couple(store)
    rs.join_room(store, couple, new.room.code)
    actions = [
        lambda s: rs.move_phase(store, s, SCRIPT, 1),
        lambda s: rs.start_timer(store, s, 5),
        lambda s: rs.stop_timer(store, s),
        lambda s: rs.release_results(store, s, SCALES),
        lambda s: rs.close_room(store, s),
    ]
    for action in actions:
        with pytest.raises(rs.NotFacilitator, match="Only the facilitator's own link"):
            action(bad)
    # The room code is not a secret, and another room's secret runs only that room.
    with pytest.raises(rs.NotFacilitator):
        rs.move_phase(store, new.room.code, SCRIPT, 1)
    other = rs.create_room(store, SCRIPT, now=T0)
    assert rs.move_phase(store, other.secret, SCRIPT, 1).id == other.room.id
    assert rs.facilitator_room(store, new.secret).phase == SCRIPT.phases[0].key
    assert rs.facilitator_room(store, new.secret).is_open


def test_closed_room_refuses_changes(store):
    new = rs.create_room(store, SCRIPT, now=T0)
    rs.close_room(store, new.secret, now=T0 + 1)
    with pytest.raises(rs.RoomClosed):
        rs.move_phase(store, new.secret, SCRIPT, 1)
    assert rs.facilitator_room(store, new.secret).closed_at == T0 + 1


# ------------------------------------------------------------------- couples following


def test_done_phases_are_counted_per_phase(store):
    new = rs.create_room(store, SCRIPT, now=T0)
    couples = [make_couple(store, i) for i in range(3)]
    for c in couples:
        rs.join_room(store, c, new.room.code)
    first = SCRIPT.phase_keys[0]
    rs.mark_done(store, couples[0], first)
    rs.mark_done(store, couples[0], first)  # twice is once
    rs.mark_done(store, couples[1], first)
    rs.move_phase(store, new.secret, SCRIPT, 1)
    rs.mark_done(store, couples[2], SCRIPT.phase_keys[1])
    counts = rs.counts(store, new.room)
    assert counts.joined == 3
    assert counts.done_with(first) == 2 and counts.done_with(SCRIPT.phase_keys[1]) == 1
    assert rs.current_room(store, couples[0]).done_phases == {first}


def test_a_couple_follows_the_room_it_joined_last(store):
    a = rs.create_room(store, SCRIPT, now=T0)
    b = rs.create_room(store, SCRIPT, now=T0)
    couple = make_couple(store)
    rs.join_room(store, couple, a.room.code, now=T0 + 1)
    rs.join_room(store, couple, b.room.code, now=T0 + 2)
    assert rs.current_room(store, couple).room.id == b.room.id
    rs.close_room(store, b.secret)
    assert rs.current_room(store, couple).room.id == a.room.id
    rs.leave_room(store, couple)
    assert rs.current_room(store, couple) is None
    assert rs.current_room(store, couple, open_only=False).room.id == b.room.id


# --------------------------------------------------------------------- shares, results


def test_share_needs_an_open_room_and_refuses_words(store):
    couple = make_couple(store)
    with pytest.raises(rs.NotInRoom):
        share_some(store, couple)
    new = rs.create_room(store, SCRIPT, now=T0)
    rs.join_room(store, couple, new.room.code)
    with pytest.raises(ValueError):
        rs.share_with_room(store, couple, {"together_alone": "I feel safe when"}, {})
    with pytest.raises(ValueError):
        rs.share_with_room(store, couple, {}, {}, ["I need you to listen to me"])
    assert rs.counts(store, new.room).shared == 0
    share_some(store, couple)
    share_some(store, couple, gap=4)  # sharing again replaces
    assert rs.counts(store, new.room).shared == 1
    assert rs.has_shared(store, couple)
    (saved,) = store.room_share_values(new.room.id)
    assert set(saved) == {"positions_a", "positions_b", "needs_a", "needs_b"}
    assert saved["positions_b"]["together_alone"] == 6


def test_results_only_at_threshold_and_only_on_demand(store):
    new = rs.create_room(store, SCRIPT, now=T0)
    couples = [make_couple(store, i) for i in range(11)]
    for c in couples:
        rs.join_room(store, c, new.room.code)
    for c in couples[:4]:
        share_some(store, c)
    release = rs.release_results(store, new.secret, SCALES, now=T0 + 10)
    assert release.results is None and not release.released_now
    assert (release.shared, release.needed, release.min_group) == (4, 1, 5)
    assert rs.facilitator_room(store, new.secret).results is None

    share_some(store, couples[4], gap=8)
    # Five couples shared, but nothing is released until the facilitator asks.
    assert rs.facilitator_room(store, new.secret).results is None
    release = rs.release_results(store, new.secret, SCALES, now=T0 + 20)
    assert release.released_now and release.results is not None
    results = release.results
    assert results.couples == 5
    together = results.scale("together_alone")
    assert together is not None and together.couples == 5
    assert together.mean_gap == pytest.approx((2 * 4 + 8) / 5)
    assert together.gap_bins == (4, 0, 1)
    assert results.scale("repair") is None and "repair" in results.hidden_scales
    assert dict((n.key, n.people) for n in results.needs)["calm"] == 10
    saved = rs.facilitator_room(store, new.secret)
    assert saved.results == results and saved.results_released_at == T0 + 20

    # One more couple: the last release stays (no single couple can be read off).
    share_some(store, couples[5], gap=0)
    again = rs.release_results(store, new.secret, SCALES, now=T0 + 30)
    assert not again.released_now and again.results == results and again.needed == 4
    assert rs.facilitator_room(store, new.secret).results_released_at == T0 + 20
    for c in couples[6:10]:
        share_some(store, c, gap=0)
    later = rs.release_results(store, new.secret, SCALES, now=T0 + 40)
    assert later.released_now and later.results.couples == 10

    # Results and counts hold no couple ids, names or words.
    blob = json.dumps(later.results.to_dict())
    for c in couples:
        assert c.name_a not in blob and c.token not in blob


def test_forget_couple_removes_their_share_and_membership(store):
    new = rs.create_room(store, SCRIPT, now=T0)
    couples = [make_couple(store, i) for i in range(2)]
    for c in couples:
        rs.join_room(store, c, new.room.code)
        share_some(store, c)
    store.forget_couple(couples[0].id)
    counts = rs.counts(store, new.room)
    assert counts.joined == 1 and counts.shared == 1
    assert (
        scalar(store, "select count(*) from room_shares where couple_id = :c", c=couples[0].id) == 0
    )


# ----------------------------------------------------------------------------- purge


def test_purge_after_retention(store, monkeypatch):
    monkeypatch.delenv(rs.ENV_RETENTION, raising=False)
    hours = SCRIPT.retention_hours
    open_room = rs.create_room(store, SCRIPT, now=T0)
    closed = rs.create_room(store, SCRIPT, now=T0)
    couple = make_couple(store)
    rs.join_room(store, couple, closed.room.code, now=T0)
    share_some(store, couple)
    rs.close_room(store, closed.secret, now=T0 + 3600)
    assert rs.purge_expired(store, CATALOG, now=T0 + hours * 3600 - 1) == 0
    # The open room's retention counts from its creation, the closed one's from closing.
    assert rs.purge_expired(store, CATALOG, now=T0 + hours * 3600) == 1
    assert rs.facilitator_room(store, open_room.secret) is None
    assert rs.facilitator_room(store, closed.secret) is not None
    assert rs.purge_expired(store, CATALOG, now=T0 + hours * 3600 + 3600) == 1
    assert rs.facilitator_room(store, closed.secret) is None
    assert rs.current_room(store, couple, open_only=False) is None
    for table in ("rooms", "room_members", "room_shares"):
        assert scalar(store, f"select count(*) from {table}") == 0
    assert store.couple_by_id(couple.id) is not None  # the couple's own data stays


def test_retention_env_overrides_the_script(store, monkeypatch):
    new = rs.create_room(store, SCRIPT, now=T0)
    monkeypatch.setenv(rs.ENV_RETENTION, "2")
    assert rs.retention_hours(SCRIPT) == 2
    assert rs.purge_expired(store, CATALOG, now=T0 + 7199) == 0
    assert rs.purge_expired(store, CATALOG, now=T0 + 7200) == 1
    assert rs.facilitator_room(store, new.secret) is None
    monkeypatch.setenv(rs.ENV_RETENTION, "soon")  # nonsense is ignored
    assert rs.retention_hours(SCRIPT) == SCRIPT.retention_hours


def test_results_figure_and_table_from_released_results(store):
    new = rs.create_room(store, SCRIPT, now=T0)
    for i in range(5):
        c = make_couple(store, i)
        rs.join_room(store, c, new.room.code)
        share_some(store, c, gap=i)
    results = rs.release_results(store, new.secret, SCALES).results
    labels = rs.scale_labels(CATALOG)
    fig = rs.results_figure(results, labels)
    assert len(fig.data) == 3
    assert labels["together_alone"] in fig.data[0].y
    rows = rs.results_rows(results, labels)
    assert rows[0]["Scale"] == labels["together_alone"] and rows[0]["Couples"] == 5
    assert rs.top_needs(results, rs.need_labels(CATALOG))[0][1] == 10
