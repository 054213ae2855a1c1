"""Workshop rooms: the script, join codes, attempt limits, timers and anonymous results.

Pure: no Streamlit, no database. The store keeps rooms, couples, phases, timer start
times and failed join attempts; this module only decides and computes.

Times are plain seconds (``time.time()`` style floats) everywhere.

Anonymity rules (see domain notes, "Anonymous room results"):

* results exist only when at least ``max(3, min_group)`` couples shared;
* we count couples, not people, and there is no per-couple figure anywhere: a
  :class:`CoupleShare` has no field for a name or free text, and nothing here returns
  one couple's data;
* a scale answered by fewer than that many couples is left out;
* results are computed when the facilitator releases them, **per figure**
  (:func:`safe_results`): a *figure* is one scale's figures (its couples, mean, median,
  shares and bands, all over the couples who answered that scale) or the whole "needs"
  block (every need's count and ``needs_couples``, over the couples who chose any need).
  The property: every published figure rests on at least ``k = max(3, min_group)``
  couples who answered it, and a figure changes from one release to the next only when
  at least ``k`` more couples answered it than when it was last published (so at least
  ``k`` answers in the new view were not in the old one: the difference of two views
  mixes at least ``k`` couples). A figure that cannot change safely shows its last
  published value again (``held_scales``, ``needs_held``); one never published stays
  hidden. Nothing but counts decides: a couple who shares again or leaves never shows
  up as a change (a count that fell, or grew by fewer than ``k``, holds the figure).
* no rule protects against couples the facilitator invents: four made-up couples with
  known answers and one real couple meet any minimum group, and the real couple's gaps
  follow by subtraction.
"""

from __future__ import annotations

import hmac
import io
import math
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from studio.exercises import ExerciseBase

# --------------------------------------------------------------------------- script

CoupleView = Literal["welcome", "safety_map", "reveal", "dialogue", "cards", "break", "close"]
COUPLE_VIEWS: tuple[str, ...] = (
    "welcome",
    "safety_map",
    "reveal",
    "dialogue",
    "cards",
    "break",
    "close",
)

ABSOLUTE_MIN_GROUP = 3
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,40}$"
_KEY_RE = re.compile(KEY_PATTERN)


class Phase(BaseModel):
    """One step of the workshop: what the big screen says and what each couple sees."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    key: str = Field(pattern=KEY_PATTERN)
    title: str = Field(min_length=1, max_length=80)
    projector_text: str = Field(min_length=1, max_length=600)
    couple_text: str = Field(min_length=1, max_length=600)
    couple_view: CoupleView
    suggested_minutes: int | None = Field(default=None, ge=1, le=240)
    # Which exercise the phase opens, for a kind with many files: a scales exercise for
    # "safety_map" / "reveal" (default: "What makes you feel safe?"), a deck for "cards"
    # (default: the first deck). Checked against the installed files when the room starts.
    exercise: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]{1,40}$")


class RoomScript(ExerciseBase):
    """``kind = "room_script"``: the phases a facilitator steps through."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    kind: Literal["room_script"]
    phases: tuple[Phase, ...] = Field(min_length=2, max_length=50)
    min_group: int = Field(default=5, ge=ABSOLUTE_MIN_GROUP, le=1000)
    retention_hours: int = Field(default=24, ge=1, le=720)

    @field_validator("phases")
    @classmethod
    def _unique_keys(cls, phases: tuple[Phase, ...]) -> tuple[Phase, ...]:
        seen: set[str] = set()
        for phase in phases:
            if phase.key in seen:
                raise PydanticCustomError(
                    "duplicate_phase_key",
                    "the phase key '{key}' is used more than once (each phase needs its own)",
                    {"key": phase.key},
                )
            seen.add(phase.key)
        return phases

    def phase(self, key: str) -> Phase:
        """The phase with this key (KeyError if there is none)."""
        return self.phases[phase_index(self, key)]

    @property
    def phase_keys(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.phases)


def phase_index(script: RoomScript, key: str) -> int:
    """Position of the phase ``key`` in the script; KeyError for an unknown key."""
    for i, phase in enumerate(script.phases):
        if phase.key == key:
            return i
    raise KeyError(f"the room script '{script.id}' has no phase '{key}'")


