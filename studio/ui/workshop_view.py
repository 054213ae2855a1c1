"""Drawing a workshop room: the presenter view (the facilitator's own page, every
control) and the room screen (the projector's own link: script, timer, counts, join
code and QR, released results; no control, no secret).

The rules are in :mod:`studio.room` and :mod:`studio.room_service`; this module draws.
Nothing here reads a couple's answers, names or words: counts and released totals only.
"""

from __future__ import annotations

import base64
import html
import os
import time
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st

from studio import journey
from studio import room_service as rs
from studio.room import RoomScript, join_url, phase_index, qr_svg
from studio.store import Store
from studio.text import md_escape
from studio.ui import context, flash, layout, room_banner

SCREEN_PARAM = "screen"
SCREEN_PATH = "room-screen"
MSG = "ws_message"
POLL_SECONDS = 1.0


# ---------------------------------------------------------------------------- helpers


def base_url() -> str:
    """The studio's address as couples' devices reach it (STUDIO_PUBLIC_URL wins)."""
    configured = os.environ.get("STUDIO_PUBLIC_URL", "").strip()
    url = configured or st.context.url or "http://localhost:8501/"
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    for page in ("/workshop", "/join", "/" + SCREEN_PATH):
        path = path.removesuffix(page)
    return f"{parts.scheme}://{parts.netloc}{path}"


def local_only(url: str) -> bool:
    from studio.lan import only_here

    return only_here(url)


def in_words(seconds: float) -> str:
    hours = seconds / 3600
    if hours >= 1.5:
        return f"in about {round(hours)} hours"
    minutes = max(1, round(seconds / 60))
    return f"in about {minutes} minute{'s' if minutes != 1 else ''}"


def say(text: str, kind: flash.Kind = "error") -> None:
    flash.later(MSG, text, kind)


def show_message() -> None:
    flash.show(MSG)


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


_phase = room_banner._phase  # one helper for both: a phase by key, or None


def screen_url(token: str) -> str:
    return f"{base_url()}/{SCREEN_PATH}?{urlencode({SCREEN_PARAM: token})}"


# ------------------------------------------------------------- what the room sees, in words


def room_words(
    state: rs.RoomState, script: RoomScript | None, counts: rs.RoomCounts, showing: bool, now: float
) -> list[tuple[str, str]]:
    """The room screen's figures, as the room reads them (label, value)."""
    out: list[tuple[str, str]] = []
    left = state.timer_left(now)
    if left is not None:
        out.append(("Time left", journey.clock(left) if left > 0 else "Time's up"))
    out.append(("Couples here", str(counts.joined)))
    if not showing:
        out.append(("Done with this part", str(counts.done_with(state.phase))))
    else:
        out.append(("Shared with the room", str(counts.shared)))
    return out


def results_headline(state: rs.RoomState) -> str:
    results = state.results
    if results is None or (not results.scales and not results.needs):
        return "Room results"
    return f"What {results.couples} couples shared"


# ------------------------------------------------------------------------ the room screen

_BAND = (
    ("Close", "#1B5E8C", "#FFFFFF"),
    ("In between", "#8FB8D8", "#000000"),
    ("Far apart", "#C2571A", "#FFFFFF"),
)


