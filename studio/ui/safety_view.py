"""Screens of "What makes you feel safe?": a private turn, the confirm, the reveal.

Private turns read only the answering partner's items from the store; the reveal
is drawn only after both partners confirmed. User text goes through ``st.text``
or ``md_escape``; charts get names through ``charts.plotly_text``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from studio import charts
from studio import safety_flow as flow
from studio import safety_service as svc
from studio.couple import swatch, symbol
from studio.safety_map import SafetyMapSpec, band_label
from studio.store import Couple, Store
from studio.themes import ThemeLexicon, find_themes, shared_themes
from studio.ui import context, curtain, layout
from studio.ui.partner import chip, label

PLOTLY_CONFIG = {"displayModeBar": False, "responsive": True}


def _problem_key(run: svc.Run, p: str) -> str:
    return f"sm_problem_{run.id}_{p}"


def _say_problem(run: svc.Run, p: str) -> None:
    msg = st.session_state.pop(_problem_key(run, p), None)
    if msg:
        st.error(msg, icon=":material/info:")


def _guarded(run: svc.Run, p: str, fn, *args) -> bool:
    """Run a service call; a FlowError/ValueError becomes a kind message on the next draw."""
    try:
        fn(*args)
    except ValueError as exc:
        st.session_state[_problem_key(run, p)] = str(exc)
        return False
    return True


# -- the private turn ------------------------------------------------------------------------


def turn(store: Store, spec: SafetyMapSpec, couple: Couple, run: svc.Run, p: str) -> None:
    other = flow.other(p)
    ckey = f"sm_{run.id}_{p}"
    layout.where("answers")
    if not curtain.curtain(couple, p, key=ckey,
                           purpose="Your answers stay sealed until you both agree to look."):
        if run.state.sealed[other] and run.state.unseal_request is None:
            # The partner who already sealed may ask to change something (needs agreement).
            with st.expander(label(couple, other) + ": want to change one of your answers?"):
                st.write("You can open your sealed answers again if " + label(couple, p)
                         + " agrees. Their answers so far are kept.")
                st.button("Ask to open my answers again", key=f"sm_ask_unseal_{run.id}",
                          on_click=_guarded, args=(run, other, svc.ask_to_unseal, store, run,
                                                   other))
        _unseal_question(store, couple, run)
        return

    stored = svc.own_answers(store, run, p)
    section = run.state.section[p]
    name = flow.SECTIONS[section]
    st.title("Your turn, " + label(couple, p))
    # By part, not by answer: a slider redraws only itself, so a count of answers up
    # here would lag behind. The last part shows what was answered.
    st.progress(section / (len(flow.SECTIONS) - 1),
                text=f"Part {section + 1} of {len(flow.SECTIONS)}: {flow.SECTION_TITLES[name]}")
    st.caption("Every answer is saved as you give it. Skip anything you'd rather not say.")
    _say_problem(run, p)
    {"words": _words, "scales": _scales, "needs": _needs, "guesses": _guesses,
     "review": _review}[name](store, spec, couple, run, p, stored)


def _nav(store: Store, run: svc.Run, p: str, section: int, next_label: str = "Save and go on",
         on_next=None) -> None:
    """Back / next. Buttons act in callbacks: the click's rerun draws the new part at once."""

    def back() -> None:
        _guarded(run, p, svc.go_to_section, store, run, p, section - 1)

    def forward() -> None:
        if on_next is None or on_next():
            _guarded(run, p, svc.go_to_section, store, run, p, section + 1)

    cols = st.columns([1, 1, 2])
    with cols[0]:
        if section > 0:
            st.button("Back", key=f"sm_back_{run.id}_{p}_{section}",
                      icon=":material/arrow_back:", on_click=back)
    with cols[1]:
        st.button(next_label, type="primary", key=f"sm_next_{run.id}_{p}_{section}",
                  on_click=forward)


def _skip_and_go_on(store: Store, run: svc.Run, p: str, section: int, fn, *args) -> None:
    if _guarded(run, p, fn, *args):
        _guarded(run, p, svc.go_to_section, store, run, p, section + 1)


