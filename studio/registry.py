"""The one list of exercise kinds: what the router, "Our space", the journey, the room
views, export, forget and the pause read about each kind (pure: no Streamlit).

A *kind* is code (its model, its rules, its view, its page); an *exercise* is a file in
``exercises/`` of that kind. Adding an exercise of an existing kind is one TOML file and
nothing else: it is found by the loader, listed on "Our space" by this registry, and
opened on its kind's page with ``?exercise=<id>``. Adding a kind is its model (and its
``KINDS`` line in :mod:`studio.exercises`), its rules, its view, its page and one
:class:`Kind` here — see docs/DEVELOPING.md, "Adding an exercise".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studio.exercises import Catalog, ExerciseBase
    from studio.store import Couple, Store

EXERCISE_PARAM = "exercise"  # the query parameter naming which file a kind's page opens

# (store, couple, the exercise's content, now) -> one plain sentence for "Our space"
Status = Callable[["Store", "Couple", Any, float], str]


@dataclass(frozen=True)
class Kind:
    """Everything the studio needs to know about one kind of exercise."""

    kind: str  # the ``kind = "…"`` of its files
    model: str  # "module:Class" of the pydantic model that validates its files
    page: str  # its page: ``pages/couple/<page>.py``, key in context.PAGES ("" for none)
    url_path: str  # where its page lives ("" for content only)
    title: str  # the page's name when a file doesn't give one (sidebar, tab)
    icon: str  # a Material icon, in Streamlit's ``:material/…:`` form
    minutes: str  # how long it takes, said after the file's summary on "Our space"
    milestone: str  # the step of ``studio.journey.MILESTONES`` its page is
    status: Status | None  # where the couple is with it (None: nothing to say)
    private_on_projector: bool  # a couple's own answers: never drawn in projector mode
    tables: tuple[str, ...]  # store tables that hold a couple's data of this kind
    many: bool  # any number of files of this kind (False: the first one is used)
    on_our_space: bool = True  # listed as an exercise for the two of you

    @property
    def content_only(self) -> bool:
        return not self.page


def _scales_status(store: Store, couple: Couple, spec: Any, now: float) -> str:
    from studio import overview

    return overview.scales_status(store, couple, spec.id)


def _dialogue_status(store: Store, couple: Couple, spec: Any, now: float) -> str:
    from studio import overview

    return overview.dialogue_status(store, couple)


def _checkin_status(store: Store, couple: Couple, spec: Any, now: float) -> str:
    from studio import overview

    return overview.checkin_status(store, couple, now)


def _cards_status(store: Store, couple: Couple, spec: Any, now: float) -> str:
    from studio import cards_service

    return cards_service.status(store, couple.id, spec)


# In the order "Our space" lists them. A kind that isn't here can't be loaded.
KINDS: tuple[Kind, ...] = (
    Kind(
        kind="safety_map",
        model="studio.safety_map:SafetyMapSpec",
        page="safety_map",
        url_path="safety-map",
        title="What makes you feel safe?",
        icon=":material/shield:",
        minutes="About 20 minutes.",
        milestone="answers",
        status=_scales_status,
        private_on_projector=True,
        tables=("safety_runs", "safety_answers", "topics"),
        many=True,
    ),
    Kind(
        kind="dialogue",
        model="studio.dialogue:DialogueSpec",
        page="dialogue",
        url_path="dialogue",
        title="Talk and listen",
        icon=":material/forum:",
        minutes="About 20 minutes.",
        milestone="dialogue",
        status=_dialogue_status,
        private_on_projector=True,
        tables=("dialogues", "dialogue_notes", "dialogue_ratings"),
        many=False,
    ),
    Kind(
        kind="checkin",
        model="studio.checkin:CheckinSpec",
        page="checkin",
        url_path="check-in",
        title="Our weekly check-in",
        icon=":material/event_repeat:",
        minutes="About 15 minutes.",
        milestone="home",
        status=_checkin_status,
        private_on_projector=True,
        tables=("checkins", "checkin_answers"),
        many=False,
    ),
    Kind(
        kind="cards",
        model="studio.cards:DeckSpec",
        page="cards",
        url_path="cards",
        title="Conversation cards",
        icon=":material/style:",
        minutes="As long as you like.",
        milestone="home",
        status=_cards_status,
        private_on_projector=True,
        tables=("card_runs", "card_words"),
        many=True,
    ),
    # Content that other exercises read; no page of its own.
    Kind(
        kind="themes",
        model="studio.themes:ThemeLexicon",
        page="",
        url_path="",
        title="Themes",
        icon=":material/label:",
        minutes="",
        milestone="home",
        status=None,
        private_on_projector=False,
        tables=(),
        many=False,
        on_our_space=False,
    ),
    Kind(
        kind="room_script",
        model="studio.room:RoomScript",
        page="",
        url_path="",
        title="Workshop evening",
        icon=":material/co_present:",
        minutes="",
        milestone="home",
        status=None,
        private_on_projector=False,
        tables=(),
        many=True,
        on_our_space=False,
    ),
)

BY_KIND: dict[str, Kind] = {k.kind: k for k in KINDS}
BY_PAGE: dict[str, Kind] = {k.page: k for k in KINDS if k.page}
BY_URL: dict[str, Kind] = {k.url_path: k for k in KINDS if k.url_path}


def with_pages() -> tuple[Kind, ...]:
    """The kinds that have a page of their own, in the registry's order."""
    return tuple(k for k in KINDS if k.page)


