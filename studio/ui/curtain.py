"""The privacy curtain: a hand-over screen before one partner's private turn.

It only decides whether the private screen may be drawn. The caller draws that
partner's content *after* it returns True, so nothing of the turn reaches the
browser while the curtain is up. The "it's me" flag lives in this tab's session
state only: a reload or a new tab brings the curtain back, which is the safe default.

Whenever the laptop may have changed hands, every open curtain is dropped
(``close_all``): when a break starts, while the break screen is up, when it ends,
and when this tab moves to another page (the router calls ``page_changed``).

A partner may keep a private PIN (``studio.pins``; offered at their safety note and
on the first screen after each hand-over, never required). Then their hand-over asks
for it before anything of theirs is drawn; wrong tries and the short pause after five
of them live in the store, so a reload or a new tab doesn't start them again. A
forgotten PIN can be taken away, but that also deletes the partner's answers not yet
looked at together: removing it never opens anything of theirs.
"""

from __future__ import annotations

import time

import streamlit as st

from studio import pins
from studio.store import Couple
from studio.ui import context, flash
from studio.ui.partner import label

_PREFIX = "curtain_open_"
_OFFER = "curtain_offer_"  # the PIN offer, on the first screen after "it's me"
_OFFER_KEEP = "curtain_offer_keep_"  # ... and while its own form is in use
_LAST_PAGE = "curtain_last_page"
_PROMPT = "Your PIN, "
PIN_OFFER_TITLE = "Want a PIN, so only you can open your turns?"
PIN_CHANGE_TITLE = "Your PIN"
_FIELD_WIDTH = 280  # px: a PIN is short; a full-width field looks like a form to fill in


def _flag(key: str) -> str:
    return _PREFIX + key


def _say(key: str) -> str:
    return "curtain_msg_" + key


def _show_message(key: str) -> None:
    flash.show(_say(key))


def curtain(
    couple: Couple, partner: str, key: str, purpose: str, *, offer_pin: bool = True
) -> bool:
    """Show the hand-over screen for ``partner`` unless they already said it's them.

    ``offer_pin``: on the first private screen after the hand-over, a small collapsed
    "Want a PIN…" (or "Your PIN") section sits above the caller's content, once."""
    # The flag remembers *which* couple said "it's me": another couple's link opened in
    # this tab must not find the curtain already open.
    ss = st.session_state
    if ss.get(_flag(key)) == couple.id:
        offered = (ss.pop(_OFFER + key, None), ss.pop(_OFFER_KEEP + key, None))
        if offer_pin and couple.id in offered:
            pin_offer(couple, partner, key)
        return True
    attempts = context.store().pin_attempts(couple.id, partner)
    other = "b" if partner == "a" else "a"
    st.header(f"Pass the {context.device()} to " + label(couple, partner))
    st.write(
        "The next screen is just for "
        + label(couple, partner)
        + ". "
        + label(couple, other)
        + ", please look away for a moment, or step out of the room. "
        "You'll get your own turn."
    )
    st.caption(purpose)
    show = "I'm " + label(couple, partner) + " — show me"
    if attempts is None:
        _show_message(key)
        st.button(
            show, type="primary", key=f"curtain_btn_{key}", on_click=_open, args=(key, couple.id)
        )
        return False
    _pin_hand_over(couple, partner, key, show, attempts)
    return False


def _pin_hand_over(
    couple: Couple, partner: str, key: str, show: str, attempts: pins.Attempts
) -> None:
    """The PIN field and "I'm … — show me", then "Forgot your PIN?"."""
    wait = pins.wait_left(attempts, time.time())
    if wait > 0:
        flash.forget(_say(key))
        st.info(
            "That was a few tries in a row, so the PIN rests for a moment. You can try "
            "again in " + pins.wait_words(wait) + ".",
            icon=":material/hourglass_top:",
        )
    else:
        _show_message(key)
    with st.form(f"curtain_form_{key}", clear_on_submit=True, border=False):
        st.text_input(
            _PROMPT + label(couple, partner),
            type="password",
            key=f"curtain_pin_{key}",
            max_chars=pins.MAX_DIGITS,
            autocomplete="off",
            width=_FIELD_WIDTH,
        )
        st.form_submit_button(
            show,
            type="primary",
            key=f"curtain_btn_{key}",
            on_click=_try,
            args=(key, couple.id, partner),
        )
    with st.expander("Forgot your PIN?"):
        st.write(
            "You can take your PIN away. So that nothing of yours can be opened without "
            "it, this also deletes your private answers that you two haven't looked at "
            "together yet (in the exercises, the check-in and a card's guess): your turn "
            "there starts again, empty. Everything you've already looked at together "
            "stays as it is."
        )
        st.button(
            "Take my PIN away, and those answers",
            key=f"curtain_forgot_{key}",
            on_click=_forget,
            args=(key, couple.id, partner),
        )


def _open(key: str, couple_id: int) -> None:
    st.session_state[_flag(key)] = couple_id
    st.session_state[_OFFER + key] = couple_id


