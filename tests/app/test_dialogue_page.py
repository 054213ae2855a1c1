"""The dialogue page through AppTest: start, appointment, mirror loop, reload, pause, ratings."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from studio import dialogue_service as svc
from tests.app.conftest import switch_to

HOSTILE_TOPIC = "![x](http://example.com/a.png) **loud** <b>x</b> :red[y]"


def open_dialogue(make_app, couple) -> AppTest:
    at = make_app(c=couple.token)
    at.run()
    switch_to(at, "dialogue")
    assert not at.exception, [e.value for e in at.exception]
    return at


def unescaped(text: str) -> str:
    """Markdown source as it reads on screen: content-file text arrives escaped."""
    return re.sub(r"\\(.)", r"\1", str(text)).replace("\u2060", "")


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def click(at: AppTest, label: str) -> AppTest:
    for button in at.button:
        if button.label == label:
            button.click()
            at.run()
            assert not at.exception, [e.value for e in at.exception]
            return at
    raise AssertionError(f"no button {label!r} among {labels(at)}")


def shown(at: AppTest) -> str:
    """Every piece of text on the screen, joined (to look for a word)."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "text",
        "info",
        "warning",
        "success",
        "error",
    ):
        parts += [str(el.value) for el in at.get(kind)]
    parts += [str(el.label) for el in at.get("text_input")]
    parts += [str(el.value) for el in at.get("text_input")]
    parts += labels(at)
    return unescaped("\n".join(parts))


def headers(at: AppTest) -> list[str]:
    return [unescaped(h.value) for h in at.header] + [unescaped(h.value) for h in at.subheader]


def start_with_own_topic(at: AppTest, topic: str = "How our evenings go") -> AppTest:
    assert "What kind of talk?" in headers(at)
    at.text_input(key="dlg_start_standard_text").input(topic)
    at.run()
    click(at, "Let's begin")
    assert "Is now a good time?" in headers(at)
    return at


def latest(store, couple) -> svc.Running:
    run = svc.latest(store, couple)
    assert run is not None
    return run


def test_own_topic_appointment_mirror_loop_and_reload(make_app, ready_couple, store):
    at = open_dialogue(make_app, ready_couple)
    assert at.caption[0].value.startswith("Step 7 of 8")
    start_with_own_topic(at)
    assert "How our evenings go" in [t.value for t in at.text]
    assert any("● Robin shares, ▲ Sam listens" in m.value for m in at.markdown)

    click(at, "Yes, now is good")
    assert "Now: Say it" in headers(at)
    click(at, "I've said it")
    assert "Now: Say it back" in headers(at)
    click(at, "I've said it back")
    assert "“Did I get it?”" in headers(at)
    click(at, "Not quite")
    assert "Now: Say it back" in headers(at)
    assert "Another try" in shown(at)
    assert latest(store, ready_couple).state.mirror_count == 1
    click(at, "I've said it back")
    click(at, "Did I get it? — Yes")
    assert "“Is there more?”" in headers(at)
    assert "Next: Sum it up" in shown(at)

    # A reload is a new session: the same step and roles come back from the store.
    again = open_dialogue(make_app, ready_couple)
    assert "Now: Say it back" in headers(again)
    assert "“Is there more?”" in headers(again)
    assert any("● Robin shares, ▲ Sam listens" in m.value for m in again.markdown)
    assert "How our evenings go" in [t.value for t in again.text]
    assert "No, that's it for now" in labels(again)
    click(again, "No, that's it for now")
    assert "Now: Sum it up" in headers(again)
    state = latest(store, ready_couple).state
    assert (state.phase, state.sender, state.mirror_count) == ("summary", "a", 1)


def test_a_topic_is_needed_and_shown_as_text(make_app, ready_couple, store):
    at = open_dialogue(make_app, ready_couple)
    click(at, "Let's begin")
    assert any("a few words" in w.value for w in at.warning)
    assert svc.latest(store, ready_couple) is None
    start_with_own_topic(at, HOSTILE_TOPIC)
    assert HOSTILE_TOPIC in [t.value for t in at.text]
    assert not any("example.com" in m.value for m in at.markdown)


