"""The "What makes you feel safe?" exercise: its content model and pure scoring.

No Streamlit, no store: answers come in as :class:`PartnerAnswers`, results go
out as frozen dataclasses (:class:`Reveal` bundles all of them for the UI and
the charts).

Conventions
-----------
* A position is an ``int`` from 0 to 10; 0 is the scale's ``left`` statement,
  10 its ``right`` statement, 5 the neutral middle.
* ``None`` or a missing key means "skipped": a skipped answer is never
  compared, counted or averaged, and never shows as a difference.
* Everything is symmetrical: swapping partner ``a`` and ``b`` changes no gap,
  no band and no percentage; it only swaps who is who.
* Percentages are computed exactly (with fractions) and rounded half up, so the
  same answers always give the same figures on every machine.
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from studio.exercises import ExerciseBase

__all__ = [
    "AXES",
    "AxisPositions",
    "Band",
    "GuessRow",
    "Need",
    "Opening",
    "PartnerAnswers",
    "PartnerId",
    "Pattern",
    "Reveal",
    "SafetyMapSpec",
    "Scale",
    "ScaleRow",
    "Texts",
    "Thresholds",
    "alignment",
    "axis_position",
    "band",
    "band_label",
    "differences",
    "guess_accuracy",
    "guess_prompt",
    "guess_rows",
    "meets",
    "needs_only",
    "pursue_withdraw",
    "scale_rows",
    "shared_needs",
    "summary",
    "surprises",
    "validate_needs",
    "validate_position",
]

POSITION_MIN = 0
POSITION_MAX = 10

Band = Literal["close", "explore", "far"]
Axis = Literal["closeness", "conflict"]
PartnerId = Literal["a", "b"]
AXES: tuple[Axis, ...] = ("closeness", "conflict")

_KEY = r"^[a-z][a-z0-9_]{1,40}$"
_CONFIG = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

StrictInt = Annotated[int, Field(strict=True)]
Gap = Annotated[float, Field(strict=True, ge=0, le=10)]


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text(max_length: int) -> Any:
    return Field(min_length=1, max_length=max_length)


# --------------------------------------------------------------------------- content


class Opening(BaseModel):
    """The open question answered in the partner's own words."""

    model_config = _CONFIG

    prompt: str = _text(200)
    help: str = _text(400)
    max_chars: StrictInt = Field(ge=50, le=10_000)


class Scale(BaseModel):
    """A two-pole scale: 0 = ``left`` statement, 10 = ``right`` statement."""

    model_config = _CONFIG

    key: str = Field(pattern=_KEY)
    topic: str = _text(60)
    left: str = _text(160)
    right: str = _text(160)
    guess_prompt: str = Field(default="", max_length=200)
    starter: str = _text(240)
    # A few words for each end, where a chart or a summary names a position.
    left_pole: str = Field(default="", max_length=28)
    right_pole: str = Field(default="", max_length=28)
    # Shown only to a partner who asks for more scales; answered or not, it counts the same.
    optional: bool = False
    axis: Axis | None = None
    closeness_pole: Literal["left", "right"] | None = None

    @model_validator(mode="after")
    def _poles(self) -> Scale:
        if self.left.casefold() == self.right.casefold():
            raise PydanticCustomError(
                "same_poles", "scale '{key}' has the same words at both ends", {"key": self.key}
            )
        if self.axis is not None and self.closeness_pole is None:
            raise PydanticCustomError(
                "missing_pole",
                "scale '{key}' has axis '{axis}', so it needs closeness_pole = "
                '"left" or "right" (the reaching / talk-now end)',
                {"key": self.key, "axis": self.axis},
            )
        if self.axis is None and self.closeness_pole is not None:
            raise PydanticCustomError(
                "pole_without_axis",
                "scale '{key}' has a closeness_pole but no axis (add axis, or remove the pole)",
                {"key": self.key},
            )
        return self

    @property
    def poles(self) -> tuple[str, str]:
        """Short words for the two ends (the statements, shortened, when a file has none)."""
        return (self.left_pole or _short(self.left), self.right_pole or _short(self.right))

    def reaching(self, position: int) -> int:
        """``position`` re-oriented so that 10 is this scale's reaching / talk-now end."""
        return position if self.closeness_pole == "right" else POSITION_MAX - position