def next_phase(script: RoomScript, key: str) -> str | None:
    """Key of the phase after ``key``; None at the last phase."""
    i = phase_index(script, key)
    return script.phases[i + 1].key if i + 1 < len(script.phases) else None


def previous_phase(script: RoomScript, key: str) -> str | None:
    """Key of the phase before ``key``; None at the first phase."""
    i = phase_index(script, key)
    return script.phases[i - 1].key if i > 0 else None


# ----------------------------------------------------------------- who is done with what


@dataclass(frozen=True, slots=True)
class CoupleProgress:
    """What one couple of a room has done, as far as counting needs (no names, no words):
    both partners sealed their safety map, they looked at it together, how many dialogue
    rounds they finished, and the phases they said they were done with."""

    sealed: bool = False
    revealed: bool = False
    rounds: int = 0
    said_done: frozenset[str] = frozenset()


def phase_done(script: RoomScript, key: str, progress: CoupleProgress) -> bool:
    """Has this couple done the work of the phase ``key`` (or said they're done)?

    By the phase's ``couple_view``: ``safety_map`` — both partners sealed; ``reveal`` —
    they looked together; ``dialogue`` — the n-th dialogue phase of the script needs n
    finished rounds. ``welcome``, ``break`` and ``close`` have no work to check: only
    "We're done with this part" counts there.
    """
    if key in progress.said_done:
        return True
    try:
        phase = script.phase(key)
    except KeyError:
        return False
    view = phase.couple_view
    if view == "safety_map":
        return progress.sealed or progress.revealed
    if view == "reveal":
        return progress.revealed
    if view == "dialogue":
        nth = sum(
            1 for p in script.phases[: phase_index(script, key) + 1] if p.couple_view == "dialogue"
        )
        return progress.rounds >= nth
    return False


def done_counts(script: RoomScript | None, progress: Iterable[CoupleProgress]) -> dict[str, int]:
    """Phase key -> couples done with it (without a script: only what couples said)."""
    out: dict[str, int] = {}
    for p in progress:
        keys = script.phase_keys if script is not None else tuple(p.said_done)
        for key in keys:
            if (script is None and key in p.said_done) or (
                script is not None and phase_done(script, key, p)
            ):
                out[key] = out.get(key, 0) + 1
    return out


# ------------------------------------------------------------------ codes and secrets

# No look-alikes: 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V are all left out. 23 symbols,
# 23**6 ≈ 148 million codes. A code is not a secret (it is on the projector); the
# attempt limit and the per-couple secret protect the room.
JOIN_ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
JOIN_CODE_LENGTH = 6
JOIN_QUERY_PARAM = "code"
SECRET_BYTES = 32  # 256 bits

_IGNORED_IN_CODES = frozenset(
    " \t\r\n\u00a0\u2007\u202f"  # spaces, incl. no-break spaces
    "-_.\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"  # dashes and dots
    "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width characters, soft hyphen
)
_MAX_CODE_INPUT = 64


def new_join_code() -> str:
    """A fresh room code, shown as ``"ABC-DEF"``."""
    raw = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
    return _display(raw)


def _display(raw: str) -> str:
    half = JOIN_CODE_LENGTH // 2
    return f"{raw[:half]}-{raw[half:]}"


def normalize_join_code(text: object) -> str | None:
    """The code someone typed, as ``"ABC-DEF"``; None if it cannot be a code.

    Case does not matter; spaces, dashes and zero-width characters are ignored;
    full-width characters from phone keyboards are folded to plain ones.
    """
    if not isinstance(text, str) or len(text) > _MAX_CODE_INPUT:
        return None
    folded = unicodedata.normalize("NFKC", text)
    raw = "".join(ch for ch in folded if ch not in _IGNORED_IN_CODES).upper()
    if len(raw) != JOIN_CODE_LENGTH or any(ch not in JOIN_ALPHABET for ch in raw):
        return None
    return _display(raw)


