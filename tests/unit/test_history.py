"""The history the page and the report build on (``studio.history``), from hand-made
exports: hand-computed trends and words, gaps that stay gaps, nothing unrevealed, broken
data skipped, partner styles that never collide, and a property: adding anything not yet
looked at together never changes what the two of you can see."""

from __future__ import annotations

import copy
import dataclasses
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from studio import history
from studio.exercises import load_catalog

CAT = load_catalog()
SPEC = CAT.get("safety_map")
TOPIC = {s.key: s.topic for s in SPEC.scales}
K1, K2, K3, K4 = (s.key for s in SPEC.scales[:4])
ITEMS = [i.key for i in CAT.of_kind("checkin")[0].items]


def rnd(when, a: dict, b: dict, revealed=True, text_a=None):
    answers = [{"partner": p, "item": f"scale:{k}", "value": v, "skipped": v is None}
               for p, side in (("a", a), ("b", b)) for k, v in side.items()]
    if text_a is not None:
        answers.append({"partner": "a", "item": "text", "value": text_a, "skipped": False})
    return {"exercise": "safety_map", "started_at": when - 5,
            "state": {"revealed_at": when if revealed else None}, "answers": answers}


def checkin(when, a: dict, b: dict, revealed=True, thanks=None):
    return {"exercise": "weekly_checkin", "started_at": when - 5,
            "revealed_at": when if revealed else None, "finished_at": None,
            "appreciations": {"a": thanks, "b": None},
            "ratings": {"a": a, "b": b} if revealed else {}, "topic": None,
            "talk": None, "repair": {"a": None, "b": None}, "next_day": None}


def dialogue(when, topic, ratings=(), revealed=True, phase="done"):
    return {"created_at": when, "revealed": revealed,
            "state": {"topic": topic, "variant": "full", "phase": phase}, "notes": [],
            "ratings": list(ratings) if revealed else []}


def export(maps=(), checkins=(), dialogues=(), **couple):
    return {"couple": {"name_a": "Robin", "name_b": "Sam", **couple},
            "safety_maps": list(maps), "checkins": list(checkins),
            "dialogues": list(dialogues)}


def pairs(series):
    return [(p.a, p.b) for p in series.points]


def scale(h, key):
    return next(s for s in h.scales if s.key == key)


def test_positions_per_scale_and_since_last_time_hand_computed():
    # Gaps |a-b|: K1 9 -> 1 (closer by 8), K2 0 -> 6 (further by 6), K3 4 -> 3 (by 1:
    # too small to name), K4 answered by one partner only in the latest round.
    h = history.build(export([
        rnd(1000, {K1: 1, K2: 5, K3: 2, K4: 0}, {K1: 10, K2: 5, K3: 6, K4: 10}),
        rnd(2000, {K1: 4, K2: 2, K3: 3, K4: None}, {K1: 5, K2: 8, K3: 6, K4: 10}),
    ]), CAT)
    assert h.rounds == 2
    assert pairs(scale(h, K1)) == [(1, 10), (4, 5)]
    assert pairs(scale(h, K4)) == [(0, 10), (None, 10)]
    closer = [m for m in h.moved if "closer" in m]
    apart = [m for m in h.moved if "further apart" in m]
    assert closer == [f"Since your last round, you moved closer on: {TOPIC[K1]}."]
    assert len(apart) == 1 and TOPIC[K2] in apart[0]
    for k in (K3, K4):
        assert all(TOPIC[k] not in m for m in h.moved)


def test_no_change_is_said_kindly_and_one_round_says_nothing():
    same = history.build(export([rnd(1000, {K1: 2}, {K1: 6}), rnd(2000, {K1: 7}, {K1: 3})]),
                         CAT)
    assert same.moved == ("Since your last round, you're about where you were on every "
                          "scale.",)
    one = history.build(export([rnd(1000, {K1: 2}, {K1: 6})]), CAT)
    assert one.moved == () and one.rounds == 1


