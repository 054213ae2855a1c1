"""Our weekly check-in: its content model and its steps, as pure data and rules.

A check-in moves through fixed steps — appreciations, how safe the week felt
(private, sealed, seen together), one thing to talk about, an optional repair, and
the day of the next check-in. The private part reuses the safety map's seal-and-reveal
rules (:mod:`studio.safety_flow`), so both exercises keep one idea of "sealed" and
"seen together".

The step is stored; every move checks it fits (a stale tab's press raises
:class:`CheckinError` and changes nothing) and bumps ``version``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from studio import safety_flow as flow
from studio.exercises import ExerciseBase

_KEY = r"^[a-z][a-z0-9_]{1,40}$"
_CONFIG = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
ANSWER_MIN, ANSWER_MAX = 0, 4


def _text(max_length: int) -> Any:
    return Field(min_length=1, max_length=max_length)


class Appreciate(BaseModel):
    model_config = _CONFIG
    title: str = _text(80)
    intro: str = _text(400)
    stem: str = _text(120)
    max_chars: StrictInt = Field(default=400, ge=20, le=2000)


class Rate(BaseModel):
    model_config = _CONFIG
    title: str = _text(80)
    intro: str = _text(400)
    together_intro: str = _text(400)
    same_words: str = _text(200)


class Item(BaseModel):
    """One thing each partner rates privately, 0–4; higher = the week felt safer."""

    model_config = _CONFIG
    key: str = Field(pattern=_KEY)
    text: str = _text(160)
    short: str = _text(40)
    gap_word: str = _text(300)


class Talk(BaseModel):
    model_config = _CONFIG
    title: str = _text(80)
    intro: str = _text(400)
    placeholder: str = Field(default="", max_length=120)
    max_chars: StrictInt = Field(default=200, ge=20, le=300)


class Repair(BaseModel):
    model_config = _CONFIG
    title: str = _text(80)
    intro: str = _text(500)
    speaker_stems: list[str] = Field(min_length=1, max_length=8)
    listener_stems: list[str] = Field(min_length=1, max_length=8)
    keep_prompt: str = _text(160)
    max_chars: StrictInt = Field(default=300, ge=20, le=1000)


class Next(BaseModel):
    model_config = _CONFIG
    title: str = _text(80)
    intro: str = _text(400)
    default_days: StrictInt = Field(default=7, ge=1, le=60)


class CheckinSpec(ExerciseBase):
    """``exercises/weekly_checkin.toml``."""

    kind: Literal["checkin"]
    answer_labels: list[str] = Field(min_length=5, max_length=5)
    differ_min_gap: StrictInt = Field(default=2, ge=1, le=4)
    appreciate: Appreciate
    rate: Rate
    items: list[Item] = Field(min_length=1, max_length=12)
    talk: Talk
    repair: Repair
    next: Next

    @field_validator("items")
    @classmethod
    def _unique(cls, items: list[Item]) -> list[Item]:
        seen: set[str] = set()
        for it in items:
            if it.key in seen:
                raise ValueError(f"the item key '{it.key}' is used twice")
            seen.add(it.key)
        return items

    def item(self, key: str) -> Item | None:
        return next((it for it in self.items if it.key == key), None)


# -- the steps --------------------------------------------------------------------------

Step = Literal["appreciate", "rate", "talk", "repair", "next", "done"]
STEPS: tuple[str, ...] = ("appreciate", "rate", "talk", "repair", "next", "done")
STEP_TITLES: dict[str, str] = {
    "appreciate": "Thank each other",
    "rate": "How the week felt",
    "talk": "One thing to talk about",
    "repair": "Repair",
    "next": "Next time",
    "done": "Done",
}
Talked = Literal["now", "later", "not_this_week"]


class CheckinError(ValueError):
    """A move that doesn't fit the moment, with a kind message."""


