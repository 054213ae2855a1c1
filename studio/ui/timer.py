"""The dialogue's clocks: the step timer, and the turns in words.

Both are computed from the stored dialogue state (start times, banked seconds) and
the wall clock on every draw — never from a counter kept in memory — so a reload, a
second tab or a second server shows the same thing. While a step is running the
block redraws itself once a second with ``st.fragment(run_every=1)``.

The turns are sentences (``studio.dialogue.turn_sentences``), never bars: who has had
a turn sharing, whose turn comes next, and about how long each one spoke as the one
sharing. Nobody is ahead.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from studio.dialogue import (
    COUNTED_PHASES,
    DialogueSpec,
    DialogueState,
    remaining_seconds,
    turn_sentences,
)
from studio.journey import clock
from studio.store import Couple
from studio.ui.partner import label


def _turns(couple: Couple, state: DialogueState, now: float) -> None:
    """Whose turn it is, in words; how long each spoke, quieter below."""
    names = {p: label(couple, p) for p in ("a", "b")}  # markdown-safe
    first, *rest = turn_sentences(state, now, names)
    st.markdown(first)
    if rest:
        st.caption(" ".join(rest))


def _draw(spec: DialogueSpec, state_data: dict[str, Any], couple: Couple) -> None:
    state = DialogueState.from_dict(state_data)
    now = time.time()
    left = remaining_seconds(spec, state, now)
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
        _turns(couple, state, now)


def clocks(spec: DialogueSpec, state: DialogueState, couple: Couple) -> None:
    """The step timer and the turns, ticking once a second while a step runs."""
    ticking = state.phase in COUNTED_PHASES and not state.paused
    block = st.fragment(run_every=1.0 if ticking else None)(_draw)
    with st.container(border=True, key="dlg_clocks"):
        block(spec, state.to_dict(), couple)


def talk_time(state: DialogueState, couple: Couple) -> None:
    """The turns alone (switch screen, results): no ticking needed there."""
    with st.container(border=True, key="dlg_turns"):
        st.caption("Your turns")
        _turns(couple, state, time.time())
