"""A couple's private call for a facilitator, following a room cheaply, device words."""

from __future__ import annotations

import time

import pytest

from studio import room_service as rs
from studio.devices import device_kind
from studio.exercises import load_catalog
from studio.room import RoomScript
from studio.store import Store
from tests import factory

CATALOG = load_catalog()
SCRIPT = next(s for s in CATALOG.of_kind("room_script") if isinstance(s, RoomScript))


@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.dispose()


def couple(store: Store, a: str = "Marisol", b: str = "Teodor"):
    return factory.couple(store, a, b, ready=False)


@pytest.mark.parametrize("raw", ["Table 4", "  by   the window ", "T-12", "Ñandú corner"])
def test_a_table_number_or_nickname_is_kept_tidy(store, raw):
    assert rs.clean_place(couple(store), raw) == " ".join(raw.split())


@pytest.mark.parametrize(
    "raw, words",
    [
        ("", "table number"),
        ("   ", "table number"),
        (None, "table number"),
        ("x" * 25, "up to 24"),
        ("Marisol and me", "your names"),
        ("table of teodor", "your names"),
    ],
)
def test_empty_long_or_named_places_are_refused_kindly(store, raw, words):
    with pytest.raises(rs.RoomError) as err:
        rs.clean_place(couple(store), raw)
    assert words in str(err.value)


def test_a_call_reaches_only_the_facilitator_and_clears_when_answered(store):
    new = rs.create_room(store, SCRIPT)
    c, other = couple(store), couple(store, "Ilse", "Joaquim")
    for x in (c, other):
        rs.join_room(store, x, new.room.code)
    with pytest.raises(rs.NotFacilitator):
        rs.help_calls(store, "not-the-secret-at-all-000000")
    assert rs.ask_for_help(store, c, " Table  4 ", now=100.0) == "Table 4"
    rs.ask_for_help(store, other, "by the door", now=90.0)
    calls = rs.help_calls(store, new.secret)
    assert [(h.place, h.asked_at) for h in calls] == [("by the door", 90.0), ("Table 4", 100.0)]
    assert rs.follow(store, c.id, new.room.id).help_place == "Table 4"
    # Asking again re-words it, keeps its place in the queue.
    rs.ask_for_help(store, c, "Table 5", now=200.0)
    assert [(h.place, h.asked_at) for h in rs.help_calls(store, new.secret)][1] == (
        "Table 5",
        100.0,
    )
    rs.answer_help(store, new.secret, calls[1].ref)
    assert [h.place for h in rs.help_calls(store, new.secret)] == ["by the door"]
    assert rs.follow(store, c.id, new.room.id).help_place is None  # at once, same process
    # Leaving takes the call with it; a couple not in a room cannot call.
    rs.leave_room(store, other)
    assert rs.help_calls(store, new.secret) == []
    with pytest.raises(rs.NotInRoom):
        rs.ask_for_help(store, other, "Table 9")


def test_a_call_goes_with_the_room_and_the_couple(store):
    new = rs.create_room(store, SCRIPT)
    c = couple(store)
    rs.join_room(store, c, new.room.code)
    rs.ask_for_help(store, c, "Table 1")
    store.forget_couple(c.id)
    assert store.help_calls(new.room.id) == []


def test_following_shares_one_read_of_the_room(store, monkeypatch):
    new = rs.create_room(store, SCRIPT)
    members = [couple(store, f"A{i}x", f"B{i}x") for i in range(20)]
    for c in members:
        rs.join_room(store, c, new.room.code)
    reads = []
    real = store.room
    monkeypatch.setattr(store, "room", lambda rid: reads.append(rid) or real(rid))
    rs._ROOMS.forget((store.url, new.room.id))
    for c in members:
        f = rs.follow(store, c.id, new.room.id)
        assert f is not None and f.room.phase == SCRIPT.phases[0].key
    assert len(reads) == 1
    # The facilitator's move is seen at once in this process (and within ROOM_TTL in any).
    rs.move_phase(store, new.secret, SCRIPT, 1)
    assert rs.follow(store, members[0].id, new.room.id).room.phase == SCRIPT.phases[1].key
    # A couple that left follows nothing.
    rs.leave_room(store, members[1])
    assert rs.follow(store, members[1].id, new.room.id) is None


def test_following_reads_every_members_marks_in_one_query(store, monkeypatch):
    new = rs.create_room(store, SCRIPT)
    members = [couple(store, f"C{i}x", f"D{i}x") for i in range(12)]
    for c in members:
        rs.join_room(store, c, new.room.code)
    rs.mark_done(store, members[3], SCRIPT.phases[0].key)
    rs.ask_for_help(store, members[5], "Table 9")
    reads = []
    real = store.room_marks
    monkeypatch.setattr(store, "room_marks", lambda rid: reads.append(rid) or real(rid))
    rs._MARKS.forget((store.url, new.room.id))
    seen = {c.id: rs.follow(store, c.id, new.room.id) for c in members}
    assert reads == [new.room.id]  # twelve screens, one read
    assert seen[members[3].id].done_phases == {SCRIPT.phases[0].key}
    assert seen[members[5].id].help_place == "Table 9"
    others = [f for cid, f in seen.items() if cid not in (members[3].id, members[5].id)]
    assert all(not f.done_phases and f.help_place is None for f in others)
    # A couple's own press is seen by their next poll at once, not a TTL later.
    rs.mark_done(store, members[0], SCRIPT.phases[0].key)
    assert rs.follow(store, members[0].id, new.room.id).done_phases == {SCRIPT.phases[0].key}


