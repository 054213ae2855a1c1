"""What makes you feel safe? Private turns, a shared reveal, and earlier rounds."""

import streamlit as st

from studio.ui import context, layout, safety_view

couple = context.require_couple()
if couple.stage != "ready":
    context.go("setup")
cat = context.catalog()
spec = cat.get("safety_map")
lexicon = cat.get("themes")

if spec is None:
    layout.where("answers")
    st.title("What makes you feel safe?")
    st.warning(
        "This exercise can't be opened right now because its content file has a "
        "problem. The other exercises still work.",
        icon=":material/description:",
    )
    for err in cat.errors:
        if err.path.name in ("safety_map.toml",):
            st.text(str(err))
    st.stop()
if lexicon is None:
    st.caption("The themes list couldn't be read, so themes aren't shown this time.")

safety_view.page()
