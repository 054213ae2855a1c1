"""Dialogue actions that combine the state machine with the store (pure: no Streamlit).

The page asks this module what to show and sends it the button the couple pressed;
every change is committed to the store before the call returns, so the next rerun
(or a reload, or a second tab) draws exactly the same screen.

What lives where:

- the dialogue's path, roles and timers: ``DialogueState`` (``studio.dialogue``), stored
  as JSON in ``dialogues.state``;
- everything around it: ``dialogues.extra`` — the notes switch, the safety-map topics
  it used, and the after-step (who has sealed a rating, whether both were revealed);
- ratings: ``dialogue_ratings``, one row per partner, read one partner at a time, and
  both together only once the couple chose to look at them.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from studio import dialogue as machine
from studio.dialogue import DialogueSpec, DialogueState, InvalidMove, StateError
from studio.store import Couple, Store
from studio.text import shorten

EXERCISE_ID = "imago_dialogue"
PARTNERS = ("a", "b")
NOTE_MAX = 120
TOPIC_CHOICES_MAX = 8

Screen = Literal["start", "dialogue", "after"]

__all__ = [
    "CHECKS",
    "EXERCISE_ID",
    "AfterView",
    "Check",
    "DialogueInputError",
    "InProgress",
    "InvalidMove",
    "Running",
    "Stale",
    "StateError",
    "TopicChoice",
    "add_note",
    "after_view",
    "another_turn",
    "apply",
    "arrange",
    "care",
    "find_spec",
    "finish",
    "latest",
    "notes",
    "on_break",
    "reveal",
    "screen",
    "seal_rating",
    "set_notes",
    "skip_rating",
    "start",
    "start_on_topic",
    "topic_choices",
]


class DialogueInputError(ValueError):
    """Something the couple typed or chose that we can't use. ``str()`` is a sentence."""


class Stale(RuntimeError):
    """The dialogue moved on since this screen was drawn (another tab, a double click)."""


class InProgress(ValueError):
    """A talk is already under way, so a new one can't start. ``str()`` is a kind sentence;
    ``run`` is the dialogue under way."""

    def __init__(self, run: Running):
        super().__init__(
            "You're in the middle of a talk already. You can finish it, or stop it, "
            "and then start this one."
        )
        self.run = run


# ----------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Running:
    """One stored dialogue: its id, its state, and the extra data around it."""

    id: int
    couple_id: int
    state: DialogueState
    extra: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def step_no(self) -> int:
        """How many events this dialogue has seen: a guard against stale clicks."""
        return len(self.state.history)

    @property
    def notes_on(self) -> bool:
        return bool(self.extra.get("notes", False))

    @property
    def after(self) -> dict[str, Any]:
        raw = self.extra.get("after")
        return raw if isinstance(raw, dict) else {}

    @property
    def sealed(self) -> tuple[str, ...]:
        got = self.after.get("sealed", [])
        return tuple(p for p in PARTNERS if isinstance(got, list) and p in got)


def _wording(path: str, wording: str | None) -> str | None:
    """What a state keeps of the file's variant: nothing when it is the path's own."""
    return wording if wording and wording != path else None


def find_spec(catalog: Any) -> DialogueSpec | None:
    """The dialogue content from a ``studio.exercises.Catalog``: ours first, else any."""
    item = catalog.get(EXERCISE_ID)
    if isinstance(item, DialogueSpec):
        return item
    others = [m for m in catalog.of_kind("dialogue") if isinstance(m, DialogueSpec)]
    return others[0] if others else None


def _running(row: Mapping[str, Any]) -> Running:
    state = DialogueState.from_dict(row["state"])
    extra = row.get("extra")
    return Running(
        id=int(row["id"]),
        couple_id=int(row["couple_id"]),
        state=state,
        extra=dict(extra) if isinstance(extra, dict) else {},
    )