def _words(store, spec, couple, run, p, stored) -> None:
    st.header(spec.opening.prompt)
    st.write(spec.opening.help)
    key = f"sm_text_{run.id}_{p}"
    value, skipped = stored.get(flow.TEXT, ("", False))
    if key not in st.session_state:
        st.session_state[key] = "" if skipped or value is None else str(value)
    text = st.text_area("Your answer, in your own words", key=key, height=160)
    limit = spec.opening.max_chars
    count = len(text or "")
    st.caption(f"{count:,} of {limit:,} characters"
               + (" — a little too long, please shorten it" if count > limit else ""))
    if skipped:
        st.caption("You chose not to answer this one. You can still write something.")

    def save() -> bool:
        return _guarded(run, p, svc.save_text, store, spec, run, p, st.session_state[key])

    _nav(store, run, p, 0, on_next=save)
    st.button("I'd rather not say", key=f"sm_skip_text_{run.id}_{p}", on_click=_skip_and_go_on,
              args=(store, run, p, 0, svc.skip, store, run, p, flow.TEXT))


@st.fragment
def _slider_block(store, run, p, item: str, stored, title: str, left: str, right: str,
                  question: str) -> None:
    """One scale. A fragment: moving its slider redraws this scale only (and saves it)."""
    value, skipped = stored.get(item, (None, False))
    skey = f"sm_{run.id}_{p}_{item}"
    kkey = f"sm_{run.id}_{p}_{item}_skip"
    if skey not in st.session_state:
        st.session_state[skey] = int(value) if isinstance(value, int) else 5
    if kkey not in st.session_state:
        st.session_state[kkey] = bool(skipped)

    def on_slide() -> None:
        if not st.session_state[kkey]:
            _guarded(run, p, svc.save_position, store, run, p, item, st.session_state[skey])

    def on_skip() -> None:
        val = None if st.session_state[kkey] else st.session_state[skey]
        _guarded(run, p, svc.save_position, store, run, p, item, val)

    with st.container(border=True):
        st.markdown("**" + title + "**")
        st.caption("0 = " + left + " · 10 = " + right)
        st.slider(question, 0, 10, key=skey, on_change=on_slide,
                  disabled=st.session_state[kkey])
        st.checkbox("I'd rather not say", key=kkey, on_change=on_skip)
        _say_problem(run, p)


def _save_all_sliders(store, run, p, items: list[str], stored=None) -> bool:
    """Untouched sliders count as given at their shown value when moving on. A value
    already stored as shown (``stored``, read this run) is not written again."""
    for item in items:
        skey, kkey = f"sm_{run.id}_{p}_{item}", f"sm_{run.id}_{p}_{item}_skip"
        val = None if st.session_state.get(kkey) else st.session_state.get(skey, 5)
        if (stored is not None and flow.answering(run.state) == p
                and stored.get(item) == (val, val is None)):
            continue
        if not _guarded(run, p, svc.save_position, store, run, p, item, val):
            return False
    return True


def _slider_section(store, spec, run, p, stored, section: int, item_of, question: str) -> None:
    """Every scale as a slider (own position or guess), then Back / Save and go on."""
    items = []
    for s in spec.scales:
        item = item_of(s.key)
        items.append(item)
        _slider_block(store, run, p, item, stored, s.topic, s.left, s.right,
                      question + s.topic)
    _nav(store, run, p, section,
         on_next=lambda: _save_all_sliders(store, run, p, items, stored))


def _scales(store, spec, couple, run, p, stored) -> None:
    st.header("Where you stand")
    st.write("Move each slider to where you are, most days. The middle is fine too.")
    _slider_section(store, spec, run, p, stored, 1, flow.scale_item, "Where you stand: ")


