"""The store: couples by token, committed writes, idempotent migrations, a "forget"
that leaves no trace in the file's bytes, a complete export, clear errors for a file
we can't open (without touching it), and concurrent writers that neither fail nor
lose anything."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sqlite3
import sys
import threading
import time
import types
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from studio import tokens
from studio.store import (
    LATEST_VERSION,
    MIGRATIONS,
    Store,
    StoreUnavailable,
    dialogue_notes,
    room_members,
    room_shares,
    rooms,
    safety_answers,
    schema_version,
    topics,
)
from tests import factory
from tests.unit.stored import sqlite_file_bytes, stored_bytes

# Words that appear nowhere else: if any byte sequence of them survives "forget",
# the couple's words are still in the file.
NAME_A = "Zephyrine Quillfeather"
NAME_B = "Bartholomé Øxenstjerna"
SECRET_WORDS = [
    NAME_A,
    NAME_B,
    "marshmallow lighthouse whispering",  # a safety-map answer
    "the periwinkle kettle argument",  # a topic
    "saxophone under the staircase",  # a dialogue note
    "cinnamonquokka",  # a rating word
    "sharedneedxylophone",  # a workshop share
]


REVEALED = {"phase": "answering", "revealed_at": 1700000000.0}
DIALOGUE_EXTRA = {"notes": True, "after": {"sealed": ["a", "b"], "revealed": True}}


def db_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "studio.db"


@pytest.fixture
def store(store_url) -> Store:
    s = Store(store_url)
    yield s
    s.dispose()


def make_couple(store: Store, name_a: str = "Robin", name_b: str = "Sam"):
    return factory.couple(store, name_a, name_b, ready=False)


def fill_couple(store: Store, name_a: str = NAME_A, name_b: str = NAME_B):
    """A couple with something in every table that holds a couple's words."""
    couple = make_couple(store, name_a, name_b)
    store.update_couple(couple.id, stage="ready")
    # Seen together: a revealed round and a dialogue whose ratings were revealed (the
    # export holds only what both have seen; see tests/unit/test_privacy_store.py).
    run = store.start_safety_run(couple.id, "safety_map", REVEALED)
    store.save_answer(run, "a", "opening", "marshmallow lighthouse whispering")
    store.save_answer(run, "b", "opening", "when you " + name_a + " hold my hand")
    store.save_answer(run, "b", "needs", None, skipped=True)
    store.add_topic(couple.id, "the periwinkle kettle argument", "safety_map")
    dlg = store.create_dialogue(couple.id, {"step": "send"}, DIALOGUE_EXTRA)
    store.add_note(dlg, "a", "mirror", "saxophone under the staircase")
    store.save_rating(dlg, "a", heard=4, safe=5, word="cinnamonquokka", sealed=True)
    with store.write() as conn:
        room_id = conn.execute(
            insert(rooms).values(
                code="ABC123",
                secret=tokens.new_token(),
                script_id="workshop_room",
                phase="lobby",
                phase_started_at=time.time(),
                min_group=3,
                created_at=time.time(),
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(room_members).values(
                room_id=room_id, couple_id=couple.id, joined_at=time.time(), done_phases="[]"
            )
        )
        conn.execute(
            insert(room_shares).values(
                room_id=room_id,
                couple_id=couple.id,
                share='{"needs":["sharedneedxylophone"]}',
                shared_at=time.time(),
            )
        )
    return store.couple_by_id(couple.id), run, dlg


def file_bytes(db_path: Path) -> dict[str, bytes]:
    return sqlite_file_bytes(db_path)


def encodings(word: str) -> list[bytes]:
    """The ways SQLite could hold the word (it stores UTF-8; UTF-16 for safety)."""
    return [word.encode("utf-8"), word.encode("utf-16-le"), word.encode("utf-16-be")]


# -- couples and tokens --------------------------------------------------------------------


def test_create_and_load_by_token(store) -> None:
    couple = make_couple(store, "Ada", "Grace")
    assert tokens.looks_valid(couple.token)
    again = store.couple_by_token(couple.token)
    assert again == couple
    assert (again.name("a"), again.name("b")) == ("Ada", "Grace")
    assert (again.color("a"), again.symbol("b")) == ("blue", "triangle")
    assert again.stage == "safety_a" and again.paused_at is None
    assert store.couple_by_id(couple.id) == couple


@pytest.mark.parametrize(
    "bad", [None, "", "nope", "x" * 1000, "a b c d e f g h i j k l m", "é" * 30, "'; DROP TABLE"]
)
def test_unknown_or_malformed_tokens_find_nobody(store, bad) -> None:
    make_couple(store)
    assert store.couple_by_token(bad) is None


def test_a_real_looking_token_that_does_not_exist_finds_nobody(store) -> None:
    make_couple(store)
    assert store.couple_by_token(tokens.new_token()) is None


def test_two_couples_get_different_tokens(store) -> None:
    a, b = make_couple(store), make_couple(store)
    assert a.token != b.token and a.id != b.id


def test_update_couple_rejects_unknown_fields(store) -> None:
    couple = make_couple(store)
    with pytest.raises(ValueError):
        store.update_couple(couple.id, token="mine now")
    assert store.couple_by_id(couple.id).token == couple.token


# -- every write is committed -------------------------------------------------------------


def test_every_write_is_seen_by_a_second_store_on_the_same_file(store) -> None:
    other = Store(store.url)
    try:
        couple = make_couple(store)
        assert other.couple_by_token(couple.token) is not None

        store.update_couple(couple.id, stage="ready", name_a="Robin Lee")
        seen = other.couple_by_token(couple.token)
        assert (seen.stage, seen.name_a) == ("ready", "Robin Lee")

        store.pause(couple.id, now=1000.0)
        assert other.couple_by_id(couple.id).paused_at == 1000.0
        assert store.resume(couple.id, now=1090.0) == pytest.approx(90.0)
        assert other.couple_by_id(couple.id).paused_at is None
        assert store.resume(couple.id, now=1100.0) == 0.0  # no break: nothing to end

        run = store.start_safety_run(couple.id, "safety_map", {"phase": "a"})
        assert [r.id for r in other.safety_runs_of(couple.id)] == [run]
        store.set_safety_state(run, {"phase": "b"})
        assert other.safety_run(couple.id, run).state == {"phase": "b"}

        store.save_answer(run, "a", "opening", "a walk together")
        assert other.answers_of(run, "a") == {"opening": ("a walk together", False)}
        store.save_answer(run, "a", "opening", "a long walk")  # replace, not duplicate
        assert other.answers_of(run, "a") == {"opening": ("a long walk", False)}
        store.save_answer(run, "a", "needs", None, skipped=True)
        assert other.answers_of(run, "a")["needs"] == (None, True)
        store.clear_answer(run, "a", "needs")
        assert "needs" not in other.answers_of(run, "a")
        assert other.answers_of(run, "b") == {}  # one partner at a time

        topic = store.add_topic(couple.id, "the dishes", "manual")
        assert [t.id for t in other.open_topics(couple.id)] == [topic]
        store.use_topic(topic)
        assert other.open_topics(couple.id) == []

        dlg = store.create_dialogue(couple.id, {"step": 1}, {"notes": False})
        assert other.dialogues_of(couple.id)[0]["extra"] == {"notes": False}
        store.save_dialogue(dlg, state={"step": 2}, extra={"notes": True})
        seen_dlg = other.dialogues_of(couple.id)[0]
        assert (seen_dlg["state"], seen_dlg["extra"]) == ({"step": 2}, {"notes": True})

        store.add_note(dlg, "b", "mirror", "I heard you say…")
        assert [n.text for n in other.notes_of(dlg)] == ["I heard you say…"]

        store.save_rating(dlg, "a", heard=3)
        store.save_rating(dlg, "a", safe=4, sealed=True)
        rating = other.rating_of(dlg, "a")
        assert (rating["heard"], rating["safe"], rating["sealed"]) == (3, 4, True)
        assert other.rating_of(dlg, "b") is None
    finally:
        other.dispose()


def test_a_write_survives_closing_every_connection(store) -> None:
    couple = make_couple(store)
    store.dispose()
    fresh = Store(store.url)
    try:
        assert fresh.couple_by_token(couple.token) == couple
    finally:
        fresh.dispose()


# -- migrations ---------------------------------------------------------------------------


def version_rows(store: Store) -> list[tuple]:
    with store.read() as conn:
        return [tuple(r) for r in conn.execute(select(schema_version).order_by("version"))]


def test_a_new_file_is_at_the_latest_version(store) -> None:
    assert store.version() == LATEST_VERSION
    assert [r[0] for r in version_rows(store)] == [v for v, _ in MIGRATIONS]


def test_migrations_run_twice_change_nothing(store) -> None:
    couple = make_couple(store)
    before = version_rows(store)
    assert store.migrate() == LATEST_VERSION
    assert store.migrate() == LATEST_VERSION
    again = Store(store.url)  # a second process starting on the same database
    try:
        assert again.version() == LATEST_VERSION
    finally:
        again.dispose()
    assert version_rows(store) == before
    assert store.couple_by_token(couple.token) == couple


# -- forget -------------------------------------------------------------------------------


def test_forget_leaves_none_of_the_couples_words_in_the_file(store) -> None:
    """SQLite: not in the file nor its WAL. Postgres: not in any file of the database
    (the VACUUM FULL after the delete rewrote every table that held them)."""
    keep = make_couple(store, "Keeper One", "Keeper Two")
    couple, _run, _dlg = fill_couple(store)

    # The words really are in the files first (and, for SQLite, at least partly in
    # the WAL): otherwise this test would prove nothing.
    before = stored_bytes(store)
    everything = b"".join(before.values())
    for word in SECRET_WORDS:
        assert word.encode("utf-8") in everything, word
    if store.is_sqlite:
        wal = before.get("studio.db-wal", b"")
        assert wal, "the writes should still sit in the write-ahead log"
        assert NAME_A.encode("utf-8") in wal

    store.forget_couple(couple.id)

    assert store.couple_by_token(couple.token) is None
    assert store.export_couple(couple.id) == {}
    after = stored_bytes(store)
    assert after
    for fname, data in after.items():
        for word in SECRET_WORDS:
            for enc in encodings(word):
                assert enc not in data, f"{word!r} is still in {fname}"
        assert couple.token.encode() not in data, f"the token is still in {fname}"
    # Nobody else was touched.
    assert store.couple_by_token(keep.token) == keep
    with store.read() as conn:
        for table in (safety_answers, topics, dialogue_notes, room_members, room_shares):
            assert conn.execute(select(func.count()).select_from(table)).scalar() == 0, table.name


def test_forget_with_a_second_store_open_on_the_file(store) -> None:
    other = Store(store.url)  # another session's connection pool, idle
    try:
        couple, run, _ = fill_couple(store)
        assert other.answers_of(run, "a")  # it has read the words
        store.forget_couple(couple.id)
        assert other.couple_by_token(couple.token) is None
        data = b"".join(stored_bytes(store).values())
        for word in SECRET_WORDS:
            assert word.encode("utf-8") not in data, word
    finally:
        other.dispose()


def test_forget_of_someone_already_gone_is_harmless(store) -> None:
    couple = make_couple(store)
    store.forget_couple(couple.id)
    store.forget_couple(couple.id)
    assert store.couple_by_id(couple.id) is None


# -- export -------------------------------------------------------------------------------


def test_export_has_everything_and_no_token(store) -> None:
    couple, _run, _dlg = fill_couple(store)
    other = make_couple(store, "Not Them", "Someone Else")
    out = store.export_couple(couple.id)
    text = json.dumps(out, ensure_ascii=False)
    json.loads(text)  # plain JSON

    assert couple.token not in text
    assert "token" not in out["couple"] and "id" not in out["couple"]
    assert other.token not in text and "Not Them" not in text
    for word in SECRET_WORDS:
        assert word in text, word

    c = out["couple"]
    assert (c["name_a"], c["name_b"], c["stage"]) == (NAME_A, NAME_B, "ready")
    assert (c["color_a"], c["symbol_b"]) == ("blue", "triangle")
    [sm] = out["safety_maps"]
    assert sm["exercise"] == "safety_map" and sm["state"] == REVEALED
    answers = {(a["partner"], a["item"]): (a["value"], a["skipped"]) for a in sm["answers"]}
    assert answers == {
        ("a", "opening"): ("marshmallow lighthouse whispering", False),
        ("b", "opening"): ("when you " + NAME_A + " hold my hand", False),
        ("b", "needs"): (None, True),
    }
    assert [t["text"] for t in out["topics"]] == ["the periwinkle kettle argument"]
    [d] = out["dialogues"]
    assert d["state"] == {"step": "send"}
    assert d["notes"] == [
        {"partner": "a", "step": "mirror", "text": "saxophone under the staircase"}
    ]
    assert d["ratings"][0]["word"] == "cinnamonquokka" and d["ratings"][0]["heard"] == 4
    [w] = out["workshops"]
    assert w["room"] == "ABC123"
    assert w["shared"] == {"needs": ["sharedneedxylophone"]}


def test_export_of_an_unknown_couple_is_empty(store) -> None:
    assert store.export_couple(12345) == {}


# -- a file we can't open -----------------------------------------------------------------


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(os.urandom(16384), id="random-bytes"),
        pytest.param(b"Dear diary,\nthis is not a database.\n" * 200, id="text-file"),
        pytest.param(b"SQLite format 3\x00" + b"\xff" * 4000, id="damaged-header"),
    ],
)
def test_a_corrupt_file_is_named_and_left_alone(db_path, content) -> None:
    db_path.write_bytes(content)
    before = sha(db_path)
    with pytest.raises(StoreUnavailable) as exc:
        Store(db_url(db_path))
    msg = str(exc.value)
    assert str(db_path) in msg
    assert "Nothing was changed" in msg
    assert "Traceback" not in msg
    assert sha(db_path) == before
    # Trying again (the next rerun) is just as careful.
    with pytest.raises(StoreUnavailable):
        Store(db_url(db_path))
    assert sha(db_path) == before


