"""Workshop rooms with the store: create and run a room, join it, follow it, share, release.

Pure (no Streamlit): pages call these and show what comes back. The rules themselves
(codes, attempt limits, timers, the minimum group, batched releases) live in
:mod:`studio.room`; everything a room is lives in the store, so two server processes
sharing one database behave the same.

Who may do what:

* **the facilitator** is whoever holds the room's secret (the ``?room=`` link). The
  store keeps only its SHA-256, so a copy of the data file cannot run a room. Every
  facilitator action takes the secret and raises :class:`NotFacilitator` without it;
* **a couple** joins with the short code on the big screen. The code lets them into the
  room only: what they see is the room's phase and timer, never another couple's data.
  Wrong codes are counted per couple (a hash of the couple's token, never the token),
  per client address or session the page names, and for the whole server, and checked
  with :func:`studio.room.check_join` (never per room or prefix: a right code is not
  refused for other people's wrong ones);
* **the projector** gets counts and released aggregates only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from studio import room as core
from studio.exercises import Catalog
from studio.room import CoupleShare, RoomResults, RoomScript
from studio.store import Couple, Store

if TYPE_CHECKING:
    from studio.cards import DeckSpec

ENV_RETENTION = "STUDIO_ROOM_RETENTION_HOURS"
DEFAULT_RETENTION_HOURS = 24.0
MAX_TIMER_MINUTES = 240

# Wrong codes are limited per couple (5 a minute), per address or session the page
# names (10 a minute) and for the whole server (60 a minute): see core.GuessPolicy.
# Nothing is limited per room or per code prefix any more (the prefix is on the big
# screen: a limit on it let anyone lock a room's couples out).
GUESS_POLICY = core.GuessPolicy()
JOIN_POLICY = GUESS_POLICY.couple
PREFIX_LENGTH = 3
SERVER_KEY = "server"
_ATTEMPT_MEMORY = GUESS_POLICY.memory
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{20,128}$")


# ------------------------------------------------------------------------------ errors


class RoomError(Exception):
    """Something a person can fix or wait out. ``str()`` is a sentence for them."""


class NotFacilitator(RoomError):
    """The link used does not hold this room's secret."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message
            or "Only the facilitator's own link can run this room, and this one doesn't "
            "match. Open the link you kept when you created the room, or start a new room."
        )


class RoomClosed(RoomError):
    def __init__(self) -> None:
        super().__init__("This room is closed, so nothing more can change in it.")


class NotInRoom(RoomError):
    def __init__(self) -> None:
        super().__init__(
            "You're not in an open workshop right now, so there's nothing to share with."
        )


class JoinRefused(RoomError):
    """A join that did not work: ``reason`` is malformed, unknown, blocked or closed."""

    def __init__(self, reason: str, message: str, retry_after: float = 0.0):
        super().__init__(message)
        self.reason = reason
        self.retry_after = retry_after


