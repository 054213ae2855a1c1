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
  [data-testid="stWidgetLabel"] small, [data-testid="stTooltipIcon"] {
    color: #4A5160 !important; opacity: 1 !important;
  }
  h2 { font-size: 1.55rem !important; padding-top: 1.1rem !important; }
  .sbs-where { color: #4A5160; font-size: .95rem; letter-spacing: .01em; }
  [data-testid="stText"] { white-space: pre-wrap; word-break: break-word; }
  button:focus-visible, a:focus-visible, [role="slider"]:focus-visible {
    outline: 3px solid #1B5E8C !important; outline-offset: 2px;
  }
  /* A safety-map scale: five dots spread evenly under the two statements (no fill from
     one side, no number), "Rather not say" at the end of the row. The dots' words stay
     in the page for screen readers and the review; on screen the statements say it. */
  [class*="st-key-smq_"] [data-testid="stRadioGroup"] {
    display: grid !important; grid-template-columns: repeat(5, minmax(2.2rem, 1fr)) auto;
    width: 100%; align-items: center; column-gap: 0 !important;
    background: linear-gradient(#C9CED6, #C9CED6) no-repeat;
    background-size: calc((100% - 7.5rem) * .8) 2px;
    background-position: calc((100% - 7.5rem) * .1) 50%;
  }
  [class*="st-key-smq_"] [data-testid="stRadioGroup"] > div { margin: 0 !important; }
  /* The two statements sit side by side even on a phone; never a scroll box (which
     would also be one more Tab stop per scale). */
  [class*="st-key-smq_"] [data-testid="stHorizontalBlock"] { overflow: visible !important; }
  [class*="st-key-smq_"] [data-testid="stRadioGroup"] > div:nth-child(-n+5) label {
    justify-content: center; width: 100%; padding: .35rem 0; background: transparent;
  }
  [class*="st-key-smq_"] [data-testid="stRadioGroup"] > div:nth-child(-n+5)
    [data-testid="stMarkdownContainer"] {
    position: absolute !important; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap;
  }
  [class*="st-key-smq_"] [data-testid="stRadioGroup"] > div:nth-child(-n+5)
    label:not(:has(input:checked)) > div > div:first-child {
    background-color: #FBFAF7;
  }
  [class*="st-key-smq_"] [data-testid="stRadioGroup"] label > div > div:first-child {
    margin: 0 !important;
  }
  [class*="st-key-smq_"] [data-testid="stRadioGroup"] > div:last-child {
    width: 7.5rem; justify-self: end;
  }
  [class*="st-key-smq_"] [data-testid="stRadioGroup"] > div:last-child p {
    font-size: .9rem; color: #4A5160;
  }
  /* The main action of a step stays in view at the bottom of the window. */
  [data-testid="stLayoutWrapper"]:has(> .st-key-sm_actions) {
    position: sticky; bottom: 0; z-index: 10;
  }
  .st-key-sm_actions {
    background: #FBFAF7; padding: .7rem 0 .8rem 0; border-top: 1px solid #E1E4E8;
  }
</style>
"""

_PROJECTOR_CSS = """
<style>
  /* One scale for the whole screen: 24 px type at 1280 wide, 36 px at 1920, never
     below 24 px. Everything in rem grows with it, so a page that fits 1280×720 also
     fits 1920×1080. No header, no sidebar: only what the room should read. */
  html { font-size: max(24px, 1.875vw) !important; }
  body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {
    background: #FFFFFF !important; color: #000000 !important;
  }
  header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stDecoration"],
  [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"] {
    display: none !important;
  }
  .block-container, [data-testid="stMainBlockContainer"] {
    max-width: 100% !important; padding: .6rem 1.6rem .6rem 1.6rem !important;
  }
  [data-testid="stVerticalBlock"] { gap: .5rem; }
  [data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
  [data-testid="stText"], label, button p, input, [data-testid="stTable"] td,
  [data-testid="stTable"] th { font-size: 1rem !important; line-height: 1.4; }
  h1 { font-size: 2.3rem !important; line-height: 1.15 !important;
       padding: .1rem 0 .35rem 0 !important; color: #000000 !important; }
  h2 { font-size: 1.7rem !important; padding-top: .3rem !important; color: #000000 !important; }
  h3 { font-size: 1.3rem !important; color: #000000 !important; }
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
  [data-testid="stWidgetLabel"] p, [data-testid="stMetricLabel"] p,
  [data-testid="stWidgetLabel"] small, [data-testid="stTooltipIcon"] {
    font-size: max(24px, .85rem) !important; color: #1F2430 !important; opacity: 1 !important;
  }
  [data-testid="stMetricValue"],
  [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {
    font-size: 2.2rem !important; line-height: 1.15 !important; color: #000000 !important;
  }
  .sbs-where { color: #000000; font-size: 1rem; }
  [data-testid="stTable"] td, [data-testid="stTable"] th { color: #000000 !important; }
  /* The big screen never dims while a part of it refreshes. */
  [data-stale="true"] { opacity: 1 !important; transition: none !important; }
  /* The workshop room on the big screen. */
  .st-key-proj_text p { font-size: 1.5rem !important; line-height: 1.42 !important; }
  .st-key-proj_text_long p { font-size: 1.2rem !important; line-height: 1.4 !important; }
  .st-key-proj_text_xlong p { font-size: 1rem !important; line-height: 1.35 !important; }
  .st-key-room_code h3 {
    font-size: 2.1rem !important; letter-spacing: .08em; padding: 0 !important;
  }
  img.sbs-qr { max-width: 19vw !important; }
</style>
"""


_ROOM_SCREEN_CSS = """
<style>
  /* The room screen: one scale for the screen (24 px at 1280×720, 36 px at 1920×1080,
     by the smaller of width and height), the whole window and no more: script or results
     on the left, the join code and QR on the right, at every phase. */
  html { font-size: max(15px, min(1.875vw, 3.333vh)) !important; }
  html, body, .stApp { overflow: hidden !important; }
  [data-testid="stMain"], [data-testid="stAppViewContainer"] { overflow: hidden !important; }
  .block-container, [data-testid="stMainBlockContainer"] {
    padding: 2.2vh 2.4vw 1.6vh 2.4vw !important; height: 100vh; box-sizing: border-box;
  }
  [data-testid="stHorizontalBlock"]:has(.st-key-rs_join) { height: 96vh; }
  .st-key-rs_main h1 { font-size: 2.5rem !important; padding: .2rem 0 .6rem 0 !important; }
  .st-key-rs_main .st-key-proj_text p { font-size: 1.65rem !important; line-height: 1.45; }
  .st-key-rs_main .st-key-proj_text_long p { font-size: 1.3rem !important; }
  .st-key-rs_main .st-key-proj_text_xlong p { font-size: 1.05rem !important; }
  /* A card dealt to the room is the largest words on the screen, the script below it. */
  .st-key-rs_main .st-key-proj_card h2 {
    font-size: 2.1rem !important; line-height: 1.25 !important;
  }
  .st-key-rs_figures { position: absolute; bottom: 1vh; left: 0; right: 0; gap: 2.5rem !important; }
  .st-key-rs_figures [data-testid="stMetricValue"] { font-size: 2.6rem !important; }
  .st-key-rs_figures [data-testid="stMetric"] { width: auto !important; }
  [data-testid="stColumn"]:has(.st-key-rs_main) { position: relative; height: 94vh; }
  .st-key-rs_join { align-items: center; text-align: center; }
  .st-key-rs_join .st-key-room_code { align-items: center; }
  .st-key-room_code h3 {
    font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace !important;
    font-size: 6.3vw !important; line-height: 1.15 !important; letter-spacing: .02em;
    font-weight: 800 !important; padding: 0 !important; white-space: nowrap;
  }
  .st-key-rs_join img.sbs-qr-big {
    width: min(100%, 54vh) !important; max-width: min(100%, 54vh) !important; margin: 0 auto;
  }
  .sbs-rr { font-size: 1rem; }
  .sbs-rr-keys { margin-bottom: .7rem; }
  .sbs-rr-key { margin-left: 1rem; white-space: nowrap; }
  .sbs-rr-key i { display: inline-block; width: .9em; height: .9em; margin-right: .3em;
                  vertical-align: -.1em; }
  .sbs-rr-row { display: grid; grid-template-columns: 34% 1fr; gap: .8rem; align-items: center;
                margin: .35rem 0; }
  .sbs-rr-name { line-height: 1.15; }
  .sbs-rr-bar { display: flex; height: 1.9rem; background: #EEF0F3; }
  .sbs-rr-bar span { display: flex; align-items: center; justify-content: center;
                     font-weight: 700; overflow: hidden; }
  .sbs-rr-needs { margin-top: .8rem; }
  .sbs-rr-needs ul { margin: .2rem 0 0 0; padding-left: 1.2em; columns: 2; }
  .sbs-rr-note { color: #1F2430; margin-top: .3rem; }
</style>
"""


def room_screen() -> None:
    """The room screen's look: projector type and contrast, and its own layout."""
    st.html(_PROJECTOR_CSS)
    st.html(_ROOM_SCREEN_CSS)


def apply(projector: bool = False) -> None:
    st.html(_BASE_CSS)
    if projector:
        st.html(_PROJECTOR_CSS)
