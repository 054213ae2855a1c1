"""Workshop rooms on a couple's own screen: the live room and the banner on every page.

The router calls :func:`show` above every couple page. It costs one small read when the
couple is in no room; when they are, a fragment polls every POLL_SECONDS (shared reads:
room_service.follow), so a new phase on the facilitator's screen reaches the couple
within two seconds, on any server process, and 250 couples fit on a 2-core server
(docs/PERFORMANCE.md, part 6). The time left is in whole minutes: the big screen has
the exact clock. Only the room's script text (through ``content_md``: emphasis at most)
and timer are drawn here: nothing of other couples, and nothing of this couple's answers.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING

import streamlit as st

from studio import journey, registry
from studio.registry import private_url_paths
from studio.store import Couple, Store
from studio.text import content_md, md_escape
from studio.ui import context, flash, layout

if TYPE_CHECKING:  # the room's code loads when a page first needs it, not on welcome
    from studio.room import RoomScript

# A phase change reaches a couple within POLL_SECONDS + room_service.ROOM_TTL (2 s).
POLL_SECONDS = 1.5
PENDING_CODE = "room_pending_code"  # a code from a QR link, kept while a couple sets up

# couple_view of a phase -> (page key, button label). Views without a page get no button.
VIEW_PAGES: dict[str, tuple[str, str]] = {
    "safety_map": ("safety_map", "Open “What makes you feel safe?”"),
    "reveal": ("safety_map", "Open your answers together"),
    "dialogue": ("dialogue", "Open “Talk and listen”"),
}
_PAGE_PATHS = {k.page: k.url_path for k in registry.KINDS if k.page}

# Pages that show a couple's own names, answers, notes or data: never sent to a projector.
# (Setting up is typing your names and reading a note meant for one of you alone.)
# The exercises' pages come from the registry (each kind says whether it is private).
PRIVATE_IN_PROJECTOR = frozenset({"setup", "your-data", "our-story"}) | private_url_paths()
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


_JOIN_PROBLEM = "room_join_problem"


def join(store: Store, couple: Couple) -> None:
    """ "Join the workshop" (the join page's form): the code typed in ``join_code``."""
    from studio import room_service
    from studio.room import JOIN_QUERY_PARAM

    try:
        room_service.join_room(store, couple, st.session_state.get("join_code"))
    except room_service.JoinRefused as exc:
        icon = ":material/hourglass_top:" if exc.retry_after else ":material/error:"
        flash.later(_JOIN_PROBLEM, str(exc), "error", icon=icon)
        return
    forget_code()
    st.query_params.pop(JOIN_QUERY_PARAM, None)


def join_problem() -> None:
    """Why the last "Join the workshop" didn't let the couple in, once."""
    flash.show(_JOIN_PROBLEM)


def leave_room(store: Store, couple: Couple) -> None:
    """ "Leave the workshop": what they shared leaves the next totals."""
    from studio import room_service

    room_service.leave_room(store, couple)


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
    st.button(
        "Leave projector mode",
        type="primary",
        key="room_leave_projector",
        on_click=set_projector,
        args=(False,),
    )


def projector_way_out(url_path: str) -> None:
    """In projector mode the sidebar and its switch are hidden, so every page that has no
    way out of its own gets one (the workshop page has its own; private pages are
    replaced by ``kept_off_projector``, which has one too)."""
    if url_path == "workshop" or private_page(url_path):
        return
    with st.container(key="projector_way_out", horizontal=True, horizontal_alignment="right"):
        st.button(
            "Leave projector mode",
            key="leave_projector",
            icon=":material/close:",
            on_click=set_projector,
            args=(False,),
        )


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
        _room(couple, membership.room.id, url_path, full=False)


def _code_waiting(code: str) -> None:
    with st.container(border=True, key="room_code_waiting"):
        st.markdown("**Your workshop code is ready:** " + md_escape(code))
        c1, c2 = st.columns(2)
        if c1.button(
            "Join the workshop", type="primary", key="room_join_waiting", icon=":material/login:"
        ):
            context.go("join", code=code)
        c2.button("Not now", key="room_join_not_now", on_click=forget_code)


# ------------------------------------------------------------------------- live room


def live_room(couple: Couple, room_id: int) -> None:
    """The full room view for the join page (polls like the banner)."""
    _room(couple, room_id, "join", full=True)


def _room(couple: Couple, room_id: int, url_path: str, *, full: bool) -> None:
    """The room box: a polled part (what the room does now) and, drawn with the page,
    the couple's own quick actions (a break, a facilitator), which need no polling."""
    with st.container(border=True, key="room_live_full" if full else "room_banner"):
        st.fragment(run_every=POLL_SECONDS)(_live)(couple.token, couple.id, room_id, url_path, full)
        with st.container(horizontal=True, gap="small", key=f"room_own_{full}"):
            if couple.paused_at is None:
                st.button(
                    "Take a break",
                    icon=":material/pause_circle:",
                    key=f"room_break_{full}",
                    on_click=_pause,
                    args=(couple.token,),
                    help="Stop here for a while. Everything is kept.",
                )
            _help_popover(couple, full)


def _live(token: str, couple_id: int, room_id: int, url_path: str, full: bool) -> None:
    """Polled every POLL_SECONDS: what the room does now. Shared, short-lived reads
    (room_service.follow), so 250 couples cost about four small reads a second."""
    from studio import room_service
    from studio.room import phase_index

    store = context.store()
    following = room_service.follow(store, couple_id, room_id)
    if following is None or not following.room.is_open:
        st.markdown(
            ":material/favorite: **The workshop has ended.** Thank you for taking part."
            if following is not None
            else ":material/logout: **You're no longer in this workshop.**"
        )
        return
    state = following.room
    script = room_service.script_for(context.catalog(max_age=2.0), state.script_id)
    phase = _phase(script, state.phase)
    if phase is None or script is None:
        st.write("The workshop is on. Your screen follows along when the facilitator moves on.")
        return
    n, m = phase_index(script, phase.key) + 1, len(script.phases)
    left = state.timer_left(time.time())
    clock = ""
    if left is not None:
        clock = (
            f" · :material/timer: {journey.minutes_left(left)}"
            if left > 0
            else " · **Time's up.** Finish your sentence, no rush."
        )
    if full:
        st.caption(f"Workshop · part {n} of {m}")
        st.header(content_md(phase.title), anchor=False)
        if left is not None and left > 0:
            st.markdown(
                ":material/timer: **Time left for this part:** " + journey.minutes_left(left)
            )
        elif left is not None:
            st.markdown("**Time's up for this part.** Finish your sentence, no rush.")
    else:  # one line: where the room is, the title (bold already: no emphasis inside)
        st.markdown(
            f":small[Workshop · part {n} of {m}]  \n**" + md_escape(phase.title) + "**" + clock
        )
    target = VIEW_PAGES.get(phase.couple_view)
    on_it = target is not None and _PAGE_PATHS.get(target[0]) == url_path
    # The card dealt to the room: looked up only in a cards part (a card dealt earlier
    # stays on the room's table, and every phone polls this).
    card = (
        room_service.room_card(context.catalog(max_age=2.0), state)
        if phase.couple_view == "cards"
        else None
    )
    if card is not None:
        layout.card_box(*card, key=f"room_card_{full}", size="bold")
    if full or not on_it:
        st.markdown(content_md(phase.couple_text))
    else:  # on the exercise itself: its own button stays near the top of a phone
        with st.expander("What to do in this part"):
            st.markdown(content_md(phase.couple_text))
    if following.help_place:
        with st.container(key=f"room_help_on_{full}"):
            st.markdown(
                ":material/front_hand: **You've asked for a facilitator** ("
                + md_escape(following.help_place)
                + "). They'll come to you; "
                "only they see this."
            )
            st.button(
                "We're fine now",
                key=f"room_help_cancel_{full}",
                on_click=_cancel_help,
                args=(token,),
            )
    else:
        ss = st.session_state
        if ss.pop(_HELP_ASKED, None) == room_id:  # asked, and now answered
            ss[_HELP_ANSWERED] = time.time()
        if time.time() - ss.get(_HELP_ANSWERED, 0.0) < 90:
            st.markdown(":material/directions_walk: **A facilitator is on the way.**")
    with st.container(horizontal=True, gap="small", key=f"room_actions_{full}"):
        if (
            target
            and not on_it
            and st.button(
                target[1], type="primary", key=f"room_open_{full}", icon=":material/arrow_forward:"
            )
        ):
            kind = registry.BY_PAGE[target[0]].kind
            context.go(
                target[0], exercise=None if phase.exercise in (None, kind) else phase.exercise
            )
        if phase.key in following.done_phases:
            st.markdown(
                ":material/check_circle: **You're done with this part.** Your "
                "screen moves on when the facilitator does."
            )
        else:
            st.button(
                "We're done with this part",
                key=f"room_done_{full}",
                icon=":material/check:",
                on_click=_mark_done,
                args=(token, phase.key),
            )
    if following.help_place:
        st.session_state[_HELP_ASKED] = room_id  # a later poll without it: answered


_HELP_ASKED = "room_help_asked"
_HELP_ANSWERED = "room_help_answered_at"
_PLACE_KEY = "room_help_place_{}"


def _help_popover(couple: Couple, full: bool) -> None:
    with st.popover("Ask for a facilitator", icon=":material/front_hand:", key=f"room_help_{full}"):
        st.markdown("A facilitator will come to your table. Only they see it, not the room.")
        st.text_input(
            "Your table number or a nickname",
            max_chars=40,
            key=_PLACE_KEY.format(full),
            placeholder="Table 4",
            help="So they can find you. Not your names, please.",
        )
        st.button(
            "Call a facilitator",
            type="primary",
            key=f"room_help_go_{full}",
            on_click=_ask_help,
            args=(couple.token, full),
        )
        problem = st.session_state.get(f"room_help_problem_{full}")
        if problem:
            st.error(problem, icon=":material/edit:")


def _ask_help(token: str, full: bool) -> None:
    from studio import room_service

    store = context.store()
    couple = store.couple_by_token(token)
    if couple is None:
        return
    try:
        room_service.ask_for_help(store, couple, st.session_state.get(_PLACE_KEY.format(full)))
    except room_service.RoomError as exc:
        st.session_state[f"room_help_problem_{full}"] = str(exc)
    else:
        st.session_state.pop(f"room_help_problem_{full}", None)


def _cancel_help(token: str) -> None:
    from studio import room_service

    store = context.store()
    couple = store.couple_by_token(token)
    if couple is not None:
        room_service.cancel_help(store, couple)
    st.session_state.pop(_HELP_ASKED, None)
    st.session_state.pop(_HELP_ANSWERED, None)


def _pause(token: str) -> None:
    """ "Take a break": the break begins (the page shows the break screen), and every
    hand-over screen closes, as the sidebar's button does."""
    from studio import services
    from studio.ui import curtain

    curtain.close_all()
    store = context.store()
    found = store.couple_by_token(token)
    if found is not None:
        services.pause(store, found)


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
