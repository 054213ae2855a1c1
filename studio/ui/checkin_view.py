"""Screens of "Our weekly check-in": thank each other, how the week felt (private, then
together), one thing to talk about, repair, next time.

Like the safety map: an answer is written by the widget that gives it (its
``on_change``), never by moving on, so an untouched question stays *not answered*;
every move names the version of the state its screen was drawn from; the private
ratings are drawn only behind the hand-over curtain, and only the answering partner's.
User text goes through ``md_escape`` or ``st.text``; content text through ``content_md``.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from studio import checkin as ck
from studio import checkin_service as svc
from studio.store import Couple, Store
from studio.text import content_md
from studio.ui import context, curtain, flash
from studio.ui.partner import chip, label

SKIP = -1
_GO_DIALOGUE = "ck_go_dialogue"
_THANKS = "ck_thanks"


def _problem_key(item: svc.Checkin) -> str:
    return f"ck_problem_{item.id}"


def _say_problem(item: svc.Checkin) -> None:
    flash.show(_problem_key(item))


def _guarded(item: svc.Checkin, fn, *args, **kwargs) -> bool:
    try:
        fn(*args, **kwargs)
    except ValueError as exc:  # CheckinError, Stale, DialogueInputError: kind words
        flash.later(_problem_key(item), str(exc))
        return False
    return True


def _move(store: Store, item: svc.Checkin, fn, *args, **kwargs) -> bool:
    return _guarded(item, fn, store, item, *args, expect=item.version, **kwargs)


def _press(store: Store, item: svc.Checkin, fn, *args, **kwargs) -> None:
    """``_move`` as a button's callback (Streamlit ignores what a callback returns)."""
    _move(store, item, fn, *args, **kwargs)


def _progress(item: svc.Checkin) -> None:
    steps = ck.STEPS[:-1]
    n = steps.index(item.state.step) if item.state.step in steps else len(steps) - 1
    st.progress(
        n / (len(steps) - 1),
        text=f"Check-in · {ck.STEP_TITLES[item.state.step]} · part {n + 1} of {len(steps)}",
    )


# -- 1. thank each other ------------------------------------------------------------------


def _appreciate(store: Store, spec: ck.CheckinSpec, couple: Couple, item: svc.Checkin) -> None:
    st.header(content_md(spec.appreciate.title), anchor=False)
    st.write(content_md(spec.appreciate.intro))
    words = svc.shared_words(store, item)[ck.APPRECIATION]
    for p in ("a", "b"):
        with st.container(border=True):
            chip(couple, p)
            key = f"ck_appr_{item.id}_{p}"
            if key not in st.session_state:
                st.session_state[key] = words.get(p, "")

            def save(p: str = p, key: str = key) -> None:
                _guarded(
                    item,
                    svc.save_words,
                    store,
                    spec,
                    item,
                    p,
                    ck.APPRECIATION,
                    st.session_state.get(key),
                )

            st.text_area(
                content_md(spec.appreciate.stem),
                key=key,
                on_change=save,
                max_chars=spec.appreciate.max_chars,
                height=90,
                placeholder="Or just say it out loud to each other.",
            )
    st.button(
        "Go on",
        type="primary",
        key=f"ck_go_rate_{item.id}",
        icon=":material/arrow_forward:",
        icon_position="right",
        on_click=_press,
        args=(store, item, svc.appreciated),
    )


# -- 2. how safe did this week feel? -------------------------------------------------------


def _answer_words(spec: ck.CheckinSpec, option: int) -> str:
    return "Rather not say" if option == SKIP else spec.answer_labels[option]


@st.fragment
def _item_card(store: Store, spec: ck.CheckinSpec, item: svc.Checkin, p: str, it: ck.Item) -> None:
    stored = svc.own_ratings(store, item, p)
    value, skipped = stored.get(ck.rate_item(it.key), (None, False))
    now = SKIP if skipped else value if isinstance(value, int) else None
    options = [0, 1, 2, 3, 4, SKIP]
    key = f"ck_{item.id}_{p}_{it.key}"

    def on_choose() -> None:
        chosen = st.session_state.get(key)
        if chosen is not None:
            _guarded(
                item,
                svc.save_rating,
                store,
                spec,
                item,
                p,
                it.key,
                None if chosen == SKIP else int(chosen),
            )

    with st.container(border=True, key=f"ckq_{it.key}"):
        # The question as text above; the label only names the group for a screen reader
        # (collapsed labels are not drawn as markdown, so no escapes show in its name).
        st.markdown("**" + content_md(it.text) + "**")
        st.radio(
            it.text,
            options,
            key=key,
            horizontal=True,
            width="stretch",
            label_visibility="collapsed",
            index=None if now is None else options.index(now),
            format_func=lambda o: _answer_words(spec, o),
            on_change=on_choose,
        )
    _say_problem(item)


