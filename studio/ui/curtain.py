"""The privacy curtain: a hand-over screen before one partner's private turn.

It only decides whether the private screen may be drawn. The caller draws that
partner's content *after* it returns True, so nothing of the turn reaches the
browser while the curtain is up. The "it's me" flag lives in this tab's session
state only: a reload or a new tab brings the curtain back, which is the safe default.

Whenever the laptop may have changed hands, every open curtain is dropped
(``close_all``): when a break starts, while the break screen is up, when it ends,
and when this tab moves to another page (the router calls ``page_changed``).
"""

from __future__ import annotations

import streamlit as st

from studio.store import Couple
from studio.ui.partner import label

_PREFIX = "curtain_open_"
_LAST_PAGE = "curtain_last_page"


def _flag(key: str) -> str:
    return _PREFIX + key


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


def close_all() -> None:
    """Drop every open curtain of this tab: the next private turn starts at the hand-over."""
    for flag in [k for k in st.session_state if isinstance(k, str) and k.startswith(_PREFIX)]:
        del st.session_state[flag]


def page_changed(url_path: str) -> None:
    """Called by the router on every full run: leaving a page closes its curtains."""
    if st.session_state.get(_LAST_PAGE) != url_path:
        close_all()
        st.session_state[_LAST_PAGE] = url_path
