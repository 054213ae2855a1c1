"""Room results no one can pick apart: the differencing attacks, and what no rule can stop.

The property (see studio/room.py, "Anonymous results"): every published figure — one
scale's figures, the whole "needs" block — rests on at least the minimum group of
couples who answered *that* figure, and a figure changes between two releases only when
at least that many more couples answered it than when it was last published. Anything
else shows its last published value (or stays hidden).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio import room_service as rs
from studio.exercises import load_catalog
from studio.room import CoupleShare, RoomResults, RoomScript
from studio.store import Store
from tests import factory

CATALOG = load_catalog()
SCRIPT = next(s for s in CATALOG.of_kind("room_script") if isinstance(s, RoomScript))
SCALES = ["together_alone", "talk_or_cool", "repair"]
T0 = 1_700_000_000.0


@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.dispose()


def couple_in(store: Store, room, n: int):
    c = factory.couple(store, n=n)
    rs.join_room(store, c, room.code, now=T0)
    return c


def share(store, c, a: dict, b: dict, na=(), nb=()) -> None:
    rs.share_with_room(store, c, a, b, na, nb, now=T0)


# ------------------------------------------------------------- the attacks from the issue


def test_one_late_couple_on_one_scale_cannot_be_read_off(store):
    """Release 1: 5 couples. Release 2: 5 more, one of whom answered 'repair'. Today the
    scale goes 5 -> 6 couples and 6*mean2 - 5*mean1 is that couple's exact gap."""
    new = rs.create_room(store, SCRIPT, now=T0)
    first = [couple_in(store, new.room, i) for i in range(5)]
    for i, c in enumerate(first):  # gaps 0, 1, 2, 3, 4 on repair
        share(store, c, {"together_alone": 3, "repair": 2}, {"together_alone": 5, "repair": 2 + i})
    r1 = rs.release_results(store, new.secret, SCALES, now=T0 + 10).results
    assert r1 is not None and r1.scale("repair").couples == 5
    assert r1.scale("repair").mean_gap == 2.0

    late = [couple_in(store, new.room, 10 + i) for i in range(5)]
    share(store, late[0], {"together_alone": 3, "repair": 0}, {"together_alone": 5, "repair": 9})
    for c in late[1:]:  # these four skipped repair
        share(store, c, {"together_alone": 3, "repair": None}, {"together_alone": 5, "repair": 4})
    release = rs.release_results(store, new.secret, SCALES, now=T0 + 20)
    r2 = release.results
    before, after = r1.scale("repair"), r2.scale("repair")
    # The attack: the difference of the two views.
    leaked = after.couples * after.mean_gap - before.couples * before.mean_gap
    assert after.couples == before.couples and leaked == 0  # nothing to subtract
    assert after == before  # the last safe value, shown again
    assert "repair" in r2.held_scales
    assert release.waiting["repair"] == 4  # four more couples answering repair update it
    # together_alone had 5 new couples answering it: that one may change.
    assert r2.scale("together_alone").couples == 10
    assert "together_alone" not in r2.held_scales


def test_the_late_couples_needs_cannot_be_read_off_the_needs_list(store):
    """The difference of two "needs chosen most" lists would be exactly one couple's
    needs when only one of the new couples chose any."""
    new = rs.create_room(store, SCRIPT, now=T0)
    for i in range(5):
        share(
            store,
            couple_in(store, new.room, i),
            {"repair": 1},
            {"repair": 2},
            ["heard", "calm"],
            ["calm"],
        )
    r1 = rs.release_results(store, new.secret, SCALES, now=T0 + 10).results
    late = [couple_in(store, new.room, 10 + i) for i in range(5)]
    share(store, late[0], {"repair": 1}, {"repair": 2}, ["time_alone", "touch"], ["plans"])
    for c in late[1:]:
        share(store, c, {"repair": 1}, {"repair": 2})  # no needs chosen
    r2 = rs.release_results(store, new.secret, SCALES, now=T0 + 20).results
    diff = {n.key: n.people for n in r2.needs}
    for n in r1.needs:
        diff[n.key] = diff.get(n.key, 0) - n.people
    assert {k for k, v in diff.items() if v} == set()  # today: {time_alone, touch, plans}
    assert r2.needs == r1.needs and r2.needs_couples == r1.needs_couples == 5
    assert r2.needs_held
    # repair had 5 new couples answering: it updates.
    assert r2.scale("repair").couples == 10


