"""Conversation cards on the couple's screen: one card at a time, side by side.

Nothing here decides anything: the pile, the turn and what may be written come from
``studio.cards`` through ``studio.cards_service``. A guess-first card's words are only
read once both are in; each partner writes behind the hand-over curtain.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from studio import cards as core
from studio import cards_service as svc
from studio.cards import DeckError, DeckSpec
from studio.store import Couple, Store
from studio.text import content_md, md_escape
from studio.ui import context, curtain, flash, layout
from studio.ui.partner import label

_SPOT = "cards_problem"


def chosen() -> DeckSpec | None:
    """The deck this page was opened for (``?exercise=``), or None."""
    from studio import registry

    spec = registry.find(context.catalog(), "cards", context.exercise_id())
    return spec if isinstance(spec, DeckSpec) else None


def _press(fn: Callable[..., object], *args: object, **kwargs: object) -> None:
    """A service call as a callback; a move that no longer fits becomes a kind message."""
    try:
        fn(*args, **kwargs)
    except DeckError as exc:
        flash.later(_SPOT, str(exc), kind="info")


def _settings(store: Store, spec: DeckSpec, run: svc.Run) -> None:
    state = run.state
    # Keyed by the settings themselves: another tab's change draws them afresh, while a
    # press elsewhere on the page (a card, a favourite) leaves them, and the focus, alone.
    mark = "_".join((*state.categories, "g" if state.guess_first else "n"))
    key_c, key_g = f"cards_cats_{run.id}_{mark}", f"cards_guess_{run.id}_{mark}"
    titles = {c.key: c.title for c in spec.categories}

    def changed() -> None:
        picked = list(st.session_state.get(key_c) or [])
        _press(
            svc.choose,
            store,
            spec,
            run,
            picked,
            bool(st.session_state.get(key_g)),
            expect=run.version,
        )

    with st.expander("How you'd like to play", expanded=state.deals == 0):
        st.pills(
            "Draw from",
            options=list(titles),
            format_func=lambda k: titles[k],
            selection_mode="multi",
            default=list(state.categories) or list(titles),
            key=key_c,
            on_change=changed,
            help="Leave them all on to draw from the whole deck.",
        )
        st.toggle(
            "Guess first",
            value=state.guess_first,
            key=key_g,
            on_change=changed,
            help=(
                "Before one of you answers, the other writes down a guess, privately. "
                "Then you see both together."
            ),
        )


def _card(spec: DeckSpec, couple: Couple, run: svc.Run) -> None:
    state = run.state
    card = core.current(spec, state)
    if card is None:
        return
    cat = spec.category(card.category)
    layout.card_box(cat.title if cat else "", card.text, card.follow_up, key="cards_card")
    st.markdown(
        ":material/record_voice_over: **" + label(couple, state.turn) + " answers this one.**"
    )


def _buttons(store: Store, spec: DeckSpec, run: svc.Run, *, first: bool = False) -> None:
    state = run.state
    with st.container(horizontal=True, gap="small"):
        st.button(
            "Draw the first card" if first else "Next card",
            type="primary",
            key=f"cards_next_{run.id}",
            icon=":material/style:",
            on_click=_press,
            args=(svc.deal, store, spec, run),
            kwargs={"expect": run.version},
        )
        if state.card is None:
            return
        kept = state.card in state.favourites
        st.button(
            "Kept as a favourite" if kept else "Keep as a favourite",
            key=f"cards_fav_{run.id}",
            icon=":material/favorite:" if kept else ":material/favorite_border:",
            help="Press again to take it off your favourites." if kept else None,
            on_click=_press,
            args=(svc.favourite, store, run, state.card),
            kwargs={"expect": run.version},
        )
        if state.step in ("table", "together"):
            st.button(
                "Put it back for later",
                key=f"cards_back_{run.id}",
                icon=":material/undo:",
                help="It goes to the bottom of the pile and comes round again later.",
                on_click=_press,
                args=(svc.put_back, store, spec, run),
                kwargs={"expect": run.version},
            )


def _write(store: Store, couple: Couple, run: svc.Run) -> bool:
    """A guess-first card: whoever writes now does so behind the curtain. True when the
    card's own buttons may be drawn below (nobody is writing)."""
    state = run.state
    who = core.writing(state)
    if who is None:
        return True
    guessing = state.step == "guess"
    answerer = state.turn
    purpose = (
        "Your guess stays hidden until you've both written yours."
        if guessing
        else "Your answer stays hidden until you see both together."
    )
    ckey = f"cards_{run.id}_{state.deals}_{who}"
    if not curtain.curtain(couple, who, key=ckey, purpose=purpose, offer_pin=False):
        return False
    key = f"cards_words_{run.id}_{state.deals}_{who}"
    prompt = (
        "What do you think " + label(couple, answerer) + " will say?"
        if guessing
        else "Your answer, " + label(couple, who)
    )

    def submit(skip: bool) -> None:
        curtain.close(ckey)
        words = None if skip else st.session_state.get(key)
        _press(svc.write, store, run, who, words, expect=run.version)

    with st.form(f"cards_form_{run.id}_{state.deals}_{who}", border=False):
        st.text_area(prompt, key=key, max_chars=core.ANSWER_MAX, height=120)
        with st.container(horizontal=True, gap="small"):
            st.form_submit_button(
                "Keep my guess hidden and pass on" if guessing else "Show us both",
                type="primary",
                on_click=submit,
                args=(False,),
            )
            st.form_submit_button("I'd rather not say", on_click=submit, args=(True,))
    return False