def results_html(
    state: rs.RoomState, labels: dict[str, str], needs: dict[str, str], max_scales: int = 6
) -> str:
    """Released totals as bars in HTML that grows with the screen (content labels only,
    escaped; numbers; never a couple)."""
    results = state.results
    assert results is not None
    scales = sorted(results.scales, key=lambda s: (-s.mean_gap, labels.get(s.key, s.key)))
    rows = []
    for s in scales[:max_scales]:
        name = html.escape(labels.get(s.key, s.key.replace("_", " ")))
        parts = []
        for (band, colour, ink), n in zip(_BAND, s.gap_bins, strict=True):
            pct = 100.0 * n / s.couples if s.couples else 0.0
            if pct <= 0:
                continue
            text = f"{round(pct)}%" if pct >= 9 else ""
            parts.append(
                f'<span style="width:{pct:.2f}%;background:{colour};color:{ink}" '
                f'title="{band}: {round(pct)}%">{text}</span>'
            )
        rows.append(
            f'<div class="sbs-rr-row"><div class="sbs-rr-name">{name}</div>'
            f'<div class="sbs-rr-bar" role="img" aria-label="{name}: '
            + ", ".join(
                f"{b[0].lower()} {round(100.0 * n / s.couples)}%"
                for b, n in zip(_BAND, s.gap_bins, strict=True)
                if s.couples
            )
            + f'">{"".join(parts)}</div></div>'
        )
    key = " ".join(
        f'<span class="sbs-rr-key"><i style="background:{c}"></i>{b}</span>' for b, c, _ in _BAND
    )
    more = len(scales) - max_scales
    tail = f'<div class="sbs-rr-note">and {plural(more, "more scale")}</div>' if more > 0 else ""
    top = rs.top_needs(results, needs, n=4)
    need_html = ""
    if top:
        items = "".join(
            f"<li>{html.escape(n)}: <b>{p}</b> {'person' if p == 1 else 'people'}</li>"
            for n, p in top
        )
        need_html = f'<div class="sbs-rr-needs"><b>Needs chosen most</b><ul>{items}</ul></div>'
    return (
        f'<div class="sbs-rr"><div class="sbs-rr-keys">How far apart partners stood: '
        f"{key}</div>{''.join(rows)}{tail}{need_html}</div>"
    )


def _screen_results(state: rs.RoomState, counts: rs.RoomCounts) -> None:
    cat = context.catalog()
    st.title(results_headline(state), anchor=False)
    results = state.results
    if results is None or (not results.scales and not results.needs):
        group = rs.core.effective_min_group(state.min_group)
        st.markdown(
            f"Room results appear once at least {group} couples have chosen to "
            "share. Totals only, never one couple."
        )
        return
    st.html(results_html(state, rs.scale_labels(cat), rs.need_labels(cat)))


def _screen_script(state: rs.RoomState, script: RoomScript | None) -> None:
    phase = _phase(script, state.phase)
    if phase is None or script is None:
        st.title("Welcome", anchor=False)
        st.markdown("The workshop is on. Your screens follow along.")
        return
    n = phase_index(script, phase.key) + 1
    st.caption(f"Part {n} of {len(script.phases)}")
    st.title(md_escape(phase.title), anchor=False)
    text = phase.projector_text
    size = (
        "proj_text"
        if len(text) <= 260
        else "proj_text_long"
        if len(text) <= 420
        else ("proj_text_xlong")
    )
    card = (
        rs.room_card(context.catalog(max_age=1.0), state) if phase.couple_view == "cards" else None
    )
    if card is not None:
        _big_card(card)
        size = "proj_text_xlong" if len(text) > 260 else "proj_text_long"  # the card first
    with st.container(key=size):
        st.markdown(md_escape(text))


def _big_card(card: tuple[str, str, str]) -> None:
    """The card dealt to the room, large, on the room screen and the presenter's view."""
    layout.card_box(*card, key="proj_card", size="header")


def _screen_live(room_id: int) -> None:
    """Polled: the room as the store has it now."""
    store = context.store()
    state = rs.room_state(store, room_id)
    if state is None or not state.is_open:
        st.title("Thank you for coming", anchor=False)
        st.markdown(
            "This workshop has ended. Everything shared with the room is deleted "
            "after the workshop."
        )
        return
    script = rs.script_for(context.catalog(), state.script_id)
    showing = rs.showing_results(store, room_id)
    counts = rs.counts(store, state, script)
    with st.container(key="rs_main"):
        if showing:
            _screen_results(state, counts)
        else:
            _screen_script(state, script)
    with st.container(key="rs_figures", horizontal=True):
        for name, value in room_words(state, script, counts, showing, time.time()):
            st.metric(name, value)


def _join_box(state: rs.RoomState, *, big: bool) -> None:
    link = join_url(base_url() + "/join", state.code)
    data = base64.b64encode(qr_svg(link).encode("utf-8")).decode("ascii")
    with st.container(key="room_code"):
        st.caption("Join with this code")
        st.subheader(state.code, anchor=False)  # our own letters and digits
    st.html(  # static: our own QR image of our own link
        f'<img class="sbs-qr{" sbs-qr-big" if big else ""}" '
        'alt="QR code that opens the join page with this room\'s code" '
        'style="display:block;width:100%;max-width:260px;height:auto" '
        f'src="data:image/svg+xml;base64,{data}">'
    )
    address = link.split("://", 1)[-1].split("?", 1)[0]
    if big and local_only(link):  # an address phones can't reach is never projected
        st.caption("Scan the code, or open “Join a workshop” on the studio")
    else:
        st.caption(address)


