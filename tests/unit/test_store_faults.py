"""Faults of a database server and of the processes that write to it.

Postgres down when the studio starts; Postgres restarted in the middle of a workshop;
a studio process (a replica) killed in the middle of a write. The first is a sentence
for people; the second loses and duplicates nothing; the third is all or nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from studio import room_service as rs
from studio.exercises import load_catalog
from studio.room import RoomScript
from studio.store import (
    Store,
    StoreUnavailable,
    StoreUnreachable,
    pending_scrubs,
    room_shares,
    safety_answers,
)
from tests import factory

ROOT = Path(__file__).resolve().parents[2]
CATALOG = load_catalog()
SCRIPT = next(s for s in CATALOG.of_kind("room_script") if isinstance(s, RoomScript))
PASSWORD = "tangerine-Pw-9931"


def make_couple(store: Store, n: int):
    return factory.couple(store, n=n)


def share(store: Store, couple, k: int) -> None:
    rs.share_with_room(
        store,
        couple,
        {"together_alone": k % 8, "talk_or_cool": 3},
        {"together_alone": (k + 2) % 8, "talk_or_cool": 5},
        ["heard"],
        ["calm"],
    )


# -- Postgres down at start ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://studio:{PASSWORD}@127.0.0.1:9/studio",  # nothing listens there
        f"postgresql+psycopg://studio@/studio?host=/nonexistent/sock&password={PASSWORD}",
    ],
)
def test_postgres_down_at_start_is_a_kind_sentence_naming_the_server(url) -> None:
    with pytest.raises(StoreUnreachable) as exc:
        Store(url)
    said = str(exc.value)
    assert PASSWORD not in said and PASSWORD not in repr(exc.value)
    assert said.startswith("We couldn't reach the database postgresql+psycopg://studio")
    assert "127.0.0.1:9" in said or "/studio" in said  # which server, in words
    assert "Nothing was changed" in said and "Traceback" not in said
    assert exc.value.__cause__ is None and exc.value.__suppress_context__


def test_the_page_shows_the_sentence_when_postgres_is_down(tmp_path, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(
        "STUDIO_DATABASE_URL", f"postgresql+psycopg://studio:{PASSWORD}@127.0.0.1:9/studio"
    )
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error) + " ".join(t.value for t in at.text)
    assert "can't open its data right now" in shown
    assert "We couldn't reach the database" in shown and "127.0.0.1:9" in shown
    assert PASSWORD not in shown


# -- Postgres restarted in the middle of a workshop ------------------------------------------


def test_a_workshop_carries_on_after_postgres_restarts(postgres_server) -> None:
    url = postgres_server.new_database()
    store = Store(url)
    try:
        new = rs.create_room(store, SCRIPT)
        couples = [make_couple(store, n) for n in range(6)]
        for c in couples:
            rs.join_room(store, c, new.room.code)
        for k, c in enumerate(couples[:3]):
            share(store, c, k)
        before = rs.counts(store, new.room)
        assert (before.joined, before.shared) == (6, 3)

        postgres_server.stop()  # every pooled connection is now dead
        with pytest.raises(StoreUnreachable) as exc:  # while it is down: a sentence
            share(store, couples[3], 3)
        assert "Everything saved before is safe" in str(exc.value)
        assert "psycopg" not in str(exc.value) and "sock" not in str(exc.value)  # no server
        postgres_server.start_again()

        # The same pool, no restart of ours: the room carries on.
        for k, c in enumerate(couples[3:], start=3):
            share(store, c, k)
        state = rs.move_phase(store, new.secret, SCRIPT, +1)
        assert state.phase == SCRIPT.phases[1].key
        after = rs.counts(store, state)
        assert (after.joined, after.shared) == (6, 6)
        with store.read() as conn:  # nothing lost, nothing twice
            rows = conn.execute(select(room_shares.c.couple_id)).scalars().all()
        assert sorted(rows) == sorted(c.id for c in couples)
    finally:
        store.dispose()
        postgres_server.drop_database(url)


def test_postgres_restarted_between_two_clicks_is_invisible(postgres_server) -> None:
    url = postgres_server.new_database()
    store = Store(url)
    try:
        couple = make_couple(store, 1)
        run = store.start_safety_run(couple.id, "safety_map", {})
        store.save_answer(run, "a", "opening", "before the restart")
        postgres_server.restart()
        store.save_answer(run, "a", "needs", "after the restart")  # no error shown
        assert store.answers_of(run, "a") == {
            "opening": ("before the restart", False),
            "needs": ("after the restart", False),
        }
    finally:
        store.dispose()
        postgres_server.drop_database(url)


def test_out_of_reach_is_logged_once_a_minute_never_with_the_password(
    postgres_server, caplog
) -> None:
    from sqlalchemy.engine import make_url

    name = make_url(postgres_server.new_database()).database
    url = (
        f"postgresql+psycopg://studio:{PASSWORD}@/{name}"
        f"?host={postgres_server.socket_dir}"
    )  # trust auth: the password is ignored
    store = Store(url)
    try:
        make_couple(store, 1)
        postgres_server.stop()
        with caplog.at_level("WARNING", logger="studio.store"):
            for _ in range(3):  # three phones polling
                with pytest.raises(StoreUnreachable):
                    store.couple_by_id(1)
        postgres_server.start_again()
        said = [r.getMessage() for r in caplog.records if r.name == "studio.store"]
        assert len(said) == 1 and "is out of reach" in said[0]
        assert name in said[0] and PASSWORD not in said[0]  # for the operator: which one
        assert store.couple_by_id(1) is not None
    finally:
        if postgres_server.proc is None:
            postgres_server.start_again()
        store.dispose()


# -- a replica killed in the middle of a write ----------------------------------------------

KILL_MID_WRITE = r"""
import os, signal, sys
from sqlalchemy import event
from studio.store import Store