def _together(store: Store, couple: Couple, run: svc.Run) -> None:
    if run.state.step != "together":
        return
    said = svc.together(store, run)
    cols = st.columns(2)
    for col, who, words, what in (
        (cols[0], said.guesser, said.guess, " guessed"),
        (cols[1], said.answerer, said.answer, " said"),
    ):
        with col, st.container(border=True):
            st.markdown("**" + label(couple, who) + what + "**")
            if words:
                st.markdown(md_escape(words))
            else:
                st.caption("Rather not say, and that's fine.")
    st.caption("Close or far, a guess is a way of saying: I think about you.")


def _favourites(spec: DeckSpec, run: svc.Run) -> None:
    kept = [c for k in run.state.favourites if (c := spec.card(k)) is not None]
    if not kept:
        return
    with st.expander(f"Your favourites ({len(kept)})", icon=":material/favorite:"):
        for card in kept:
            st.markdown("- " + md_escape(card.text))


@st.fragment
def page(spec_id: str) -> None:
    """The deck. A fragment: a press redraws this part only, reading the state afresh."""
    store = context.store()
    couple = context.current_couple()
    spec = context.catalog().get(spec_id, "cards")
    if couple is None or couple.paused_at is not None or not isinstance(spec, DeckSpec):
        context.redraw_page()
        return
    run = svc.current(store, couple.id, spec.id)
    st.title(md_escape(spec.title))
    if spec.summary:
        st.caption(content_md(spec.summary))
    flash.show(_SPOT)
    _settings(store, spec, run)
    state = run.state
    if state.card is None:
        st.write(
            "Draw a card and read it out loud. One of you answers; the other listens, "
            "without fixing or correcting. Then the turn passes. Skip any card you like."
        )
        _buttons(store, spec, run, first=True)
        _favourites(spec, run)
        return
    if state.finished_pass:
        st.info(
            "You've been through every card once. They're shuffled for another round.",
            icon=":material/autorenew:",
        )
    _card(spec, couple, run)
    if not _write(store, couple, run):
        return
    _together(store, couple, run)
    _buttons(store, spec, run)
    left = core.left_in_pass(spec, state)
    st.caption(
        f"{left} card{'s' if left != 1 else ''} still to come before the deck goes round again."
        if left
        else "This is the last card before the deck goes round again."
    )
    _favourites(spec, run)