def latest(store: Store, couple: Couple) -> Running | None:
    """The couple's newest dialogue, or None. Raises ``StateError`` if it can't be read."""
    rows = store.dialogues_of(couple.id, newest=1)
    return _running(rows[0]) if rows else None


def _by_id(store: Store, couple_id: int, dialogue_id: int) -> Running:
    rows = store.dialogues_of(couple_id, dialogue_id=dialogue_id)
    if rows:
        return _running(rows[0])
    raise Stale("That dialogue is no longer here.")


def screen(run: Running | None) -> Screen:
    """Which screen the page draws for the newest dialogue."""
    if run is None or run.state.phase == "topic":
        return "start"
    if run.state.phase != "done":
        return "dialogue"
    if run.state.abandoned or run.after.get("finished"):
        return "start"
    return "after"


# ------------------------------------------------------------------------ topics


@dataclass(frozen=True)
class TopicChoice:
    id: int
    text: str


def topic_choices(store: Store, couple: Couple) -> list[TopicChoice]:
    """Open topics carried over from the safety map, newest first (a few at most)."""
    out = [
        TopicChoice(t.id, t.text)
        for t in store.open_topics(couple.id)
        if t.source in ("safety_map", "checkin") and t.text.strip()
    ]
    return out[:TOPIC_CHOICES_MAX]


def _resolve_topic(
    store: Store, couple: Couple, variant: str, text: str | None, topic_id: int | None
) -> tuple[str, str, int | None]:
    """(topic, source, safety-map topic id to mark used) from what the couple chose."""
    if topic_id is not None and variant != "appreciation":
        for choice in topic_choices(store, couple):
            if choice.id == topic_id:
                return shorten(choice.text.strip(), machine.TOPIC_MAX), "safety_map", choice.id
        raise DialogueInputError(
            "That topic has already been talked about. Pick another one, or put it in "
            "your own words."
        )
    text = text.strip() if isinstance(text, str) else ""
    if variant == "appreciation":
        return text, "appreciation", None
    if not text:
        raise DialogueInputError("Please write a few words about what you'd like to talk about.")
    return text, "own", None


def _fresh(store: Store, run: Running) -> Running:
    """The same dialogue as stored right now (a screen's copy may be a step behind)."""
    return _by_id(store, run.couple_id, run.id)


def _update_extra(store: Store, run: Running, **changes: Any) -> Running:
    run = _fresh(store, run)
    extra = {**run.extra, **changes}
    store.save_dialogue(run.id, extra=extra)
    return replace(run, extra=extra)


def _mark_used(store: Store, run: Running, topic_id: int | None) -> Running:
    if topic_id is None:
        return run
    store.use_topic(topic_id)
    return _update_extra(store, run, topic_ids=[*run.extra.get("topic_ids", []), topic_id])


# ------------------------------------------------------------------ the dialogue


def start(
    store: Store,
    couple: Couple,
    *,
    variant: str,
    first_sender: str,
    now: float,
    topic: str | None = None,
    topic_id: int | None = None,
    notes: bool = False,
    source: str | None = None,
    wording: str | None = None,
) -> Running:
    """Create a dialogue with its topic chosen; it waits at "Is now a good time?".

    ``variant`` is the machine's path; ``wording`` the file's variant on that path when
    it isn't the one named after it (a repair dialogue). ``source`` says where a typed
    ``topic`` came from (default: the couple's own words).
    """
    if variant not in machine.VARIANTS:
        raise DialogueInputError("Please pick one of the three kinds of talk.")
    if first_sender not in PARTNERS:
        raise DialogueInputError("Please pick who shares first.")
    text, picked, used = _resolve_topic(store, couple, variant, topic, topic_id)
    if source is not None and picked == "own":
        picked = source
    try:
        state = machine.advance(
            machine.new_dialogue(variant, now, first_sender),
            "start",
            now,
            topic=text,
            source=picked,
        )
        state = replace(state, wording=_wording(variant, wording))
    except InvalidMove as exc:
        raise DialogueInputError(str(exc)) from None
    extra: dict[str, Any] = {
        "exercise": EXERCISE_ID,
        "notes": bool(notes),
        "topic_ids": [],
        "after": {"sealed": [], "revealed": False},
    }
    dialogue_id = store.create_dialogue(couple.id, state.to_dict(), extra)
    return _mark_used(store, Running(dialogue_id, couple.id, state, extra), used)