def new_secret() -> str:
    """An unguessable URL-safe token (256 bits) for a couple's or facilitator's link."""
    return secrets.token_urlsafe(SECRET_BYTES)


def screen_token(secret: str) -> str:
    """The room screen's token, made from the facilitator's secret (HMAC-SHA256, 192
    bits): the facilitator's page can always rebuild the screen link, and the screen
    token says nothing about the secret. It lets a screen follow the room, nothing more."""
    import base64
    import hashlib

    digest = hmac.new(secret.encode("utf-8"), b"side-by-side room screen", hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:24]).decode("ascii")


def secrets_equal(a: str | None, b: str | None) -> bool:
    """Constant-time comparison; an empty or missing secret never matches."""
    if not a or not b or not isinstance(a, str) or not isinstance(b, str):
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


# ------------------------------------------------------------------ attempt limiting


@dataclass(frozen=True, slots=True)
class AttemptPolicy:
    """``max_attempts`` failures within ``window_seconds`` lock for ``lockout_seconds``."""

    max_attempts: int = 5
    window_seconds: float = 60.0
    lockout_seconds: float = 60.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not self.window_seconds > 0:
            raise ValueError("window_seconds must be positive")
        if not self.lockout_seconds >= 0:
            raise ValueError("lockout_seconds must not be negative")


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    retry_after: float = 0.0  # seconds; 0.0 when allowed


def check_attempts(
    policy: AttemptPolicy, failed_attempt_times: Sequence[float], now: float
) -> Verdict:
    """May another attempt be made now?

    Blocked while ``now`` is within ``lockout_seconds`` of the most recent failure that
    completed ``max_attempts`` failures inside one ``window_seconds``. The store may
    forget failures older than ``window_seconds + lockout_seconds``.
    """
    times = sorted(t for t in failed_attempt_times if math.isfinite(t))
    n = policy.max_attempts
    locked_until = -math.inf
    for i in range(len(times) - 1, n - 2, -1):
        if times[i] - times[i - n + 1] <= policy.window_seconds:
            locked_until = times[i] + policy.lockout_seconds
            break
    if now < locked_until:
        return Verdict(False, locked_until - now)
    return Verdict(True, 0.0)


JOIN_CODE_SPACE = len(JOIN_ALPHABET) ** JOIN_CODE_LENGTH  # 23**6 = 148,035,889


@dataclass(frozen=True, slots=True)
class GuessPolicy:
    """Join-code guessing limits, by client and for the whole server.

    * ``couple``: wrong codes from one couple (a hash of its token);
    * ``network``: wrong codes from one client the server can tell apart without the
      client's help (its network address or browser session, passed by the page);
      a couple can be made up in a moment, an address cannot;
    * ``server_budget`` wrong codes per ``server_window`` for the whole server. Once it
      is spent (a flood: no workshop's typos come near it), a client without such an
      address is not checked at all until the flood passes, and one with an address is
      checked while it has made no wrong code within ``server_window``.

    Only wrong codes count; a code is never refused for someone else's wrong codes
    unless the server is flooded and the client cannot be told apart from a made-up
    couple. A couple already in the room is always let back in (a reload).
    """

    couple: AttemptPolicy = AttemptPolicy(max_attempts=5, window_seconds=60.0, lockout_seconds=60.0)
    network: AttemptPolicy = AttemptPolicy(
        max_attempts=10, window_seconds=60.0, lockout_seconds=60.0
    )
    server_budget: int = 60
    server_window: float = 60.0

    def __post_init__(self) -> None:
        if self.server_budget < 1:
            raise ValueError("server_budget must be at least 1")
        if not self.server_window > 0:
            raise ValueError("server_window must be positive")

    @property
    def memory(self) -> float:
        """How long failures must be kept to decide (older ones may be forgotten)."""
        return max(
            self.couple.window_seconds + self.couple.lockout_seconds,
            self.network.window_seconds + self.network.lockout_seconds,
            2 * self.server_window,
        )


