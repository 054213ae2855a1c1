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
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from studio import registry as _registry

if TYPE_CHECKING:  # the kinds' models, for the typed look-ups below (no import cycle)
    from studio.checkin import CheckinSpec
    from studio.dialogue import DialogueSpec
    from studio.room import RoomScript
    from studio.safety_map import SafetyMapSpec
    from studio.themes import ThemeLexicon

# The folder of content files: ``exercises/`` next to the code, or STUDIO_EXERCISES_DIR
# (a facilitator's own folder, or a test's copy with a file dropped in).
EXERCISES_DIR = Path(
    os.environ.get("STUDIO_EXERCISES_DIR") or Path(__file__).resolve().parent.parent / "exercises"
)
MAX_FILE_BYTES = 512 * 1024

# kind -> "module:ClassName", from the registry (imported lazily, so no cycles)
KINDS: dict[str, str] = {k.kind: k.model for k in _registry.KINDS}


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

    def __init__(
        self, path: Path | str, problem: str, field: str | None = None, line: int | None = None
    ):
        self.path = Path(path)
        self.field = field
        self.line = line
        self.problem = problem
        where = f"{self.path.name}"
        if line is not None:
            where += f", line {line}"
        if field:
            where += f", field '{field}'"
        super().__init__(f"{where}: {problem}")


_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def _toml_problem(path: Path, exc: tomllib.TOMLDecodeError) -> ExerciseError:
    """A syntax error, with its line: "line 12: this is not valid TOML (…, column 9)"."""
    msg = str(exc)
    found = _TOML_AT.search(msg)
    if found is None:
        where = " at the end of the file" if "end of document" in msg else ""
        said = re.sub(r"\s*\(at end of document\)\s*$", "", msg)
        return ExerciseError(path, f"this is not valid TOML{where} ({said[:1].lower()}{said[1:]})")
    said = msg[: found.start()]
    return ExerciseError(
        path,
        f"this is not valid TOML ({said[:1].lower()}{said[1:]}, column {found.group(2)})",
        line=int(found.group(1)),
    )


