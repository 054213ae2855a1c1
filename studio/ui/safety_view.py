"""Screens of a scales exercise ("What makes you feel safe?" and any other file of its
kind): a private turn, the confirm, the reveal.

Private turns read only the answering partner's items from the store; the reveal
is drawn only after both partners confirmed. User text goes through ``st.text``
or ``md_escape``; content text through ``content``; charts get names through
``charts.plotly_text``.

Answers are written by the widget that gives them (its ``on_change``), never by
moving between parts: an untouched scale stays *not answered* and counts nowhere.
Every move of the flow names the version of the state its screen was drawn from, so
a press in an old tab changes nothing and gets a fresh screen.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from studio import safety_flow as flow
from studio import safety_service as svc
from studio.couple import swatch, symbol
from studio.safety_map import (
    POINTS,
    SafetyMapSpec,
    Scale,
    lean_words,
    nearest_point,
    position_words,
    section_scales,
    turn_sections,
)
from studio.store import Couple, Store
from studio.text import content_md, md_escape
from studio.themes import ThemeLexicon, find_themes, shared_themes
from studio.ui import context, curtain, flash, layout
from studio.ui.partner import chip, label, plain

PLOTLY_CONFIG = {"displayModeBar": False, "responsive": True}
SKIP = -1  # the "Rather not say" choice of a scale
NOT_ANSWERED = "not answered"


def content(text: str) -> str:
    """Content-file text for markdown: simple emphasis at most, nothing that loads."""
    return content_md(text)


def _problem_key(run: svc.Run, p: str) -> str:
    # One per round, not per partner: a message never holds an answer, and after a stale
    # press the screen may belong to the other partner.
    return f"sm_problem_{run.id}"


def _say_problem(run: svc.Run, p: str | None = None) -> None:
    flash.show(_problem_key(run, p or "a"))


def _guarded(run: svc.Run, p: str, fn, *args, **kwargs) -> bool:
    """Run a service call; a FlowError/ValueError becomes a kind message on the next draw."""
    try:
        fn(*args, **kwargs)
    except ValueError as exc:
        flash.later(_problem_key(run, p), str(exc))
        return False
    return True


def _move(store: Store, run: svc.Run, p: str, fn, *args) -> bool:
    """A move of the flow, checked against the version this screen was drawn from."""
    return _guarded(run, p, fn, store, run, *args, expect=run.version)


def _press(store: Store, run: svc.Run, p: str, fn, *args) -> None:
    """``_move`` as a button's callback (Streamlit ignores what a callback returns)."""
    _move(store, run, p, fn, *args)


# -- the private turn ------------------------------------------------------------------------


def _sections(spec: SafetyMapSpec, current: str) -> list[str]:
    """The parts counted in "Part n of m": the optional part only while it is open."""
    return [s for s in turn_sections(spec) if s != "more" or current == "more"]


_TITLES = {
    "words": "In your own words",
    "needs": "What you need most",
    "review": "Look over and seal",
    "more": "A few more, if you like",
}


def _title(section: str) -> str:
    return _TITLES.get(section, "Where you stand")  # every scales-N page


def turn(
    store: Store, spec: SafetyMapSpec, couple: Couple, run: svc.Run, p: str, intro: bool = False
) -> None:
    other = flow.other(p)
    ckey = f"sm_{run.id}_{p}"
    layout.where("answers")
    if not curtain.curtain(
        couple, p, key=ckey, purpose="Your answers stay sealed until you both agree to look."
    ):
        if run.state.sealed[other] and run.state.unseal_request is None:
            # The partner who already sealed may ask to change something (needs agreement).
            with st.expander(label(couple, other) + ": want to change one of your answers?"):
                st.write(
                    "You can open your sealed answers again if "
                    + label(couple, p)
                    + " agrees. Their answers so far are kept."
                )
                st.button(
                    "Ask to open my answers again",
                    key=f"sm_ask_unseal_{run.id}",
                    on_click=_press,
                    args=(store, run, other, svc.ask_to_unseal, other),
                )
        _unseal_question(store, couple, run)
        if intro:
            _how_it_goes(spec)
        return

    stored = svc.own_answers(store, run, p)
    section = run.state.section[p]
    parts = _sections(spec, section)
    if section not in parts:  # a part this file no longer has: start of the turn
        section = "words"
    n = parts.index(section)
    st.header(_title(section), anchor=False)
    st.progress(
        n / (len(parts) - 1), text=f"Your turn, {label(couple, p)} · part {n + 1} of {len(parts)}"
    )
    if section == "words":
        _words(store, spec, couple, run, p, stored, parts)
    elif section == "needs":
        _needs(store, spec, couple, run, p, stored, parts)
    elif section == "review":
        _review(store, spec, couple, run, p, stored, parts)
    else:
        _scales(store, spec, couple, run, p, stored, parts, section)