class Need(BaseModel):
    """A need card a partner can pick."""

    model_config = _CONFIG

    key: str = Field(pattern=_KEY)
    label: str = _text(40)
    description: str = _text(160)


class Thresholds(BaseModel):
    """Where the bands start; gaps are on the 0..10 scale."""

    model_config = _CONFIG

    close_max_gap: Gap
    explore_max_gap: Gap
    pattern_min_gap: Gap

    @model_validator(mode="after")
    def _in_order(self) -> Thresholds:
        if not self.close_max_gap < self.explore_max_gap:
            raise PydanticCustomError(
                "thresholds_order",
                "close_max_gap ({close}) must be smaller than explore_max_gap ({explore})",
                {"close": f"{self.close_max_gap:g}", "explore": f"{self.explore_max_gap:g}"},
            )
        if self.pattern_min_gap <= 0:
            raise PydanticCustomError("pattern_gap", "pattern_min_gap must be more than 0", {})
        return self


class Texts(BaseModel):
    """Words the reveal screen shows."""

    model_config = _CONFIG

    reveal_intro: str = _text(400)
    band_close: str = _text(40)
    band_explore: str = _text(40)
    band_far: str = _text(40)
    skipped: str = _text(40)
    meets_title: str = _text(80)
    differences_title: str = _text(80)
    surprises_title: str = _text(80)
    guess_prompt: str = _text(200)
    pattern_title: str = _text(80)
    pattern_text: str = _text(1500)


class SafetyMapSpec(ExerciseBase):
    """A ``kind = "safety_map"`` file, fully validated."""

    kind: Literal["safety_map"]
    max_needs: StrictInt = Field(ge=1, le=5)
    opening: Opening
    thresholds: Thresholds
    texts: Texts
    # Four scales at least: fewer gives too little to look at together. A file with no
    # closeness scale simply has no "reaching and stepping back" part in its reveal.
    scales: list[Scale] = Field(min_length=4, max_length=40)
    needs: list[Need] = Field(min_length=1, max_length=40)

    @field_validator("scales")
    @classmethod
    def _scales_ok(cls, scales: list[Scale]) -> list[Scale]:
        _unique_keys("scale", [s.key for s in scales])
        return scales

    @field_validator("needs")
    @classmethod
    def _needs_ok(cls, needs: list[Need]) -> list[Need]:
        _unique_keys("need", [n.key for n in needs])
        return needs

    @model_validator(mode="after")
    def _enough_needs(self) -> SafetyMapSpec:
        if self.max_needs > len(self.needs):
            raise PydanticCustomError(
                "too_few_needs",
                "max_needs is {max} but there are only {count} need cards",
                {"max": self.max_needs, "count": len(self.needs)},
            )
        return self

    def scale(self, key: str) -> Scale:
        """The scale with this key (KeyError if there is none)."""
        for s in self.scales:
            if s.key == key:
                return s
        raise KeyError(key)

    def need(self, key: str) -> Need:
        """The need card with this key (KeyError if there is none)."""
        for n in self.needs:
            if n.key == key:
                return n
        raise KeyError(key)


def _unique_keys(what: str, keys: list[str]) -> None:
    seen: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key in seen:
            raise PydanticCustomError(
                "duplicate_key",
                "the {what} key '{key}' is used twice ({what}s {first} and {second})",
                {"what": what, "key": key, "first": seen[key] + 1, "second": i + 1},
            )
        seen[key] = i


# --------------------------------------------------------------------------- answers


@dataclass(frozen=True)
class PartnerAnswers:
    """What one partner sealed. ``None`` or a missing key means skipped.

    ``positions`` and ``guesses`` map scale keys to 0..10; ``guesses`` are where
    this partner thinks the *other* partner stands. Keys that are not in the
    spec are ignored (an answer given to an older version of the file).
    """

    text: str | None = None
    positions: Mapping[str, int | None] = field(default_factory=dict)
    needs: tuple[str, ...] | None = None
    guesses: Mapping[str, int | None] = field(default_factory=dict)


