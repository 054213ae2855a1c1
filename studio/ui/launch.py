"""Start the studio: ``python -m studio.ui.launch [streamlit options]``.

Why not plain ``streamlit run app.py``? Streamlit 1.67 sees the ``pages/`` folder
next to ``app.py`` and, for the very first session after the server starts, runs
its legacy page discovery before our router. A bookmarked link such as
``/safety-map?c=…`` then shows a "Page not found" dialog on top of the right page —
exactly when a couple comes back the next day after a restart. We tell Streamlit
up front that this app routes with ``st.navigation`` only (the same flag Streamlit
sets itself once ``st.navigation`` has run), then hand over to its own CLI.

It also keeps the server from calling out (``lock_down_network``): Streamlit's check of
a websocket from another origin looks up the machine's external IP on a public host
(checkip.amazonaws.com, over http and then https, blocking, on every attempt) and its
internal IP by routing a socket towards 8.8.8.8, and it accepts a page served on *any*
port of localhost. Here the only origin allowed is the page's own (the Origin header
names the host the browser asked for), plus ``STUDIO_PUBLIC_URL`` and any origin
listed in ``server.corsAllowedOrigins``, compared exactly (scheme, host and port), and
the two IP look-ups answer "unknown" without opening a socket.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

APP = Path(__file__).resolve().parents[2] / "app.py"


def _origin(url: str) -> str | None:
    """``scheme://host[:port]`` of a URL, lower-case, default ports left out."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def allowed_origins() -> set[str]:
    """Origins other than the page's own that may open a websocket: exact matches."""
    from streamlit import config

    out = set()
    for raw in [
        *config.get_option("server.corsAllowedOrigins"),
        os.environ.get("STUDIO_PUBLIC_URL", ""),
    ]:
        origin = _origin(raw) if raw else None
        if origin:
            out.add(origin)
    return out


def origin_allowed(origin: str | None, host: str | None) -> bool:
    """The websocket's Origin is the page's own (same host and port as the request),
    or listed exactly. No name or address is looked up."""
    from streamlit.web.server.starlette import starlette_websocket

    if not starlette_websocket.is_host_allowed(host):
        return False
    if origin is None:
        return True  # not a browser (browsers always send Origin)
    own = _origin(origin)
    if own is None:
        return False
    scheme = own.split("://", 1)[0]
    if host and _origin(f"{scheme}://{host}") == own:
        return True
    return own in allowed_origins()


def lock_down_network() -> None:
    """Patch Streamlit so its server never opens a connection to anything but its
    clients (idempotent; called before the server starts, and again by the pages)."""
    from streamlit import net_util
    from streamlit.web.server import server_util

    net_util.get_external_ip = lambda: None  # would ask checkip.amazonaws.com
    net_util.get_internal_ip = lambda: None  # would route a socket towards 8.8.8.8

    def from_allowed_origins(url: str) -> bool:
        return _origin(url) in allowed_origins()

    server_util.is_url_from_allowed_origins = from_allowed_origins
    try:
        from streamlit.web.server.starlette import starlette_websocket
    except ImportError:  # pragma: no cover - another server implementation
        return
    starlette_websocket.is_url_from_allowed_origins = from_allowed_origins
    starlette_websocket._is_origin_allowed = origin_allowed


def main(argv: list[str] | None = None) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False
    lock_down_network()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
