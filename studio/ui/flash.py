"""One kind message left by a press for the next draw of one spot on the page.

A callback runs before the page is drawn again, so what it has to say (a stale screen,
a PIN that wasn't right, a room that closed) is kept here under the spot's name and
shown once, where the press was, on the next draw. Messages are our own sentences;
they never hold a partner's answer.
"""

from __future__ import annotations

from typing import Literal

import streamlit as st

Kind = Literal["info", "warning", "error"]
_PREFIX = "sbs_flash_"
_ICONS = {"info": ":material/info:", "warning": ":material/info:", "error": ":material/error:"}


def later(spot: str, text: str, kind: Kind = "warning", icon: str | None = None) -> None:
    """Say ``text`` at ``spot`` on the next draw (a later message replaces it)."""
    st.session_state[_PREFIX + spot] = (kind, text, icon)


def forget(spot: str) -> None:
    """Drop what waits for ``spot`` (its screen is no longer the one to show it)."""
    st.session_state.pop(_PREFIX + spot, None)


def show(spot: str, icon: str | None = None) -> None:
    """Draw what waits for ``spot``, once; nothing when nothing does."""
    kind, text, left_icon = st.session_state.pop(_PREFIX + spot, (None, None, None))
    if not text:
        return
    draw = {"info": st.info, "warning": st.warning, "error": st.error}.get(kind, st.warning)
    draw(text, icon=icon or left_icon or _ICONS.get(kind, ":material/info:"))
