"""The bare page the room-following figures are compared with: a fragment that, every
second, reads a phase number from a file and draws one line, as little as following a
room can be in Streamlit. Nothing of the studio imported.
"""

import os
from pathlib import Path

import streamlit as st

PHASE_FILE = Path(os.environ.get("STUDIO_DATA_DIR", ".")) / "bare-phase.txt"


@st.fragment(run_every=1.0)
def follow() -> None:
    try:
        n = int(PHASE_FILE.read_text())
    except (OSError, ValueError):
        n = 1
    st.caption(f"Workshop · part {n} of 7")


st.title("Bare page")
follow()
