"""Per-run context for pages: the store, the couple from the URL, links that keep it.

A couple is found by the token in the URL (``?c=…``), never by anything in process
memory, so a reload, a bookmark or a second tab resumes exactly where they were.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import streamlit as st

from studio import exercises
from studio.exercises import Catalog, load_catalog
from studio.store import Couple, Store, StoreUnavailable, default_database_url

COUPLE_PARAM = "c"
PROJECTOR_PARAM = "proj"
ROOM_PARAM = "room"  # a facilitator's secret

PAGES: dict[str, str] = {
    "welcome": "pages/couple/welcome.py",
    "setup": "pages/couple/setup.py",
    "home": "pages/couple/home.py",
    "safety_map": "pages/couple/safety_map.py",
    "dialogue": "pages/couple/dialogue.py",
    "join": "pages/couple/join.py",
    "resources": "pages/couple/resources.py",
    "data": "pages/couple/data.py",
    "workshop": "pages/facilitator/workshop.py",
}


_STORES: dict[str, Store] = {}
_STORES_LOCK = threading.Lock()


def _store(url: str) -> Store:
    """One store (one engine, one connection pool) per database, shared by every
    session of this process. A plain dict: ``st.cache_resource`` would do the same but
    hashes its argument on every call, and pages ask for the store several times per
    run. A store that can't be opened is not remembered, so fixing the file helps."""
    found = _STORES.get(url)
    if found is not None:
        return found
    with _STORES_LOCK:
        if url not in _STORES:
            _STORES[url] = Store(url)
        return _STORES[url]


def store() -> Store:
    """The process-wide store; a clear message and a stop when it can't be opened."""
    try:
        return _store(default_database_url())
    except StoreUnavailable as exc:
        st.error(
            "The studio can't open its data right now, so we stopped here to keep "
            "everything safe.",
            icon=":material/database:",
        )
        st.text(str(exc))
        st.stop()
        raise  # for type checkers; st.stop() never returns


def store_problem() -> str | None:
    """Why the data can't be opened (a sentence for people), or None. Draws nothing."""
    try:
        _store(default_database_url())
    except StoreUnavailable as exc:
        return str(exc)
    return None


def _files_signature(directory: str) -> tuple[tuple[str, int, int], ...]:
    """Name, size and modification time of every exercise file (a few ``stat`` calls)."""
    out = []
    for path in sorted(Path(directory).glob("*.toml")):
        try:
            info = path.stat()
        except OSError:
            continue
        out.append((path.name, info.st_size, info.st_mtime_ns))
    return tuple(out)


@st.cache_resource(show_spinner=False, max_entries=4)
def _catalog(directory: str, signature: tuple[tuple[str, int, int], ...]) -> Catalog:
    return load_catalog(directory)


def catalog() -> Catalog:
    """Exercise files, parsed once and re-read as soon as one changes (content, never
    user data). Shared between sessions, not copied: treat it as read-only."""
    directory = str(exercises.EXERCISES_DIR)
    return _catalog(directory, _files_signature(directory))


def token() -> str | None:
    value = st.query_params.get(COUPLE_PARAM)
    return value or None


def projector() -> bool:
    return st.query_params.get(PROJECTOR_PARAM) == "1"


def keep_params(**extra: Any) -> dict[str, str]:
    """Query parameters every internal link carries: the couple and projector mode."""
    params: dict[str, str] = {}
    for key in (COUPLE_PARAM, PROJECTOR_PARAM, ROOM_PARAM):
        value = st.query_params.get(key)
        if value:
            params[key] = value
    for key, value in extra.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return params


def go(page: str, **extra: Any) -> None:
    """Switch to a page, keeping the couple's link (and projector mode)."""
    st.switch_page(PAGES[page], query_params=keep_params(**extra))


def current_couple() -> Couple | None:
    """The couple named in the URL, or None (no token, or no such couple)."""
    return store().couple_by_token(token())


def require_couple() -> Couple:
    """Return the couple or show a kind way out and stop the page."""
    tok = token()
    couple = store().couple_by_token(tok) if tok else None
    if couple is not None:
        return couple
    if tok:
        st.header("We couldn't find that session")
        st.write(
            "The link you opened doesn't match any couple on this computer. It may have "
            "been deleted, or the link was copied only in part."
        )
    else:
        st.header("Let's set you up first")
        st.write("This part of the studio needs the two of you to be set up.")
    if st.button("Start fresh", type="primary", key="ctx_start_fresh"):
        st.switch_page(PAGES["setup"], query_params=keep_params(c=None))
    st.page_link(PAGES["welcome"], label="Back to the welcome page", icon=":material/home:")
    st.stop()
    raise RuntimeError("unreachable")


def in_fragment_run() -> bool:
    """True while only a fragment is being redrawn (a click inside it), not the page."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def redraw_page() -> None:
    """From inside a page's fragment: something outside it changed (a break began, the
    couple is gone, a content file broke), so the whole page is drawn again. In a
    full run the page has already said what is wrong, so this only stops."""
    if in_fragment_run():
        st.rerun()
    st.stop()
