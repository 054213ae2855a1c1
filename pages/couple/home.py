"""Our space: the exercises, what's in progress, and what you did before."""

import streamlit as st

from studio import registry
from studio.text import md_escape
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
# Every exercise file that loads, from the registry; one whose file couldn't be read is
# left out (it's listed below, by file name).
listed = registry.exercises(cat)
for n, item in enumerate(listed):
    with st.container(border=True, key=f"exercise_{item.id}"):
        st.markdown("#### " + md_escape(item.title))
        st.write(md_escape(" ".join(x for x in (item.spec.summary, item.kind.minutes) if x)))
        if item.kind.status is not None:
            st.caption(
                md_escape(item.kind.status(context.store(), couple, item.spec, context.now()))
            )
        if st.button("Open", key=f"home_{item.id}", type="primary" if n == 0 else "secondary"):
            context.go(item.kind.page, **item.params())
with st.container(border=True):
    st.markdown("#### Our story so far")
    st.write(
        "Everything you have looked at together, over time: where you have been, "
        "and a report to take home."
    )
    if st.button("Open", key="home_history"):
        context.go("history")
if not listed:
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
