"""Welcome: what the studio is and is not, the privacy promise, how a session goes."""

import streamlit as st

from studio.ui import context, layout
from studio.ui.partner import label

layout.where("welcome")
st.title("Side by Side")
st.write(
    f"A quiet space for the two of you, on one {context.device()}. You'll each say, "
    "privately, what "
    "helps you feel safe with each other; then you'll look at it together and practise "
    "listening in a way that helps both of you feel heard."
)

couple = context.current_couple() if context.token() else None
if st.query_params.get("bye") == "1":
    st.success(
        "Everything about the two of you has been deleted from this computer.",
        icon=":material/check_circle:",
    )
if context.token() and couple is None:
    st.warning(
        "We couldn't find that session. The link may have been deleted, or copied only in "
        "part. You can start fresh below.",
        icon=":material/search_off:",
    )
if couple is not None:
    st.success("Welcome back, " + label(couple, "a") + " and " + label(couple, "b") + ".")
    target = "setup" if couple.stage != "ready" else "home"
    if st.button("Carry on where we left off", type="primary", key="welcome_continue"):
        context.go(target)
elif st.button("Let's begin", type="primary", key="welcome_start"):
    st.switch_page(context.PAGES["setup"], query_params=context.keep_params(c=None))
st.caption("About 45 minutes together, with breaks whenever you like. Not therapy.")

st.header("What it is — and what it isn't")
st.markdown(
    "- A guide for conversations you have **together, out loud**, side by side.\n"
    "- A mirror, not a judge: it shows where you meet and where you differ, "
    "as a place to start talking. There are no scores to win.\n"
    "- **It is not therapy** and not a diagnosis. If things feel stuck or heavy, "
    "a couples therapist can help in ways a screen can't."
)
st.header("Your privacy")
st.markdown(
    "- Everything stays **on this computer**. Nothing is sent anywhere: no accounts, "
    "no tracking, no cloud.\n"
    "- While one of you answers, the other's answers are not on the screen at all.\n"
    "- You can download your answers, and **delete everything** at any time under "
    "*Your data*. Deleted means gone."
)
st.header("How a session goes")
st.markdown(
    "1. Set up: your names, a colour and a symbol each.\n"
    "2. A short private note for each of you, one at a time.\n"
    "3. *What makes you feel safe?* — each answers alone, then you look together.\n"
    "4. *Talk and listen* — one speaks, the other listens and reflects back; then you switch.\n\n"
    "Plan for about 45 minutes. You can take a break whenever you need one, and stop "
    "and come back another day: keep the page's link (bookmark it) to return."
)
