"""Turn-taking rules of the safety map, and the service over a real store."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio import charts
from studio import safety_flow as flow
from studio import safety_service as svc
from studio.exercises import EXERCISES_DIR, parse_file
from studio.store import Store
from tests import factory

SPEC = parse_file(EXERCISES_DIR / "safety_map.toml")


def test_phase_follows_seals_and_ready():
    s = flow.FlowState()
    assert flow.phase(s) == "answer_a"
    s = flow.seal(s, "a")
    assert flow.phase(s) == "answer_b"
    s = flow.seal(s, "b")
    assert flow.phase(s) == "confirm"
    s = flow.confirm_ready(s, "a", now=10)
    assert flow.phase(s) == "confirm"
    s = flow.confirm_ready(s, "b", now=11)
    assert flow.phase(s) == "reveal" and s.revealed_at == 11


def test_only_the_answering_partner_can_seal_or_move():
    s = flow.FlowState()
    with pytest.raises(flow.FlowError):
        flow.seal(s, "b")
    with pytest.raises(flow.FlowError):
        flow.go_to_section(s, "b", "needs")
    with pytest.raises(flow.FlowError):
        flow.confirm_ready(s, "a", now=1)


def test_unseal_needs_the_other_partner_and_keeps_their_progress():
    s = flow.seal(flow.FlowState(), "a")
    s = flow.go_to_section(s, "b", "scales-2")
    s = flow.ask_to_unseal(s, "a")
    with pytest.raises(flow.FlowError):
        flow.agree_unseal(s, "a")  # nobody agrees to their own request
    s = flow.agree_unseal(s, "b")
    assert flow.phase(s) == "answer_a"
    assert s.section["b"] == "scales-2" and s.section["a"] == "review"
    s = flow.seal(s, "a")
    assert flow.phase(s) == "answer_b"


def test_unseal_after_both_sealed_resets_ready():
    s = flow.seal(flow.seal(flow.FlowState(), "a"), "b")
    s = flow.confirm_ready(s, "a", now=1)
    s = flow.agree_unseal(flow.ask_to_unseal(s, "b"), "a")
    assert flow.phase(s) == "answer_b" and not s.ready["a"]


def test_no_unseal_after_the_reveal():
    s = flow.seal(flow.seal(flow.FlowState(), "a"), "b")
    s = flow.confirm_ready(flow.confirm_ready(s, "a", 1), "b", 2)
    with pytest.raises(flow.FlowError):
        flow.ask_to_unseal(s, "a")


def test_sharing_needs_both_after_the_reveal():
    s = flow.FlowState()
    with pytest.raises(flow.FlowError):
        flow.agree_to_share(s, "a")
    s = flow.seal(flow.seal(s, "a"), "b")
    s = flow.confirm_ready(flow.confirm_ready(s, "a", 1), "b", 2)
    s = flow.agree_to_share(s, "a")
    assert not flow.both_agree_to_share(s)
    assert flow.both_agree_to_share(flow.agree_to_share(s, "b"))


@given(
    st.lists(
        st.sampled_from(
            [
                "seal_a",
                "seal_b",
                "ready_a",
                "ready_b",
                "ask_a",
                "ask_b",
                "agree_a",
                "agree_b",
                "cancel",
            ]
        ),
        max_size=30,
    )
)
def test_state_round_trips_and_phase_is_always_known(moves):
    s = flow.FlowState()
    for m in moves:
        try:
            if m.startswith("seal"):
                s = flow.seal(s, m[-1])
            elif m.startswith("ready"):
                s = flow.confirm_ready(s, m[-1], now=5)
            elif m.startswith("ask"):
                s = flow.ask_to_unseal(s, m[-1])
            elif m.startswith("agree"):
                s = flow.agree_unseal(s, m[-1])
            else:
                s = flow.cancel_unseal(s)
        except flow.FlowError:
            pass
        again = flow.FlowState.from_dict(json.loads(json.dumps(s.to_dict())))
        assert again == s
        assert flow.phase(s) in ("answer_a", "answer_b", "confirm", "reveal")
        if flow.phase(s) == "reveal":
            assert s.sealed["a"] and s.sealed["b"]


def test_long_text_is_refused_kindly_and_keeps_nothing_half():
    with pytest.raises(flow.FlowError, match="2,000"):
        flow.clean_text(SPEC, "x" * 2001)
    assert flow.clean_text(SPEC, "  hi \r\n there ") == "hi \n there"


def test_to_answers_treats_invalid_stored_values_as_skipped():
    stored = {
        "text": ("words", False),
        flow.scale_item(SPEC.scales[0].key): (11, False),
        flow.scale_item(SPEC.scales[1].key): (3, False),
        flow.guess_item(SPEC.scales[1].key): (None, True),
        "needs": (["not-a-need"], False),
    }
    ans = flow.to_answers(SPEC, stored)
    assert ans.positions[SPEC.scales[0].key] is None
    assert ans.positions[SPEC.scales[1].key] == 3
    assert ans.guesses[SPEC.scales[1].key] is None
    assert ans.needs is None and ans.text == "words"


@pytest.fixture
def store(store_url):
    return Store(store_url)


def _couple(store):
    return factory.couple(store, "A", "B", ready=False)


def test_service_keeps_partners_apart_until_the_reveal(store):
    c = _couple(store)
    run = svc.start_run(store, c.id)
    svc.save_text(store, SPEC, run, "a", "secret-a")
    key = SPEC.scales[0].key
    svc.save_position(store, run, "a", flow.scale_item(key), 2)
    run = svc.seal(store, run, "a")
    # B's turn: A can't write any more, and the service reads only B's items for B.
    with pytest.raises(flow.FlowError):
        svc.save_text(store, SPEC, run, "a", "changed")
    assert svc.own_answers(store, run, "b") == {}
    with pytest.raises(flow.FlowError):
        svc.reveal(store, SPEC, run)
    svc.save_text(store, SPEC, run, "b", "secret-b")
    svc.save_position(store, run, "b", flow.scale_item(key), 9)
    svc.save_needs(store, SPEC, run, "b", [SPEC.needs[0].key])
    run = svc.seal(store, run, "b")
    run = svc.confirm_ready(store, run, "a", now=1)
    run = svc.confirm_ready(store, run, "b", now=2)
    data = svc.reveal(store, SPEC, svc.reload(store, c.id, run.id))
    assert data.a.text == "secret-a" and data.b.text == "secret-b"
    row = data.reveal.rows[0]
    assert (row.a, row.b, row.gap, row.band) == (2, 9, 7, "far")


def test_service_rejects_too_many_needs(store):
    c = _couple(store)
    run = svc.start_run(store, c.id)
    with pytest.raises(ValueError):
        svc.save_needs(store, SPEC, run, "a", [n.key for n in SPEC.needs[:4]])


def test_carry_to_dialogue_is_stored_once(store):
    c = _couple(store)
    t1 = svc.carry_to_dialogue(store, c.id, "Time together or time alone")
    t2 = svc.carry_to_dialogue(store, c.id, "Time together or time alone")
    assert t1 == t2
    topics = store.open_topics(c.id)
    assert [t.source for t in topics] == ["safety_map"]


def test_runs_are_kept_newest_first(store):
    c = _couple(store)
    first = svc.start_run(store, c.id, now=1)
    second = svc.start_run(store, c.id, now=2)
    assert [r.id for r in svc.runs(store, c.id)] == [second.id, first.id]


@pytest.mark.parametrize(
    "name", ["<b>x</b>", "<a href='javascript:alert(1)'>x</a>", "$x^2$", "a & b"]
)
def test_chart_names_are_literal(name):
    out = charts.plotly_text(name)
    assert "<" not in out and ">" not in out and "$" not in out


def test_charts_carry_shapes_and_skip_skipped(store):
    from studio.safety_map import PartnerAnswers, summary

    k0, k1 = SPEC.scales[0].key, SPEC.scales[1].key
    a = PartnerAnswers(positions={k0: 2, k1: None}, guesses={k0: 8})
    b = PartnerAnswers(positions={k0: 9, k1: 4}, guesses={})
    rv = summary(SPEC, a, b)
    styles = {
        "a": charts.PartnerStyle("<b>A</b>", "#0072B2", "circle", "●"),
        "b": charts.PartnerStyle("B", "#A85A00", "triangle-up", "▲"),
    }
    fig = charts.positions_figure(rv, styles)
    markers = [t for t in fig.data if t.mode == "markers"]
    assert [t.marker.symbol for t in markers] == ["circle", "triangle-up"]
    assert list(markers[0].x) == [2]  # a skipped k1: not drawn
    assert markers[0].name == "&lt;b&gt;A&lt;/b&gt;"
    gaps = charts.gaps_figure(rv, SPEC)
    assert sum(len(t.x) for t in gaps.data) == 1  # only the scale both answered
    assert "not on the map" in " ".join(
        a.text for a in charts.map_figure(rv, styles).layout.annotations
    )
    assert charts.guesses_figure(rv.a_guesses, styles["a"], styles["b"], "t").data


def test_no_reveal_while_a_change_is_asked_and_no_unseal_after_it():
    # Found by hypothesis: ready, ask to change, ready, agree -> a revealed run unsealed.
    s = flow.seal(flow.seal(flow.FlowState(), "a"), "b")
    s = flow.confirm_ready(s, "a", now=1)
    s = flow.ask_to_unseal(s, "a")
    with pytest.raises(flow.FlowError):
        flow.confirm_ready(s, "b", now=2)
    s = flow.cancel_unseal(s)
    s = flow.confirm_ready(s, "b", now=2)
    assert flow.phase(s) == "reveal"
    with pytest.raises(flow.FlowError):
        flow.agree_unseal(s, "b")


def test_overview_sentences_follow_the_run(store):
    from studio import overview

    c = _couple(store)
    assert overview.safety_map_status(store, c) == "Not started yet."
    run = svc.start_run(store, c.id)
    assert "0 of 2" in overview.safety_map_status(store, c)
    run = svc.seal(store, svc.seal(store, run, "a"), "b")
    assert "ready to look together" in overview.safety_map_status(store, c)
    run = svc.confirm_ready(store, svc.confirm_ready(store, run, "a", 1), "b", 2)
    assert overview.safety_map_status(store, c).startswith("You last looked at it together")
    assert overview.dialogue_status(store, c) == "Not started yet."


# -- parts of a turn, versions, stale presses ---------------------------------------------


def test_sections_are_named_and_old_numbers_still_read():
    s = flow.FlowState.from_dict({"section": {"a": 3, "b": "needs"}, "version": 4})
    assert s.section == {"a": "scales-1", "b": "needs"} and s.version == 4
    assert flow.FlowState.from_dict({"section": {"a": "../etc"}}).section["a"] == "words"
    assert flow.FlowState.from_dict({"version": True}).version == 0
    with pytest.raises(flow.FlowError):
        flow.go_to_section(flow.FlowState(), "a", "scales-0")
    assert flow.FlowState.from_dict(flow.FlowState(version=7).to_dict()).version == 7


def test_a_move_from_an_old_screen_changes_nothing(store):
    c = _couple(store)
    run = svc.start_run(store, c.id)
    old = run
    run = svc.go_to_section(store, run, "a", "scales-1", expect=run.version)
    assert run.version == old.version + 1
    with pytest.raises(svc.Stale):
        svc.go_to_section(store, old, "a", "needs", expect=old.version)
    assert svc.reload(store, c.id, run.id).state.section["a"] == "scales-1"
    # Answers don't move the version: another card on the same screen stays current.
    svc.save_position(store, run, "a", flow.scale_item(SPEC.scales[0].key), 2)
    assert svc.reload(store, c.id, run.id).version == run.version


def test_an_answer_after_the_seal_is_refused_and_nothing_is_written(store):
    c = _couple(store)
    run = svc.start_run(store, c.id)
    key = flow.scale_item(SPEC.scales[0].key)
    svc.save_position(store, run, "a", key, 8)
    svc.seal(store, run, "a", expect=run.version)
    with pytest.raises(svc.Stale):
        svc.save_position(store, run, "a", key, 0)  # `run` is the old screen's view
    with pytest.raises(svc.Stale):
        svc.save_text(store, SPEC, run, "a", "overwritten")
    assert store.answers_of(run.id, "a") == {key: (8, False)}


def test_clearing_words_and_needs_leaves_them_unanswered(store):
    c = _couple(store)
    run = svc.start_run(store, c.id)
    svc.save_text(store, SPEC, run, "a", "something")
    svc.save_text(store, SPEC, run, "a", "   ")
    svc.save_needs(store, SPEC, run, "a", [SPEC.needs[0].key])
    svc.save_needs(store, SPEC, run, "a", [])
    assert store.answers_of(run.id, "a") == {}
