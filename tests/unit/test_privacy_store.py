"""The store keeps its promises on the paths the happy tests don't walk: the export holds
only what both have seen; an error never carries the values sent; a bad database URL,
a database from a newer studio and a full disk each get one kind sentence and change
nothing; an interrupted "Forget us" is finished at the next start."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.exc import IntegrityError

from studio.store import (
    LATEST_VERSION,
    Store,
    StoreFull,
    StoreTooNew,
    StoreUnavailable,
    _describe,
    schema_version,
    topics,
)
from tests.unit.stored import stored_bytes
from tests.unit.test_store import (
    NAME_A,
    NAME_B,
    SECRET_WORDS,
    db_url,
    encodings,
    fill_couple,
    make_couple,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "studio.db"


@pytest.fixture
def store(store_url):
    s = Store(store_url)
    yield s
    s.dispose()


# -- 1. the export holds only what both have seen -----------------------------------------

SEALED_A = "sealed-words-of-a kumquat-orchestra"
SEALED_B = "sealed-words-of-b velvet-tugboat"
SEALED_WORD = "sealedratingword-quince"


def _unrevealed_round(store: Store, couple_id: int) -> int:
    """A round where A has sealed and B is answering: nothing of it seen together."""
    state = {
        "sealed": {"a": True, "b": False},
        "ready": {"a": False, "b": False},
        "section": {"a": 4, "b": 1},
        "revealed_at": None,
    }
    run = store.start_safety_run(couple_id, "safety_map", state)
    store.save_answer(run, "a", "opening", SEALED_A)
    store.save_answer(run, "a", "scale:closeness", 8)
    store.save_answer(run, "a", "guess:closeness", 3)
    store.save_answer(run, "a", "needs", ["time_alone", "reassurance"])
    store.save_answer(run, "b", "opening", SEALED_B)
    return run


def _sealed_dialogue(store: Store, couple_id: int) -> int:
    dlg = store.create_dialogue(
        couple_id, {"step": "done"}, {"notes": True, "after": {"sealed": ["a"], "revealed": False}}
    )
    store.save_rating(dlg, "a", heard=2, safe=1, word=SEALED_WORD, sealed=True)
    return dlg


def test_the_export_leaves_out_a_round_not_yet_looked_at_together(store) -> None:
    couple, _run, _dlg = fill_couple(store)  # one revealed round, one revealed dialogue
    _unrevealed_round(store, couple.id)
    _sealed_dialogue(store, couple.id)

    out = store.export_couple(couple.id)
    text = json.dumps(out, ensure_ascii=False)
    for secret in (SEALED_A, SEALED_B, SEALED_WORD, "time_alone", "reassurance"):
        assert secret not in text, secret
    assert '"scale:closeness"' not in text and '"guess:closeness"' not in text
    # What both have seen is still all there.
    for word in SECRET_WORDS:
        assert word in text, word
    assert len(out["safety_maps"]) == 1 and len(out["dialogues"]) == 2
    sealed_dialogue = [d for d in out["dialogues"] if not d["ratings"]]
    assert len(sealed_dialogue) == 1
    # The file says what it leaves out, in words.
    assert out["left_out"] == {
        "safety_map_rounds": 1,
        "dialogue_ratings": 1,
        "checkin_ratings": 0,
        "card_words": 0,
    }
    note = " ".join(out["not_in_this_file"])
    assert "1 round" in note and "looked at it together" in note
    assert "rating" in note


def test_an_export_with_nothing_left_out_says_nothing_about_it(store) -> None:
    couple, _run, _dlg = fill_couple(store)
    out = store.export_couple(couple.id)
    assert out["left_out"] == {
        "safety_map_rounds": 0,
        "dialogue_ratings": 0,
        "checkin_ratings": 0,
        "card_words": 0,
    }
    assert out["not_in_this_file"] == []


def test_a_round_with_a_state_we_cannot_read_is_left_out(store) -> None:
    couple = make_couple(store)
    run = store.start_safety_run(couple.id, "safety_map", {})
    store.save_answer(run, "a", "opening", SEALED_A)
    out = store.export_couple(couple.id)
    assert SEALED_A not in json.dumps(out, ensure_ascii=False)
    assert out["safety_maps"] == [] and out["left_out"]["safety_map_rounds"] == 1


# -- 5. an error never carries the values that were sent ----------------------------------


@pytest.mark.sqlite_only
def test_a_failing_write_does_not_put_names_or_token_in_its_error(store, db_path) -> None:
    couple = make_couple(store, NAME_A, NAME_B)
    raw = sqlite3.connect(db_path)
    raw.execute(
        "CREATE TRIGGER no_b BEFORE UPDATE ON couples BEGIN "
        "SELECT RAISE(ABORT, 'injected failure'); END"
    )
    raw.commit()
    raw.close()
    with pytest.raises(Exception) as exc:
        store.update_couple(couple.id, name_a=NAME_A + " again", name_b=NAME_B)
    said = str(exc.value) + repr(exc.value)
    assert "injected failure" in said  # the failure is the one we made
    for secret in (NAME_A, NAME_B, couple.token):
        assert secret not in said, secret


# -- 6. a database URL we can't use ------------------------------------------------------


@pytest.mark.parametrize(
    "url, hint",
    [
        ("postgres://studio:hunter2@db.example:5432/studio?password=hunter2", "postgresql"),
        ("postgresql+psycopg://studio:hunter2@db.example/studio?password=hunter2", "psycopg"),
        ("postgresql+nodriver://studio:hunter2@db.example/studio", "nodriver"),
        ("mysql://studio:hunter2@db.example/studio", "MySQLdb"),
        ("not a url with hunter2 in it", "STUDIO_DATABASE_URL"),
    ],
    ids=["postgres-typo", "missing-psycopg", "unknown-driver", "missing-mysqldb", "garbage"],
)
def test_a_database_url_we_cannot_use_is_one_kind_sentence(url, hint) -> None:
    with pytest.raises(StoreUnavailable) as exc:
        Store(url)
    said = str(exc.value)
    assert hint in said
    assert "hunter2" not in said
    assert "Traceback" not in said and "sqlalchemy" not in said.lower()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://studio:hunter2@db.example:5432/studio",
        "postgresql+psycopg://db.example/studio?password=hunter2&sslmode=require",
        "postgresql://studio@db.example/studio?user=x&password=hunter2",
        "postgresql://studio:hunter2@/studio?host=/run/postgresql",
    ],
)
def test_the_description_of_a_url_never_shows_a_password(url) -> None:
    said = _describe(url)
    assert "hunter2" not in said
    assert "studio" in said


# -- 7. a database from a newer studio ---------------------------------------------------


@pytest.mark.sqlite_only
def test_a_database_from_a_newer_studio_is_refused_and_left_alone(store, db_path) -> None:
    couple = make_couple(store)
    with store.write() as conn:
        conn.execute(insert(schema_version).values(version=LATEST_VERSION + 3, applied_at=1.0))
    store.dispose()
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    names_before = sorted(p.name for p in db_path.parent.iterdir())

    with pytest.raises(StoreTooNew) as exc:
        Store(db_url(db_path))
    said = str(exc.value)
    assert str(db_path) in said
    assert str(LATEST_VERSION + 3) in said and str(LATEST_VERSION) in said
    assert "newer" in said and "Nothing was changed" in said
    assert isinstance(exc.value, StoreUnavailable)  # the pages' usual kind screen

    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == names_before
    raw = sqlite3.connect(db_path)
    try:
        assert (
            raw.execute("SELECT max(version) FROM schema_version").fetchone()[0]
            == LATEST_VERSION + 3
        )
        assert raw.execute("SELECT token FROM couples").fetchone()[0] == couple.token
    finally:
        raw.close()


# -- 8. a full disk ----------------------------------------------------------------------


def fill_the_disk(store: Store) -> None:
    """From now on the file can't grow by a single page (SQLite's max_page_count, set on
    every connection): what a full disk looks like to SQLite, deterministically."""

    @event.listens_for(store.engine, "connect")
    def _cap(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        pages = cur.execute("PRAGMA page_count").fetchone()[0]
        cur.execute(f"PRAGMA max_page_count = {pages}")
        cur.close()

    store.engine.dispose()  # every connection from now on is capped


@pytest.mark.sqlite_only
def test_a_full_disk_is_a_kind_sentence_and_nothing_is_half_written(store) -> None:
    couple, _run, _dlg = fill_couple(store)
    before = store.export_couple(couple.id)
    fill_the_disk(store)

    with pytest.raises(StoreFull) as exc:
        store.add_topic(couple.id, "a long topic " * 20_000, "manual")
    said = str(exc.value)
    assert "disk is full" in said and "nothing was lost" in said
    assert isinstance(exc.value, StoreUnavailable)

    # A transaction that fails half-way leaves nothing of its first half.
    with pytest.raises(StoreFull), store.write() as conn:
        conn.execute(
            insert(topics).values(
                couple_id=couple.id, text="first half", source="manual", created_at=1.0
            )
        )
        conn.execute(
            insert(topics).values(
                couple_id=couple.id, text="x" * 400_000, source="manual", created_at=1.0
            )
        )
    with store.read() as conn:
        texts = list(conn.execute(select(topics.c.text)).scalars())
    assert "first half" not in texts
    assert store.export_couple(couple.id) == before  # everything from before is intact


@pytest.mark.sqlite_only
def test_forget_on_a_full_disk_deletes_nothing_and_says_so(store) -> None:
    couple, _run, _dlg = fill_couple(store)

    @event.listens_for(store.engine, "before_cursor_execute")
    def _full(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith("DELETE"):
            raise sqlite3.OperationalError("database or disk is full")

    with pytest.raises(StoreFull) as exc:
        store.forget_couple(couple.id)
    assert "nothing was lost" in str(exc.value)
    assert store.couple_by_token(couple.token) == couple
    assert store.scrub_pending() == 0  # no clean-up was promised for a delete that failed


def test_other_database_errors_are_not_called_a_full_disk(store) -> None:
    couple = make_couple(store)
    with pytest.raises(IntegrityError) as exc, store.write() as conn:
        conn.execute(insert(topics).values(text="no couple", source="manual", created_at=1.0))
    assert not isinstance(exc.value, StoreFull)
    assert store.couple_by_id(couple.id) == couple


# -- 9. an interrupted "Forget us" -------------------------------------------------------

KILL_IN_FORGET = r"""
import os, signal, sys
from studio.store import Store
store = Store(sys.argv[1])
# Killed after the delete committed, before the checkpoint and VACUUM could run.
Store.scrub = lambda self: os.kill(os.getpid(), signal.SIGKILL)
store.forget_couple(int(sys.argv[2]))
print("not killed")
"""


def test_an_interrupted_forget_is_finished_at_the_next_start(store) -> None:
    keep = make_couple(store, "Keeper One", "Keeper Two")
    couple, _run, _dlg = fill_couple(store)
    data = b"".join(stored_bytes(store).values())
    store.dispose()
    assert NAME_A.encode() in data  # the words are in the file to begin with

    proc = subprocess.run(
        [sys.executable, "-c", KILL_IN_FORGET, store.url, str(couple.id)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == -9, proc.stdout + proc.stderr  # really killed mid-forget

    again = Store(store.url)  # the next start of the studio
    try:
        assert again.couple_by_token(couple.token) is None  # the delete had committed
        assert again.couple_by_token(keep.token) == keep
        assert again.scrub_pending() == 0
        for fname, raw in stored_bytes(again).items():  # read while the studio runs
            for word in SECRET_WORDS:
                for enc in encodings(word):
                    assert enc not in raw, f"{word!r} is still in {fname}"
            assert couple.token.encode() not in raw, f"the token is still in {fname}"
    finally:
        again.dispose()


def test_a_forget_that_finishes_leaves_no_clean_up_pending(store) -> None:
    couple, _run, _dlg = fill_couple(store)
    store.forget_couple(couple.id)
    assert store.scrub_pending() == 0


def test_a_clean_up_that_fails_is_kept_for_the_next_start(store, monkeypatch) -> None:
    couple, _run, _dlg = fill_couple(store)

    def no_space(self) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "_scrub_file", no_space)
    store.forget_couple(couple.id)  # the delete itself went through: no error to show
    assert store.couple_by_token(couple.token) is None
    assert store.scrub_pending() == 1
    monkeypatch.undo()
    store.dispose()
    again = Store(store.url)
    try:
        assert again.scrub_pending() == 0
        data = b"".join(stored_bytes(again).values())
        assert NAME_A.encode() not in data and NAME_B.encode() not in data
    finally:
        again.dispose()


def test_many_stores_opening_with_nothing_pending_do_not_scrub(store, monkeypatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(Store, "_scrub_file", lambda self: calls.append(1))
    make_couple(store)
    other = Store(store.url)
    other.dispose()
    assert calls == []


def test_pending_markers_hold_no_words(store) -> None:
    couple, _run, _dlg = fill_couple(store)
    store.forget_couple(couple.id)
    from studio.store import pending_scrubs

    assert {c.name for c in pending_scrubs.c} == {"id", "requested_at"}