@dataclass(frozen=True)
class CheckinState:
    step: str = "appreciate"
    flow: flow.FlowState = field(default_factory=flow.FlowState)  # the private ratings
    talk: str | None = None  # "now" | "later" | "not_this_week"
    topic: str | None = None
    repair: bool | None = None  # None: not asked yet; False: nothing to repair
    repair_speaker: str = "a"
    next_day: str | None = None  # ISO date of the next check-in, or None
    finished_at: float | None = None
    version: int = 0

    @property
    def revealed(self) -> bool:
        return self.flow.revealed_at is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "flow": self.flow.to_dict(),
            "talk": self.talk,
            "topic": self.topic,
            "repair": self.repair,
            "repair_speaker": self.repair_speaker,
            "next_day": self.next_day,
            "finished_at": self.finished_at,
            "version": self.version,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckinState:
        """Anything odd falls back to a safe value (never a crash on a stored state)."""
        if not isinstance(data, Mapping):
            return cls()
        step = data.get("step")
        talk = data.get("talk")
        topic = data.get("topic")
        repair = data.get("repair")
        speaker = data.get("repair_speaker")
        nxt = data.get("next_day")
        fin = data.get("finished_at")
        ver = data.get("version")
        raw_flow = data.get("flow")
        return cls(
            step=step if step in STEPS else "appreciate",
            flow=flow.FlowState.from_dict(raw_flow if isinstance(raw_flow, Mapping) else {}),
            talk=talk if talk in ("now", "later", "not_this_week") else None,
            topic=topic if isinstance(topic, str) and topic.strip() else None,
            repair=repair if isinstance(repair, bool) else None,
            repair_speaker=speaker if speaker in ("a", "b") else "a",
            next_day=nxt if isinstance(nxt, str) and _valid_day(nxt) else None,
            finished_at=float(fin)
            if isinstance(fin, (int, float)) and not isinstance(fin, bool)
            else None,
            version=ver if isinstance(ver, int) and not isinstance(ver, bool) and ver >= 0 else 0,
        )


