"""Conversation cards: one card at a time, side by side. Which deck: ``?exercise=…``."""

import streamlit as st

from studio.ui import cards_view, context, layout

couple = context.require_couple()
if couple.stage != "ready":
    context.go("setup")
spec = cards_view.chosen()
if spec is None:
    layout.unavailable("cards", context.exercise_id())
    st.stop()
cards_view.page(spec.id)