def _needs(store, spec, couple, run, p, stored) -> None:
    st.header("What you need most")
    st.write(f"Pick up to {spec.max_needs} that matter most to you right now.")
    key = f"sm_needs_{run.id}_{p}"
    value, skipped = stored.get(flow.NEEDS, (None, False))
    if key not in st.session_state:
        st.session_state[key] = list(value) if isinstance(value, list) and not skipped else []
    by_key = {n.key: n for n in spec.needs}
    st.pills("Need cards", options=list(by_key), format_func=lambda k: by_key[k].label,
             selection_mode="multi", key=key)
    picked = st.session_state[key] or []
    for k in picked:
        st.caption(by_key[k].label + ": " + by_key[k].description)
    if len(picked) > spec.max_needs:
        st.warning(f"That's {len(picked)} — please keep it to {spec.max_needs}.",
                   icon=":material/info:")

    def save() -> bool:
        return _guarded(run, p, svc.save_needs, store, spec, run, p,
                        list(st.session_state.get(key) or []))

    _nav(store, run, p, 2, on_next=save)
    st.button("I'd rather not say", key=f"sm_skip_needs_{run.id}_{p}", on_click=_skip_and_go_on,
              args=(store, run, p, 2, svc.save_needs, store, spec, run, p, None))


def _guesses(store, spec, couple, run, p, stored) -> None:
    other = flow.other(p)
    st.header("Where do you think " + label(couple, other) + " stands?")
    st.write("Just a guess — it's fine to be surprised later. That's half the fun.")
    _slider_section(store, spec, run, p, stored, 3, flow.guess_item, "Your guess: ")


def _review(store, spec, couple, run, p, stored) -> None:
    other = flow.other(p)
    st.header("Look over and seal")
    answers = flow.to_answers(spec, stored)
    st.write("Your words:")
    st.text(answers.text or "(you chose not to answer)")
    given = sum(1 for v in answers.positions.values() if v is not None)
    guessed = sum(1 for v in answers.guesses.values() if v is not None)
    st.write(f"Scales answered: {given} of {len(spec.scales)} · guesses: {guessed} of "
             f"{len(spec.scales)} · need cards: {len(answers.needs or ())}")
    st.info("When you seal, your answers are put away. " + label(couple, other)
            + " won't see them until you both agree to look together.",
            icon=":material/lock:")
    def back() -> None:
        _guarded(run, p, svc.go_to_section, store, run, p, 3)

    def seal() -> None:
        if _guarded(run, p, svc.seal, store, run, p):
            curtain.close(f"sm_{run.id}_{p}")
            for k in [k for k in st.session_state if str(k).startswith(f"sm_{run.id}_{p}")]:
                del st.session_state[k]

    cols = st.columns([1, 2])
    with cols[0]:
        st.button("Back", key=f"sm_back_{run.id}_{p}_4", icon=":material/arrow_back:",
                  on_click=back)
    with cols[1]:
        st.button("Seal my answers", type="primary", key=f"sm_seal_{run.id}_{p}",
                  icon=":material/lock:", on_click=seal)


def _unseal_question(store: Store, couple: Couple, run: svc.Run) -> None:
    asker = run.state.unseal_request
    if asker is None:
        return
    agreeing = flow.other(asker)
    with st.container(border=True):
        st.write(label(couple, asker) + " would like to open their sealed answers again, to "
                 "change something. " + label(couple, agreeing) + ", is that OK with you? "
                 "Your own answers stay as they are.")
        c1, c2 = st.columns(2)
        c1.button("Yes, that's fine", type="primary", key=f"sm_unseal_yes_{run.id}",
                  on_click=_guarded, args=(run, agreeing, svc.agree_unseal, store, run,
                                           agreeing))
        c2.button("Not now", key=f"sm_unseal_no_{run.id}", on_click=_guarded,
                  args=(run, agreeing, svc.cancel_unseal, store, run))


# -- both sealed -----------------------------------------------------------------------------


