"""Help and resources: a quick way out, emergency numbers, helplines by country, and where
to find a therapist. Offline text only: nothing is fetched, nothing links out, nothing is
recorded (the country a partner picks is kept for this browser tab only)."""

import streamlit as st

from studio import helplines
from studio.text import md_escape
from studio.ui import context, curtain

COUNTRY = "help_country"  # this tab's choice, kept across pages (never stored)
ELSEWHERE = "elsewhere"


def _leave() -> None:
    """The quick way out: forget this tab's choices; the page then switches away."""
    curtain.close_all()
    st.session_state.pop(COUNTRY, None)


def _remember_country() -> None:
    st.session_state[COUNTRY] = st.session_state["help_country_pick"]


def _line(line: helplines.Helpline) -> None:
    """One helpline: who they are and how to reach them, as text (never a link)."""
    st.markdown("**" + md_escape(line.organisation) + "**")
    reach = [
        f"Phone {line.phone}" if line.phone else None,
        line.text,
        line.web and f"Web {line.web}",
    ]
    st.markdown(md_escape(" · ".join(r for r in reach if r)))
    st.caption(md_escape(line.about))


with st.container(key="help_quick_exit", horizontal=True, vertical_alignment="center"):
    if st.button(
        "Leave this page now",
        key="help_leave",
        type="primary",
        icon=":material/exit_to_app:",
        on_click=_leave,
    ):
        st.switch_page(context.PAGES["welcome"], query_params={})
    st.caption(
        "Goes straight to the start page and takes your link out of the address "
        "bar. Your browser's history still has it; a private window keeps none."
    )

st.title("Help and resources")
st.write("Everything on this page works without the internet. Nothing here is recorded.")

try:
    book: helplines.Helplines | None = helplines.load()
except ValueError:
    book = None  # the general advice below still stands

st.header("If you are in danger right now")
st.write(
    "Call your local emergency number: 112 across Europe, 911 in the US and Canada, "
    "999 in the UK, 000 in Australia. If it isn't safe to talk, many emergency services "
    "accept text messages: ask them, or check when you can."
)

st.header("If you are afraid of your partner")
st.write(
    "Being afraid of your partner — of their anger, of being hurt, of what happens if you "
    "say no — is not a communication problem, and it is not your fault. Exercises for "
    "couples are not the right tool when one partner controls or frightens the other; "
    "they can even make things harder afterwards."
)
st.markdown(
    "- A **domestic-violence helpline** listens in confidence and helps you plan. The "
    "call is free in most countries.\n"
    "- Signs to take seriously: being watched or checked on, money or phone controlled, "
    "being cut off from friends or family, threats, being pushed, hit or forced.\n"
    "- If someone might check this computer, use *Your data → Forget us* to delete "
    "everything here."
)

st.subheader("A helpline near you")
keys = [c.key for c in book.countries] + [ELSEWHERE] if book else [ELSEWHERE]
names = {c.key: c.name for c in book.countries} if book else {}
names[ELSEWHERE] = "Somewhere else"
chosen = st.session_state.get(COUNTRY)
st.selectbox(
    "Where are you?",
    keys,
    index=keys.index(chosen) if chosen in keys else None,
    format_func=names.__getitem__,
    placeholder="Choose a country",
    key="help_country_pick",
    on_change=_remember_country,
    help="Kept only in this browser tab, never saved.",
)
country = book.country(chosen) if book else None
if country is not None:
    with st.container(border=True, key="help_lines"):
        st.markdown(md_escape(f"Emergency: {country.emergency}"))
        for line in country.lines:
            _line(line)
        if country.note:
            st.caption(md_escape(country.note))
if chosen is not None:
    st.write(
        ("Somewhere else? " if country is not None else "")
        + "Search for “domestic violence helpline” and your country when it is safe to, "
        "or ask your doctor, a pharmacist or the police on their non-emergency number."
    )

st.header("Finding a therapist")
st.write(
    "A licensed couples or family therapist can help with patterns that keep repeating. "
    "Look for a registered professional (psychologist, marriage and family therapist, "
    "counsellor) through your doctor, your health insurance, or your country's "
    "professional register. Many also work online."
)
st.header("When things get heated")
st.write(
    "If your heart is racing or you can't take in what the other says, stop for at least "
    "twenty minutes. Do something soothing, try not to rehearse the argument, and agree "
    "when you'll come back to it."
)
if book is not None:
    with st.expander("Where these numbers come from"):
        st.markdown(
            md_escape(
                "Each one was checked on the organisation's own page (or its funder's) on the "
                "date shown. Numbers change: if one doesn't work, search for the organisation."
            )
        )
        for c in book.countries:
            for line in c.lines:
                st.caption(
                    md_escape(
                        f"{c.name} · {line.organisation} · {line.source_by} · "
                        f"checked {line.checked:%d %B %Y} · " + " ; ".join(line.sources)
                    )
                )
# On a projector the couple's link stays off the big screen (even in a link's address).
st.page_link(
    context.PAGES["welcome"],
    label="Back to the studio",
    icon=":material/arrow_back:",
    query_params=context.keep_params(c=None) if context.projector() else context.keep_params(),
)
