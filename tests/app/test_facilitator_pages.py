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

SCRIPT = load_catalog().get("workshop_room")
PHASES = SCRIPT.phases


def texts(at: AppTest) -> str:
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "text", "caption",
                 "success", "warning", "error", "info", "exception"):
        parts.extend(str(getattr(el, "value", "")) for el in getattr(at.main, kind))
    parts.extend(b.label for b in at.main.button)
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))  # as read: markdown escapes undone


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    at.run()
    return ok(switch_to(at, page))


def button(at: AppTest, label: str):
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} in {[b.label for b in at.button]}"
    return matches[0]


def make_ready(store: Store, n: int = 0):
    c = store.create_couple(name_a=f"Robin{n}", name_b=f"Sam{n}", color_a="blue",
                            color_b="orange", symbol_a="circle", symbol_b="triangle")
    store.update_couple(c.id, stage="ready")
    return store.couple_by_token(c.token)


@pytest.fixture
def room(store):
    return rs.create_room(store, SCRIPT)


# ---------------------------------------------------------------------- facilitator


def test_create_a_room_and_run_it_with_the_secret(make_app, store):
    at = open_page(make_app(), "workshop")
    assert "Run a workshop" in texts(at)
    assert at.selectbox(key="ws_script").value == SCRIPT.id
    assert at.number_input(key="ws_min_group_workshop_room").value == 5
    button(at, "Create the room").click()
    ok(at.run())
    secret = at.query_params["room"]
    state = rs.facilitator_room(store, secret)
    assert state is not None and state.phase == PHASES[0].key and state.min_group == 5
    page = texts(at)
    assert "Your room is ready" in page
    assert state.code in page and PHASES[0].title in page and PHASES[0].projector_text in page
    assert "Couples here" in [m.label for m in at.metric]
    # The facilitator link (with the secret) is offered off the big screen only.
    assert any(secret in c.value for c in at.code)

    button(at, "Next").click()
    ok(at.run())
    assert rs.facilitator_room(store, secret).phase == PHASES[1].key
    assert PHASES[1].title in texts(at)
    button(at, "Start timer").click()
    ok(at.run())
    assert rs.facilitator_room(store, secret).timer_seconds == PHASES[1].suggested_minutes * 60
    assert "Time left" in [m.label for m in at.metric]
    button(at, "Stop timer").click()
    ok(at.run())
    assert not rs.facilitator_room(store, secret).timer_set
    button(at, "Back").click()
    ok(at.run())
    assert rs.facilitator_room(store, secret).phase == PHASES[0].key


def test_min_group_below_three_is_not_offered(make_app):
    at = open_page(make_app(), "workshop")
    assert at.number_input(key="ws_min_group_workshop_room").min == 3


def sent(at: AppTest) -> str:
    """Every element the run sent, main and sidebar, as protobuf text."""
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(at._tree)
    return "\n".join(out)


def test_projector_mode_hides_the_facilitator_link(make_app, room):
    at = open_page(make_app(room=room.secret, proj="1"), "workshop")
    assert room.room.code in texts(at)
    assert not any(room.secret in c.value for c in at.code)
    assert room.secret not in texts(at)
    # Not even in the (hidden) sidebar's links: in projector mode there is no sidebar.
    assert len(at.sidebar.children) == 0
    assert room.secret not in sent(at)
    without = open_page(make_app(room=room.secret), "workshop")
    assert room.secret in sent(without)  # the check can see it where it is sent


def test_a_wrong_secret_is_refused_kindly(make_app, store, room):
    for bad in ("x" * 43, room.room.code, "%3Cscript%3E"):
        at = open_page(make_app(room=bad), "workshop")
        page = texts(at)
        assert "This facilitator link doesn't open a room" in page
        assert "Next" not in [b.label for b in at.button]
        assert room.room.code not in page
    assert rs.facilitator_room(store, room.secret).phase == PHASES[0].key


def test_actions_after_the_room_closed_elsewhere_fail_kindly(make_app, store, room):
    at = open_page(make_app(room=room.secret), "workshop")
    rs.close_room(store, room.secret)  # e.g. from the facilitator's other tab
    button(at, "Next").click()
    ok(at.run())
    page = texts(at)
    assert "This room is closed" in page
    assert rs.facilitator_room(store, room.secret).phase == PHASES[0].key


def test_close_room_and_start_again(make_app, store, room):
    at = open_page(make_app(room=room.secret), "workshop")
    button(at, "Close the room now").click()
    ok(at.run())
    assert not rs.facilitator_room(store, room.secret).is_open
    assert "This room is closed" in texts(at)
    assert "deleted in about 24 hours" in texts(at)
    button(at, "Start a new room").click()
    ok(at.run())
    assert "room" not in at.query_params
    assert "Create the room" in [b.label for b in at.button]


