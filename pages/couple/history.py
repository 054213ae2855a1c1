"""Our story so far: every round, check-in and dialogue the two of you have revealed.

Thin on purpose: ``history_view.page`` draws the intro, the kind empty state, "since
last time", the trends (each with "The chart in words") and the timeline, all from the
export (through ``studio.history``), so nothing still sealed can appear."""

import importlib.util

import streamlit as st

from studio.ui import context, history_view, takehome_view

couple = context.require_couple()
if couple.stage != "ready":
    context.go("setup")
st.title("Our story so far")
store = context.store()
story = history_view.page(store, couple)

# take-home report: studio.ui.report_view.downloads(store, couple) — added by the report work
# (It replaces the older takehome_view buttons: one "Take it home", never two. Nothing to
# take home while the story is still empty.)
if not story.empty:
    if importlib.util.find_spec("studio.ui.report_view") is not None:
        from studio.ui import report_view

        report_view.downloads(store, couple)
    else:
        takehome_view.downloads(store, couple)
