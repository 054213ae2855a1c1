"""Run a workshop: create a room, put it on the big screen, step through the script.

Only the link with the room's secret (``?room=…``) can run a room. The big screen shows
the script, the timer, counts, and — when the facilitator asks and enough couples shared —
anonymous totals. It never reads a couple's answers.
"""

import base64
import os
import time
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from studio import journey
from studio import room_service as rs
from studio.room import RoomScript, join_url, phase_index, qr_svg
from studio.text import md_escape
from studio.ui import context, room_banner

store = context.store()
cat = context.catalog()
rs.purge_expired(store, cat)  # a cheap read unless a room is due for deletion

projector = context.projector()
secret = st.query_params.get(context.ROOM_PARAM) or None
MSG = "ws_message"


# ---------------------------------------------------------------------------- helpers


def base_url() -> str:
    """The studio's address as couples' devices reach it (STUDIO_PUBLIC_URL wins)."""
    configured = os.environ.get("STUDIO_PUBLIC_URL", "").strip()
    url = configured or st.context.url or "http://localhost:8501/"
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    for page in ("/workshop", "/join"):
        path = path.removesuffix(page)
    return f"{parts.scheme}://{parts.netloc}{path}"


def local_only(url: str) -> bool:
    return (urlsplit(url).hostname or "") in ("localhost", "127.0.0.1", "::1", "0.0.0.0")  # noqa: S104


def in_words(seconds: float) -> str:
    hours = seconds / 3600
    if hours >= 1.5:
        return f"in about {round(hours)} hours"
    minutes = max(1, round(seconds / 60))
    return f"in about {minutes} minute{'s' if minutes != 1 else ''}"


def say(text: str, kind: str = "error") -> None:
    st.session_state[MSG] = (kind, text)


def show_message() -> None:
    kind, text = st.session_state.pop(MSG, (None, None))
    if text:
        (st.error if kind == "error" else st.info)(
            text, icon=":material/info:" if kind != "error" else ":material/error:"
        )


def results_key(room_id: int) -> str:
    return f"ws_results_{room_id}"


# ---------------------------------------------------------------------------- actions
# Callbacks: they run before the page is drawn again, so the screen shows the new state.


def act(action, *args) -> None:
    try:
        action(store, secret, *args)
    except rs.RoomError as exc:
        say(str(exc))


def on_move(script: RoomScript, step: int, room_id: int) -> None:
    st.session_state[results_key(room_id)] = False
    act(rs.move_phase, script, step)


def on_start_timer(phase: str) -> None:
    act(rs.start_timer, st.session_state.get(f"ws_minutes_{phase}", 5))


def note_key(room_id: int) -> str:
    return f"ws_results_note_{room_id}"


def on_show_results(room_id: int) -> None:
    try:
        release = rs.release_results(store, secret, rs.scale_labels(cat))
    except rs.RoomError as exc:
        say(str(exc))
        return
    st.session_state[results_key(room_id)] = True
    if release.released_now:
        note = f"New results from {release.shared} couples."
    elif release.results is None:
        note = (f"Results appear once at least {release.min_group} couples have shared. "
                f"{release.shared} {'has' if release.shared == 1 else 'have'} so far.")
    else:
        more = f"{release.needed} more couple{'s' if release.needed != 1 else ''}"
        note = (f"These are the results from before ({release.results.couples} couples). New "
                f"ones once {more} have shared, so no single couple can be read from the "
                "difference.")
    st.session_state[note_key(room_id)] = note


def on_close(room_id: int) -> None:
    st.session_state[results_key(room_id)] = False
    act(rs.close_room)


def set_projector(on: bool) -> None:
    """Switch projector mode (a callback, so the sidebar's switch can follow along)."""
    room_banner.set_projector(on)


# ---------------------------------------------------------------------------- drawing


