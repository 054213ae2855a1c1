"""For the people who write exercises: `studio new`, `studio preview`, and errors that
name the file, the line or the field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from studio import authoring
from studio.__main__ import main
from studio.exercises import ExerciseError, parse_file

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("kind", authoring.NEW_KINDS)
def test_a_new_file_of_every_kind_is_valid_and_previews(kind: str, tmp_path: Path) -> None:
    path = authoring.write_new(kind, f"our_{kind}", tmp_path)
    item = parse_file(path)
    assert (item.kind, item.id, path.name) == (kind, f"our_{kind}", f"our_{kind}.toml")
    code, lines = authoring.preview(path)
    assert code == 0 and lines[0].startswith("✓") and item.title in lines


def test_new_refuses_what_it_cannot_start(tmp_path: Path) -> None:
    authoring.write_new("cards", "our_deck", tmp_path)
    with pytest.raises(ValueError, match="already exists"):
        authoring.write_new("cards", "our_deck", tmp_path)
    with pytest.raises(ValueError, match="can't be an id"):
        authoring.template("cards", "Our Deck")
    with pytest.raises(ValueError, match="name of a kind"):
        authoring.template("cards", "cards")
    with pytest.raises(ValueError, match="uses one 'dialogue' file"):
        authoring.template("dialogue", "our_talk")
    with pytest.raises(ValueError, match="not a kind we know"):
        authoring.template("quiz", "our_quiz")


def test_preview_shows_every_card_and_every_scale() -> None:
    deck = ROOT / "exercises" / "conversation_cards.toml"
    code, lines = authoring.preview(deck)
    item = parse_file(deck)
    text = "\n".join(lines)
    assert code == 0
    for card in item.cards:  # type: ignore[attr-defined]
        assert card.text in text
    assert "?exercise=conversation_cards" in text
    code, lines = authoring.preview(ROOT / "exercises" / "when_we_disagree.toml")
    scales = parse_file(ROOT / "exercises" / "when_we_disagree.toml").scales  # type: ignore[attr-defined]
    assert code == 0 and all(s.topic in "\n".join(lines) for s in scales)


def test_a_syntax_error_names_its_line_and_a_model_error_its_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('kind = "cards"\nid = "x1"\ntitle = "ok"\nsummary = = "x"\n')
    with pytest.raises(ExerciseError) as exc:
        parse_file(bad)
    assert exc.value.line == 4 and str(exc.value).startswith("bad.toml, line 4: ")
    code, lines = authoring.preview(bad)
    assert code == 1 and "line 4" in lines[0]
    missing = tmp_path / "missing.toml"
    missing.write_text(
        authoring.template("cards", "our_deck").replace('text = "A warm', 'txt = "A', 1)
    )
    with pytest.raises(ExerciseError) as exc:
        parse_file(missing)
    assert exc.value.field == "cards[0].text" and "missing.toml, field 'cards[0].text'" in str(
        exc.value
    )


def test_the_command_line(tmp_path: Path, capsys) -> None:
    assert main(["new", "safety_map", "our_map", "--to", str(tmp_path)]) == 0
    assert "python -m studio preview" in capsys.readouterr().out
    assert main(["preview", str(tmp_path / "our_map.toml")]) == 0
    assert "Our map" in capsys.readouterr().out
    assert main(["new", "safety_map", "our_map", "--to", str(tmp_path)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["new", "safety_map"]) == 2
    assert main(["check", str(tmp_path)]) == 0


def test_python_dash_m_studio_new_runs_as_a_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "studio", "new", "cards", "our_deck", "--to", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "our_deck.toml").is_file()
