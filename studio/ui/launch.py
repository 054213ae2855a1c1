"""Start the studio: ``python -m studio.ui.launch [streamlit options]``.

Why not plain ``streamlit run app.py``? Streamlit 1.67 sees the ``pages/`` folder
next to ``app.py`` and, for the very first session after the server starts, runs
its legacy page discovery before our router. A bookmarked link such as
``/safety-map?c=…`` then shows a "Page not found" dialog on top of the right page —
exactly when a couple comes back the next day after a restart. We tell Streamlit
up front that this app routes with ``st.navigation`` only (the same flag Streamlit
sets itself once ``st.navigation`` has run), then hand over to its own CLI.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app.py"


def main(argv: list[str] | None = None) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