def _valid_day(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _need(state: CheckinState, step: str) -> None:
    if state.step != step:
        raise CheckinError(
            "This step of your check-in is already behind you. Here is where you are now."
        )


def answering(state: CheckinState) -> str | None:
    """The partner whose private ratings turn it is (None outside that step)."""
    return flow.answering(state.flow) if state.step == "rate" else None


def private_phase(state: CheckinState) -> str:
    """answer_a / answer_b / confirm / reveal: where the private ratings stand."""
    return flow.phase(state.flow)


def appreciated(state: CheckinState) -> CheckinState:
    _need(state, "appreciate")
    return replace(state, step="rate")


def seal(state: CheckinState, partner: str) -> CheckinState:
    _need(state, "rate")
    try:
        return replace(state, flow=flow.seal(state.flow, partner))
    except flow.FlowError as exc:
        raise CheckinError(str(exc)) from None


def ask_to_unseal(state: CheckinState, partner: str) -> CheckinState:
    _need(state, "rate")
    try:
        return replace(state, flow=flow.ask_to_unseal(state.flow, partner))
    except flow.FlowError as exc:
        raise CheckinError(str(exc)) from None


def cancel_unseal(state: CheckinState) -> CheckinState:
    _need(state, "rate")
    return replace(state, flow=flow.cancel_unseal(state.flow))


def agree_unseal(state: CheckinState, agreeing: str) -> CheckinState:
    _need(state, "rate")
    try:
        return replace(state, flow=flow.agree_unseal(state.flow, agreeing))
    except flow.FlowError as exc:
        raise CheckinError(str(exc)) from None


def ready(state: CheckinState, partner: str, now: float) -> CheckinState:
    _need(state, "rate")
    try:
        return replace(state, flow=flow.confirm_ready(state.flow, partner, now))
    except flow.FlowError as exc:
        raise CheckinError(str(exc)) from None


def after_ratings(state: CheckinState) -> CheckinState:
    """From the shared look at the ratings on to "one thing to talk about"."""
    _need(state, "rate")
    if not state.revealed:
        raise CheckinError("You can go on once you've both looked at the week together.")
    return replace(state, step="talk")


def clean_topic(spec: CheckinSpec, raw: str | None) -> str:
    text = " ".join((raw or "").split())
    if not text:
        raise CheckinError(
            "Please write a few words about what you'd like to talk about, "
            "or choose \u201cNot this week\u201d."
        )
    if len(text) > spec.talk.max_chars:
        raise CheckinError(
            f"Please keep it to {spec.talk.max_chars} characters. Nothing "
            "you wrote was lost: shorten it a little and try again."
        )
    return text


def choose_topic(
    state: CheckinState, spec: CheckinSpec, talk: str, topic: str | None
) -> CheckinState:
    """``talk``: "now" (the dialogue, straight away), "later" (kept as a topic for the
    dialogue), or "not_this_week" (nothing is kept)."""
    _need(state, "talk")
    if talk == "not_this_week":
        return replace(state, step="repair", talk=talk, topic=None)
    if talk not in ("now", "later"):
        raise CheckinError("Please choose one of the options.")
    return replace(state, step="repair", talk=talk, topic=clean_topic(spec, topic))


def start_repair(state: CheckinState, first: str = "a") -> CheckinState:
    _need(state, "repair")
    if first not in ("a", "b"):
        raise CheckinError("Please pick who speaks first.")
    return replace(state, repair=True, repair_speaker=first)


def switch_repair(state: CheckinState) -> CheckinState:
    _need(state, "repair")
    if not state.repair:
        raise CheckinError("The repair hasn't started.")
    return replace(state, repair_speaker=flow.other(state.repair_speaker))


def end_repair(state: CheckinState, *, skipped: bool = False) -> CheckinState:
    _need(state, "repair")
    return replace(state, step="next", repair=False if skipped else bool(state.repair))


def default_next_day(spec: CheckinSpec, now: float) -> dt.date:
    return dt.date.fromtimestamp(now) + dt.timedelta(days=spec.next.default_days)


def set_next(state: CheckinState, day: dt.date | None, now: float) -> CheckinState:
    """The day of the next check-in (None: "we'll see"), and the check-in is done."""
    _need(state, "next")
    if day is not None:
        today = dt.date.fromtimestamp(now)
        if day <= today:
            raise CheckinError("Please pick a day after today.")
        if day > today + dt.timedelta(days=366):
            raise CheckinError("Please pick a day within the next year.")
    return replace(state, step="done", next_day=day.isoformat() if day else None, finished_at=now)


# -- answers ------------------------------------------------------------------------------

APPRECIATION = "appreciation"
REPAIR = "repair"


def rate_item(key: str) -> str:
    return f"rate:{key}"


def validate_answer(value: object) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not (ANSWER_MIN <= value <= ANSWER_MAX)
    ):
        raise CheckinError("Please pick one of the five answers.")
    return value


def clean_words(raw: str | None, limit: int) -> str:
    text = (raw or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise CheckinError(
            f"That's {len(text):,} characters: please keep it to {limit:,}. "
            "Nothing you wrote was lost: shorten it a little and save again."
        )
    return text


def ratings_of(spec: CheckinSpec, stored: Mapping[str, tuple[Any, bool]]) -> dict[str, int | None]:
    """item key -> 0..4, or None when skipped or never answered (a gap, never a zero)."""
    out: dict[str, int | None] = {}
    for it in spec.items:
        value, skipped = stored.get(rate_item(it.key), (None, True))
        try:
            out[it.key] = None if skipped else validate_answer(value)
        except CheckinError:
            out[it.key] = None
    return out


@dataclass(frozen=True)
class ItemRow:
    key: str
    text: str
    short: str
    a: int | None
    b: int | None
    differ: bool
    gap_word: str | None


def item_rows(
    spec: CheckinSpec, a: Mapping[str, int | None], b: Mapping[str, int | None]
) -> list[ItemRow]:
    """Both partners' answers per item; a gentle word where they are ``differ_min_gap``
    or more apart. An item one of them left out never counts as a difference."""
    rows = []
    for it in spec.items:
        va, vb = a.get(it.key), b.get(it.key)
        differ = va is not None and vb is not None and abs(va - vb) >= spec.differ_min_gap
        rows.append(
            ItemRow(it.key, it.text, it.short, va, vb, differ, it.gap_word if differ else None)
        )
    return rows


def answer_words(spec: CheckinSpec, value: int | None) -> str:
    return "skipped" if value is None else spec.answer_labels[value]
