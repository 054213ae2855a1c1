"""Our story so far: every round, check-in and dialogue the two of you have revealed."""

import streamlit as st

from studio.ui import context, story_view

couple = context.require_couple()
if couple.stage != "ready":
    context.go("setup")
st.title("Our story so far")
story_view.page(context.store(), couple)
