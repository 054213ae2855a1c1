"""The screens of "Our story so far": a warm intro, "since last time" in words, the trend
charts each followed by "The chart in words", and the timeline, newest first.

Everything comes from ``studio.history`` (built from ``Store.export_couple``, so nothing
still sealed can appear) and ``studio.history_charts``; user words are drawn with
``md_escape`` / ``partner.label``, Plotly text through ``plotly_text``.

Why this view and not ``story_view``: with a long history (500 check-ins, 50 rounds)
that one sent every point of every line in words and 540 timeline entries in one
"Earlier" section: about 290 KB of markdown, which Chromium took over a second to lay
out on every visit. Here the words give the latest points of each line (the chart and
the take-home report have them all) and the timeline shows older moments a page at a
time, on request. See docs/PERFORMANCE.md, "Our story so far (issue 13)".
"""

from __future__ import annotations

import streamlit as st

from studio import history, history_charts
from studio.store import Couple, Store
from studio.text import content_md, md_escape
from studio.ui import context
from studio.ui.partner import label
from studio.ui.safety_view import PLOTLY_CONFIG

RECENT = 12  # timeline entries drawn one by one
EARLIER = 40  # more entries per "Show earlier moments" press, in one element
WORDS = 10  # latest points of each line said in words
SHOWN_KEY = "history_earlier"
ICONS = {"safety_map": ":material/shield:", "checkin": ":material/event_repeat:",
         "dialogue": ":material/forum:"}


def _line(couple: Couple, line: str) -> str:
    who, words = history.who(line)
    if who is None:
        return md_escape(words)
    return label(couple, who) + ": " + md_escape(words)


def _empty() -> None:
    st.info("Nothing here yet, and that's fine. Once the two of you have looked at an "
            "exercise together, it appears here, so you can see where you have been.",
            icon=":material/timeline:")
    with st.container(horizontal=True):
        if st.button("Our weekly check-in", key="story_go_checkin", type="primary"):
            context.go("checkin")
        if st.button("What makes you feel safe?", key="story_go_map"):
            context.go("safety_map")


def _more() -> None:
    st.session_state[SHOWN_KEY] = st.session_state.get(SHOWN_KEY, 0) + EARLIER


def _timeline(couple: Couple, entries: tuple[history.Entry, ...]) -> None:
    st.header("Along the way", anchor=False)
    for entry in entries[:RECENT]:
        with st.container(border=True):
            st.markdown(f"{ICONS.get(entry.kind, '')} **{content_md(entry.title)}** · "
                        + history.day(entry.when))
            for line in entry.lines:
                st.markdown(_line(couple, line))
    shown = min(len(entries), RECENT + st.session_state.get(SHOWN_KEY, 0))
    earlier = entries[RECENT:shown]
    if earlier:  # one element, not a box each
        with st.container(border=True, key="history_earlier_list"):
            st.markdown("\n\n".join(
                f"**{content_md(e.title)}** · {history.day(e.when)}  \n"
                + "  \n".join(_line(couple, line) for line in e.lines) for e in earlier))
    left = len(entries) - shown
    if left:
        st.button(f"Show earlier moments ({left} more)", key="history_more", on_click=_more,
                  icon=":material/expand_more:")


def page(store: Store, couple: Couple) -> history.History:
    """Draws the page body; returns the history it drew (so the page can tell if it was
    empty without reading the export again)."""
    cat = context.catalog()
    data = history.build(store.export_couple(couple.id), cat)
    st.write("Everything the two of you have looked at together, over time. Only what you "
             "have both seen is here: anything still sealed stays out.")
    if data.empty:
        _empty()
        return data
    counts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in
              ((data.rounds, "round"), (data.checkins, "check-in"),
               (data.dialogues, "dialogue")) if n]
    st.caption("So far: " + ", ".join(counts) + ".")
    if data.moved:
        with st.container(border=True, key="story_moved"):
            st.markdown("**Since last time**")
            st.markdown("\n\n".join(content_md(sentence) for sentence in data.moved))
    for title, fig, lines in history_charts.figures(
            data, history.styles(couple), history.answer_words(cat), recent=WORDS):
        st.subheader(title, anchor=False)
        st.plotly_chart(fig, config=PLOTLY_CONFIG, width="stretch", key=f"story_{title}")
        with st.expander("The chart in words"):
            st.markdown("\n".join("- " + md_escape(x) for x in lines))
    _timeline(couple, data.entries)
    return data