def _unseal_question(store: Store, couple: Couple, item: svc.Checkin) -> None:
    asker = item.state.flow.unseal_request
    if asker is None:
        return
    agreeing = "b" if asker == "a" else "a"
    with st.container(border=True):
        st.write(
            label(couple, asker)
            + " would like to open their sealed answers again. "
            + label(couple, agreeing)
            + ", is that OK with you? Your own answers stay "
            "as they are."
        )
        c1, c2 = st.columns(2)
        c1.button(
            "Yes, that's fine",
            type="primary",
            key=f"ck_unseal_yes_{item.id}",
            on_click=_press,
            args=(store, item, svc.agree_unseal, agreeing),
        )
        c2.button(
            "Not now",
            key=f"ck_unseal_no_{item.id}",
            on_click=_press,
            args=(store, item, svc.cancel_unseal),
        )


def _turn(store: Store, spec: ck.CheckinSpec, couple: Couple, item: svc.Checkin, p: str) -> None:
    other = "b" if p == "a" else "a"
    if not curtain.curtain(
        couple,
        p,
        key=f"ck_{item.id}_{p}",
        purpose="Your answers stay sealed until you both agree to look.",
    ):
        if item.state.flow.sealed[other] and item.state.flow.unseal_request is None:
            with st.expander(label(couple, other) + ": want to change one of your answers?"):
                st.write(
                    "You can open your sealed answers again if " + label(couple, p) + " agrees."
                )
                st.button(
                    "Ask to open my answers again",
                    key=f"ck_ask_unseal_{item.id}",
                    on_click=_press,
                    args=(store, item, svc.ask_to_unseal, other),
                )
        _unseal_question(store, couple, item)
        return
    st.header(content_md(spec.rate.title), anchor=False)
    st.write("Your turn, " + label(couple, p) + ". " + content_md(spec.rate.intro))
    for it in spec.items:
        _item_card(store, spec, item, p, it)
    st.caption("A question you leave empty stays empty: it never counts as an answer.")

    def seal() -> None:
        if _move(store, item, svc.seal, p):
            curtain.close(f"ck_{item.id}_{p}")

    st.button(
        "Seal my answers",
        type="primary",
        key=f"ck_seal_{item.id}_{p}",
        icon=":material/lock:",
        on_click=seal,
    )


def _confirm(store: Store, couple: Couple, item: svc.Checkin) -> None:
    st.header("You've both sealed your answers", anchor=False)
    st.write(
        "Sit side by side for this part. When you're both ready, you'll see how the "
        "week felt to each of you."
    )
    cols = st.columns(2)
    for col, p in zip(cols, ("a", "b"), strict=True):
        with col:
            chip(couple, p)
            if item.state.flow.ready[p]:
                st.success("Ready", icon=":material/check:")
            else:
                st.button(
                    "I'm ready to see it together",
                    type="primary",
                    key=f"ck_ready_{item.id}_{p}",
                    disabled=item.state.flow.unseal_request is not None,
                    on_click=_press,
                    args=(store, item, svc.ready, p),
                    kwargs={"now": context.now()},
                )
            if item.state.flow.unseal_request is None:
                st.button(
                    "I want to change something first",
                    key=f"ck_change_{item.id}_{p}",
                    on_click=_press,
                    args=(store, item, svc.ask_to_unseal, p),
                )
    _unseal_question(store, couple, item)


def _together(store: Store, spec: ck.CheckinSpec, couple: Couple, item: svc.Checkin) -> None:
    st.header("How the week felt", anchor=False)
    st.write(content_md(spec.rate.together_intro))
    rows = svc.together(store, spec, item)
    for row in rows:
        with st.container(border=True, key=f"ckr_{row.key}"):
            # One line per partner (name with its symbol, then the answer): short on a
            # phone, and read in order by a screen reader.
            st.markdown(
                "**"
                + content_md(row.short)
                + "**  \n"
                + "  \n".join(
                    label(couple, p) + ": " + ck.answer_words(spec, getattr(row, p)).capitalize()
                    for p in ("a", "b")
                )
            )
            if row.gap_word:
                st.info(content_md(row.gap_word), icon=":material/forum:")
    if not any(r.differ for r in rows):
        st.write(content_md(spec.rate.same_words))
    st.button(
        "Go on",
        type="primary",
        key=f"ck_go_talk_{item.id}",
        icon=":material/arrow_forward:",
        icon_position="right",
        on_click=_press,
        args=(store, item, svc.after_ratings),
    )


