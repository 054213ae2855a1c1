"""Our story so far: every round, check-in and dialogue the two of you have revealed.

Thin on purpose: ``story_view.page`` draws the intro, the kind empty state, "since last
time", the trends (each with "The chart in words") and the timeline, all from the export
(through ``studio.history`` / ``studio.story``), so nothing still sealed can appear."""

import importlib.util

import streamlit as st

from studio.ui import context, story_view

couple = context.require_couple()
if couple.stage != "ready":
    context.go("setup")
st.title("Our story so far")
story_view.page(context.store(), couple)

# take-home report: studio.ui.report_view.downloads(store, couple) — added by the report work
# (story_view.page already ends with takehome_view.downloads: when report_view lands,
# keep one of the two, or the page shows both sets of buttons.)
if importlib.util.find_spec("studio.ui.report_view") is not None:
    from studio.ui import report_view

    report_view.downloads(context.store(), couple)
