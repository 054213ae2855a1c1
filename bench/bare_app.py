"""The bare page every figure is compared with: a slider, a button and a line of text.

Same Streamlit, same config (.streamlit/config.toml), nothing of the studio imported.
"""

import streamlit as st

st.title("Bare page")
value = st.slider("A number", 0, 10, 5, key="bare_slider")
if st.button("Press me", key="bare_button"):
    st.session_state["presses"] = st.session_state.get("presses", 0) + 1
st.text(f"Value {value}, pressed {st.session_state.get('presses', 0)} times")
