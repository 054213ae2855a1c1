"""The guided dialogue: content file, state machine, timers, equal time, storage."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from studio import dialogue as d
from studio.dialogue import (
    COUNTED_PHASES,
    EVENTS,
    HISTORY_MAX,
    PHASE_STEP,
    PHASES,
    TIMED_PHASES,
    TRANSITIONS,
    VARIANT_STEPS,
    VARIANTS,
    DialogueSpec,
    DialogueState,
    InvalidMove,
    StateError,
    actions,
    advance,
    can_arrange,
    current_step,
    duration_words,
    equal_time,
    is_low,
    needs_care,
    new_dialogue,
    next_step_preview,
    remaining_seconds,
    roles,
    shared_time,
    turn_sentences,
    turns,
)
from studio.exercises import ExerciseError, parse_file

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "exercises" / "imago_dialogue.toml"


@pytest.fixture(scope="module")
def spec() -> DialogueSpec:
    loaded = parse_file(SPEC_PATH)
    assert isinstance(loaded, DialogueSpec)
    return loaded


def raw_spec() -> dict:
    return tomllib.loads(SPEC_PATH.read_text(encoding="utf-8"))


def at(variant: str, phase: str, **kw) -> DialogueState:
    """A state standing in ``phase`` whose step began at t=0."""
    kw.setdefault("topic", "our evenings")
    kw.setdefault("step_started_at", 0.0)
    return DialogueState(variant=variant, phase=phase, **kw)


def kwargs_for(event: str, state: DialogueState) -> dict:
    return {
        "start": {"topic": "our evenings", "source": "own"},
        "switch_new": {"topic": "the holidays", "source": "safety_map"},
        "not_now": {"when": "tomorrow after dinner"},
        "requested": {"count": 3},
        "chosen": {"choice": max(1, state.request_count)},
        "arrange": {"first_sender": "b" if state.sender == "a" else "a"},
    }.get(event, {})


def run(state: DialogueState, steps: list[tuple]) -> DialogueState:
    """steps: (event, now) or (event, now, kwargs)."""
    for step in steps:
        event, now = step[0], step[1]
        kw = step[2] if len(step) > 2 else {}
        state = advance(state, event, now, **kw)
    return state


# ------------------------------------------------------------- every transition

COMMON = [
    ("topic", "start", "appointment"),
    ("appointment", "ready", "send"),
    ("appointment", "not_now", "postponed"),
    ("postponed", "come_back", "appointment"),
    ("send", "sent", "mirror"),
    ("mirror", "mirrored", "check_mirror"),
    ("check_mirror", "got_it", "more"),
    ("check_mirror", "not_quite", "mirror"),
    ("more", "more_yes", "send"),
    ("appointment", "arrange", "appointment"),
    ("close", "closed", "switch"),
    ("switch", "switch_same", "send"),
    ("switch", "switch_new", "appointment"),
    ("switch", "end", "done"),
]
EXPECTED = {
    "standard": [
        *COMMON,
        ("more", "more_no", "summary"),
        ("summary", "summarised", "check_summary"),
        ("check_summary", "got_it", "validation"),
        ("check_summary", "not_quite", "summary"),
        ("validation", "validated", "empathy"),
        ("empathy", "empathised", "check_empathy"),
        ("check_empathy", "got_it", "close"),
        ("check_empathy", "not_quite", "empathy"),
    ],
    "appreciation": [*COMMON, ("more", "more_no", "close")],
    "behaviour_change": [
        *COMMON,
        ("more", "more_no", "summary"),
        ("summary", "summarised", "check_summary"),
        ("check_summary", "got_it", "request"),
        ("check_summary", "not_quite", "summary"),
        ("request", "requested", "choose"),
        ("choose", "chosen", "close"),
    ],
}
CASES = [(v, p, e, t) for v, rows in EXPECTED.items() for (p, e, t) in rows]


@pytest.mark.parametrize("variant", VARIANTS)
def test_transition_table_is_exactly_the_tested_one(variant):
    table = {(p, e, t) for (p, e), t in TRANSITIONS[variant].items()}
    assert table == set(EXPECTED[variant])


@pytest.mark.parametrize(("variant", "phase", "event", "target"), CASES)
def test_every_transition(variant, phase, event, target):
    state = at(variant, phase, request_count=2 if phase == "choose" else 0)
    new = advance(state, event, 50.0, **kwargs_for(event, state))
    assert new.phase == target
    assert new.step_started_at == 50.0
    assert new.history[-1] == (phase, event)
    assert new.paused_at is None
    assert state.phase == phase  # the old state is untouched


PAUSABLE = [(v, p) for v in VARIANTS for p in PHASES if p != "done"]


@pytest.mark.parametrize(("variant", "phase"), PAUSABLE)
def test_pause_and_resume_in_every_phase(variant, phase):
    state = at(variant, phase, sender="b", round=2, step_started_at=10.0)
    paused = advance(state, "pause", 40.0)
    assert paused.phase == phase and paused.paused_at == 40.0
    resumed = advance(paused, "resume_from_pause", 100.0)
    assert resumed.phase == phase
    assert roles(resumed) == roles(state) == ("b", "a")
    assert resumed.round == 2
    assert resumed.paused_at is None
    assert resumed.step_started_at == 70.0  # shifted by the 60 paused seconds
    assert resumed.history[-2:] == ((phase, "pause"), (phase, "resume_from_pause"))


@pytest.mark.parametrize(("variant", "phase"), PAUSABLE)
def test_abandon_from_every_phase(variant, phase):
    state = at(variant, phase)
    done = advance(state, "abandon", 30.0)
    assert done.phase == "done" and done.abandoned
    assert done.topic == state.topic
    assert actions(done) == []


@pytest.mark.parametrize(("variant", "phase"), PAUSABLE)
def test_events_that_do_not_fit_raise(variant, phase):
    state = at(variant, phase, request_count=1)
    allowed = {e for e, _ in actions(state)}
    for event in EVENTS:
        if event in allowed:
            continue
        with pytest.raises(InvalidMove) as info:
            advance(state, event, 5.0, **kwargs_for(event, state))
        assert info.value.phase == phase
        assert "_" not in str(info.value)  # a sentence for people, not an identifier


# --------------------------------------------------------------------- loops


def test_several_mirror_loops_are_counted():
    state = at("standard", "mirror")
    for i in range(3):
        state = run(state, [("mirrored", 10 * i + 1), ("not_quite", 10 * i + 2)])
        assert state.phase == "mirror"
    state = run(state, [("mirrored", 40), ("got_it", 41)])
    assert state.phase == "more" and state.mirror_count == 3


def test_several_more_loops_go_back_to_send():
    state = at("standard", "send")
    for i in range(1, 4):
        state = run(state, [("sent", i), ("mirrored", i), ("got_it", i)])
        assert state.phase == "more"
        if i < 3:
            state = advance(state, "more_yes", i)
            assert state.phase == "send" and state.more_count == i
    state = advance(state, "more_no", 9)
    assert state.phase == "summary" and state.more_count == 2


def test_summary_and_empathy_loops():
    state = at("standard", "summary")
    state = run(state, [("summarised", 1), ("not_quite", 2), ("summarised", 3)])
    assert state.phase == "check_summary"
    state = run(state, [("got_it", 4), ("validated", 5), ("empathised", 6), ("not_quite", 7)])
    assert state.phase == "empathy"
    state = run(state, [("empathised", 8), ("got_it", 9)])
    assert state.phase == "close" and state.mirror_count == 0


# ------------------------------------------------------------------- switching


def test_switch_same_topic_swaps_roles_and_resets_counters():
    state = at("standard", "switch", mirror_count=2, more_count=1, topic_source="safety_map")
    new = advance(state, "switch_same", 10.0)
    assert new.phase == "send"
    assert roles(new) == ("b", "a")
    assert new.round == 2
    assert new.topic == "our evenings" and new.topic_source == "safety_map"
    assert (new.mirror_count, new.more_count) == (0, 0)


def test_switch_new_topic_goes_to_appointment_with_the_new_topic():
    state = at("standard", "switch")
    new = advance(state, "switch_new", 10.0, topic="  the holidays  ", source="safety_map")
    assert new.phase == "appointment"
    assert roles(new) == ("b", "a") and new.round == 2
    assert new.topic == "the holidays" and new.topic_source == "safety_map"


def test_after_both_turns_only_end_or_another_round():
    state = at("standard", "switch", sender="b", round=2)
    assert actions(state)[:2] == [
        ("switch_new", "Another round, new topic"),
        ("end", "We're done for today"),
    ]
    with pytest.raises(InvalidMove):
        advance(state, "switch_same", 1.0)
    again = advance(state, "switch_new", 1.0, topic="mornings")
    assert again.round == 3 and roles(again) == ("a", "b") and again.phase == "appointment"


def test_first_switch_offers_same_new_and_end():
    state = at("standard", "switch")
    assert [e for e, _ in actions(state)] == [
        "switch_same",
        "switch_new",
        "end",
        "pause",
        "abandon",
    ]


def test_full_two_round_run_ends_in_done_with_hand_counted_time():
    state = new_dialogue("standard", 0.0)
    assert roles(state) == ("a", "b") and state.phase == "topic"
    state = run(
        state,
        [
            ("start", 10, {"topic": "Sunday plans", "source": "safety_map"}),
            ("ready", 20),  # a's round starts at 20
            ("sent", 80),
            ("mirrored", 140),
            ("not_quite", 150),
            ("mirrored", 200),
            ("got_it", 205),
            ("more_yes", 210),
            ("sent", 250),
            ("mirrored", 300),
            ("got_it", 305),
            ("more_no", 310),
            ("summarised", 380),
            ("got_it", 390),
            ("validated", 440),
            ("empathised", 490),
            ("got_it", 495),
            ("closed", 520),  # a: 520 - 20 = 500
        ],
    )
    assert state.phase == "switch"
    assert (state.mirror_count, state.more_count) == (1, 1)
    assert state.sender_seconds == {"a": 500.0, "b": 0.0}
    state = advance(state, "switch_same", 600)  # b's round starts at 600
    assert roles(state) == ("b", "a") and state.topic == "Sunday plans"
    state = run(
        state,
        [
            ("sent", 700),
            ("mirrored", 760),
            ("got_it", 765),
            ("more_no", 770),
            ("summarised", 830),
            ("got_it", 835),
            ("validated", 860),
            ("empathised", 900),
            ("got_it", 905),
            ("closed", 925),  # b: 925 - 600 = 325
        ],
    )
    assert [e for e, _ in actions(state)] == ["switch_new", "end", "pause", "abandon"]
    state = advance(state, "end", 1000)
    assert state.phase == "done" and not state.abandoned
    assert state.round == 2
    assert equal_time(state, 5000) == {"a": 500.0, "b": 325.0}
    assert len(state.history) == 30
    assert state.history[0] == ("topic", "start") and state.history[-1] == ("switch", "end")


@pytest.mark.parametrize("variant", ["appreciation", "behaviour_change"])
def test_short_variants_run_to_done(variant):
    state = new_dialogue(variant, 0.0, first_sender="b")
    state = run(state, [("start", 1, {"topic": ""})] if variant == "appreciation" else [])
    if variant == "behaviour_change":
        state = advance(state, "start", 1, topic="dishes")
    state = run(state, [("ready", 2), ("sent", 3), ("mirrored", 4), ("got_it", 5), ("more_no", 6)])
    if variant == "behaviour_change":
        state = run(
            state,
            [("summarised", 7), ("got_it", 8), ("requested", 9, {"count": 3})],
        )
        state = advance(state, "chosen", 10, choice=2)
        assert state.chosen_request == 2 and state.request_count == 3
    assert state.phase == "close"
    state = run(state, [("closed", 11), ("end", 12)])
    assert state.phase == "done" and roles(state) == ("b", "a")
    if variant == "appreciation":
        assert state.topic == "" and state.topic_source == "appreciation"


# ---------------------------------------------------------- abandon, postpone


@pytest.mark.parametrize(
    ("phase", "paused"),
    [("topic", False), ("appointment", False), ("postponed", False), ("mirror", False),
     ("check_empathy", False), ("switch", False), ("send", True)],
)  # fmt: skip
def test_abandon_from_several_phases(phase, paused):
    state = at("standard", phase, step_started_at=100.0)
    if paused:
        state = advance(state, "pause", 130.0)
    done = advance(state, "abandon", 200.0)
    assert done.phase == "done" and done.abandoned and done.paused_at is None
    expected_a = {"send": 30.0, "mirror": 100.0, "check_empathy": 100.0}.get(phase, 0.0)
    assert done.sender_seconds == {"a": expected_a, "b": 0.0}
    with pytest.raises(InvalidMove, match="ended"):
        advance(done, "resume_from_pause", 300.0)


def test_postpone_and_come_back_keeps_the_topic():
    state = new_dialogue("standard", 0.0)
    state = advance(state, "start", 5, topic="Money talk", source="safety_map")
    state = advance(state, "not_now", 6, when="  Saturday, 10 am ")
    assert state.phase == "postponed" and state.appointment_at == "Saturday, 10 am"
    assert actions(state)[0][0] == "come_back"
    # a reload: the store gives the state back
    state = DialogueState.from_dict(json.loads(json.dumps(state.to_dict())))
    state = advance(state, "come_back", 86_400.0)
    assert state.phase == "appointment"
    assert state.topic == "Money talk" and state.topic_source == "safety_map"
    assert state.appointment_at is None and roles(state) == ("a", "b")
    assert advance(state, "ready", 86_410.0).phase == "send"


@pytest.mark.parametrize("when", [None, "", "   ", "x" * 81])
def test_not_now_needs_a_short_time(when):
    with pytest.raises(InvalidMove):
        advance(at("standard", "appointment"), "not_now", 1.0, when=when)


# ------------------------------------------------------------ invalid moves


@pytest.mark.parametrize(
    ("variant", "topic", "source"),
    [("standard", "", None), ("standard", "   ", "own"), ("behaviour_change", None, None),
     ("standard", "x" * 201, None), ("standard", "fine", "somewhere"), ("standard", 42, None)],
)  # fmt: skip
def test_start_needs_a_valid_topic(variant, topic, source):
    with pytest.raises(InvalidMove):
        advance(at(variant, "topic"), "start", 1.0, topic=topic, source=source)


def test_start_defaults_the_source():
    assert advance(at("standard", "topic"), "start", 1, topic="x").topic_source == "own"
    assert advance(at("appreciation", "topic"), "start", 1).topic_source == "appreciation"


@pytest.mark.parametrize("count", [0, 4, None, True, 2.0])
def test_requested_needs_one_to_three(count):
    with pytest.raises(InvalidMove, match="one, two or three"):
        advance(at("behaviour_change", "request"), "requested", 1.0, count=count)


@pytest.mark.parametrize("choice", [0, 3, None, True])
def test_chosen_must_be_one_of_the_offered(choice):
    with pytest.raises(InvalidMove, match="2 requests"):
        advance(at("behaviour_change", "choose", request_count=2), "chosen", 1.0, choice=choice)


def test_unknown_event_and_done_and_double_pause():
    with pytest.raises(InvalidMove, match="not a step we know"):
        advance(at("standard", "send"), "shout", 1.0)
    with pytest.raises(InvalidMove, match="ended"):
        advance(at("standard", "done"), "pause", 1.0)
    paused = advance(at("standard", "send"), "pause", 1.0)
    with pytest.raises(InvalidMove, match="already"):
        advance(paused, "pause", 2.0)
    with pytest.raises(InvalidMove, match="pause"):
        advance(paused, "sent", 2.0)
    with pytest.raises(InvalidMove, match="no pause"):
        advance(at("standard", "send"), "resume_from_pause", 2.0)
    with pytest.raises(InvalidMove, match="right now: saying it back"):
        advance(at("standard", "mirror"), "got_it", 2.0)
    assert issubclass(InvalidMove, ValueError)


@pytest.mark.parametrize("now", [float("nan"), float("inf"), "12", None, True])
def test_now_must_be_a_finite_number(now):
    with pytest.raises(ValueError, match="finite"):
        advance(at("standard", "send"), "sent", now)


def test_new_dialogue_rejects_unknown_variant_and_partner():
    with pytest.raises(ValueError, match="variant"):
        new_dialogue("freestyle", 0.0)
    with pytest.raises(ValueError, match="first_sender"):
        new_dialogue("standard", 0.0, first_sender="c")


# ------------------------------------------------------ pause, timers, equal time


def test_pause_keeps_phase_roles_and_remaining_time(spec):
    state = at("standard", "send", sender="b", round=2, step_started_at=1000.0)
    assert remaining_seconds(spec, state, 1030.0) == 90.0  # send suggests 120 s
    paused = advance(state, "pause", 1030.0)
    assert remaining_seconds(spec, paused, 1100.0) == 90.0  # frozen while paused
    assert remaining_seconds(spec, paused, 9999.0) == 90.0
    resumed = advance(paused, "resume_from_pause", 1100.0)
    assert resumed.step_started_at == 1070.0
    assert remaining_seconds(spec, resumed, 1100.0) == 90.0
    assert remaining_seconds(spec, resumed, 1110.0) == 80.0
    assert resumed.phase == "send" and roles(resumed) == ("b", "a") and resumed.round == 2


def test_remaining_time_is_never_negative_and_none_without_a_timer(spec):
    mirror = at("standard", "mirror", step_started_at=0.0)  # 90 s
    assert remaining_seconds(spec, mirror, 500.0) == 0.0
    assert remaining_seconds(spec, mirror, -5.0) == 90.0  # a clock behind the start
    for phase in ("topic", "appointment", "postponed", "check_mirror", "more", "switch", "done"):
        assert remaining_seconds(spec, at("standard", phase), 1.0) is None
    standard = spec.variant("standard")
    step = standard.steps[0].model_copy(update={"suggested_seconds": None})
    timeless = standard.model_copy(update={"steps": (step, *standard.steps[1:])})
    untimed = spec.model_copy(
        update={"variants": tuple(timeless if v is standard else v for v in spec.variants)}
    )
    assert remaining_seconds(untimed, at("standard", "send"), 1.0) is None


def test_equal_time_by_hand():
    # A sends 0→100 s, pauses 100→160, sends 160→200: A has been the sender 140 s.
    state = at("standard", "send", step_started_at=0.0)
    assert equal_time(state, 60.0) == {"a": 60.0, "b": 0.0}
    state = advance(state, "pause", 100.0)
    assert equal_time(state, 130.0) == {"a": 100.0, "b": 0.0}
    state = advance(state, "resume_from_pause", 160.0)
    assert equal_time(state, 180.0) == {"a": 120.0, "b": 0.0}
    state = advance(state, "sent", 200.0)
    assert state.sender_seconds == {"a": 140.0, "b": 0.0}
    assert equal_time(state, 200.0) == {"a": 140.0, "b": 0.0}
    # the mirror step still belongs to A's round
    assert equal_time(state, 230.0) == {"a": 170.0, "b": 0.0}


def test_equal_time_ignores_topic_appointment_and_switch():
    for phase in ("topic", "appointment", "postponed", "switch", "done"):
        assert phase not in COUNTED_PHASES
        state = at("standard", phase, sender_seconds={"a": 5.0, "b": 7.0})
        assert equal_time(state, 1000.0) == {"a": 5.0, "b": 7.0}


# --------------------------------------------------------------- views, labels


def test_actions_speak_plainly():
    assert actions(at("standard", "appointment")) == [
        ("ready", "Yes, now is good"),
        ("not_now", "Not now — let's pick a time"),
        ("arrange", "Change who shares first or the kind of talk"),
        ("pause", "Take a pause"),
        ("abandon", "Stop this dialogue"),
    ]
    assert actions(at("standard", "send"))[0] == ("sent", "I've said it")
    assert actions(at("standard", "check_mirror"))[:2] == [
        ("got_it", "Did I get it? — Yes"),
        ("not_quite", "Not quite"),
    ]
    paused = advance(at("standard", "send"), "pause", 1.0)
    assert [e for e, _ in actions(paused)] == ["resume_from_pause", "abandon"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_current_step_maps_every_phase(spec, variant):
    reachable = {p for (p, _e) in TRANSITIONS[variant]} | set(TRANSITIONS[variant].values())
    for phase in reachable:
        step = current_step(spec, at(variant, phase))
        if phase in PHASE_STEP:
            assert step is not None and step.key == PHASE_STEP[phase]
        else:
            assert step is None
    assert current_step(spec, at(variant, "check_mirror")).key == "mirror"
    assert current_step(spec, at(variant, "more")).key == "mirror"


def test_next_step_preview(spec):
    def key(phase, variant="standard"):
        step = next_step_preview(spec, at(variant, phase))
        return step.key if step else None

    assert key("topic") == key("appointment") == key("switch") == "send"
    assert key("send") == "mirror"
    assert key("check_mirror") == key("more") == "summary"
    assert key("check_summary") == "validation"
    assert key("check_empathy") == "close"
    assert key("close") is None and key("done") is None
    assert key("more", "appreciation") == "close"
    assert key("summary", "behaviour_change") == "request"
    assert key("choose", "behaviour_change") == "close"


def test_timed_phases_are_the_step_phases():
    assert {"send", "mirror", "summary", "validation", "empathy", "close"} <= TIMED_PHASES
    assert not {"check_mirror", "more", "check_summary", "check_empathy"} & TIMED_PHASES


# ------------------------------------------- settings before anything is said


def test_arrange_changes_kind_and_first_sender_and_keeps_the_topic():
    state = advance(
        new_dialogue("standard", 0.0),
        "start",
        1.0,
        topic="What does a good evening look like?",
        source="safety_map",
    )
    assert can_arrange(state)
    new = advance(state, "arrange", 5.0, variant="behaviour_change", first_sender="b")
    assert (new.phase, new.variant, new.sender, new.receiver) == (
        "appointment",
        "behaviour_change",
        "b",
        "a",
    )
    assert (new.topic, new.topic_source) == ("What does a good evening look like?", "safety_map")
    assert new.round == 1 and new.history[-1] == ("appointment", "arrange")
    # only what is given changes
    again = advance(new, "arrange", 6.0, first_sender="a")
    assert (again.variant, again.sender) == ("behaviour_change", "a")
    # a new topic, trimmed
    topic = advance(again, "arrange", 7.0, topic="  phones at dinner ", source="own")
    assert (topic.topic, topic.topic_source, topic.variant) == (
        "phones at dinner",
        "own",
        "behaviour_change",
    )


def test_arrange_is_only_for_round_one_at_the_appointment():
    for phase in PHASES:
        if phase in ("appointment", "done"):
            continue
        with pytest.raises(InvalidMove) as info:
            advance(at("standard", phase), "arrange", 1.0, first_sender="b")
        assert info.value.phase == phase
    # round 2 starts at the appointment too, after a new topic: roles follow the turns
    round_two = at("standard", "appointment", round=2, sender="b")
    assert not can_arrange(round_two)
    assert "arrange" not in [e for e, _ in actions(round_two)]
    with pytest.raises(InvalidMove, match="before you begin"):
        advance(round_two, "arrange", 1.0, first_sender="a")
    # after a postponement it is still round 1: allowed again once you're back
    back = run(
        at("standard", "appointment"), [("not_now", 1.0, {"when": "tonight"}), ("come_back", 2.0)]
    )
    assert can_arrange(back)
    # during a pause nothing runs at this step, so it may change
    paused = advance(at("standard", "appointment"), "pause", 3.0)
    assert advance(paused, "arrange", 4.0, first_sender="b").paused_at == 3.0


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"variant": "debate"}, "kinds of talk"),
        ({"first_sender": "c"}, "who shares first"),
        ({"topic": "   "}, "a few words"),
        ({"topic": "x" * 201}, "short"),
    ],
)
def test_arrange_checks_what_it_is_given(kw, match):
    state = at("standard", "appointment")
    with pytest.raises(InvalidMove, match=match):
        advance(state, "arrange", 1.0, **kw)


def test_arrange_from_appreciation_needs_a_topic():
    blank = at("appreciation", "appointment", topic="", topic_source="appreciation")
    with pytest.raises(InvalidMove, match="needs a topic"):
        advance(blank, "arrange", 1.0, variant="standard")
    kept = at("appreciation", "appointment", topic="Sunday", topic_source="appreciation")
    new = advance(kept, "arrange", 1.0, variant="standard")
    assert (new.variant, new.topic, new.topic_source) == ("standard", "Sunday", "own")


# ----------------------------------------------------------- turns, in words


def test_shared_time_counts_only_the_senders_talking_steps():
    state = at("standard", "send", step_started_at=0.0)
    state = run(
        state,
        [
            ("sent", 100.0),
            ("mirrored", 160.0),
            ("got_it", 170.0),
            ("more_yes", 175.0),
            ("pause", 200.0),
            ("resume_from_pause", 260.0),
            ("sent", 290.0),
        ],
    )
    # send 0→100 and 175→290 minus the 60 s pause: 155 s; the turn so far: 290 - 60 = 230 s
    assert state.shared_seconds == {"a": 155.0, "b": 0.0}
    assert state.sender_seconds == {"a": 230.0, "b": 0.0}
    assert shared_time(state, 400.0) == {"a": 155.0, "b": 0.0}  # mirroring isn't sharing
    assert equal_time(state, 400.0) == {"a": 340.0, "b": 0.0}


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "less than a minute"),
        (59.9, "less than a minute"),
        (60, "about a minute"),
        (89, "about a minute"),
        (90, "about 2 minutes"),
        (7 * 60 + 10, "about 7 minutes"),
    ],
)
def test_duration_words(seconds, words):
    assert duration_words(seconds) == words


NAMES = {"a": "Robin", "b": "Sam"}


def test_turn_words_after_round_one_say_who_is_next_without_a_score():
    # The old bar showed "2:00 / 0:00" here, as if Sam had not taken part.
    state = at(
        "standard",
        "switch",
        sender_seconds={"a": 430.0, "b": 0.0},
        shared_seconds={"a": 130.0, "b": 0.0},
    )
    t = turns(state, 1000.0)
    assert (t.had, t.now, t.next) == ({"a": 1, "b": 0}, None, "b")
    assert turn_sentences(state, 1000.0, NAMES) == [
        "Robin has shared so far; Sam's turn comes next.",
        "Robin spoke for about 2 minutes; the whole turn took about 7 minutes.",
    ]


def test_turn_words_when_both_had_a_turn():
    state = at(
        "standard",
        "done",
        round=2,
        sender="b",
        sender_seconds={"a": 430.0, "b": 300.0},
        shared_seconds={"a": 130.0, "b": 50.0},
        history=(("switch", "end"),),
    )
    t = turns(state, 0.0)
    assert (t.had, t.now, t.next) == ({"a": 1, "b": 1}, None, None)
    assert turn_sentences(state, 0.0, NAMES) == [
        "Both of you had a turn sharing.",
        "Robin spoke for about 2 minutes; the whole turn took about 7 minutes.",
        "Sam spoke for less than a minute; the whole turn took about 5 minutes.",
    ]
    at_switch = at(
        "standard",
        "switch",
        round=2,
        sender="b",
        sender_seconds={"a": 60.0, "b": 60.0},
        shared_seconds={"a": 60.0, "b": 60.0},
    )
    assert turn_sentences(at_switch, 0.0, NAMES)[0] == (
        "Both of you had a turn sharing. If you go on, Robin shares next."
    )


def test_turn_words_during_a_step_and_in_later_rounds():
    first = at(
        "standard",
        "mirror",
        step_started_at=100.0,
        sender_seconds={"a": 80.0, "b": 0.0},
        shared_seconds={"a": 80.0, "b": 0.0},
    )
    assert turn_sentences(first, 130.0, NAMES) == [
        "Robin is sharing now; Sam's turn comes next.",
        "Robin has spoken for about a minute so far.",
    ]
    second = at(
        "standard",
        "send",
        round=2,
        sender="b",
        step_started_at=0.0,
        sender_seconds={"a": 300.0, "b": 0.0},
        shared_seconds={"a": 100.0, "b": 0.0},
    )
    assert turn_sentences(second, 200.0, NAMES) == [
        "Robin has had a turn sharing. Now it's Sam's turn.",
        "Robin spoke for about 2 minutes; the whole turn took about 5 minutes.",
        "Sam has spoken for about 3 minutes so far.",
    ]
    third = at(
        "standard",
        "send",
        round=3,
        sender="a",
        step_started_at=0.0,
        sender_seconds={"a": 300.0, "b": 240.0},
        shared_seconds={"a": 100.0, "b": 60.0},
    )
    words = turn_sentences(third, 0.0, NAMES)
    assert words[0] == "Both of you had a turn sharing. Now it's Robin's turn again."
    assert words[1] == "Robin has spoken for about 2 minutes so far."
    # nobody is ahead: the sentences never compare the partners
    assert not any(w in " ".join(words) for w in ("more than", "less than Sam", "%", "/"))


def test_turn_words_when_only_one_shared_before_the_end_or_a_stop():
    ended = at(
        "standard",
        "done",
        sender_seconds={"a": 200.0, "b": 0.0},
        shared_seconds={"a": 70.0, "b": 0.0},
        history=(("switch", "end"),),
    )
    assert turn_sentences(ended, 0.0, NAMES)[0] == (
        "Robin had a turn sharing. Sam's turn can come another time."
    )
    stopped = at("standard", "done", abandoned=True, history=(("send", "abandon"),))
    assert turns(stopped, 0.0).had == {"a": 0, "b": 0}
    assert turn_sentences(stopped, 0.0, NAMES) == ["Nobody has had a turn sharing yet."]
    stopped_at_switch = at("standard", "done", abandoned=True, history=(("switch", "abandon"),))
    assert turns(stopped_at_switch, 0.0).had == {"a": 1, "b": 0}


def test_turn_words_keep_names_as_given():
    state = at("standard", "switch", sender_seconds={"a": 60.0, "b": 0.0})
    names = {"a": r"\*\*Ro\*\*", "b": r"\[Sam\]"}
    words = turn_sentences(state, 0.0, names)
    assert words[0] == r"\*\*Ro\*\* has shared so far; \[Sam\]'s turn comes next."


# -------------------------------------------------------- after: a kind next step


def test_low_is_below_the_middle_of_the_scale(spec):
    heard = next(q for q in spec.after_questions if q.key == "heard")
    assert [v for v in range(0, 11) if is_low(heard, v)] == [0, 1, 2, 3, 4]
    assert not is_low(heard, None) and not is_low(heard, True)


def test_needs_care_names_exactly_the_partners_below_the_middle(spec):
    assert needs_care(spec, {"a": {"heard": 8, "safe": 8}, "b": {"heard": 4, "safe": 6}}) == {
        "b": ("heard",)
    }
    assert needs_care(spec, {"a": {"heard": 2, "safe": 3}, "b": {"heard": 5, "safe": 5}}) == {
        "a": ("heard", "safe")
    }
    assert needs_care(spec, {"a": {"heard": 10, "safe": 0}, "b": {"heard": 0, "safe": 10}}) == {
        "a": ("safe",),
        "b": ("heard",),
    }
    # "I'd rather not say" and a missing partner are never read as low
    assert needs_care(spec, {"a": {"heard": None, "safe": None}, "b": {}}) == {}
    assert needs_care(spec, {}) == {}


@settings(max_examples=200, deadline=None)
@given(
    ratings=st.fixed_dictionaries(
        {
            p: st.fixed_dictionaries({k: st.none() | st.integers(0, 10) for k in ("heard", "safe")})
            for p in ("a", "b")
        }
    )
)
def test_needs_care_property(spec, ratings):
    got = needs_care(spec, ratings)
    for p in ("a", "b"):
        low = tuple(
            k for k in ("heard", "safe") if ratings[p][k] is not None and ratings[p][k] <= 4
        )
        assert got.get(p, ()) == low
        assert (p in got) == bool(low)


# ------------------------------------------------------------------- storage


def test_round_trip_is_exact_and_json_safe():
    state = at(
        "behaviour_change",
        "choose",
        sender="b",
        round=3,
        topic="Léa's “late” evenings <b>",
        topic_source="safety_map",
        mirror_count=2,
        more_count=1,
        request_count=3,
        chosen_request=None,
        step_started_at=1_700_000_000.123456,
        paused_at=1_700_000_050.5,
        sender_seconds={"a": 12.25, "b": 0.1},
        shared_seconds={"a": 4.5, "b": 0.0},
        appointment_at="tomorrow",
        history=(("topic", "start"), ("send", "pause")),
    )
    text = json.dumps(state.to_dict(), allow_nan=False)
    assert DialogueState.from_dict(json.loads(text)) == state


def test_history_is_capped():
    state = at("standard", "send")
    for i in range(HISTORY_MAX):
        state = run(state, [("pause", i), ("resume_from_pause", i)])
    assert len(state.history) == HISTORY_MAX
    assert DialogueState.from_dict(state.to_dict()) == state


@pytest.mark.parametrize(
    "change",
    [
        {"phase": "dancing"},
        {"variant": "freestyle"},
        {"sender": "c"},
        {"round": 0},
        {"round": True},
        {"mirror_count": -1},
        {"sender_seconds": {"a": -1.0, "b": 0.0}},
        {"sender_seconds": {"a": 1.0}},
        {"shared_seconds": {"a": 1.0, "b": float("inf")}},
        {"shared_seconds": {"b": 1.0}},
        {"step_started_at": "soon"},
        {"step_started_at": float("nan")},
        {"history": [["send", "shout"]]},
        {"history": "send"},
        {"topic": "x" * 201},
        {"chosen_request": 2},
        {"surprise": 1},
        {"format": 99},
    ],
)
def test_from_dict_refuses_odd_data(change):
    data = at("standard", "send").to_dict() | change
    with pytest.raises(StateError):
        DialogueState.from_dict(data)


def test_states_saved_before_shared_seconds_still_load():
    data = at("standard", "send").to_dict()
    del data["shared_seconds"]
    state = DialogueState.from_dict(data)
    assert state.shared_seconds == {"a": 0.0, "b": 0.0}


def test_from_dict_refuses_non_dicts_and_missing_phase():
    with pytest.raises(StateError):
        DialogueState.from_dict(["send"])
    data = at("standard", "send").to_dict()
    del data["phase"]
    with pytest.raises(StateError, match="phase"):
        DialogueState.from_dict(data)


# ------------------------------------------------------- random runs (hypothesis)


@settings(max_examples=150, deadline=None)
@given(
    data=st.data(),
    variant=st.sampled_from(VARIANTS),
    first=st.sampled_from(["a", "b"]),
    start=st.floats(0, 2e9),
)
def test_random_valid_runs_keep_invariants(data, variant, first, start):
    now = start
    state = new_dialogue(variant, now, first_sender=first)
    seen = equal_time(state, now)
    for _ in range(data.draw(st.integers(1, 80), label="length")):
        acts = actions(state)
        if not acts:
            break
        now += data.draw(st.floats(0, 900), label="wait")
        events = [e for e, _ in acts]
        flow = [e for e in events if e not in ("pause", "abandon")]
        # mostly follow the flow, so runs get deep; now and then pause or stop
        pool = flow if flow and data.draw(st.integers(0, 9), label="dice") else events
        event = data.draw(st.sampled_from(pool), label="event")
        kw = kwargs_for(event, state)
        if event == "requested":
            kw = {"count": data.draw(st.integers(1, 3), label="count")}
        elif event == "chosen":
            kw = {"choice": data.draw(st.integers(1, state.request_count), label="choice")}
        new = advance(state, event, now, **kw)

        sender, receiver = roles(new)
        assert sender != receiver and {sender, receiver} == {"a", "b"}
        assert new.round in (state.round, state.round + 1)
        # roles change with the round, or by choice before anything was said
        assert (new.round != state.round or event == "arrange") == (new.sender != state.sender)
        for k in ("a", "b"):
            assert new.sender_seconds[k] >= 0
            assert new.sender_seconds[k] >= state.sender_seconds[k]
            assert new.shared_seconds[k] >= state.shared_seconds[k]
            assert new.shared_seconds[k] <= new.sender_seconds[k] + 1e-6  # a part of the turn
        shown = equal_time(new, now)
        for k in ("a", "b"):
            assert shown[k] >= seen[k] - 1e-3
        seen = shown
        if event in ("pause", "resume_from_pause"):
            assert (new.phase, roles(new), new.round) == (state.phase, roles(state), state.round)
        assert DialogueState.from_dict(json.loads(json.dumps(new.to_dict()))) == new
        state = new
    assert len(state.history) <= HISTORY_MAX


# --------------------------------------------------------------- content file


def test_real_file_validates_every_variant(spec):
    assert spec.id == "imago_dialogue" and spec.kind == "dialogue" and spec.version == 1
    for variant in VARIANTS:
        keys = {s.key for s in spec.variant(variant).steps}
        assert keys == set(VARIANT_STEPS[variant])
        for phase in {p for (p, _e) in TRANSITIONS[variant]}:
            if phase in PHASE_STEP:
                assert spec.variant(variant).step(PHASE_STEP[phase]) is not None
    mirror = spec.variant("standard").step("mirror")
    assert "Did I get it?" in mirror.receiver_stems and "Is there more?" in mirror.receiver_stems
    assert {q.key for q in spec.after_questions} >= {"heard", "safe", "word"}
    heard = next(q for q in spec.after_questions if q.key == "heard")
    assert (heard.kind, heard.low, heard.high) == ("scale", 0, 10)
    with pytest.raises(KeyError):
        spec.variant("freestyle")


def _broken(mutate) -> str:
    data = raw_spec()
    mutate(data)
    with pytest.raises(ValidationError) as info:
        DialogueSpec.model_validate(data)
    return str(info.value)


def test_spec_refuses_missing_and_unknown_steps():
    def drop_summary(d):
        v(d, "standard")["steps"] = [s for s in v(d, "standard")["steps"] if s["key"] != "summary"]

    assert "needs a step with key 'summary'" in _broken(drop_summary)

    def extra(d):
        v(d, "appreciation")["steps"].append(
            v(d, "standard")["steps"][2]  # summary: never reached here
        )

    assert "never reached" in _broken(extra)

    def dup(d):
        steps = v(d, "standard")["steps"]
        steps.append(dict(steps[0]))

    assert "used twice" in _broken(dup)


def v(d: dict, key: str) -> dict:
    """The variant ``key`` of a raw (TOML) dialogue file."""
    return next(x for x in d["variants"] if x["key"] == key)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("variants", "standard", "steps", 0, "who"), "teacher"),
        (("variants", "standard", "steps", 0, "suggested_seconds"), 5),
        (("variants", "standard", "steps", 0, "suggested_seconds"), 4000),
        (("variants", "standard", "steps", 0, "suggested_seconds"), 120.5),
        (("variants", "standard", "steps", 0, "title"), "x" * 61),
        (("variants", "standard", "steps", 0, "sender_task"), ""),
        (("variants", "standard", "steps", 0, "receiver_stems"), ["x" * 121]),
        (("variants", "standard", "steps"), []),
        (("variants", "standard", "steps", 0, "colour"), "blue"),
        (("after_questions", 0, "high"), 0),
        (("kind",), "safety_map"),
    ],
)
def test_spec_refuses_bad_fields(path, value):
    def mutate(d):
        target = d
        for i, part in enumerate(path[:-1]):
            if i == 1 and path[0] == "variants":  # a variant by its key, in the list
                target = next(x for x in target if x["key"] == part)
            else:
                target = target[part]
        target[path[-1]] = value

    _broken(mutate)


def test_spec_refuses_missing_variant_and_questions():
    assert "key 'standard'" in _broken(
        lambda d: d.update(variants=[x for x in d["variants"] if x["key"] != "standard"])
    )
    # A variant of our own needs a path; a key can't be used twice or borrow a path's name.
    assert "path" in _broken(
        lambda d: d["variants"].append({**v(d, "repair"), "key": "x", "path": None})
    )
    assert "used twice" in _broken(lambda d: d["variants"].append(dict(v(d, "repair"))))
    borrowed = {**v(raw_spec(), "repair"), "key": "appreciation"}
    assert "name of a path" in _broken(
        lambda d: d.update(
            variants=[x for x in d["variants"] if x["key"] != "appreciation"] + [borrowed]
        )
    )
    _broken(lambda d: d.update(after_questions=d["after_questions"][1:]))


def test_a_variant_of_our_own_follows_its_path_with_its_own_words(spec):
    """The shipped repair dialogue: the standard path, words of its own, kept by a talk."""
    repair = spec.variant("repair")
    assert repair.path == "standard" and [s.key for s in repair.steps] == list(
        VARIANT_STEPS["standard"]
    )
    state = replace(at("standard", "send"), wording="repair")
    assert current_step(spec, state).title == repair.step("send").title
    assert DialogueState.from_dict(state.to_dict()) == state
    plain = at("standard", "send")
    assert "wording" not in plain.to_dict()  # older states read and write as before
    assert current_step(spec, plain).title == spec.variant("standard").step("send").title
    gone = replace(plain, wording="taken_out")  # a variant removed from the file mid-talk
    assert current_step(spec, gone).title == spec.variant("standard").step("send").title
    with pytest.raises(StateError):
        replace(plain, wording="Not A Key")


def test_a_file_from_before_variants_were_a_list_still_loads():
    """One table per path ([variants.standard]) becomes a variant named after its path."""
    d = raw_spec()
    d["variants"] = {
        x["key"]: {k: y for k, y in x.items() if k not in ("key", "path")}
        for x in d["variants"]
        if x["key"] in VARIANT_STEPS
    }
    old = DialogueSpec.model_validate(d)
    assert old.variant_keys() == ("standard", "appreciation", "behaviour_change")
    assert all(old.variant(k).path == k for k in old.variant_keys())


def test_parse_file_names_the_field(tmp_path):
    text = SPEC_PATH.read_text(encoding="utf-8").replace('key = "empathy"', 'key = "empathie"')
    bad = tmp_path / "broken_dialogue.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ExerciseError) as info:
        parse_file(bad)
    assert info.value.field == "variants[0]"  # the first [[variants]]: the standard one
    assert "empathy" in info.value.problem and "standard path" in info.value.problem
    assert str(info.value).startswith("broken_dialogue.toml, field 'variants[0]': needs")


# -- the drawing in docs/DIALOGUE.md is the table ------------------------------------------


def test_the_docs_diagrams_are_drawn_from_the_transition_table() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "DIALOGUE.md").read_text("utf-8")
    assert d.with_diagrams(doc) == doc, "run: python -m studio diagrams"
    for variant, table in d.TRANSITIONS.items():
        assert d.DIAGRAM_START.format(variant=variant) in doc  # every kind of talk drawn
        drawn = d.diagram(variant)
        for (phase, _event), target in table.items():
            assert f"    {phase} --> {target}: " in drawn


def test_a_changed_table_changes_the_drawing(monkeypatch) -> None:
    before = d.diagram("appreciation")
    table = dict(d.TRANSITIONS["appreciation"])
    table[("more", "more_no")] = "switch"  # straight to switching, no thanks
    monkeypatch.setitem(d.TRANSITIONS, "appreciation", table)
    after = d.diagram("appreciation")
    assert after != before
    assert "    more --> switch: No, that's it for now" in after
