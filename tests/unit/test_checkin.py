"""The weekly check-in: its steps, its private ratings, and what leaves the store."""

from __future__ import annotations

import contextlib
import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio import checkin as ck
from studio import checkin_service as svc
from studio import dialogue_service
from studio.exercises import load_catalog
from studio.store import Store

NOW = dt.datetime(2026, 11, 2, 20, 0).timestamp()  # a Monday evening
SPEC = svc.find_spec(load_catalog())


@pytest.fixture()
def store(store_url) -> Store:
    s = Store(store_url)
    s.migrate()
    return s


@pytest.fixture()
def couple(store):
    return store.create_couple(
        name_a="Ana",
        name_b="Ben",
        color_a="teal",
        color_b="amber",
        symbol_a="circle",
        symbol_b="square",
    )


def to_ratings(store, couple, item, a: dict, b: dict):
    item = svc.appreciated(store, item, expect=item.version)
    for key, value in a.items():
        svc.save_rating(store, SPEC, item, "a", key, value)
    item = svc.seal(store, item, "a")
    for key, value in b.items():
        svc.save_rating(store, SPEC, item, "b", key, value)
    item = svc.seal(store, item, "b")
    return item


def test_the_file_is_valid_and_in_our_words():
    assert SPEC is not None and SPEC.id == "weekly_checkin"
    assert [i.key for i in SPEC.items] == [
        "said_it",
        "kind_in_conflict",
        "hard_topics",
        "close",
        "heard",
    ]
    assert len(SPEC.answer_labels) == 5


def test_a_whole_check_in(store, couple):
    item = svc.start(store, couple.id, NOW)
    assert svc.start(store, couple.id, NOW).id == item.id  # a second tab: the same one
    svc.save_words(store, SPEC, item, "a", "appreciation", "  You made soup  ")
    item = to_ratings(store, couple, item, {"said_it": 4, "close": 1}, {"said_it": 1, "close": 1})
    with pytest.raises(ck.CheckinError):
        svc.together(store, SPEC, item)  # sealed, not yet seen together
    item = svc.ready(store, item, "a", NOW)
    item = svc.ready(store, item, "b", NOW)
    rows = {r.key: r for r in svc.together(store, SPEC, item)}
    assert (rows["said_it"].a, rows["said_it"].b, rows["said_it"].differ) == (4, 1, True)
    assert rows["said_it"].gap_word == SPEC.item("said_it").gap_word
    assert rows["close"].differ is False and rows["close"].gap_word is None
    assert (rows["heard"].a, rows["heard"].b, rows["heard"].differ) == (None, None, False)
    item = svc.after_ratings(store, item)
    item = svc.choose_topic(store, SPEC, couple, item, "now", "Sunday  evenings", now=NOW)
    assert item.state.topic == "Sunday evenings"
    talk = dialogue_service.latest(store, couple)
    assert talk is not None and talk.state.topic == "Sunday evenings"
    item = svc.start_repair(store, item, "b")
    svc.save_words(store, SPEC, item, "b", "repair", "Ask before I plan")
    item = svc.switch_repair(store, item)
    assert item.state.repair_speaker == "a"
    item = svc.end_repair(store, item)
    nxt = dt.date(2026, 11, 9)
    item = svc.set_next(store, item, nxt, NOW)
    assert item.state.step == "done" and svc.next_day(store, couple.id) == nxt
    assert svc.current(store, couple.id) is None
    out = store.export_couple(couple.id)["checkins"][0]
    assert out["appreciations"] == {"a": "You made soup", "b": None}
    assert out["ratings"]["a"]["said_it"] == 4 and out["repair"]["b"] == "Ask before I plan"
    assert out["next_day"] == "2026-11-09"


def test_sealed_ratings_never_leave_the_store(store, couple):
    item = svc.start(store, couple.id, NOW)
    item = to_ratings(store, couple, item, {"said_it": 3}, {"said_it": 0})
    export = store.export_couple(couple.id)
    assert export["checkins"][0]["ratings"] == {}
    assert export["left_out"]["checkin_ratings"] == 1
    assert any("check-in" in s for s in export["not_in_this_file"])
    assert '"said_it"' not in json.dumps(export)


def test_a_sealed_turn_cannot_be_written_and_an_old_screen_changes_nothing(store, couple):
    item = svc.start(store, couple.id, NOW)
    item = svc.appreciated(store, item)
    old = item
    svc.save_rating(store, SPEC, item, "a", "said_it", 2)
    item = svc.seal(store, item, "a")
    with pytest.raises(svc.Stale):
        svc.save_rating(store, SPEC, old, "a", "said_it", 4)  # sealed meanwhile
    with pytest.raises(svc.Stale):
        svc.seal(store, old, "a", expect=old.version)
    assert svc.own_ratings(store, item, "a") == {"rate:said_it": (2, False)}
    assert svc.own_ratings(store, item, "b") == {}


def test_skipped_and_never_answered_are_gaps_not_zeros():
    rows = ck.item_rows(
        SPEC,
        ck.ratings_of(SPEC, {"rate:said_it": (None, True)}),
        ck.ratings_of(SPEC, {"rate:said_it": (0, False)}),
    )
    said = rows[0]
    assert said.a is None and said.b == 0 and not said.differ
    assert all(r.a is None for r in rows)


