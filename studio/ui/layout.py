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


def unavailable(page: str, exercise_id: str | None) -> None:
    """A kind's page when the exercise it was opened for can't be used: its file has a
    problem (named, with the field), or no file of that name is installed."""
    from studio import registry
    from studio.text import md_escape

    kind = registry.BY_PAGE[page]
    wanted = exercise_id or kind.kind
    cat = context.catalog()
    broken = [e for e in cat.errors if e.path.stem == wanted]
    st.title(md_escape(kind.title) if exercise_id is None else "This exercise isn't here")
    if broken or exercise_id is None:
        st.warning(
            "This exercise can't be opened right now because its content file has a "
            "problem. The other exercises still work.",
            icon=":material/description:",
        )
        for err in broken:
            st.text(str(err))
    else:
        st.info(
            "We couldn't find this exercise. Perhaps its file was taken out of the studio, "
            "or the link was copied only in part. Everything you saved is kept.",
            icon=":material/search_off:",
        )
    st.page_link(
        context.PAGES["home"],
        label="Back to Our space",
        icon=":material/favorite:",
        query_params=context.keep_params(),
    )


def card_box(
    category: str, text: str, follow_up: str, *, key: str, size: str = "subheader"
) -> None:
    """One conversation card, as every screen draws it: its theme, the question, and its
    follow-up. ``size``: "header" (the room screen), "subheader" (the couple's deck) or
    "bold" (one line in a phone's workshop banner). Content text, shown as text."""
    from studio.text import md_escape

    with st.container(border=True, key=key):
        if category:
            st.caption(md_escape(category))
        if size == "header":
            st.header(md_escape(text), anchor=False)
        elif size == "subheader":
            st.subheader(md_escape(text), anchor=False)
        else:
            st.markdown("**" + md_escape(text) + "**")
        if follow_up:
            st.markdown("*And then:* " + md_escape(follow_up))
