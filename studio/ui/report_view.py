"""The take-home report's two downloads: the HTML file and the PDF (``studio.report``).

The files are built only when a button is pressed: ``st.download_button`` takes a
callable for ``data`` and runs it on the click, so a rerun of the page builds nothing
(the PDF takes about a second for a long story). The builder reads the store afresh at
that moment, so the file holds what is true then, and only what the export holds.

A failure never shows a traceback and never puts a word of the couple's in the log
(only its type). Streamlit ignores drawing inside the builder, so the file the couple
gets says kindly that it couldn't be made, and the next time the page is drawn a
gentle ``st.warning`` says the same.
"""

from __future__ import annotations

import html
import logging
import threading

import streamlit as st

from studio import report
from studio.store import Couple, Store
from studio.ui import context

_LOG = logging.getLogger("studio.report")
SORRY = ("We couldn't make your report just now. Nothing was lost: please try again in a "
         "moment.")
# (couple id, kind) of a build that failed since the page was last drawn
_FAILED: set[tuple[int, str]] = set()
_LOCK = threading.Lock()


def _builder(store: Store, couple_id: int, kind: str):
    def build() -> bytes:
        try:
            export = store.export_couple(couple_id)
            if not export:
                raise LookupError("no such couple")
            catalog = context.catalog()
            if kind == "html":
                return report.html_report(export, catalog, made_at=context.now()).encode()
            return report.pdf_report(export, catalog, made_at=context.now())
        except Exception as exc:  # never a traceback, never the couple's words in the log
            _LOG.warning("The take-home report (%s) could not be made: %s.", kind,
                         exc.__class__.__name__)
            with _LOCK:
                _FAILED.add((couple_id, kind))
            return _sorry(kind)

    return build


def _sorry(kind: str) -> bytes:
    if kind == "html":
        return ("<!doctype html><html lang='en'><meta charset='utf-8'><title>Side by Side"
                f"</title><p>{html.escape(SORRY)}</p></html>").encode()
    try:
        from studio import report_pdf

        pdf = report_pdf.ReportPDF()
        pdf.add_page()
        pdf.words(SORRY, size=12)
        return bytes(pdf.output())
    except Exception:
        return b""


def downloads(store: Store, couple: Couple) -> None:
    """"Download our report (HTML)" and "… (PDF)", made on this computer when pressed."""
    st.subheader("Take it home", anchor=False)
    with _LOCK:
        failed = {k for k in ("html", "pdf") if (couple.id, k) in _FAILED}
        _FAILED.difference_update((couple.id, k) for k in failed)
    if failed:
        st.warning(SORRY, icon=":material/hourglass_empty:")
    st.write("Your story so far as one web page that opens in any browser without the "
             "internet, or as a PDF to print. Both are made here, on this computer, and "
             "hold only what you have looked at together.")
    html_name, pdf_name = report.file_names()
    try:
        with st.container(horizontal=True, key="report_downloads"):
            st.download_button("Download our report (HTML)",
                               data=_builder(store, couple.id, "html"), file_name=html_name,
                               mime="text/html", icon=":material/download:",
                               key="report_html", on_click="ignore")
            st.download_button("Download our report (PDF)",
                               data=_builder(store, couple.id, "pdf"), file_name=pdf_name,
                               mime="application/pdf", icon=":material/picture_as_pdf:",
                               key="report_pdf", on_click="ignore")
    except Exception as exc:
        _LOG.warning("The report buttons could not be drawn: %s.", exc.__class__.__name__)
        st.warning(SORRY, icon=":material/hourglass_empty:")
        return
    st.caption("Keep the files somewhere private: anyone who opens them can read them.")
