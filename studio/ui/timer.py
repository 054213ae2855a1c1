"""The dialogue's clocks: the step timer and the equal-time view.

Both are computed from the stored dialogue state (start times, banked seconds) and
the wall clock on every draw — never from a counter kept in memory — so a reload, a
second tab or a second server shows the same numbers. While a step is running the
block redraws itself once a second with ``st.fragment(run_every=1)``.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from studio.dialogue import (
    COUNTED_PHASES,
    DialogueSpec,
    DialogueState,
    equal_time,
    remaining_seconds,
)
from studio.journey import clock
from studio.store import Couple
from studio.ui.partner import label


def _equal_time(couple: Couple, seconds: dict[str, float]) -> None:
    st.markdown("**Time as the one who talks**")
    top = max(60.0, seconds["a"], seconds["b"])
    for p in ("a", "b"):
        st.progress(
            min(1.0, seconds[p] / top),
            text=label(couple, p) + " · " + clock(seconds[p]),
        )
    st.caption("So that both of you get about the same room to speak.")


def _draw(spec: DialogueSpec, state_data: dict[str, Any], couple: Couple) -> None:
    state = DialogueState.from_dict(state_data)
    now = time.time()
    left = remaining_seconds(spec, state, now)
    seconds = equal_time(state, now)
    c1, c2 = st.columns([2, 3], gap="large")
    with c1:
        if left is None:
            st.metric("Time for this step", "—")
            st.caption("No clock for a quick check. Take the moment you need.")
        else:
            st.metric("Time for this step", clock(left))
            if state.paused:
                st.caption("The clock is resting while you take a pause.")
            elif left <= 0:
                st.caption("The guide time is up. Finish your thought — there's no rush.")
            else:
                st.caption("A gentle guide, never a limit.")
    with c2:
        _equal_time(couple, seconds)


def clocks(spec: DialogueSpec, state: DialogueState, couple: Couple) -> None:
    """The step timer and equal time, ticking once a second while a step runs."""
    ticking = state.phase in COUNTED_PHASES and not state.paused
    block = st.fragment(run_every=1.0 if ticking else None)(_draw)
    with st.container(border=True, key="dlg_clocks"):
        block(spec, state.to_dict(), couple)


def talk_time(state: DialogueState, couple: Couple) -> None:
    """Equal time alone (switch screen, results): no ticking needed there."""
    seconds = equal_time(state, time.time())
    if seconds["a"] or seconds["b"]:
        with st.container(border=True):
            _equal_time(couple, seconds)