def room_screen() -> None:
    """The room screen: ``?screen=<token>``. No control, no sidebar, no secret."""
    from studio.ui import theme

    theme.room_screen()
    store = context.store()
    token = st.query_params.get(SCREEN_PARAM) or None
    state = rs.screen_room(store, token)
    if state is None:
        st.title("This screen's link doesn't open a room", anchor=False)
        st.markdown(
            "The workshop may have ended, or only part of the link was copied. "
            "Open the room screen again from the presenter view."
        )
        return
    main, side = st.columns([2.1, 1], gap="large")
    with main:
        st.fragment(run_every=POLL_SECONDS)(_screen_live)(state.id)
    if state.is_open:
        with side, st.container(key="rs_join"):
            _join_box(state, big=True)


# ------------------------------------------------------------------------ the presenter


class Presenter:
    """The facilitator's own page. Holds the secret (from the page's own URL) and acts."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.store = context.store()
        self.cat = context.catalog()

    # -- actions (callbacks: they run before the page is drawn again)
    def act(self, action, *args) -> None:
        try:
            action(self.store, self.secret, *args)
        except rs.RoomError as exc:
            say(str(exc))

    def on_move(self, script: RoomScript, step: int) -> None:
        self.act(rs.move_phase, script, step)

    def on_start_timer(self, phase: str) -> None:
        self.act(rs.start_timer, st.session_state.get(f"ws_minutes_{phase}", 5))

    def on_show_results(self) -> None:
        try:
            release = rs.show_results(self.store, self.secret, rs.scale_labels(self.cat))
        except rs.RoomError as exc:
            say(str(exc))
            return
        if release.released_now:
            note = (
                f"Released: results from {release.shared} couples. The room screen shows them now."
            )
        elif release.results is None:
            note = (
                f"Nothing to release yet: results need at least {release.min_group} "
                f"couples who shared, and {release.shared} "
                f"{'has' if release.shared == 1 else 'have'}. The room screen says "
                "results come once enough couples share."
            )
        else:
            note = (
                f"The room screen shows the latest release ({release.results.couples} "
                f"couples). A new release needs {plural(release.needed, 'more couple')} "
                "to share, so no single couple can be read from the difference."
            )
        st.session_state[f"ws_note_{self.secret[:8]}"] = note

    def on_deal(self, phase_key: str) -> None:
        script_phase = None
        state = rs.facilitator_room(self.store, self.secret)
        script = rs.script_for(self.cat, state.script_id) if state is not None else None
        if script is not None and phase_key in script.phase_keys:
            script_phase = script.phase(phase_key)
        deck = rs.deck_for(self.cat, script_phase)
        if deck is None:
            say("There's no deck of cards installed to deal from.")
            return
        self.act(rs.deal_to_room, deck)

    def on_hide_results(self) -> None:
        self.act(rs.hide_results)

    def on_close(self) -> None:
        self.act(rs.close_room)

    def on_answer_help(self, ref: int) -> None:
        self.act(rs.answer_help, ref)

    # -- drawing
    def controls(self, state: rs.RoomState, script: RoomScript | None, showing: bool) -> None:
        with st.container(key="room_controls"):
            row = st.container(horizontal=True, gap="small")  # one row on a phone too
            row1 = (row, row)
            if script is not None:
                idx = phase_index(script, state.phase) if state.phase in script.phase_keys else 0
                row1[0].button(
                    "Back",
                    icon=":material/arrow_back:",
                    key="ws_prev",
                    disabled=idx == 0,
                    on_click=self.on_move,
                    args=(script, -1),
                    width="stretch",
                )
                row1[1].button(
                    "Next",
                    icon=":material/arrow_forward:",
                    key="ws_next",
                    type="primary",
                    disabled=idx + 1 >= len(script.phases),
                    on_click=self.on_move,
                    args=(script, 1),
                    width="stretch",
                )
                suggested = script.phase(script.phase_keys[idx]).suggested_minutes or 5
            else:
                suggested = 5
            row2 = st.columns([1, 1.2, 1.5], gap="small", vertical_alignment="bottom")
            options = sorted({1, 2, 3, 5, 8, 10, 12, 15, 20, 25, 30, 45, 60, suggested})
            row2[0].selectbox(
                "Timer length",
                options,
                index=options.index(suggested),
                key=f"ws_minutes_{state.phase}",
                format_func=lambda m: f"{m} min",
                label_visibility="collapsed",
            )
            if state.timer_set:
                row2[1].button(
                    "Stop timer",
                    icon=":material/timer_off:",
                    key="ws_timer_stop",
                    on_click=self.act,
                    args=(rs.stop_timer,),
                    width="stretch",
                )
            else:
                row2[1].button(
                    "Start timer",
                    icon=":material/timer:",
                    key="ws_timer_start",
                    on_click=self.on_start_timer,
                    args=(state.phase,),
                    width="stretch",
                )
            if showing:
                row2[2].button(
                    "Back to the script",
                    icon=":material/slideshow:",
                    key="ws_hide_results",
                    width="stretch",
                    on_click=self.on_hide_results,
                )
            else:
                row2[2].button(
                    "Show results",
                    icon=":material/bar_chart:",
                    key="ws_results",
                    on_click=self.on_show_results,
                    width="stretch",
                )

    def preview(self, room_id: int) -> None:
        """Polled: what the room screen shows now, in small, and the facilitator's counts."""
        state = rs.room_state(self.store, room_id)
        if state is None:
            st.info("This room has just been deleted.", icon=":material/info:")
            return
        script = rs.script_for(self.cat, state.script_id)
        showing = rs.showing_results(self.store, room_id)
        counts = rs.counts(self.store, state, script)
        self.help_calls()
        with st.container(border=True, key="ws_preview"):
            st.caption("On the room screen now")
            phase = _phase(script, state.phase)
            if showing:
                title = results_headline(state)
            else:
                title = phase.title if phase is not None else "The workshop is on"
            st.markdown(
                "**"
                + md_escape(title)
                + "** · "
                + " · ".join(
                    f"{name}: **{value}**"
                    for name, value in room_words(state, script, counts, showing, time.time())
                )
            )
            if phase is not None and not showing:
                st.caption(md_escape(phase.projector_text))
        with st.container(horizontal=True, key="ws_figures"):
            st.metric("Couples here", counts.joined)
            st.metric("Done with this part", counts.done_with(state.phase))
            st.metric("Shared with the room", counts.shared)
        with st.expander("Progress by part (counts only)"):
            st.caption(
                "A couple is done with a part when they did its work (both sealed, "
                "looked together, finished a round of the dialogue) or said so."
            )
            if script is not None:
                rows = [
                    {"Part": p.title, "Couples done": counts.done_with(p.key)}
                    for p in script.phases
                ]
                st.table(pd.DataFrame(rows).set_index("Part"))

    def help_calls(self) -> None:
        """Couples who asked for a facilitator: by the place they gave, never a name.
        Only here, on the presenter view; the room screen never shows them."""
        try:
            calls = rs.help_calls(self.store, self.secret)
        except rs.RoomError:
            return
        if not calls:
            return
        with st.container(border=True, key="ws_help"):
            st.markdown(
                ":material/front_hand: **"
                + (
                    "A couple would like you"
                    if len(calls) == 1
                    else f"{len(calls)} couples would like you"
                )
                + "**"
            )
            now = time.time()
            for call in calls:
                with st.container(
                    horizontal=True, vertical_alignment="center", key=f"ws_help_row_{call.ref}"
                ):
                    minutes = max(0, round((now - call.asked_at) / 60))
                    since = "just now" if minutes < 1 else f"{plural(minutes, 'minute')} ago"
                    st.markdown("**" + md_escape(call.place) + "** · asked " + since)
                    st.button(
                        "On my way",
                        key=f"ws_help_ok_{call.ref}",
                        icon=":material/directions_walk:",
                        on_click=self.on_answer_help,
                        args=(call.ref,),
                    )

    def results(self, state: rs.RoomState) -> None:
        """The released totals (as the room sees them) and what the last press did."""
        note = st.session_state.get(f"ws_note_{self.secret[:8]}")
        if note:
            st.info(note, icon=":material/info:")
        results = state.results
        if results is None or (not results.scales and not results.needs):
            return
        labels = rs.scale_labels(self.cat)
        with st.expander(f"{results_headline(state)} (released)", expanded=True):
            top = rs.top_needs(results, rs.need_labels(self.cat))
            if top:
                st.markdown(
                    "**Needs chosen most:** "
                    + "; ".join(f"{md_escape(n)}: {plural(p, 'person', 'people')}" for n, p in top)
                )
            rows = rs.results_rows(results, labels)
            if rows:
                st.table(pd.DataFrame(rows).set_index("Scale"))
            hidden = len(results.hidden_scales)
            if hidden:
                st.caption(
                    f"{plural(hidden, 'scale')} left out: fewer than "
                    f"{results.min_group} couples answered."
                )

    def join(self, state: rs.RoomState) -> None:
        link = join_url(base_url() + "/join", state.code)
        st.markdown(
            f"Join code **{state.code}** · " + md_escape(link.split("://", 1)[-1].split("?", 1)[0])
        )
        if local_only(link):
            st.warning(
                "This address only works on this computer, so the room screen shows only "
                "the code and the QR, and phones can't reach the studio yet. Start it "
                "with “make workshop” instead: it listens on your network and puts the "
                "right address on the room screen. Behind a proxy, set STUDIO_PUBLIC_URL.",
                icon=":material/wifi_off:",
            )

    def run(self, state: rs.RoomState) -> None:
        script = rs.script_for(self.cat, state.script_id)
        showing = rs.showing_results(self.store, state.id)
        token = rs.screen_token_of(self.store, self.secret)
        show_message()
        st.caption("Presenter view · only you see this page")
        phase = _phase(script, state.phase)
        if phase is not None and script is not None:
            n = phase_index(script, phase.key) + 1
            st.title(f"Part {n} of {len(script.phases)}: " + md_escape(phase.title), anchor=False)
        else:
            st.title("Your workshop room", anchor=False)
        self.controls(state, script, showing)
        if phase is not None and phase.couple_view == "cards":
            card = rs.room_card(self.cat, state)
            if card is not None:
                _big_card(card)
            st.button(
                "Deal a card to the room" if card is None else "Deal the next card",
                icon=":material/style:",
                key="ws_deal",
                type="primary",
                on_click=self.on_deal,
                args=(phase.key,),
                help="Every couple's screen and the room screen show it. No card comes "
                "round twice until the deck is through.",
            )
        st.fragment(run_every=POLL_SECONDS)(self.preview)(state.id)
        if showing:
            self.results(state)
        st.link_button(
            "Open the room screen",
            screen_url(token),
            icon=":material/tv:",
            help="Open it on the projector (press F11 there for full screen). It "
            "shows the script, the timer, the counts, the join code and "
            "released results, and has no controls.",
        )
        self.join(state)
        with st.popover("More", icon=":material/more_horiz:"):
            st.write(
                "Closing ends the workshop for everyone. Couples keep their own "
                "answers; the room and what was shared with it are deleted later."
            )
            st.button(
                "Close the room now",
                key="ws_close",
                on_click=self.on_close,
                icon=":material/door_front:",
            )
        # The link holds the secret: it is sent to the browser only when asked for (a
        # collapsed expander would still send it, hidden, with every redraw).
        if st.toggle("Your facilitator link — keep it to yourself", key="ws_show_link"):
            st.write(
                "Only this link can run the room: moving on, timers, results, closing. "
                "Bookmark it. Don't project it or share it with couples: the room "
                "screen has its own link."
            )
            st.code(
                base_url() + "/workshop?" + context.ROOM_PARAM + "=" + self.secret, language=None
            )

    def closed(self, state: rs.RoomState) -> None:
        script = rs.script_for(self.cat, state.script_id)
        st.title("This room is closed", anchor=False)
        left = rs.deleted_at(state, script) - time.time()
        st.write(
            "Thank you for holding the room. Couples keep their own answers on their own "
            "devices; the room and everything shared with it will be deleted "
            + in_words(max(60, left))
            + "."
        )
        if state.results is not None and st.toggle(
            "Show the last results", key=f"ws_last_{state.id}"
        ):
            self.results(state)
        st.button(
            "Start a new room", type="primary", key="ws_new_after_close", on_click=_leave_room
        )