def draw_results(state: rs.RoomState) -> None:
    """The released totals (never fresher than the last "Show results")."""
    results = state.results
    note = st.session_state.get(note_key(state.id))
    if results is None or (not results.scales and not results.needs):
        st.title("Room results", anchor=False)
        st.markdown(note or "Nothing to show yet.")
        st.markdown(
            f"The room sees totals only when at least {state.min_group} couples have chosen "
            "to share, and only when you press “Show results”. Never one couple's answers."
        )
        return
    labels, needs = rs.scale_labels(cat), rs.need_labels(cat)
    st.title(f"What {results.couples} couples shared", anchor=False)
    st.caption(
        (note + " " if note else "")
        + "Totals only, never one couple. How far apart partners stood on each scale: "
        "a difference is something to talk about, not a problem."
    )
    chart, side = st.columns([2, 1], gap="large")
    with chart:
        if results.scales:
            fig = rs.results_figure(results, labels, font_size=24 if projector else 15)
            st.plotly_chart(fig, theme=None, key="ws_results_chart",
                            config={"displayModeBar": False, "staticPlot": projector})
    with side:
        top = rs.top_needs(results, needs)
        if top:
            st.subheader("Needs chosen most", anchor=False)
            for name, people in top:
                who = "person" if people == 1 else "people"
                st.markdown(f"- {md_escape(name)}: **{people}** {who}")
        hidden = len(results.hidden_scales)
        if hidden:
            st.caption(f"{hidden} scale{'s' if hidden != 1 else ''} left out: fewer than "
                       f"{results.min_group} couples answered {'them' if hidden != 1 else 'it'}.")
    rows = rs.results_rows(results, labels)
    if rows:
        st.table(pd.DataFrame(rows).set_index("Scale"))


def draw_script(state: rs.RoomState, script: RoomScript | None) -> None:
    if script is None:
        st.header("The script is missing", anchor=False)
        st.write("The room's script file can't be read right now. The room keeps going; "
                 "check the file in the exercises folder.")
        return
    try:
        phase = script.phase(state.phase)
    except KeyError:
        st.write("This part is no longer in the script. Press “Next” to carry on.")
        return
    n = phase_index(script, phase.key) + 1
    st.caption(f"Part {n} of {len(script.phases)}")
    st.title(md_escape(phase.title), anchor=False)
    text = phase.projector_text
    size = "proj_text" if len(text) <= 260 else "proj_text_long" if len(text) <= 420 else (
        "proj_text_xlong")  # a long text gets smaller type, so the screen still fits
    with st.container(key=size):
        st.markdown(md_escape(text))


def draw_status(state: rs.RoomState) -> None:
    counts = rs.counts(store, state)
    left = state.timer_left(time.time())
    figures = [("Couples here", counts.joined), ("Done with this part",
                                                 counts.done_with(state.phase))]
    if left is not None:
        figures.insert(0, ("Time left", journey.clock(left) if left > 0 else "Time's up"))
    for col, (name, value) in zip(st.columns(3), figures, strict=False):
        col.metric(name, value)


def live(room_id: int, showing: bool) -> None:
    """Polled every second: the room as the store has it now (another tab may move it).
    Released results are drawn outside, once: they change only on "Show results"."""
    state = rs.room_state(store, room_id)
    if state is None:
        st.info("This room has just been deleted.", icon=":material/info:")
        return
    if not showing:
        draw_script(state, rs.script_for(cat, state.script_id))
    draw_status(state)


def draw_join(state: rs.RoomState) -> None:
    link = join_url(base_url() + "/join", state.code)
    svg = qr_svg(link)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    with st.container(key="room_code"):
        st.caption("Join with this code")
        st.subheader(state.code, anchor=False)  # our own letters and digits, never typed text
    st.html(  # static: our own QR image of our own link, nothing typed by anyone
        '<img class="sbs-qr" alt="QR code that opens the join page with this room\'s code" '
        'style="display:block;width:100%;max-width:260px;height:auto" '
        f'src="data:image/svg+xml;base64,{data}">'
    )
    st.caption(link.split("://", 1)[-1].split("?", 1)[0])
    if local_only(link) and not projector:
        st.warning(
            "This address only works on this computer. For phones in the room, open the "
            "studio by this computer's network address, or set STUDIO_PUBLIC_URL.",
            icon=":material/wifi_off:",
        )