def _try(key: str, couple_id: int, partner: str) -> None:
    """The hand-over's button with a PIN: open only for the right one."""
    ss = st.session_state
    typed = ss.get(f"curtain_pin_{key}")
    ss[f"curtain_pin_{key}"] = ""  # the PIN doesn't stay in this tab's memory
    result = context.store().try_pin(couple_id, partner, typed, time.time())
    if result is None or result.outcome == "open":  # None: the PIN was taken away meanwhile
        _open(key, couple_id)
    elif result.outcome == "empty":
        flash.later(_say(key), "Type your PIN first, then press the button.", "info")
    elif result.outcome == "wrong":
        left = result.tries_left
        flash.later(
            _say(key),
            "That's not quite it. Take your time and try again — after "
            + ("1 more try" if left == 1 else f"{left} more tries")
            + ", the PIN rests for a minute.",
            "info",
        )
    # "paused": the screen says how long, from the store.


def _forget(key: str, couple_id: int, partner: str) -> None:
    reset = context.store().forget_pin(couple_id, partner)
    close(key)
    flash.later(
        _say(key),
        "Your PIN is gone"
        + (
            ", and so are your answers not yet looked at together: your turn starts again, empty"
            if reset
            else ""
        )
        + ". You can choose a new PIN once you're in.",
        "info",
    )


# -- the PIN offer -------------------------------------------------------------------------


def pin_offer(couple: Couple, partner: str, key: str) -> None:
    """A small collapsed section: choose a PIN (or a new one, or go without). Draw it
    only on ``partner``'s own private screen, after their hand-over."""
    ss = st.session_state
    has = context.store().has_pin(couple.id, partner)
    said = ss.pop("pin_msg_" + key, None)
    with st.expander(
        PIN_CHANGE_TITLE if has else PIN_OFFER_TITLE,
        icon=":material/lock:",
        expanded=said is not None,
    ):
        if said is not None:
            (st.success if said[0] == "success" else st.warning)(said[1])
        if has:
            st.write(
                "Your private turns open only with your PIN. You can choose a new one, "
                "or go on without."
            )
        else:
            st.write(
                "So each of you has a space that's just yours: with a PIN, your private "
                f"turns open only when you type it. {pins.MIN_DIGITS} to "
                f"{pins.MAX_DIGITS} digits. It's up to you — everything works without "
                "one too."
            )
        with st.form(f"pin_form_{key}", clear_on_submit=True, border=False):
            st.text_input(
                "New PIN" if has else "PIN",
                type="password",
                key=f"pin_new_{key}",
                max_chars=pins.MAX_DIGITS,
                autocomplete="off",
                width=_FIELD_WIDTH,
            )
            st.text_input(
                "The same PIN again",
                type="password",
                key=f"pin_again_{key}",
                max_chars=pins.MAX_DIGITS,
                autocomplete="off",
                width=_FIELD_WIDTH,
            )
            st.form_submit_button(
                "Keep this PIN",
                key=f"pin_keep_{key}",
                on_click=_keep_pin,
                args=(key, couple.id, partner),
            )
        if has:
            st.button(
                "Go on without a PIN",
                key=f"pin_remove_{key}",
                on_click=_remove_pin,
                args=(key, couple.id, partner),
            )
        st.caption(
            "Only a scrambled form of it is kept on this computer, never the PIN. "
            "If you forget it, you can take it away at your hand-over — your answers "
            "not yet looked at together go with it."
        )


def _keep_pin(key: str, couple_id: int, partner: str) -> None:
    ss = st.session_state
    ss[_OFFER_KEEP + key] = couple_id  # the section stays to say how it went
    typed = ss.get(f"pin_new_{key}"), ss.get(f"pin_again_{key}")
    ss[f"pin_new_{key}"] = ss[f"pin_again_{key}"] = ""  # not kept in this tab's memory
    try:
        pin = pins.clean_pin(*typed)
    except pins.PinProblem as exc:
        ss["pin_msg_" + key] = ("warning", str(exc))
        return
    context.store().set_pin(couple_id, partner, pins.hash_pin(pin))
    ss["pin_msg_" + key] = (
        "success",
        "Your PIN is kept. From your next hand-over on, your turns open with it.",
    )


def _remove_pin(key: str, couple_id: int, partner: str) -> None:
    st.session_state[_OFFER_KEEP + key] = couple_id
    context.store().remove_pin(couple_id, partner)
    st.session_state["pin_msg_" + key] = (
        "success",
        "Your PIN is gone. Your turns open with the hand-over button again.",
    )


# -- closing -------------------------------------------------------------------------------


def close(key: str) -> None:
    """Drop the curtain again (after a turn ends)."""
    st.session_state.pop(_flag(key), None)
    st.session_state.pop(_OFFER + key, None)
    st.session_state.pop(_OFFER_KEEP + key, None)


def close_all() -> None:
    """Drop every open curtain of this tab: the next private turn starts at the hand-over."""
    for flag in [
        k for k in st.session_state if isinstance(k, str) and k.startswith((_PREFIX, _OFFER))
    ]:
        del st.session_state[flag]


def page_changed(url_path: str) -> None:
    """Called by the router on every full run: leaving a page closes its curtains."""
    if st.session_state.get(_LAST_PAGE) != url_path:
        close_all()
        st.session_state[_LAST_PAGE] = url_path