def test_not_now_shows_the_agreed_time_and_keeps_the_topic(make_app, ready_couple, store):
    at = start_with_own_topic(open_dialogue(make_app, ready_couple), "The holidays")
    click(at, "Not now — let's pick a time")
    assert any("when you'd like to come back" in w.value for w in at.warning)
    assert latest(store, ready_couple).state.phase == "appointment"

    when_input = next(t for t in at.text_input if t.label == "When will you come back to it?")
    when_input.input("Tomorrow after dinner")
    at.run()
    click(at, "Not now — let's pick a time")
    assert "Later, then" in headers(at)
    texts = [t.value for t in at.text]
    assert "Tomorrow after dinner" in texts and "The holidays" in texts

    again = open_dialogue(make_app, ready_couple)  # still there after a reload
    texts = [t.value for t in again.text]
    assert "Tomorrow after dinner" in texts and "The holidays" in texts
    click(again, "We're back — let's go on")
    assert "Is now a good time?" in headers(again)
    assert any("Welcome back" in i.value for i in again.info)
    assert "The holidays" in [t.value for t in again.text]
    click(again, "Yes, now is good")
    assert "Now: Say it" in headers(again)


def test_pause_from_the_sidebar_returns_to_the_same_step(make_app, ready_couple, store):
    at = start_with_own_topic(open_dialogue(make_app, ready_couple))
    click(at, "Yes, now is good")
    click(at, "I've said it")
    assert "Now: Say it back" in headers(at)
    started = latest(store, ready_couple).state.step_started_at

    at.button(key="nav_pause").click()
    at.run()
    assert [t.value for t in at.title] == ["Taking a break"]
    state = latest(store, ready_couple).state
    assert state.paused and state.phase == "mirror"

    at.button(key="break_resume").click()
    at.run()
    assert not at.exception
    assert "Now: Say it back" in headers(at)
    assert any("● Robin shares, ▲ Sam listens" in m.value for m in at.markdown)
    state = latest(store, ready_couple).state
    assert not state.paused and state.phase == "mirror"
    assert state.step_started_at >= started  # shifted by the break, so no time was lost


def test_the_page_break_button_pauses_too(make_app, ready_couple, store):
    at = start_with_own_topic(open_dialogue(make_app, ready_couple))
    click(at, "Yes, now is good")
    click(at, "Take a break")
    assert [t.value for t in at.title] == ["Taking a break"]
    assert latest(store, ready_couple).state.paused


def test_a_safety_map_topic_can_be_picked_and_is_used_up(make_app, ready_couple, store):
    tid = store.add_topic(ready_couple.id, "When plans change last minute", "safety_map")
    at = open_dialogue(make_app, ready_couple)
    pick = at.radio(key="dlg_start_standard_pick")
    assert pick.options[0] == "When plans change last minute"
    assert pick.value == tid
    click(at, "Let's begin")
    assert "When plans change last minute" in [t.value for t in at.text]
    assert store.open_topics(ready_couple.id) == []


def test_notes_are_off_by_default_and_shown_as_text(make_app, ready_couple, store):
    at = start_with_own_topic(open_dialogue(make_app, ready_couple))
    click(at, "Yes, now is good")
    assert not at.toggle[0].value
    assert not [t for t in at.text_input if t.label.startswith("Key words")]
    at.toggle[0].set_value(True)
    at.run()
    assert latest(store, ready_couple).notes_on
    box = next(t for t in at.text_input if t.label.startswith("Key words from ● Robin"))
    box.input("**late** trains")  # inside a form: sent with the submit button
    click(at, "Keep these words")
    assert "● Robin · Say it: **late** trains" in [t.value for t in at.text]