def test_skipped_and_missing_answers_are_gaps_never_zeros():
    h = history.build(export(
        [rnd(1000, {K1: None, K2: 3}, {K1: 4}), rnd(2000, {K2: 5}, {K1: 0, K2: 1})],
        checkins=[checkin(1500, {ITEMS[0]: None, ITEMS[1]: 0}, {ITEMS[0]: 3}),
                  checkin(2500, {}, {ITEMS[0]: 2, ITEMS[1]: 4})]), CAT)
    assert pairs(scale(h, K1)) == [(None, 4), (None, 0)]
    assert pairs(scale(h, K2)) == [(3, None), (5, 1)]
    week = {s.key: s for s in h.week}
    assert pairs(week[ITEMS[0]]) == [(None, 3), (None, 2)]
    assert pairs(week[ITEMS[1]]) == [(0, None), (None, 4)]  # a real 0 stays a 0
    # A scale no one answered in any round has no chart at all.
    assert K3 not in {s.key for s in h.scales}


def test_out_of_range_or_wrongly_typed_values_are_gaps():
    h = history.build(export([rnd(1000, {K1: 11, K2: True}, {K1: "5", K2: -1})]), CAT)
    assert all(pairs(s) == [(None, None)] for s in h.scales) or not h.scales


def test_felt_heard_and_safe_only_from_revealed_dialogue_ratings():
    h = history.build(export(dialogues=[
        dialogue(1000, "Sundays", [{"partner": "a", "heard": 8, "safe": 6, "word": "calm"},
                                   {"partner": "b", "heard": 5, "safe": None}]),
        dialogue(2000, "Money", [{"partner": "a", "heard": 1, "safe": 1}], revealed=False),
        dialogue(3000, "Holidays", phase="listen"),
        dialogue(4000, "", revealed=False),  # no topic, nothing revealed: not a moment
    ]), CAT)
    felt = {s.key: s for s in h.felt}
    assert pairs(felt["heard"]) == [(8, 5)]
    assert pairs(felt["safe"]) == [(6, None)]
    talks = [e for e in h.entries if e.kind == "dialogue"]
    assert [e.when for e in talks] == [3000, 2000, 1000]  # newest first
    assert "Still in progress." in talks[0].lines
    assert all("1 of 10" not in line for e in talks for line in e.lines)


def test_check_in_items_over_time_and_since_your_last_check_in():
    k = ITEMS[0]
    h = history.build(export(checkins=[checkin(1000, {k: 4}, {k: 1}),
                                       checkin(2000, {k: 3}, {k: 3})]), CAT)
    week = {s.key: s for s in h.week}
    assert pairs(week[k]) == [(4, 1), (3, 3)]
    assert (week[k].low, week[k].high) == (0, 4)
    label = next(i.short for i in CAT.of_kind("checkin")[0].items if i.key == k)
    assert f"Since your last check-in, you moved closer on: {label}." in h.moved
    assert h.checkins == 2


def test_a_round_not_looked_at_together_never_appears():
    h = history.build(export([rnd(1000, {K1: 0}, {K1: 10}, text_a="shown words"),
                              rnd(2000, {K1: 7}, {K1: 7}, revealed=False,
                                  text_a="sealed words")]), CAT)
    assert h.rounds == 1 and pairs(scale(h, K1)) == [(0, 10)]
    text = json.dumps(dataclasses.asdict(h))
    assert "sealed words" not in text and "shown words" in text
    assert 2000 not in [e.when for e in h.entries]


def test_unrevealed_check_in_ratings_never_reach_the_trends():
    k = ITEMS[0]
    sneaky = checkin(3000, {}, {}, revealed=False)
    sneaky["ratings"] = {"a": {k: 0}, "b": {k: 0}}  # a hand-made export that holds them
    h = history.build(export(checkins=[checkin(1000, {k: 4}, {k: 4}), sneaky]), CAT)
    assert pairs(next(s for s in h.week if s.key == k)) == [(4, 4)]
    assert h.checkins == 1


def test_broken_exports_build_without_a_crash():
    for ex in ({}, None, [], {"couple": None, "safety_maps": [None, {"state": "x"}, {}],
                              "checkins": [{"revealed_at": "soon"}, 7],
                              "dialogues": [{"created_at": True}, "x"]},
               {"safety_maps": "nope", "checkins": {}, "dialogues": None}):
        h = history.build(ex, CAT)
        assert h.empty and h.names == {"a": "First partner", "b": "Second partner"}
    assert history.build(export([rnd(1000, {K1: 3}, {K1: 4})]), None).scales == ()


def test_styles_follow_the_couple_and_never_collide():
    s = history.styles({"name_a": "Robin", "color_a": "green", "symbol_a": "star",
                        "name_b": "Sam", "color_b": ["bad"], "symbol_b": None})
    assert (s["a"].name, s["a"].color, s["a"].symbol) == ("Robin", "#00734F", "star")
    assert s["b"].color != s["a"].color and s["b"].symbol == "triangle-up"
    assert history.answer_words(CAT)(0) == CAT.of_kind("checkin")[0].answer_labels[0]
    assert history.answer_words(None) is None


