"""Our weekly check-in: a short ritual for the two of you, side by side."""

import streamlit as st

from studio import checkin_service
from studio.ui import checkin_view, context

couple = context.require_couple()
if couple.stage != "ready":
    context.go("setup")
cat = context.catalog()
st.title("Our weekly check-in")
if checkin_service.find_spec(cat) is None:
    st.warning(
        "The check-in can't be opened right now because its content file has a "
        "problem. The other exercises still work.",
        icon=":material/description:",
    )
    for err in cat.errors:
        if err.path.name == "weekly_checkin.toml":
            st.text(str(err))
    st.stop()
checkin_view.page()