def _actions(
    store: Store,
    run: svc.Run,
    p: str,
    parts: list[str],
    section: str,
    *,
    next_label: str = "Go on",
    before_next=None,
    extra=None,
) -> None:
    """Back / Go on in a bar that stays in view. Moving stores only the place."""
    i = parts.index(section)
    back_to = parts[i - 1] if i > 0 else None
    forward_to = parts[i + 1] if i + 1 < len(parts) else None

    def forward() -> None:
        if before_next is None or before_next():
            _move(store, run, p, svc.go_to_section, p, forward_to)

    with st.container(key="sm_actions", horizontal=True, vertical_alignment="center"):
        if forward_to is not None:
            # The part is in the key: a second click on a part already left finds no button.
            st.button(
                next_label,
                type="primary",
                key=f"sm_next_{run.id}_{p}_{section}",
                icon=":material/arrow_forward:",
                icon_position="right",
                on_click=forward,
            )
        if extra is not None:
            extra()
        if back_to is not None:
            st.button(
                "Back",
                key=f"sm_back_{run.id}_{p}_{section}",
                icon=":material/arrow_back:",
                on_click=_press,
                args=(store, run, p, svc.go_to_section, p, back_to),
            )


def _words(store, spec, couple, run, p, stored, parts) -> None:
    st.subheader(content(spec.opening.prompt), anchor=False)
    st.write(content(spec.opening.help))
    key = f"sm_text_{run.id}_{p}"
    value, skipped = stored.get(flow.TEXT, ("", False))
    if key not in st.session_state:
        st.session_state[key] = "" if skipped or value is None else str(value)

    def save() -> bool:
        """Keep what is typed; False when the screen is out of date (nothing kept). "Go
        on" asks this first, so it moves on only once the words are safe."""
        typed = st.session_state.get(key) or ""
        now_value, now_skipped = svc.own_answers(store, run, p).get(flow.TEXT, ("", False))
        if typed.strip() == (now_value or "") and not (now_skipped and typed.strip()):
            return True  # nothing new to keep
        return _guarded(run, p, svc.save_text, store, spec, run, p, typed)

    st.text_area(
        "Your answer, in your own words",
        key=key,
        height=140,
        on_change=context.callback(save),
        placeholder="A few words are enough.",
    )
    limit = spec.opening.max_chars
    count = len(st.session_state.get(key) or "")
    st.caption(
        f"{count:,} of {limit:,} characters · kept as you write"
        + (" — a little too long, please shorten it" if count > limit else "")
    )
    if skipped:
        st.caption("You chose not to answer this one. You can still write something.")

    def skip_it() -> None:
        st.session_state[key] = ""
        if _guarded(run, p, svc.skip, store, run, p, flow.TEXT):
            _move(store, run, p, svc.go_to_section, p, parts[parts.index("words") + 1])

    _actions(
        store,
        run,
        p,
        parts,
        "words",
        before_next=save,
        extra=lambda: st.button(
            "I'd rather not say",
            key=f"sm_skip_text_{run.id}_{p}",
            type="tertiary",
            on_click=skip_it,
        ),
    )


def _choice_words(scale: Scale, option: int) -> str:
    if option == SKIP:
        return "Rather not say"
    return (position_words(scale, option) or "").capitalize()


