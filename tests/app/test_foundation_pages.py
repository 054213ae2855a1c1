"""The foundation's pages through AppTest: setup with the privacy curtain, resuming by
link, unknown links, the break, forgetting, broken content and an unopenable database."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from studio import exercises
from studio.store import Store, default_database_url
from studio.text import md_escape
from tests.app.conftest import switch_to
from tests.app.helpers import button, ok, open_page, texts

NOTE_TITLE = "Just for you"


def couples_in(store: Store) -> int:
    from sqlalchemy import func, select

    from studio.store import couples

    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(couples)).scalar()


# -- set-up -------------------------------------------------------------------------------


def test_setup_walks_through_both_private_notes(make_app, store) -> None:
    at = ok(make_app().run())
    ok(at.button(key="welcome_start").click().run())
    assert "Who's here?" in texts(at)

    at.text_input(key="name_a").input("Robin")
    at.text_input(key="name_b").input("Sam")
    ok(button(at, "That's us").click().run())

    token = at.query_params["c"]
    token = token[0] if isinstance(token, list) else token
    couple = store.couple_by_token(token)
    assert (couple.name_a, couple.name_b, couple.stage) == ("Robin", "Sam", "safety_a")

    # Partner A's curtain: nothing of the note yet, and nothing of B's.
    screen = texts(at)
    assert "Pass the laptop to ● Robin" in screen
    assert NOTE_TITLE not in screen
    ok(at.button(key="curtain_btn_setup_safety_a").click().run())
    screen = texts(at)
    assert "Just for you, ● Robin" in screen
    assert "Just for you, ▲ Sam" not in screen
    assert "curtain_btn_setup_safety_b" not in [b.key for b in at.button]

    ok(at.button(key="safety_ok_a").click().run())
    assert store.couple_by_token(token).stage == "safety_b"
    # B's curtain: A's note is gone and B's isn't shown yet.
    screen = texts(at)
    assert "Pass the laptop to ▲ Sam" in screen
    assert NOTE_TITLE not in screen
    ok(at.button(key="curtain_btn_setup_safety_b").click().run())
    screen = texts(at)
    assert "Just for you, ▲ Sam" in screen
    assert "Just for you, ● Robin" not in screen

    ok(at.button(key="safety_ok_b").click().run())
    assert store.couple_by_token(token).stage == "ready"
    # Straight on to the first exercise, which begins with the hand-over to A.
    screen = texts(at)
    assert "Pass the laptop to ● Robin" in screen and "How it goes" in screen
    switch_to(at, "setup")
    assert "You're all set" in texts(at)
    ok(at.button(key="setup_done").click().run())
    assert "Our space" in texts(at)


def test_blank_names_become_partner_a_and_b(make_app, store) -> None:
    at = ok(open_page(make_app(), "setup"))
    ok(button(at, "That's us").click().run())
    [couple] = _all_couples(store)
    assert (couple.name_a, couple.name_b) == ("Partner A", "Partner B")
    assert "Pass the laptop to ● Partner A" in texts(at)


def _all_couples(store: Store):
    from sqlalchemy import select

    from studio.store import couples

    with store.read() as conn:
        tokens = conn.execute(select(couples.c.token)).scalars().all()
    return [store.couple_by_token(t) for t in tokens]


def test_a_name_too_long_is_a_clear_error_and_nothing_is_lost(make_app, store) -> None:
    at = ok(open_page(make_app(), "setup"))
    long_name = "R" * 41
    at.text_input(key="name_a").input(long_name)
    at.text_input(key="name_b").input("Sam")
    at.selectbox(key="color_b").select("green")
    at.selectbox(key="symbol_b").select("star")
    ok(button(at, "That's us").click().run())

    errors = [e.value for e in at.error]
    assert any("41" in e and "40" in e for e in errors), errors
    assert couples_in(store) == 0
    assert "c" not in at.query_params
    # Everything they typed and picked is still there.
    assert at.text_input(key="name_a").value == long_name
    assert at.text_input(key="name_b").value == "Sam"
    assert at.selectbox(key="color_b").value == "green"
    assert at.selectbox(key="symbol_b").value == "star"

    # Shortening it is enough.
    at.text_input(key="name_a").input("Robin")
    ok(button(at, "That's us").click().run())
    [couple] = _all_couples(store)
    assert (couple.name_a, couple.name_b, couple.color_b, couple.symbol_b) == (
        "Robin",
        "Sam",
        "green",
        "star",
    )


def test_the_same_colour_and_symbol_twice_is_a_kind_error(make_app, store) -> None:
    at = ok(open_page(make_app(), "setup"))
    at.selectbox(key="color_b").select("blue")
    at.selectbox(key="symbol_b").select("circle")
    ok(button(at, "That's us").click().run())
    assert any("different colour or symbol" in e.value for e in at.error)
    assert couples_in(store) == 0


def test_hostile_names_show_as_text(make_app, store) -> None:
    at = ok(open_page(make_app(), "setup"))
    at.text_input(key="name_a").input("![x](http://example.com/a.png)")
    at.text_input(key="name_b").input(":red[<b>Sam</b>]")
    ok(button(at, "That's us").click().run())
    screen = texts(at, main_only=False)
    assert md_escape("![x](http://example.com/a.png)") in screen
    assert "](http" not in screen
    assert ":red[" not in screen


def test_an_open_curtain_does_not_carry_over_to_another_couple(make_app, store) -> None:
    first = store.create_couple(
        name_a="Robin",
        name_b="Sam",
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    second = store.create_couple(
        name_a="Kim",
        name_b="Lee",
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    at = ok(open_page(make_app(c=first.token), "setup"))
    ok(at.button(key="curtain_btn_setup_safety_a").click().run())
    assert "Just for you, ● Robin" in texts(at)

    at.query_params["c"] = second.token  # the same tab, another couple's link
    ok(at.run())
    screen = texts(at)
    assert "Pass the laptop to ● Kim" in screen
    assert NOTE_TITLE not in screen


# -- resume and unknown links -------------------------------------------------------------


def test_a_new_session_with_the_link_lands_on_the_same_step(make_app, store) -> None:
    couple = store.create_couple(
        name_a="Robin",
        name_b="Sam",
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    store.update_couple(couple.id, stage="safety_b")

    at = ok(make_app(c=couple.token).run())
    screen = texts(at)
    assert "Welcome back, ● Robin and ▲ Sam." in screen
    ok(at.button(key="welcome_continue").click().run())
    assert "Pass the laptop to ▲ Sam" in texts(at)

    fresh = ok(open_page(make_app(c=couple.token), "setup"))
    assert "Pass the laptop to ▲ Sam" in texts(fresh)
    assert NOTE_TITLE not in texts(fresh)  # a reload brings the curtain back


def test_a_ready_couple_resumes_in_their_space(make_app, ready_couple) -> None:
    at = ok(make_app(c=ready_couple.token).run())
    ok(at.button(key="welcome_continue").click().run())
    assert "Our space" in texts(at)
    assert at.query_params["c"] in (ready_couple.token, [ready_couple.token])


@pytest.mark.parametrize(
    "bad_token",
    ["A" * 32, "nope", "x" * 1000, "<script>alert(1)</script>", "' OR 1=1 --"],
)
def test_an_unknown_link_is_a_kind_message_not_an_error(make_app, store, bad_token) -> None:
    at = ok(make_app(c=bad_token).run())
    assert "We couldn't find that session" in texts(at)
    assert at.button(key="welcome_start")

    home = ok(open_page(make_app(c=bad_token), "home"))
    assert "We couldn't find that session" in texts(home)
    ok(home.button(key="ctx_start_fresh").click().run())
    assert "Who's here?" in texts(home)
    assert "c" not in home.query_params
    assert couples_in(store) == 0


@pytest.mark.parametrize("page", ["setup", "home", "data"])
def test_pages_for_a_couple_without_a_link_offer_a_way_in(make_app, page) -> None:
    at = ok(open_page(make_app(), page))
    screen = texts(at)
    assert "Who's here?" in screen or "Let's set you up first" in screen


# -- the break ----------------------------------------------------------------------------


def test_a_break_and_back_to_the_same_page(make_app, store, ready_couple) -> None:
    at = ok(open_page(make_app(c=ready_couple.token), "home"))
    assert "Our space" in texts(at)
    ok(at.sidebar.button(key="nav_pause").click().run())
    assert "Taking a break" in texts(at)
    assert "Our space" not in texts(at)
    assert store.couple_by_token(ready_couple.token).paused_at is not None

    # A new session (a reload, another tab) still shows the break.
    other = ok(open_page(make_app(c=ready_couple.token), "home"))
    assert "Taking a break" in texts(other)
    assert not [b for b in other.sidebar.button if b.key == "nav_pause"]

    ok(at.button(key="break_resume").click().run())
    assert store.couple_by_token(ready_couple.token).paused_at is None
    assert "Our space" in texts(at)
    assert "Taking a break" not in texts(at)


def test_help_stays_reachable_during_a_break(make_app, store, ready_couple) -> None:
    store.pause(ready_couple.id)
    at = ok(open_page(make_app(c=ready_couple.token), "resources"))
    assert "Help and resources" in texts(at)
    data = ok(open_page(make_app(c=ready_couple.token), "data"))
    assert "Forget us" in texts(data)


@pytest.mark.parametrize("page", ["resources", "data"])
def test_no_break_button_where_the_break_screen_would_not_show(
    make_app, ready_couple, page
) -> None:
    at = ok(open_page(make_app(c=ready_couple.token), page))
    assert "nav_pause" not in [b.key for b in at.sidebar.button]
    home = ok(open_page(make_app(c=ready_couple.token), "home"))
    assert "nav_pause" in [b.key for b in home.sidebar.button]


# -- your data ----------------------------------------------------------------------------


def test_forget_us_deletes_the_couple(make_app, store, ready_couple) -> None:
    at = ok(open_page(make_app(c=ready_couple.token), "data"))
    assert at.button(key="forget_go").disabled
    ok(at.checkbox(key="forget_sure").check().run())
    ok(at.button(key="forget_go").click().run())

    assert store.couple_by_token(ready_couple.token) is None
    assert store.couple_by_id(ready_couple.id) is None
    assert "has been deleted" in texts(at)
    assert "c" not in at.query_params
    assert "Robin" not in texts(at, main_only=False)

    # The old link now finds nobody, kindly.
    again = ok(make_app(c=ready_couple.token).run())
    assert "We couldn't find that session" in texts(again)


def test_the_download_has_no_token(make_app, ready_couple) -> None:
    at = ok(open_page(make_app(c=ready_couple.token), "data"))
    assert "Download our answers" in [el.proto.label for el in at.get("download_button")]


# -- broken content -----------------------------------------------------------------------


@pytest.fixture
def exercises_copy(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "exercises"
    shutil.copytree(exercises.EXERCISES_DIR, folder)
    monkeypatch.setattr(exercises, "EXERCISES_DIR", folder)  # the catalog is read per folder
    return folder


def test_a_broken_exercise_file_is_named_and_the_rest_still_works(
    make_app, ready_couple, exercises_copy
) -> None:
    (exercises_copy / "imago_dialogue.toml").write_text('kind = "dialogue"\nid = [oops\n')
    at = ok(open_page(make_app(c=ready_couple.token), "home"))
    screen = texts(at)
    assert "imago_dialogue.toml" in screen
    assert "couldn't be read" in screen
    assert "Traceback" not in screen
    keys = [b.key for b in at.button]
    assert "home_safety_map" in keys  # the other exercises are still offered
    assert "home_imago_dialogue" not in keys  # the broken one isn't


def test_a_broken_safety_map_file_leaves_the_dialogue(
    make_app, ready_couple, exercises_copy
) -> None:
    path = exercises_copy / "safety_map.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("max_needs = 3", "max_needs = -3"))
    at = ok(open_page(make_app(c=ready_couple.token), "home"))
    screen = texts(at)
    assert "safety_map.toml" in screen and "max_needs" in screen
    keys = [b.key for b in at.button]
    assert "home_imago_dialogue" in keys and "home_safety_map" not in keys


def test_no_broken_files_no_warning(make_app, ready_couple) -> None:
    at = ok(open_page(make_app(c=ready_couple.token), "home"))
    assert "couldn't be read" not in texts(at)
    assert {"home_safety_map", "home_imago_dialogue"} <= {b.key for b in at.button}


# -- a database we can't open -------------------------------------------------------------


def _digest(path: Path) -> str:
    if path.is_dir():
        return "dir:" + ",".join(sorted(p.name for p in path.iterdir()))
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("with_link", [False, True], ids=["no-link", "link"])
@pytest.mark.parametrize("broken", ["directory", "garbage", "text"])
@pytest.mark.parametrize("page", [None, "setup", "home", "data"])
def test_an_unopenable_database_is_named_and_left_alone(
    tmp_path, monkeypatch, broken, page, with_link
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    db = data_dir / "studio.db"
    if broken == "directory":
        db.mkdir()
    elif broken == "garbage":
        db.write_bytes(os.urandom(8192))
    else:
        db.write_text("these are my notes, not a database\n" * 50)
    before = _digest(db)
    monkeypatch.setenv("STUDIO_DATA_DIR", str(data_dir))
    monkeypatch.delenv("STUDIO_DATABASE_URL", raising=False)
    assert default_database_url().endswith(str(db))

    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=30)
    if with_link:
        at.query_params["c"] = "A" * 32
    at = ok(at.run() if page is None else open_page(at, page))
    screen = texts(at)
    assert "can't open its data" in screen
    assert str(db) in screen
    assert "Traceback" not in screen
    assert _digest(db) == before
    assert sorted(p.name for p in data_dir.iterdir()) == ["studio.db"]


def test_help_works_even_when_the_database_does_not(tmp_path, monkeypatch) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "studio.db").mkdir(parents=True)
    monkeypatch.setenv("STUDIO_DATA_DIR", str(data_dir))
    monkeypatch.delenv("STUDIO_DATABASE_URL", raising=False)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=30)
    at.query_params["c"] = "A" * 32
    at = ok(open_page(at, "resources"))
    assert "If you are in danger right now" in texts(at)


def test_the_pages_database_follows_the_setting_and_the_folder(tmp_path, monkeypatch):
    """context.database_url() is worked out once per setting: a new setting, or a new
    working folder for a relative data folder, is never answered from the old one."""
    from studio.ui import context

    monkeypatch.delenv("STUDIO_DATABASE_URL", raising=False)
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "one"))
    assert context.database_url() == default_database_url()
    assert context.database_url().endswith(str(tmp_path / "one" / "studio.db"))
    monkeypatch.setenv("STUDIO_DATA_DIR", "rel")
    monkeypatch.chdir(tmp_path)
    assert context.database_url().endswith(str(tmp_path / "rel" / "studio.db"))
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert context.database_url().endswith(str(tmp_path / "sub" / "rel" / "studio.db"))
    monkeypatch.setenv("STUDIO_DATABASE_URL", "sqlite:///" + str(tmp_path / "x.db"))
    assert context.database_url() == "sqlite:///" + str(tmp_path / "x.db")


def test_a_polling_screen_looks_at_the_exercise_files_at_most_every_max_age(tmp_path, monkeypatch):
    import shutil

    from studio import exercises
    from studio.ui import context

    copy = tmp_path / "exercises"
    shutil.copytree(exercises.EXERCISES_DIR, copy)
    monkeypatch.setattr(exercises, "EXERCISES_DIR", copy)
    looks = []
    real = context._files_signature
    monkeypatch.setattr(context, "_files_signature", lambda d: looks.append(d) or real(d))
    first = context.catalog(max_age=60)
    assert all(context.catalog(max_age=60) is first for _ in range(5))
    assert len(looks) == 1  # six polls, one look at the files
    context.catalog()  # a page drawn on a press looks every time
    assert len(looks) == 2
