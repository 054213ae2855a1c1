"""The rule of docs/DEVELOPING.md, "Two stores", checked: every store fixture of the
unit tests is built on ``store_url``, so each of their tests runs on SQLite and on
Postgres, and the Postgres half is really collected."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

UNIT = Path(__file__).resolve().parent
ROOT = UNIT.parents[1]


def _store_fixtures() -> list[tuple[str, list[str]]]:
    out = []
    for path in sorted(UNIT.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.FunctionDef)
                and node.name in ("store", "export")
                and any("fixture" in ast.unparse(d) for d in node.decorator_list)
            ):
                out.append((path.name, [a.arg for a in node.args.args]))
    return out


def test_every_store_fixture_is_built_on_store_url() -> None:
    found = _store_fixtures()
    assert len(found) >= 10  # the files that test the store, its services and rooms
    assert [name for name, args in found if "store_url" not in args] == []


def test_the_store_tests_are_collected_for_both_stores() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/unit/test_store.py",
            "tests/unit/test_room_store.py",
            "tests/unit/test_dialogue_service.py",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    ids = {line for line in done.stdout.splitlines() if "::" in line}
    postgres = {i for i in ids if "postgres" in i.partition("[")[2]}
    assert len(postgres) >= 100
    twins = {i.replace("postgres", "sqlite") for i in postgres}
    assert twins <= ids  # every Postgres test has its SQLite twin