def draw_controls(state: rs.RoomState, script: RoomScript | None) -> None:
    showing = st.session_state.get(results_key(state.id), False)
    with st.container(key="room_controls"):
        cols = st.columns([1, 1, 1, 1.3, 1.45, 1], gap="small", vertical_alignment="bottom")
        if script is not None:
            idx = phase_index(script, state.phase) if state.phase in script.phase_keys else 0
            cols[0].button("Back", icon=":material/arrow_back:", key="ws_prev",
                           disabled=idx == 0, on_click=on_move, args=(script, -1, state.id),
                           width="stretch")
            cols[1].button("Next", icon=":material/arrow_forward:", key="ws_next",
                           type="primary", disabled=idx + 1 >= len(script.phases),
                           on_click=on_move, args=(script, 1, state.id), width="stretch")
            suggested = script.phase(script.phase_keys[idx]).suggested_minutes or 5
        else:
            suggested = 5
        options = sorted({1, 2, 3, 5, 8, 10, 12, 15, 20, 25, 30, 45, 60, suggested})
        cols[2].selectbox("Timer length", options, index=options.index(suggested),
                          key=f"ws_minutes_{state.phase}", format_func=lambda m: f"{m} min",
                          label_visibility="collapsed")
        if state.timer_set:
            cols[3].button("Stop timer", icon=":material/timer_off:", key="ws_timer_stop",
                           on_click=act, args=(rs.stop_timer,), width="stretch")
        else:
            cols[3].button("Start timer", icon=":material/timer:", key="ws_timer_start",
                           on_click=on_start_timer, args=(state.phase,), width="stretch")
        if showing:
            cols[4].button("Back to the script", icon=":material/slideshow:",
                           key="ws_hide_results", width="stretch",
                           on_click=lambda: st.session_state.update({results_key(state.id): False}))
        else:
            cols[4].button("Show results", icon=":material/bar_chart:", key="ws_results",
                           on_click=on_show_results, args=(state.id,), width="stretch")
        with cols[5].popover("More", icon=":material/more_horiz:", width="stretch"):
            if projector:
                st.button("Leave projector mode", key="ws_proj_off", on_click=set_projector,
                          args=(False,), icon=":material/desktop_windows:")
            st.write("Closing ends the workshop for everyone. Couples keep their own answers; "
                     "the room and what was shared with it are deleted later.")
            st.button("Close the room now", key="ws_close", on_click=on_close,
                      args=(state.id,), icon=":material/door_front:")


def draw_progress(state: rs.RoomState, script: RoomScript | None) -> None:
    counts = rs.counts(store, state)
    st.write(f"{counts.joined} couple{'s' if counts.joined != 1 else ''} joined · "
             f"{counts.shared} shared with the room.")
    if script is not None:
        rows = [{"Part": p.title, "Couples done": counts.done_with(p.key)} for p in script.phases]
        st.table(pd.DataFrame(rows).set_index("Part"))


