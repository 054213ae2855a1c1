"""Join a workshop: the code from the big screen, then this screen follows the room."""

import streamlit as st

from studio import room_service
from studio.room import JOIN_QUERY_PARAM
from studio.ui import context, room_banner

store = context.store()
from_link = room_banner.remember_code(st.query_params.get(JOIN_QUERY_PARAM))
waiting = room_banner.pending_code()

if not context.token():
    st.title("Join a workshop")
    st.write(
        "Before you join, set up the two of you on this device: your names, a colour and a "
        "symbol each. It takes a minute, and we'll keep your room code for you."
    )
    if st.button("Set us up", type="primary", key="join_setup", icon=":material/group:"):
        st.switch_page(context.PAGES["setup"], query_params=context.keep_params(code=waiting))
    st.stop()

couple = context.require_couple()
if couple.stage != "ready":
    context.go("setup", code=waiting)

st.title("Join a workshop")
membership = room_service.current_room(store, couple)
if membership is not None and waiting in (None, membership.room.code):
    room_banner.forget_code()
    st.query_params.pop(JOIN_QUERY_PARAM, None)
    room_banner.live_room(couple, membership.room.id)
    st.caption(
        "The room sees only how many couples joined and finished each part. Your answers "
        "stay yours unless you both choose to share totals-only figures."
    )
    with st.expander("Leave this workshop"):
        st.write(
            "You can leave at any time. Anything you shared with the room is taken "
            "out of the next totals."
        )
        st.button(
            "Leave the workshop",
            key="join_leave",
            icon=":material/logout:",
            on_click=room_banner.leave_room,
            args=(store, couple),
        )
    st.stop()

ended = room_service.current_room(store, couple, open_only=False)
if ended is not None and not ended.room.is_open and not waiting:
    st.info(
        "The workshop you joined has ended. Thank you for taking part.", icon=":material/favorite:"
    )

st.write(
    "Type the code from the big screen. Your screen will then follow the workshop: "
    "what to do now, and the time left. The room never sees your answers."
)
with st.form("join_form", border=True):
    typed = st.text_input(
        "Room code",
        value=waiting or "",
        max_chars=24,
        key="join_code",
        placeholder="From the big screen",
        help="Six letters and numbers. Case and dashes don't matter.",
    )
    submitted = st.form_submit_button(
        "Join the workshop", type="primary", on_click=room_banner.join, args=(store, couple)
    )
room_banner.join_problem()
if not submitted and from_link:
    st.caption("The code from your link is filled in. Press “Join the workshop” to go in.")
