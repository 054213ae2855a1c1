"""What makes you feel safe? Private turns, a shared reveal, and earlier rounds."""

import datetime as dt

import streamlit as st

from studio import safety_service as svc
from studio.ui import context, layout, safety_view

couple = context.require_couple()
if couple.stage != "ready":
    context.go("setup")
store = context.store()
cat = context.catalog()
spec = cat.get("safety_map")
lexicon = cat.get("themes")

if spec is None:
    layout.where("answers")
    st.title("What makes you feel safe?")
    st.warning("This exercise can't be opened right now because its content file has a "
               "problem. The other exercises still work.", icon=":material/description:")
    for err in cat.errors:
        if err.path.name in ("safety_map.toml",):
            st.text(str(err))
    st.stop()
if lexicon is None:
    st.caption("The themes list couldn't be read, so themes aren't shown this time.")

runs = svc.runs(store, couple.id)
if not runs:
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
    if st.button("Let's start", type="primary", key="sm_start"):
        svc.start_run(store, couple.id)
        st.rerun()
    st.stop()

run = runs[0]
safety_view.render(store, spec, lexicon, couple, run)

if run.phase == "reveal":
    st.divider()
    st.header("Another time")
    st.write("Things change. You can do this again later and keep this round to look back on.")
    if st.button("Start a new round", key="sm_new_round"):
        svc.start_run(store, couple.id)
        st.rerun()
    earlier = [r for r in runs[1:] if r.phase == "reveal"]
    if earlier:
        with st.expander(f"Earlier rounds ({len(earlier)})"):
            for r in earlier:
                when = dt.datetime.fromtimestamp(r.started_at).strftime("%d %B %Y, %H:%M")
                st.markdown("**Round from " + when + "**")
                data = svc.reveal(store, spec, r)
                rv = data.reveal
                st.write(
                    (f"Shared ground {rv.alignment} / 100. " if rv.alignment is not None else "")
                    + "Where you differed most: "
                    + (", ".join(x.topic for x in rv.differences) or "nowhere far apart")
                    + "."
                )