def validate_position(v: object) -> int | None:
    """Check one slider value: an integer 0..10, or ``None`` for skipped.

    Integer-like values (e.g. numpy integers) are accepted; floats, bools and
    text are not. Raises ``ValueError`` with a message meant for people.
    """
    if v is None:
        return None
    if isinstance(v, bool):
        raise ValueError("Please choose a point on the scale from 0 to 10.")
    try:
        value = operator.index(v)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError("Please choose a whole number on the scale from 0 to 10.") from None
    if not POSITION_MIN <= value <= POSITION_MAX:
        raise ValueError(f"Please choose a point from 0 to 10 (got {value}).")
    return value


def validate_needs(spec: SafetyMapSpec, needs: Iterable[str] | None) -> tuple[str, ...] | None:
    """Check a partner's chosen need cards; returns them as a tuple (``None`` = skipped).

    Raises ``ValueError`` for a card this exercise doesn't have, a card chosen
    twice, or more cards than ``spec.max_needs``.
    """
    if needs is None:
        return None
    if isinstance(needs, str):
        raise ValueError("Please pick need cards from the list.")
    chosen = tuple(needs)
    known = {n.key for n in spec.needs}
    for key in chosen:
        if key not in known:
            raise ValueError(f"“{key}” isn't one of the cards here. Please pick from the list.")
    if len(set(chosen)) != len(chosen):
        raise ValueError("Each card can be picked once.")
    if len(chosen) > spec.max_needs:
        n = spec.max_needs
        raise ValueError(
            f"Please pick up to {n} card{'s' if n != 1 else ''} — the ones that matter most today."
        )
    return chosen


def _position(values: Mapping[str, int | None], key: str) -> int | None:
    return validate_position(values.get(key))


# --------------------------------------------------------------------------- scales


def band(gap: float, spec: SafetyMapSpec) -> Band:
    """Which band a gap (0..10) falls in: ``close`` ≤ close_max_gap < ``explore`` ≤
    explore_max_gap < ``far``. Raises ``ValueError`` for a gap outside 0..10."""
    if isinstance(gap, bool) or not isinstance(gap, numbers.Real) or math.isnan(gap):
        raise ValueError(f"A gap must be a number from 0 to 10 (got {gap!r}).")
    if not 0 <= gap <= POSITION_MAX:
        raise ValueError(f"A gap must be from 0 to 10 (got {gap}).")
    t = spec.thresholds
    if gap <= t.close_max_gap:
        return "close"
    if gap <= t.explore_max_gap:
        return "explore"
    return "far"


def band_label(spec: SafetyMapSpec, which: Band | None) -> str:
    """The words for a band (``None`` → the "skipped" words)."""
    t = spec.texts
    return {
        "close": t.band_close,
        "explore": t.band_explore,
        "far": t.band_far,
        None: t.skipped,
    }[which]


@dataclass(frozen=True, slots=True)
class ScaleRow:
    """Both partners on one scale. ``gap`` and ``band`` are ``None`` when either skipped."""

    key: str
    topic: str
    left: str
    right: str
    starter: str
    axis: Axis | None
    a: int | None
    b: int | None
    gap: int | None
    band: Band | None
    order: int  # position of the scale in the file, for stable ranking
    left_pole: str = ""
    right_pole: str = ""

    @property
    def compared(self) -> bool:
        """True when both partners answered this scale."""
        return self.gap is not None


def scale_rows(spec: SafetyMapSpec, a: PartnerAnswers, b: PartnerAnswers) -> list[ScaleRow]:
    """One row per scale, in file order."""
    rows: list[ScaleRow] = []
    for i, s in enumerate(spec.scales):
        pa, pb = _position(a.positions, s.key), _position(b.positions, s.key)
        gap = abs(pa - pb) if pa is not None and pb is not None else None
        rows.append(
            ScaleRow(
                key=s.key,
                topic=s.topic,
                left=s.left,
                right=s.right,
                starter=s.starter,
                axis=s.axis,
                a=pa,
                b=pb,
                gap=gap,
                band=band(gap, spec) if gap is not None else None,
                order=i,
                left_pole=s.poles[0],
                right_pole=s.poles[1],
            )
        )
    return rows


def _percent(total_off: int, count: int) -> int:
    """round(100 * (1 - (total_off / count) / 10)), exact and rounded half up."""
    value = 100 * (1 - Fraction(total_off, count * POSITION_MAX))
    return math.floor(value + Fraction(1, 2))


