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
    """Shown instead of any couple page while the two of you are on a break. Whoever
    comes back may not be whoever left, so every open hand-over screen is closed."""
    from studio.ui import curtain

    curtain.close_all()  # however the break began (sidebar, dialogue, another tab)
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
    st.button(
        "We're ready to carry on",
        type="primary",
        key="break_resume",
        on_click=_resume,
        args=(couple.token,),
    )


def _resume(token: str) -> None:
    """End the break (a callback: one run). The hand-over comes first, whoever resumes."""
    from studio import services
    from studio.ui import curtain

    curtain.close_all()
    store = context.store()
    couple = store.couple_by_token(token)
    if couple is not None:
        services.resume(store, couple)