@st.fragment
def _scale_card(store: Store, run: svc.Run, p: str, scale: Scale, other_name: str) -> None:
    """One scale: both statements, where you stand, and your guess for your partner.
    A fragment: choosing a point saves it and redraws this card only."""
    stored = svc.own_answers(store, run, p)
    options = [*POINTS, SKIP]
    with st.container(border=True, key=f"smq_{scale.key}"):
        st.markdown("**" + content(scale.topic) + "**")
        left, right = st.columns(2, gap="medium", wrap=False)
        left.markdown(content(scale.left))
        right.markdown(content(scale.right), text_alignment="right")
        for item, question in (
            (flow.scale_item(scale.key), "You"),
            (flow.guess_item(scale.key), "Your guess for " + other_name),
        ):
            key = f"sm_{run.id}_{p}_{item}"
            # The stored answer is the widget's default (never pre-set in session state:
            # the browser then shows the option as chosen when the card comes back).
            value, skipped = stored.get(item, (None, False))
            now = SKIP if skipped else nearest_point(value) if isinstance(value, int) else None

            def on_choose(item: str = item, key: str = key) -> None:
                chosen = st.session_state.get(key)
                if chosen is None:
                    return
                _guarded(
                    run,
                    p,
                    svc.save_position,
                    store,
                    run,
                    p,
                    item,
                    None if chosen == SKIP else int(chosen),
                )

            st.radio(
                question,
                options,
                key=key,
                horizontal=True,
                width="stretch",
                index=None if now is None else options.index(now),
                format_func=lambda o, s=scale: content(_choice_words(s, o)),
                on_change=on_choose,
            )
        _say_problem(run, p)


def _scales(store, spec, couple, run, p, stored, parts, section) -> None:
    other = flow.other(p)
    st.write(
        "For each pair, choose the dot nearest to how you feel most days — and where "
        "you think " + label(couple, other) + " would put themselves. Skip anything "
        "with *Rather not say*."
    )
    other_name = label(couple, other)
    for scale in section_scales(spec, section):
        _scale_card(store, run, p, scale, other_name)
    pages = [s for s in parts if s.startswith("scales-")]
    extra = None
    optional = [s for s in spec.scales if s.optional]
    if section == pages[-1] and optional and "more" not in parts:

        def more() -> None:
            _move(store, run, p, svc.go_to_section, p, "more")

        def extra() -> None:
            st.button(
                f"A few more, if you like ({len(optional)})",
                key=f"sm_more_{run.id}_{p}",
                type="tertiary",
                on_click=more,
            )

    _actions(store, run, p, parts, section, extra=extra)


def _needs(store, spec, couple, run, p, stored, parts) -> None:
    st.write(f"Pick up to {spec.max_needs} that matter most to you right now.")
    key = f"sm_needs_{run.id}_{p}"
    value, skipped = stored.get(flow.NEEDS, (None, False))
    if key not in st.session_state:
        st.session_state[key] = list(value) if isinstance(value, list) and not skipped else []
    by_key = {n.key: n for n in spec.needs}

    def save() -> None:
        _guarded(run, p, svc.save_needs, store, spec, run, p, list(st.session_state.get(key) or []))

    st.pills(
        "Need cards",
        options=list(by_key),
        format_func=lambda k: content(by_key[k].label),
        selection_mode="multi",
        key=key,
        on_change=save,
    )
    picked = st.session_state[key] or []
    if picked:
        st.markdown(
            "\n".join(
                "- **" + content(by_key[k].label) + "** — " + content(by_key[k].description)
                for k in picked
            )
        )
    if len(picked) > spec.max_needs:
        st.warning(
            f"That's {len(picked)} — please keep it to {spec.max_needs}.", icon=":material/info:"
        )

    def skip_it() -> None:
        st.session_state[key] = []
        if _guarded(run, p, svc.save_needs, store, spec, run, p, None):
            _move(store, run, p, svc.go_to_section, p, "review")

    _actions(
        store,
        run,
        p,
        parts,
        "needs",
        extra=lambda: st.button(
            "I'd rather not say",
            key=f"sm_skip_needs_{run.id}_{p}",
            type="tertiary",
            on_click=skip_it,
        ),
    )


