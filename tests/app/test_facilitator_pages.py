"""Workshop pages through AppTest: create and run a room with its secret, refusals
without it, joining by code (good, bad, too many tries), the banner, the projector guard."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from studio import room_service as rs
from studio.exercises import load_catalog
from studio.store import Store
from tests.app.conftest import switch_to
from tests.app.helpers import button, ok, open_page, sent, texts_read

SCRIPT = load_catalog().get("workshop_room")
PHASES = SCRIPT.phases


def make_ready(store: Store, n: int = 0):
    c = store.create_couple(
        name_a=f"Robin{n}",
        name_b=f"Sam{n}",
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    store.update_couple(c.id, stage="ready")
    return store.couple_by_token(c.token)


@pytest.fixture
def room(store):
    return rs.create_room(store, SCRIPT)


# ---------------------------------------------------------------------- facilitator


def test_create_a_room_and_run_it_with_the_secret(make_app, store):
    at = open_page(make_app(), "workshop")
    assert "Run a workshop" in texts_read(at)
    assert at.selectbox(key="ws_script").value == SCRIPT.id
    assert at.number_input(key="ws_min_group_workshop_room").value == 5
    button(at, "Create the room").click()
    ok(at.run())
    secret = at.query_params["room"]
    state = rs.facilitator_room(store, secret)
    assert state is not None and state.phase == PHASES[0].key and state.min_group == 5
    page = texts_read(at)
    assert "Your room is ready" in page and "Presenter view" in page
    # The preview says what the room screen shows: the part, its text, the counts.
    assert state.code in page and PHASES[0].title in page and PHASES[0].projector_text in page
    assert "Couples here" in [m.label for m in at.metric]
    # The facilitator link (with the secret) is sent only when asked for.
    assert not any(secret in c.value for c in at.code) and secret not in sent(at)
    at.toggle(key="ws_show_link").set_value(True)
    ok(at.run())
    assert any(secret in c.value for c in at.code)
    at.toggle(key="ws_show_link").set_value(False)
    ok(at.run())

    button(at, "Next").click()
    ok(at.run())
    assert rs.facilitator_room(store, secret).phase == PHASES[1].key
    assert PHASES[1].title in texts_read(at)
    button(at, "Start timer").click()
    ok(at.run())
    assert rs.facilitator_room(store, secret).timer_seconds == PHASES[1].suggested_minutes * 60
    assert "Time left" in texts_read(at)  # in the preview, as the room screen words it
    button(at, "Stop timer").click()
    ok(at.run())
    assert not rs.facilitator_room(store, secret).timer_set
    button(at, "Back").click()
    ok(at.run())
    assert rs.facilitator_room(store, secret).phase == PHASES[0].key


def test_min_group_below_three_is_not_offered(make_app):
    at = open_page(make_app(), "workshop")
    assert at.number_input(key="ws_min_group_workshop_room").min == 3


PRESENTER_CONTROLS = {"Back", "Next", "Start timer", "Show results", "Close the room now"}


def screen_link(at: AppTest) -> str:
    (link,) = [b for b in at.get("link_button") if b.proto.label == "Open the room screen"]
    return link.proto.url


def test_presenter_has_the_controls_and_the_room_screen_link(make_app, room):
    at = open_page(make_app(room=room.secret), "workshop")
    assert {b.label for b in at.button} >= PRESENTER_CONTROLS
    assert at.selectbox(key=f"ws_minutes_{PHASES[0].key}")
    url = screen_link(at)
    assert "/room-screen?screen=" in url and room.secret not in url
    # Sidebar links never carry the secret (only the page's own address does).
    assert len(at.sidebar.children) > 0
    sidebar = "\n".join(str(getattr(el, "proto", "")) for el in at.sidebar)
    assert room.secret not in sidebar
    assert room.secret not in sent(at)  # not even hidden: only once asked for
    at.toggle(key="ws_show_link").set_value(True)
    assert sent(ok(at.run())).count(room.secret) == 1  # the facilitator link, in its box


def test_the_room_screen_has_no_controls_and_no_secret(make_app, store, room):
    token = rs.screen_token_of(store, room.secret)
    assert token != room.secret and room.secret not in token
    couples = [make_ready(store, i) for i in range(6)]
    for c in couples:
        rs.join_room(store, c, room.room.code)
    rs.start_timer(store, room.secret, 10)
    at = open_page(make_app(screen=token), "room_screen")
    page = texts_read(at)
    assert PHASES[0].title in page and PHASES[0].projector_text in page
    assert room.room.code in page
    values = {m.label: m.value for m in at.metric}
    assert values["Couples here"] == "6" and "Time left" in values
    assert len(at.button) == 0 and not at.get("link_button") and not at.selectbox
    assert len(at.sidebar.children) == 0
    html = sent(at)
    assert room.secret not in html
    for c in couples:
        assert c.name_a not in html and c.name_b not in html and c.token not in html
    # It follows the room, and cannot be used to run it.
    with pytest.raises(rs.NotFacilitator):
        rs.move_phase(store, token, SCRIPT, 1)
    rs.move_phase(store, room.secret, SCRIPT, 1)
    ok(at.run())
    assert PHASES[1].title in texts_read(at)


def test_a_wrong_screen_link_opens_nothing(make_app, room):
    for bad in (room.secret, room.room.code, "x" * 32):
        at = open_page(make_app(screen=bad), "room_screen")
        assert "This screen's link doesn't open a room" in texts_read(at)
        assert room.room.code not in texts_read(at)


def test_projector_mode_keeps_the_presenter_view_off(make_app, store, room):
    at = open_page(make_app(room=room.secret, proj="1"), "workshop")
    assert "The presenter view stays off the big screen" in texts_read(at)
    assert not any(b.label in PRESENTER_CONTROLS for b in at.button)
    assert room.secret not in texts_read(at)
    assert len(at.sidebar.children) == 0
    assert room.secret not in sent(at)
    assert "/room-screen?screen=" in screen_link(at)
    without = open_page(make_app(room=room.secret), "workshop")
    without.toggle(key="ws_show_link").set_value(True)
    assert room.secret in sent(ok(without.run()))  # the check can see it where it is sent


def test_couple_links_from_the_facilitator_tab_drop_the_secret(make_app, room):
    at = open_page(make_app(room=room.secret), "workshop")
    ok(switch_to(at, "home"))
    assert room.secret not in sent(at)
    ok(switch_to(at, "join"))
    assert room.secret not in sent(at)


def test_a_wrong_secret_is_refused_kindly(make_app, store, room):
    for bad in ("x" * 43, room.room.code, "%3Cscript%3E"):
        at = open_page(make_app(room=bad), "workshop")
        page = texts_read(at)
        assert "This facilitator link doesn't open a room" in page
        assert "Next" not in [b.label for b in at.button]
        assert room.room.code not in page
    assert rs.facilitator_room(store, room.secret).phase == PHASES[0].key


def test_actions_after_the_room_closed_elsewhere_fail_kindly(make_app, store, room):
    at = open_page(make_app(room=room.secret), "workshop")
    rs.close_room(store, room.secret)  # e.g. from the facilitator's other tab
    button(at, "Next").click()
    ok(at.run())
    page = texts_read(at)
    assert "This room is closed" in page
    assert rs.facilitator_room(store, room.secret).phase == PHASES[0].key


def test_close_room_and_start_again(make_app, store, room):
    at = open_page(make_app(room=room.secret), "workshop")
    button(at, "Close the room now").click()
    ok(at.run())
    assert not rs.facilitator_room(store, room.secret).is_open
    assert "This room is closed" in texts_read(at)
    assert "deleted in about 24 hours" in texts_read(at)
    button(at, "Start a new room").click()
    ok(at.run())
    assert "room" not in at.query_params
    assert "Create the room" in [b.label for b in at.button]


def test_show_results_is_the_rooms_state_and_only_at_the_threshold(make_app, store, room):
    couples = [make_ready(store, i) for i in range(5)]
    for c in couples:
        rs.join_room(store, c, room.room.code)
    for c in couples[:4]:
        rs.share_with_room(
            store, c, {"together_alone": 1}, {"together_alone": 9}, ["heard"], ["calm"]
        )
    at = open_page(make_app(room=room.secret), "workshop")
    token = rs.screen_token_of(store, room.secret)
    button(at, "Show results").click()
    ok(at.run())
    assert rs.showing_results(store, room.room.id)
    assert "Nothing to release yet: results need at least 5 couples" in texts_read(at)
    screen = open_page(make_app(screen=token), "room_screen")
    assert "Room results appear once at least 5 couples have chosen to share" in texts_read(screen)
    assert "couples shared" not in texts_read(screen)

    rs.share_with_room(store, couples[4], {"together_alone": 5}, {"together_alone": 5})
    ok(screen.run())
    assert "What 5 couples shared" not in texts_read(screen)  # not until released
    # A second presenter tab sees the room's state: results on, "Back to the script".
    second = open_page(make_app(room=room.secret), "workshop")
    assert "Back to the script" in [b.label for b in second.button]
    button(second, "Back to the script").click()
    ok(second.run())
    assert not rs.showing_results(store, room.room.id)
    button(second, "Show results").click()
    ok(second.run())
    assert "Released: results from 5 couples" in texts_read(second)
    ok(screen.run())
    page = texts_read(screen)
    assert "What 5 couples shared" in page and "from before" not in page
    assert "Time together or time alone" in sent(screen) and room.room.code in page
    for c in couples:
        assert c.name_a not in sent(screen) and c.name_b not in sent(screen)
    # A later press without enough new couples: the facilitator hears why, the room
    # keeps the latest results in its own words.
    button(second, "Back to the script").click()
    ok(second.run())
    button(second, "Show results").click()
    ok(second.run())
    assert "A new release needs 5 more couples to share" in texts_read(second)
    ok(screen.run())
    assert "What 5 couples shared" in texts_read(screen) and "more couples" not in texts_read(
        screen
    )
    # Moving on puts the script back on every screen.
    rs.move_phase(store, room.secret, SCRIPT, 1)
    ok(screen.run())
    assert PHASES[1].title in texts_read(screen)


def test_progress_shows_counts_only(make_app, store, room):
    c = make_ready(store)
    rs.join_room(store, c, room.room.code)
    rs.mark_done(store, c, PHASES[0].key)
    at = open_page(make_app(room=room.secret), "workshop")
    values = {m.label: m.value for m in at.metric}
    assert values["Couples here"] == "1" and values["Done with this part"] == "1"
    assert c.name_a not in texts_read(at)


def _sealed_and_revealed(store, couple, *, revealed: bool) -> None:
    from studio import safety_flow

    flow = safety_flow.FlowState(
        sealed={"a": True, "b": True}, revealed_at=1.0 if revealed else None
    )
    store.start_safety_run(couple.id, "safety_map", flow.to_dict())


def _dialogue_rounds(store, couple, rounds: int) -> None:
    from dataclasses import replace

    from studio.dialogue import new_dialogue

    state = replace(new_dialogue("standard", 0.0), phase="switch", round=rounds)
    store.create_dialogue(couple.id, state.to_dict(), {})


def test_counts_come_from_what_couples_did(make_app, store, room):
    """Sealed, revealed, a finished round: done with that part, without pressing."""
    keys = {p.couple_view: p.key for p in PHASES}
    dialogue_keys = [p.key for p in PHASES if p.couple_view == "dialogue"]
    couples = [make_ready(store, i) for i in range(5)]
    for c in couples:
        rs.join_room(store, c, room.room.code)
    _sealed_and_revealed(store, couples[0], revealed=False)
    for c in couples[1:]:
        _sealed_and_revealed(store, c, revealed=True)
    _dialogue_rounds(store, couples[1], 1)
    _dialogue_rounds(store, couples[2], 2)
    rs.mark_done(store, couples[3], dialogue_keys[0])  # said so
    state = rs.facilitator_room(store, room.secret)
    counts = rs.counts(store, state, SCRIPT)
    assert counts.done_with(keys["safety_map"]) == 5
    assert counts.done_with(keys["reveal"]) == 4
    assert counts.done_with(dialogue_keys[0]) == 3 and counts.done_with(dialogue_keys[1]) == 1
    assert counts.done_with(keys["welcome"]) == 0
    rs.move_phase(store, room.secret, SCRIPT, 1)
    at = open_page(make_app(room=room.secret), "workshop")
    assert {m.label: m.value for m in at.metric}["Done with this part"] == "5"
    (table,) = [t for t in at.table if "Couples done" in t.value.columns]
    assert list(table.value["Couples done"]) == [0, 5, 4, 3, 0, 1, 0]
    screen = open_page(make_app(screen=rs.screen_token_of(store, room.secret)), "room_screen")
    assert {m.label: m.value for m in screen.metric}["Done with this part"] == "5"


# -------------------------------------------------------------------------- couples


def test_join_with_a_good_code(make_app, store, room):
    c = make_ready(store)
    at = open_page(make_app(c=c.token), "join")
    at.text_input(key="join_code").input(room.room.code.lower().replace("-", " "))
    button(at, "Join the workshop").click()
    ok(at.run())
    assert rs.current_room(store, c).room.id == room.room.id
    page = texts_read(at)
    assert "Workshop · part 1 of 7" in page and PHASES[0].couple_text in page
    button(at, "We're done with this part").click()
    ok(at.run())
    assert rs.current_room(store, c).done_phases == {PHASES[0].key}
    assert "You're done with this part" in texts_read(at)


def test_join_with_a_bad_code_then_too_many_tries(make_app, store, room):
    c = make_ready(store)
    at = open_page(make_app(c=c.token), "join")
    at.text_input(key="join_code").input("hello")
    button(at, "Join the workshop").click()
    ok(at.run())
    assert "six letters and numbers" in texts_read(at)
    wrong = room.room.code[:-1] + ("A" if room.room.code[-1] != "A" else "C")
    for _ in range(5):
        at.text_input(key="join_code").input(wrong)
        button(at, "Join the workshop").click()
        ok(at.run())
        assert "We couldn't find a workshop with that code" in texts_read(at)
    at.text_input(key="join_code").input(room.room.code)
    button(at, "Join the workshop").click()
    ok(at.run())
    assert "Too many tries — wait" in texts_read(at)
    assert rs.current_room(store, c) is None


def test_code_from_the_link_is_filled_in(make_app, store, room):
    c = make_ready(store)
    at = open_page(make_app(c=c.token, code=room.room.code.lower()), "join")
    assert at.text_input(key="join_code").value == room.room.code
    assert rs.current_room(store, c) is None  # joining is a choice: one press
    button(at, "Join the workshop").click()
    ok(at.run())
    assert rs.current_room(store, c).room.id == room.room.id
    assert "code" not in at.query_params


def test_join_without_a_couple_sends_to_setup_and_keeps_the_code(make_app, store, room):
    at = open_page(make_app(code=room.room.code), "join")
    assert "Before you join, set up the two of you" in texts_read(at)
    button(at, "Set us up").click()
    ok(at.run())
    assert "Who's here?" in texts_read(at)
    assert at.query_params["code"] == room.room.code


def test_a_couple_not_set_up_goes_to_setup_first(make_app, store, room):
    c = store.create_couple(
        name_a="Kim",
        name_b="Lee",
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )  # safety notes not read
    at = open_page(make_app(c=c.token, code=room.room.code), "join")
    assert "Pass the laptop to" in texts_read(at)
    assert at.query_params["code"] == room.room.code
    assert rs.current_room(store, c) is None
    # Once set up, any couple page offers the waiting code.
    store.update_couple(c.id, stage="ready")
    at = ok(switch_to(at, "home"))
    assert "Your workshop code is ready" in texts_read(at)


def test_the_banner_follows_the_room_on_couple_pages(make_app, store, room):
    c = make_ready(store)
    rs.join_room(store, c, room.room.code)
    rs.move_phase(store, room.secret, SCRIPT, 1)
    at = open_page(make_app(c=c.token), "home")
    page = texts_read(at)
    assert PHASES[1].couple_text in page and "Our space" in page
    assert "Open “What makes you feel safe?”" in [b.label for b in at.button]
    rs.start_timer(store, room.secret, 10)
    ok(at.run())
    # In calm whole minutes on the couple's own screen; the big screen has the clock.
    line = " ".join(m.value for m in at.markdown)
    assert "about 10 minutes left" in line and not re.search(r"\d:\d\d", line)


def test_no_banner_for_couples_outside_a_room(make_app, store):
    c = make_ready(store)
    at = open_page(make_app(c=c.token), "home")
    assert "Workshop ·" not in texts_read(at)


def test_private_pages_stay_off_the_projector(make_app, store):
    c = make_ready(store)
    for page in ("safety_map", "dialogue", "data"):
        at = open_page(make_app(c=c.token, proj="1"), page)
        assert "This part stays off the big screen" in texts_read(at)
    assert "Leave projector mode" in [b.label for b in at.button]


@pytest.mark.parametrize("page", ["welcome", "home", "join", "resources"])
def test_every_page_on_the_projector_has_a_way_out(make_app, store, page):
    """Projector mode hides the sidebar and its switch: a page must offer the way back."""
    c = make_ready(store)
    at = open_page(make_app(c=c.token, proj="1"), page)
    leave = [b for b in at.button if b.label == "Leave projector mode"]
    assert len(leave) == 1
    leave[0].click().run()
    assert not at.exception
    assert "proj" not in at.query_params
    assert "Leave projector mode" not in [b.label for b in at.button]


# ------------------------------------------------------------- a couple asks for help


def test_a_couple_calls_a_facilitator_privately_and_it_clears(make_app, store, room):
    c = make_ready(store)
    rs.join_room(store, c, room.room.code)
    at = open_page(make_app(c=c.token), "home")
    place = at.text_input(key="room_help_place_False")
    # Their names are refused kindly, and nothing is raised.
    place.input(f"{c.name_a}'s table")
    button(at, "Call a facilitator").click()
    ok(at.run())
    assert "rather than your names" in texts_read(at) or any(
        "rather than your names" in e.value for e in at.error
    )
    assert store.help_calls(room.room.id) == []
    at.text_input(key="room_help_place_False").input("Table 4 <b>*by*</b>")
    button(at, "Call a facilitator").click()
    ok(at.run())
    assert "You've asked for a facilitator" in texts_read(at)
    # The presenter sees the place (as text), the room screen never does.
    pres = open_page(make_app(room=room.secret), "workshop")
    assert "Table 4 <b>*by*</b>" in texts_read(pres)
    screen = open_page(make_app(screen=rs.screen_token_of(store, room.secret)), "room_screen")
    assert "Table 4" not in sent(screen)
    assert "would like" not in texts_read(screen)
    button(pres, "On my way").click()
    ok(pres.run())
    assert "Table 4" not in texts_read(pres)
    assert store.help_calls(room.room.id) == []
    ok(at.run())
    assert "A facilitator is on the way" in texts_read(at)
    assert "You've asked for a facilitator" not in texts_read(at)


def test_a_couple_can_take_back_their_call(make_app, store, room):
    c = make_ready(store)
    rs.join_room(store, c, room.room.code)
    rs.ask_for_help(store, c, "by the window")
    at = open_page(make_app(c=c.token), "home")
    assert "by the window" in texts_read(at)
    button(at, "We're fine now").click()
    ok(at.run())
    assert store.help_calls(room.room.id) == []
    assert "You've asked for a facilitator" not in texts_read(at)
    assert "on the way" not in texts_read(at)


def test_the_break_is_one_tap_from_the_room_banner(make_app, store, room):
    c = make_ready(store)
    rs.join_room(store, c, room.room.code)
    rs.move_phase(store, room.secret, SCRIPT, 1)
    at = open_page(make_app(c=c.token), "safety_map")
    main_break = [b for b in at.main.button if b.label == "Take a break"]
    assert len(main_break) == 1
    main_break[0].click()
    ok(at.run())
    assert store.couple_by_token(c.token).paused_at is not None
    assert "Taking a break" in texts_read(at)


def test_on_the_exercise_the_room_text_folds_away(make_app, store, room):
    """On the exercise's own page the banner is one line and a fold, so the exercise's
    own button stays near the top of a phone; elsewhere the part's text is shown."""
    c = make_ready(store)
    rs.join_room(store, c, room.room.code)
    rs.move_phase(store, room.secret, SCRIPT, 1)
    at = open_page(make_app(c=c.token), "safety_map")
    assert "What to do in this part" in [e.label for e in at.expander]
    assert "Open “What makes you feel safe?”" not in [b.label for b in at.button]
