"""Talk and listen: the guided Imago-style dialogue, sender and receiver side by side."""

import streamlit as st

from studio import dialogue_service as svc
from studio.ui import context, dialogue_view, layout

couple = context.require_couple()
if couple.stage != "ready":
    context.go("setup")

store = context.store()
spec = dialogue_view.spec_or_stop()
dialogue_view.style()

try:
    run = svc.latest(store, couple)
except svc.StateError:
    run = None
    st.warning(
        "We couldn't read your last dialogue, so we set it aside. You can start a new one; "
        "nothing else is affected.",
        icon=":material/info:",
    )

screen = svc.screen(run)
if screen == "dialogue" and run is not None:
    layout.where("dialogue")
    dialogue_view.dialogue_screen(store, couple, spec, run)
elif screen == "after" and run is not None:
    layout.where("after")
    dialogue_view.after_screen(store, couple, spec, run)
else:
    layout.where("dialogue")
    dialogue_view.start_screen(store, couple, spec, run)