def _answer_words(scale: Scale, stored: dict, item: str) -> str:
    value, skipped = stored.get(item, (None, False))
    if skipped:
        return "rather not say"
    if not isinstance(value, int):
        return NOT_ANSWERED
    return position_words(scale, value) or NOT_ANSWERED


def _review(store, spec, couple, run, p, stored, parts) -> None:
    other = flow.other(p)
    st.write("Here is everything you gave, in words. Change anything you like, then seal.")
    answers = flow.to_answers(spec, stored)

    def change(section: str, what: str) -> None:
        st.button(
            "Change " + what,
            key=f"sm_change_{run.id}_{p}_{section}",
            type="tertiary",
            icon=":material/edit:",
            on_click=_press,
            args=(store, run, p, svc.go_to_section, p, section),
        )

    with st.container(border=True):
        st.markdown("**Your words**")
        text_skipped = stored.get(flow.TEXT, (None, False))[1]
        st.text(
            answers.text or ("(you'd rather not say)" if text_skipped else "(nothing written yet)")
        )
        change("words", "your words")
    open_parts = [s for s in turn_sections(spec) if s.startswith("scales-")]
    answered_optional = any(
        flow.scale_item(s.key) in stored or flow.guess_item(s.key) in stored
        for s in spec.scales
        if s.optional
    )
    if answered_optional:
        open_parts.append("more")
    guess_name = label(couple, other)
    untouched = 0
    for section in open_parts:
        scales = section_scales(spec, section)
        lines = []
        for s in scales:
            mine = _answer_words(s, stored, flow.scale_item(s.key))
            guess = _answer_words(s, stored, flow.guess_item(s.key))
            untouched += (mine == NOT_ANSWERED) + (guess == NOT_ANSWERED)
            lines.append(
                "- **"
                + content(s.topic)
                + "** — you: "
                + content(mine)
                + " · your guess for "
                + guess_name
                + ": "
                + content(guess)
            )
        with st.container(border=True):
            st.markdown("\n".join(lines))
            change(section, "these" if section != "more" else "the extra ones")
    with st.container(border=True):
        st.markdown("**What you need most**")
        _, needs_skipped = stored.get(flow.NEEDS, (None, False))
        by_key = {n.key: n.label for n in spec.needs}
        if needs_skipped:
            st.write("You'd rather not say — that's fine.")
        elif answers.needs:
            st.markdown(", ".join(content(by_key.get(k, k)) for k in answers.needs))
        else:
            st.write("None picked yet.")
        change("needs", "your needs")
    if untouched:
        st.caption(
            f"{untouched} answer{'s' if untouched != 1 else ''} not given yet. "
            "That's fine: what you leave open simply doesn't count anywhere."
        )
    st.info(
        "When you seal, your answers are put away. "
        + label(couple, other)
        + " won't see them until you both agree to look together.",
        icon=":material/lock:",
    )

    def seal() -> None:
        if _move(store, run, p, svc.seal, p):
            curtain.close(f"sm_{run.id}_{p}")
            for k in [k for k in st.session_state if str(k).startswith(f"sm_{run.id}_{p}")]:
                del st.session_state[k]

    with st.container(key="sm_actions", horizontal=True, vertical_alignment="center"):
        st.button(
            "Seal my answers",
            type="primary",
            key=f"sm_seal_{run.id}_{p}",
            icon=":material/lock:",
            on_click=seal,
        )
        back = "needs"
        st.button(
            "Back",
            key=f"sm_back_{run.id}_{p}_review",
            icon=":material/arrow_back:",
            on_click=_press,
            args=(store, run, p, svc.go_to_section, p, back),
        )


