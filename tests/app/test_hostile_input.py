"""Hostile text through every field a couple types into: shown literally or refused kindly.

Each string goes in through the real widget; afterwards the page has no exception, and
wherever the text is shown it is the literal characters (``st.text``) or, inside
markdown, escaped so markdown can't act on it.
"""

from __future__ import annotations

import pytest

from studio.text import md_escape
from tests.app.conftest import switch_to

HOSTILE = {
    "markdown": "**bold** _it_ # heading > quote",
    "html": "<b>x</b><img src=x onerror=alert(1)>",
    "script": "<script>alert(1)</script>",
    "js_link": "[x](javascript:alert(1))",
    "image": "![a](http://example.com/a.png)",
    "latex": "$\\frac{1}{2}$ and $$x^2$$",
    "streamlit": ":red[x] :material/home: :smile: :rainbow-background[y]",
    "invisible": "a\u200bb\u200dc\u2066d\u202eevil\u2069",
    "rtl": "שלום עליכם مرحبا بكم",
    "emoji": "👩\u200d❤️\u200d👨 🏳️\u200d🌈 👍🏽",
    "addresses": "http://a.io www.b.io c@d.io",
}
HUGE = "x" * 20_000


def _no_exception(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_names(make_app, kind):
    text = HOSTILE[kind][:40]
    at = make_app().run()
    switch_to(at, "setup")
    at.text_input(key="name_a").input(text)
    at.text_input(key="name_b").input("Sam")
    at.button[0].click().run()
    _no_exception(at)
    # The name sits in the heading only in escaped form: markdown can't act on it.
    header = at.header[0].value
    from studio.couple import clean_name

    assert md_escape(clean_name(text, "a")) in header


def test_addresses_in_names_cannot_become_links(make_app):
    """GFM links web and e-mail addresses in the text left after escapes: every piece of
    markdown the hand-over draws with the names has none left to find."""
    from tests.unit.test_text import GFM_EMAIL, GFM_URL, parsed_text

    at = make_app().run()
    switch_to(at, "setup")
    at.text_input(key="name_a").input("http://a.io/x.png")
    at.text_input(key="name_b").input("www.b.io c@d.io")
    at.button[0].click().run()
    _no_exception(at)
    drawn = [e.value for e in (*at.header, *at.markdown, *at.caption)]
    drawn += [b.label for b in at.button]
    shown = [parsed_text(d) for d in drawn]
    assert any("a.io" in d for d in shown) and any("d.io" in d for d in shown)
    for text in drawn:
        assert not GFM_URL.search(parsed_text(text)), text
        assert not GFM_EMAIL.search(parsed_text(text)), text


def test_a_huge_name_is_refused_kindly(make_app, store):
    at = make_app().run()
    switch_to(at, "setup")
    at.text_input(key="name_a").input(HUGE)
    at.button[0].click().run()
    _no_exception(at)
    assert any("40 characters" in e.value for e in at.error)
    assert at.text_input(key="name_a").value == HUGE  # nothing lost


def _keys(at, prefix: str) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith(prefix)]


def _safety_text(make_app, couple, text):
    at = make_app(c=couple.token).run()
    switch_to(at, "safety_map")
    if _keys(at, "sm_start"):  # a "let's start" screen, if the page has one
        at.button(key="sm_start").click().run()
    at.button(key=_keys(at, "curtain_btn")[0]).click().run()
    at.text_area[0].input(text).run()
    at.button(key=_keys(at, "sm_next_")[0]).click().run()
    _no_exception(at)
    return at


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_safety_map_words(make_app, ready_couple, kind):
    at = _safety_text(make_app, ready_couple, HOSTILE[kind])
    for _ in range(10):  # on through the parts of the turn, touching nothing, to the review
        if _keys(at, "sm_seal_"):
            break
        at.button(key=_keys(at, "sm_next_")[0]).click().run()
    _no_exception(at)
    # On the review screen the words come back through st.text, character for character.
    assert HOSTILE[kind].strip() in [t.value for t in at.text]


def test_safety_map_huge_words_refused_and_kept(make_app, ready_couple):
    at = _safety_text(make_app, ready_couple, HUGE)
    assert any("20,000 characters" in e.value for e in (*at.error, *at.warning))
    assert at.text_area[0].value == HUGE


@pytest.mark.parametrize("kind", ["html", "image", "streamlit", "latex", "rtl"])
def test_join_code_field(make_app, ready_couple, kind):
    at = make_app(c=ready_couple.token).run()
    switch_to(at, "join")
    at.text_input(key="join_code").input(HOSTILE[kind][:24])
    for b in at.button:
        if b.key and "join" in b.key and b.label.lower().startswith("join"):
            b.click().run()
            break
    _no_exception(at)


CONTENT = "**Take turns** — ![x](http://example.com/x.png) $x^2$ :red[loud] www.example.com"


def test_content_files_carry_emphasis_and_nothing_else(make_app, store, tmp_path, monkeypatch):
    """A facilitator's room script is drawn on the couple's screen with its emphasis,
    and nothing else of markdown: no image, no link, no LaTeX, no colour."""
    import shutil

    from studio import exercises
    from studio import room_service as rs
    from studio.text import content_md

    content = tmp_path / "exercises"
    shutil.copytree(exercises.EXERCISES_DIR, content)
    room_file = content / "workshop_room.toml"
    first = 'couple_text = "You’re in.'
    source = room_file.read_text(encoding="utf-8")
    assert first in source
    room_file.write_text(
        source.replace(first, 'couple_text = "' + CONTENT + " You’re in.", 1), encoding="utf-8"
    )
    monkeypatch.setattr(exercises, "EXERCISES_DIR", content)
    script = exercises.load_catalog(content).get("workshop_room")
    assert script.phases[0].couple_text.startswith(CONTENT)

    couple = store.create_couple(
        name_a="Robin",
        name_b="Sam",
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    store.update_couple(couple.id, stage="ready")
    couple = store.couple_by_token(couple.token)
    room = rs.create_room(store, script)
    rs.join_room(store, couple, room.room.code)
    at = make_app(c=couple.token).run()
    switch_to(at, "home")
    _no_exception(at)
    drawn = [m.value for m in at.markdown]
    assert content_md(script.phases[0].couple_text) in drawn, drawn
