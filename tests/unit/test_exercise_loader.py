"""Every content file loads; every kind of broken file gets one plain message
naming the file and the field; ``python -m studio check`` says the same."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from studio.exercises import (
    EXERCISES_DIR,
    KINDS,
    MAX_FILE_BYTES,
    ExerciseError,
    load_catalog,
    parse_file,
)
from studio.safety_map import SafetyMapSpec
from studio.themes import ThemeLexicon

ROOT = Path(__file__).resolve().parents[2]
SAFETY = (EXERCISES_DIR / "safety_map.toml").read_text(encoding="utf-8")
THEMES = (EXERCISES_DIR / "themes.toml").read_text(encoding="utf-8")


def _kind_code_available(kind: str) -> bool:
    module = KINDS[kind].split(":")[0]
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


MISSING_KINDS = [k for k in KINDS if not _kind_code_available(k)]


def swap(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def broken(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def error_for(path: Path) -> ExerciseError:
    with pytest.raises(ExerciseError) as exc:
        parse_file(path)
    return exc.value


# ----------------------------------------------------------------------------- the real files


def test_repo_root_is_found() -> None:
    assert (ROOT / "pyproject.toml").is_file()
    assert EXERCISES_DIR == ROOT / "exercises"


def test_our_files_load_into_their_models() -> None:
    assert isinstance(parse_file(EXERCISES_DIR / "safety_map.toml"), SafetyMapSpec)
    assert isinstance(parse_file(EXERCISES_DIR / "themes.toml"), ThemeLexicon)


@pytest.mark.parametrize("path", sorted(EXERCISES_DIR.glob("*.toml")), ids=lambda p: p.name)
def test_every_real_file_loads(path: Path) -> None:
    import tomllib

    kind = tomllib.loads(path.read_text(encoding="utf-8")).get("kind")
    if kind in MISSING_KINDS:
        pytest.skip(f"the code for kind '{kind}' is not written yet")
    item = parse_file(path)
    assert item.kind == kind  # type: ignore[attr-defined]


def test_catalog_has_no_errors_for_the_kinds_we_have() -> None:
    catalog = load_catalog()
    errors = [e for e in catalog.errors if "is not available" not in e.problem]
    assert errors == []
    assert catalog.get("safety_map") is not None
    assert catalog.get("themes") is not None


# ----------------------------------------------------------------------------- broken files

CASES: list[tuple[str, str | bytes, str | None, str]] = [
    # (case id, content, field the message must name, words the message must contain)
    ("not_toml", 'kind = "safety_map"\n[[[ oops', None, "not valid TOML"),
    ("not_utf8", b'kind = "themes"\ntitle = "caf\xe9 \xff"\n', None, "not UTF-8"),
    ("missing_kind", swap(SAFETY, 'kind = "safety_map"\n', ""), "kind", "is missing"),
    ("unknown_kind", swap(SAFETY, 'kind = "safety_map"', 'kind = "quiz"'), "kind", "'quiz'"),
    ("kind_not_text", swap(SAFETY, 'kind = "safety_map"', "kind = [1, 2]"), "kind", "kind we know"),
    ("empty", "", "kind", "is missing"),
    (
        "missing_field",
        swap(SAFETY, 'starter = "What does a good evening look like for each of you?"\n', ""),
        "scales[0].starter",
        "is missing",
    ),
    ("missing_table", swap(SAFETY, "[thresholds]", "[thresholds_]"), "thresholds", "missing"),
    ("wrong_type", swap(SAFETY, "max_needs = 3", 'max_needs = "three"'), "max_needs", "integer"),
    (
        "wrong_type_nested",
        swap(SAFETY, "max_chars = 2000", "max_chars = 20.5"),
        "opening.max_chars",
        "integer",
    ),
    (
        "extra_field",
        swap(SAFETY, "max_needs = 3", 'max_needs = 3\ncolour = "blue"'),
        "colour",
        "not a field we know",
    ),
    (
        "extra_in_scale",
        swap(SAFETY, 'key = "routine"', 'key = "routine"\nmood = "x"'),
        "scales[2].mood",
        "not a field",
    ),
    (
        "duplicate_scale",
        swap(SAFETY, 'key = "routine"', 'key = "reassurance"'),
        "scales",
        "'reassurance' is used twice",
    ),
    (
        "duplicate_need",
        swap(SAFETY, 'key = "calm"', 'key = "heard"'),
        "needs",
        "'heard' is used twice",
    ),
    (
        "thresholds_order",
        swap(SAFETY, "close_max_gap = 2 ", "close_max_gap = 6 "),
        "thresholds",
        "must be smaller than explore_max_gap",
    ),
    (
        "threshold_range",
        swap(SAFETY, "explore_max_gap = 5 ", "explore_max_gap = 12 "),
        "thresholds.explore_max_gap",
        "10",
    ),
    (
        "axis_without_pole",
        swap(SAFETY, 'axis = "closeness"\ncloseness_pole = "left"\n', 'axis = "closeness"\n'),
        "scales[0]",
        "closeness_pole",
    ),
    ("bad_id", swap(SAFETY, 'id = "safety_map"', 'id = "Safety Map!"'), "id", "pattern"),
    ("too_many_needs", swap(SAFETY, "max_needs = 3", "max_needs = 9"), "max_needs", "5"),
    (
        "theme_empty_word",
        swap(THEMES, '"hug", "hugs"', '"hug", "", "hugs"'),
        "themes[3].words",
        "empty",
    ),
    (
        "theme_duplicate_key",
        swap(THEMES, 'key = "space"', 'key = "closeness"'),
        "themes",
        "'closeness'",
    ),
    (
        "theme_wrong_type",
        swap(THEMES, 'label = "Touch and affection"', "label = 7"),
        "themes[3].label",
        "string",
    ),
]


@pytest.mark.parametrize(("case", "content", "field", "words"), CASES, ids=[c[0] for c in CASES])
def test_broken_file_names_file_and_field(
    tmp_path: Path, case: str, content: str | bytes, field: str | None, words: str
) -> None:
    path = broken(tmp_path, f"broken_{case}.toml", content)
    err = error_for(path)
    message = str(err)
    assert message.startswith(f"broken_{case}.toml"), message
    assert words in message, message
    assert err.path == path
    if field is not None:
        assert err.field == field, message
        assert f"field '{field}'" in message
    assert "Traceback" not in message and "Value error" not in message
    assert "\n" not in message.split(":", 1)[0]


def test_oversized_file(tmp_path: Path) -> None:
    padding = "# just a long comment line to make the file big\n" * (MAX_FILE_BYTES // 40)
    path = broken(tmp_path, "huge.toml", SAFETY + padding)
    assert path.stat().st_size > MAX_FILE_BYTES
    message = str(error_for(path))
    assert message.startswith("huge.toml: ")
    assert "larger than 512 KB" in message


def test_missing_file(tmp_path: Path) -> None:
    assert "does not exist" in str(error_for(tmp_path / "nowhere.toml"))


def test_a_broken_file_never_hides_the_others(tmp_path: Path) -> None:
    broken(tmp_path, "a_good.toml", SAFETY)
    broken(
        tmp_path,
        "b_bad.toml",
        swap(SAFETY, 'id = "safety_map"', 'id = "other_map"').replace(
            "max_needs = 3", "max_needs = 0"
        ),
    )
    broken(tmp_path, "c_themes.toml", THEMES)
    catalog = load_catalog(tmp_path)
    assert sorted(catalog.items) == ["safety_map", "themes"]
    assert [e.path.name for e in catalog.errors] == ["b_bad.toml"]


# ----------------------------------------------------------------------------- the command line


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studio", "check", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.skipif(
    bool(MISSING_KINDS), reason=f"code for kinds {MISSING_KINDS} is not written yet"
)
def test_cli_check_passes_on_exercises() -> None:
    result = run_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "safety_map.toml" in result.stdout
    assert "✗" not in result.stdout


def test_cli_check_passes_on_our_files() -> None:
    result = run_check("exercises/safety_map.toml", "exercises/themes.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("is valid") == 2


def test_cli_check_fails_on_a_folder_with_a_broken_file(tmp_path: Path) -> None:
    broken(tmp_path, "fine.toml", THEMES)
    broken(tmp_path, "oops.toml", swap(SAFETY, "close_max_gap = 2 ", "close_max_gap = 9 "))
    result = run_check(str(tmp_path))
    assert result.returncode != 0
    assert "oops.toml" in result.stdout
    assert "thresholds" in result.stdout
    assert "Traceback" not in result.stderr
    bad_line = next(line for line in result.stdout.splitlines() if "oops.toml" in line)
    assert bad_line.startswith("✗")


def test_cli_check_fails_on_an_empty_folder(tmp_path: Path) -> None:
    result = run_check(str(tmp_path))
    assert result.returncode != 0
    assert "No exercise files found" in result.stdout


# ----------------------------------------------------------------------------- one id, two files

DIALOGUE = (EXERCISES_DIR / "imago_dialogue.toml").read_text(encoding="utf-8")


def test_an_id_is_unique_across_kinds_and_the_message_names_both_files(tmp_path: Path) -> None:
    broken(tmp_path, "a_talk.toml", DIALOGUE)
    broken(tmp_path, "b_themes.toml", swap(THEMES, 'id = "themes"', 'id = "imago_dialogue"'))
    catalog = load_catalog(tmp_path)
    assert list(catalog.items) == ["imago_dialogue"]
    assert catalog.items["imago_dialogue"].kind == "dialogue"  # the first file keeps it
    [err] = catalog.errors
    assert err.path.name == "b_themes.toml" and err.field == "id"  # the second is left out
    assert "a_talk.toml" in str(err) and "b_themes.toml" in str(err)
    result = run_check(str(tmp_path))
    assert result.returncode != 0
    [bad] = [line for line in result.stdout.splitlines() if line.startswith("✗")]
    assert "b_themes.toml" in bad and "a_talk.toml" in bad and "field 'id'" in bad


def test_a_file_of_another_kind_cannot_take_an_exercise_s_name(tmp_path: Path) -> None:
    """A dialogue file that calls itself "safety_map" sorts before safety_map.toml; the
    studio blames it, not the real safety map, and the safety map still loads."""
    broken(
        tmp_path,
        "imago_dialogue.toml",
        swap(DIALOGUE, 'id = "imago_dialogue"', 'id = "safety_map"'),
    )
    broken(tmp_path, "safety_map.toml", SAFETY)
    catalog = load_catalog(tmp_path)
    assert isinstance(catalog.get("safety_map"), SafetyMapSpec)
    [err] = catalog.errors
    assert err.path.name == "imago_dialogue.toml" and err.field == "id"
    result = run_check(str(tmp_path))
    [bad] = [line for line in result.stdout.splitlines() if line.startswith("✗")]
    assert "imago_dialogue.toml" in bad and "field 'id'" in bad
    assert any(
        line.startswith("✓") and "safety_map.toml" in line for line in result.stdout.splitlines()
    )


def test_get_with_a_kind_never_returns_another_kind(tmp_path: Path) -> None:
    broken(tmp_path, "a_talk.toml", DIALOGUE)
    catalog = load_catalog(tmp_path)
    assert catalog.get("imago_dialogue", kind="dialogue") is not None
    assert catalog.get("imago_dialogue", kind="room_script") is None
    assert catalog.get("safety_map") is None