def _unseal_question(store: Store, couple: Couple, run: svc.Run) -> None:
    asker = run.state.unseal_request
    if asker is None:
        return
    agreeing = flow.other(asker)
    with st.container(border=True):
        st.write(
            label(couple, asker) + " would like to open their sealed answers again, to "
            "change something. " + label(couple, agreeing) + ", is that OK with you? "
            "Your own answers stay as they are."
        )
        c1, c2 = st.columns(2)
        c1.button(
            "Yes, that's fine",
            type="primary",
            key=f"sm_unseal_yes_{run.id}",
            on_click=_press,
            args=(store, run, agreeing, svc.agree_unseal, agreeing),
        )
        c2.button(
            "Not now",
            key=f"sm_unseal_no_{run.id}",
            on_click=_press,
            args=(store, run, agreeing, svc.cancel_unseal),
        )


# -- both sealed -----------------------------------------------------------------------------


def confirm(store: Store, couple: Couple, run: svc.Run) -> None:
    layout.where("reveal")
    st.title("You've both sealed your answers")
    st.write(
        "Sit side by side for this part. When you're both ready, you'll see your "
        "answers together. Go gently: this is a picture of today, not a verdict."
    )
    cols = st.columns(2)
    for col, p in zip(cols, ("a", "b"), strict=True):
        with col:
            chip(couple, p)
            if run.state.ready[p]:
                st.success("Ready", icon=":material/check:")
            else:
                st.button(
                    "I'm ready to see it together",
                    type="primary",
                    key=f"sm_ready_{run.id}_{p}",
                    disabled=run.state.unseal_request is not None,
                    on_click=_press,
                    args=(store, run, p, svc.confirm_ready, p),
                )
            if run.state.unseal_request is None:
                st.button(
                    "I want to change something first",
                    key=f"sm_change_{run.id}_{p}",
                    on_click=_press,
                    args=(store, run, p, svc.ask_to_unseal, p),
                )
    _unseal_question(store, couple, run)


# -- the reveal ------------------------------------------------------------------------------


def _styles(couple: Couple):
    from studio import charts

    return {
        p: charts.PartnerStyle(
            name=couple.name(p),
            color=swatch(couple.color(p)).hex,
            symbol=symbol(couple.symbol(p)).plotly,
            glyph=symbol(couple.symbol(p)).glyph,
        )
        for p in ("a", "b")
    }


def _where(spec: SafetyMapSpec, key: str, value: int | None) -> str:
    return position_words(spec.scale(key), value) or NOT_ANSWERED


def _full_key(run: svc.Run) -> str:
    return f"sm_full_{run.id}"


def _words_part(data: svc.RevealData, lexicon: ThemeLexicon | None, couple: Couple) -> None:
    hits = {p: find_themes(getattr(data, p).text, lexicon) if lexicon else [] for p in "ab"}
    both = set(shared_themes(hits["a"], hits["b"])) if lexicon else set()
    cols = st.columns(2)
    for col, p in zip(cols, "ab", strict=True):
        with col, st.container(border=True):
            chip(couple, p)
            st.text(getattr(data, p).text or "(chose not to answer)")
            if hits[p]:
                st.caption(
                    "Themes: "
                    + " · ".join(
                        ("★ " + content(h.label) + " (you both)")
                        if h.key in both
                        else content(h.label)
                        for h in hits[p]
                    )
                )
    if both:
        labels = [content(h.label) for h in hits["a"] if h.key in both]
        st.success("You both talked about: " + ", ".join(labels) + ".", icon=":material/favorite:")


def _meets_part(spec: SafetyMapSpec, data: svc.RevealData, couple: Couple) -> None:
    rv = data.reveal
    st.subheader(content(spec.texts.meets_title), anchor=False)
    need_label = {n.key: n.label for n in spec.needs}
    lines = []
    for r in rv.meets:
        lines.append(
            "- **"
            + content(r.topic)
            + "** — "
            + content(lean_words(spec.scale(r.key), ((r.a or 0) + (r.b or 0)) / 2))
        )
    if rv.shared_needs:
        lines.append(
            "- You both picked **"
            + ", ".join(content(need_label[k]) for k in rv.shared_needs)
            + "** as something you need."
        )
    if lines:
        st.markdown("\n".join(lines))
    else:
        st.write("No scale sits really close this time — that happens, and it's worth a chat.")