def test_show_results_only_at_threshold_and_on_demand(make_app, store, room):
    couples = [make_ready(store, i) for i in range(5)]
    for c in couples:
        rs.join_room(store, c, room.room.code)
    for c in couples[:4]:
        rs.share_with_room(store, c, {"together_alone": 1}, {"together_alone": 9},
                           ["heard"], ["calm"])
    at = open_page(make_app(room=room.secret), "workshop")
    button(at, "Show results").click()
    ok(at.run())
    page = texts(at)
    assert "Results appear once at least 5 couples have shared. 4 have so far." in page
    assert not at.get("plotly_chart")
    rs.share_with_room(store, couples[4], {"together_alone": 5}, {"together_alone": 5})
    button(at, "Back to the script").click()
    ok(at.run())
    assert not at.get("plotly_chart")  # not shown until asked
    button(at, "Show results").click()
    ok(at.run())
    page = texts(at)
    assert "New results from 5 couples" in page and "What 5 couples shared" in page
    assert at.get("plotly_chart")
    (table,) = [t for t in at.table if "Average gap" in t.value.columns]
    assert list(table.value["Couples"]) == [5]
    for c in couples:
        assert c.name_a not in page and c.name_b not in page


def test_progress_shows_counts_only(make_app, store, room):
    c = make_ready(store)
    rs.join_room(store, c, room.room.code)
    rs.mark_done(store, c, PHASES[0].key)
    at = open_page(make_app(room=room.secret), "workshop")
    values = {m.label: m.value for m in at.metric}
    assert values["Couples here"] == "1" and values["Done with this part"] == "1"
    assert c.name_a not in texts(at)


# -------------------------------------------------------------------------- couples


def test_join_with_a_good_code(make_app, store, room):
    c = make_ready(store)
    at = open_page(make_app(c=c.token), "join")
    at.text_input(key="join_code").input(room.room.code.lower().replace("-", " "))
    button(at, "Join the workshop").click()
    ok(at.run())
    assert rs.current_room(store, c).room.id == room.room.id
    page = texts(at)
    assert "Workshop · part 1 of 7" in page and PHASES[0].couple_text in page
    button(at, "We're done with this part").click()
    ok(at.run())
    assert rs.current_room(store, c).done_phases == {PHASES[0].key}
    assert "You're done with this part" in texts(at)


def test_join_with_a_bad_code_then_too_many_tries(make_app, store, room):
    c = make_ready(store)
    at = open_page(make_app(c=c.token), "join")
    at.text_input(key="join_code").input("hello")
    button(at, "Join the workshop").click()
    ok(at.run())
    assert "six letters and numbers" in texts(at)
    wrong = room.room.code[:-1] + ("A" if room.room.code[-1] != "A" else "C")
    for _ in range(5):
        at.text_input(key="join_code").input(wrong)
        button(at, "Join the workshop").click()
        ok(at.run())
        assert "We couldn't find a workshop with that code" in texts(at)
    at.text_input(key="join_code").input(room.room.code)
    button(at, "Join the workshop").click()
    ok(at.run())
    assert "Too many tries — wait" in texts(at)
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
    assert "Before you join, set up the two of you" in texts(at)
    button(at, "Set us up").click()
    ok(at.run())
    assert "Who's here?" in texts(at)
    assert at.query_params["code"] == room.room.code


def test_a_couple_not_set_up_goes_to_setup_first(make_app, store, room):
    c = store.create_couple(name_a="Kim", name_b="Lee", color_a="blue", color_b="orange",
                            symbol_a="circle", symbol_b="triangle")  # safety notes not read
    at = open_page(make_app(c=c.token, code=room.room.code), "join")
    assert "Pass the laptop to" in texts(at)
    assert at.query_params["code"] == room.room.code
    assert rs.current_room(store, c) is None
    # Once set up, any couple page offers the waiting code.
    store.update_couple(c.id, stage="ready")
    at = ok(switch_to(at, "home"))
    assert "Your workshop code is ready" in texts(at)


def test_the_banner_follows_the_room_on_couple_pages(make_app, store, room):
    c = make_ready(store)
    rs.join_room(store, c, room.room.code)
    rs.move_phase(store, room.secret, SCRIPT, 1)
    at = open_page(make_app(c=c.token), "home")
    page = texts(at)
    assert PHASES[1].couple_text in page and "Our space" in page
    assert "Open “What makes you feel safe?”" in [b.label for b in at.button]
    rs.start_timer(store, room.secret, 10)
    ok(at.run())
    assert "Time left for this part" in [m.label for m in at.metric]


def test_no_banner_for_couples_outside_a_room(make_app, store):
    c = make_ready(store)
    at = open_page(make_app(c=c.token), "home")
    assert "Workshop ·" not in texts(at)


def test_private_pages_stay_off_the_projector(make_app, store):
    c = make_ready(store)
    for page in ("safety_map", "dialogue", "data"):
        at = open_page(make_app(c=c.token, proj="1"), page)
        assert "This part stays off the big screen" in texts(at)
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
