"""AppTest fixtures: the real app.py with its data in a temp folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from studio.store import Store, default_database_url
from tests import factory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("STUDIO_DATABASE_URL", raising=False)
    return tmp_path


@pytest.fixture
def store(data_dir) -> Store:
    return Store(default_database_url())


@pytest.fixture
def make_app(data_dir):
    """make_app(page_path=None, **query) -> an AppTest of app.py, not yet run."""

    def _make(**query: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
        for key, value in query.items():
            at.query_params[key] = value
        return at

    return _make


@pytest.fixture
def ready_couple(store):
    """A couple that finished setup (both safety notes read)."""
    return factory.couple(store, "Robin", "Sam")


def switch_to(at: AppTest, page: str) -> AppTest:
    """Open one of context.PAGES in the AppTest (keeps the query parameters)."""
    from studio.ui.context import PAGES

    at.switch_page(PAGES[page])
    return at.run()