@st.fragment
def _differences_part(spec_id: str, run_id: int) -> None:
    """The differences one at a time. A fragment: "next" redraws only this card."""
    store = context.store()
    couple = context.current_couple()
    spec = context.catalog().get(spec_id)
    if couple is None or not isinstance(spec, SafetyMapSpec):
        context.redraw_page()
        return
    run = svc.reload(store, couple.id, run_id)
    rv = svc.reveal(store, spec, run).reveal
    st.subheader(content(spec.texts.differences_title), anchor=False)
    diffs = list(rv.differences)
    if not diffs:
        st.write(
            "No big differences today. You could still pick one scale and compare "
            "what it means to each of you."
        )
        return
    key = f"sm_diff_{run.id}"
    i = min(int(st.session_state.get(key, 0)), len(diffs) - 1)
    r = diffs[i]
    with st.container(border=True, key="sm_diff_card"):
        st.markdown("**" + content(r.topic) + f"** · {i + 1} of {len(diffs)}")
        st.markdown(
            "\n".join(
                "- " + label(couple, p) + ": " + content(_where(spec, r.key, getattr(r, p)))
                for p in ("a", "b")
            )
        )
        st.markdown("**To start:** " + content(r.starter))
        with st.container(horizontal=True, key="sm_diff_actions"):
            talk = st.button(
                "Talk about this",
                type="primary",
                key=f"sm_talk_{run.id}_{i}",
                icon=":material/forum:",
            )
            if i + 1 < len(diffs):
                st.button(
                    "Next difference",
                    key=f"sm_diff_next_{run.id}",
                    icon=":material/arrow_forward:",
                    icon_position="right",
                    on_click=lambda: st.session_state.__setitem__(key, i + 1),
                )
            if i > 0:
                st.button(
                    "Previous",
                    key=f"sm_diff_prev_{run.id}",
                    type="tertiary",
                    on_click=lambda: st.session_state.__setitem__(key, i - 1),
                )
    if talk:
        _talk_about(store, couple, r.starter)


def _talk_about(store: Store, couple: Couple, starter: str) -> None:
    from studio import dialogue_service

    try:
        dialogue_service.start_on_topic(store, couple, starter)
    except ValueError as exc:
        st.warning(str(exc), icon=":material/forum:")
        st.page_link(
            context.PAGES["dialogue"],
            label="Open Talk and listen",
            icon=":material/forum:",
            query_params=context.keep_params(),
        )
        return
    context.go("dialogue")


def _pattern_part(spec: SafetyMapSpec, data: svc.RevealData, couple: Couple) -> None:
    pattern = data.reveal.pattern
    if pattern is None:
        return
    with st.container(border=True):
        st.markdown("**" + content(spec.texts.pattern_title) + "**")
        st.write(
            label(couple, pattern.reaching)
            + " tends to reach out for closeness, "
            + label(couple, pattern.stepping_back)
            + " to step back for space. "
            "Neither is wrong: you're both looking for safety by different roads."
        )
        with st.expander("Read more"):
            st.markdown(content(spec.texts.pattern_text))


def _surprises_part(spec: SafetyMapSpec, data: svc.RevealData, couple: Couple) -> None:
    rv = data.reveal
    st.subheader(content(spec.texts.surprises_title), anchor=False)
    lines = []
    for guesser, answerer, rows in (("a", "b", rv.a_surprises), ("b", "a", rv.b_surprises)):
        for r in rows:
            lines.append(
                "- **"
                + content(r.topic)
                + "** — "
                + label(couple, guesser)
                + " guessed "
                + content(_where(spec, r.key, r.guess))
                + "; "
                + label(couple, answerer)
                + " said "
                + content(_where(spec, r.key, r.actual))
                + "."
            )
    if lines:
        st.write(
            "Each of you guessed where the other would stand. A surprise is good news: "
            "something new to ask about."
        )
        st.markdown("\n".join(lines))
    else:
        st.write(
            "Your guesses sat near each other's answers this time. You could still ask: "
            "“Did any of mine surprise you?”"
        )


