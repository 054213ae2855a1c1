"""Workshop rooms on a couple's own screen: the live room and the banner on every page.

The router calls :func:`show` above every couple page. It costs one small read when the
couple is in no room; when they are, a fragment polls the store every second, so a new
phase on the facilitator's screen reaches the couple within about a second, on any
server process. Only the room's script text (through ``content_md``: emphasis at most)
and timer are drawn here: nothing of other couples, and nothing of this couple's answers.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING

import streamlit as st

from studio import journey
from studio.store import Couple
from studio.text import content_md, md_escape
from studio.ui import context

if TYPE_CHECKING:  # the room's code loads when a page first needs it, not on welcome
    from studio.room import RoomScript

POLL_SECONDS = 1.0
PENDING_CODE = "room_pending_code"  # a code from a QR link, kept while a couple sets up

# couple_view of a phase -> (page key, button label). Views without a page get no button.
VIEW_PAGES: dict[str, tuple[str, str]] = {
    "safety_map": ("safety_map", "Open “What makes you feel safe?”"),
    "reveal": ("safety_map", "Open your answers together"),
    "dialogue": ("dialogue", "Open “Talk and listen”"),
}
_PAGE_PATHS = {"safety_map": "safety-map", "dialogue": "dialogue"}

# Pages that show a couple's own names, answers, notes or data: never sent to a projector.
# (Setting up is typing your names and reading a note meant for one of you alone.)
PRIVATE_IN_PROJECTOR = frozenset({"setup", "safety-map", "dialogue", "your-data"})
_NO_BANNER = frozenset({"join", "workshop"})
NAV_PROJECTOR = "nav_projector"  # the key of the router's sidebar switch


# ------------------------------------------------------------------------ pending code


def remember_code(raw: object) -> str | None:
    """Keep a code from ``?code=`` for this tab (through setup); returns it normalised."""
    from studio.room import normalize_join_code

    code = normalize_join_code(raw)
    if code is not None:
        st.session_state[PENDING_CODE] = code
    return code


def pending_code() -> str | None:
    return st.session_state.get(PENDING_CODE)


def forget_code() -> None:
    st.session_state.pop(PENDING_CODE, None)


# ------------------------------------------------------------------------ the router's


def private_page(url_path: str) -> bool:
    """True for pages that must not be drawn in projector mode."""
    return url_path in PRIVATE_IN_PROJECTOR


def kept_off_projector() -> None:
    """Shown instead of a private page while projector mode is on."""
    st.title("This part stays off the big screen")
    st.write(
        "Projector mode shows only what a whole room may see. Your names, answers, notes "
        "and data are just for the two of you, so they are not sent to this screen at all."
    )
    st.button("Leave projector mode", type="primary", key="room_leave_projector",
              on_click=set_projector, args=(False,))


def projector_way_out(url_path: str) -> None:
    """In projector mode the sidebar and its switch are hidden, so every page that has no
    way out of its own gets one (the workshop page has its own; private pages are
    replaced by ``kept_off_projector``, which has one too)."""
    if url_path == "workshop" or private_page(url_path):
        return
    with st.container(key="projector_way_out", horizontal=True,
                      horizontal_alignment="right"):
        st.button("Leave projector mode", key="leave_projector", icon=":material/close:",
                  on_click=set_projector, args=(False,))


def set_projector(on: bool) -> None:
    """Turn projector mode on or off from a button's callback. The router's sidebar
    switch is told too; otherwise it would put its old value back on the next run."""
    if on:
        st.query_params[context.PROJECTOR_PARAM] = "1"
    else:
        st.query_params.pop(context.PROJECTOR_PARAM, None)
    st.session_state[NAV_PROJECTOR] = on


def show(couple: Couple | None, url_path: str) -> None:
    """The room banner above a couple page (called by the router; cheap when not in a room)."""
    if couple is None or couple.stage != "ready" or url_path in _NO_BANNER:
        return
    from studio import room_service

    store = context.store()
    membership = room_service.current_room(store, couple)
    waiting = pending_code()
    if waiting and (membership is None or membership.room.code != waiting):
        _code_waiting(waiting)
        return
    if membership is not None:
        if waiting:
            forget_code()
        st.fragment(run_every=POLL_SECONDS)(_live)(couple, url_path, False)


def _code_waiting(code: str) -> None:
    with st.container(border=True, key="room_code_waiting"):
        st.markdown("**Your workshop code is ready:** " + md_escape(code))
        c1, c2 = st.columns(2)
        if c1.button("Join the workshop", type="primary", key="room_join_waiting",
                     icon=":material/login:"):
            context.go("join", code=code)
        c2.button("Not now", key="room_join_not_now", on_click=forget_code)


# ------------------------------------------------------------------------- live room


def live_room(couple: Couple) -> None:
    """The full room view for the join page (polls like the banner)."""
    st.fragment(run_every=POLL_SECONDS)(_live)(couple, "join", True)


def _live(couple: Couple, url_path: str, full: bool) -> None:
    """Polled every second: two small reads (the couple's rooms, and that's it)."""
    from studio import room_service
    from studio.room import phase_index

    store = context.store()
    membership = room_service.current_room(store, couple)
    if membership is None:
        if full:
            st.info("The workshop has ended. Thank you for taking part.",
                    icon=":material/favorite:")
        return
    state = membership.room
    script = room_service.script_for(context.catalog(), state.script_id)
    phase = _phase(script, state.phase)
    box = st.container(border=True, key="room_live_full" if full else "room_banner")
    with box:
        if phase is None or script is None:
            st.write("The workshop is on. Your screen follows along when the facilitator "
                     "moves on.")
            return
        n, m = phase_index(script, phase.key) + 1, len(script.phases)
        st.caption(f"Workshop · part {n} of {m}")
        if full:
            st.header(content_md(phase.title), anchor=False)
        else:
            st.markdown("**" + md_escape(phase.title) + "**")  # bold already: no emphasis
        st.markdown(content_md(phase.couple_text))
        left = state.timer_left(time.time())
        if left is not None:
            if left > 0:
                st.metric("Time left for this part", journey.clock(left))
            else:
                st.markdown("**Time's up for this part.** Finish your sentence, no rush.")
        cols = st.columns(2)
        target = VIEW_PAGES.get(phase.couple_view)
        with cols[0]:
            if target and _PAGE_PATHS.get(target[0]) != url_path and st.button(
                target[1], type="primary", key=f"room_open_{full}", icon=":material/arrow_forward:"
            ):
                context.go(target[0])
        with cols[1]:
            if phase.key in membership.done_phases:
                st.markdown(":material/check_circle: **You're done with this part.**")
                st.caption("Take your time. Your screen moves on when the facilitator does.")
            else:
                st.button("We're done with this part", key=f"room_done_{full}",
                          icon=":material/check:", on_click=_mark_done,
                          args=(couple.token, phase.key))


def _mark_done(token: str, phase: str) -> None:
    from studio import room_service

    store = context.store()
    couple = store.couple_by_token(token)
    if couple is not None:
        with contextlib.suppress(room_service.RoomError):  # closed meanwhile: the poll says so
            room_service.mark_done(store, couple, phase)


def _phase(script: RoomScript | None, key: str):
    if script is None:
        return None
    try:
        return script.phase(key)
    except KeyError:
        return None
