"""Our story so far, from the export: hand-computed trends and words, gaps that stay gaps,
and nothing unrevealed — whatever is added that hasn't been looked at together."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from studio import story
from studio.exercises import load_catalog

CAT = load_catalog()
SPEC = CAT.get("safety_map")
K1, K2, K3 = (s.key for s in SPEC.scales[:3])


def rnd(when, a: dict, b: dict, revealed=True, text=None):
    answers = [
        {"partner": "a", "item": f"scale:{k}", "value": v, "skipped": v is None}
        for k, v in a.items()
    ]
    answers += [
        {"partner": "b", "item": f"scale:{k}", "value": v, "skipped": v is None}
        for k, v in b.items()
    ]
    if text:
        answers.append({"partner": "a", "item": "text", "value": text, "skipped": False})
    return {
        "exercise": "safety_map",
        "started_at": when,
        "state": {"revealed_at": when if revealed else None},
        "answers": answers,
    }


def export(maps=(), checkins=(), dialogues=()):
    return {
        "couple": {"name_a": "Robin", "name_b": "Sam"},
        "safety_maps": list(maps),
        "checkins": list(checkins),
        "dialogues": list(dialogues),
    }


def test_moved_closer_and_further_apart_hand_computed():
    # K1: gap 10 -> 2 (closer); K2: gap 1 -> 5 (further); K3: gap 3 -> 2 (too small).
    ex = export(
        [
            rnd(100, {K1: 0, K2: 5, K3: 2}, {K1: 10, K2: 6, K3: 5}),
            rnd(200, {K1: 4, K2: 0, K3: 3}, {K1: 6, K2: 5, K3: 5}),
        ]
    )
    s = story.build(ex, CAT)
    topics = {sc.key: sc.topic for sc in SPEC.scales}
    closer = next(m for m in s.moved if "closer" in m)
    apart = next(m for m in s.moved if "further apart" in m)
    assert topics[K1] in closer and topics[K2] not in closer
    assert topics[K2] in apart and topics[K3] not in closer + apart
    k1 = next(x for x in s.scales if x.key == K1)
    assert [(p.a, p.b) for p in k1.points] == [(0, 10), (4, 6)]


def test_skipped_and_missing_are_gaps_never_zeros():
    ex = export([rnd(100, {K1: None}, {K1: 3}), rnd(200, {}, {K1: 4})])
    k1 = next(x for x in story.build(ex, CAT).scales if x.key == K1)
    assert [(p.a, p.b) for p in k1.points] == [(None, 3), (None, 4)]
    assert not any("closer" in m or "apart" in m for m in story.build(ex, CAT).moved)


def test_a_round_not_looked_at_together_is_not_in_the_story():
    ex = export(
        [
            rnd(100, {K1: 0}, {K1: 10}, text="shown"),
            rnd(200, {K1: 5}, {K1: 5}, revealed=False, text="sealed words"),
        ]
    )
    s = story.build(ex, CAT)
    assert s.rounds == 1
    assert all("sealed words" not in line for e in s.entries for line in e.lines)
    assert any("shown" in line for e in s.entries for line in e.lines)


def test_check_ins_trend_and_since_your_last_check_in():
    ck = [
        {
            "revealed_at": 100.0,
            "started_at": 90.0,
            "ratings": {"a": {"heard": 4}, "b": {"heard": 0}},
        },
        {
            "revealed_at": 200.0,
            "started_at": 190.0,
            "ratings": {"a": {"heard": 3}, "b": {"heard": 3}},
        },
        {"revealed_at": None, "started_at": 300.0, "ratings": {}, "appreciations": {"a": "thanks"}},
    ]
    s = story.build(export(checkins=ck), CAT)
    heard = next(x for x in s.week if x.key == "heard")
    assert [(p.a, p.b) for p in heard.points] == [(4, 0), (3, 3)]
    assert any("Since your last check-in, you moved closer on: Feeling heard" in m for m in s.moved)
    assert s.checkins == 2 and len([e for e in s.entries if e.kind == "checkin"]) == 3


def test_felt_heard_comes_only_from_revealed_ratings():
    d = [
        {
            "created_at": 100.0,
            "revealed": True,
            "state": {"topic": "Sundays", "phase": "done"},
            "ratings": [{"partner": "a", "heard": 7, "safe": 6}, {"partner": "b", "heard": 4}],
        },
        {"created_at": 200.0, "revealed": False, "state": {"topic": "Money"}, "ratings": []},
    ]
    s = story.build(export(dialogues=d), CAT)
    heard = next(x for x in s.felt if x.key == "heard")
    assert [(p.a, p.b) for p in heard.points] == [(7, 4)]
    assert s.dialogues == 2  # the second is a topic in the timeline, without ratings


def test_broken_entries_are_skipped_not_a_crash():
    ex = {
        "couple": None,
        "safety_maps": [None, {"state": "x"}, {"answers": 3}],
        "checkins": [{"revealed_at": "soon"}],
        "dialogues": [{"created_at": True}],
    }
    s = story.build(ex, CAT)
    assert s.empty and s.names["a"] == "First partner"


EXTRA = st.lists(
    st.tuples(st.integers(0, 10), st.integers(0, 10), st.text(max_size=20)), max_size=4
)


@settings(max_examples=50, deadline=None)
@given(EXTRA)
def test_adding_anything_unrevealed_never_changes_the_story(extra):
    base = export(
        [rnd(100, {K1: 2}, {K1: 8}), rnd(200, {K1: 5}, {K1: 6})],
        checkins=[
            {
                "revealed_at": 150.0,
                "started_at": 140.0,
                "ratings": {"a": {"close": 2}, "b": {"close": 3}},
            }
        ],
    )
    more = copy.deepcopy(base)
    for i, (a, b, words) in enumerate(extra):
        more["safety_maps"].append(rnd(300 + i, {K1: a}, {K1: b}, revealed=False, text=words))
        more["checkins"].append({"revealed_at": None, "started_at": 300.0 + i, "ratings": {}})
    got, want = story.build(more, CAT), story.build(base, CAT)
    assert (got.scales, got.week, got.moved, got.felt) == (
        want.scales,
        want.week,
        want.moved,
        want.felt,
    )
    assert [e for e in got.entries if e.kind == "safety_map"] == [
        e for e in want.entries if e.kind == "safety_map"
    ]
