"""studio.ui.flash: a press's message is shown once, at its own spot, in its kind."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script() -> None:
    import streamlit as st

    from studio.ui import flash

    if st.button("press", key="press"):
        flash.later("here", "That screen was out of date, so nothing changed.")
        flash.later("there", "A PIN rests for a minute.", "info")
        flash.later("gone", "never shown")
        flash.forget("gone")
    flash.show("here")
    flash.show("gone")
    st.write("between")
    flash.show("there", icon=":material/lock:")


def test_a_message_is_shown_once_where_it_was_left() -> None:
    at = AppTest.from_function(_script).run()
    assert not at.warning and not at.info
    at = at.button(key="press").click().run()  # left and drawn in the press's own run
    assert [w.value for w in at.warning] == ["That screen was out of date, so nothing changed."]
    assert [i.value for i in at.info] == ["A PIN rests for a minute."]
    assert at.info[0].icon == ":material/lock:"
    assert "never shown" not in str(at)
    at = at.run()  # the next draw: shown once only
    assert not at.warning and not at.info