def start_on_topic(store: Store, couple: Couple, topic: str, now: float | None = None) -> Running:
    """Open a talk on ``topic`` (e.g. a conversation starter from the safety map's
    reveal) at "Is now a good time?", and return it.

    A new dialogue is the standard kind, partner a shares first; both can be changed
    at that step (:func:`arrange`). When the newest dialogue hasn't begun yet (round 1,
    at "Is now a good time?" or put off until later) it takes the new topic instead of
    a second one being started. When one is further along and not finished,
    :class:`InProgress` is raised and nothing changes. The topic is trimmed and, if
    needed, shortened to fit.
    """
    now = time.time() if now is None else now
    text = shorten(topic.strip(), machine.TOPIC_MAX) if isinstance(topic, str) else ""
    if not text:
        raise DialogueInputError("Please write a few words about what you'd like to talk about.")
    try:
        run = latest(store, couple)
    except StateError:
        run = None  # unreadable: set aside, as the page does, and start afresh
    if run is not None and run.state.phase != "done":
        if run.state.round != 1 or run.state.phase not in ("appointment", "postponed"):
            raise InProgress(run)
        return _retopic(store, run, text, now)
    return start(
        store,
        couple,
        variant="standard",
        first_sender="a",
        now=now,
        topic=text,
        source="safety_map",
    )


def _retopic(store: Store, run: Running, topic: str, now: float) -> Running:
    state = run.state
    if state.phase == "postponed":  # nothing was said: this talk is wanted now
        state = machine.advance(state, "come_back", now)
    variant = "standard" if state.variant == "appreciation" else state.variant
    try:
        state = machine.advance(
            state, "arrange", now, variant=variant, topic=topic, source="safety_map"
        )
    except InvalidMove as exc:
        raise DialogueInputError(str(exc)) from None
    _save_if(store, run, state)
    return replace(run, state=state)


def _save_if(store: Store, run: Running, state: DialogueState) -> None:
    """Write ``state`` only if the stored dialogue is still where ``run`` read it: the
    check and the write are one transaction (two tabs can't both move it)."""
    if not store.save_dialogue_if(run.id, steps=run.step_no, state=state.to_dict()):
        raise Stale("This screen was a step behind.")


def arrange(
    store: Store,
    couple: Couple,
    dialogue_id: int,
    now: float,
    *,
    variant: str | None = None,
    first_sender: str | None = None,
    expect_step: int | None = None,
    wording: str | None = None,
) -> Running:
    """Change the kind of talk or who shares first, at "Is now a good time?" in round 1
    only (before anything has been said). The topic stays. Nothing is recorded when
    nothing changes.

    Raises :class:`Stale` when the screen was a step behind, :class:`DialogueInputError`
    (a sentence for the couple) when the change can't be made now or isn't one we know.
    """
    run = _by_id(store, couple.id, dialogue_id)
    if expect_step is not None and run.step_no != expect_step:
        raise Stale("This screen was a step behind.")
    words = _wording(variant or run.state.variant, wording) if variant else run.state.wording
    if (
        variant in (None, run.state.variant)
        and first_sender in (None, run.state.sender)
        and words == run.state.wording
    ):
        return run
    try:
        state = machine.advance(
            run.state, "arrange", now, variant=variant, first_sender=first_sender
        )
    except InvalidMove as exc:
        raise DialogueInputError(str(exc)) from None
    state = replace(state, wording=words)
    store.save_dialogue(run.id, state=state.to_dict())
    return replace(run, state=state)


