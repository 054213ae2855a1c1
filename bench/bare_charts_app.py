"""A reference for the reveal: a bare page that draws the reveal's five charts.

Nothing of the studio is imported: the benchmark writes the five figures (built by
``studio.charts`` for a revealed couple) as JSON into this server's data folder, and a
button shows or hides them, with the reveal's own chart settings. The figures are built
once (cached), so a press costs only what Streamlit needs to draw them. Comparing the reveal
with this page tells what drawing the charts costs on its own in the browser.
"""

import os
from pathlib import Path

import plotly.io as pio
import streamlit as st

FIGURES = Path(os.environ["STUDIO_DATA_DIR"]) / "figures"
CONFIG = {"displayModeBar": False, "responsive": True}  # as studio/ui/safety_view.py


@st.cache_resource
def figures(folder: str) -> list:
    """Built once: a press costs only what drawing them costs."""
    return [pio.from_json(p.read_text()) for p in sorted(Path(folder).glob("*.json"))]


st.title("Bare page")
if st.button("Press me", key="bare_button"):
    st.session_state["show"] = not st.session_state.get("show", False)
if st.session_state.get("show"):
    for i, fig in enumerate(figures(str(FIGURES))):
        st.plotly_chart(fig, theme=None, config=CONFIG, key=f"chart_{i}")