def kept_off_projector(secret: str) -> None:
    """The presenter view in projector mode: its controls and link stay off the big screen."""
    store = context.store()
    st.title("The presenter view stays off the big screen", anchor=False)
    st.write(
        "It holds your controls and your facilitator link. Put the room screen on the "
        "projector instead: it has no controls and no secret."
    )
    if rs.facilitator_room(store, secret) is not None:
        st.link_button(
            "Open the room screen",
            screen_url(rs.screen_token_of(store, secret)),
            icon=":material/tv:",
        )
    st.button(
        "Leave projector mode",
        type="primary",
        key="ws_proj_off",
        on_click=room_banner.set_projector,
        args=(False,),
    )


def _leave_room() -> None:
    """Back to "Run a workshop" without a room: the facilitator link leaves the address."""
    st.query_params.pop(context.ROOM_PARAM, None)


def _create_room(store: Store, script: RoomScript, group_key: str) -> None:
    """ "Create the room": this tab's address becomes the presenter view's."""
    try:
        new = rs.create_room(store, script, min_group=int(st.session_state[group_key]))
    except rs.RoomError as exc:
        say(str(exc))
        return
    rs.screen_token_of(store, new.secret)
    st.query_params[context.ROOM_PARAM] = new.secret
    say(
        "Your room is ready. Open the room screen on the projector; keep this page's "
        "link to yourself: only it can run the room.",
        "info",
    )