def _not_answered_part(spec: SafetyMapSpec, data: svc.RevealData) -> None:
    left_out = [
        r.topic for r in data.reveal.rows if not r.compared and (r.a is not None or r.b is not None)
    ]
    if left_out:
        st.caption(
            "Not compared, because one of you didn't answer: "
            + "; ".join(content(t) for t in left_out)
            + "."
        )


def _lines(lines) -> str:
    return "\n".join("- " + md_escape(line) for line in lines)


def _full_picture(spec: SafetyMapSpec, data: svc.RevealData, couple: Couple, run: svc.Run) -> None:
    """Every chart, each followed by the same in words."""
    from studio import chart_text, charts

    rv = data.reveal
    styles = _styles(couple)
    names = {p: plain(couple, p) for p in "ab"}
    st.header("The full picture", anchor=False)
    st.caption("Today's picture, not a score. Each chart has the same in words below it.")
    figures = [
        ("positions", charts.positions_figure(rv, styles), chart_text.positions_lines(rv, names))
    ]
    if any(r.compared for r in rv.rows):
        figures.append(("gaps", charts.gaps_figure(rv, spec), chart_text.gaps_lines(rv, spec)))
    if all(any(s.axis == axis for s in spec.scales) for axis in ("closeness", "conflict")):
        # The map needs both lines; a file without them simply has no map.
        figures.append(("map", charts.map_figure(rv, styles), chart_text.map_lines(rv, names)))
    for guesser, answerer, rows in (("a", "b", rv.a_guesses), ("b", "a", rv.b_guesses)):
        figures.append(
            (
                f"guess_{guesser}",
                charts.guesses_figure(rows, styles[guesser], styles[answerer], spec=spec),
                chart_text.guesses_lines(rows, names[guesser], names[answerer], spec=spec),
            )
        )
    for name, fig, words in figures:
        st.plotly_chart(fig, config=PLOTLY_CONFIG, theme=None, key=f"sm_chart_{name}_{run.id}")
        with st.expander("The same, in words"):
            st.markdown(_lines(words))


def reveal(
    store: Store, spec: SafetyMapSpec, lexicon: ThemeLexicon | None, couple: Couple, run: svc.Run
) -> None:
    layout.where("reveal")
    data = svc.reveal(store, spec, run)
    st.header(content(spec.title.rstrip("?")) + " — together", anchor=False)
    st.caption(content(spec.texts.reveal_intro))
    _words_part(data, lexicon, couple)
    # Where you meet and where you differ side by side on a laptop (stacked on a phone),
    # so the first difference and its "Talk about this" are on the first screen.
    meet, differ = st.columns([2, 3], gap="medium")
    with meet:
        _meets_part(spec, data, couple)
    with differ:
        _differences_part(spec.id, run.id)
    _pattern_part(spec, data, couple)
    _surprises_part(spec, data, couple)
    _not_answered_part(spec, data)
    full = bool(st.session_state.get(_full_key(run)))
    if full:
        _full_picture(spec, data, couple, run)
    st.button(
        "Hide the full picture" if full else "See the full picture — all the charts",
        key=f"sm_full_btn_{run.id}",
        icon=":material/bar_chart:",
        on_click=lambda: st.session_state.__setitem__(_full_key(run), not full),
    )
    share_with_room(store, couple, run, data)


def share_with_room(store: Store, couple: Couple, run: svc.Run, data: svc.RevealData) -> None:
    """In a workshop: both partners may share their numbers (never words or names)."""
    from studio import room_service

    membership = room_service.current_room(store, couple)
    if membership is None:
        return
    st.header("Share with the workshop room")
    if room_service.has_shared(store, couple):
        st.success("You've shared your numbers with the room. Thank you.", icon=":material/groups:")
        return
    others = max(2, membership.room.min_group - 1)
    st.write(
        f"If you both agree, the room can see your numbers, mixed with at least {others} "
        "other couples' — where you stand on each scale and your top needs. Never your "
        "words, never your names, and never one couple on its own."
    )
    cols = st.columns(2)
    for col, p in zip(cols, "ab", strict=True):
        with col:
            key = f"sm_share_{run.id}_{p}"
            st.checkbox(
                label(couple, p) + " agrees to share",
                value=bool(run.state.shared[p]),
                key=key,
                on_change=lambda p=p, key=key: _press(
                    store, run, p, svc.agree_to_share, p, bool(st.session_state[key])
                ),
            )
    both = flow.both_agree_to_share(run.state)

    def share() -> None:
        room_service.share_with_room(
            store,
            couple,
            positions_a=dict(data.a.positions),
            positions_b=dict(data.b.positions),
            needs_a=data.a.needs or (),
            needs_b=data.b.needs or (),
        )

    st.button(
        "Share our numbers",
        type="primary",
        disabled=not both,
        key=f"sm_share_go_{run.id}",
        icon=":material/groups:",
        on_click=share,
    )