def test_switch_roles_and_the_private_ratings(make_app, ready_couple, store):
    run = svc.start(
        store,
        ready_couple,
        variant="appreciation",
        first_sender="a",
        now=0.0,
        topic="the way you made Sunday easy",
    )
    for event in ("ready", "sent", "mirrored", "got_it", "more_no", "closed"):
        run = svc.apply(store, ready_couple, run.id, event, 1.0)
    at = open_dialogue(make_app, ready_couple)
    assert "Switch places" in headers(at)
    click(at, "Switch — same topic")
    assert any("▲ Sam shares, ● Robin listens" in m.value for m in at.markdown)
    for label in (
        "Yes, now is good",
        "I've said it",
        "I've said it back",
        "Did I get it? — Yes",
        "No, that's it for now",
        "We've thanked each other",
    ):
        if label in labels(at):
            click(at, label)
    assert "Switch places" in headers(at)
    assert "Switch — same topic" not in labels(at)  # both have had a turn
    click(at, "We're done for today")

    # Robin rates first, behind the curtain.
    assert "Thank you" in [t.value for t in at.title]
    click(at, "I'm ● Robin — show me")
    at.slider(key="dlg_rate_heard_a").set_value(7)
    at.text_input(key="dlg_rate_word_a").input("marker-heard-7731")
    click(at, "Seal my answer")
    # Sam's turn: nothing of Robin's answer is on the screen or in the session.
    assert "Pass the laptop to ▲ Sam" in headers(at)
    assert "marker-heard-7731" not in shown(at)
    click(at, "I'm ▲ Sam — show me")
    assert "Just for you, ▲ Sam" in headers(at)
    assert "marker-heard-7731" not in shown(at)
    assert "marker-heard-7731" not in repr(at.session_state)
    click(at, "I'd rather not say")
    assert [t.value for t in at.title] == ["You've both answered"]
    assert "marker-heard-7731" not in shown(at)

    click(at, "Show us both")
    assert "marker-heard-7731" in [t.value for t in at.text]
    assert "I felt heard: 7 of 10" in shown(at)  # quietly, as words
    assert not at.get("progress")  # no bars that read as scores
    assert "Chose not to say this time — that's fine." in shown(at)
    assert "Something that might help" not in headers(at)  # 7 isn't low; Sam said nothing
    rating = store.rating_of(run.id, "a")
    assert rating["sealed"] and rating["heard"] == 7

    click(at, "Start another dialogue")
    assert "What kind of talk?" in headers(at)


