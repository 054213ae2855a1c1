"""The help page: a quick, quiet way out at the top, and helplines for the country a
partner picks (kept for this tab only), shown as text that can't be clicked."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from studio import helplines
from tests.app.conftest import switch_to
from tests.app.helpers import ok
from tests.unit.test_text import GFM_EMAIL, GFM_URL, parsed_text

BOOK = helplines.load()


def shown(at: AppTest) -> list[str]:
    return [parsed_text(e.value) for e in (*at.main.markdown, *at.main.caption)]


def help_page(make_app, **query) -> AppTest:
    return ok(switch_to(ok(make_app(**query).run()), "resources"))


def pick(at: AppTest, key: str) -> AppTest:
    return ok(at.selectbox(key="help_country_pick").set_value(key).run())


def test_the_way_out_comes_first_and_drops_the_link(make_app, ready_couple):
    at = help_page(make_app, c=ready_couple.token)
    first = at.main.button[0]
    assert first.key == "help_leave" and first.label == "Leave this page now"
    assert any("address bar" in c.value for c in at.main.caption)
    pick(at, "de")
    ok(at.button(key="help_leave").click().run())
    assert "c" not in at.query_params and not dict(at.query_params)
    assert [t.value for t in at.title] == ["Side by Side"]  # the start page
    everything = "\n".join(str(e.value) for e in (*at.markdown, *at.caption, *at.success))
    assert "Robin" not in everything and "Sam" not in everything
    assert "help_country" not in at.session_state


def test_the_country_is_kept_for_this_tab_only(make_app, ready_couple):
    at = help_page(make_app, c=ready_couple.token)
    assert at.selectbox(key="help_country_pick").value is None
    assert not any("116 016" in s for s in shown(at))
    pick(at, "de")
    assert any("116 016" in s for s in shown(at))
    ok(switch_to(at, "home"))
    ok(switch_to(at, "resources"))
    assert at.selectbox(key="help_country_pick").value == "de"
    assert any("116 016" in s for s in shown(at))
    fresh = help_page(make_app, c=ready_couple.token)  # another tab
    assert fresh.selectbox(key="help_country_pick").value is None


@pytest.mark.parametrize("country", [c.key for c in BOOK.countries])
def test_every_country_shows_its_lines_as_text(make_app, country):
    at = pick(help_page(make_app), country)
    texts = shown(at)
    entry = BOOK.country(country)
    assert any(f"Emergency: {entry.emergency}" in s for s in texts)
    for line in entry.lines:
        for fact in (line.organisation, line.phone, line.web):
            if fact:
                assert any(fact in s.replace("\u2060", "") for s in texts), fact
    for s in texts:  # nothing that markdown could turn into a link
        assert not GFM_URL.search(s) and not GFM_EMAIL.search(s), s
    assert any("Somewhere else?" in s for s in texts)


def test_somewhere_else_says_how_to_find_one(make_app):
    at = pick(help_page(make_app), "elsewhere")
    assert any("domestic violence helpline" in s and "your country" in s for s in shown(at))
