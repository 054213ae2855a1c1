"""Screen pieces every couple page shares: the "where are we" line, the break screen."""

from __future__ import annotations

import time

import streamlit as st

from studio import journey
from studio.store import Couple
from studio.ui import context


def where(key: str) -> None:
    """The 'step n of m' indicator at the top of a couple page."""
    st.caption(journey.where(key).sentence())


def _countdown(paused_at: float) -> None:
    left = journey.break_remaining(paused_at, time.time())
    if left > 0:
        st.metric("Time for your break", journey.clock(left))
    else:
        st.metric("Time for your break", "Done")
        st.write("Twenty minutes have passed. Come back when you both feel ready.")


def break_screen(couple: Couple) -> None:
    """Shown instead of any couple page while the two of you are on a break."""
    st.title("Taking a break")
    st.write(
        "Good call. When feelings run high it's hard to listen well, for anyone. "
        "A break of about twenty minutes gives your body time to settle. "
        "Nothing is lost: when you're back, you'll pick up exactly where you left off."
    )
    st.fragment(run_every=1.0)(_countdown)(couple.paused_at or time.time())
    st.header("While you wait, you could")
    for idea in journey.BREAK_IDEAS:
        st.markdown(f"- {idea}")
    st.write(
        "If the break tells you that today isn't the day, that's fine too. "
        "Agree when you'll come back, ideally within a day."
    )
    if st.button("We're ready to carry on", type="primary", key="break_resume"):
        from studio import services

        services.resume(context.store(), couple)
        st.rerun()
