"""The screens of "Our story so far": the words since last time, the trends, the timeline,
and the take-home report. Everything comes from ``studio.story`` (built from the export,
so nothing still sealed can appear); user words are drawn with ``md_escape``."""

from __future__ import annotations

import streamlit as st

from studio import checkin_service, registry, story, story_charts
from studio.store import Couple, Store
from studio.text import content_md, md_escape
from studio.ui import context, takehome_view
from studio.ui.partner import label
from studio.ui.safety_view import PLOTLY_CONFIG, _styles

RECENT = 12  # timeline entries drawn one by one; the rest wait in one "Earlier" section
ICONS = {k.kind: k.icon for k in registry.KINDS}


def _answer_words():
    spec = checkin_service.find_spec(context.catalog())
    if spec is None:
        return None
    return lambda v: spec.answer_labels[v]


def _line(couple: Couple, line: str) -> str:
    who, words = story.who(line)
    if who is None:
        return md_escape(words)
    return label(couple, who) + ": " + md_escape(words)


def _empty() -> None:
    st.info(
        "Nothing here yet, and that's fine. Once the two of you have looked at an "
        "exercise together, it appears here, so you can see where you have been.",
        icon=":material/timeline:",
    )
    with st.container(horizontal=True):
        if st.button("Our weekly check-in", key="story_go_checkin", type="primary"):
            context.go("checkin")
        if st.button("What makes you feel safe?", key="story_go_map"):
            context.go("safety_map")


def page(store: Store, couple: Couple) -> None:
    data = story.build(store.export_couple(couple.id), context.catalog())
    st.write(
        "Everything the two of you have looked at together, over time. Only what you "
        "have both seen is here: anything still sealed stays out."
    )
    if data.empty:
        _empty()
        return
    counts = [
        f"{n} {word}{'s' if n != 1 else ''}"
        for n, word in (
            (data.rounds, "round"),
            (data.checkins, "check-in"),
            (data.dialogues, "dialogue"),
        )
        if n
    ]
    st.caption("So far: " + ", ".join(counts) + ".")
    if data.moved:
        with st.container(border=True, key="story_moved"):
            st.markdown("**Since last time**")
            for sentence in data.moved:
                st.markdown(content_md(sentence))
    words = _answer_words()
    for title, fig, lines in story_charts.figures(data, _styles(couple), words):
        st.subheader(title, anchor=False)
        st.plotly_chart(fig, config=PLOTLY_CONFIG, width="stretch", key=f"story_{title}")
        with st.expander("The chart in words"):
            st.markdown("\n".join("- " + md_escape(x) for x in lines))
    st.header("Along the way", anchor=False)
    recent, earlier = data.entries[:RECENT], data.entries[RECENT:]
    for entry in recent:
        with st.container(border=True):
            st.markdown(
                f"{ICONS.get(entry.kind, '')} **{content_md(entry.title)}** · "
                + story.day(entry.when)
            )
            for line in entry.lines:
                st.markdown(_line(couple, line))
    if earlier:  # a long history stays one element, not hundreds of boxes
        with st.expander(f"Earlier ({len(earlier)})"):
            st.markdown(
                "\n\n".join(
                    f"**{content_md(e.title)}** · {story.day(e.when)}  \n"
                    + "  \n".join(_line(couple, line) for line in e.lines)
                    for e in earlier
                )
            )
    takehome_view.downloads(store, couple)
