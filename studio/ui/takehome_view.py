"""The take-home report's two downloads (HTML and PDF), made only when pressed."""

from __future__ import annotations

import logging

import streamlit as st

from studio import takehome
from studio.store import Couple, Store
from studio.ui import context
from studio.ui.safety_view import _styles

_LOG = logging.getLogger("studio.takehome")
SORRY = "We couldn't make the report just now. Nothing was lost: please try again."


def _made(store: Store, couple_id: int, kind: str):
    """A builder Streamlit calls when the button is pressed (never on every rerun). It
    reads the store afresh, so the file holds what is true at that moment."""

    def build() -> bytes | str:
        try:
            found = store.couple_by_id(couple_id)
            if found is None:
                raise LookupError("no couple")
            export = store.export_couple(couple_id)
            styles = _styles(found)
            if kind == "html":
                return takehome.html_report(
                    export, context.catalog(), made_at=context.now(), styles=styles
                )
            return takehome.pdf_report(
                export, context.catalog(), made_at=context.now(), styles=styles
            )
        except Exception as exc:  # never a traceback, never a user's words in the log
            _LOG.warning("The take-home report could not be made (%s).", exc.__class__.__name__)
            if kind == "html":
                return f"<!doctype html><meta charset='utf-8'><p>{SORRY}</p>"
            return takehome.sorry_pdf(SORRY)

    return build


def downloads(store: Store, couple: Couple) -> None:
    st.header("Take it home", anchor=False)
    st.write(
        "A report of everything above, for the two of you: a web page that opens "
        "in any browser without the internet, and a PDF to print. Both are made on "
        "this computer and hold only what you have looked at together."
    )
    html_name, pdf_name = takehome.file_names(context.now())
    with st.container(horizontal=True):
        st.download_button(
            "Download our report (web page)",
            data=_made(store, couple.id, "html"),
            file_name=html_name,
            mime="text/html",
            icon=":material/download:",
            key="story_html",
            on_click="ignore",
        )
        st.download_button(
            "Download our report (PDF)",
            data=_made(store, couple.id, "pdf"),
            file_name=pdf_name,
            mime="application/pdf",
            icon=":material/picture_as_pdf:",
            key="story_pdf",
            on_click="ignore",
        )
    st.caption("Keep the files somewhere private: anyone who opens them can read them.")