def apply(
    store: Store,
    couple: Couple,
    dialogue_id: int,
    event: str,
    now: float,
    *,
    expect_step: int | None = None,
    topic: str | None = None,
    topic_id: int | None = None,
    when: str | None = None,
    count: int | None = None,
    choice: int | None = None,
) -> Running:
    """Apply one button press to the stored dialogue and commit it.

    ``expect_step`` is the ``step_no`` the screen was drawn with: when the stored
    dialogue has moved on since (a double click, a second tab), nothing changes and
    :class:`Stale` is raised. :class:`InvalidMove` and :class:`DialogueInputError`
    carry a sentence for the couple.
    """
    run = _by_id(store, couple.id, dialogue_id)
    if expect_step is not None and run.step_no != expect_step:
        raise Stale("This screen was a step behind.")
    kwargs: dict[str, Any] = {"when": when, "count": count, "choice": choice}
    used = None
    if event == "switch_new":
        text, source, used = _resolve_topic(store, couple, run.state.variant, topic, topic_id)
        kwargs.update(topic=text, source=source)
    state = machine.advance(run.state, event, now, **kwargs)
    _save_if(store, run, state)
    return _mark_used(store, replace(run, state=state), used)


def on_break(store: Store, couple: Couple, event: str, now: float) -> None:
    """Pause or resume the couple's running dialogue, if there is one.

    Called by ``studio.services.pause``/``resume`` (the sidebar's break). A pause
    freezes the step timer and the equal-time count; resuming shifts the step's start
    time by the length of the break, so the timer shows what it showed before.
    Never raises: a break must always work, whatever state the dialogue is in.
    """
    if event not in ("pause", "resume_from_pause"):
        return
    try:
        run = latest(store, couple)
    except StateError:
        return
    if run is None or run.state.phase == "done":
        return
    if (event == "pause") == run.state.paused:
        return  # already paused / nothing to resume
    try:
        state = machine.advance(run.state, event, now)
    except (InvalidMove, ValueError):
        return
    store.save_dialogue(run.id, state=state.to_dict())


# ------------------------------------------------------------------------- notes


def set_notes(store: Store, run: Running, on: bool) -> Running:
    """Switch the key-word notes on or off for this dialogue (off by default)."""
    return _update_extra(store, run, notes=bool(on))


def add_note(store: Store, run: Running, partner: str, text: str) -> None:
    """Keep a few key words of one partner for the current step."""
    if partner not in PARTNERS:
        raise DialogueInputError("We don't know who wrote that.")
    text = " ".join((text or "").split())
    if not text:
        raise DialogueInputError("There's nothing to keep yet — type a few words first.")
    if len(text) > NOTE_MAX:
        raise DialogueInputError(f"Just a few key words, please — {NOTE_MAX} characters at most.")
    run = _fresh(store, run)
    step = machine.PHASE_STEP.get(run.state.phase, run.state.phase)
    store.add_note(run.id, partner, step, text)


def notes(store: Store, run: Running) -> list[dict[str, str]]:
    """The notes of this dialogue, oldest first: partner, step, text."""
    return [{"partner": n.partner, "step": n.step, "text": n.text} for n in store.notes_of(run.id)]


# ------------------------------------------------------------- words for checks


@dataclass(frozen=True)
class Check:
    """A quick yes/no moment inside a step: the receiver asks, the sender answers."""

    question: str
    receiver_task: str
    sender_task: str