def create_form() -> None:
    store = context.store()
    st.title("Run a workshop", anchor=False)
    st.write(
        "Put the evening's script on the big screen, let couples join from their own phone "
        "or laptop, and step through it together. The room sees counts and, when enough "
        "couples choose to share, totals. Never one couple's answers."
    )
    scripts = rs.room_scripts(context.catalog())
    if not scripts:
        st.warning(
            "There's no workshop script in the exercises folder yet, so a room can't "
            'start. Add a file with kind = "room_script".',
            icon=":material/description:",
        )
        return
    st.markdown(
        "1. Create the room. This page becomes your presenter view, with every control.\n"
        "2. Open the room screen on the projector: couples join with its code or QR code, "
        "one phone or laptop per couple.\n"
        "3. Step through the parts. Every couple's screen follows along."
    )
    by_id = {s.id: s for s in scripts}
    with st.container(border=True):
        chosen = st.selectbox(
            "Workshop script", list(by_id), key="ws_script", format_func=lambda k: by_id[k].title
        )
        script = by_id[chosen]
        if script.summary:
            st.caption(md_escape(script.summary))
        st.number_input(
            "Show room results only from this many couples",
            min_value=3,
            max_value=100,
            value=max(3, script.min_group),
            step=1,
            key=f"ws_min_group_{chosen}",
            help="Below this number the room sees no results at all. Never fewer than 3.",
        )
        st.button(
            "Create the room",
            type="primary",
            key="ws_create",
            icon=":material/add_circle:",
            on_click=_create_room,
            args=(store, script, f"ws_min_group_{chosen}"),
        )
    show_message()  # why a room couldn't be made, if it couldn't


def facilitator_page() -> None:
    """pages/facilitator/workshop.py: the presenter view, or the form to start a room."""
    store = context.store()
    rs.purge_expired(store, context.catalog())  # a cheap read unless a room is due
    secret = st.query_params.get(context.ROOM_PARAM) or None
    if secret is None:
        create_form()
        return
    if context.projector():
        kept_off_projector(secret)
        return
    room = rs.facilitator_room(store, secret)
    if room is None:
        flash.forget(MSG)
        st.title("Run a workshop", anchor=False)
        st.warning(
            "This facilitator link doesn't open a room. The room may have closed and been "
            "deleted after the workshop, or only part of the link was copied. Nothing was "
            "changed. You can start a new room here.",
            icon=":material/link_off:",
        )
        st.button(
            "Start a new room", type="primary", key="ws_new_after_bad_link", on_click=_leave_room
        )
        return
    presenter = Presenter(secret)
    if room.is_open:
        presenter.run(room)
    else:
        presenter.closed(room)
