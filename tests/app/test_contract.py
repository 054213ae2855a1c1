"""The contract every exercise keeps, looped over the registry and over every file in
``exercises/`` (as streamlit-extras loops over its extras): it validates, it is on
"Our space", and its page opens from there without an exception. A new file or a new
kind is covered the moment it exists."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio import exercises, registry
from studio.store import WORD_TABLES, metadata
from studio.ui.context import PAGES
from tests.app.conftest import switch_to
from tests.app.helpers import ok, texts_read

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(exercises.EXERCISES_DIR.glob("*.toml"))
CATALOG = exercises.load_catalog()
LISTED = registry.exercises(CATALOG)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_file_validates_and_is_used(path: Path) -> None:
    item = exercises.parse_file(path)
    assert item.kind in registry.BY_KIND, f"{path.name}: the kind '{item.kind}' isn't registered"
    kind = registry.kind(item.kind)
    if kind.on_our_space:
        assert item.id in {x.id for x in LISTED}, f"{path.name} is not on Our space"
    assert path.stem == item.id, f"{path.name}: name the file after its id ({item.id}.toml)"


def test_the_folder_has_no_broken_file() -> None:
    assert CATALOG.errors == []


def test_the_registry_and_the_loader_know_the_same_kinds() -> None:
    assert set(registry.BY_KIND) == set(exercises.KINDS)
    for kind in registry.KINDS:
        exercises.model_for(kind.kind)  # its model imports
        assert kind.icon.startswith(":material/") and kind.title
        if kind.page:
            assert (ROOT / PAGES[kind.page]).is_file(), kind.page
    urls = [k.url_path for k in registry.KINDS if k.url_path]
    assert len(urls) == len(set(urls))


def test_every_table_of_a_couple_is_named_by_a_kind_or_the_core() -> None:
    """Export, forget and the clean-up after a delete read these lists: a kind's table
    that is in neither would keep a couple's words after "Forget us"."""
    tables = set(metadata.tables)
    words = {t.name for t in WORD_TABLES}
    for name in registry.couple_tables():
        assert name in tables, name
        assert name in words, f"{name} holds a couple's words but isn't in WORD_TABLES"


@pytest.mark.parametrize("item", LISTED, ids=[x.id for x in LISTED])
def test_every_exercise_is_on_our_space_and_opens_from_there(
    item: registry.Listed, make_app, ready_couple
) -> None:
    at = make_app(c=ready_couple.token).run()
    at = ok(switch_to(at, "home"))
    assert item.title in texts_read(at)
    assert item.spec.summary[:40] in texts_read(at)
    opener = at.button(key=f"home_{item.id}")
    ok(opener.click().run())
    # The page it opened is this exercise's own (its title is on it, not "isn't here").
    shown = texts_read(at)
    assert "Our space" not in [t.value for t in at.title], "it stayed on Our space"
    assert "isn't here" not in shown and "can't be opened" not in shown
    assert item.title.rstrip("?") in shown, shown[:400]