CHECKS: dict[str, Check] = {
    "check_mirror": Check(
        "Did I get it?",
        "Ask: “Did I get it?” Then listen to the answer.",
        "Say whether it came across. “Not quite” is fine — they'll simply try again.",
    ),
    "more": Check(
        "Is there more?",
        "Ask: “Is there more?” Give it a moment.",
        "If there's more, say so and go on. If that's all for now, that's fine too.",
    ),
    "check_summary": Check(
        "Did I get all of it?",
        "Ask: “Did I get all of it?”",
        "Say whether the summary holds all of it, or what is missing.",
    ),
    "check_empathy": Check(
        "Is that how it feels?",
        "Ask: “Is that how it feels?”",
        "Say whether the guess fits, or name the feeling in your own words.",
    ),
}

#: Events drawn as a secondary (but just as large) button; every other flow event is primary.
SECONDARY = frozenset({"not_now", "not_quite", "more_yes", "switch_new"})
#: Events the page draws apart from the main row of buttons.
APART = frozenset({"pause", "abandon", "resume_from_pause"})


def talkers(state: DialogueState, step_who: str | None) -> tuple[str, ...]:
    """Whose turn it is to speak right now (the partners to highlight)."""
    sender, receiver = machine.roles(state)
    if state.phase in CHECKS:
        return (sender,)
    if state.phase in ("appointment", "postponed"):
        return (sender,)
    if step_who == "sender":
        return (sender,)
    if step_who == "receiver":
        return (receiver,)
    if step_who == "both":
        return (sender, receiver)
    return ()


def step_path(spec: DialogueSpec, state: DialogueState) -> list[tuple[str, str]]:
    """The steps of this variant as (title, "done" | "now" | "later")."""
    keys = machine.VARIANT_STEPS[state.variant]
    variant = spec.variant_of(state)
    current = machine.PHASE_STEP.get(state.phase)
    before = state.phase in ("topic", "appointment", "postponed")
    after = state.phase in ("switch", "done")
    index = keys.index(current) if current in keys else (-1 if before else len(keys))
    out = []
    for i, key in enumerate(keys):
        step = variant.step(key)
        title = step.title if step else key
        if after or i < index:
            out.append((title, "done"))
        elif i == index:
            out.append((title, "now"))
        else:
            out.append((title, "later"))
    return out


# ------------------------------------------------------------------ after-step


@dataclass(frozen=True)
class AfterView:
    """Where the ratings stand. ``ratings`` is filled only once both are revealed.

    stage "rate": ``partner`` rates now (alone, behind the curtain);
    stage "ready": both have sealed, nobody has seen anything yet;
    stage "revealed": ``ratings`` holds both partners' answers.
    """

    stage: Literal["rate", "ready", "revealed"]
    partner: str | None = None
    sealed: tuple[str, ...] = ()
    ratings: dict[str, dict[str, Any]] = field(default_factory=dict, hash=False)


def after_view(store: Store, run: Running) -> AfterView:
    """The after-step for a finished dialogue.

    Nothing of a partner's rating is read until both sealed and the couple chose to
    look together: while one partner rates, the other's rating is not even fetched.
    """
    sealed = run.sealed
    for p in PARTNERS:
        if p not in sealed:
            return AfterView("rate", partner=p, sealed=sealed)
    if not run.after.get("revealed"):
        return AfterView("ready", sealed=sealed)
    ratings = {p: (store.rating_of(run.id, p) or {}) for p in PARTNERS}
    return AfterView("revealed", sealed=sealed, ratings=ratings)


def _question(spec: DialogueSpec, key: str) -> machine.AfterQuestion | None:
    return next((q for q in spec.after_questions if q.key == key), None)


def _scale(spec: DialogueSpec, key: str, value: Any) -> int:
    q = _question(spec, key)
    low, high = (q.low, q.high) if q else (0, 10)
    text = q.text if q else key
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DialogueInputError(f"“{text}”: please choose a number from {low} to {high}.")
    return value


def _check_turn(store: Store, run: Running, partner: str) -> Running:
    run = _fresh(store, run)
    if run.state.phase != "done" or run.state.abandoned:
        raise DialogueInputError("The ratings come at the end of the dialogue.")
    view_turn = next((p for p in PARTNERS if p not in run.sealed), None)
    if partner != view_turn:
        raise Stale("It isn't this partner's turn to rate.")
    return run


