"""docs/AUTHORING.md stays true: every TOML example in it is a file the studio accepts
(lists padded to their minimum length), and every kind the studio knows is in it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from studio import registry
from studio.exercises import model_for

DOC = Path(__file__).resolve().parents[2] / "docs" / "AUTHORING.md"
BLOCKS = re.findall(r"```toml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
# list field -> how many the model needs at least
PAD = {"scales": 4, "cards": 4, "phases": 2, "needs": 2}


def padded(data: dict) -> dict:
    out = dict(data)
    for field, least in PAD.items():
        items = out.get(field)
        if isinstance(items, list) and items:
            while len(items) < least:
                extra = dict(items[0], key=f"{items[0]['key']}_{len(items)}")
                items = [*items, extra]
            out[field] = items
    return out


def test_the_guide_has_an_example_of_every_kind_a_writer_can_start() -> None:
    kinds = {tomllib.loads(b).get("kind") for b in BLOCKS}
    assert {"safety_map", "cards", "room_script"} <= kinds
    text = DOC.read_text(encoding="utf-8")
    for kind in registry.BY_KIND:
        assert f"`{kind}`" in text, f"docs/AUTHORING.md doesn't mention the kind '{kind}'"


@pytest.mark.parametrize("block", BLOCKS, ids=[f"example{i}" for i in range(len(BLOCKS))])
def test_every_example_in_the_guide_is_accepted(block: str) -> None:
    data = tomllib.loads(block)
    if "kind" in data:
        model_for(data["kind"]).model_validate(padded(data))
        return
    # A piece of the dialogue file (a variant of one's own): its fields and steps are real.
    from studio.dialogue import Step, VariantSpec

    assert set(data) == {"variants"}
    for variant in data["variants"]:
        assert set(variant) <= set(VariantSpec.model_fields), set(variant)
        for step in variant["steps"]:
            Step.model_validate(step)