def test_a_folder_where_the_file_should_be_is_named(db_path) -> None:
    db_path.mkdir()
    (db_path / "keep.txt").write_text("mine")
    with pytest.raises(StoreUnavailable) as exc:
        Store(db_url(db_path))
    assert str(db_path) in str(exc.value)
    assert [p.name for p in db_path.iterdir()] == ["keep.txt"]


def test_a_data_folder_that_cannot_be_made_is_named(tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file")
    target = blocker / "studio.db"
    with pytest.raises(StoreUnavailable) as exc:
        Store(db_url(target))
    assert str(target) in str(exc.value)
    assert blocker.read_text() == "a file"


def test_a_password_in_the_url_is_never_shown() -> None:
    from studio.store import _describe

    said = _describe("postgresql://studio:hunter2@db.example:5432/studio")
    assert "hunter2" not in said and "db.example:5432/studio" in said


# -- concurrency --------------------------------------------------------------------------

THREADS = 20
PROCESSES = 4
ANSWERS_EACH = 15


def test_twenty_threads_writing_at_once_lose_nothing(store) -> None:
    couple = make_couple(store)
    run = store.start_safety_run(couple.id, "safety_map", {})
    barrier = threading.Barrier(THREADS)
    errors: list[str] = []

    def writer(k: int) -> None:
        try:
            barrier.wait()
            for i in range(ANSWERS_EACH):
                store.save_answer(run, "ab"[k % 2], f"t{k}-item{i}", {"k": k, "i": i})
                store.save_answer(run, "a", "shared", k)  # everyone upserts the same row
                store.add_topic(couple.id, f"topic {k}-{i}", "manual")
        except Exception as exc:  # every failure is the finding
            errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not [e for e in errors if "locked" in e], errors
    assert errors == []
    with store.read() as conn:
        n_answers = conn.execute(select(func.count()).select_from(safety_answers)).scalar()
        n_topics = conn.execute(select(func.count()).select_from(topics)).scalar()
    assert n_answers == THREADS * ANSWERS_EACH + 1
    assert n_topics == THREADS * ANSWERS_EACH


def _process_writer(url: str, k: int, barrier, results) -> None:
    errors: list[str] = []
    try:
        barrier.wait()
        store = Store(url)  # every process opens (and migrates) the file at the same moment
        couple = make_couple(store, f"P{k}a", f"P{k}b")
        run = store.start_safety_run(couple.id, "safety_map", {})
        for i in range(ANSWERS_EACH):
            store.save_answer(run, "a", f"item{i}", i)
            store.save_answer(run, "b", f"item{i}", -i)
        store.dispose()
        results.put((k, couple.id, run, errors))
    except Exception as exc:  # every failure is the finding
        results.put((k, None, None, [f"{type(exc).__name__}: {exc}"]))


def test_four_processes_writing_at_once_lose_nothing(fresh_url, monkeypatch) -> None:
    # A spawned child first re-runs the parent's __main__ file. After an AppTest in this
    # process that is app.py (Streamlit runs a script as __main__), which the children
    # must not run: give them a __main__ with no file.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    url = fresh_url()  # no tables yet: the four migrate it at the same moment
    procs = [
        ctx.Process(target=_process_writer, args=(url, k, barrier, results))
        for k in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    got = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0

    errors = [e for _, _, _, errs in got for e in errs]
    assert not [e for e in errors if "locked" in e], errors
    assert errors == []
    store = Store(url)
    try:
        assert version_rows(store) and store.version() == LATEST_VERSION
        assert len(version_rows(store)) == len(MIGRATIONS)  # migrated once, not four times
        with store.read() as conn:
            total = conn.execute(select(func.count()).select_from(safety_answers)).scalar()
        assert total == PROCESSES * ANSWERS_EACH * 2
        for _k, _couple_id, run, _ in got:
            assert len(store.answers_of(run, "a")) == ANSWERS_EACH
            assert len(store.answers_of(run, "b")) == ANSWERS_EACH
    finally:
        store.dispose()


def _open_fresh(url: str, barrier, results) -> None:
    try:
        barrier.wait()
        store = Store(url)
        make_couple(store)
        store.dispose()
        results.put("")
    except Exception as exc:  # every failure is the finding
        results.put(f"{type(exc).__name__}: {exc}")


def test_many_processes_opening_a_brand_new_file_at_once(fresh_url) -> None:
    """Each round: six processes create (migrate) the same new database at the same
    moment — on Postgres, six replicas starting together against one new database."""
    ctx = multiprocessing.get_context("fork")  # fast to start: many rounds
    errors = []
    for _round in range(8):
        url = fresh_url()
        barrier, results = ctx.Barrier(6), ctx.Queue()
        procs = [ctx.Process(target=_open_fresh, args=(url, barrier, results)) for _ in range(6)]
        for p in procs:
            p.start()
        failed = [e for e in (results.get(timeout=120) for _ in procs) if e]
        for p in procs:
            p.join(timeout=60)
        store = Store(url)
        try:
            assert len(_all_tokens(store)) == 6 - len(failed)  # every success was kept
        finally:
            store.dispose()
        errors += failed
    assert errors == []


def _all_tokens(store: Store) -> list[str]:
    from studio.store import couples

    with store.read() as conn:
        return list(conn.execute(select(couples.c.token)).scalars())


class _FlakyCursor:
    """Answers "database is locked" a few times, as SQLite does when several processes
    switch a brand-new file to WAL at the same moment (it doesn't wait, it just says no)."""

    def __init__(self, failures: int, message: str = "database is locked"):
        self.failures, self.message, self.calls = failures, message, 0

    def execute(self, sql: str) -> None:
        assert sql == "PRAGMA journal_mode = WAL"
        self.calls += 1
        if self.calls <= self.failures:
            raise sqlite3.OperationalError(self.message)


def test_switching_to_wal_tries_again_when_another_process_holds_the_file() -> None:
    from studio.store import _set_wal

    cur = _FlakyCursor(failures=3)
    _set_wal(cur)
    assert cur.calls == 4


def test_switching_to_wal_gives_up_eventually_and_other_errors_are_not_retried() -> None:
    from studio.store import _set_wal

    stuck = _FlakyCursor(failures=10**6)
    with pytest.raises(sqlite3.OperationalError):
        _set_wal(stuck, attempts=3)
    assert stuck.calls == 3
    broken = _FlakyCursor(failures=1, message="file is not a database")
    with pytest.raises(sqlite3.OperationalError):
        _set_wal(broken)
    assert broken.calls == 1


def test_dialogues_newest_first_one_or_by_id_and_only_the_couples_own(store) -> None:
    couple, other = make_couple(store), make_couple(store, "Ana", "Bo")
    ids = [store.create_dialogue(couple.id, {"n": n}, {}) for n in range(3)]
    theirs = store.create_dialogue(other.id, {"n": 9}, {})
    assert [d["id"] for d in store.dialogues_of(couple.id)] == ids[::-1]
    assert [d["state"] for d in store.dialogues_of(couple.id, newest=1)] == [{"n": 2}]
    assert [d["state"] for d in store.dialogues_of(couple.id, dialogue_id=ids[0])] == [{"n": 0}]
    assert store.dialogues_of(couple.id, dialogue_id=theirs) == []  # another couple's
