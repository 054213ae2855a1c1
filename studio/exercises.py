"""Load and validate the content files in ``exercises/``.

Every file is TOML with a top-level ``kind`` that says which model validates it.
The models live next to the logic that uses them (``studio.safety_map``,
``studio.dialogue``, ``studio.room``, ``studio.themes``); this module only
finds them, reads the file and turns any problem into one plain message that
names the file, the field and what is wrong.

We use pydantic for validation because it gives precise field paths and
type checks for free, and ``tomllib`` (standard library) for parsing.
"""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

EXERCISES_DIR = Path(__file__).resolve().parent.parent / "exercises"
MAX_FILE_BYTES = 512 * 1024

# kind -> "module:ClassName" (imported lazily, so this module has no cycles)
KINDS: dict[str, str] = {
    "safety_map": "studio.safety_map:SafetyMapSpec",
    "themes": "studio.themes:ThemeLexicon",
    "dialogue": "studio.dialogue:DialogueSpec",
    "room_script": "studio.room:RoomScript",
}


class ExerciseBase(BaseModel):
    """Fields every exercise file has."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    kind: str
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    title: str = Field(min_length=1, max_length=80)
    summary: str = Field(default="", max_length=400)
    version: int = Field(default=1, ge=1)


class ExerciseError(Exception):
    """A content file that cannot be used. ``str()`` is a sentence for people."""

    def __init__(self, path: Path | str, problem: str, field: str | None = None):
        self.path = Path(path)
        self.field = field
        self.problem = problem
        where = f"{self.path.name}"
        if field:
            where += f", field '{field}'"
        super().__init__(f"{where}: {problem}")


def _loc_to_field(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _friendly(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    msg = err.get("msg", "is not valid")
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is not a field we know (a typo?)"
    if kind == "value_error" and msg.startswith("Value error, "):
        msg = msg.removeprefix("Value error, ")
    return msg[0].lower() + msg[1:] if msg else "is not valid"


def model_for(kind: str) -> type[BaseModel]:
    target = KINDS[kind]
    module_name, cls_name = target.split(":")
    return getattr(importlib.import_module(module_name), cls_name)


def parse_file(path: Path | str) -> BaseModel:
    """Read and validate one file; raise ExerciseError with a plain message."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ExerciseError(path, "the file does not exist") from None
    except OSError as exc:
        raise ExerciseError(path, f"the file cannot be read ({exc.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ExerciseError(path, f"the file is larger than {MAX_FILE_BYTES // 1024} KB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ExerciseError(path, "the file is not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ExerciseError(path, f"this is not valid TOML ({exc})") from None
    kind = data.get("kind")
    if kind is None:
        raise ExerciseError(path, "is missing (say which kind of exercise this is)", "kind")
    if not isinstance(kind, str) or kind not in KINDS:
        known = ", ".join(sorted(KINDS))
        raise ExerciseError(path, f"'{kind}' is not a kind we know (one of: {known})", "kind")
    try:
        model = model_for(kind)
    except (ImportError, AttributeError) as exc:
        raise ExerciseError(
            path, f"the code that reads '{kind}' files is not available ({exc})", "kind"
        ) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        problem = _friendly(first)
        more = len(exc.errors()) - 1
        if more:
            problem += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise ExerciseError(path, problem, _loc_to_field(first["loc"])) from None


@dataclass
class Catalog:
    """Everything found in a folder: valid content by id, and what was broken."""

    items: dict[str, BaseModel] = field(default_factory=dict)
    errors: list[ExerciseError] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[BaseModel]:
        return [m for m in self.items.values() if getattr(m, "kind", None) == kind]

    def get(self, exercise_id: str) -> BaseModel | None:
        return self.items.get(exercise_id)


def load_catalog(directory: Path | str | None = None) -> Catalog:
    """Load every ``*.toml`` in ``directory`` (default: ``EXERCISES_DIR``, read at call time);
    a broken file never hides the others."""
    catalog = Catalog()
    for path in sorted(Path(EXERCISES_DIR if directory is None else directory).glob("*.toml")):
        try:
            item = parse_file(path)
        except ExerciseError as exc:
            catalog.errors.append(exc)
            continue
        item_id = item.id  # type: ignore[attr-defined]
        if item_id in catalog.items:
            catalog.errors.append(
                ExerciseError(path, f"another file already uses the id '{item_id}'", "id")
            )
            continue
        catalog.items[item_id] = item
    return catalog


def check_paths(paths: list[str]) -> tuple[int, list[str]]:
    """Validate files (folders are searched for ``*.toml``). Returns (exit code, lines)."""
    files: list[Path] = []
    for p in paths or [str(EXERCISES_DIR)]:
        pp = Path(p)
        files.extend(sorted(pp.glob("*.toml")) if pp.is_dir() else [pp])
    lines: list[str] = []
    bad = 0
    seen: dict[str, Path] = {}
    for f in files:
        try:
            item = parse_file(f)
        except ExerciseError as exc:
            bad += 1
            lines.append(f"✗ {f}: {exc.problem}" + (f" (field '{exc.field}')" if exc.field else ""))
            continue
        item_id = item.id  # type: ignore[attr-defined]
        if item_id in seen:
            bad += 1
            lines.append(f"✗ {f}: the id '{item_id}' is also used by {seen[item_id]} (field 'id')")
            continue
        seen[item_id] = f
        lines.append(f"✓ {f}: {item.kind} '{item_id}' is valid")  # type: ignore[attr-defined]
    if not files:
        lines.append("No exercise files found.")
        bad += 1
    return (1 if bad else 0), lines