# -- 3. one thing to talk about ------------------------------------------------------------


def _talk(store: Store, spec: ck.CheckinSpec, couple: Couple, item: svc.Checkin) -> None:
    st.header(content_md(spec.talk.title), anchor=False)
    st.write(content_md(spec.talk.intro))
    key = f"ck_topic_{item.id}"
    st.text_input(
        "What would you like to talk about?",
        key=key,
        max_chars=spec.talk.max_chars,
        placeholder=spec.talk.placeholder,
    )

    def choose(talk: str) -> None:
        ok = _guarded(
            item,
            svc.choose_topic,
            store,
            spec,
            couple,
            item,
            talk,
            st.session_state.get(key),
            expect=item.version,
            now=context.now(),
        )
        if ok and talk == "now":
            st.session_state[_GO_DIALOGUE] = True

    with st.container(horizontal=True):
        st.button(
            "Talk about it now",
            type="primary",
            key=f"ck_talk_now_{item.id}",
            icon=":material/forum:",
            on_click=choose,
            args=("now",),
        )
        st.button(
            "Keep it for later", key=f"ck_talk_later_{item.id}", on_click=choose, args=("later",)
        )
        st.button(
            "Not this week", key=f"ck_talk_skip_{item.id}", on_click=choose, args=("not_this_week",)
        )
    st.caption(
        "\u201cTalk about it now\u201d opens the dialogue with your topic. Your "
        "check-in waits here for when you come back."
    )


# -- 4. repair -------------------------------------------------------------------------------


def _repair(store: Store, spec: ck.CheckinSpec, couple: Couple, item: svc.Checkin) -> None:
    st.header(content_md(spec.repair.title), anchor=False)
    if item.state.talk == "now":
        st.caption("Welcome back from your talk.")
    state = item.state
    if not state.repair:
        st.write(content_md(spec.repair.intro))
        first = st.radio(
            "Who would like to speak first?",
            ["a", "b"],
            key=f"ck_first_{item.id}",
            horizontal=True,
            format_func=lambda p: label(couple, p),
        )
        with st.container(horizontal=True):
            st.button(
                "Yes, let's repair something",
                type="primary",
                key=f"ck_repair_yes_{item.id}",
                on_click=_press,
                args=(store, item, svc.start_repair, first or "a"),
            )
            st.button(
                "Not this week",
                key=f"ck_repair_no_{item.id}",
                on_click=_press,
                args=(store, item, svc.end_repair),
                kwargs={"skipped": True},
            )
        return
    speaker = state.repair_speaker
    listener = "b" if speaker == "a" else "a"
    st.markdown(label(couple, speaker) + " speaks, " + label(couple, listener) + " listens.")
    c1, c2 = st.columns(2)
    with c1, st.container(border=True):
        chip(couple, speaker)
        st.markdown("**Speaking**")
        st.markdown("\n".join("- " + content_md(s) for s in spec.repair.speaker_stems))
    with c2, st.container(border=True):
        chip(couple, listener)
        st.markdown("**Listening**")
        st.markdown("\n".join("- " + content_md(s) for s in spec.repair.listener_stems))
    words = svc.shared_words(store, item)[ck.REPAIR]
    key = f"ck_keep_{item.id}_{speaker}"
    if key not in st.session_state:
        st.session_state[key] = words.get(speaker, "")

    def save() -> None:
        _guarded(
            item, svc.save_words, store, spec, item, speaker, ck.REPAIR, st.session_state.get(key)
        )

    st.text_area(
        content_md(spec.repair.keep_prompt),
        key=key,
        on_change=save,
        max_chars=spec.repair.max_chars,
        height=80,
    )
    with st.container(horizontal=True):
        st.button(
            "Switch: " + label(couple, listener) + " speaks",
            key=f"ck_switch_{item.id}_{speaker}",
            icon=":material/swap_horiz:",
            on_click=_press,
            args=(store, item, svc.switch_repair),
        )
        st.button(
            "We've both had our turn",
            type="primary",
            key=f"ck_repair_done_{item.id}",
            on_click=_press,
            args=(store, item, svc.end_repair),
        )