def _loc_to_field(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _friendly(err: Mapping[str, Any]) -> str:
    kind = err.get("type", "")
    msg = err.get("msg", "is not valid")
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is not a field we know (a typo?)"
    if kind == "value_error" and msg.startswith("Value error, "):
        msg = msg.removeprefix("Value error, ")
    return msg[0].lower() + msg[1:] if msg else "is not valid"


def model_for(kind: str) -> type[ExerciseBase]:
    target = KINDS[kind]
    module_name, cls_name = target.split(":")
    return getattr(importlib.import_module(module_name), cls_name)


def parse_file(path: Path | str) -> ExerciseBase:
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
        raise _toml_problem(path, exc) from None
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

    items: dict[str, ExerciseBase] = field(default_factory=dict)
    errors: list[ExerciseError] = field(default_factory=list)

    # Typed look-ups: asking for a kind by its name gives that kind's model, so a page
    # that reads ``get("safety_map").scales`` is checked by mypy. Any other id is a
    # plain ``ExerciseBase | None`` (check it with ``isinstance``).
    @overload
    def of_kind(self, kind: Literal["safety_map"]) -> list[SafetyMapSpec]: ...
    @overload
    def of_kind(self, kind: Literal["themes"]) -> list[ThemeLexicon]: ...
    @overload
    def of_kind(self, kind: Literal["dialogue"]) -> list[DialogueSpec]: ...
    @overload
    def of_kind(self, kind: Literal["room_script"]) -> list[RoomScript]: ...
    @overload
    def of_kind(self, kind: Literal["checkin"]) -> list[CheckinSpec]: ...
    @overload
    def of_kind(self, kind: str) -> list[ExerciseBase]: ...

    def of_kind(self, kind: str) -> list[Any]:
        return [m for m in self.items.values() if getattr(m, "kind", None) == kind]

    @overload
    def get(
        self, exercise_id: Literal["safety_map"], kind: None = None
    ) -> SafetyMapSpec | None: ...
    @overload
    def get(self, exercise_id: Literal["themes"], kind: None = None) -> ThemeLexicon | None: ...
    @overload
    def get(self, exercise_id: Literal["checkin"], kind: None = None) -> CheckinSpec | None: ...
    @overload
    def get(self, exercise_id: str, kind: str | None = None) -> ExerciseBase | None: ...

    def get(self, exercise_id: str, kind: str | None = None) -> Any:
        """The exercise with this id; with ``kind``, only if it is of that kind. An id
        that is the name of a kind ("safety_map", "themes", …) only ever finds an
        exercise of that kind (the loader refuses anything else), so a page asking
        for ``get("safety_map")`` never receives another kind of content."""
        item = self.items.get(exercise_id)
        want = kind if kind is not None else (exercise_id if exercise_id in KINDS else None)
        if item is not None and want is not None and getattr(item, "kind", None) != want:
            return None
        return item


def _id_problem(item: ExerciseBase, path: Path, seen: dict[str, tuple[Path, str]]) -> str | None:
    """Why this file's id can't be used (None if it can). Ids are unique across every
    file, whatever its kind; an id that is the name of a kind belongs to that kind."""
    item_id = item.id
    kind = item.kind
    if item_id in KINDS and item_id != kind:
        return (
            f"the id '{item_id}' is the name of the {item_id} exercise, but this file is "
            f"a '{kind}' file: give it an id of its own"
        )
    if item_id in seen:
        first, first_kind = seen[item_id]
        return (
            f"the id '{item_id}' is already used by {first.name} (a '{first_kind}' file); "
            "ids must be unique across all files, so this file is left out"
        )
    return None


def _load(files: list[Path]) -> tuple[Catalog, list[tuple[Path, ExerciseBase | ExerciseError]]]:
    """Parse ``files`` in order; the first file with an id keeps it. Returns the catalog
    and, per file, its content or its error (for ``check``)."""
    catalog = Catalog()
    seen: dict[str, tuple[Path, str]] = {}
    results: list[tuple[Path, ExerciseBase | ExerciseError]] = []
    for path in files:
        try:
            item = parse_file(path)
        except ExerciseError as exc:
            catalog.errors.append(exc)
            results.append((path, exc))
            continue
        problem = _id_problem(item, path, seen)
        if problem is not None:
            err = ExerciseError(path, problem, "id")
            catalog.errors.append(err)
            results.append((path, err))
            continue
        item_id = item.id
        seen[item_id] = (path, item.kind)
        catalog.items[item_id] = item
        results.append((path, item))
    return catalog, results


def load_catalog(directory: Path | str | None = None) -> Catalog:
    """Load every ``*.toml`` in ``directory`` (default: ``EXERCISES_DIR``, read at call time),
    in file-name order; a broken file never hides the others."""
    folder = Path(EXERCISES_DIR if directory is None else directory)
    return _load(sorted(folder.glob("*.toml")))[0]


def _where(err: ExerciseError) -> str:
    """ "line 3: " / "field 'scales[2].left': " for a command's line (the file is named)."""
    parts = ([f"line {err.line}"] if err.line is not None else []) + (
        [f"field '{err.field}'"] if err.field else []
    )
    return (", ".join(parts) + ": ") if parts else ""


def check_paths(paths: list[str]) -> tuple[int, list[str]]:
    """Validate files (folders are searched for ``*.toml``, in file-name order, the order
    the studio reads them in). Returns (exit code, lines)."""
    files: list[Path] = []
    for p in paths or [str(EXERCISES_DIR)]:
        pp = Path(p)
        files.extend(sorted(pp.glob("*.toml")) if pp.is_dir() else [pp])
    lines: list[str] = []
    bad = 0
    for f, result in _load(files)[1]:
        if isinstance(result, ExerciseError):
            bad += 1
            lines.append(f"✗ {f}: {_where(result)}{result.problem}")
            continue
        item_id = result.id
        lines.append(f"✓ {f}: {result.kind} '{item_id}' is valid")
    if not files:
        lines.append("No exercise files found.")
        bad += 1
    return (1 if bad else 0), lines