def test_bad_values_are_refused_kindly(store, couple):
    item = svc.appreciated(store, svc.start(store, couple.id, NOW))
    for bad in (5, -1, True, "3", 2.5):
        with pytest.raises(ck.CheckinError):
            svc.save_rating(store, SPEC, item, "a", "said_it", bad)  # type: ignore[arg-type]
    with pytest.raises(ck.CheckinError):
        svc.save_rating(store, SPEC, item, "a", "nope", 2)
    with pytest.raises(ck.CheckinError, match="keep it to 400"):
        svc.save_words(store, SPEC, item, "a", "appreciation", "x" * 401)


def test_the_next_day_must_be_ahead_and_the_words_never_reproach():
    state = ck.CheckinState(step="next")
    today = dt.date.fromtimestamp(NOW)
    with pytest.raises(ck.CheckinError):
        ck.set_next(state, today, NOW)
    assert ck.set_next(state, None, NOW).next_day is None
    late = svc.next_words(today - dt.timedelta(days=10), NOW)
    assert "missed" not in late.lower() and "Whenever suits you" in late
    assert svc.next_words(today + dt.timedelta(days=1), NOW).startswith(
        "Your next check-in: tomorrow"
    )


def test_the_calendar_file_is_one_all_day_event_without_names():
    ics = svc.calendar_file(SPEC, dt.date(2026, 11, 9), NOW).decode()
    assert "BEGIN:VEVENT" in ics and "DTSTART;VALUE=DATE:20261109" in ics
    assert "DTEND;VALUE=DATE:20261110" in ics and "Ana" not in ics


def test_a_forgotten_pin_takes_the_unrevealed_ratings_and_restarts_the_turn(store, couple):
    item = svc.start(store, couple.id, NOW)
    item = to_ratings(store, couple, item, {"said_it": 3}, {"said_it": 1})
    store.forget_pin(couple.id, "a", NOW)
    fresh = svc.reload(store, couple.id, item.id)
    assert fresh.state.flow.sealed == {"a": False, "b": True}
    assert svc.own_ratings(store, fresh, "a") == {}
    assert svc.own_ratings(store, fresh, "b") == {"rate:said_it": (1, False)}


def test_forget_us_takes_every_check_in(store, couple):
    item = svc.start(store, couple.id, NOW)
    svc.save_words(store, SPEC, item, "a", "appreciation", "soup")
    store.forget_couple(couple.id)
    assert svc.all_checkins(store, couple.id) == []
    with store.read() as conn:
        from sqlalchemy import func, select

        from studio.store import checkin_answers

        assert conn.execute(select(func.count()).select_from(checkin_answers)).scalar() == 0


def test_a_broken_stored_state_reads_as_a_fresh_start():
    assert (
        ck.CheckinState.from_dict({"step": "boom", "next_day": "2026-13-45", "version": -3})
        == ck.CheckinState()
    )


MOVES = st.lists(
    st.sampled_from(
        [
            "appreciated",
            "rate_a",
            "rate_b",
            "seal_a",
            "seal_b",
            "ready_a",
            "ready_b",
            "ask_unseal_a",
            "agree_b",
            "after",
            "topic",
            "repair",
            "switch",
            "end",
            "next",
        ]
    ),
    max_size=30,
)


# ``fresh_url`` only makes a new database per call: the same one for every example would
# carry one example's couple into the next, so each example asks for its own.
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(MOVES)
def test_any_sequence_of_presses_keeps_sealed_ratings_private(fresh_url, moves):
    """Whatever is pressed in whatever order, the export never holds a rating before
    both have looked together, and a partner's rating is never written after their seal
    (on SQLite and on Postgres)."""
    store = Store(fresh_url(tables=True))
    try:
        couple = store.create_couple(
            name_a="A",
            name_b="B",
            color_a="teal",
            color_b="amber",
            symbol_a="circle",
            symbol_b="square",
        )
        item = svc.start(store, couple.id, NOW)
        for move in moves:
            try:
                item = svc.reload(store, couple.id, item.id)
                if move == "appreciated":
                    item = svc.appreciated(store, item)
                elif move.startswith("rate_"):
                    svc.save_rating(store, SPEC, item, move[-1], "said_it", 2)
                elif move.startswith("seal_"):
                    item = svc.seal(store, item, move[-1])
                elif move.startswith("ready_"):
                    item = svc.ready(store, item, move[-1], NOW)
                elif move == "ask_unseal_a":
                    item = svc.ask_to_unseal(store, item, "a")
                elif move == "agree_b":
                    item = svc.agree_unseal(store, item, "b")
                elif move == "after":
                    item = svc.after_ratings(store, item)
                elif move == "topic":
                    item = svc.choose_topic(store, SPEC, couple, item, "later", "x", now=NOW)
                elif move == "repair":
                    item = svc.start_repair(store, item, "a")
                elif move == "switch":
                    item = svc.switch_repair(store, item)
                elif move == "end":
                    item = svc.end_repair(store, item)
                elif move == "next":
                    item = svc.set_next(store, item, None, NOW)
            except ck.CheckinError:
                pass
            item = svc.reload(store, couple.id, item.id)
            exported = store.export_couple(couple.id)["checkins"][0]
            if not item.state.revealed:
                assert exported["ratings"] == {}
            for p in "ab":
                if item.state.flow.sealed[p] or item.state.step != "rate":
                    before = svc.own_ratings(store, item, p)
                    with contextlib.suppress(ck.CheckinError):
                        svc.save_rating(store, SPEC, item, p, "close", 1)
                    assert svc.own_ratings(store, item, p) == before
    finally:
        store.dispose()