def check_join(
    policy: GuessPolicy,
    couple_failures: Sequence[float],
    network_failures: Sequence[float] | None,
    server_failures: Sequence[float],
    now: float,
) -> Verdict:
    """May this client have a code checked now? ``network_failures`` is None when the
    page could not name the client's address or session."""
    worst = Verdict(True, 0.0)
    for rule, times in ((policy.couple, couple_failures), (policy.network, network_failures)):
        if times is None:
            continue
        v = check_attempts(rule, times, now)
        if not v.allowed and v.retry_after > worst.retry_after:
            worst = v
    if not worst.allowed:
        return worst
    window = policy.server_window
    recent = sorted(t for t in server_failures if math.isfinite(t) and now - window < t <= now)
    if len(recent) < policy.server_budget:
        return worst
    # Flooded: the budget frees up when the oldest counted failure leaves the window.
    frees_at = recent[len(recent) - policy.server_budget] + window
    if network_failures is None:
        return Verdict(False, max(1.0, frees_at - now))
    own = [
        t
        for t in (*couple_failures, *network_failures)
        if math.isfinite(t) and now - window < t <= now
    ]
    if own:
        return Verdict(False, max(1.0, min(max(own) + window, frees_at) - now))
    return worst


def max_wrong_per_minute(policy: GuessPolicy) -> float:
    """The fastest rate one client (one address) can have wrong codes checked: a full
    window of failures, then its lockout, over and over (couples made up per guess
    share the address's limit)."""
    rule = policy.network
    return rule.max_attempts * 60.0 / max(rule.window_seconds, rule.lockout_seconds)


def expected_minutes_to_find(live_rooms: int, guesses_per_minute: float) -> float:
    """Expected minutes until random guessing (without repeats) hits one of
    ``live_rooms`` codes: (space + 1) / (rooms + 1) guesses at that rate."""
    if live_rooms < 1 or not guesses_per_minute > 0:
        return math.inf
    return (JOIN_CODE_SPACE + 1) / (live_rooms + 1) / guesses_per_minute


# --------------------------------------------------------------------- time helpers


def timer_remaining(started_at: float | None, seconds: float, now: float) -> float:
    """Seconds left on a timer started at ``started_at``; never negative, never more
    than ``seconds`` (a clock a little ahead on another server does not add time).
    A timer that has not started has all of its time left."""
    total = max(0.0, float(seconds))
    if started_at is None:
        return total
    return min(total, max(0.0, started_at + total - now))


def is_expired(
    created_at: float, closed_at: float | None, now: float, retention_hours: float
) -> bool:
    """True once a room's data is due for deletion: ``retention_hours`` after it was
    closed, or after it was created if it was never closed."""
    start = closed_at if closed_at is not None else created_at
    return now >= start + retention_hours * 3600.0


# --------------------------------------------------------------------- join link, QR


def join_url(base_url: str, code: str) -> str:
    """``base_url`` with ``?code=ABC-DEF`` (other query parameters are kept)."""
    normal = normalize_join_code(code)
    if normal is None:
        raise ValueError("that is not a room code")
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("the base address must start with http:// or https://")
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != JOIN_QUERY_PARAM]
    query.append((JOIN_QUERY_PARAM, normal))
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), ""))


def qr_svg(url: str, scale: int = 12) -> str:
    """A QR code as standalone SVG text: black modules on white with the 4-module
    quiet zone, large enough to scan from the back of a room. Nothing external."""
    import segno  # only the workshop draws a QR code

    qr = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=scale, border=4, dark="#000", light="#fff", xmldecl=False)
    return out.getvalue().decode("utf-8")


# ------------------------------------------------------------------- anonymous results

POSITION_MIN, POSITION_MAX = 0, 10
CLOSE_MAX_GAP = 2  # gap <= 2: close
FAR_MIN_GAP = 6  # gap > 5: far apart
RESULTS_FORMAT = 1  # version of RoomResults.to_dict()
GAP_BINS: tuple[tuple[int, int], ...] = ((0, 2), (3, 5), (6, 10))


_VALID_KEYS: set[str] = set()  # keys already checked (a room uses a few dozen)


def _check_key(key: object, what: str) -> str:
    if key in _VALID_KEYS:
        return key
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise ValueError(f"{what} must be a short key like 'time_alone', not {key!r}")
    if len(_VALID_KEYS) < 10_000:
        _VALID_KEYS.add(key)
    return key


