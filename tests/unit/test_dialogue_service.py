"""The dialogue service: the state machine plus the store, without Streamlit."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio import dialogue_service as svc
from studio import services
from studio.dialogue import DialogueSpec, DialogueState, InvalidMove, remaining_seconds
from studio.exercises import load_catalog, parse_file
from studio.store import Store
from tests import factory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def spec() -> DialogueSpec:
    loaded = parse_file(ROOT / "exercises" / "imago_dialogue.toml")
    assert isinstance(loaded, DialogueSpec)
    return loaded


@pytest.fixture
def store(store_url) -> Store:
    s = Store(store_url)
    yield s
    s.dispose()


@pytest.fixture
def couple(store):
    return factory.couple(store, "Robin", "Sam")


def stored(store, couple) -> svc.Running:
    run = svc.latest(store, couple)
    assert run is not None
    return run


def press(store, couple, *events, now: float = 0.0, **kw) -> svc.Running:
    run = stored(store, couple)
    for event in events:
        run = svc.apply(store, couple, run.id, event, now, expect_step=run.step_no, **kw)
    return run


def finished(store, couple, variant: str = "appreciation") -> svc.Running:
    """A dialogue that ran to its natural end (one round of the short variant)."""
    svc.start(store, couple, variant=variant, first_sender="a", now=0.0, topic="")
    press(store, couple, "ready", "sent", "mirrored", "got_it", "more_no", "closed", "end")
    run = stored(store, couple)
    assert run.state.phase == "done" and not run.state.abandoned
    return run


class Spy:
    """A store that records whose rating was read."""

    def __init__(self, store: Store):
        self._store = store
        self.rating_reads: list[str] = []

    def rating_of(self, dialogue_id, partner):
        self.rating_reads.append(partner)
        return self._store.rating_of(dialogue_id, partner)

    def __getattr__(self, name):
        return getattr(self._store, name)


# ------------------------------------------------------------------ find, start


def test_find_spec_from_the_real_catalog():
    spec = svc.find_spec(load_catalog())
    assert isinstance(spec, DialogueSpec) and spec.id == svc.EXERCISE_ID


def test_start_with_an_own_topic_waits_for_the_appointment(store, couple):
    run = svc.start(
        store, couple, variant="standard", first_sender="b", now=100.0, topic="  our evenings  "
    )
    again = stored(store, couple)
    assert again.id == run.id
    assert again.state.phase == "appointment"
    assert again.state.topic == "our evenings" and again.state.topic_source == "own"
    assert again.state.sender == "b"
    assert again.extra["notes"] is False
    assert again.extra["after"] == {"sealed": [], "revealed": False}
    assert svc.screen(again) == "dialogue"


def test_start_from_a_safety_map_topic_marks_it_used(store, couple):
    first = store.add_topic(couple.id, "When plans change last minute", "safety_map")
    store.add_topic(couple.id, "Something from elsewhere", "facilitator")
    second = store.add_topic(couple.id, "Phones at dinner", "safety_map")
    choices = svc.topic_choices(store, couple)
    assert [c.id for c in choices] == [second, first]  # only safety-map ones, newest first

    run = svc.start(
        store,
        couple,
        variant="standard",
        first_sender="a",
        now=0.0,
        topic="ignored when a topic is picked",
        topic_id=first,
    )
    assert run.state.topic == "When plans change last minute"
    assert run.state.topic_source == "safety_map"
    assert stored(store, couple).extra["topic_ids"] == [first]
    assert [c.id for c in svc.topic_choices(store, couple)] == [second]
    # A topic that was used already can't be picked again.
    with pytest.raises(svc.DialogueInputError):
        svc.start(store, couple, variant="standard", first_sender="a", now=1.0, topic_id=first)


def test_a_long_safety_map_topic_is_shortened_to_fit(store, couple):
    tid = store.add_topic(couple.id, "x" * 500, "safety_map")
    run = svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic_id=tid)
    assert len(run.state.topic) == 200 and run.state.topic.endswith("…")


@pytest.mark.parametrize(
    ("variant", "topic", "ok"),
    [
        ("standard", "", False),
        ("standard", "   ", False),
        ("behaviour_change", None, False),
        ("appreciation", "", True),
        ("appreciation", None, True),
        ("standard", "x" * 201, False),
    ],
)
def test_start_checks_the_topic(store, couple, variant, topic, ok):
    if ok:
        run = svc.start(store, couple, variant=variant, first_sender="a", now=0.0, topic=topic)
        assert run.state.topic_source == "appreciation"
    else:
        with pytest.raises(svc.DialogueInputError) as info:
            svc.start(store, couple, variant=variant, first_sender="a", now=0.0, topic=topic)
        assert str(info.value)[0].isupper()
        assert svc.latest(store, couple) is None


def test_start_refuses_unknown_variant_and_partner(store, couple):
    with pytest.raises(svc.DialogueInputError):
        svc.start(store, couple, variant="debate", first_sender="a", now=0.0, topic="x")
    with pytest.raises(svc.DialogueInputError):
        svc.start(store, couple, variant="standard", first_sender="c", now=0.0, topic="x")


# ------------------------------------------------------------------------ apply


def test_apply_commits_each_press_and_the_mirror_loop(store, couple):
    svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic="evenings")
    press(store, couple, "ready", "sent", "mirrored", "not_quite")
    run = stored(store, couple)
    assert run.state.phase == "mirror" and run.state.mirror_count == 1
    press(store, couple, "mirrored", "got_it")
    assert stored(store, couple).state.phase == "more"


def test_a_stale_press_changes_nothing(store, couple):
    run = svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic="x")
    svc.apply(store, couple, run.id, "ready", 1.0, expect_step=run.step_no)
    with pytest.raises(svc.Stale):  # the same click again, from the old screen
        svc.apply(store, couple, run.id, "ready", 2.0, expect_step=run.step_no)
    assert stored(store, couple).state.phase == "send"
    assert stored(store, couple).step_no == run.step_no + 1


def test_a_press_that_does_not_fit_raises_and_keeps_the_state(store, couple):
    run = svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic="x")
    with pytest.raises(InvalidMove):
        svc.apply(store, couple, run.id, "got_it", 1.0)
    with pytest.raises(InvalidMove):  # "not now" needs the time you agreed
        svc.apply(store, couple, run.id, "not_now", 1.0, when="   ")
    assert stored(store, couple).state == run.state


def test_not_now_keeps_the_topic_and_the_time(store, couple):
    svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic="the move")
    run = press(store, couple, "not_now", when="Saturday morning")
    assert run.state.phase == "postponed"
    again = stored(store, couple)
    assert again.state.appointment_at == "Saturday morning" and again.state.topic == "the move"
    assert press(store, couple, "come_back").state.phase == "appointment"


def test_another_couples_dialogue_is_out_of_reach(store, couple):
    run = svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic="x")
    other = store.create_couple(
        name_a="X",
        name_b="Y",
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    with pytest.raises(svc.Stale):
        svc.apply(store, other, run.id, "ready", 1.0)


def test_switch_new_with_a_safety_map_topic_marks_it_used(store, couple):
    tid = store.add_topic(couple.id, "Money", "safety_map")
    svc.start(store, couple, variant="appreciation", first_sender="a", now=0.0, topic="")
    press(store, couple, "ready", "sent", "mirrored", "got_it", "more_no", "closed")
    run = press(store, couple, "switch_new", topic_id=tid)
    # The appreciation variant has no topics from the safety map: the id is not used.
    assert run.state.topic == "" and run.state.topic_source == "appreciation"
    assert [c.id for c in svc.topic_choices(store, couple)] == [tid]

    svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic="first")
    press(
        store,
        couple,
        "ready",
        "sent",
        "mirrored",
        "got_it",
        "more_no",
        "summarised",
        "got_it",
        "validated",
        "empathised",
        "got_it",
        "closed",
    )
    run = press(store, couple, "switch_new", topic_id=tid)
    assert run.state.phase == "appointment" and run.state.sender == "b"
    assert run.state.topic == "Money" and run.state.topic_source == "safety_map"
    assert svc.topic_choices(store, couple) == []
    assert stored(store, couple).extra["topic_ids"] == [tid]


# ---------------------------------------------------------------------- breaks


def test_on_break_shifts_the_step_timer(store, couple, spec):
    svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic="x")
    run = press(store, couple, "ready", now=10.0)  # "Say it" has 120 s, from t=10
    assert remaining_seconds(spec, run.state, 40.0) == 90.0

    services.pause(store, couple, now=40.0)
    paused = stored(store, couple).state
    assert paused.paused and paused.phase == "send"
    assert remaining_seconds(spec, paused, 900.0) == 90.0  # frozen during the break

    services.resume(store, couple, now=1000.0)
    resumed = stored(store, couple).state
    assert not resumed.paused and resumed.phase == "send" and resumed.sender == "a"
    assert resumed.step_started_at == 970.0
    assert remaining_seconds(spec, resumed, 1000.0) == 90.0
    assert remaining_seconds(spec, resumed, 1010.0) == 80.0
    assert store.couple_by_id(couple.id).paused_at is None


def test_on_break_direct_calls_are_safe_in_any_state(store, couple):
    svc.on_break(store, couple, "pause", 1.0)  # no dialogue yet: nothing happens
    assert svc.latest(store, couple) is None
    run = svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic="x")
    svc.on_break(store, couple, "resume_from_pause", 2.0)  # nothing to resume
    svc.on_break(store, couple, "pause", 3.0)
    svc.on_break(store, couple, "pause", 4.0)  # twice: the first one counts
    assert stored(store, couple).state.paused_at == 3.0
    svc.on_break(store, couple, "something else", 5.0)
    svc.on_break(store, couple, "resume_from_pause", 6.0)
    assert not stored(store, couple).state.paused
    # A finished dialogue is left alone.
    press(store, couple, "abandon")
    before = stored(store, couple)
    svc.on_break(store, couple, "pause", 7.0)
    assert stored(store, couple).state == before.state
    # A dialogue that can't be read doesn't stop the break either.
    store.save_dialogue(run.id, state={"phase": "nonsense"})
    svc.on_break(store, couple, "pause", 8.0)
    with pytest.raises(svc.StateError):
        svc.latest(store, couple)


def test_on_break_touches_only_this_couples_dialogue(store, couple):
    svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic="x")
    other = store.create_couple(
        name_a="X",
        name_b="Y",
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    svc.on_break(store, other, "pause", 5.0)
    assert not stored(store, couple).state.paused


# ----------------------------------------------------------------------- notes


def test_notes_are_off_by_default_and_kept_per_step(store, couple):
    run = svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic="x")
    assert not run.notes_on
    run = svc.set_notes(store, run, True)
    assert stored(store, couple).notes_on
    run = press(store, couple, "ready")
    svc.add_note(store, run, "a", "  tired   after work ")
    run = press(store, couple, "sent")
    svc.add_note(store, run, "b", "<b>evenings</b>")
    assert svc.notes(store, run) == [
        {"partner": "a", "step": "send", "text": "tired after work"},
        {"partner": "b", "step": "mirror", "text": "<b>evenings</b>"},
    ]
    for bad in ("", "   ", "x" * (svc.NOTE_MAX + 1)):
        with pytest.raises(svc.DialogueInputError):
            svc.add_note(store, run, "a", bad)
    with pytest.raises(svc.DialogueInputError):
        svc.add_note(store, run, "c", "words")


def test_notes_switch_keeps_other_extra(store, couple):
    tid = store.add_topic(couple.id, "Money", "safety_map")
    run = svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic_id=tid)
    stale_copy = svc.Running(run.id, run.couple_id, run.state, {})
    svc.set_notes(store, stale_copy, True)
    extra = stored(store, couple).extra
    assert extra["notes"] is True and extra["topic_ids"] == [tid]


# --------------------------------------------------------------------- screens


def test_screen_for_each_kind_of_dialogue(store, couple):
    assert svc.screen(None) == "start"
    svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic="x")
    assert svc.screen(stored(store, couple)) == "dialogue"
    assert svc.screen(press(store, couple, "abandon")) == "start"
    run = finished(store, couple)
    assert svc.screen(run) == "after"
    assert svc.screen(svc.finish(store, run)) == "start"
    assert svc.screen(stored(store, couple)) == "start"
    topic_phase = svc.Running(9, couple.id, DialogueState(variant="standard", phase="topic"))
    assert svc.screen(topic_phase) == "start"


def test_step_path_and_talkers(spec, store, couple):
    svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic="x")
    run = press(store, couple, "ready", "sent")
    path = svc.step_path(spec, run.state)
    assert [w for _, w in path] == ["done", "now", "later", "later", "later", "later"]
    assert path[1][0] == "Say it back"
    assert svc.talkers(run.state, "receiver") == ("b",)
    run = press(store, couple, "mirrored")
    assert svc.talkers(run.state, "receiver") == ("a",)  # the sender answers the check
    assert [w for _, w in svc.step_path(spec, run.state)][1] == "now"


# ---------------------------------------------------------------------- ratings


def test_rating_flow_never_reads_the_other_partners_rating(store, couple, spec):
    run = finished(store, couple)
    spy = Spy(store)

    view = svc.after_view(spy, stored(store, couple))
    assert (view.stage, view.partner, view.ratings) == ("rate", "a", {})
    with pytest.raises(svc.Stale):  # B can't rate before A
        svc.seal_rating(store, spec, run, "b", heard=5, safe=5)
    svc.seal_rating(store, spec, run, "a", heard=7, safe=9, word="  marker-heard-7731 ")
    assert store.rating_of(run.id, "a")["word"] == "marker-heard-7731"

    # B's turn: A's rating is not read at all, and nothing of it is returned.
    spy.rating_reads.clear()
    view = svc.after_view(spy, stored(store, couple))
    assert (view.stage, view.partner, view.sealed, view.ratings) == ("rate", "b", ("a",), {})
    assert "marker-heard-7731" not in repr(view)
    assert spy.rating_reads == []
    with pytest.raises(svc.Stale):  # A can't seal twice (a double click)
        svc.seal_rating(store, spec, run, "a", heard=1, safe=1)
    assert store.rating_of(run.id, "a")["heard"] == 7

    svc.seal_rating(store, spec, run, "b", heard=4, safe=6, word="")
    view = svc.after_view(spy, stored(store, couple))
    assert (view.stage, view.ratings) == ("ready", {})
    assert spy.rating_reads == []

    svc.reveal(store, stored(store, couple))
    view = svc.after_view(spy, stored(store, couple))
    assert view.stage == "revealed"
    assert view.ratings["a"]["heard"] == 7 and view.ratings["a"]["safe"] == 9
    assert view.ratings["a"]["word"] == "marker-heard-7731"
    assert view.ratings["b"]["word"] is None and view.ratings["b"]["sealed"]
    assert sorted(spy.rating_reads) == ["a", "b"]


def test_reveal_needs_both_seals(store, couple, spec):
    run = finished(store, couple)
    svc.seal_rating(store, spec, run, "a", heard=7, safe=9)
    with pytest.raises(svc.Stale):
        svc.reveal(store, stored(store, couple))
    assert svc.after_view(store, stored(store, couple)).stage == "rate"


def test_rather_not_say_seals_an_empty_rating(store, couple, spec):
    run = finished(store, couple)
    svc.skip_rating(store, run, "a")
    svc.seal_rating(store, spec, run, "b", heard=10, safe=0)
    rating = store.rating_of(run.id, "a")
    assert rating["sealed"] and rating["heard"] is None and rating["word"] is None
    assert svc.after_view(store, stored(store, couple)).stage == "ready"


@pytest.mark.parametrize(
    "fields",
    [
        {"heard": 11, "safe": 5},
        {"heard": -1, "safe": 5},
        {"heard": 5, "safe": None},
        {"heard": True, "safe": 5},
        {"heard": "7", "safe": 5},
        {"heard": 5, "safe": 5, "word": "x" * 41},
    ],
)
def test_ratings_are_checked(store, couple, spec, fields):
    run = finished(store, couple)
    with pytest.raises(svc.DialogueInputError):
        svc.seal_rating(store, spec, run, "a", **fields)
    assert store.rating_of(run.id, "a") is None
    assert svc.after_view(store, stored(store, couple)).partner == "a"


def test_no_ratings_for_a_running_or_stopped_dialogue(store, couple, spec):
    run = svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic="x")
    with pytest.raises(svc.DialogueInputError):
        svc.seal_rating(store, spec, run, "a", heard=5, safe=5)
    run = press(store, couple, "abandon")
    with pytest.raises(svc.DialogueInputError):
        svc.skip_rating(store, run, "a")


# ------------------------------------------------- start on a topic (the reveal)

STARTER = "What does a good evening look like for each of you?"


def test_start_on_topic_opens_a_standard_talk_at_the_appointment(store, couple):
    run = svc.start_on_topic(store, couple, "  " + STARTER + "\n", now=50.0)
    again = stored(store, couple)
    assert again.id == run.id and again.state == run.state
    state = again.state
    assert (state.phase, state.variant, state.sender, state.round) == (
        "appointment",
        "standard",
        "a",
        1,
    )
    assert state.topic == STARTER and state.topic_source == "safety_map"
    assert state.step_started_at == 50.0
    assert svc.screen(again) == "dialogue"
    assert again.extra["after"] == {"sealed": [], "revealed": False}


def test_start_on_topic_shortens_a_long_topic_and_needs_words(store, couple):
    run = svc.start_on_topic(store, couple, "y" * 240, now=0.0)
    assert len(run.state.topic) == 200 and run.state.topic.endswith("…")
    with pytest.raises(svc.DialogueInputError):
        svc.start_on_topic(store, couple, "   ", now=1.0)


def test_start_on_topic_uses_the_wall_clock_by_default(store, couple):
    import time

    before = time.time()
    run = svc.start_on_topic(store, couple, STARTER)
    assert before <= run.state.step_started_at <= time.time()


def test_start_on_topic_replaces_the_topic_of_a_talk_not_begun(store, couple):
    first = svc.start_on_topic(store, couple, "Phones at dinner", now=0.0)
    # the couple had chosen Sam to share first, and a request
    svc.arrange(store, couple, first.id, 1.0, variant="behaviour_change", first_sender="b")
    run = svc.start_on_topic(store, couple, STARTER, now=2.0)
    assert run.id == first.id
    assert len(store.dialogues_of(couple.id)) == 1  # no second dialogue
    state = stored(store, couple).state
    assert (state.phase, state.topic, state.topic_source) == ("appointment", STARTER, "safety_map")
    assert (state.variant, state.sender) == ("behaviour_change", "b")  # their choices stay


def test_start_on_topic_replaces_a_postponed_talk_and_brings_it_back(store, couple):
    svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic="the move")
    press(store, couple, "not_now", when="Saturday")
    run = svc.start_on_topic(store, couple, STARTER, now=5.0)
    state = stored(store, couple).state
    assert run.id == stored(store, couple).id
    assert (state.phase, state.topic, state.appointment_at) == ("appointment", STARTER, None)


def test_start_on_topic_turns_an_appreciation_into_a_standard_talk(store, couple):
    svc.start(store, couple, variant="appreciation", first_sender="b", now=0.0, topic="")
    svc.start_on_topic(store, couple, STARTER, now=1.0)
    state = stored(store, couple).state
    assert (state.variant, state.sender, state.topic) == ("standard", "b", STARTER)


@pytest.mark.parametrize(
    "events",
    [
        ("ready",),
        ("ready", "sent", "mirrored"),
        ("ready", "pause"),
        (
            "ready",
            "sent",
            "mirrored",
            "got_it",
            "more_no",
            "summarised",
            "got_it",
            "validated",
            "empathised",
            "got_it",
            "closed",
        ),
        (
            "ready",
            "sent",
            "mirrored",
            "got_it",
            "more_no",
            "summarised",
            "got_it",
            "validated",
            "empathised",
            "got_it",
            "closed",
            "switch_new",
        ),
    ],
)
def test_start_on_topic_leaves_a_talk_under_way_alone(store, couple, events):
    svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic="evenings")
    press(store, couple, *events, topic="the holidays")
    before = stored(store, couple)
    with pytest.raises(svc.InProgress) as info:
        svc.start_on_topic(store, couple, STARTER, now=9.0)
    assert isinstance(info.value, ValueError)
    assert "under way" in str(info.value) or "middle of a talk" in str(info.value)
    assert "finish" in str(info.value) and "stop" in str(info.value)
    assert info.value.run.id == before.id
    after = stored(store, couple)
    assert after.state == before.state and after.extra == before.extra
    assert len(store.dialogues_of(couple.id)) == 1


@pytest.mark.parametrize("how", ["finished", "abandoned", "rating"])
def test_start_on_topic_after_a_finished_talk_starts_a_new_one(store, couple, spec, how):
    if how == "abandoned":
        svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic="x")
        old = press(store, couple, "ready", "abandon")
    else:
        old = finished(store, couple)
        if how == "finished":
            svc.finish(store, old)
    run = svc.start_on_topic(store, couple, STARTER, now=1.0)
    assert run.id != old.id and stored(store, couple).id == run.id
    assert run.state.phase == "appointment" and run.state.topic == STARTER


def test_start_on_topic_sets_an_unreadable_dialogue_aside(store, couple):
    old = svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic="x")
    store.save_dialogue(old.id, state={"phase": "???"})
    run = svc.start_on_topic(store, couple, STARTER, now=1.0)
    assert run.id != old.id and stored(store, couple).state.topic == STARTER


# --------------------------------------------------- settings at the appointment


def test_arrange_changes_settings_at_the_appointment_and_keeps_the_topic(store, couple):
    run = svc.start_on_topic(store, couple, STARTER, now=0.0)
    run = svc.arrange(
        store,
        couple,
        run.id,
        1.0,
        variant="appreciation",
        first_sender="b",
        expect_step=run.step_no,
    )
    state = stored(store, couple).state
    assert (state.phase, state.variant, state.sender, state.topic) == (
        "appointment",
        "appreciation",
        "b",
        STARTER,
    )
    assert run.state == state
    # nothing to change: nothing is recorded
    same = svc.arrange(store, couple, run.id, 2.0, variant="appreciation", first_sender="b")
    assert same.step_no == run.step_no
    # a stale screen changes nothing
    with pytest.raises(svc.Stale):
        svc.arrange(store, couple, run.id, 3.0, first_sender="a", expect_step=run.step_no - 1)
    assert stored(store, couple).state.sender == "b"


@pytest.mark.parametrize("kw", [{"variant": "debate"}, {"first_sender": "c"}])
def test_arrange_refuses_what_it_does_not_know(store, couple, kw):
    run = svc.start_on_topic(store, couple, STARTER, now=0.0)
    with pytest.raises(svc.DialogueInputError):
        svc.arrange(store, couple, run.id, 1.0, **kw)
    assert stored(store, couple).state == run.state


@pytest.mark.parametrize("events", [("ready",), ("not_now",), ("ready", "sent", "abandon")])
def test_arrange_only_before_anything_is_said(store, couple, events):
    run = svc.start_on_topic(store, couple, STARTER, now=0.0)
    press(store, couple, *events, when="tonight")
    before = stored(store, couple)
    with pytest.raises((svc.DialogueInputError, InvalidMove)) as info:
        svc.arrange(store, couple, run.id, 5.0, first_sender="b")
    assert str(info.value)[0].isupper()
    assert stored(store, couple).state == before.state


def test_arrange_not_in_a_later_round_at_the_appointment(store, couple):
    svc.start(store, couple, variant="appreciation", first_sender="a", now=0.0, topic="")
    run = press(
        store,
        couple,
        "ready",
        "sent",
        "mirrored",
        "got_it",
        "more_no",
        "closed",
        "switch_new",
        topic="",
    )
    assert run.state.phase == "appointment" and run.state.round == 2
    with pytest.raises(svc.DialogueInputError, match="before you begin"):
        svc.arrange(store, couple, run.id, 5.0, first_sender="a")
    assert stored(store, couple).state.sender == "b"


# ------------------------------------------------- after the ratings: a kind next step


def revealed(store, couple, spec, a: dict, b: dict) -> svc.Running:
    """A standard dialogue, both turns taken, both ratings sealed and shown."""
    svc.start(store, couple, variant="standard", first_sender="a", now=0.0, topic="evenings")
    one_turn = (
        "sent",
        "mirrored",
        "got_it",
        "more_no",
        "summarised",
        "got_it",
        "validated",
        "empathised",
        "got_it",
        "closed",
    )
    run = press(store, couple, "ready", *one_turn, "switch_same", *one_turn, "end")
    svc.seal_rating(store, spec, run, "a", **a)
    svc.seal_rating(store, spec, run, "b", **b)
    return svc.reveal(store, stored(store, couple))


def test_care_is_offered_to_exactly_the_partners_rating_low(store, couple, spec):
    run = revealed(store, couple, spec, {"heard": 8, "safe": 8}, {"heard": 4, "safe": 6})
    assert svc.care(spec, svc.after_view(store, run)) == {"b": ("heard",)}


def test_care_is_nothing_before_the_reveal_or_when_all_is_well(store, couple, spec):
    run = finished(store, couple)
    svc.seal_rating(store, spec, run, "a", heard=0, safe=0)
    assert svc.care(spec, svc.after_view(store, stored(store, couple))) == {}
    svc.skip_rating(store, run, "b")
    assert svc.care(spec, svc.after_view(store, stored(store, couple))) == {}  # not revealed
    run = svc.reveal(store, stored(store, couple))
    assert svc.care(spec, svc.after_view(store, run)) == {"a": ("heard", "safe")}
    run2 = revealed(store, couple, spec, {"heard": 5, "safe": 9}, {"heard": 10, "safe": 5})
    assert svc.care(spec, svc.after_view(store, run2)) == {}


def test_another_turn_for_the_partner_who_felt_unheard(store, couple, spec):
    run = revealed(store, couple, spec, {"heard": 8, "safe": 8}, {"heard": 3, "safe": 6})
    new = svc.another_turn(store, couple, run, "b", now=500.0)
    assert new.id != run.id and stored(store, couple).id == new.id
    state = new.state
    assert (state.phase, state.sender, state.round, state.variant) == (
        "appointment",
        "b",
        1,
        "standard",
    )
    assert state.topic == run.state.topic
    assert new.extra["follows"] == run.id
    old = svc._by_id(store, couple.id, run.id)
    assert old.after["finished"] is True
    with pytest.raises(svc.Stale):  # a double click starts nothing more
        svc.another_turn(store, couple, run, "b", now=501.0)
    assert len(store.dialogues_of(couple.id)) == 2


def test_another_turn_needs_a_revealed_dialogue_and_a_partner(store, couple, spec):
    run = finished(store, couple)
    with pytest.raises(svc.Stale):
        svc.another_turn(store, couple, run, "a", now=1.0)
    with pytest.raises(svc.DialogueInputError):
        svc.another_turn(store, couple, run, "c", now=1.0)
    other = store.create_couple(
        name_a="X",
        name_b="Y",
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    with pytest.raises(svc.Stale):
        svc.another_turn(store, other, run, "a", now=1.0)
    assert stored(store, couple).id == run.id


def test_two_presses_from_the_same_screen_move_the_dialogue_once(store, couple, monkeypatch):
    """The step check and the write are one transaction: when the other tab's press
    lands between this press's read and its write, this one raises Stale and writes
    nothing (before, the check ran on the earlier read and the write went through)."""
    run = svc.start(
        store, couple, variant="standard", first_sender="a", topic="Evenings", now=100.0
    )
    read_early = svc.latest(store, couple)  # this tab reads ...
    svc.apply(store, couple, run.id, "ready", 101.0, expect_step=read_early.step_no)  # other
    monkeypatch.setattr(svc, "_by_id", lambda *_: read_early)  # ... then acts on that read
    with pytest.raises(svc.Stale):
        svc.apply(store, couple, run.id, "ready", 102.0, expect_step=read_early.step_no)
    monkeypatch.undo()
    assert svc.latest(store, couple).step_no == read_early.step_no + 1