def confirm(store: Store, couple: Couple, run: svc.Run) -> None:
    layout.where("reveal")
    st.title("You've both sealed your answers")
    st.write("Sit side by side for this part. When you're both ready, you'll see your "
             "answers together. Go gently: this is a picture of today, not a verdict.")
    cols = st.columns(2)
    for col, p in zip(cols, ("a", "b"), strict=True):
        with col:
            chip(couple, p)
            if run.state.ready[p]:
                st.success("Ready", icon=":material/check:")
            else:
                st.button("I'm ready to see it together", type="primary",
                          key=f"sm_ready_{run.id}_{p}",
                          disabled=run.state.unseal_request is not None,
                          on_click=_guarded, args=(run, p, svc.confirm_ready, store, run, p))
            if run.state.unseal_request is None:
                st.button("I want to change something first", key=f"sm_change_{run.id}_{p}",
                          on_click=_guarded, args=(run, p, svc.ask_to_unseal, store, run, p))
    _unseal_question(store, couple, run)


# -- the reveal ------------------------------------------------------------------------------


def _styles(couple: Couple) -> dict[str, charts.PartnerStyle]:
    return {
        p: charts.PartnerStyle(
            name=couple.name(p), color=swatch(couple.color(p)).hex,
            symbol=symbol(couple.symbol(p)).plotly, glyph=symbol(couple.symbol(p)).glyph,
        )
        for p in ("a", "b")
    }


def _lines(lines) -> str:
    """Several markdown lines (a list) as one element: one element draws faster than
    fifteen, and reads the same."""
    return "\n".join(lines)


def _value(v: Any) -> str:
    return "skipped" if v is None else str(v)


