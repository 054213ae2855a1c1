"""The privacy curtain: a hand-over screen before one partner's private turn.

It only decides whether the private screen may be drawn. The caller draws that
partner's content *after* it returns True, so nothing of the turn reaches the
browser while the curtain is up. The "it's me" flag lives in this tab's session
state only: a reload brings the curtain back, which is the safe default.
"""

from __future__ import annotations

import streamlit as st

from studio.store import Couple
from studio.ui.partner import label


def _flag(key: str) -> str:
    return f"curtain_open_{key}"


def curtain(couple: Couple, partner: str, key: str, purpose: str) -> bool:
    """Show the hand-over screen for ``partner`` unless they already said it's them."""
    # The flag remembers *which* couple said "it's me": another couple's link opened in
    # this tab must not find the curtain already open.
    if st.session_state.get(_flag(key)) == couple.id:
        return True
    other = "b" if partner == "a" else "a"
    st.header("Pass the laptop to " + label(couple, partner))
    st.write(
        "The next screen is just for " + label(couple, partner) + ". "
        + label(couple, other) + ", please look away for a moment, or step out of the room. "
        "You'll get your own turn."
    )
    st.caption(purpose)
    st.button(
        "I'm " + label(couple, partner) + " — show me",
        type="primary",
        key=f"curtain_btn_{key}",
        on_click=_open,
        args=(key, couple.id),
    )
    return False


def _open(key: str, couple_id: int) -> None:
    st.session_state[_flag(key)] = couple_id


def close(key: str) -> None:
    """Drop the curtain again (after a turn ends)."""
    st.session_state.pop(_flag(key), None)