store = Store(sys.argv[1])

@event.listens_for(store.engine, "after_cursor_execute")
def _die(conn, cursor, statement, params, context, executemany):
    # "Forget us" is two statements in one transaction: the delete, then the marker
    # that the clean-up is owed. Killed between them, before the commit.
    if statement.lstrip().upper().startswith("DELETE FROM COUPLES"):
        print("deleted, not committed", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

store.forget_couple(int(sys.argv[2]))
print("not killed")
"""


def test_a_process_killed_mid_write_leaves_all_or_nothing(store_url) -> None:
    store = Store(store_url)
    try:
        couple = make_couple(store, 7)
        run = store.start_safety_run(couple.id, "safety_map", {})
        store.save_answer(run, "a", "opening", "kept words")
        proc = subprocess.run(
            [sys.executable, "-c", KILL_MID_WRITE, store_url, str(couple.id)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == -9, proc.stdout + proc.stderr
        assert "deleted, not committed" in proc.stdout  # it really was half-way

        again = Store(store_url)  # the other replica, or the next start
        try:
            assert again.couple_by_token(couple.token) == couple  # the delete did not happen
            assert again.answers_of(run, "a") == {"opening": ("kept words", False)}
            with again.read() as conn:
                assert (
                    conn.execute(select(func.count()).select_from(pending_scrubs)).scalar() == 0
                )  # nor half of it
                assert conn.execute(select(func.count()).select_from(safety_answers)).scalar() == 1
            again.forget_couple(couple.id)  # and nothing is stuck: it can be done now
            assert again.couple_by_token(couple.token) is None
        finally:
            again.dispose()
    finally:
        store.dispose()


def test_unreachable_is_a_store_problem_the_pages_understand() -> None:
    from studio.ui.context import _store_problem_of

    problem = StoreUnreachable("We can't reach the database right now.")
    try:
        raise RuntimeError("in a page") from problem
    except RuntimeError as exc:
        assert _store_problem_of(exc) is problem
    assert isinstance(problem, StoreUnavailable)
