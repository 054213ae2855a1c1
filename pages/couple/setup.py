"""Couple setup: two names, a colour and a symbol each, then a private note for each."""

import streamlit as st

from studio import couple as partners
from studio.ui import context, curtain, layout, room_banner
from studio.ui.partner import chips_row, label

store = context.store()
couple = context.current_couple() if context.token() else None

if context.token() and couple is None:
    context.require_couple()  # shows "we couldn't find that session" and stops


def _create() -> None:
    """ "That's us" (a form callback: the couple exists before the page draws again)."""
    ss = st.session_state
    problems = []
    names = {}
    for p in ("a", "b"):
        try:
            names[p] = partners.clean_name(ss.get(f"name_{p}"), p)
        except partners.NameProblem as exc:
            problems.append(f"{'First' if p == 'a' else 'Second'} name: {exc}")
    if ss.get("color_a") == ss.get("color_b") and ss.get("symbol_a") == ss.get("symbol_b"):
        problems.append("Please pick a different colour or symbol for each of you.")
    if problems:
        ss["setup_problems"] = problems
        return
    new = store.create_couple(
        name_a=names["a"],
        name_b=names["b"],
        color_a=ss["color_a"],
        color_b=ss["color_b"],
        symbol_a=ss["symbol_a"],
        symbol_b=ss["symbol_b"],
    )
    st.query_params[context.COUPLE_PARAM] = new.token


if couple is None:
    layout.where("setup")
    st.title("Who's here?")
    st.write(
        "Your first names, or any names you like. Pick a colour and a symbol each: "
        "the symbol means you can always tell who is who, even without colour."
    )
    sw_keys = [s.key for s in partners.PALETTE]
    sy_keys = [s.key for s in partners.SYMBOLS]
    with st.form("setup_names", border=True):
        cols = st.columns(2)
        for col, p, default_name in zip(cols, ("a", "b"), ("Partner A", "Partner B"), strict=True):
            dcol, dsym = partners.DEFAULTS[p]
            with col:
                st.markdown("**" + default_name + "**")
                which = "the first" if p == "a" else "the second"
                st.text_input(
                    "Name of " + which + " partner",
                    key=f"name_{p}",
                    placeholder=default_name,
                    help="Leave empty to use " + default_name + ".",
                )
                st.selectbox(
                    "Colour for " + default_name,
                    sw_keys,
                    index=sw_keys.index(dcol),
                    key=f"color_{p}",
                    format_func=lambda k: partners.swatch(k).label,
                )
                st.selectbox(
                    "Symbol for " + default_name,
                    sy_keys,
                    index=sy_keys.index(dsym),
                    key=f"symbol_{p}",
                    format_func=lambda k: partners.symbol(k).glyph + " " + partners.symbol(k).label,
                )
        st.form_submit_button("That's us", type="primary", on_click=_create)
    for msg in st.session_state.pop("setup_problems", []):
        st.error(msg, icon=":material/edit:")
    st.stop()


def _safe_to_go_on(couple_id: int, p: str) -> None:
    curtain.close(f"setup_safety_{p}")
    store.update_couple(couple_id, stage="safety_b" if p == "a" else "ready")
    if p == "b" and room_banner.pending_code() is None:
        # Straight on to the first exercise: its first screen is the hand-over to A.
        # (A couple joining a workshop stays here: the page offers their room's code.)
        st.session_state["setup_go_first"] = True


if couple.stage == "ready" and st.session_state.pop("setup_go_first", False):
    context.go("safety_map")


if couple.stage in ("safety_a", "safety_b"):
    p = couple.stage[-1]
    layout.where("safety_notes")
    if curtain.curtain(
        couple,
        p,
        key=f"setup_safety_{p}",
        purpose="A short note that each of you reads alone.",
        offer_pin=False,
    ):
        st.title("Just for you, " + label(couple, p))
        st.write(
            "These exercises are made for couples where **both of you feel safe with each "
            "other** — where you can disagree without being afraid."
        )
        st.write(
            "If you are afraid of your partner — of their anger, of being hurt, of what "
            "happens if you say no — please stop here. That isn't something a conversation "
            "exercise can fix, and it isn't your fault. The help page works offline and "
            "nothing on it is recorded."
        )
        st.caption("Nothing you choose about this note is saved.")
        c1, c2 = st.columns(2)
        with c1:
            st.button(
                "I feel safe to go on",
                type="primary",
                key=f"safety_ok_{p}",
                on_click=_safe_to_go_on,
                args=(couple.id, p),
            )
        with c2:
            if st.button("Show me help and resources", key=f"safety_help_{p}"):
                context.go("resources")
        st.page_link(
            context.PAGES["welcome"],
            label="Leave quietly (back to the start page)",
            icon=":material/logout:",
        )
        # Their first private screen: a PIN, if they like (never required).
        curtain.pin_offer(couple, p, key=f"setup_safety_{p}")
    st.stop()

# Set up and ready.
layout.where("safety_notes")
st.title("You're all set")
chips_row(couple)
st.write(
    "Keep this page's link (bookmark it) to come back to your space. Anyone with the "
    "link on this computer can open it."
)
if st.button("Go to our space", type="primary", key="setup_done"):
    context.go("home")
st.caption("Not " + label(couple, "a") + " and " + label(couple, "b") + "?")
if st.button("Set up someone new", key="setup_new"):
    st.switch_page(context.PAGES["setup"], query_params=context.keep_params(c=None))