def render(
    store: Store, spec: SafetyMapSpec, lexicon: ThemeLexicon | None, couple: Couple, run: svc.Run
) -> None:
    ph = run.phase
    if ph == "answer_a":
        turn(
            store,
            spec,
            couple,
            run,
            "a",
            intro=run.state.section["a"] == "words" and not run.state.sealed["b"],
        )
    elif ph == "answer_b":
        turn(store, spec, couple, run, "b")
    elif ph == "confirm":
        confirm(store, couple, run)
    else:
        reveal(store, spec, lexicon, couple, run)


# -- the whole page ---------------------------------------------------------------------------


def _how_it_goes(spec: SafetyMapSpec) -> None:
    """Shown above the first hand-over: what happens, in three lines (not private)."""
    st.divider()
    st.markdown("**How it goes**")
    st.markdown(
        "One of you answers while the other looks away, then you swap — about ten minutes "
        "each. Each of you seals your answers; nobody sees them yet. When you're both "
        "ready, you look at them together. Skip anything with *Rather not say*."
    )


def _another_time(store: Store, spec: SafetyMapSpec, couple: Couple, runs: list[svc.Run]) -> None:
    st.divider()
    st.header("Another time")
    st.write("Things change. You can do this again later and keep this round to look back on.")
    st.button(
        "Start a new round",
        key="sm_new_round",
        on_click=context.callback(svc.start_run),
        args=(store, couple.id),
        kwargs={"exercise_id": spec.id},
    )
    earlier = [r for r in runs[1:] if r.phase == "reveal"]
    if earlier:
        with st.expander(f"Earlier rounds ({len(earlier)})"):
            for r in earlier:
                when = dt.datetime.fromtimestamp(r.started_at).strftime("%d %B %Y, %H:%M")
                rv = svc.reveal(store, spec, r).reveal
                st.markdown(
                    "**Round from "
                    + when
                    + "** — where you differed most: "
                    + (", ".join(content(x.topic) for x in rv.differences) or "nowhere far apart")
                    + "."
                )


def chosen() -> SafetyMapSpec | None:
    """The scales exercise this page was opened for (``?exercise=``), or None."""
    from studio import registry

    spec = registry.find(context.catalog(), "safety_map", context.exercise_id())
    return spec if isinstance(spec, SafetyMapSpec) else None


@st.fragment
def page(spec_id: str = svc.EXERCISE_ID) -> None:
    """Everything below the page's checks. A fragment: a click here redraws this part
    only, reading the couple and their round afresh from the store (never from the
    arguments of an earlier run)."""
    store = context.store()
    couple = context.current_couple()
    cat = context.catalog()
    spec, lexicon = cat.get(spec_id, "safety_map"), cat.get("themes")
    if (
        couple is None
        or couple.paused_at is not None
        or not isinstance(spec, SafetyMapSpec)
        or not isinstance(lexicon, ThemeLexicon | None)
    ):
        context.redraw_page()  # the whole page says what is going on
        return
    runs = svc.runs(store, couple.id, spec.id)
    if not runs:
        runs = [svc.start_run(store, couple.id, exercise_id=spec.id)]
    run = runs[0]
    if run.phase != "reveal":  # which exercise (the reveal's own heading names it)
        st.caption(":material/shield: " + content(spec.title))
    _say_problem(run)
    render(store, spec, lexicon, couple, run)
    if run.phase == "reveal":
        _another_time(store, spec, couple, runs)
