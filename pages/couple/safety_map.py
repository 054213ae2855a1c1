"""A scales-and-reveal exercise ("What makes you feel safe?", "When we disagree", …):
private turns, a shared reveal, and earlier rounds. Which file: ``?exercise=…``."""

import streamlit as st

from studio.ui import context, layout, safety_view

couple = context.require_couple()
if couple.stage != "ready":
    context.go("setup")
spec = safety_view.chosen()
if spec is None:
    layout.where("answers")
    layout.unavailable("safety_map", context.exercise_id())
    st.stop()
if context.catalog().get("themes") is None:
    st.caption("The themes list couldn't be read, so themes aren't shown this time.")

safety_view.page(spec.id)
