"""Issue 11 through the pages (AppTest): the export page holds nothing sealed and says
what it leaves out; a bad database URL, a database from a newer studio and a full disk
each get one kind screen (Help keeps working); a content file that reuses another
file's id never crashes a page."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event, insert
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from studio import exercises
from studio.store import LATEST_VERSION, Store, default_database_url, schema_version
from tests.app.conftest import ROOT, switch_to
from tests.app.helpers import ok, open_page, texts

SEALED = "sealed-kumquat-orchestra-7q"
SEEN = "seen-together-lighthouse-3k"


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)


# -- 1. the export page -------------------------------------------------------------------


@pytest.fixture
def downloads(monkeypatch) -> list[bytes]:
    """Every file a page hands to the browser for download, as bytes."""
    got: list[bytes] = []
    real = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        if mimetype == "application/json":
            got.append(path_or_data if isinstance(path_or_data, bytes) else path_or_data.encode())
        return real(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return got


def test_the_download_holds_nothing_sealed_and_the_page_says_so(
    make_app, store, ready_couple, downloads
) -> None:
    seen = store.start_safety_run(
        ready_couple.id, "safety_map", {"sealed": {"a": True, "b": True}, "revealed_at": 5.0}
    )
    store.save_answer(seen, "a", "opening", SEEN)
    sealed = store.start_safety_run(
        ready_couple.id, "safety_map", {"sealed": {"a": True, "b": False}, "revealed_at": None}
    )
    store.save_answer(sealed, "a", "opening", SEALED)
    store.save_answer(sealed, "a", "needs", ["reassurance"])

    at = ok(open_page(make_app(c=ready_couple.token), "data"))
    assert downloads, "the page offered no download"
    data = b"".join(downloads).decode()
    assert SEALED not in data and "reassurance" not in data
    assert SEEN in data
    assert "isn't in here yet" in data and "haven't looked at it together" in data
    screen = texts(at)
    assert "1 round" in screen and "isn't in here yet" in screen
    assert "haven't looked at it together" in screen
    assert SEALED not in texts(at, main_only=False)


def test_nothing_left_out_nothing_said(make_app, ready_couple, downloads) -> None:
    at = ok(open_page(make_app(c=ready_couple.token), "data"))
    assert "isn't in here yet" not in texts(at)


# -- 6. a database URL we can't use -------------------------------------------------------

BAD_URLS = [
    "postgres://studio:hunter2@db.example:5432/studio?password=hunter2",
    "postgresql+psycopg://studio:hunter2@db.example/studio?password=hunter2",
]


@pytest.mark.parametrize("url", BAD_URLS, ids=["postgres-typo", "missing-driver"])
@pytest.mark.parametrize("page", [None, "setup", "home", "data", "safety_map"])
def test_a_bad_database_url_is_a_kind_screen_on_every_page(
    monkeypatch, tmp_path, url, page
) -> None:
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STUDIO_DATABASE_URL", url)
    at = app()
    at.query_params["c"] = "A" * 32
    at = ok(open_page(at, page))
    screen = texts(at, main_only=False)
    assert "can't open its data" in screen
    assert "STUDIO_DATABASE_URL" in screen
    assert "hunter2" not in screen
    assert "Traceback" not in screen
    assert list(tmp_path.iterdir()) == []  # nothing was created


@pytest.mark.parametrize("url", BAD_URLS, ids=["postgres-typo", "missing-driver"])
def test_help_works_with_a_bad_database_url(monkeypatch, tmp_path, url) -> None:
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STUDIO_DATABASE_URL", url)
    at = app()
    at.query_params["c"] = "A" * 32
    at = ok(open_page(at, "resources"))
    assert "If you are in danger right now" in texts(at)
    assert "hunter2" not in texts(at, main_only=False)


# -- 7. a database from a newer studio ---------------------------------------------------


def test_a_database_from_a_newer_studio_is_a_kind_screen(data_dir) -> None:
    s = Store(default_database_url())
    with s.write() as conn:
        conn.execute(insert(schema_version).values(version=LATEST_VERSION + 1, applied_at=1.0))
    s.dispose()
    db = data_dir / "studio.db"
    before = db.read_bytes()
    at = ok(open_page(app(), "setup"))
    screen = texts(at)
    assert "can't open its data" in screen and "newer version" in screen
    assert str(db) in screen and str(LATEST_VERSION + 1) in screen
    assert db.read_bytes() == before
    help_ = ok(open_page(app(), "resources"))
    assert "If you are in danger right now" in texts(help_)


# -- 8. a full disk ----------------------------------------------------------------------


def full_disk_on(statement_start: str) -> None:
    """The studio's own store answers every ``statement_start`` statement the way SQLite
    does when the disk is full."""
    from studio.ui import context

    page_store = context._store(default_database_url())

    @event.listens_for(page_store.engine, "before_cursor_execute")
    def _full(conn, cursor, statement, params, ctx, executemany):
        if statement.lstrip().upper().startswith(statement_start):
            raise sqlite3.OperationalError("database or disk is full")


def test_forget_us_on_a_full_disk_is_kind_and_deletes_nothing(
    make_app, store, ready_couple
) -> None:
    at = ok(open_page(make_app(c=ready_couple.token), "data"))
    full_disk_on("DELETE")
    at.checkbox(key="forget_sure").check().run()
    at = ok(at.button(key="forget_go").click().run())
    screen = texts(at)
    assert "disk is full" in screen and "nothing was lost" in screen
    assert "Traceback" not in screen
    assert store.couple_by_token(ready_couple.token) == ready_couple


def test_a_break_on_a_full_disk_is_kind(make_app, store, ready_couple) -> None:
    at = ok(open_page(make_app(c=ready_couple.token), "home"))
    full_disk_on("UPDATE")
    at = ok(at.sidebar.button(key="nav_pause").click().run())  # a callback that writes
    assert "disk is full" in texts(at, main_only=False)
    assert store.couple_by_token(ready_couple.token).paused_at is None


def test_an_error_that_is_not_the_disk_is_still_the_generic_screen(
    make_app, store, ready_couple
) -> None:
    at = ok(open_page(make_app(c=ready_couple.token), "data"))
    from studio.ui import context

    page_store = context._store(default_database_url())

    @event.listens_for(page_store.engine, "before_cursor_execute")
    def _broken(conn, cursor, statement, params, ctx, executemany):
        if statement.lstrip().upper().startswith("DELETE"):
            raise sqlite3.OperationalError("disk I/O error")

    at.checkbox(key="forget_sure").check().run()
    at.button(key="forget_go").click().run()
    assert "disk is full" not in texts(at, main_only=False)
    assert at.exception  # not dressed up as something it isn't


# -- 11. one id in two files -------------------------------------------------------------


@pytest.fixture
def exercises_copy(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "exercises"
    shutil.copytree(exercises.EXERCISES_DIR, folder)
    monkeypatch.setattr(exercises, "EXERCISES_DIR", folder)
    return folder


def _reuse_id(folder: Path, source: str, new_name: str, new_id: str) -> Path:
    text = (folder / source).read_text(encoding="utf-8")
    old_id = next(line for line in text.splitlines() if line.startswith("id = "))
    path = folder / new_name
    path.write_text(text.replace(old_id, f'id = "{new_id}"', 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "source, new_name, new_id",
    [
        ("themes.toml", "a_more_themes.toml", "safety_map"),
        ("imago_dialogue.toml", "a_talk.toml", "themes"),
        ("workshop_room.toml", "a_room.toml", "safety_map"),
    ],
    ids=["themes-as-safety_map", "dialogue-as-themes", "room-as-safety_map"],
)
def test_an_id_used_by_a_file_of_another_kind_never_crashes_the_safety_map(
    make_app, ready_couple, exercises_copy, source, new_name, new_id
) -> None:
    _reuse_id(exercises_copy, source, new_name, new_id)
    at = ok(open_page(make_app(c=ready_couple.token), "safety_map"))
    start = [b for b in at.button if b.key == "sm_start"]
    if start:
        at = ok(start[0].click().run())
    curtain = [b for b in at.button if b.key and b.key.startswith("curtain_btn")]
    assert curtain, texts(at)
    at = ok(curtain[0].click().run())  # after the hand-over
    assert at.text_area, texts(at)  # A's first part is there to answer
    home = ok(switch_to(at, "home"))
    assert new_name in texts(home) and "id" in texts(home)


def test_an_id_used_twice_in_the_same_kind_names_both_files(
    make_app, ready_couple, exercises_copy
) -> None:
    _reuse_id(exercises_copy, "imago_dialogue.toml", "z_talk.toml", "imago_dialogue")
    at = ok(open_page(make_app(c=ready_couple.token), "home"))
    screen = texts(at)
    assert "z_talk.toml" in screen and "imago_dialogue.toml" in screen
    assert "home_imago_dialogue" in [b.key for b in at.button]
