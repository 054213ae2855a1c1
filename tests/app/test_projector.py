"""Projector mode: a screen the whole room sees shows no couple's names or answers.

Every page is opened with a couple's link and ``?proj=1``; everything the run sent to
the browser (every element's message, st.html chips included) is searched for the
couple's names and their words.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from studio.ui.context import PAGES
from tests import factory
from tests.app.conftest import switch_to
from tests.app.helpers import sent

NAME_A, NAME_B = "Zephyrine", "Quillon"
WORDS = "marker-words-4471"


@pytest.fixture
def couple(store):
    return factory.couple(store, NAME_A, NAME_B)


def _open(make_app, token: str, page: str, **extra: str) -> AppTest:
    at = make_app(c=token, **extra).run()
    at = switch_to(at, page)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_check_finds_names_without_the_projector(make_app, couple):
    """Without projector mode the same pages do show the names (so the check can fail)."""
    at = _open(make_app, couple.token, "home")
    assert NAME_A in sent(at) and NAME_B in sent(at)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_no_names_on_any_page(make_app, couple, page):
    at = _open(make_app, couple.token, page, proj="1")
    html = sent(at)
    assert NAME_A not in html and NAME_B not in html
    assert couple.token not in html  # the couple's link isn't drawn either


@pytest.mark.parametrize("stage", ["safety_a", "safety_b"])
def test_no_names_while_setting_up(make_app, store, couple, stage):
    store.update_couple(couple.id, stage=stage)
    for page in ("setup", "welcome"):
        html = sent(_open(make_app, couple.token, page, proj="1"))
        assert NAME_A not in html and NAME_B not in html


def test_partners_are_told_apart_by_letter_and_symbol(make_app, couple):
    html = sent(_open(make_app, couple.token, "welcome", proj="1"))
    assert "● Partner A" in html and "▲ Partner B" in html


def test_setting_up_stays_off_the_projector(make_app):
    """Names are typed, and each partner's private note is read, on the setup page."""
    at = make_app(proj="1").run()
    at = switch_to(at, "setup")
    assert not at.exception
    assert [t.value for t in at.title] == ["This part stays off the big screen"]
    assert not at.text_input
    assert "Leave projector mode" in [b.label for b in at.button]