def run_room(state: rs.RoomState) -> None:
    script = rs.script_for(cat, state.script_id)
    showing = st.session_state.get(results_key(state.id), False)
    show_message()
    if showing:  # the whole width for the totals
        draw_results(state)
        st.fragment(run_every=1.0)(live)(state.id, showing)
    else:
        main, side = st.columns([5, 2], gap="large")
        with side:
            draw_join(state)
        with main:
            st.fragment(run_every=1.0)(live)(state.id, showing)
    draw_controls(state, script)
    if not projector:
        st.button("Put it on the big screen", key="ws_proj_on_main", on_click=set_projector,
                  args=(True,), icon=":material/co_present:",
                  help="Large type, high contrast, no sidebar. Leave it under “More”. "
                       "Press F11 for full screen, so your facilitator link in the "
                       "address bar stays off the big screen.")
        with st.expander("Progress by part (counts only)"):
            draw_progress(state, script)
        with st.expander("Your facilitator link — keep it to yourself"):
            st.write("Only this link can run the room: moving on, timers, results, closing. "
                     "Bookmark it. Don't put it on the big screen or share it with couples. "
                     "It is in your address bar too: on the projector, press F11 for full "
                     "screen.")
            st.code(base_url() + "/workshop?" + context.ROOM_PARAM + "=" + (secret or ""),
                    language=None)


def closed_room(state: rs.RoomState) -> None:
    script = rs.script_for(cat, state.script_id)
    st.title("This room is closed", anchor=False)
    left = rs.deleted_at(state, script) - time.time()
    st.write(
        "Thank you for holding the room. Couples keep their own answers on their own "
        "devices; the room and everything shared with it will be deleted "
        + in_words(max(60, left)) + "."
    )
    if state.results is not None:  # shown again only when asked, as before closing
        again = st.toggle("Show the last results", key=results_key(state.id))
        if again:
            draw_results(state)
    if st.button("Start a new room", type="primary", key="ws_new_after_close"):
        st.query_params.pop(context.ROOM_PARAM, None)
        st.rerun()


def create_form() -> None:
    st.title("Run a workshop", anchor=False)
    st.write(
        "Put the evening's script on the big screen, let couples join from their own phone "
        "or laptop, and step through it together. The room sees counts and, when enough "
        "couples choose to share, totals. Never one couple's answers."
    )
    scripts = rs.room_scripts(cat)
    if not scripts:
        st.warning("There's no workshop script in the exercises folder yet, so a room can't "
                   "start. Add a file with kind = \"room_script\".", icon=":material/description:")
        return
    st.markdown(
        "1. Create the room and put this page on the big screen.\n"
        "2. Couples join with the code or the QR code, one phone or laptop per couple.\n"
        "3. Step through the parts. Every couple's screen follows along."
    )
    by_id = {s.id: s for s in scripts}
    with st.container(border=True):
        chosen = st.selectbox("Workshop script", list(by_id), key="ws_script",
                              format_func=lambda k: by_id[k].title)
        script = by_id[chosen]
        if script.summary:
            st.caption(md_escape(script.summary))
        group = st.number_input(
            "Show room results only from this many couples", min_value=3, max_value=100,
            value=max(3, script.min_group), step=1, key=f"ws_min_group_{chosen}",
            help="Below this number the room sees no results at all. Never fewer than 3.",
        )
        go = st.button("Create the room", type="primary", key="ws_create",
                       icon=":material/add_circle:")
    if go:
        try:
            new = rs.create_room(store, script, min_group=int(group))
        except rs.RoomError as exc:
            st.error(str(exc), icon=":material/error:")
            return
        st.query_params[context.ROOM_PARAM] = new.secret
        say("Your room is ready. Couples join with the code on the screen. Keep this page's "
            "link to yourself: only it can run the room.", "info")
        st.rerun()


# ---------------------------------------------------------------------------- the page

if secret is not None:
    room = rs.facilitator_room(store, secret)
    if room is None:
        st.session_state.pop(MSG, None)  # this page says it all
        st.title("Run a workshop", anchor=False)
        st.warning(
            "This facilitator link doesn't open a room. The room may have closed and been "
            "deleted after the workshop, or only part of the link was copied. Nothing was "
            "changed. You can start a new room here.",
            icon=":material/link_off:",
        )
        if st.button("Start a new room", type="primary", key="ws_new_after_bad_link"):
            st.query_params.pop(context.ROOM_PARAM, None)
            st.rerun()
        st.stop()
    if room.is_open:
        run_room(room)
    else:
        closed_room(room)
    st.stop()

create_form()