_POSITION_VALUES = frozenset([None, *range(POSITION_MIN, POSITION_MAX + 1)])
_POSITION_TYPES = frozenset([int, type(None)])  # bool is not a position


def _freeze_positions(positions: Mapping[str, int | None]) -> Mapping[str, int | None]:
    out = dict(positions)
    if not _VALID_KEYS.issuperset(out):
        for key in out:
            _check_key(key, "a scale key")
    values = out.values()
    if not (_POSITION_VALUES.issuperset(values) and _POSITION_TYPES.issuperset(map(type, values))):
        bad = next(v for v in values if type(v) not in _POSITION_TYPES or v not in _POSITION_VALUES)
        raise ValueError(f"a position must be a whole number 0–10 or None, not {bad!r}")
    return MappingProxyType(out)


def _freeze_needs(needs: Iterable[str]) -> tuple[str, ...]:
    if isinstance(needs, str):
        raise ValueError("needs must be a sequence of keys, not one string")
    out = tuple(dict.fromkeys(needs))
    if not _VALID_KEYS.issuperset(out):
        for need in out:
            _check_key(need, "a need key")
    return out


@dataclass(frozen=True, slots=True)
class CoupleShare:
    """What one couple contributes to the room: positions (scale key → 0..10, None when
    skipped) and chosen need keys, for each partner. By design there is no field for a
    name, an id or free text, and every string must be a short key."""

    positions_a: Mapping[str, int | None]
    positions_b: Mapping[str, int | None]
    needs_a: tuple[str, ...] = ()
    needs_b: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "positions_a", _freeze_positions(self.positions_a))
        object.__setattr__(self, "positions_b", _freeze_positions(self.positions_b))
        object.__setattr__(self, "needs_a", _freeze_needs(self.needs_a))
        object.__setattr__(self, "needs_b", _freeze_needs(self.needs_b))


@dataclass(frozen=True, slots=True)
class ScaleResult:
    """Room figures for one scale, over the couples where both partners answered it."""

    key: str
    couples: int
    mean_gap: float
    median_gap: float
    share_close: float  # 0..1, gap <= 2
    share_far: float  # 0..1, gap > 5
    gap_bins: tuple[int, int, int]  # couples with gap 0–2, 3–5, 6–10


@dataclass(frozen=True, slots=True)
class NeedCount:
    key: str
    people: int