def _seal(store: Store, run: Running, partner: str, fields: dict[str, Any]) -> Running:
    store.save_rating(run.id, partner, **fields, sealed=True)
    sealed = [p for p in PARTNERS if p in run.sealed or p == partner]
    return _update_extra(store, run, after={**run.after, "sealed": sealed})


def seal_rating(
    store: Store,
    spec: DialogueSpec,
    run: Running,
    partner: str,
    *,
    heard: Any,
    safe: Any,
    word: str | None = None,
) -> Running:
    """Store one partner's private rating, sealed, and pass the turn on."""
    run = _check_turn(store, run, partner)
    heard = _scale(spec, "heard", heard)
    safe = _scale(spec, "safe", safe)
    word_q = _question(spec, "word")
    limit = word_q.max_length if word_q else 40
    word = " ".join((word or "").split())
    if len(word) > limit:
        raise DialogueInputError(f"Just one word or a few — {limit} characters at most.")
    return _seal(store, run, partner, {"heard": heard, "safe": safe, "word": word or None})


def skip_rating(store: Store, run: Running, partner: str) -> Running:
    """ "I'd rather not say": sealed, with nothing in it."""
    run = _check_turn(store, run, partner)
    return _seal(store, run, partner, {"heard": None, "safe": None, "word": None})


def reveal(store: Store, run: Running) -> Running:
    """Both have sealed and both are here: show the two ratings together."""
    run = _fresh(store, run)
    if set(run.sealed) != set(PARTNERS):
        raise Stale("Both of you need to answer first.")
    return _update_extra(store, run, after={**run.after, "revealed": True})


def finish(store: Store, run: Running) -> Running:
    """Leave the results behind and go back to the start screen."""
    run = _fresh(store, run)
    return _update_extra(store, run, after={**run.after, "finished": True})


def care(spec: DialogueSpec, view: AfterView) -> dict[str, tuple[str, ...]]:
    """Once both ratings are shown: partner -> the questions ("heard", "safe") they rated
    low (below the middle of the scale, see ``studio.dialogue.is_low``). Only those
    partners; empty before the reveal."""
    if view.stage != "revealed":
        return {}
    return machine.needs_care(spec, view.ratings)


def another_turn(
    store: Store, couple: Couple, run: Running, partner: str, now: float | None = None
) -> Running:
    """After the ratings: another turn for ``partner`` as the one who shares, on the same
    topic and kind of talk. The finished dialogue is left behind; the new one waits at
    "Is now a good time?" (so the other can still say "not now")."""
    now = time.time() if now is None else now
    if partner not in PARTNERS:
        raise DialogueInputError("We don't know who would like another turn.")
    if run.couple_id != couple.id:
        raise Stale("That dialogue is no longer here.")
    run = _fresh(store, run)
    if (
        run.state.phase != "done"
        or run.state.abandoned
        or not run.after.get("revealed")
        or run.after.get("finished")
    ):
        raise Stale("This dialogue has already moved on.")
    finish(store, run)
    state = run.state
    try:
        new = machine.advance(
            machine.new_dialogue(state.variant, now, partner),
            "start",
            now,
            topic=state.topic,
            source=state.topic_source,
        )
        new = replace(new, wording=state.wording)  # the same kind of talk, again
    except InvalidMove as exc:  # pragma: no cover - the old dialogue's topic was valid
        raise DialogueInputError(str(exc)) from None
    extra: dict[str, Any] = {
        "exercise": EXERCISE_ID,
        "notes": run.notes_on,
        "topic_ids": [],
        "after": {"sealed": [], "revealed": False},
        "follows": run.id,
    }
    dialogue_id = store.create_dialogue(couple.id, new.to_dict(), extra)
    return Running(dialogue_id, couple.id, new, extra)
