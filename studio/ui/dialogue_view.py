"""Screen pieces of the guided dialogue: start, the two columns, the after-step.

Every rule lives in ``studio.dialogue`` (the path) and ``studio.dialogue_service``
(store, topics, ratings); this module only draws and sends button presses there.
User text (topics, the agreed time, notes, words) is shown with ``st.text`` or,
inside markdown, through ``md_escape``/``partner.label``. Text from the content file
(titles, tasks, stems, prompts) goes through ``content_md`` wherever it is drawn as
markdown, so a content file can't load, link or run anything either.

Each step's main button sits in a ``dlg_actions_go_*`` container that sticks to the
bottom of the window while the step's text is longer than the screen, so the next
press is always in view, on a phone too.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

import streamlit as st

from studio import dialogue as machine
from studio import dialogue_service as svc
from studio import services
from studio.dialogue import DialogueSpec, DialogueState
from studio.store import Couple, Store
from studio.text import content_md, md_escape, shorten
from studio.ui import context, curtain, flash, layout, timer
from studio.ui.partner import chip, label, plain

OWN = -1  # the "in our own words" choice of the topic picker

# Static CSS only (never user text): larger action buttons, the step's main buttons
# kept in view at the bottom of the window, and a clear frame around the column of
# whoever talks right now.
_CSS = """
<style>
  [class*="st-key-dlg_actions"] button { min-height: 3.1rem; font-size: 1.05rem; }
  /* Sticky on Streamlit's wrapper around the keyed container (the container alone is
     exactly as tall as its wrapper, so it would have no room to stick in). It sticks
     to the bottom while the step's text goes on below the window, and below the
     header when the page was scrolled past it. */
  [data-testid="stLayoutWrapper"]:has(> [class*="st-key-dlg_actions_go"]) {
    position: sticky; bottom: 0; top: 3.75rem; z-index: 3; background: #FBFAF7;
    padding: .55rem 0 .65rem 0; box-shadow: 0 -1px 0 #D9DEE3, 0 1px 0 #D9DEE3; }
  /* Two or three buttons stay side by side on a phone, so the row stays low. */
  [class*="st-key-dlg_actions_go"] [data-testid="stHorizontalBlock"],
  .st-key-dlg_results [data-testid="stHorizontalBlock"] {
    flex-wrap: nowrap !important; gap: .6rem; }
  [class*="st-key-dlg_actions_go"] [data-testid="stColumn"],
  .st-key-dlg_results [data-testid="stColumn"] {
    min-width: 0 !important; width: auto !important; flex: 1 1 0 !important; }
  [class*="st-key-dlg_side_now"] { border: 2px solid #1B5E8C !important;
    background: #F4F8FC; }
  [class*="st-key-dlg_side_wait"] { background: #FFFFFF; }
  .st-key-dlg_path p { font-size: .95rem; color: #4A5160; }
</style>
"""

_TOPIC_WORDS = {
    "standard": ("What would {who} like to talk about?", "For example: how our evenings go"),
    "behaviour_change": (
        "What frustration would {who} like to turn into a small request?",
        "For example: phones at dinner",
    ),
    "appreciation": (
        "What does {who} appreciate? A few words, if you like",
        "For example: the way you made Sunday easy",
    ),
}


# --------------------------------------------------------------------- helpers


def spec_or_stop() -> DialogueSpec:
    """The dialogue content, or a kind message when its file can't be used."""
    spec = svc.find_spec(context.catalog())
    if spec is None:
        st.title("Talk and listen")
        st.warning(
            "The guide for this exercise couldn't be read just now, so it's resting. "
            "Everything you did before is kept.",
            icon=":material/description:",
        )
        for err in context.catalog().errors:
            st.text(str(err))
        st.page_link(
            context.PAGES["home"],
            label="Back to our space",
            icon=":material/favorite:",
            query_params=context.keep_params(),
        )
        st.stop()
    return spec


def style() -> None:
    st.html(_CSS)


def _key(run: svc.Running, name: str) -> str:
    # The step number makes every press unique: a stale double click finds no button.
    return f"dlg_{run.id}_{run.step_no}_{name}"


def _say_later(where: str, message: str) -> None:
    flash.later("dlg_" + where, message)


def _flash(where: str) -> None:
    """Show the kind message a press left for this spot, once."""
    flash.show("dlg_" + where, icon=":material/edit:")


def _topic_from(key: str) -> tuple[str | None, int | None]:
    """What the topic picker drawn with ``key`` holds: (text, safety-map topic id)."""
    pick = st.session_state.get(f"{key}_pick", OWN)
    if pick is not None and pick != OWN:
        return None, int(pick)
    return st.session_state.get(f"{key}_text"), None


def _press(
    store: Store,
    couple: Couple,
    run: svc.Running,
    event: str,
    inputs: dict[str, str] | None = None,
    topic_key: str | None = None,
) -> None:
    """Button callback: one press = one event, committed before the script reruns.

    ``inputs`` maps an argument of the event to the widget key holding its value.
    """
    kw: dict[str, Any] = {name: st.session_state.get(key) for name, key in (inputs or {}).items()}
    if topic_key is not None:
        kw["topic"], kw["topic_id"] = _topic_from(topic_key)
    try:
        svc.apply(store, couple, run.id, event, time.time(), expect_step=run.step_no, **kw)
    except svc.Stale:
        return  # the screen was a step behind: the rerun draws the current one
    except (svc.InvalidMove, svc.DialogueInputError) as exc:
        _say_later(event, str(exc))


def _button(
    store: Store,
    couple: Couple,
    run: svc.Running,
    event: str,
    text: str,
    *,
    primary: bool | None = None,
    inputs: dict[str, str] | None = None,
    topic_key: str | None = None,
) -> None:
    if primary is None:
        primary = event not in svc.SECONDARY
    st.button(
        text,
        key=_key(run, event),
        type="primary" if primary else "secondary",
        width="stretch",
        on_click=_press,
        args=(store, couple, run, event),
        kwargs={"inputs": inputs, "topic_key": topic_key},
    )
    _flash(event)


def _action_row(
    store: Store,
    couple: Couple,
    run: svc.Running,
    events: list[tuple[str, str]],
    name: str = "main",
) -> None:
    """The step's main buttons, kept in view at the bottom of the window (see _CSS)."""
    if not events:
        return
    with st.container(key=f"dlg_actions_go_{name}"):
        cols = st.columns(len(events))
        for col, (event, text) in zip(cols, events, strict=True):
            with col:
                _button(store, couple, run, event, text)


def _stems(stems: tuple[str, ...] | list[str]) -> None:
    if stems:
        st.caption("Words to start with")
        st.markdown("\n".join(f"- *{content_md(s)}*" for s in stems))


def topic_picker(store: Store, couple: Couple, variant: str, who: str, key: str) -> None:
    """An open safety-map topic, or a few words of their own (read back by ``_topic_from``)."""
    question, placeholder = _TOPIC_WORDS[variant]
    question = question.format(who=label(couple, who))
    choices = svc.topic_choices(store, couple) if variant != "appreciation" else []
    pick = OWN
    if choices:
        texts = {c.id: c.text for c in choices}
        pick = st.radio(
            question,
            [c.id for c in choices] + [OWN],
            format_func=lambda i: (
                "Something else, in our own words" if i == OWN else md_escape(shorten(texts[i], 90))
            ),
            key=f"{key}_pick",
        )
        st.caption("These came up in *What makes you feel safe?*")
        question = "In a few words"
    if pick == OWN:
        st.text_input(
            question, max_chars=machine.TOPIC_MAX, key=f"{key}_text", placeholder=placeholder
        )


# ------------------------------------------------------------------ start screen


def _path(spec: DialogueSpec, key: str | None) -> tuple[str, str]:
    """(the machine's path, the file's variant key) for a picked variant."""
    try:
        v = spec.variant(key or "standard")
    except KeyError:
        v = spec.variant("standard")
    return v.path, v.key


def _start(store: Store, couple: Couple, spec: DialogueSpec) -> None:
    path, key = _path(spec, st.session_state.get("dlg_start_variant"))
    first = st.session_state.get("dlg_start_first", "a")
    text, topic_id = _topic_from(f"dlg_start_{key}")
    try:
        svc.start(
            store,
            couple,
            variant=path,
            wording=key,
            first_sender=first,
            topic=text,
            topic_id=topic_id,
            now=time.time(),
        )
    except svc.DialogueInputError as exc:
        _say_later("start", str(exc))


def start_screen(
    store: Store, couple: Couple, spec: DialogueSpec, last: svc.Running | None
) -> None:
    st.title("Talk and listen")
    if last is not None and last.state.abandoned:
        st.info(content_md(spec.closing.abandoned_message), icon=":material/favorite:")
    st.markdown(content_md(spec.summary))
    st.markdown(
        "- One of you shares one thing. The other listens and says it back, "
        "until all of it is heard.\n"
        "- Then the listener says why it makes sense, and imagines the feeling.\n"
        "- Then you switch. About twenty minutes for both turns.\n"
        "- The studio shows whose turn it is, what to do and a few words to start with. "
        "You can take a break at any moment."
    )
    st.header("What kind of talk?")
    picked = st.radio(
        "Choose one",
        list(spec.variant_keys()),
        format_func=lambda v: content_md(spec.variant(v).title),
        captions=[content_md(v.summary) for v in spec.variants],
        key="dlg_start_variant",
    )
    variant, picked = _path(spec, picked)
    st.header("Who shares first?")
    first = st.radio(
        "The other one listens first",
        ["a", "b"],
        format_func=lambda p: label(couple, p),
        horizontal=True,
        key="dlg_start_first",
    )
    st.header("About what?")
    topic_picker(store, couple, variant, first, key=f"dlg_start_{picked}")
    with st.container(key="dlg_actions_start"):
        st.button(
            "Let's begin",
            type="primary",
            key="dlg_start_go",
            width="stretch",
            on_click=_start,
            args=(store, couple, spec),
        )
    _flash("start")


# -------------------------------------------------------------- dialogue screen


def _header(couple: Couple, spec: DialogueSpec, state: DialogueState) -> None:
    sender, receiver = machine.roles(state)
    st.title("Talk and listen")
    st.markdown(
        f"Round {state.round} · {label(couple, sender)} shares, "
        f"{label(couple, receiver)} listens · *{content_md(spec.variant_of(state).title)}*"
    )
    with st.container(border=True, key="dlg_topic"):
        st.caption("What you appreciate" if state.topic_source == "appreciation" else "Your topic")
        st.text(state.topic or "Something you appreciate about each other")
    if state.phase in machine.PHASE_STEP:
        parts = []
        for title, where in svc.step_path(spec, state):
            if where == "now":
                parts.append(f"**▸ {content_md(title)}**")
            elif where == "done":
                parts.append(f"✓ {content_md(title)}")
            else:
                parts.append(content_md(title))
        with st.container(key="dlg_path"):
            st.markdown("  ·  ".join(parts))


def _side(couple: Couple, partner: str, role: str, task: str, stems: Any, active: bool) -> None:
    with st.container(border=True, key=f"dlg_side_{'now' if active else 'wait'}_{partner}"):
        chip(couple, partner)
        st.caption(role)
        if active:
            st.badge("Your turn to talk", icon=":material/record_voice_over:", color="blue")
        else:
            st.badge("Listening now", icon=":material/hearing:", color="gray")
        st.markdown(content_md(task))
        _stems(stems)


def _columns(
    couple: Couple,
    state: DialogueState,
    tasks: dict[str, tuple[str, Any]],
    talking: tuple[str, ...],
) -> None:
    sender, receiver = machine.roles(state)
    cols = st.columns(2, gap="medium")
    with cols[0]:
        _side(couple, sender, "Shares this round", *tasks["sender"], active=sender in talking)
    with cols[1]:
        _side(
            couple, receiver, "Listens this round", *tasks["receiver"], active=receiver in talking
        )


def _label(state: DialogueState, event: str) -> str:
    return dict(machine.actions(state)).get(event, event)


def _arrange(
    store: Store, couple: Couple, run: svc.Running, variant_key: str, first_key: str
) -> None:
    """Button callback: the kind of talk and who shares first, as picked."""
    spec = svc.find_spec(context.catalog())
    if spec is None:
        return
    path, key = _path(spec, st.session_state.get(variant_key))
    try:
        svc.arrange(
            store,
            couple,
            run.id,
            time.time(),
            expect_step=run.step_no,
            variant=path,
            wording=key,
            first_sender=st.session_state.get(first_key),
        )
    except svc.Stale:
        return
    except svc.DialogueInputError as exc:
        _say_later("arrange", str(exc))


def _settings(store: Store, couple: Couple, spec: DialogueSpec, run: svc.Running) -> None:
    """Who shares first and the kind of talk, changeable before anything has been said."""
    state = run.state
    if not machine.can_arrange(state):
        return
    with st.expander(_label(state, "arrange"), icon=":material/tune:"):
        first_key, variant_key = _key(run, "set_first"), _key(run, "set_variant")
        st.radio(
            "Who shares first?",
            list(svc.PARTNERS),
            index=svc.PARTNERS.index(state.sender),
            format_func=lambda p: label(couple, p),
            horizontal=True,
            key=first_key,
        )
        keys = list(spec.variant_keys())
        now_key = spec.variant_of(state).key
        st.radio(
            "What kind of talk?",
            keys,
            index=keys.index(now_key) if now_key in keys else 0,
            format_func=lambda v: content_md(spec.variant(v).title),
            captions=[content_md(v.summary) for v in spec.variants],
            key=variant_key,
        )
        st.caption("Your topic stays as it is.")
        st.button(
            "Go with this",
            key=_key(run, "arrange"),
            on_click=_arrange,
            args=(store, couple, run, variant_key, first_key),
        )
        _flash("arrange")


def _appointment(store: Store, couple: Couple, spec: DialogueSpec, run: svc.Running) -> None:
    state, ap = run.state, spec.appointment
    _settings(store, couple, spec, run)  # right below the roles and the topic it changes
    st.header(content_md(ap.title))
    if state.history and state.history[-1][1] == "come_back":
        st.info(content_md(ap.come_back_prompt), icon=":material/waving_hand:")
    _columns(
        couple,
        state,
        {
            "sender": (ap.sender_task, ap.sender_stems),
            "receiver": (ap.receiver_task, ap.receiver_stems),
        },
        svc.talkers(state, None),
    )
    _action_row(store, couple, run, [("ready", _label(state, "ready"))])
    with st.container(border=True):
        st.markdown("**Not now?** " + content_md(ap.not_now_prompt))
        when_key = _key(run, "when")
        st.text_input(
            "When will you come back to it?",
            max_chars=machine.WHEN_MAX,
            key=when_key,
            placeholder="For example: tomorrow after dinner",
        )
        with st.container(key="dlg_actions_notnow"):
            _button(
                store, couple, run, "not_now", _label(state, "not_now"), inputs={"when": when_key}
            )


def _postponed(store: Store, couple: Couple, spec: DialogueSpec, run: svc.Running) -> None:
    st.header("Later, then")
    st.markdown(content_md(spec.appointment.postponed_message))
    with st.container(border=True):
        st.caption("The time you agreed on")
        st.text(run.state.appointment_at or "")
    _action_row(store, couple, run, [("come_back", _label(run.state, "come_back"))])


def _step(store: Store, couple: Couple, spec: DialogueSpec, run: svc.Running) -> None:
    state = run.state
    step = machine.current_step(spec, state)
    if step is None:  # cannot happen with a validated file; say so rather than crash
        st.warning("This step is missing from the exercise file.", icon=":material/description:")
        return
    st.header("Now: " + content_md(step.title))
    check = svc.CHECKS.get(state.phase)
    if check is not None:
        st.subheader("“" + check.question + "”")
        tasks = {
            "sender": (check.sender_task, step.sender_stems),
            "receiver": (check.receiver_task, ()),
        }
    else:
        tasks = {
            "sender": (step.sender_task, step.sender_stems),
            "receiver": (step.receiver_task, step.receiver_stems),
        }
    if state.phase == "mirror" and state.mirror_count:
        st.caption("Another try — that's how it works. Nobody needs to get it right first time.")
    if state.phase == "send" and state.more_count:
        st.caption("There's more — go on, and then it comes back to you again.")
    _columns(couple, state, tasks, svc.talkers(state, step.who))

    if state.phase == "request":
        count_key = _key(run, "count")
        st.radio("How many requests did you offer?", [1, 2, 3], horizontal=True, key=count_key)
        with st.container(key="dlg_actions_go_request"):
            _button(
                store,
                couple,
                run,
                "requested",
                _label(state, "requested"),
                inputs={"count": count_key},
            )
    elif state.phase == "choose":
        choice_key = _key(run, "choice")
        st.radio(
            "Which one was picked?",
            list(range(1, state.request_count + 1)),
            format_func=lambda i: f"Request {i}",
            horizontal=True,
            key=choice_key,
        )
        with st.container(key="dlg_actions_go_choose"):
            _button(
                store, couple, run, "chosen", _label(state, "chosen"), inputs={"choice": choice_key}
            )
    else:
        flow = [(e, t) for e, t in machine.actions(state) if e not in svc.APART]
        _action_row(store, couple, run, flow)

    nxt = machine.next_step_preview(spec, state)
    if nxt is not None:
        st.caption("Next: " + content_md(nxt.title))
    elif state.phase == "close":
        st.caption("Next: switch places")


def _switch(store: Store, couple: Couple, spec: DialogueSpec, run: svc.Running) -> None:
    state = run.state
    sender, receiver = machine.roles(state)
    st.header(content_md(spec.switch.title))
    odd = state.round % 2 == 1
    st.markdown(content_md(spec.switch.prompt if odd else spec.switch.after_both_prompt))
    st.markdown(content_md(spec.switch.choice_prompt))
    events = dict(machine.actions(state))
    if odd:
        st.markdown(f"Next, {label(couple, receiver)} shares and {label(couple, sender)} listens.")
    with st.container(key="dlg_actions_go_switch"):
        cols = st.columns(2 if odd else 1)
        if odd:
            with cols[0]:
                _button(store, couple, run, "switch_same", events["switch_same"], primary=True)
        with cols[-1]:
            _button(store, couple, run, "end", events["end"], primary=not odd)
    with st.container(border=True):
        st.markdown("**A new topic**")
        topic_key = _key(run, "newtopic")
        topic_picker(store, couple, state.variant, receiver, key=topic_key)
        with st.container(key="dlg_actions_new"):
            _button(
                store,
                couple,
                run,
                "switch_new",
                events["switch_new"],
                primary=False,
                topic_key=topic_key,
            )
    timer.talk_time(state, couple)


def _set_notes(store: Store, run: svc.Running, key: str) -> None:
    svc.set_notes(store, run, bool(st.session_state.get(key)))


def _keep_note(store: Store, run: svc.Running, partner: str, key: str) -> None:
    try:
        svc.add_note(store, run, partner, st.session_state.get(key) or "")
    except svc.DialogueInputError as exc:
        _say_later(f"note_{partner}", str(exc))


def _notes(store: Store, couple: Couple, spec: DialogueSpec, run: svc.Running) -> None:
    toggle_key = f"dlg_notes_{run.id}"
    st.toggle(
        "Jot down a few key words as we go",
        value=run.notes_on,
        key=toggle_key,
        on_change=_set_notes,
        args=(store, run, toggle_key),
        help="Off unless you want it. A few words per step, kept on this computer "
        "with your dialogue.",
    )
    if not run.notes_on:
        return
    if run.state.phase in machine.PHASE_STEP:
        cols = st.columns(2, gap="medium")
        for col, p in zip(cols, machine.roles(run.state), strict=True):
            text_key = f"dlg_note_text_{run.id}_{p}"
            with col, st.form(f"dlg_note_{run.id}_{p}", clear_on_submit=True, border=False):
                st.text_input(
                    "Key words from " + label(couple, p), max_chars=svc.NOTE_MAX, key=text_key
                )
                st.form_submit_button(
                    "Keep these words",
                    icon=":material/edit_note:",
                    on_click=_keep_note,
                    args=(store, run, p, text_key),
                )
                _flash(f"note_{p}")
    kept = svc.notes(store, run)
    if kept:
        st.caption("Your key words so far")
        titles = {s.key: s.title for s in spec.variant_of(run.state).steps}  # st.text: plain
        for n in kept:
            st.text(
                f"{plain(couple, n['partner'])} · {titles.get(n['step'], n['step'])}: {n['text']}"
            )


def _footer(store: Store, couple: Couple, run: svc.Running) -> None:
    st.divider()
    c1, c2 = st.columns(2)
    with c1:
        st.button(
            "Take a break",
            icon=":material/pause_circle:",
            key="dlg_break",
            help="Stop for a while. The clock waits, and everything is kept.",
            on_click=services.pause,
            args=(store, couple),
        )
    with c2, st.popover("Stop this dialogue", icon=":material/stop_circle:"):
        st.write(
            "It's fine to stop here. What you said so far stays yours; you can start "
            "again whenever you like."
        )
        st.button(
            "Yes, stop here",
            key=_key(run, "abandon"),
            on_click=_press,
            args=(store, couple, run, "abandon"),
        )


def dialogue_screen(store: Store, couple: Couple, spec: DialogueSpec, run: svc.Running) -> None:
    state = run.state
    _header(couple, spec, state)
    if state.paused:
        # Paused in the dialogue but not on a break (the break ended some other way).
        st.info("You paused here. The clock kept your time.", icon=":material/pause_circle:")
        _action_row(store, couple, run, [("resume_from_pause", _label(state, "resume_from_pause"))])
        timer.clocks(spec, state, couple)
        return
    if state.phase == "appointment":
        _appointment(store, couple, spec, run)
    elif state.phase == "postponed":
        _postponed(store, couple, spec, run)
    elif state.phase == "switch":
        _switch(store, couple, spec, run)
    else:
        _step(store, couple, spec, run)
        timer.clocks(spec, state, couple)
        _notes(store, couple, spec, run)
    _footer(store, couple, run)


# ------------------------------------------------------------------- after-step


def _seal(
    store: Store, spec: DialogueSpec, run: svc.Running, p: str, curtain_key: str, skip: bool
) -> None:
    ss = st.session_state
    try:
        if skip:
            svc.skip_rating(store, run, p)
        else:
            svc.seal_rating(
                store,
                spec,
                run,
                p,
                heard=ss.get(f"dlg_rate_heard_{p}"),
                safe=ss.get(f"dlg_rate_safe_{p}"),
                word=ss.get(f"dlg_rate_word_{p}"),
            )
    except svc.Stale:
        return
    except svc.DialogueInputError as exc:
        _say_later(f"rate_{p}", str(exc))
        return
    curtain.close(curtain_key)  # the turn is over: the next one starts behind the curtain


def _rating_form(
    store: Store, couple: Couple, spec: DialogueSpec, run: svc.Running, p: str, curtain_key: str
) -> None:
    st.header("Just for you, " + label(couple, p))
    st.markdown(content_md(spec.closing.ratings_intro))
    questions = {q.key: q for q in spec.after_questions}
    with st.form(f"dlg_rate_{run.id}_{p}", clear_on_submit=True):
        for key in ("heard", "safe"):
            q = questions[key]
            low_label = content_md(q.low_label or "not at all")
            high_label = content_md(q.high_label or "completely")
            st.slider(
                content_md(q.text),
                q.low,
                q.high,
                value=(q.low + q.high) // 2,
                key=f"dlg_rate_{key}_{p}",
                help=f"{q.low} = {low_label}, {q.high} = {high_label}",
            )
            if q.low_label or q.high_label:
                st.caption(f"{q.low} · {low_label}  …  {q.high} · {high_label}")
        if "word" in questions:
            q = questions["word"]
            st.text_input(
                content_md(q.text) + (" (if you like)" if q.optional else ""),
                max_chars=q.max_length,
                key=f"dlg_rate_word_{p}",
            )
        st.caption("Sealed means: nobody sees it until you look at both answers together.")
        with st.container(key=f"dlg_actions_rate_{p}"):
            st.form_submit_button(
                "Seal my answer",
                type="primary",
                width="stretch",
                on_click=_seal,
                args=(store, spec, run, p, curtain_key, False),
            )
            st.form_submit_button(
                "I'd rather not say",
                width="stretch",
                on_click=_seal,
                args=(store, spec, run, p, curtain_key, True),
            )
    _flash(f"rate_{p}")


_CARE_WHAT = {
    ("heard",): "feeling heard",
    ("safe",): "feeling safe",
    ("heard", "safe"): "feeling heard and safe",
}


def _another_turn(store: Store, couple: Couple, run: svc.Running, partner: str) -> None:
    with contextlib.suppress(svc.Stale):
        svc.another_turn(store, couple, run, partner, time.time())


def _care(store: Store, couple: Couple, run: svc.Running, low: dict[str, tuple[str, ...]]) -> None:
    """A kind next step for whoever rated feeling heard or safe low (see svc.care)."""
    with st.container(border=True, key="dlg_care"):
        st.subheader("Something that might help")
        lines = [
            f"For {label(couple, p)}, {_CARE_WHAT[keys]} was harder this time."
            for p, keys in low.items()
        ]
        st.markdown(
            " ".join(lines) + " Thank you for saying so — that takes trust. If you like, you could:"
        )
        with st.container(key="dlg_actions_care"):
            for p in low:
                other = "b" if p == "a" else "a"
                st.button(
                    f"Another turn for {label(couple, p)} to share",
                    key=f"dlg_care_turn_{run.id}_{p}",
                    type="primary",
                    width="stretch",
                    icon=":material/record_voice_over:",
                    on_click=_another_turn,
                    args=(store, couple, run, p),
                )
                st.caption(
                    f"The same topic once more: {label(couple, p)} shares, "
                    f"{label(couple, other)} listens and says it back."
                )
            st.button(
                "Take a break",
                key=f"dlg_care_break_{run.id}",
                width="stretch",
                icon=":material/pause_circle:",
                on_click=services.pause,
                args=(store, couple),
            )
            st.caption(
                "Rest for a while and do something soothing. Come back to it "
                "within a day, when you're both ready."
            )
        st.page_link(
            context.PAGES["resources"],
            label="Help and support",
            icon=":material/support:",
            query_params=context.keep_params(),
        )
        st.caption("If this feels heavy, here is where to find someone to talk to.")


def _results(
    store: Store, couple: Couple, spec: DialogueSpec, run: svc.Running, view: svc.AfterView
) -> None:
    st.header("How it felt, side by side")
    st.write("Different numbers aren't a verdict. They're something to talk about, gently.")
    questions = {q.key: q for q in spec.after_questions}
    with st.container(key="dlg_results"):  # side by side on a phone too (see _CSS)
        cols = st.columns(2, gap="small")
    for col, p in zip(cols, ("a", "b"), strict=True):
        rating = view.ratings.get(p, {})
        with col, st.container(border=True):
            chip(couple, p)
            if rating.get("word"):
                st.caption("In a word")
                st.text(rating["word"])
            if rating.get("heard") is None and rating.get("safe") is None:
                st.caption("Chose not to say this time — that's fine.")
            shown = [
                f"{content_md(questions[k].text)}: {rating[k]} of {questions[k].high}"
                for k in ("heard", "safe")
                if rating.get(k) is not None
            ]
            if shown:
                st.caption("  \n".join(shown))
    low = svc.care(spec, view)
    if low:
        _care(store, couple, run, low)
    with st.container(key="dlg_actions_after"):
        c1, c2 = st.columns(2)
        with c1:
            st.button(
                "Start another dialogue",
                type="secondary" if low else "primary",
                key=f"dlg_again_{run.id}",
                width="stretch",
                on_click=context.callback(svc.finish),
                args=(store, run),
            )
        with c2:
            st.page_link(
                context.PAGES["home"],
                label="Back to our space",
                icon=":material/favorite:",
                query_params=context.keep_params(),
            )
    timer.talk_time(run.state, couple)


def _reveal(store: Store, run: svc.Running) -> None:
    with contextlib.suppress(svc.Stale):
        svc.reveal(store, run)


def after_screen(store: Store, couple: Couple, spec: DialogueSpec, run: svc.Running) -> None:
    view = svc.after_view(store, run)
    if view.stage == "rate":
        p = view.partner or "a"
        if not view.sealed:
            st.title(content_md(spec.closing.title))
            st.markdown(content_md(spec.closing.message))
        key = f"dlg_rate_{run.id}_{p}"
        if curtain.curtain(
            couple,
            p,
            key=key,
            purpose="Two quick questions about how this felt. Each of you "
            "answers alone; you'll look at both answers together.",
        ):
            _rating_form(store, couple, spec, run, p, key)
        return
    if view.stage == "ready":
        st.title("You've both answered")
        st.write("Sit together again. When you're both ready, look at your answers side by side.")
        with st.container(key="dlg_actions_reveal"):
            st.button(
                "Show us both",
                type="primary",
                key=f"dlg_reveal_{run.id}",
                width="stretch",
                on_click=_reveal,
                args=(store, run),
            )
        return
    st.title(content_md(spec.closing.title))
    _results(store, couple, spec, run, view)


# ---------------------------------------------------------------------- the page


@st.fragment
def page() -> None:
    """The dialogue below the page's checks. A fragment: a step's button redraws this
    part only, reading the couple and the dialogue afresh from the store."""
    store = context.store()
    couple = context.current_couple()
    spec = svc.find_spec(context.catalog())
    if couple is None or couple.paused_at is not None or spec is None:
        context.redraw_page()  # a break began, or the page has something to say
        return
    try:
        run = svc.latest(store, couple)
    except svc.StateError:
        run = None
        st.warning(
            "We couldn't read your last dialogue, so we set it aside. You can start a new "
            "one; nothing else is affected.",
            icon=":material/info:",
        )
    screen = svc.screen(run)
    if screen == "dialogue" and run is not None:
        layout.where("dialogue")
        dialogue_screen(store, couple, spec, run)
    elif screen == "after" and run is not None:
        layout.where("after")
        after_screen(store, couple, spec, run)
    else:
        layout.where("dialogue")
        start_screen(store, couple, spec, run)