def wait_words(seconds: float) -> str:
    whole = max(1, int(-(-seconds // 1)))
    return f"{whole} second{'s' if whole != 1 else ''}"


# ------------------------------------------------------------------------------ values


@dataclass(frozen=True)
class RoomState:
    """A room as everyone may know it (no secret in here)."""

    id: int
    code: str
    script_id: str
    phase: str
    phase_started_at: float
    timer_started_at: float | None
    timer_seconds: float | None
    min_group: int
    results: RoomResults | None
    results_released_at: float | None
    created_at: float
    closed_at: float | None
    card_exercise: str | None = None  # the deck a facilitator dealt from, if any
    card: str | None = None  # the card on the room's table (a content key, never words)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def timer_set(self) -> bool:
        return self.timer_started_at is not None and self.timer_seconds is not None

    def timer_left(self, now: float) -> float | None:
        """Seconds left on the room timer; None when no timer is set."""
        if not self.timer_set:
            return None
        return core.timer_remaining(self.timer_started_at, self.timer_seconds or 0.0, now)


@dataclass(frozen=True)
class NewRoom:
    room: RoomState
    secret: str  # shown once, in the facilitator's link; the store keeps only its hash


@dataclass(frozen=True)
class Membership:
    room: RoomState
    joined_at: float
    done_phases: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class RoomCounts:
    joined: int
    done: Mapping[str, int]
    shared: int

    def done_with(self, phase: str) -> int:
        return int(self.done.get(phase, 0))


@dataclass(frozen=True)
class Release:
    """What "show results" led to: the results on screen (new or the last ones)."""

    results: RoomResults | None
    released_now: bool
    shared: int
    min_group: int
    needed: int  # more couples who must share before a (new) release
    # Per scale not up to date (shown at its last value, or hidden): how many more
    # couples must answer it before it may change; the same for the needs block.
    waiting: Mapping[str, int] = field(default_factory=dict)
    needs_waiting: int = 0


def _state(row: Mapping[str, Any] | None) -> RoomState | None:
    if row is None:
        return None
    results = None
    if row.get("results"):
        try:
            results = RoomResults.from_dict(json.loads(row["results"]))
        except ValueError:
            results = None
    return RoomState(
        id=int(row["id"]),
        code=row["code"],
        script_id=row["script_id"],
        phase=row["phase"],
        phase_started_at=float(row["phase_started_at"]),
        timer_started_at=row["timer_started_at"],
        timer_seconds=row["timer_seconds"],
        min_group=int(row["min_group"]),
        results=results,
        results_released_at=row["results_released_at"],
        created_at=float(row["created_at"]),
        closed_at=row["closed_at"],
        card_exercise=row.get("card_exercise"),
        card=_card_of(row.get("card_state")),
    )


def _card_of(raw: Any) -> str | None:
    if not raw:
        return None
    from studio.cards import DeckState

    try:
        return DeckState.from_dict(json.loads(raw)).card
    except ValueError:
        return None


# ----------------------------------------------------------------------------- helpers


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def client_key(couple: Couple) -> str:
    """The join-attempt key of a couple: a hash of their token (the token never leaves)."""
    return "couple:" + hashlib.sha256(couple.token.encode("utf-8")).hexdigest()[:40]


def prefix_key(code: str) -> str:
    """Kept for old callers; nothing is limited per prefix any more."""
    return "prefix:" + code.replace("-", "")[:PREFIX_LENGTH]


def network_key(client: str | None) -> str | None:
    """The join-attempt key of a client the page can name (its network address or
    browser session id), hashed; an IPv6 address counts by its /64 (one household's
    or phone's block), so a guesser cannot take a new address per guess. None for none."""
    if not isinstance(client, str) or not client.strip():
        return None
    text = client.strip().lower()
    if ":" in text and "." not in text:  # IPv6: the first four groups
        import ipaddress

        with contextlib.suppress(ValueError):
            text = str(ipaddress.IPv6Network(f"{text}/64", strict=False).network_address)
    return "net:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def room_scripts(catalog: Catalog) -> list[RoomScript]:
    return [s for s in catalog.of_kind("room_script") if isinstance(s, RoomScript)]


def script_for(catalog: Catalog, script_id: str) -> RoomScript | None:
    item = catalog.get(script_id)
    return item if isinstance(item, RoomScript) else None


def retention_hours(script: RoomScript | None) -> float:
    """How long a room's data is kept: ``STUDIO_ROOM_RETENTION_HOURS`` when set to a
    positive number, else the script's ``retention_hours``, else 24."""
    raw = os.environ.get(ENV_RETENTION, "").strip()
    if raw:
        try:
            hours = float(raw)
        except ValueError:
            hours = 0.0
        if 0 < hours < 100_000:
            return hours
    return float(script.retention_hours) if script is not None else DEFAULT_RETENTION_HOURS


def deleted_at(state: RoomState, script: RoomScript | None) -> float:
    """When the room's data will be deleted (if it stays as it is)."""
    start = state.closed_at if state.closed_at is not None else state.created_at
    return start + retention_hours(script) * 3600.0


def scale_labels(catalog: Catalog) -> dict[str, str]:
    """Scale key -> topic, from the safety-map files (content, never user text)."""
    out: dict[str, str] = {}
    for spec in catalog.of_kind("safety_map"):
        for scale in getattr(spec, "scales", ()):
            out.setdefault(scale.key, scale.topic)
    return out


def need_labels(catalog: Catalog) -> dict[str, str]:
    out: dict[str, str] = {}
    for spec in catalog.of_kind("safety_map"):
        for need in getattr(spec, "needs", ()):
            out.setdefault(need.key, need.label)
    return out


# -------------------------------------------------------------------------- facilitator


def create_room(
    store: Store, script: RoomScript, *, min_group: int | None = None, now: float | None = None
) -> NewRoom:
    """A new open room on the script's first phase, with a fresh code and secret."""
    now = time.time() if now is None else now
    group = core.effective_min_group(script.min_group if min_group is None else min_group)
    for _ in range(20):  # 148 million codes: a clash is rare, two in a row rarer still
        secret = core.new_secret()
        room_id = store.create_room(
            code=core.new_join_code(),
            secret_hash=secret_hash(secret),
            script_id=script.id,
            phase=script.phases[0].key,
            min_group=group,
            now=now,
        )
        if room_id is not None:
            state = _state(store.room(room_id))
            assert state is not None
            return NewRoom(state, secret)
    raise RoomError("We couldn't find a free room code just now. Please try once more.")


def facilitator_room(store: Store, secret: str | None) -> RoomState | None:
    """The room this secret runs, or None (no secret, a wrong one, or a deleted room)."""
    if not isinstance(secret, str) or not _SECRET_RE.match(secret):
        return None
    # Looked up by hash: the time it takes says nothing about the secret itself.
    return _state(store.room_by_secret_hash(secret_hash(secret)))


def require_facilitator(store: Store, secret: str | None, *, open_only: bool = True) -> RoomState:
    state = facilitator_room(store, secret)
    if state is None:
        raise NotFacilitator()
    if open_only and not state.is_open:
        raise RoomClosed()
    return state


def _refresh(store: Store, state: RoomState) -> RoomState:
    _ROOMS.forget((store.url, state.id))  # followers in this process see it at once
    fresh = _state(store.room(state.id))
    if fresh is None:
        raise NotFacilitator("This room has been deleted.")
    return fresh


def move_phase(
    store: Store, secret: str | None, script: RoomScript, step: int, now: float | None = None
) -> RoomState:
    """Go ``step`` phases on (1) or back (-1); stays put at either end."""
    state = require_facilitator(store, secret)
    now = time.time() if now is None else now
    try:
        key = state.phase
        target = core.next_phase(script, key) if step > 0 else core.previous_phase(script, key)
    except KeyError:  # the script changed under a running room: start again at its top
        target = script.phases[0].key
    if (
        target is not None
        and target != state.phase
        and not store.set_room_phase(state.id, target, now)
    ):
        raise RoomClosed()
    store.set_room_show_results(state.id, False, now)  # a new part: its script
    return _refresh(store, state)


def deck_for(catalog: Catalog, phase: core.Phase | None) -> DeckSpec | None:
    """The deck a "cards" phase deals from: the one it names, else the first installed."""
    from studio import registry
    from studio.cards import DeckSpec

    if phase is None or phase.couple_view != "cards":
        return None
    found = registry.used(catalog, "cards")
    for spec in found:
        if phase.exercise in (None, spec.id) and isinstance(spec, DeckSpec):
            return spec
    return None


def room_card(catalog: Catalog, state: RoomState) -> tuple[str, str, str] | None:
    """The card on the room's table as (category title, text, follow-up): content only."""
    if state.card is None or state.card_exercise is None:
        return None
    from studio.cards import DeckSpec

    spec = catalog.get(state.card_exercise, "cards")
    if not isinstance(spec, DeckSpec):
        return None
    card = spec.card(state.card)
    if card is None:
        return None
    cat = spec.category(card.category)
    return (cat.title if cat is not None else "", card.text, card.follow_up)


def deal_to_room(
    store: Store, secret: str | None, spec: DeckSpec, now: float | None = None
) -> RoomState:
    """Deal the next card of ``spec`` to the whole room: the big screen and every
    couple's screen show it. No card comes round twice until the deck is through."""
    from studio import cards

    state = require_facilitator(store, secret)
    now = time.time() if now is None else now
    found = store.room_card_state(state.id)
    deck = cards.DeckState(seed=secrets.randbelow(2**31))
    if found is not None and found[0] == spec.id:
        deck = cards.DeckState.from_dict(json.loads(found[1]))
    deck = cards.deal(spec, deck)
    if not store.set_room_card_state(
        state.id, spec.id, json.dumps(deck.to_dict(), separators=(",", ":")), now
    ):
        raise RoomClosed()
    return _refresh(store, state)


def start_timer(
    store: Store, secret: str | None, minutes: float, now: float | None = None
) -> RoomState:
    state = require_facilitator(store, secret)
    try:
        minutes = float(minutes)
    except (TypeError, ValueError):
        minutes = 0.0
    if not 0 < minutes <= MAX_TIMER_MINUTES:
        raise RoomError(f"A timer can run from 1 to {MAX_TIMER_MINUTES} minutes.")
    now = time.time() if now is None else now
    store.set_room_timer(state.id, now, minutes * 60.0)
    return _refresh(store, state)


def stop_timer(store: Store, secret: str | None) -> RoomState:
    state = require_facilitator(store, secret)
    store.set_room_timer(state.id, None, None)
    return _refresh(store, state)


def _progress(row: Mapping[str, Any]) -> core.CoupleProgress:
    """One member's progress from their flow states (seals, steps, rounds: no words)."""
    from studio import dialogue, safety_flow

    sealed = revealed = False
    for raw in row.get("safety_states", ()):
        try:
            flow = safety_flow.FlowState.from_dict(json.loads(raw))
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
        sealed = sealed or (bool(flow.sealed.get("a")) and bool(flow.sealed.get("b")))
        revealed = revealed or flow.revealed_at is not None
    rounds = 0
    for raw in row.get("dialogue_states", ()):
        try:
            talk = dialogue.DialogueState.from_dict(json.loads(raw))
            rounds += sum(dialogue.turns(talk, time.time()).had.values())
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
    return core.CoupleProgress(sealed, revealed, rounds, frozenset(row.get("done_phases", ())))


def counts(store: Store, state: RoomState, script: RoomScript | None = None) -> RoomCounts:
    """Couples here, couples who shared, and per phase the couples done with it: who did
    that phase's work (from their exercise's state, :func:`studio.room.phase_done`) or
    said so. Counts only, never who."""
    raw = store.room_counts(state.id)
    if script is None:
        return RoomCounts(int(raw["joined"]), dict(raw["done"]), int(raw["shared"]))
    progress = [_progress(r) for r in store.room_member_progress(state.id)]
    return RoomCounts(len(progress), core.done_counts(script, progress), int(raw["shared"]))


# --------------------------------------------------------------------------- room screen
# The projector's own link: ``/room-screen?screen=<token>``. The token is made from the
# secret (studio.room.screen_token), the store keeps its hash, and it can only follow
# the room: no action here takes it.


def screen_token_of(store: Store, secret: str | None) -> str:
    """The room screen's token for the facilitator's room (its row is made if missing)."""
    state = require_facilitator(store, secret, open_only=False)
    token = core.screen_token(secret or "")
    store.ensure_room_screen(state.id, secret_hash(token), time.time())
    return token


def screen_room(store: Store, token: str | None) -> RoomState | None:
    """The room this screen token follows, or None."""
    if not isinstance(token, str) or not _SECRET_RE.match(token):
        return None
    return _state(store.room_by_screen_hash(secret_hash(token)))


def showing_results(store: Store, room_id: int) -> bool:
    """Does the room show its released results now? The room's state, not a tab's."""
    return store.room_shows_results(room_id)


def show_results(
    store: Store, secret: str | None, scale_keys: Iterable[str], now: float | None = None
) -> Release:
    """ "Show results": release new figures when the rules allow, and put the results
    part on every screen of the room (it says so when there is nothing to show yet)."""
    release = release_results(store, secret, scale_keys, now)
    hide_results(store, secret, on=True)
    return release


def hide_results(store: Store, secret: str | None, *, on: bool = False) -> None:
    """Back to the script on every screen of the room."""
    state = require_facilitator(store, secret)
    store.ensure_room_screen(state.id, secret_hash(core.screen_token(secret or "")), time.time())
    store.set_room_show_results(state.id, on, time.time())
    _ROOMS.forget((store.url, state.id))


def _shares(store: Store, room_id: int) -> list[CoupleShare]:
    out: list[CoupleShare] = []
    for data in store.room_share_values(room_id):
        try:
            out.append(
                CoupleShare(
                    positions_a=data.get("positions_a", {}),
                    positions_b=data.get("positions_b", {}),
                    needs_a=tuple(data.get("needs_a", ())),
                    needs_b=tuple(data.get("needs_b", ())),
                )
            )
        except (ValueError, TypeError, AttributeError):
            continue  # a share that no longer fits the rules is left out, never shown
    return out


def release_results(
    store: Store, secret: str | None, scale_keys: Iterable[str], now: float | None = None
) -> Release:
    """The facilitator pressed "show results": publish, figure by figure, what the rules
    allow (:func:`studio.room.safe_results`): a scale or the needs block changes only
    when at least the minimum group of new couples answered it since it was last
    published; otherwise it keeps its last value. ``released_now`` is True when any
    figure changed (then the new results are saved); ``waiting`` and ``needs_waiting``
    say how many more couples must answer each figure that is not up to date."""
    state = require_facilitator(store, secret)
    now = time.time() if now is None else now
    shares = _shares(store, state.id)
    group = core.effective_min_group(state.min_group)
    last = state.results
    keys = list(dict.fromkeys(scale_keys))
    if not keys:  # no safety-map file to name the scales: use the keys the couples sent
        keys = sorted({k for s in shares for k in (*s.positions_a, *s.positions_b)})
    # Per figure (core.safe_results): what was last published is the saved results, and
    # each of its figures carries the count of couples it rests on.
    results = core.safe_results(shares, keys, group, last)
    every_key = [*keys, *(s.key for s in last.scales)] if last is not None else keys
    counted, needs_now = core.answer_counts(shares, every_key)
    published = {s.key: s.couples for s in results.scales} if results is not None else {}
    before = {s.key: s.couples for s in last.scales} if last is not None else {}
    waiting = {
        key: core.figure_waiting(n, before.get(key), group)
        for key, n in counted.items()
        if published.get(key) != n or key not in published
    }
    waiting = {k: v for k, v in waiting.items() if v > 0}
    last_needs = last.needs_couples if last is not None and last.needs else None
    shown_needs = results.needs_couples if results is not None and results.needs else None
    needs_waiting = (
        core.figure_waiting(needs_now, last_needs, group) if shown_needs != needs_now else 0
    )
    changed = results is not None and (
        last is None
        or results.scales != last.scales
        or results.needs != last.needs
        or results.needs_couples != last.needs_couples
    )
    if changed:
        assert results is not None
        store.save_room_results(state.id, results.to_dict(), now)
    if last is None and results is None:
        needed = max(0, group - len(shares))
    else:
        # The figures on screen: how many more couples before the first of them may change.
        shown = results if results is not None else last
        on_screen = (
            [core.figure_waiting(counted.get(x.key, 0), x.couples, group) for x in shown.scales]
            if shown is not None
            else []
        )
        if shown is not None and shown.needs:
            on_screen.append(core.figure_waiting(needs_now, shown.needs_couples, group))
        needed = min((v for v in on_screen if v > 0), default=group)
    return Release(
        results if changed else last,
        changed,
        len(shares),
        group,
        0 if changed and not waiting and not needs_waiting else needed,
        waiting,
        needs_waiting,
    )


def close_room(store: Store, secret: str | None, now: float | None = None) -> RoomState:
    state = require_facilitator(store, secret)
    store.close_room(state.id, time.time() if now is None else now)
    return _refresh(store, state)


def purge_expired(store: Store, catalog: Catalog, now: float | None = None) -> int:
    """Delete rooms past their retention (cheap when none are due)."""
    hours = {s.id: retention_hours(s) for s in room_scripts(catalog)}
    return store.purge_expired_rooms(now, hours, default_hours=retention_hours(None))


# ------------------------------------------------------------------------------ couples


def join_room(
    store: Store,
    couple: Couple,
    typed_code: object,
    now: float | None = None,
    *,
    client: str | None = None,
) -> RoomState:
    """Let the couple into the room with this code, or raise :class:`JoinRefused`.

    ``client`` names the device the code comes from without the couple's help (the
    page passes its network address or browser session): a guesser can make a new
    couple per guess, not a new address. Limits (:data:`GUESS_POLICY`) count wrong codes
    only, per couple, per ``client`` and for the whole server; a right code is refused
    only when that same couple or client is over its own limit, or — during a flood of
    wrong codes server-wide — when the server cannot tell the client apart from a
    made-up couple (no ``client``). A couple already in the room always gets back in.
    """
    now = time.time() if now is None else now
    code = core.normalize_join_code(typed_code)
    if code is None:
        raise JoinRefused(
            "malformed",
            "A room code has six letters and numbers, like ACD-479. "
            "Check the big screen and try again.",
        )
    for row in store.rooms_of_couple(couple.id):  # back in after a reload: not a guess
        if row["code"] == code and row.get("closed_at") is None:
            state = _state(row)
            if state is not None:
                return state
    own_key, net = client_key(couple), network_key(client)
    keys = [own_key, *([net] if net else []), SERVER_KEY]
    since = now - _ATTEMPT_MEMORY

    def verdict() -> core.Verdict:
        return core.check_join(
            GUESS_POLICY,
            store.join_failures(own_key, since),
            store.join_failures(net, since) if net else None,
            store.join_failures(SERVER_KEY, now - GUESS_POLICY.server_window),
            now,
        )

    v = verdict()
    if not v.allowed:
        raise JoinRefused(
            "blocked",
            f"Too many tries — wait {wait_words(v.retry_after)}, then try again. "
            "This keeps rooms safe from guessing.",
            v.retry_after,
        )
    state = _state(store.room_by_code(code))
    if state is None:
        store.record_join_failure(keys, now, forget_before=since)
        v = verdict()
        message = "We couldn't find a workshop with that code. Check the big screen and try again."
        if not v.allowed:
            message += f" Too many tries — wait {wait_words(v.retry_after)} before the next one."
        raise JoinRefused("unknown", message, v.retry_after)
    if not state.is_open:
        raise JoinRefused("closed", "That workshop has ended. Thank you for coming.")
    store.add_room_member(state.id, couple.id, now)
    _MARKS.forget((store.url, state.id))
    return state


def memberships(store: Store, couple: Couple) -> list[Membership]:
    out = []
    for row in store.rooms_of_couple(couple.id):
        state = _state(row)
        if state is not None:
            out.append(Membership(state, float(row["joined_at"]), frozenset(row["done_phases"])))
    return out


def current_room(store: Store, couple: Couple, *, open_only: bool = True) -> Membership | None:
    """The room the couple joined last (only an open one, unless ``open_only`` is off)."""
    for m in memberships(store, couple):
        if m.room.is_open or not open_only:
            return m
    return None


def mark_done(store: Store, couple: Couple, phase: str) -> Membership:
    """We're done with this part (of the couple's current room)."""
    m = current_room(store, couple)
    if m is None:
        raise NotInRoom()
    store.mark_phase_done(m.room.id, couple.id, phase)
    _MARKS.forget((store.url, m.room.id))
    fresh = current_room(store, couple)
    assert fresh is not None
    return fresh


def leave_room(store: Store, couple: Couple) -> None:
    m = current_room(store, couple)
    if m is not None:
        store.leave_room(m.room.id, couple.id)
        _MARKS.forget((store.url, m.room.id))


# ----------------------------------------------------------------- asking for a facilitator

PLACE_MAX = 24


@dataclass(frozen=True)
class HelpCall:
    """A couple's call for a facilitator, as the presenter view shows it."""

    ref: int  # what "On my way" answers; stays on the server (a callback's argument)
    place: str  # the table number or nickname the couple typed: never their names
    asked_at: float


def clean_place(couple: Couple, raw: object) -> str:
    """The couple's table number or nickname, or a RoomError saying kindly what's wrong."""
    place = " ".join(str(raw or "").split())
    if not place:
        raise RoomError("Type your table number or a nickname, so the facilitator can find you.")
    if len(place) > PLACE_MAX:
        raise RoomError(
            f"Keep it short, please: up to {PLACE_MAX} characters, like "
            "“Table 4” or “by the window”."
        )
    words = {w.casefold() for w in re.findall(r"\w+", place)}
    names = {
        w.casefold()
        for n in (couple.name_a, couple.name_b)
        for w in re.findall(r"\w+", n or "")
        if len(w) > 1
    }
    if words & names:
        raise RoomError(
            "Please use a table number or a nickname rather than your names: "
            "the facilitator's screen may be seen by others."
        )
    return place


def ask_for_help(store: Store, couple: Couple, raw_place: object, now: float | None = None) -> str:
    """Raise the couple's private flag for a facilitator; returns the place as kept."""
    place = clean_place(couple, raw_place)
    m = current_room(store, couple)
    if m is None or not store.ask_for_help(
        m.room.id, couple.id, place, time.time() if now is None else now
    ):
        raise NotInRoom()
    _MARKS.forget((store.url, m.room.id))
    return place


def cancel_help(store: Store, couple: Couple) -> None:
    """We're fine after all: the couple takes their call back."""
    m = current_room(store, couple)
    if m is not None:
        store.clear_help(m.room.id, couple.id)
        _MARKS.forget((store.url, m.room.id))


def help_calls(store: Store, secret: str | None) -> list[HelpCall]:
    """The room's open calls for the facilitator, oldest first (the facilitator only)."""
    state = require_facilitator(store, secret)
    return [HelpCall(r["couple_id"], r["place"], r["asked_at"]) for r in store.help_calls(state.id)]


def answer_help(store: Store, secret: str | None, ref: int) -> None:
    """ "On my way": the call is cleared (on the couple's screen too)."""
    state = require_facilitator(store, secret, open_only=False)
    store.clear_help(state.id, int(ref))
    _MARKS.forget((store.url, state.id))


# ------------------------------------------------------------------------ following a room
# Every couple's screen asks "has anything changed?" every POLL seconds (the room screen
# and the presenter's preview every second). The answer is shared by every screen of
# this process: a room as read is kept for ROOM_TTL seconds, and so are all its members'
# own marks, read in one query (their own presses forget them at once). With 250 couples
# that is about four small reads a second instead of 500, and a phase change still
# reaches everyone within POLL + ROOM_TTL seconds. Another server process sees the same
# store, just as late. docs/PERFORMANCE.md, part 6, has the figures.

ROOM_TTL = 0.25


class _Memo:
    """A tiny time-limited memo (thread-safe: every session's script thread uses it).

    One load at a time per key: while one thread reads a stale entry afresh, the
    others are given the stale value rather than all asking the store at once."""

    def __init__(self, ttl: float, size: int = 4096) -> None:
        import threading

        self.ttl, self.size = ttl, size
        self._data: dict[Any, tuple[float, Any]] = {}
        self._loading: set[Any] = set()
        self._lock = threading.Lock()

    def get(self, key: Any, load) -> Any:
        now = time.monotonic()
        with self._lock:
            hit = self._data.get(key)
            if hit is not None and now - hit[0] < self.ttl:
                return hit[1]
            if hit is not None and key in self._loading:
                return hit[1]  # someone is reading it now: this one is at most a poll old
            self._loading.add(key)
        try:
            value = load()
        finally:
            with self._lock:
                self._loading.discard(key)
        with self._lock:
            if len(self._data) >= self.size:
                self._data.clear()
            self._data[key] = (now, value)
        return value

    def forget(self, key: Any) -> None:
        with self._lock:
            self._data.pop(key, None)


_ROOMS = _Memo(ROOM_TTL)
_MARKS = _Memo(ROOM_TTL)


@dataclass(frozen=True)
class Following:
    """What a couple's screen shows of their room: the room, and their own marks."""

    room: RoomState
    done_phases: frozenset[str]
    help_place: str | None


def follow(store: Store, couple_id: int, room_id: int) -> Following | None:
    """The couple's room as their screen shows it now; None when they are no longer in
    it (left, or the room was deleted). Cheap: see ROOM_TTL."""
    state = _ROOMS.get((store.url, room_id), lambda: _state(store.room(room_id)))
    if state is None:
        return None
    mine = _MARKS.get((store.url, room_id), lambda: store.room_marks(room_id)).get(couple_id)
    if mine is None:  # just joined, after the shared read began? Ask for them alone
        mine = store.member_marks(room_id, couple_id)
    if mine is None:
        return None
    done, place = mine
    return Following(state, frozenset(done), place)


def followed_room(store: Store, room_id: int) -> RoomState | None:
    """A room for a screen that follows it (the room screen, the presenter's preview)."""
    return _ROOMS.get((store.url, room_id), lambda: _state(store.room(room_id)))


def share_with_room(
    store: Store,
    couple: Couple,
    positions_a: Mapping[str, int | None],
    positions_b: Mapping[str, int | None],
    needs_a: Iterable[str] = (),
    needs_b: Iterable[str] = (),
    now: float | None = None,
) -> RoomState:
    """Share the couple's scale positions and top needs with their current room.

    Call it only after both partners agreed. Only positions (whole numbers 0–10, None
    for skipped) and need keys are accepted — :class:`studio.room.CoupleShare` has no
    place for names or words, and a string that isn't a short key is refused with
    ValueError. Sharing again replaces the earlier share. Raises :class:`NotInRoom`
    when the couple is not in an open room.
    """
    m = current_room(store, couple)
    if m is None:
        raise NotInRoom()
    share = CoupleShare(dict(positions_a), dict(positions_b), tuple(needs_a), tuple(needs_b))
    store.save_room_share(
        m.room.id,
        couple.id,
        {
            "positions_a": dict(share.positions_a),
            "positions_b": dict(share.positions_b),
            "needs_a": list(share.needs_a),
            "needs_b": list(share.needs_b),
        },
        time.time() if now is None else now,
    )
    return m.room


def has_shared(store: Store, couple: Couple) -> bool:
    m = current_room(store, couple)
    return m is not None and store.has_shared(m.room.id, couple.id)


# ------------------------------------------------------------------------------ results

_BAND_NAMES = ("Close (0–2 points)", "In between (3–5)", "Far apart (6+)")
_BAND_COLOURS = ("#1B5E8C", "#8FB8D8", "#C2571A")
_KEY = "     ".join(
    f'<span style="color:{c}">■</span> {b}' for b, c in zip(_BAND_NAMES, _BAND_COLOURS, strict=True)
)


def results_rows(results: RoomResults, labels: Mapping[str, str]) -> list[dict[str, Any]]:
    """One row per shown scale, furthest apart first: for the text table."""
    rows = []
    for s in sorted(results.scales, key=lambda s: (-s.mean_gap, labels.get(s.key, s.key))):
        rows.append(
            {
                "Scale": labels.get(s.key, s.key.replace("_", " ")),
                "Couples": s.couples,
                "Average gap": f"{s.mean_gap:.1f}",
                "Close": f"{round(s.share_close * 100)}%",
                "Far apart": f"{round(s.share_far * 100)}%",
            }
        )
    return rows


def top_needs(results: RoomResults, labels: Mapping[str, str], n: int = 5) -> list[tuple[str, int]]:
    return [(labels.get(x.key, x.key.replace("_", " ")), x.people) for x in results.needs[:n]]


def results_figure(
    results: RoomResults, labels: Mapping[str, str], *, font_size: int = 18
) -> go.Figure:
    """Stacked bars per scale: the share of couples close, in between and far apart."""
    scales = sorted(results.scales, key=lambda s: (s.mean_gap, labels.get(s.key, s.key)))
    names = [labels.get(s.key, s.key.replace("_", " ")) for s in scales]
    traces = []
    for i, (band, colour) in enumerate(zip(_BAND_NAMES, _BAND_COLOURS, strict=True)):
        values = [100.0 * s.gap_bins[i] / s.couples if s.couples else 0.0 for s in scales]
        traces.append(
            {
                "type": "bar",
                "y": names,
                "x": values,
                "name": band,
                "orientation": "h",
                "marker": {"color": colour},
                "text": [f"{round(v)}%" if v >= 8 else "" for v in values],
                "textposition": "inside",
                "insidetextanchor": "middle",
                "hovertemplate": "%{y}: %{x:.0f}% "
                + band.split(" (")[0].lower()
                + "<extra></extra>",
            }
        )
    # One constructor call: much faster than add_trace/update_layout; the same chart.
    return go.Figure(
        data=traces,
        layout={
            "barmode": "stack",
            # Room for every bar, the legend on top and the ticks below, at any font size.
            "height": round(font_size * (2.1 * len(scales) + 5)),
            "margin": {"l": 10, "r": 10, "t": round(font_size * 2.4), "b": round(font_size * 1.8)},
            "bargap": 0.18,
            "font": {"size": font_size, "color": "#000000"},
            # A one-line key as the title: Plotly wraps a horizontal legend to the width of
            # the bars alone, which takes three lines beside long scale names.
            "showlegend": False,
            "title": {
                "text": _KEY,
                "x": 0.01,
                "xref": "container",
                "xanchor": "left",
                "font": {"size": font_size},
            },
            "xaxis": {"range": [0, 100], "ticksuffix": "%", "title": None},
            "yaxis": {"title": None, "automargin": True},
            "paper_bgcolor": "#FFFFFF",
            "plot_bgcolor": "#FFFFFF",
        },
    )


def room_state(store: Store, room_id: int) -> RoomState | None:
    """A room by id, for a page that already checked the secret (polling its screen)."""
    return _state(store.room(room_id))
