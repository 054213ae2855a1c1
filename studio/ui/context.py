"""Per-run context for pages: the store, the couple from the URL, links that keep it.

A couple is found by the token in the URL (``?c=…``), never by anything in process
memory, so a reload, a bookmark or a second tab resumes exactly where they were.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from studio.registry import page_file, with_pages
from studio.store import (
    Couple,
    Store,
    StoreFull,
    StoreUnavailable,
    StoreUnreachable,
    default_database_url,
)

if TYPE_CHECKING:  # pydantic and the exercise models load with the first catalog
    from studio.exercises import Catalog

COUPLE_PARAM = "c"
PROJECTOR_PARAM = "proj"
ROOM_PARAM = "room"  # a facilitator's secret

PAGES: dict[str, str] = {
    "welcome": "pages/couple/welcome.py",
    "setup": "pages/couple/setup.py",
    "home": "pages/couple/home.py",
    # every exercise kind's page, from the registry
    **{k.page: page_file(k) for k in with_pages()},
    "history": "pages/couple/history.py",
    "join": "pages/couple/join.py",
    "resources": "pages/couple/resources.py",
    "data": "pages/couple/data.py",
    "workshop": "pages/facilitator/workshop.py",
    "room_screen": "pages/facilitator/room_screen.py",
}


# -- what reaches the log, and what a failed action shows -----------------------------------
#
# No token, name or answer may ever reach a log. SQLAlchemy's own error text no longer
# carries the values sent (``hide_parameters`` in the store), but any exception's
# message may hold what someone typed. So every log record of this process is made
# safe as it is created: an exception is logged with its type and where it happened,
# its message withheld (our own StoreUnavailable sentences excepted: they never hold
# user data), and an exception passed as a message or an argument is replaced by its
# type's name. Installed when this module is imported (by app.py, on the first run).


def _safe_exception_text(exc: BaseException) -> str:
    """Type and frames of ``exc`` (and what caused it), never its message."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = (
            "".join(traceback.format_tb(current.__traceback__)) if current.__traceback__ else ""
        )
        name = f"{type(current).__module__}.{type(current).__qualname__}"
        said = (
            str(current)
            if isinstance(current, StoreUnavailable)
            else "(message withheld: it may hold what someone typed)"
        )
        parts.append(f"Traceback (most recent call last):\n{frames}{name}: {said}")
        current = current.__cause__ or current.__context__
    return "\n\nWhile handling, or caused by:\n".join(reversed(parts))


def _withheld(value: Any) -> Any:
    if isinstance(value, BaseException) and not isinstance(value, StoreUnavailable):
        return f"<{type(value).__name__}: message withheld>"
    return value


_BASE_FACTORY = logging.getLogRecordFactory()


def _safe_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _BASE_FACTORY(*args, **kwargs)
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = _safe_exception_text(record.exc_info[1])
    record.msg = _withheld(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(_withheld(a) for a in record.args)
    return record


def _store_problem_of(exc: BaseException) -> StoreUnavailable | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, StoreUnavailable):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _install_error_handling() -> None:
    """Every uncaught exception of a page, a fragment or a button's callback ends in
    ``streamlit.error_util``: log it safely, and draw a kind screen (not the generic
    error) when the data can't be saved — the disk is full, the file went away."""
    from streamlit import error_util

    if getattr(error_util, "_sbs_installed", False):
        return
    from streamlit.logger import get_logger

    show_generic = error_util.show_uncaught_app_exception
    log = get_logger("studio")  # Streamlit's format, on the server's console

    def log_safely(ex: BaseException) -> None:
        if isinstance(_store_problem_of(ex), StoreUnreachable):
            return  # the store logged it, once a minute; not a traceback per phone per poll
        log.error("Uncaught exception in a page:\n%s", _safe_exception_text(ex))

    def show(ex: BaseException) -> None:
        problem = _store_problem_of(ex)
        if problem is None:
            show_generic(ex)
            return
        try:
            from streamlit.delta_generator_singletons import get_dg_singleton_instance

            main = get_dg_singleton_instance().main_dg
            if isinstance(problem, StoreFull):
                main.error(str(problem), icon=":material/hard_drive:")
            else:
                main.error(
                    "The studio can't reach its data right now, so we stopped here "
                    "to keep everything safe.",
                    icon=":material/database:",
                )
                main.text(str(problem))
        except Exception:  # drawing the message must not hide the failure
            show_generic(ex)

    error_util._log_uncaught_app_exception = log_safely
    error_util.show_uncaught_app_exception = show
    setattr(error_util, "_sbs_installed", True)  # noqa: B010 - a module's own flag
    logging.setLogRecordFactory(_safe_record)