def reveal(store: Store, spec: SafetyMapSpec, lexicon: ThemeLexicon | None, couple: Couple,
           run: svc.Run) -> None:
    layout.where("reveal")
    data = svc.reveal(store, spec, run)
    rv = data.reveal
    styles = _styles(couple)
    A, B = label(couple, "a"), label(couple, "b")
    st.title("What makes you feel safe — together")
    st.write(spec.texts.reveal_intro)

    # 1. In your own words, with themes.
    st.header("In your own words")
    hits = {p: find_themes(getattr(data, p).text, lexicon) if lexicon else [] for p in "ab"}
    both = set(shared_themes(hits["a"], hits["b"])) if lexicon else set()
    cols = st.columns(2)
    for col, p in zip(cols, "ab", strict=True):
        with col, st.container(border=True):
            chip(couple, p)
            st.text(getattr(data, p).text or "(chose not to answer)")
            if hits[p]:
                st.caption("Themes: " + " · ".join(
                    ("★ " + h.label + " (you both)") if h.key in both else h.label
                    for h in hits[p]))
    if both:
        labels = [h.label for h in hits["a"] if h.key in both]
        st.success("You both talked about: " + ", ".join(labels) + ".", icon=":material/favorite:")

    # Overall.
    if rv.alignment is not None:
        st.metric("Shared ground", f"{rv.alignment} / 100",
                  help="How close your answers sit overall, across the scales you both "
                       "answered. A starting point for talking, not a grade.")

    # 2. Both on all scales.
    st.header("Where each of you stands")
    st.plotly_chart(charts.positions_figure(rv, styles), config=PLOTLY_CONFIG, theme=None,
                    key=f"sm_chart_pos_{run.id}")
    with st.expander("The same, in words"):
        st.markdown(_lines("- **" + r.topic + "** — " + A + ": " + _value(r.a) + ", " + B + ": "
                           + _value(r.b) + " (0 = " + r.left + ", 10 = " + r.right + ")"
                           for r in rv.rows))

    # 3. Where you differ, grouped.
    st.header(spec.texts.differences_title + " — and where you meet")
    compared = [r for r in rv.rows if r.compared]
    if compared:
        st.plotly_chart(charts.gaps_figure(rv, spec), config=PLOTLY_CONFIG, theme=None,
                        key=f"sm_chart_gaps_{run.id}")
    with st.expander("The same, in words"):
        lines = []
        for band in ("far", "explore", "close"):
            names = [r.topic + f" ({r.gap} apart)" for r in compared if r.band == band]
            if names:
                lines.append("**" + band_label(spec, band) + ":** " + "; ".join(names))
        skipped = [r.topic for r in rv.rows if not r.compared]
        if skipped:
            lines.append("**" + spec.texts.skipped + "** (left out of every number): "
                         + "; ".join(skipped))
        st.markdown("\n\n".join(lines))

    # 4. Closeness and space.
    st.header("Closeness and space")
    st.plotly_chart(charts.map_figure(rv, styles), config=PLOTLY_CONFIG, theme=None,
                    key=f"sm_chart_map_{run.id}")
    close, conflict = rv.axis("closeness"), rv.axis("conflict")
    with st.expander("The same, in words"):
        st.markdown(_lines(
            "- " + name + ": " + (
                f"{getattr(close, p):.1f} of 10 toward reaching for closeness"
                if getattr(close, p) is not None else "skipped the closeness scales") + "; " + (
                f"{getattr(conflict, p):.1f} of 10 toward talking it through now"
                if getattr(conflict, p) is not None else "skipped the talk-now scales")
            for p, name in (("a", A), ("b", B))))
    if rv.pattern is not None:
        with st.container(border=True):
            st.subheader(spec.texts.pattern_title)
            st.caption(label(couple, rv.pattern.reaching) + " leans toward reaching out; "
                       + label(couple, rv.pattern.stepping_back) + " toward stepping back.")
            st.markdown(spec.texts.pattern_text)

    # 5. How well you know each other.
    st.header(spec.texts.surprises_title)
    st.write("Each of you guessed where the other would stand. Surprises are good news: "
             "something new to ask about.")
    for guesser, answerer, rows, acc in (("a", "b", rv.a_guesses, rv.a_accuracy),
                                         ("b", "a", rv.b_guesses, rv.b_accuracy)):
        g, s = styles[guesser], styles[answerer]
        st.plotly_chart(
            charts.guesses_figure(rows, g, s, "Guesses by " + charts.plotly_text(
                g.glyph + " " + g.name)),
            config=PLOTLY_CONFIG, theme=None, key=f"sm_chart_guess_{run.id}_{guesser}")
        with st.expander("The same, in words"):
            if acc is not None:
                st.markdown(label(couple, guesser) + "'s guesses landed, on average, "
                            f"{acc} / 100 near.")
            st.markdown(_lines("- **" + r.topic + "** — guessed " + _value(r.guess) + ", "
                               + label(couple, answerer) + " said " + _value(r.actual)
                               for r in rows))

    # 6. In words, and into the dialogue.
    st.header("In a few words")
    need_label = {n.key: n.label for n in spec.needs}
    if rv.shared_needs:
        st.write("You both picked: " + ", ".join(need_label[k] for k in rv.shared_needs) + ".")
    for p, only in (("a", rv.a_only_needs), ("b", rv.b_only_needs)):
        if only:
            st.write(label(couple, p) + " also picked: "
                     + ", ".join(need_label[k] for k in only) + ".")
    st.subheader(spec.texts.meets_title)
    if rv.meets:
        st.markdown(_lines(f"- **{r.topic}** ({r.gap} apart)" for r in rv.meets))
    else:
        st.write("No scale sits really close this time — that happens, and it's worth a chat.")
    st.subheader(spec.texts.differences_title)
    if not rv.differences:
        st.write("No big differences today. You could still pick one scale and compare "
                 "what it means to each of you.")
    for i, r in enumerate(rv.differences):
        with st.container(border=True):
            st.markdown(f"**{r.topic}** — {r.gap} points apart")
            st.write("To start: " + r.starter)
            if st.button("Talk about this", key=f"sm_talk_{run.id}_{i}",
                         icon=":material/forum:"):
                svc.carry_to_dialogue(store, couple.id, r.topic)
                context.go("dialogue")

    share_with_room(store, couple, run, data)


