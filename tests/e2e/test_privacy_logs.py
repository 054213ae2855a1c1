"""No token, name or answer ever reaches the server's log (issue 11, finding 5), even
when writes fail: a whole browser journey against a server whose database refuses
certain writes (SQLite triggers, so the failures are real database errors carrying
the values sent), then the log is read."""

from __future__ import annotations

import re
import sqlite3

from playwright.sync_api import expect

from studio.store import Store
from tests.e2e.conftest import after_rerun, click, expect_text, start_server

NAME_A, NAME_B = "Quorralind Vexhaven", "Ignatiusfae Pemberwick"
FAIL_A, FAIL_B = "Failfirst Oxlade", "Secondly Marchbanks"
ANSWER = "boomtext my private words about the orchard"

TRIGGERS = [
    # Saving this answer fails inside the database, with the answer among the values.
    "CREATE TRIGGER fail_answer BEFORE INSERT ON safety_answers "
    "WHEN NEW.value LIKE '%boomtext%' BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
    # Setting up a couple with this name fails, with token and names among the values.
    f"CREATE TRIGGER fail_couple BEFORE INSERT ON couples WHEN NEW.name_a = '{FAIL_A}' "
    "BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
]


def test_failed_writes_leave_no_token_name_or_answer_in_the_log(tmp_path, open_page):
    data = tmp_path / "logs"
    data.mkdir()
    store = Store(f"sqlite:///{data / 'studio.db'}")
    couple = store.create_couple(
        name_a=NAME_A,
        name_b=NAME_B,
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    store.update_couple(couple.id, stage="ready")  # set up, both safety notes read
    store.dispose()
    token = couple.token
    raw = sqlite3.connect(data / "studio.db")
    for sql in TRIGGERS:
        raw.execute(sql)
    raw.commit()
    raw.close()

    srv = start_server(data)
    try:
        page = open_page(srv, f"/safety-map?c={token}")
        if page.get_by_role("button", name="Let's start", exact=True).count():
            click(page, "Let's start")
        click(page, f"I'm ● {NAME_A} — show me")
        page.get_by_role("textbox", name="Your answer, in your own words").fill(ANSWER)
        # The step's main button ("Save and go on"): the database refuses this write.
        after_rerun(
            page,
            page.locator("[data-testid='stMain'] [data-testid='stBaseButton-primary']").first.click,
        )
        expect(page.get_by_text("Traceback")).to_have_count(0)

        second = open_page(srv)
        click(second, "Let's begin")
        expect_text(second, "Who's here?")
        second.get_by_role("textbox", name="Name of the first partner").fill(FAIL_A)
        second.get_by_role("textbox", name="Name of the second partner").fill(FAIL_B)
        click(second, "That's us")  # and this one
        expect(second.get_by_text("Traceback")).to_have_count(0)
    finally:
        srv.stop()

    log = srv.log.read_text(encoding="utf-8", errors="replace")
    # Both failures happened and were logged (else this test would prove nothing).
    assert log.count("IntegrityError") >= 2, log[-3000:]
    for secret in (NAME_A, NAME_B, FAIL_A, FAIL_B, ANSWER, "orchard", token):
        assert secret not in log, f"{secret!r} is in the server log"
    assert "[parameters:" not in log
    assert not re.search(r"'[A-Za-z0-9_-]{32}'", log), "something token-shaped is in the log"