_install_error_handling()


def _lock_down_network() -> None:
    """Also when started with plain ``streamlit run app.py`` (launch.py does it before
    the server starts): no look-ups of the machine's IP, only the page's own origin."""
    from studio.ui.launch import lock_down_network

    lock_down_network()


_lock_down_network()


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


@functools.lru_cache(maxsize=16)
def _database_url(_env: tuple[str, str], _cwd: str) -> str:
    return default_database_url()


def database_url() -> str:
    """``default_database_url()``, worked out once per setting (and working folder):
    it resolves a path, and every page and every poll asks for the store."""
    return _database_url(
        (os.environ.get("STUDIO_DATABASE_URL", ""), os.environ.get("STUDIO_DATA_DIR", "")),
        os.getcwd(),
    )


def store() -> Store:
    """The process-wide store; a clear message and a stop when it can't be opened."""
    try:
        return _store(database_url())
    except StoreUnavailable as exc:
        st.error(
            "The studio can't open its data right now, so we stopped here to keep everything safe.",
            icon=":material/database:",
        )
        st.text(str(exc))
        st.stop()
        raise  # for type checkers; st.stop() never returns


def store_problem() -> str | None:
    """Why the data can't be opened (a sentence for people), or None. Draws nothing."""
    try:
        _store(database_url())
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
    from studio.exercises import load_catalog

    return load_catalog(directory)


_RECENT_CATALOG: dict[str, tuple[float, Catalog]] = {}


def catalog(max_age: float = 0.0) -> Catalog:
    """Exercise files, parsed once and re-read as soon as one changes (content, never
    user data). Shared between sessions, not copied: treat it as read-only.

    ``max_age``: for screens that poll (a workshop room's 250 phones), the files are
    looked at no more often than that many seconds, as every look is a few ``stat``
    calls and a cache lookup. Pages drawn on a press see an edit at once."""
    from studio import exercises

    directory = str(exercises.EXERCISES_DIR)
    if max_age > 0:
        recent = _RECENT_CATALOG.get(directory)
        if recent is not None and time.monotonic() - recent[0] < max_age:
            return recent[1]
    found = _catalog(directory, _files_signature(directory))
    _RECENT_CATALOG[directory] = (time.monotonic(), found)
    return found


CLOCK_OFFSET_ENV = "STUDIO_TEST_CLOCK_OFFSET"


def now() -> float:
    """The time the couple's screens go by. ``STUDIO_TEST_CLOCK_OFFSET`` (seconds, for the
    browser tests only: "a week later" without waiting a week) moves it; unset, it is
    the computer's own clock."""
    try:
        offset = float(os.environ.get(CLOCK_OFFSET_ENV, "") or 0.0)
    except ValueError:
        offset = 0.0
    return time.time() + offset


def token() -> str | None:
    value = st.query_params.get(COUPLE_PARAM)
    return value or None


def exercise_id() -> str | None:
    """The exercise a kind's page was opened for (``?exercise=…``), or None: the kind's
    first file."""
    from studio.registry import EXERCISE_PARAM

    value = st.query_params.get(EXERCISE_PARAM)
    return value or None


def projector() -> bool:
    return st.query_params.get(PROJECTOR_PARAM) == "1"


def device() -> str:
    """The noun for the device in the couple's hands: phone, tablet or laptop."""
    from studio.devices import device_kind

    try:
        ua = st.context.headers.get("User-Agent")
    except Exception:  # no request (AppTest): the laptop, as designed
        ua = None
    return device_kind(ua)


def keep_params(**extra: Any) -> dict[str, str]:
    """Query parameters every internal link carries: the couple and projector mode.
    Never the facilitator's secret (``ROOM_PARAM``): it stays in the presenter view's
    own address, off every link, couple page and couple link made from that tab."""
    params: dict[str, str] = {}
    for key in (COUPLE_PARAM, PROJECTOR_PARAM):
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


def callback(fn: Callable[..., object]) -> Callable[..., None]:
    """``fn`` as a widget's ``on_click`` / ``on_change``: Streamlit ignores what a
    callback returns, and its type says so; a service's result is dropped here."""

    def _run(*args: Any, **kwargs: Any) -> None:
        fn(*args, **kwargs)

    return _run


def redraw_page() -> None:
    """From inside a page's fragment: something outside it changed (a break began, the
    couple is gone, a content file broke), so the whole page is drawn again. In a
    full run the page has already said what is wrong, so this only stops."""
    if in_fragment_run():
        st.rerun()
    st.stop()
