"""One set of AppTest helpers for every page test: what the screen says, what the run
sent, opening a page, finding a button. (Fixtures are in ``conftest.py``.)"""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from tests.app.conftest import switch_to

_READABLE = (
    "title",
    "header",
    "subheader",
    "markdown",
    "text",
    "caption",
    "success",
    "warning",
    "error",
    "info",
    "exception",
)
_ALL = (
    *_READABLE,
    "text_area",
    "text_input",
    "button",
    "expander",
    "radio",
    "checkbox",
    "slider",
    "multiselect",
    "toggle",
    "selectbox",
)


def texts(at: AppTest, main_only: bool = True, *, as_read: bool = False) -> str:
    """Everything a person can read on the screen (and the buttons' labels), as one
    string. ``as_read``: with markdown's backslash escapes undone."""
    root = at.main if main_only else at
    parts: list[str] = []
    for kind in _READABLE:
        parts.extend(str(getattr(el, "value", "")) for el in getattr(root, kind))
    parts.extend(b.label for b in root.button)
    joined = "\n".join(parts)
    return re.sub(r"\\(.)", r"\1", joined) if as_read else joined


def everything(at: AppTest) -> str:
    """Every value and label of the last run, widgets included, main and sidebar."""
    parts = []
    for kind in _ALL:
        for el in getattr(at, kind):
            parts.append(str(getattr(el, "value", "")) + " " + str(getattr(el, "label", "")))
    return "\n".join(parts)


def sent(at: AppTest) -> str:
    """Every element the run sent, main and sidebar, as protobuf text: what reached the
    browser, whether or not it is on screen (a collapsed expander's inside too)."""
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(at._tree)
    return "\n".join(out)


def ok(at: AppTest) -> AppTest:
    """The run raised nothing (else: the exceptions' messages)."""
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(at: AppTest, page: str | None) -> AppTest:
    """Run once (AppTest needs a first run to know the pages), then open ``page``."""
    at.run()
    return at if page is None else ok(switch_to(at, page))


def button(at: AppTest, label: str):
    """The first button with exactly this label."""
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r} in {[b.label for b in at.button]}"
    return matches[0]


def keys(at: AppTest, prefix: str) -> list[str]:
    """The keys of the buttons whose key starts with ``prefix``."""
    return [b.key for b in at.button if b.key and b.key.startswith(prefix)]


def open_curtain(at: AppTest) -> AppTest:
    """Press the hand-over's "I'm … — show me"."""
    btn = next(b for b in at.button if b.key and b.key.startswith("curtain_btn"))
    return btn.click().run()


def texts_read(at: AppTest) -> str:
    """``texts`` of the main area as a person reads it (markdown escapes undone)."""
    return texts(at, as_read=True)