UNSEEN = st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10), st.text(max_size=12),
                            st.integers(0, 4)), max_size=4)


@settings(max_examples=60, deadline=None)
@given(UNSEEN)
def test_adding_anything_unrevealed_never_changes_what_you_can_see(extra):
    base = export([rnd(1000, {K1: 2, K2: 9}, {K1: 8, K2: 9}),
                   rnd(3000, {K1: 5, K2: 4}, {K1: 6, K2: None})],
                  checkins=[checkin(2000, {ITEMS[0]: 2}, {ITEMS[0]: 3})],
                  dialogues=[dialogue(2500, "Sundays", [{"partner": "a", "heard": 7,
                                                         "safe": 7}])])
    more = copy.deepcopy(base)
    for i, (a, b, words, r) in enumerate(extra):
        more["safety_maps"].insert(i % 2, rnd(4000 + i, {K1: a, K2: b}, {K1: b}, False,
                                              words))
        more["checkins"].append(checkin(5000 + i, {ITEMS[0]: r}, {ITEMS[0]: r}, False))
        more["dialogues"].append(dialogue(6000 + i, "", [{"partner": "b", "heard": a}],
                                          revealed=False))
    got, want = history.build(more, CAT), history.build(base, CAT)
    # Rounds and dialogues not looked at together change nothing at all.
    assert (got.scales, got.week, got.felt, got.moved) == (want.scales, want.week,
                                                           want.felt, want.moved)
    assert (got.rounds, got.checkins, got.dialogues) == (want.rounds, want.checkins,
                                                        want.dialogues)
    # A check-in still under way may keep its place in the timeline (its thanks are
    # said together), but says only that the week's answers are not here yet.
    assert [e for e in got.entries if e.kind != "checkin" or e.when < 4500] == list(
        want.entries)
    for e in got.entries:
        if e.kind == "checkin" and e.when >= 4500:
            assert e.lines == ("How the week felt isn't here: you haven't looked at it "
                               "together.",)


# -- the charts and their words (studio.history_charts) ------------------------------------


def test_figures_from_an_export_keep_gaps_and_make_names_literal():
    from studio import history_charts

    ex = export([rnd(1000, {K1: 2}, {K1: 5}), rnd(2000, {K1: None}, {K1: 6})],
                checkins=[checkin(1500, {ITEMS[0]: 3}, {ITEMS[0]: None})],
                name_a="<b>Ro</b> $x$", color_a="green", symbol_a="star")
    charts = history_charts.for_export(ex, CAT)
    assert [t for t, _f, _l in charts] == ["Where each of you stands, round by round",
                                           "How the weeks felt (0 not at all, 4 completely)"]
    fig = charts[0][1]
    a = next(t for t in fig.data if t.legendgroup == "a" and t.showlegend)
    assert list(a.y) == [2, None] and a.connectgaps is False  # a gap, not a zero
    assert a.marker.symbol == "star" and a.marker.color == "#00734F"
    assert "<b>Ro" not in a.name and "&lt;b&gt;Ro" in a.name and "$" not in a.name
    lines = charts[1][2]
    assert any("<b>Ro</b> $x$ Mostly, Sam no answer" in x for x in lines)  # plain words


def test_the_page_says_the_latest_points_in_words_and_counts_the_rest():
    from studio import history_charts

    ex = export(checkins=[checkin(1000 + i * 86400, {ITEMS[0]: i % 5}, {ITEMS[0]: 2})
                          for i in range(25)])
    h = history.build(ex, CAT)
    (_t, fig, every), = history_charts.figures(h, history.styles(ex["couple"]))
    (_t2, fig2, recent), = history_charts.figures(h, history.styles(ex["couple"]), recent=10)
    assert fig.to_json() == fig2.to_json()  # the chart keeps every point
    first = recent[ITEMS.index(ITEMS[0])]
    assert first.count("Robin") == 10 and "Before that, 15 more, from" in first
    assert every[0].count("Robin") == 25
    short = history_charts.figures(history.build(export(checkins=ex["checkins"][:3]), CAT),
                                   recent=10)[0][2]
    assert "Before that" not in short[0] and short[0].count("Robin") == 3