def test_a_couple_who_leaves_cannot_be_read_off_either(store):
    new = rs.create_room(store, SCRIPT, now=T0)
    couples = [couple_in(store, new.room, i) for i in range(6)]
    for i, c in enumerate(couples):
        share(store, c, {"repair": 0}, {"repair": i})
    r1 = rs.release_results(store, new.secret, SCALES, now=T0 + 10).results
    rs.leave_room(store, couples[5])
    r2 = rs.release_results(store, new.secret, SCALES, now=T0 + 20).results
    assert r2.scale("repair") == r1.scale("repair")  # 6 -> 5 would give away gap 5


def test_no_threshold_stops_a_facilitator_who_invents_couples(store):
    """What no rule can prevent: a facilitator who joins 4 couples of their own, with
    answers they chose, learns the one real couple's gaps from the first release. The
    minimum group counts couples; it cannot know which are real. This test pins that
    limit down (it would fail if the figures were ever noised or the attack stopped)."""
    new = rs.create_room(store, SCRIPT, now=T0)
    for i in range(4):  # invented: every gap is 0
        share(store, couple_in(store, new.room, i), {"repair": 5}, {"repair": 5})
    real = couple_in(store, new.room, 99)
    share(store, real, {"repair": 1}, {"repair": 8})  # a real gap of 7
    r = rs.release_results(store, new.secret, SCALES, now=T0 + 10).results
    s = r.scale("repair")
    assert s.couples == 5
    assert round(s.couples * s.mean_gap - 4 * 0) == 7  # the real couple's gap, exactly


# --------------------------------------------------------------- property over releases

KEYS = ["talk", "space", "plans"]
NEED_KEYS = ["quiet", "touch", "calm", "plans"]
position = st.one_of(st.none(), st.integers(0, 10))
positions = st.fixed_dictionaries({k: position for k in KEYS})
need_list = st.lists(st.sampled_from(NEED_KEYS), max_size=3).map(tuple)
a_share = st.builds(CoupleShare, positions, positions, need_list, need_list)
# An event: a couple (0..24) shares (or shares again), a couple leaves, or a release.
event = st.one_of(
    st.tuples(st.just("share"), st.integers(0, 24), a_share),
    st.tuples(st.just("leave"), st.integers(0, 24), st.none()),
    st.tuples(st.just("release"), st.none(), st.none()),
)


def _contributes(share: CoupleShare, figure: str) -> bool:
    if figure == "needs":
        return bool(share.needs_a or share.needs_b)
    return share.positions_a.get(figure) is not None and share.positions_b.get(figure) is not None


def _figure(results: RoomResults | None, figure: str):
    if results is None:
        return None
    if figure == "needs":
        return (results.needs, results.needs_couples) if results.needs_couples else None
    return results.scale(figure)


@settings(max_examples=200, deadline=None)
@given(st.lists(event, max_size=60), st.integers(3, 6))
def test_every_changed_figure_has_min_group_new_contributors(events, min_group):
    from studio.room import safe_results

    room: dict[int, tuple[int, CoupleShare]] = {}  # couple -> (version, share)
    version = 0
    last: RoomResults | None = None
    # figure -> the contributions (couple, version) its published value was computed from
    basis: dict[str, frozenset[tuple[int, int]]] = {}
    for kind, who, value in events:
        if kind == "share":
            version += 1
            room[who] = (version, value)
        elif kind == "leave":
            room.pop(who, None)
        else:
            shares = [s for _, s in room.values()]
            new = safe_results(shares, KEYS, min_group, last)
            for figure in (*KEYS, "needs"):
                before, after = _figure(last, figure), _figure(new, figure)
                if after is None:
                    assert before is None  # a published figure is never taken back
                    continue
                if after == before:
                    continue
                now_basis = frozenset(
                    (c, v) for c, (v, s) in room.items() if _contributes(s, figure)
                )
                assert len(now_basis) >= min_group  # rests on at least the minimum group
                old_basis = basis.get(figure, frozenset())
                assert len(now_basis - old_basis) >= min_group  # enough new contributions
                basis[figure] = now_basis
            if new is not None:
                for s in new.scales:
                    assert s.couples >= min_group
                assert not new.needs or new.needs_couples >= min_group
            last = new if new is not None else last
