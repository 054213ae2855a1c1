"""The hand-over screen comes back whenever the laptop may have changed hands: after a
break (whoever started it, however it ended), and after leaving the page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.conftest import switch_to
from tests.app.helpers import everything, keys, ok

MARK_A = "marker-a-curtain-5521 quiet mornings"


def behind_the_curtain(at: AppTest) -> None:
    """The hand-over is on screen, and nothing of the private turn."""
    assert keys(at, "curtain_btn"), [b.key for b in at.button]
    assert any(h.value.startswith("Pass the laptop to") for h in at.header)
    assert not keys(at, "sm_next_") and not at.text_area
    assert MARK_A.split()[0] not in everything(at)


def a_turn_under_way(make_app, couple) -> AppTest:
    """A opened the curtain on the safety map and saved their own words."""
    at = ok(switch_to(make_app(c=couple.token).run(), "safety_map"))
    if keys(at, "sm_start"):  # a "let's start" screen, if the page has one
        ok(at.button(key="sm_start").click().run())
    ok(at.button(key=keys(at, "curtain_btn")[0]).click().run())
    at.text_area[0].input(MARK_A)
    ok(at.button(key=keys(at, "sm_next_")[0]).click().run())
    assert keys(at, "sm_next_")  # A is on their next part
    return at


def test_after_a_break_the_hand_over_comes_back(make_app, ready_couple):
    at = a_turn_under_way(make_app, ready_couple)
    ok(at.button(key="nav_pause").click().run())
    assert any(t.value == "Taking a break" for t in at.title)
    assert MARK_A.split()[0] not in everything(at)
    ok(at.button(key="break_resume").click().run())
    behind_the_curtain(at)
    # A says it's them again and is back where they were.
    ok(at.button(key=keys(at, "curtain_btn")[0]).click().run())
    assert keys(at, "sm_next_")


def test_a_break_taken_elsewhere_closes_the_curtain_too(make_app, store, ready_couple):
    """A break started from another tab (or another page's button) is seen on the next
    run: the break screen drops every open curtain."""
    from studio import services

    at = a_turn_under_way(make_app, ready_couple)
    services.pause(store, ready_couple)
    ok(at.run())
    assert any(t.value == "Taking a break" for t in at.title)
    services.resume(store, store.couple_by_token(ready_couple.token))
    ok(at.run())
    behind_the_curtain(at)


def test_after_another_page_the_hand_over_comes_back(make_app, ready_couple):
    at = a_turn_under_way(make_app, ready_couple)
    ok(switch_to(at, "resources"))
    ok(switch_to(at, "safety_map"))
    behind_the_curtain(at)


def test_the_curtain_stays_open_while_the_turn_goes_on(make_app, ready_couple):
    """Moving through one's own turn on the same page keeps the curtain open."""
    at = a_turn_under_way(make_app, ready_couple)
    ok(at.run())
    assert keys(at, "sm_next_") and not keys(at, "curtain_btn")
