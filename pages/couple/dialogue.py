"""Talk and listen: the guided Imago-style dialogue, sender and receiver side by side."""

from studio.ui import context, dialogue_view

couple = context.require_couple()
if couple.stage != "ready":
    context.go("setup")

dialogue_view.spec_or_stop()
dialogue_view.style()
dialogue_view.page()
