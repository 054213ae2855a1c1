"""Your data: download everything, or forget it all."""

import json

import streamlit as st

from studio.ui import context

couple = context.require_couple()
store = context.store()

st.title("Your data")
st.write(
    "Everything you enter is kept in one file on this computer and nowhere else. "
    "Here you can take a copy, or delete all of it."
)

st.header("Take a copy")
st.write(
    "A file with your names, answers, topics and notes, readable in any text editor. "
    "It holds only what you have looked at together."
)
export = store.export_couple(couple.id)
for sentence in export.get("not_in_this_file", []):  # the store's words, never user text
    st.info(sentence, icon=":material/lock:")
st.download_button(
    "Download our answers",
    data=json.dumps(export, ensure_ascii=False, indent=2),
    file_name="side-by-side.json",
    mime="application/json",
    icon=":material/download:",
    key="data_export",
)

st.header("Forget us")
st.write(
    "This deletes both your names, every answer, topic, note and rating, and takes you "
    "out of any workshop. It can't be undone, and it happens on this computer right away."
)
sure = st.checkbox("Yes, delete everything about the two of us", key="forget_sure")
if st.button(
    "Forget us",
    type="primary",
    disabled=not sure,
    icon=":material/delete_forever:",
    key="forget_go",
):
    store.forget_couple(couple.id)
    st.session_state.clear()
    st.switch_page(context.PAGES["welcome"], query_params=context.keep_params(c=None, bye="1"))