@dataclass(frozen=True, slots=True)
class RoomResults:
    """Anonymous room figures. ``hidden_scales`` names scales left out because too few
    couples answered them; ``needs`` is empty when too few couples chose any need.
    ``held_scales`` and ``needs_held`` mark figures shown at their last published value
    because too few new couples answered them since (see :func:`safe_results`)."""

    couples: int
    min_group: int
    scales: tuple[ScaleResult, ...]
    hidden_scales: tuple[str, ...] = ()
    needs: tuple[NeedCount, ...] = ()
    needs_couples: int = 0
    held_scales: tuple[str, ...] = ()
    needs_held: bool = False

    def scale(self, key: str) -> ScaleResult | None:
        return next((s for s in self.scales if s.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "format": RESULTS_FORMAT,
            "couples": self.couples,
            "min_group": self.min_group,
            "scales": [
                {
                    "key": s.key,
                    "couples": s.couples,
                    "mean_gap": s.mean_gap,
                    "median_gap": s.median_gap,
                    "share_close": s.share_close,
                    "share_far": s.share_far,
                    "gap_bins": list(s.gap_bins),
                }
                for s in self.scales
            ],
            "hidden_scales": list(self.hidden_scales),
            "needs": [{"key": n.key, "people": n.people} for n in self.needs],
            "needs_couples": self.needs_couples,
            "held_scales": list(self.held_scales),
            "needs_held": self.needs_held,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoomResults:
        """Inverse of :meth:`to_dict`; ValueError if the data is not saved results."""
        try:
            if data.get("format") != RESULTS_FORMAT:
                raise ValueError("unknown results format")
            scales = tuple(
                ScaleResult(
                    key=str(s["key"]),
                    couples=int(s["couples"]),
                    mean_gap=float(s["mean_gap"]),
                    median_gap=float(s["median_gap"]),
                    share_close=float(s["share_close"]),
                    share_far=float(s["share_far"]),
                    gap_bins=_three_ints(s["gap_bins"]),
                )
                for s in data["scales"]
            )
            return cls(
                couples=int(data["couples"]),
                min_group=int(data["min_group"]),
                scales=scales,
                hidden_scales=tuple(str(k) for k in data.get("hidden_scales", ())),
                needs=tuple(
                    NeedCount(str(n["key"]), int(n["people"])) for n in data.get("needs", ())
                ),
                needs_couples=int(data.get("needs_couples", 0)),
                held_scales=tuple(str(k) for k in data.get("held_scales", ())),
                needs_held=bool(data.get("needs_held", False)),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"these are not saved room results ({exc!r})") from None


def _three_ints(values: Any) -> tuple[int, int, int]:
    a, b, c = (int(v) for v in values)
    return (a, b, c)


def effective_min_group(min_group: int) -> int:
    """The minimum group actually used: never below 3."""
    return max(ABSOLUTE_MIN_GROUP, int(min_group))


def release_allowed(shared_now: int, last_released: int | None, min_group: int) -> bool:
    """May the facilitator release (new) results?

    The first release needs ``min_group`` couples. A later one needs at least
    ``min_group`` more couples than the last release, so nobody can read a late couple's
    answers from the difference between two views. (The store should show the saved
    last release until then.)
    """
    k = effective_min_group(min_group)
    if shared_now < k:
        return False
    return last_released is None or shared_now - last_released >= k


def _nth(counts: Sequence[int], index: int) -> int:
    """The value at ``index`` of the sorted list that ``counts`` (value -> count) stands for."""
    seen = 0
    for value, count in enumerate(counts):
        seen += count
        if index < seen:
            return value
    raise IndexError(index)


@dataclass(frozen=True, slots=True)
class _Tally:
    """Every figure of a room before any threshold: per scale, its result (or None when
    nobody answered it); the needs block and the couples it rests on."""

    couples: int
    scales: Mapping[str, ScaleResult | None]
    needs: tuple[NeedCount, ...]
    needs_couples: int


def _tally(shares: Sequence[CoupleShare], keys: Sequence[str]) -> _Tally:
    width = POSITION_MAX - POSITION_MIN + 1
    gap_counts: dict[str, list[int]] = {key: [0] * width for key in keys}
    per_key = tuple(gap_counts.items())  # (key, its counts): no dict lookup per couple
    need_people: dict[str, int] = {}
    needs_couples = 0
    for share in shares:
        if not isinstance(share, CoupleShare):
            raise TypeError("room_results takes CoupleShare values only")
        pa, pb = share.positions_a, share.positions_b
        for key, counts in per_key:
            a = pa.get(key)
            if a is None:
                continue
            b = pb.get(key)
            if b is None:
                continue
            counts[a - b if a >= b else b - a] += 1
        if share.needs_a or share.needs_b:
            needs_couples += 1
            for need in share.needs_a:
                need_people[need] = need_people.get(need, 0) + 1
            for need in share.needs_b:
                need_people[need] = need_people.get(need, 0) + 1

    scales: dict[str, ScaleResult | None] = {}
    for key in keys:
        counts = gap_counts[key]
        n = sum(counts)
        if n == 0:
            scales[key] = None
            continue
        total = sum(gap * c for gap, c in enumerate(counts))
        if n % 2:
            median = float(_nth(counts, n // 2))
        else:
            median = (_nth(counts, n // 2 - 1) + _nth(counts, n // 2)) / 2
        bins = _three_ints(sum(counts[lo : hi + 1]) for lo, hi in GAP_BINS)
        scales[key] = ScaleResult(
            key=key,
            couples=n,
            mean_gap=total / n,
            median_gap=median,
            share_close=sum(counts[: CLOSE_MAX_GAP + 1]) / n,
            share_far=sum(counts[FAR_MIN_GAP:]) / n,
            gap_bins=bins,
        )
    needs = tuple(
        NeedCount(key, count)
        for key, count in sorted(need_people.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return _Tally(len(shares), scales, needs, needs_couples)


def figure_may_change(answered_now: int, answered_when_published: int | None, k: int) -> bool:
    """The per-figure rule. A figure never published may be shown once at least ``k``
    couples answered it; a published one may change only when at least ``k`` more
    couples answered it than when it was last published (then at least ``k`` of the
    answers behind the new value were not behind the old one)."""
    k = effective_min_group(k)
    if answered_when_published is None:
        return answered_now >= k
    return answered_now - answered_when_published >= k


def figure_waiting(answered_now: int, answered_when_published: int | None, k: int) -> int:
    """How many more couples must answer a figure before it may change (0: it may)."""
    k = effective_min_group(k)
    base = 0 if answered_when_published is None else answered_when_published
    return max(0, base + k - answered_now)


def answer_counts(
    shares: Sequence[CoupleShare], scale_keys: Sequence[str]
) -> tuple[dict[str, int], int]:
    """How many couples answered each scale (both partners), and how many chose any
    need: the counts :func:`figure_may_change` compares. Counts only."""
    tally = _tally(shares, tuple(dict.fromkeys(scale_keys)))
    scales = {k: (v.couples if v is not None else 0) for k, v in tally.scales.items()}
    return scales, tally.needs_couples


def room_results(
    shares: Sequence[CoupleShare], scale_keys: Sequence[str], min_group: int
) -> RoomResults | None:
    """Anonymous figures for the room, or None while fewer than ``max(3, min_group)``
    couples shared. Per scale, only couples where both partners answered count. This is
    one view on its own; to publish after an earlier release use :func:`safe_results`."""
    return safe_results(shares, scale_keys, min_group, None)


def safe_results(
    shares: Sequence[CoupleShare],
    scale_keys: Sequence[str],
    min_group: int,
    last: RoomResults | None,
) -> RoomResults | None:
    """The figures that may be published now, given the ``last`` published results.

    Per figure (:func:`figure_may_change`): a scale or the needs block is computed anew
    when enough new couples answered it, else its last published value is kept (and
    named in ``held_scales`` / ``needs_held`` when its count moved); a figure never
    published stays hidden until ``k`` couples answered it. None while fewer than ``k``
    couples shared and nothing was published before. Only counts decide, never values.
    """
    k = effective_min_group(min_group)
    keys = tuple(dict.fromkeys(scale_keys))
    if last is not None:  # a scale published before stays even if the keys changed
        keys = (*keys, *(s.key for s in last.scales if s.key not in keys))
    if len(shares) < k and last is None:
        for share in shares:
            if not isinstance(share, CoupleShare):
                raise TypeError("room_results takes CoupleShare values only")
        return None
    tally = _tally(shares, keys)

    scales: list[ScaleResult] = []
    hidden: list[str] = []
    held: list[str] = []
    for key in keys:
        fresh = tally.scales.get(key)
        n = fresh.couples if fresh is not None else 0
        before = last.scale(key) if last is not None else None
        if figure_may_change(n, before.couples if before else None, k):
            assert fresh is not None
            scales.append(fresh)
        elif before is not None:
            scales.append(before)
            if n != before.couples:
                held.append(key)
        else:
            hidden.append(key)

    needs: tuple[NeedCount, ...] = ()
    needs_couples = 0
    needs_held = False
    last_needs = last.needs_couples if last is not None and last.needs else None
    if figure_may_change(tally.needs_couples, last_needs, k):
        needs, needs_couples = tally.needs, tally.needs_couples
    elif last is not None and last_needs is not None:
        needs, needs_couples = last.needs, last.needs_couples
        needs_held = tally.needs_couples != last_needs
    return RoomResults(
        couples=len(shares),
        min_group=k,
        scales=tuple(scales),
        hidden_scales=tuple(hidden),
        needs=needs,
        needs_couples=needs_couples,
        held_scales=tuple(held),
        needs_held=needs_held,
    )