def test_a_couple_not_set_up_is_sent_to_setup(make_app, store):
    couple = store.create_couple(
        name_a="Ana",
        name_b="Ben",
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    at = make_app(c=couple.token)
    at.run()
    switch_to(at, "dialogue")
    assert not at.exception
    assert "Talk and listen" not in [t.value for t in at.title]
    assert "Pass the laptop to" in " ".join(headers(at))


def test_a_small_request_then_a_new_topic_from_the_safety_map(make_app, ready_couple, store):
    tid = store.add_topic(ready_couple.id, "Who does the dishes", "safety_map")
    at = open_dialogue(make_app, ready_couple)
    at.radio(key="dlg_start_variant").set_value("behaviour_change")
    at.run()
    at.radio(key="dlg_start_behaviour_change_pick").set_value(-1)
    at.run()
    at.text_input(key="dlg_start_behaviour_change_text").input("Phones at dinner")
    at.run()
    click(at, "Let's begin")
    for label in (
        "Yes, now is good",
        "I've said it",
        "I've said it back",
        "Did I get it? — Yes",
        "No, that's it for now",
        "I've summed it up",
        "Yes, that's all of it",
    ):
        click(at, label)
    assert "Now: Ask for something small" in headers(at)
    at.radio(key=next(r.key for r in at.radio if r.label.startswith("How many"))).set_value(2)
    click(at, "I've offered my requests")
    assert "Now: Pick one" in headers(at)
    assert at.radio[0].options == ["Request 1", "Request 2"]
    at.radio[0].set_value(2)
    click(at, "I've picked one")
    state = latest(store, ready_couple).state
    assert (state.phase, state.request_count, state.chosen_request) == ("close", 2, 2)
    click(at, "We've thanked each other")

    # Switch with a new topic, carried over from the safety map.
    pick = next(r for r in at.radio if r.key and r.key.endswith("newtopic_pick"))
    assert pick.options[0] == "Who does the dishes"
    click(at, "Switch — a new topic")
    assert "Is now a good time?" in headers(at)
    assert any("▲ Sam shares, ● Robin listens" in m.value for m in at.markdown)
    assert "Who does the dishes" in [t.value for t in at.text]
    assert [t.id for t in store.open_topics(ready_couple.id)] == []
    assert latest(store, ready_couple).extra["topic_ids"] == [tid]


def test_stopping_early_is_kind_and_starts_fresh(make_app, ready_couple, store):
    at = start_with_own_topic(open_dialogue(make_app, ready_couple))
    click(at, "Yes, now is good")
    click(at, "Yes, stop here")
    assert "What kind of talk?" in headers(at)
    assert any("fine to stop here" in i.value for i in at.info)
    assert latest(store, ready_couple).state.abandoned


def test_a_dialogue_paused_without_a_break_can_carry_on(make_app, ready_couple, store):
    run = svc.start(store, ready_couple, variant="standard", first_sender="b", now=0.0, topic="x")
    run = svc.apply(store, ready_couple, run.id, "ready", 1.0)
    svc.apply(store, ready_couple, run.id, "pause", 2.0)  # paused, but no break running
    at = open_dialogue(make_app, ready_couple)
    assert any("You paused here" in i.value for i in at.info)
    click(at, "We're ready to go on")
    assert "Now: Say it" in headers(at)
    assert any("▲ Sam shares, ● Robin listens" in m.value for m in at.markdown)
    assert not latest(store, ready_couple).state.paused


def test_an_unreadable_dialogue_is_set_aside_kindly(make_app, ready_couple, store):
    run = svc.start(store, ready_couple, variant="standard", first_sender="a", now=0.0, topic="x")
    store.save_dialogue(run.id, state={"phase": "???"})
    at = open_dialogue(make_app, ready_couple)
    assert any("couldn't read your last dialogue" in w.value for w in at.warning)
    start_with_own_topic(at, "a fresh start")
    assert "a fresh start" in [t.value for t in at.text]


# ------------------------------------------------ from the reveal: talk about this

STARTER = "What does a good evening look like for each of you?"


def settings_radio(at: AppTest, text: str):
    return next(r for r in at.radio if r.label == text)


def test_talk_about_this_opens_the_appointment_with_the_topic(make_app, ready_couple, store):
    svc.start_on_topic(store, ready_couple, STARTER)
    at = open_dialogue(make_app, ready_couple)
    assert "Is now a good time?" in headers(at)
    assert "What kind of talk?" not in headers(at)  # not the settings page
    assert STARTER in [t.value for t in at.text]
    assert not any("Where we differ" in t.value for t in at.text)
    assert any("● Robin shares, ▲ Sam listens" in m.value for m in at.markdown)
    assert "Yes, now is good" in labels(at)

    # The small control: who shares first and the kind of talk, the topic stays.
    assert [e.label for e in at.expander] == ["Change who shares first or the kind of talk"]
    assert settings_radio(at, "Who shares first?").value == "a"
    assert settings_radio(at, "What kind of talk?").value == "standard"
    settings_radio(at, "Who shares first?").set_value("b")
    settings_radio(at, "What kind of talk?").set_value("appreciation")
    at.run()
    click(at, "Go with this")
    assert "Is now a good time?" in headers(at)
    assert any("▲ Sam shares, ● Robin listens" in m.value for m in at.markdown)
    assert STARTER in [t.value for t in at.text]
    assert "Your topic" in shown(at)
    state = latest(store, ready_couple).state
    assert (state.sender, state.variant, state.topic) == ("b", "appreciation", STARTER)

    # Once the talk has begun, the settings can't change any more.
    click(at, "Yes, now is good")
    assert "Now: Share an appreciation" in headers(at)
    assert not at.expander
    assert not [r for r in at.radio if r.label == "Who shares first?"]


def test_talk_about_this_twice_keeps_one_talk(make_app, ready_couple, store):
    svc.start_on_topic(store, ready_couple, "Phones at dinner")
    svc.start_on_topic(store, ready_couple, STARTER)
    at = open_dialogue(make_app, ready_couple)
    texts = [t.value for t in at.text]
    assert STARTER in texts and "Phones at dinner" not in texts
    assert len(store.dialogues_of(ready_couple.id)) == 1


# ---------------------------------------------------- turns in words, a kind next step

ONE_TURN = (
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


def after_both_turns(store, couple) -> svc.Running:
    run = svc.start_on_topic(store, couple, STARTER, now=0.0)
    t = 0.0
    for event in ("ready", *ONE_TURN, "switch_same", *ONE_TURN, "end"):
        t += 30.0
        run = svc.apply(store, couple, run.id, event, t)
    return run


def test_the_switch_says_whose_turn_is_next_without_a_bar(make_app, ready_couple, store):
    run = svc.start_on_topic(store, ready_couple, STARTER, now=0.0)
    t = 0.0
    for event in ("ready", *ONE_TURN):
        t += 30.0
        run = svc.apply(store, ready_couple, run.id, event, t)
    at = open_dialogue(make_app, ready_couple)
    assert "Switch places" in headers(at)
    assert not at.get("progress")
    text = shown(at)
    assert "Time as the one who talks" not in text
    assert "● Robin has shared so far; ▲ Sam's turn comes next." in text
    # Robin spoke 30 s ("Say it"); the whole turn took 10 × 30 s = 5 minutes.
    assert "● Robin spoke for less than a minute; the whole turn" in text
    assert "took about 5 minutes" in text
    assert "0:00" not in text and "2:00" not in text


def reveal_with(at: AppTest, a_heard: int, b_heard: int) -> AppTest:
    for p, name, heard in (("a", "● Robin", a_heard), ("b", "▲ Sam", b_heard)):
        click(at, f"I'm {name} — show me")
        at.slider(key=f"dlg_rate_heard_{p}").set_value(heard)
        click(at, "Seal my answer")
    click(at, "Show us both")
    return at


def test_a_low_felt_heard_is_met_with_a_kind_next_step(make_app, ready_couple, store):
    first = after_both_turns(store, ready_couple)
    at = reveal_with(open_dialogue(make_app, ready_couple), a_heard=8, b_heard=3)
    assert "How it felt, side by side" in headers(at)
    assert "I felt heard: 3 of 10" in shown(at) and "I felt heard: 8 of 10" in shown(at)
    assert not at.get("progress")
    assert "Time as the one who talks" not in shown(at)
    assert "Both of you had a turn sharing." in shown(at)

    assert "Something that might help" in headers(at)
    text = shown(at)
    assert "For ▲ Sam, feeling heard was harder this time." in text
    assert "● Robin, feeling" not in text  # only the partner who rated low
    assert "Another turn for ▲ Sam to share" in labels(at)
    assert "Another turn for ● Robin to share" not in labels(at)
    assert "Take a break" in labels(at)
    links = [link.proto.label for link in at.get("page_link")]
    assert "Help and support" in links
    for word in ("fail", "wrong", "bad", "score", "should"):
        assert word not in text.lower().split()

    # One press starts Sam's turn, same topic, at "Is now a good time?".
    click(at, "Another turn for ▲ Sam to share")
    assert "Is now a good time?" in headers(at)
    assert any("▲ Sam shares, ● Robin listens" in m.value for m in at.markdown)
    assert STARTER in [t.value for t in at.text]
    run = latest(store, ready_couple)
    assert run.id != first.id and run.state.sender == "b"


def test_the_kind_next_step_offers_a_break(make_app, ready_couple, store):
    after_both_turns(store, ready_couple)
    at = reveal_with(open_dialogue(make_app, ready_couple), a_heard=2, b_heard=9)
    assert "For ● Robin, feeling heard was harder this time." in shown(at)
    at.button(key=next(b.key for b in at.button if b.key.startswith("dlg_care_break"))).click()
    at.run()
    assert [t.value for t in at.title] == ["Taking a break"]


def test_no_next_step_offered_when_both_felt_heard_and_safe(make_app, ready_couple, store):
    after_both_turns(store, ready_couple)
    at = reveal_with(open_dialogue(make_app, ready_couple), a_heard=5, b_heard=10)
    assert "Something that might help" not in headers(at)
    assert not [b for b in at.button if b.label.startswith("Another turn")]
    assert "Start another dialogue" in labels(at)


def test_a_variant_of_the_files_own_runs_on_its_path_with_its_words(make_app, store, ready_couple):
    """ "After a hard moment" is only words in the file: picked, it follows the standard
    path with its own steps, and a new round keeps it."""
    couple = ready_couple
    at = open_dialogue(make_app, couple)
    at.radio(key="dlg_start_variant").set_value("repair")
    at.run()
    at.text_input(key="dlg_start_repair_text").input("The evening at your parents'")
    at.run()
    click(at, "Let's begin")
    run = latest(store, couple)
    assert (run.state.variant, run.state.wording) == ("standard", "repair")
    assert "After a hard moment" in shown(at)
    click(at, "Yes, now is good")
    assert "Say how it was for you" in headers(at) or "Say how it was for you" in shown(at)