def test_a_couple_who_joins_after_the_shared_read_is_not_told_they_left(store):
    """The shared marks were read just before the couple joined (another process, or a
    read that began before the join): their screen must still find them in the room."""
    new = rs.create_room(store, SCRIPT)
    first = couple(store, "Eve", "Finn")
    rs.join_room(store, first, new.room.code)
    assert rs.follow(store, first.id, new.room.id) is not None  # the room's marks, read
    late = couple(store, "Gus", "Hana")
    store.add_room_member(new.room.id, late.id, time.time())  # no forget: another process
    got = rs.follow(store, late.id, new.room.id)
    assert got is not None and got.room.id == new.room.id


def test_memo_gives_the_stale_value_while_another_thread_reloads():
    import threading

    memo = rs._Memo(ttl=0.0)  # every entry is stale at once
    assert memo.get("k", lambda: 1) == 1
    started, release = threading.Event(), threading.Event()
    loads = []

    def slow_load():
        loads.append(1)
        started.set()
        release.wait(5)
        return 2

    t = threading.Thread(target=lambda: memo.get("k", slow_load))
    t.start()
    assert started.wait(5)
    # While the first thread reads afresh, a second screen gets the old value at once
    # instead of asking the store too.
    assert memo.get("k", lambda: loads.append(1) or 3) == 1
    release.set()
    t.join(5)
    assert loads == [1]
    assert memo.get("k", lambda: 4) == 4  # the next stale look reloads as usual


def test_memo_load_that_fails_lets_the_next_caller_try():
    memo = rs._Memo(ttl=10.0)

    def broken():
        raise RuntimeError("the store is away")

    with pytest.raises(RuntimeError):
        memo.get("k", broken)
    assert memo.get("k", lambda: 5) == 5


@pytest.mark.parametrize(
    "ua, kind",
    [
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
            "phone",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0 Mobile Safari/537.36",
            "phone",
        ),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0 Safari/537.36",
            "tablet",
        ),
        ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15", "tablet"),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "HeadlessChrome/120.0 Safari/537.36",
            "laptop",
        ),
        ("", "laptop"),
        (None, "laptop"),
    ],
)
def test_the_device_word_follows_the_browser(ua, kind):
    assert device_kind(ua) == kind


# ------------------------------------------------------------------ reachable by phones


def test_only_private_lan_addresses_are_offered():
    from studio.lan import reachable

    assert reachable(
        [
            "127.0.0.1",
            "192.168.1.20",
            "10.0.0.5",
            "169.254.3.3",
            "8.8.8.8",
            "fe80::1",
            "not-an-ip",
            "192.168.1.20",
            "172.16.4.1",
        ]
    ) == ["10.0.0.5", "172.16.4.1", "192.168.1.20"]


def test_the_public_url_wins_and_falls_back_to_the_lan():
    from studio.lan import public_url

    assert public_url(" https://studio.example.org/ ", ["10.0.0.5"], 8501) == (
        "https://studio.example.org"
    )
    assert public_url("", ["10.0.0.5"], 8502) == "http://10.0.0.5:8502"
    assert public_url(None, [], 8501) is None


@pytest.mark.parametrize(
    "url, here",
    [
        ("http://localhost:8501/join", True),
        ("http://127.0.0.1:8501", True),
        ("http://[::1]:8501", True),
        ("http://0.0.0.0:8501", True),
        ("http://studio.localhost", True),
        ("http://192.168.1.20:8501/join", False),
        ("https://studio.example.org/join", False),
    ],
)
def test_an_address_that_works_only_here_is_known(url, here):
    from studio.lan import only_here

    assert only_here(url) is here


def test_make_workshop_says_where_to_go_and_listens_on_the_network(monkeypatch, capsys):
    import os

    import studio.__main__ as cli
    from studio import lan
    from studio.ui import launch

    seen = {}
    monkeypatch.setattr(lan, "lan_addresses", lambda: ["192.168.7.40"])
    monkeypatch.setattr(launch, "main", lambda argv: seen.setdefault("argv", argv))
    monkeypatch.delenv("STUDIO_PUBLIC_URL", raising=False)
    assert cli.main(["workshop", "--port", "8600"]) == 0
    out = capsys.readouterr().out
    assert "http://192.168.7.40:8600/join" in out and "localhost:8600/workshop" in out
    argv = seen["argv"]
    assert argv[argv.index("--server.address") + 1] == "0.0.0.0"
    assert argv[argv.index("--server.port") + 1] == "8600"
    assert os.environ["STUDIO_PUBLIC_URL"] == "http://192.168.7.40:8600"