def alignment(rows: Iterable[ScaleRow]) -> int | None:
    """How close the two partners stand overall, 0..100, over the scales both answered.

    ``round(100 * (1 - mean_gap / 10))``; ``None`` when no scale was answered by both.
    It describes the map, not the couple: a low figure just means more to talk about.
    """
    gaps = [r.gap for r in rows if r.gap is not None]
    if not gaps:
        return None
    return _percent(sum(gaps), len(gaps))


def _check_n(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a whole number of 0 or more (got {n!r}).")


def meets(rows: Iterable[ScaleRow], n: int = 3) -> list[ScaleRow]:
    """Up to ``n`` scales in the "close" band: smallest gap first, ties in file order."""
    _check_n(n)
    close = [r for r in rows if r.band == "close"]
    return sorted(close, key=lambda r: (r.gap, r.order))[:n]


def differences(rows: Iterable[ScaleRow], n: int = 3) -> list[ScaleRow]:
    """Up to ``n`` scales beyond the "close" band: largest gap first, ties in file order.

    Each row carries its ``starter`` (a conversation opener for that scale).
    A scale is never both a meet and a difference.
    """
    _check_n(n)
    apart = [r for r in rows if r.band in ("explore", "far")]
    return sorted(apart, key=lambda r: (-(r.gap or 0), r.order))[:n]


# --------------------------------------------------------------------------- guesses


@dataclass(frozen=True, slots=True)
class GuessRow:
    """One partner's guess of where the other stands on one scale."""

    key: str
    topic: str
    guess: int | None
    actual: int | None
    off_by: int | None  # None when the guess or the answer was skipped
    order: int

    @property
    def compared(self) -> bool:
        """True when both the guess and the answer were given."""
        return self.off_by is not None


def guess_rows(
    spec: SafetyMapSpec,
    guesser_guesses: Mapping[str, int | None],
    other_answers: PartnerAnswers,
) -> list[GuessRow]:
    """The guesser's guesses beside where the other partner really stands, in file order."""
    rows: list[GuessRow] = []
    for i, s in enumerate(spec.scales):
        guess = _position(guesser_guesses, s.key)
        actual = _position(other_answers.positions, s.key)
        off = abs(guess - actual) if guess is not None and actual is not None else None
        rows.append(GuessRow(s.key, s.topic, guess, actual, off, i))
    return rows


def guess_accuracy(rows: Iterable[GuessRow]) -> int | None:
    """How near the guesses were, 0..100: ``round(100 * (1 - mean_off_by / 10))``.

    ``None`` when nothing can be compared. A way into curiosity, never a grade.
    """
    offs = [r.off_by for r in rows if r.off_by is not None]
    if not offs:
        return None
    return _percent(sum(offs), len(offs))


def surprises(rows: Iterable[GuessRow], n: int = 3, *, more_than: float = 0) -> list[GuessRow]:
    """Up to ``n`` guesses that were furthest off (``off_by > more_than``), biggest first,
    ties in file order. :func:`summary` uses ``more_than = close_max_gap``."""
    _check_n(n)
    off = [r for r in rows if r.off_by is not None and r.off_by > more_than]
    return sorted(off, key=lambda r: (-(r.off_by or 0), r.order))[:n]


def guess_prompt(spec: SafetyMapSpec, scale: Scale) -> str:
    """The question shown above the guess slider for ``scale``."""
    return scale.guess_prompt or spec.texts.guess_prompt


# --------------------------------------------------------------------------- axes


def _axis_fraction(spec: SafetyMapSpec, answers: PartnerAnswers, axis: Axis) -> Fraction | None:
    values = [
        s.reaching(p)
        for s in spec.scales
        if s.axis == axis and (p := _position(answers.positions, s.key)) is not None
    ]
    return Fraction(sum(values), len(values)) if values else None


def _check_axis(axis: str) -> None:
    if axis not in AXES:
        raise ValueError(f"Unknown axis {axis!r} (one of: {', '.join(AXES)}).")


def axis_position(spec: SafetyMapSpec, answers: PartnerAnswers, axis: Axis) -> float | None:
    """Mean position on one axis's scales, turned so 10 = reaching / talk-now, 0 =
    stepping back / cooling off. Skipped scales are left out; ``None`` if all skipped."""
    _check_axis(axis)
    value = _axis_fraction(spec, answers, axis)
    return float(value) if value is not None else None


@dataclass(frozen=True, slots=True)
class AxisPositions:
    """Both partners on one axis (10 = reaching / talk-now end)."""

    axis: Axis
    a: float | None
    b: float | None


@dataclass(frozen=True, slots=True)
class Pattern:
    """A pursue–withdraw shape: one partner leans toward reaching, the other toward space."""

    reaching: PartnerId
    stepping_back: PartnerId
    gap: float
    a: float
    b: float


def pursue_withdraw(spec: SafetyMapSpec, a: PartnerAnswers, b: PartnerAnswers) -> Pattern | None:
    """The pursue–withdraw pattern on the closeness axis, or ``None``.

    Shown only when both partners have a closeness position and those differ by
    at least ``thresholds.pattern_min_gap``. Swapping ``a`` and ``b`` only swaps
    who reaches.
    """
    fa = _axis_fraction(spec, a, "closeness")
    fb = _axis_fraction(spec, b, "closeness")
    if fa is None or fb is None:
        return None
    gap = abs(fa - fb)
    if gap < Fraction(spec.thresholds.pattern_min_gap) or gap == 0:
        return None
    reaching: PartnerId = "a" if fa > fb else "b"
    return Pattern(
        reaching=reaching,
        stepping_back="b" if reaching == "a" else "a",
        gap=float(gap),
        a=float(fa),
        b=float(fb),
    )


# --------------------------------------------------------------------------- needs


def _ordered(keys: Iterable[str], spec: SafetyMapSpec | None) -> list[str]:
    keys = list(dict.fromkeys(keys))
    if spec is None:
        return keys
    order = {n.key: i for i, n in enumerate(spec.needs)}
    return sorted(keys, key=lambda k: (order.get(k, len(order)), k))


def shared_needs(
    a: PartnerAnswers, b: PartnerAnswers, spec: SafetyMapSpec | None = None
) -> list[str]:
    """Need keys both partners picked. In the file's order when ``spec`` is given
    (then symmetrical), otherwise in the order ``a`` picked them."""
    b_keys = set(b.needs or ())
    return _ordered((k for k in a.needs or () if k in b_keys), spec)


def needs_only(
    a: PartnerAnswers, b: PartnerAnswers, spec: SafetyMapSpec | None = None
) -> list[str]:
    """Need keys ``a`` picked and ``b`` did not (same ordering as :func:`shared_needs`)."""
    b_keys = set(b.needs or ())
    return _ordered((k for k in a.needs or () if k not in b_keys), spec)


# --------------------------------------------------------------------------- reveal


@dataclass(frozen=True, slots=True)
class Reveal:
    """Everything the reveal screen and its charts need, computed once.

    ``a_guesses`` are a's guesses about b (``a_accuracy`` how near they were,
    ``a_surprises`` where b surprised a); the ``b_`` fields are the other way round.
    """

    rows: tuple[ScaleRow, ...]
    compared: int
    alignment: int | None
    meets: tuple[ScaleRow, ...]
    differences: tuple[ScaleRow, ...]
    a_guesses: tuple[GuessRow, ...]
    b_guesses: tuple[GuessRow, ...]
    a_accuracy: int | None
    b_accuracy: int | None
    a_surprises: tuple[GuessRow, ...]
    b_surprises: tuple[GuessRow, ...]
    axes: tuple[AxisPositions, ...]
    pattern: Pattern | None
    shared_needs: tuple[str, ...]
    a_only_needs: tuple[str, ...]
    b_only_needs: tuple[str, ...]
    a_answered_text: bool
    b_answered_text: bool

    def axis(self, name: Axis) -> AxisPositions:
        """The positions on one axis."""
        for ax in self.axes:
            if ax.axis == name:
                return ax
        raise KeyError(name)


def summary(spec: SafetyMapSpec, a: PartnerAnswers, b: PartnerAnswers, n: int = 3) -> Reveal:
    """Score both partners' sealed answers into one :class:`Reveal`.

    Raises ``ValueError`` (kind words) if an answer is out of range or a need
    card is unknown; validate on input with :func:`validate_position` and
    :func:`validate_needs` so this never happens on the reveal screen.
    """
    validate_needs(spec, a.needs)
    validate_needs(spec, b.needs)
    rows = scale_rows(spec, a, b)
    a_guesses = guess_rows(spec, a.guesses, b)
    b_guesses = guess_rows(spec, b.guesses, a)
    more_than = spec.thresholds.close_max_gap
    return Reveal(
        rows=tuple(rows),
        compared=sum(1 for r in rows if r.compared),
        alignment=alignment(rows),
        meets=tuple(meets(rows, n)),
        differences=tuple(differences(rows, n)),
        a_guesses=tuple(a_guesses),
        b_guesses=tuple(b_guesses),
        a_accuracy=guess_accuracy(a_guesses),
        b_accuracy=guess_accuracy(b_guesses),
        a_surprises=tuple(surprises(a_guesses, n, more_than=more_than)),
        b_surprises=tuple(surprises(b_guesses, n, more_than=more_than)),
        axes=tuple(
            AxisPositions(ax, axis_position(spec, a, ax), axis_position(spec, b, ax)) for ax in AXES
        ),
        pattern=pursue_withdraw(spec, a, b),
        shared_needs=tuple(shared_needs(a, b, spec)),
        a_only_needs=tuple(needs_only(a, b, spec)),
        b_only_needs=tuple(needs_only(b, a, spec)),
        a_answered_text=bool(a.text and a.text.strip()),
        b_answered_text=bool(b.text and b.text.strip()),
    )


# --------------------------------------------------------------------------- answering

# The five places a partner can choose on a scale: clearly the first statement, a little
# more the first, in between, a little more the second, clearly the second. Stored on the
# 0..10 line so that neighbours on one side sit close (gap 2), neighbours across the
# middle are worth exploring (3) and the two sides are far apart (6 or more).
POINTS: tuple[int, ...] = (0, 2, 5, 8, 10)
SCALES_PER_PAGE = 5


def nearest_point(value: int) -> int:
    """The answer point a stored position shows as (older rounds used every 0..10)."""
    return min(POINTS, key=lambda p: (abs(p - value), -abs(p - 5)))  # ties: toward the end


def position_words(scale: Scale, value: int | None) -> str | None:
    """A position in words, with the scale's own pole words; None when not answered."""
    if value is None:
        return None
    left, right = (_lower_first(w) for w in scale.poles)
    point = nearest_point(value)
    return {
        0: "clearly “" + left + "”",
        2: "a little more “" + left + "”",
        5: "in between",
        8: "a little more “" + right + "”",
        10: "clearly “" + right + "”",
    }[point]


def lean_words(scale: Scale, mean: float) -> str:
    """Where two close answers sit together, in words: 'you both lean toward “…”'."""
    left, right = (_lower_first(w) for w in scale.poles)
    if mean < POSITION_MAX / 2:
        return "you both lean toward “" + left + "”"
    if mean > POSITION_MAX / 2:
        return "you both lean toward “" + right + "”"
    return "you're both in the middle"


def _lower_first(words: str) -> str:
    """'Most time together' -> 'most time together' (but 'TV time' stays as it is)."""
    if len(words) > 1 and words[0].isupper() and not words[1].isupper():
        return words[0].lower() + words[1:]
    return words


def scale_pages(spec: SafetyMapSpec, per_page: int = SCALES_PER_PAGE) -> list[list[Scale]]:
    """The scales every partner sees, in pages of ``per_page`` (file order)."""
    shown = [s for s in spec.scales if not s.optional]
    return [shown[i : i + per_page] for i in range(0, len(shown), per_page)]


def optional_scales(spec: SafetyMapSpec) -> list[Scale]:
    """Scales the file marks optional: offered, never required."""
    return [s for s in spec.scales if s.optional]


def turn_sections(spec: SafetyMapSpec) -> tuple[str, ...]:
    """The parts of one partner's turn, in order ("more" only if the file has optional
    scales; it sits after the last page of scales and is reached by asking for it)."""
    pages = tuple(f"scales-{i + 1}" for i in range(len(scale_pages(spec))))
    more = ("more",) if optional_scales(spec) else ()
    return ("words", *pages, *more, "needs", "review")


def section_scales(spec: SafetyMapSpec, section: str) -> list[Scale]:
    """The scales shown on one part of the turn (empty for words, needs and review)."""
    if section == "more":
        return optional_scales(spec)
    if section.startswith("scales-"):
        pages = scale_pages(spec)
        i = int(section.split("-", 1)[1]) - 1
        return pages[i] if 0 <= i < len(pages) else []
    return []