# -- 5. next time ----------------------------------------------------------------------------


def _next(store: Store, spec: ck.CheckinSpec, item: svc.Checkin) -> None:
    st.header(content_md(spec.next.title), anchor=False)
    st.write(content_md(spec.next.intro))
    now = context.now()
    today = dt.date.fromtimestamp(now)
    key = f"ck_day_{item.id}"
    st.date_input(
        "Our next check-in",
        key=key,
        value=ck.default_next_day(spec, now),
        min_value=today + dt.timedelta(days=1),
        max_value=today + dt.timedelta(days=366),
        format="DD/MM/YYYY",
    )

    def done(pick: bool) -> None:
        day = st.session_state.get(key) if pick else None
        if _move(
            store, item, svc.set_next, day if isinstance(day, dt.date) else None, now=context.now()
        ):
            st.session_state[_THANKS] = True

    with st.container(horizontal=True):
        st.button(
            "Save this day",
            type="primary",
            key=f"ck_next_{item.id}",
            icon=":material/event:",
            on_click=done,
            args=(True,),
        )
        st.button("We'll see", key=f"ck_next_none_{item.id}", on_click=done, args=(False,))


# -- the page ----------------------------------------------------------------------------------


def _landing(store: Store, spec: ck.CheckinSpec, couple: Couple) -> None:
    now = context.now()
    if st.session_state.pop(_THANKS, False):
        st.success("Thank you both. That was your check-in.", icon=":material/favorite:")
    st.write(content_md(spec.summary))
    day = svc.next_day(store, couple.id)
    words = svc.next_words(day, now)
    if words and day is not None:
        st.info(words, icon=":material/event:")
        st.download_button(
            "Add it to our calendar (.ics)",
            data=svc.calendar_file(spec, day, now),
            file_name=f"check-in-{day.isoformat()}.ics",
            mime="text/calendar",
            icon=":material/calendar_add_on:",
            key="ck_ics",
        )
        st.caption(
            "The calendar file is made on this computer. It holds the date and "
            "nothing about the two of you."
        )
    st.markdown("**How it goes**")
    st.markdown(
        "1. Thank each other for something from this week.\n"
        "2. Each of you, privately: how safe did the week feel? Then you look "
        "together.\n"
        "3. One thing to talk about, now or later.\n"
        "4. If something hurt: a few minutes to repair it.\n"
        "5. Pick the day you'd like to meet again."
    )
    st.button(
        "Start our check-in",
        type="primary",
        key="ck_start",
        icon=":material/play_arrow:",
        on_click=context.callback(svc.start),
        args=(store, couple.id, now),
    )
    earlier = [c for c in svc.all_checkins(store, couple.id) if c.state.step == "done"]
    if earlier:
        st.caption(
            f"You've done {len(earlier)} check-in{'s' if len(earlier) > 1 else ''} "
            "so far. You can look back on them in \u201cOur story so far\u201d."
        )
        st.page_link(
            context.PAGES["history"],
            label="Our story so far",
            icon=":material/timeline:",
            query_params=context.keep_params(),
        )


def render(store: Store, spec: ck.CheckinSpec, couple: Couple, item: svc.Checkin) -> None:
    step = item.state.step
    _progress(item)
    _say_problem(item)
    if step == "appreciate":
        _appreciate(store, spec, couple, item)
    elif step == "rate":
        phase = ck.private_phase(item.state)
        if phase in ("answer_a", "answer_b"):
            _turn(store, spec, couple, item, phase[-1])
        elif phase == "confirm":
            _confirm(store, couple, item)
        else:
            _together(store, spec, couple, item)
    elif step == "talk":
        _talk(store, spec, couple, item)
    elif step == "repair":
        _repair(store, spec, couple, item)
    elif step == "next":
        _next(store, spec, item)


@st.fragment
def page() -> None:
    """Below the page's checks. A fragment that reads the couple and their check-in
    afresh on every click."""
    store = context.store()
    couple = context.current_couple()
    spec = svc.find_spec(context.catalog())
    if couple is None or couple.paused_at is not None or spec is None:
        context.redraw_page()
        return
    if st.session_state.pop(_GO_DIALOGUE, False):
        context.go("dialogue")
    item = svc.current(store, couple.id)
    if item is None:
        _landing(store, spec, couple)
    else:
        render(store, spec, couple, item)
