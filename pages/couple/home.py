"""Our space: the exercises, what's in progress, and what you did before."""

import streamlit as st

from studio import overview
from studio.ui import context, layout
from studio.ui.partner import chips_row

couple = context.require_couple()
if couple.stage != "ready":
    context.go("setup")

layout.where("home")
st.title("Our space")
chips_row(couple)
st.caption(
    "Keep this page's link (bookmark it) to come back to your space. Anyone with the "
    "link on this computer can open it."
)

cat = context.catalog()
st.header("Exercises")
# An exercise whose file couldn't be read is left out (it's listed below, by file name).
if cat.of_kind("safety_map"):
    with st.container(border=True):
        st.markdown("#### What makes you feel safe?")
        st.write(
            "Each of you answers privately, then you look at it together: where you "
            "meet, where you differ, and how well you know each other. About 20 minutes."
        )
        st.caption(overview.safety_map_status(context.store(), couple))
        if st.button("Open", key="home_safety", type="primary"):
            context.go("safety_map")
if cat.of_kind("dialogue"):
    with st.container(border=True):
        st.markdown("#### Talk and listen")
        st.write(
            "One of you speaks about one thing; the other listens and reflects it back. "
            "Then you switch. About 20 minutes."
        )
        st.caption(overview.dialogue_status(context.store(), couple))
        if st.button("Open", key="home_dialogue"):
            context.go("dialogue")
if cat.of_kind("checkin"):
    with st.container(border=True):
        st.markdown("#### Our weekly check-in")
        st.write(
            "Thank each other, say how safe the week felt, pick one thing to talk "
            "about, and choose when to meet again. About 15 minutes."
        )
        st.caption(overview.checkin_status(context.store(), couple, context.now()))
        if st.button("Open", key="home_checkin"):
            context.go("checkin")
with st.container(border=True):
    st.markdown("#### Our story so far")
    st.write(
        "Everything you have looked at together, over time: where you have been, "
        "and a report to take home."
    )
    if st.button("Open", key="home_history"):
        context.go("history")
if not cat.of_kind("safety_map") and not cat.of_kind("dialogue"):
    st.info(
        "No exercise is ready right now. Your answers so far are kept.",
        icon=":material/hourglass_empty:",
    )

if cat.errors:
    st.header("Not available right now")
    st.warning(
        (
            "One exercise file couldn't be read, so it's left out for now."
            if len(cat.errors) == 1
            else f"{len(cat.errors)} exercise files couldn't be read, so they're left out for now."
        )
        + " The others work as usual.",
        icon=":material/description:",
    )
    for err in cat.errors:
        st.text(str(err))