def kind(name: str) -> Kind:
    """The registry entry of a kind (KeyError for a kind that isn't registered)."""
    return BY_KIND[name]


@dataclass(frozen=True)
class Listed:
    """One exercise as "Our space" and the sidebar show it."""

    kind: Kind
    spec: ExerciseBase

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def first_of_kind(self) -> bool:
        """The kind's own file (``id`` = kind), opened by the kind's page without a
        parameter; any other file of the kind is named in the link."""
        return self.spec.id == self.kind.kind

    def params(self) -> dict[str, str | None]:
        """The query parameters of a link to this exercise's page."""
        return {EXERCISE_PARAM: None if self.first_of_kind else self.spec.id}


def _order(catalog: Catalog, k: Kind) -> list[ExerciseBase]:
    found = catalog.of_kind(k.kind)
    # The kind's own file first (the one the studio was built around), then by file order.
    return sorted(found, key=lambda s: s.id != k.kind)


def used(catalog: Catalog, name: str) -> list[ExerciseBase]:
    """The files of kind ``name`` the studio uses: all of them for a kind with ``many``,
    else only the first."""
    k = BY_KIND[name]
    found = _order(catalog, k)
    return found if k.many else found[:1]


def exercises(catalog: Catalog) -> list[Listed]:
    """Every exercise the two of you can open, in the order "Our space" lists them."""
    kinds = [k for k in KINDS if k.on_our_space and not k.content_only]
    found = {k.kind: used(catalog, k.kind) for k in kinds}
    # Each kind's first file, in the registry's order (the path the studio was built
    # around: map, talk, check in), then every further file of each kind.
    out = [Listed(k, found[k.kind][0]) for k in kinds if found[k.kind]]
    out += [Listed(k, spec) for k in kinds for spec in found[k.kind][1:]]
    return out


def find(catalog: Catalog, page: str, exercise_id: str | None) -> ExerciseBase | None:
    """The exercise a kind's page opens: the one named by ``exercise_id`` if it is of
    that kind, else the kind's first file (None when the kind has none that loads)."""
    k = BY_PAGE[page]
    found = used(catalog, k.kind)
    if exercise_id:
        return next((s for s in found if s.id == exercise_id), None)
    own = next((s for s in found if s.id == k.kind), None)
    if own is not None or any(e.path.stem == k.kind for e in catalog.errors):
        return own  # the kind's own file, or None when that file is the broken one
    return found[0] if found else None


def private_url_paths() -> frozenset[str]:
    """Pages that show a couple's own answers: kept off a projector."""
    return frozenset(k.url_path for k in KINDS if k.url_path and k.private_on_projector)


def couple_tables() -> tuple[str, ...]:
    """Every store table that holds a couple's exercise data, by kind."""
    return tuple(t for k in KINDS for t in k.tables)


def page_file(k: Kind) -> str:
    """Where a kind's page lives, by convention."""
    return f"pages/couple/{k.page}.py"