def share_with_room(store: Store, couple: Couple, run: svc.Run, data: svc.RevealData) -> None:
    """In a workshop: both partners may share their numbers (never words or names)."""
    from studio import room_service

    membership = room_service.current_room(store, couple)
    if membership is None:
        return
    st.header("Share with the workshop room")
    if room_service.has_shared(store, couple):
        st.success("You've shared your numbers with the room. Thank you.",
                   icon=":material/groups:")
        return
    others = max(2, membership.room.min_group - 1)
    st.write(f"If you both agree, the room can see your numbers, mixed with at least {others} "
             "other couples' — where you stand on each scale and your top needs. Never your "
             "words, never your names, and never one couple on its own.")
    cols = st.columns(2)
    for col, p in zip(cols, "ab", strict=True):
        with col:
            key = f"sm_share_{run.id}_{p}"
            st.checkbox(label(couple, p) + " agrees to share", value=bool(run.state.shared[p]),
                        key=key, on_change=lambda p=p, key=key: _guarded(
                            run, p, svc.agree_to_share, store, run, p,
                            bool(st.session_state[key])))
    both = flow.both_agree_to_share(run.state)

    def share() -> None:
        room_service.share_with_room(
            store, couple,
            positions_a=dict(data.a.positions), positions_b=dict(data.b.positions),
            needs_a=data.a.needs or (), needs_b=data.b.needs or (),
        )

    st.button("Share our numbers", type="primary", disabled=not both,
              key=f"sm_share_go_{run.id}", icon=":material/groups:", on_click=share)


def render(store: Store, spec: SafetyMapSpec, lexicon: ThemeLexicon | None,
           couple: Couple, run: svc.Run) -> None:
    ph = run.phase
    if ph == "answer_a":
        turn(store, spec, couple, run, "a")
    elif ph == "answer_b":
        turn(store, spec, couple, run, "b")
    elif ph == "confirm":
        confirm(store, couple, run)
    else:
        reveal(store, spec, lexicon, couple, run)


# -- the whole page ---------------------------------------------------------------------------


def _start_screen(store: Store, spec: SafetyMapSpec, couple: Couple) -> None:
    layout.where("answers")
    st.title(spec.title)
    st.write(spec.summary)
    st.markdown(
        "**How it goes**\n\n"
        "1. One of you answers while the other looks away, then you swap. "
        "About ten minutes each.\n"
        "2. Each of you seals your answers. Nobody sees them yet.\n"
        "3. When you're both ready, you look at them together.\n\n"
        "You can skip anything with *I'd rather not say*."
    )
    st.button("Let's start", type="primary", key="sm_start", on_click=svc.start_run,
              args=(store, couple.id))


def _another_time(store: Store, spec: SafetyMapSpec, couple: Couple, runs: list[svc.Run]) -> None:
    st.divider()
    st.header("Another time")
    st.write("Things change. You can do this again later and keep this round to look back on.")
    st.button("Start a new round", key="sm_new_round", on_click=svc.start_run,
              args=(store, couple.id))
    earlier = [r for r in runs[1:] if r.phase == "reveal"]
    if earlier:
        with st.expander(f"Earlier rounds ({len(earlier)})"):
            for r in earlier:
                when = dt.datetime.fromtimestamp(r.started_at).strftime("%d %B %Y, %H:%M")
                st.markdown("**Round from " + when + "**")
                rv = svc.reveal(store, spec, r).reveal
                st.write(
                    (f"Shared ground {rv.alignment} / 100. " if rv.alignment is not None else "")
                    + "Where you differed most: "
                    + (", ".join(x.topic for x in rv.differences) or "nowhere far apart")
                    + "."
                )


@st.fragment
def page() -> None:
    """Everything below the page's checks. A fragment: a click here redraws this part
    only, reading the couple and their round afresh from the store (never from the
    arguments of an earlier run)."""
    store = context.store()
    couple = context.current_couple()
    cat = context.catalog()
    spec, lexicon = cat.get("safety_map"), cat.get("themes")
    if couple is None or couple.paused_at is not None or spec is None:
        context.redraw_page()  # the whole page says what is going on
        return
    runs = svc.runs(store, couple.id)
    if not runs:
        _start_screen(store, spec, couple)
        return
    run = runs[0]
    render(store, spec, lexicon, couple, run)
    if run.phase == "reveal":
        _another_time(store, spec, couple, runs)
