"""kill -9 the server mid-exercise, start it again: every committed answer is there."""

from __future__ import annotations

import signal
from urllib.parse import urlparse

from playwright.sync_api import expect

from tests.e2e.conftest import after_rerun, click, expect_text, start_server
from tests.e2e.test_foundation import pass_safety_notes, set_up_couple

MARK = "marker-crash-3v9 a quiet evening at home"


def test_kill_9_mid_exercise_loses_nothing(tmp_path, open_page):
    srv = start_server(tmp_path / "crash")
    try:
        page = open_page(srv)
        set_up_couple(page, "Kit", "Lou")
        pass_safety_notes(page, "Kit", "Lou", stay=True)  # on the first hand-over
        click(page, "I'm ● Kit — show me")
        page.get_by_role("textbox", name="Your answer, in your own words").fill(MARK)
        click(page, "Go on")  # the words are kept as they leave the box
        expect(page.get_by_role("heading", name="Where you stand")).to_be_visible()
        row = page.get_by_role("radiogroup").first
        after_rerun(page, row.locator("[data-testid='stRadioOption']").nth(3).click)
        expect(row.get_by_role("radio").nth(3)).to_be_checked()  # saved as it was chosen
        click(page, "Go on")
        click(page, "Go on")
        expect(page.get_by_role("heading", name="What you need most")).to_be_visible()
        url = urlparse(page.url)
        path = url.path + "?" + url.query
        port = url.port
    finally:
        srv.stop(signal.SIGKILL)  # no clean shutdown: only what was committed survives

    again = start_server(tmp_path / "crash", port=port)
    try:
        page2 = open_page(again, path)
        expect_text(page2, "Pass the laptop to")
        click(page2, "I'm ● Kit — show me")
        # Same part of the turn; the slider and the words as they were left.
        expect(page2.get_by_role("heading", name="What you need most")).to_be_visible()
        click(page2, "Back")
        click(page2, "Back")
        expect(page2.get_by_role("radiogroup").first.get_by_role("radio").nth(3)).to_be_checked()
        click(page2, "Back")
        expect(page2.get_by_role("textbox", name="Your answer, in your own words")).to_have_value(
            MARK
        )
    finally:
        again.stop()
