"""Static CSS for the calm default look and for projector mode.

Only fixed stylesheets pass through ``st.html`` here — never user text.
"""

from __future__ import annotations

import streamlit as st

_BASE_CSS = """
<style>
  .block-container { max-width: 1100px; padding-top: 3.6rem; }
  [data-testid="stMarkdownContainer"] p { line-height: 1.6; }
  .sbs-chip { font-weight: 600; white-space: nowrap; }
  .sbs-chip .sbs-glyph { font-size: 1.15em; margin-right: .35em; }
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
  [data-testid="stWidgetLabel"] small, [data-testid="stTooltipIcon"] { color: #4A5160 !important; opacity: 1 !important; }
  h2 { font-size: 1.55rem !important; padding-top: 1.1rem !important; }
  .sbs-where { color: #4A5160; font-size: .95rem; letter-spacing: .01em; }
  [data-testid="stText"] { white-space: pre-wrap; word-break: break-word; }
  button:focus-visible, a:focus-visible, [role="slider"]:focus-visible {
    outline: 3px solid #1B5E8C !important; outline-offset: 2px;
  }
</style>
"""

_PROJECTOR_CSS = """
<style>
  html, body, [data-testid="stAppViewContainer"] { font-size: 24px; }
  .block-container { max-width: 100%; padding: 1.2rem 2.5rem 1rem 2.5rem; }
  [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
  [data-testid="stText"], label, button p { font-size: 24px !important; }
  h1 { font-size: 56px !important; } h2 { font-size: 44px !important; }
  h3 { font-size: 34px !important; }
  [data-testid="stAppViewContainer"] { background: #FFFFFF; color: #000000; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
  [data-testid="stMetricValue"] { font-size: 72px !important; }
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
  [data-testid="stWidgetLabel"] small, [data-testid="stTooltipIcon"] { color: #4A5160 !important; opacity: 1 !important; }
  h2 { font-size: 1.55rem !important; padding-top: 1.1rem !important; }
  .sbs-where { color: #000000; font-size: 24px; }
</style>
"""


def apply(projector: bool = False) -> None:
    st.html(_BASE_CSS)
    if projector:
        st.html(_PROJECTOR_CSS)
