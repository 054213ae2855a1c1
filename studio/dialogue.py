"""The Imago-style dialogue: its content model and a pure, serialisable state machine.

Pure: no Streamlit, no database. The page asks this module what to show
(:func:`current_step`, :func:`actions`, :func:`remaining_seconds`), sends the
button the couple pressed to :func:`advance` with an explicit ``now`` (epoch
seconds) and stores the new :class:`DialogueState` (``to_dict()``) before the
screen moves on.

Paths (a *round* is one partner as sender; the sender changes every round)::

    topic -> appointment -(not_now)-> postponed -(come_back)-> appointment
    appointment -(arrange: kind of talk, who shares first, topic)-> appointment
                                       (round 1 only: before anything has been said)
    appointment -(ready)-> send -> mirror -> check_mirror
        check_mirror: got_it -> more | not_quite -> mirror (mirror_count += 1)
        more:         more_yes -> send (more_count += 1) | more_no -> ...
    standard:         ... summary -> check_summary (got_it -> validation | not_quite -> summary)
                      -> validation -> empathy -> check_empathy (got_it -> close |
                      not_quite -> empathy) -> close
    appreciation:     ... close                      (more_no goes straight to close)
    behaviour_change: ... summary -> check_summary -> request -(requested, count 1..3)->
                      choose -(chosen, choice 1..count)-> close
    close -> switch:  odd round:  switch_same -> send | switch_new(topic) -> appointment | end
                      even round: switch_new(topic) -> appointment | end      (end -> done)
    any phase but done: pause / resume_from_pause, abandon -> done (abandoned=True)

Timers are start times (``step_started_at``), never counters; a pause shifts the
start time on resume, so a step timer shows what it showed when the pause began.
Turns: ``sender_seconds`` banks, per partner, the time spent in the phases of their
round (send … close, see :data:`COUNTED_PHASES`), without paused time — that includes
the listener saying it back. ``shared_seconds`` banks only the phases in which the
sender does the talking (:data:`SHARING_PHASES`). :func:`turns` and
:func:`turn_sentences` put both into plain words, without a winner.

After the dialogue, :func:`needs_care` names the partners whose "felt heard" or "felt
safe" sits below the middle of its scale (0–4 on 0–10): the page offers them a kind
next step.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from studio.exercises import ExerciseBase

# --------------------------------------------------------------------------- names

VariantName = Literal["standard", "appreciation", "behaviour_change"]
Partner = Literal["a", "b"]
Who = Literal["sender", "receiver", "both"]
TopicSource = Literal["safety_map", "own", "appreciation"]
Phase = Literal[
    "topic",
    "appointment",
    "postponed",
    "send",
    "mirror",
    "check_mirror",
    "more",
    "summary",
    "check_summary",
    "validation",
    "empathy",
    "check_empathy",
    "request",
    "choose",
    "close",
    "switch",
    "done",
]
Event = Literal[
    "start",
    "ready",
    "not_now",
    "come_back",
    "sent",
    "mirrored",
    "got_it",
    "not_quite",
    "more_yes",
    "more_no",
    "summarised",
    "validated",
    "empathised",
    "requested",
    "chosen",
    "closed",
    "switch_same",
    "switch_new",
    "end",
    "abandon",
    "pause",
    "resume_from_pause",
    "arrange",
]

VARIANTS: tuple[str, ...] = get_args(VariantName)
PARTNERS: tuple[str, ...] = get_args(Partner)
TOPIC_SOURCES: tuple[str, ...] = get_args(TopicSource)
PHASES: tuple[str, ...] = get_args(Phase)
EVENTS: tuple[str, ...] = get_args(Event)

TOPIC_MAX = 200
WHEN_MAX = 80
HISTORY_MAX = 200
MAX_REQUESTS = 3
STATE_FORMAT = 1
_WORDING = re.compile(r"^[a-z][a-z0-9_]{0,30}$")

#: The step keys each variant's path uses, in path order. A spec must have exactly these.
VARIANT_STEPS: dict[str, tuple[str, ...]] = {
    "standard": ("send", "mirror", "summary", "validation", "empathy", "close"),
    "appreciation": ("send", "mirror", "close"),
    "behaviour_change": ("send", "mirror", "summary", "request", "choose", "close"),
}

#: Phase -> the step it shows. Check phases and "Is there more?" belong to their parent step.
PHASE_STEP: dict[str, str] = {
    "send": "send",
    "mirror": "mirror",
    "check_mirror": "mirror",
    "more": "mirror",
    "summary": "summary",
    "check_summary": "summary",
    "validation": "validation",
    "empathy": "empathy",
    "check_empathy": "empathy",
    "request": "request",
    "choose": "choose",
    "close": "close",
}

#: Phases that run a step timer (the quick yes/no checks do not).
TIMED_PHASES = frozenset(k for k, v in PHASE_STEP.items() if k == v)
#: Phases whose time counts as the sender's time (their whole round, listening back included).
COUNTED_PHASES = frozenset(PHASE_STEP)
#: Phases in which the sender does the talking (how long each one spoke as sender).
SHARING_PHASES = frozenset({"send", "request"})

# ------------------------------------------------------------------- transitions

_COMMON: dict[tuple[str, str], str] = {
    ("topic", "start"): "appointment",
    ("appointment", "ready"): "send",
    ("appointment", "not_now"): "postponed",
    ("postponed", "come_back"): "appointment",
    ("send", "sent"): "mirror",
    ("mirror", "mirrored"): "check_mirror",
    ("check_mirror", "got_it"): "more",
    ("check_mirror", "not_quite"): "mirror",
    ("more", "more_yes"): "send",
    ("appointment", "arrange"): "appointment",  # round 1 only, see _target
}
_ENDING: dict[tuple[str, str], str] = {
    ("close", "closed"): "switch",
    ("switch", "switch_same"): "send",
    ("switch", "switch_new"): "appointment",
    ("switch", "end"): "done",
}
_SUMMARY: dict[tuple[str, str], str] = {
    ("more", "more_no"): "summary",
    ("summary", "summarised"): "check_summary",
    ("check_summary", "got_it"): "validation",
    ("check_summary", "not_quite"): "summary",
}

#: variant -> {(phase, event): next phase}. Pause, resume and abandon are handled apart.
#: ``switch_same`` is only allowed after an odd round (see :func:`advance`).
TRANSITIONS: dict[str, dict[tuple[str, str], str]] = {
    "standard": {
        **_COMMON,
        **_SUMMARY,
        ("validation", "validated"): "empathy",
        ("empathy", "empathised"): "check_empathy",
        ("check_empathy", "got_it"): "close",
        ("check_empathy", "not_quite"): "empathy",
        **_ENDING,
    },
    "appreciation": {
        **_COMMON,
        ("more", "more_no"): "close",
        **_ENDING,
    },
    "behaviour_change": {
        **_COMMON,
        **_SUMMARY,
        ("check_summary", "got_it"): "request",
        ("request", "requested"): "choose",
        ("choose", "chosen"): "close",
        **_ENDING,
    },
}

# Labels for the buttons, in our words. (phase, event) first, then event alone.
_LABELS: dict[tuple[str, str] | str, str] = {
    "start": "Let's begin",
    "ready": "Yes, now is good",
    "not_now": "Not now — let's pick a time",
    "come_back": "We're back — let's go on",
    "sent": "I've said it",
    "mirrored": "I've said it back",
    ("check_mirror", "got_it"): "Did I get it? — Yes",
    ("check_summary", "got_it"): "Yes, that's all of it",
    ("check_empathy", "got_it"): "Yes, that's how it feels",
    "not_quite": "Not quite",
    "more_yes": "Yes, there's more",
    "more_no": "No, that's it for now",
    "summarised": "I've summed it up",
    "validated": "I've said why it makes sense",
    "empathised": "I've said what I imagine you feel",
    "requested": "I've offered my requests",
    "chosen": "I've picked one",
    "closed": "We've thanked each other",
    "switch_same": "Switch — same topic",
    "switch_new": "Switch — a new topic",
    "end": "We're done for today",
    "pause": "Take a pause",
    "resume_from_pause": "We're ready to go on",
    "abandon": "Stop this dialogue",
    "arrange": "Change who shares first or the kind of talk",
}
_ANOTHER_ROUND = "Another round, new topic"

_PHASE_WORDS: dict[str, str] = {
    "topic": "choosing a topic",
    "appointment": "asking if now is a good time",
    "postponed": "waiting for the time you agreed",
    "send": "the sender is talking",
    "mirror": "saying it back",
    "check_mirror": "checking “Did I get it?”",
    "more": "asking “Is there more?”",
    "summary": "summing it up",
    "check_summary": "checking the summary",
    "validation": "saying why it makes sense",
    "empathy": "imagining the feeling",
    "check_empathy": "checking the feeling",
    "request": "offering small requests",
    "choose": "picking a request",
    "close": "thanking each other",
    "switch": "switching places",
    "done": "the end of the dialogue",
}


def diagram(variant: str) -> str:
    """The variant's moves as a Mermaid state diagram, drawn from :data:`TRANSITIONS`
    (docs/DIALOGUE.md holds these; a test checks the file still matches the table).
    A state is named by its phase and described in the studio's words; an arrow is
    labelled with the button a couple presses. Pause and stop, which every phase has,
    are said once below the diagram rather than drawn from every state."""
    table = TRANSITIONS[variant]
    phases: list[str] = []
    for (phase, _event), target in table.items():
        for name in (phase, target):
            if name not in phases:
                phases.append(name)
    lines = ["stateDiagram-v2", "    direction TB", "    [*] --> topic"]
    lines += [f"    {name}: {name} — {_PHASE_WORDS[name]}" for name in phases]
    for (phase, event), target in table.items():
        label = _LABELS.get((phase, event)) or _LABELS[event]
        if event == "switch_new":
            label += f" (after both turns it reads “{_ANOTHER_ROUND}”)"
        if event == "switch_same":
            label += " (after the first turn only)"
        if event == "arrange":
            label += " (round 1 only)"
        label = label.replace(":", " ·").replace(";", ",")  # Mermaid's separators
        lines.append(f"    {phase} --> {target}: {label}")
    lines.append("    done --> [*]")
    return "\n".join(lines) + "\n"


DIAGRAM_START = "<!-- drawn from studio.dialogue.TRANSITIONS: {variant} -->"
DIAGRAM_END = "<!-- end of the drawing -->"


def with_diagrams(doc: str) -> str:
    """``doc`` with every drawing block (between DIAGRAM_START for a variant and
    DIAGRAM_END) drawn afresh from the table; the rest of the text is left alone."""
    out = doc
    for variant in TRANSITIONS:
        start = DIAGRAM_START.format(variant=variant)
        if start not in out:
            continue
        head, _, rest = out.partition(start)
        _, _, tail = rest.partition(DIAGRAM_END)
        out = f"{head}{start}\n```mermaid\n{diagram(variant)}```\n{DIAGRAM_END}{tail}"
    return out


class InvalidMove(ValueError):
    """An event that does not fit the current phase. ``str()`` is a plain sentence."""

    def __init__(self, message: str, event: str = "", phase: str = ""):
        super().__init__(message)
        self.event = event
        self.phase = phase


class StateError(ValueError):
    """A stored dialogue state that cannot be read. ``str()`` is a plain sentence."""


# ----------------------------------------------------------------- content model


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


_Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,30}$")]
_Title = Annotated[str, Field(min_length=1, max_length=60)]
_Text = Annotated[str, Field(min_length=1, max_length=300)]
_Stem = Annotated[str, Field(min_length=1, max_length=120)]
_Stems = Annotated[tuple[_Stem, ...], Field(max_length=8)]


class Step(_Part):
    """One step of a variant: who talks, what each partner does, the sentence stems."""

    key: _Key
    title: _Title
    who: Who
    sender_task: _Text
    receiver_task: _Text
    sender_stems: _Stems = ()
    receiver_stems: _Stems = ()
    suggested_seconds: int | None = Field(default=None, ge=10, le=1800, strict=True)


class VariantSpec(_Part):
    """One kind of talk. ``path`` is which of the machine's paths it follows (the steps
    and their order: see ``VARIANT_STEPS``); ``key`` names this variant in the file and
    in a saved talk. Several variants may share a path with words of their own (a
    repair dialogue is the standard path with its own tasks and stems)."""

    key: _Key
    path: VariantName
    title: _Title
    summary: str = Field(default="", max_length=300)
    steps: tuple[Step, ...] = Field(min_length=1, max_length=12)

    @field_validator("steps")
    @classmethod
    def _unique_keys(cls, steps: tuple[Step, ...]) -> tuple[Step, ...]:
        seen: set[str] = set()
        for step in steps:
            if step.key in seen:
                raise PydanticCustomError(
                    "dialogue_step", "the step key '{key}' is used twice", {"key": step.key}
                )
            seen.add(step.key)
        return steps

    @model_validator(mode="after")
    def _has_machine_steps(self) -> VariantSpec:
        needed = VARIANT_STEPS[self.path]
        keys = [s.key for s in self.steps]
        for key in needed:
            if key not in keys:
                raise PydanticCustomError(
                    "dialogue_step",
                    "needs a step with key '{key}' (the {path} path uses: {needed})",
                    {"key": key, "path": self.path, "needed": ", ".join(needed)},
                )
        for key in keys:
            if key not in needed:
                raise PydanticCustomError(
                    "dialogue_step",
                    "the step '{key}' is never reached on the {path} path (it uses: {needed})",
                    {"key": key, "path": self.path, "needed": ", ".join(needed)},
                )
        return self

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)


def _variants_as_list(raw: Any) -> Any:
    """Files written before variants were a list (``[variants.standard]``, one table per
    path) still load: each table becomes a variant whose key and path are its name."""
    if isinstance(raw, dict):
        return [
            {"key": name, "path": name, **body} if isinstance(body, dict) else body
            for name, body in raw.items()
        ]
    if isinstance(raw, list):
        out = []
        for body in raw:
            if isinstance(body, dict) and "path" not in body and body.get("key") in VARIANTS:
                body = {**body, "path": body["key"]}
            out.append(body)
        return out
    return raw


class AppointmentTexts(_Part):
    title: _Title
    sender_task: _Text
    receiver_task: _Text
    sender_stems: _Stems = ()
    receiver_stems: _Stems = ()
    not_now_prompt: _Text
    postponed_message: _Text
    come_back_prompt: _Text


class SwitchTexts(_Part):
    title: _Title
    prompt: _Text
    choice_prompt: _Text
    after_both_prompt: _Text


class ClosingTexts(_Part):
    title: _Title
    message: _Text
    abandoned_message: _Text
    ratings_intro: _Text


class AfterQuestion(_Part):
    """A question each partner answers after the dialogue: a 0–10 scale or one word."""

    key: _Key
    text: str = Field(min_length=1, max_length=80)
    kind: Literal["scale", "word"]
    low: int = Field(default=0, ge=0, le=100, strict=True)
    high: int = Field(default=10, ge=1, le=100, strict=True)
    low_label: str = Field(default="", max_length=40)
    high_label: str = Field(default="", max_length=40)
    optional: bool = False
    max_length: int = Field(default=40, ge=1, le=80, strict=True)

    @field_validator("high")
    @classmethod
    def _range(cls, high: int, info: ValidationInfo) -> int:
        low = info.data.get("low")
        if low is not None and high <= low:
            raise PydanticCustomError("dialogue_scale", "must be larger than 'low'")
        return high


class DialogueSpec(ExerciseBase):
    """An ``exercises/*.toml`` file with ``kind = "dialogue"``."""

    kind: Literal["dialogue"]
    variants: tuple[VariantSpec, ...] = Field(min_length=1, max_length=12)
    appointment: AppointmentTexts
    switch: SwitchTexts
    closing: ClosingTexts
    after_questions: tuple[AfterQuestion, ...] = Field(min_length=2, max_length=6)

    @field_validator("after_questions")
    @classmethod
    def _questions(cls, qs: tuple[AfterQuestion, ...]) -> tuple[AfterQuestion, ...]:
        keys = [q.key for q in qs]
        if len(set(keys)) != len(keys):
            raise PydanticCustomError("dialogue_questions", "two questions use the same key")
        for key in ("heard", "safe"):
            if key not in keys:
                raise PydanticCustomError(
                    "dialogue_questions",
                    "needs a question with key '{key}' (a 0–10 scale)",
                    {"key": key},
                )
        return qs

    @field_validator("variants", mode="before")
    @classmethod
    def _as_list(cls, raw: Any) -> Any:
        return _variants_as_list(raw)

    @field_validator("variants")
    @classmethod
    def _variants_ok(cls, variants: tuple[VariantSpec, ...]) -> tuple[VariantSpec, ...]:
        keys = [v.key for v in variants]
        for key in keys:
            if keys.count(key) > 1:
                raise PydanticCustomError(
                    "dialogue_variant", "the variant key '{key}' is used twice", {"key": key}
                )
        for v in variants:
            if v.key in VARIANTS and v.path != v.key:
                raise PydanticCustomError(
                    "dialogue_variant",
                    "the variant '{key}' has the name of a path, so it must follow it "
                    '(path = "{key}"), or take another key',
                    {"key": v.key},
                )
        if "standard" not in keys:
            raise PydanticCustomError(
                "dialogue_variant",
                "needs the variant with key 'standard' (a topic from another exercise opens it)",
            )
        return variants

    def variant(self, name: str) -> VariantSpec:
        """The variant with this key (KeyError if the file has none)."""
        for v in self.variants:
            if v.key == name:
                return v
        raise KeyError(name)

    def variant_of(self, state: DialogueState) -> VariantSpec:
        """The variant a talk uses: its own words if the file still has them, else the
        variant named after its path (a variant taken out of the file mid-talk)."""
        if state.wording is not None:
            for v in self.variants:
                if v.key == state.wording and v.path == state.variant:
                    return v
        for v in self.variants:
            if v.key == state.variant:
                return v
        return next(v for v in self.variants if v.path == state.variant)

    def variant_keys(self) -> tuple[str, ...]:
        return tuple(v.key for v in self.variants)


# ------------------------------------------------------------------------ state


def _other(partner: str) -> str:
    return "b" if partner == "a" else "a"


def _finite(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise StateError(f"The saved dialogue could not be read (field '{name}').")
    return float(value)


@dataclass(frozen=True)
class DialogueState:
    """Where a dialogue stands. Immutable: :func:`advance` returns a new one.

    ``sender_seconds`` and ``shared_seconds`` are plain dicts for easy JSON; treat them
    as read-only.
    """

    variant: str
    phase: str
    sender: str = "a"
    round: int = 1
    topic: str = ""
    topic_source: str = "own"
    mirror_count: int = 0
    more_count: int = 0
    request_count: int = 0
    chosen_request: int | None = None
    step_started_at: float = 0.0
    paused_at: float | None = None
    sender_seconds: dict[str, float] = field(
        default_factory=lambda: {"a": 0.0, "b": 0.0}, hash=False
    )
    shared_seconds: dict[str, float] = field(
        default_factory=lambda: {"a": 0.0, "b": 0.0}, hash=False
    )
    appointment_at: str | None = None
    abandoned: bool = False
    history: tuple[tuple[str, str], ...] = ()
    # The file's variant this talk uses, when it isn't the one named after its path
    # (``variant`` is the path the machine follows): e.g. "repair" on the standard path.
    wording: str | None = None

    def __post_init__(self) -> None:
        def bad(name: str) -> StateError:
            return StateError(f"The saved dialogue could not be read (field '{name}').")

        def count(value: Any) -> bool:
            return isinstance(value, int) and not isinstance(value, bool) and value >= 0

        if self.variant not in VARIANTS:
            raise bad("variant")
        if self.phase not in PHASES:
            raise bad("phase")
        if self.sender not in PARTNERS:
            raise bad("sender")
        if not count(self.round) or self.round < 1:
            raise bad("round")
        if not isinstance(self.topic, str) or len(self.topic) > TOPIC_MAX:
            raise bad("topic")
        if self.topic_source not in TOPIC_SOURCES:
            raise bad("topic_source")
        for name in ("mirror_count", "more_count", "request_count"):
            if not count(getattr(self, name)):
                raise bad(name)
        if self.request_count > MAX_REQUESTS:
            raise bad("request_count")
        if self.chosen_request is not None and (
            not count(self.chosen_request) or not 1 <= self.chosen_request <= self.request_count
        ):
            raise bad("chosen_request")
        _finite(self.step_started_at, "step_started_at")
        if self.paused_at is not None:
            _finite(self.paused_at, "paused_at")
        for name in ("sender_seconds", "shared_seconds"):
            seconds = getattr(self, name)
            if not isinstance(seconds, dict) or set(seconds) != {"a", "b"}:
                raise bad(name)
            for value in seconds.values():
                if _finite(value, name) < 0:
                    raise bad(name)
        if self.appointment_at is not None and (
            not isinstance(self.appointment_at, str) or len(self.appointment_at) > WHEN_MAX
        ):
            raise bad("appointment_at")
        if not isinstance(self.abandoned, bool):
            raise bad("abandoned")
        if self.wording is not None and (
            not isinstance(self.wording, str) or not _WORDING.match(self.wording)
        ):
            raise bad("wording")
        if len(self.history) > HISTORY_MAX or any(
            len(h) != 2 or h[0] not in PHASES or h[1] not in EVENTS for h in self.history
        ):
            raise bad("history")

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    @property
    def receiver(self) -> str:
        return _other(self.sender)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe values only (str, int, float, bool, None, list, dict)."""
        return {
            "format": STATE_FORMAT,
            "variant": self.variant,
            "phase": self.phase,
            "sender": self.sender,
            "round": self.round,
            "topic": self.topic,
            "topic_source": self.topic_source,
            "mirror_count": self.mirror_count,
            "more_count": self.more_count,
            "request_count": self.request_count,
            "chosen_request": self.chosen_request,
            "step_started_at": self.step_started_at,
            "paused_at": self.paused_at,
            "sender_seconds": {"a": self.sender_seconds["a"], "b": self.sender_seconds["b"]},
            "shared_seconds": {"a": self.shared_seconds["a"], "b": self.shared_seconds["b"]},
            "appointment_at": self.appointment_at,
            "abandoned": self.abandoned,
            "history": [[p, e] for p, e in self.history],
            **({"wording": self.wording} if self.wording is not None else {}),
        }

    @classmethod
    def from_dict(cls, data: Any) -> DialogueState:
        """Inverse of :meth:`to_dict`; raises :class:`StateError` on anything odd."""
        if not isinstance(data, dict):
            raise StateError("The saved dialogue could not be read.")
        if data.get("format", STATE_FORMAT) != STATE_FORMAT:
            raise StateError("The saved dialogue comes from a version we cannot read.")
        known = set(cls.__dataclass_fields__) | {"format"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise StateError(f"The saved dialogue could not be read (field '{unknown[0]}').")
        for name in ("variant", "phase"):
            if name not in data:
                raise StateError(f"The saved dialogue could not be read (field '{name}').")
        kw = {k: v for k, v in data.items() if k != "format"}
        if "step_started_at" in kw:
            kw["step_started_at"] = _finite(kw["step_started_at"], "step_started_at")
        if kw.get("paused_at") is not None:
            kw["paused_at"] = _finite(kw["paused_at"], "paused_at")
        for name in ("sender_seconds", "shared_seconds"):  # shared_seconds: newer states only
            if name in kw:
                sec = kw[name]
                if not isinstance(sec, dict) or set(sec) != {"a", "b"}:
                    raise StateError(f"The saved dialogue could not be read (field '{name}').")
                kw[name] = {k: _finite(sec[k], name) for k in ("a", "b")}
        if "history" in kw:
            hist = kw["history"]
            if not isinstance(hist, list) or not all(
                isinstance(h, list | tuple) and len(h) == 2 for h in hist
            ):
                raise StateError("The saved dialogue could not be read (field 'history').")
            kw["history"] = tuple((h[0], h[1]) for h in hist)
        return cls(**kw)


# ---------------------------------------------------------------------- machine


def _check_now(now: Any) -> float:
    if isinstance(now, bool) or not isinstance(now, int | float) or not math.isfinite(now):
        raise ValueError("now must be a finite number of seconds")
    return float(now)


def new_dialogue(variant: str, now: float, first_sender: str = "a") -> DialogueState:
    """A fresh dialogue at the ``topic`` phase; ``first_sender`` speaks in round 1."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown dialogue variant {variant!r} (one of {', '.join(VARIANTS)})")
    if first_sender not in PARTNERS:
        raise ValueError("first_sender must be 'a' or 'b'")
    return DialogueState(
        variant=variant,
        phase="topic",
        sender=first_sender,
        topic_source="appreciation" if variant == "appreciation" else "own",
        step_started_at=_check_now(now),
    )


def roles(state: DialogueState) -> tuple[str, str]:
    """(sender, receiver) as partner ids "a"/"b"."""
    return state.sender, _other(state.sender)


def _running(state: DialogueState, now: float) -> float:
    """Active (unpaused) seconds in the current phase."""
    ref = state.paused_at if state.paused_at is not None else now
    return max(0.0, ref - state.step_started_at)


def equal_time(state: DialogueState, now: float) -> dict[str, float]:
    """Seconds each partner has been the sender, incl. the running step, without pauses."""
    now = _check_now(now)
    out = {"a": state.sender_seconds["a"], "b": state.sender_seconds["b"]}
    if state.phase in COUNTED_PHASES:
        out[state.sender] += _running(state, now)
    return out


def shared_time(state: DialogueState, now: float) -> dict[str, float]:
    """Seconds each partner has spoken as sender (send and request steps), without pauses."""
    now = _check_now(now)
    out = {"a": state.shared_seconds["a"], "b": state.shared_seconds["b"]}
    if state.phase in SHARING_PHASES:
        out[state.sender] += _running(state, now)
    return out


def can_arrange(state: DialogueState) -> bool:
    """Kind of talk, who shares first and the topic can change only before anything has
    been said: at "Is now a good time?" in round 1 (a paused one too)."""
    return state.phase == "appointment" and state.round == 1


def _target(state: DialogueState, event: str) -> str | None:
    if state.phase == "switch" and event == "switch_same" and state.round % 2 == 0:
        return None  # both partners have had a turn: only a new round or the end
    if event == "arrange" and not can_arrange(state):
        return None  # in a later round the roles follow from the turns already taken
    return TRANSITIONS[state.variant].get((state.phase, event))


def _label(state: DialogueState, event: str) -> str:
    if event == "switch_new" and state.round % 2 == 0:
        return _ANOTHER_ROUND
    return _LABELS.get((state.phase, event)) or _LABELS[event]


def actions(state: DialogueState) -> list[tuple[str, str]]:
    """The buttons that make sense now, as (event, label); flow first, then pause/stop.

    Exactly these events are accepted by :func:`advance` (``start`` and
    ``switch_new`` need a topic, ``not_now`` a time, ``requested`` a count,
    ``chosen`` a choice; ``arrange`` takes any of variant, first sender and topic).
    """
    if state.phase == "done":
        return []
    if state.paused:
        events = ["resume_from_pause", "abandon"]
    else:
        events = [e for (p, e) in TRANSITIONS[state.variant] if p == state.phase]
        events = [e for e in events if _target(state, e) is not None] + ["pause", "abandon"]
    return [(e, _label(state, e)) for e in events]


def _clean_topic(topic: Any, variant: str) -> str:
    if topic is None:
        topic = ""
    if not isinstance(topic, str):
        raise InvalidMove("The topic should be a few words of text.", "start")
    topic = topic.strip()
    if not topic and variant != "appreciation":
        raise InvalidMove("Please write a few words about what you'd like to talk about.", "start")
    if len(topic) > TOPIC_MAX:
        raise InvalidMove(f"Please keep the topic short — {TOPIC_MAX} characters at most.", "start")
    return topic


def _clean_source(source: Any, variant: str) -> str:
    if source is None:
        return "appreciation" if variant == "appreciation" else "own"
    if source not in TOPIC_SOURCES:
        raise InvalidMove("We don't know where this topic comes from.", "start")
    return str(source)


def _fresh_round(state: DialogueState) -> dict[str, Any]:
    return {
        "round": state.round + 1,
        "sender": _other(state.sender),
        "mirror_count": 0,
        "more_count": 0,
        "request_count": 0,
        "chosen_request": None,
        "appointment_at": None,
    }


def advance(
    state: DialogueState,
    event: str,
    now: float,
    *,
    topic: str | None = None,
    source: str | None = None,
    when: str | None = None,
    count: int | None = None,
    choice: int | None = None,
    variant: str | None = None,
    first_sender: str | None = None,
) -> DialogueState:
    """Apply one event at time ``now``; return a new state or raise :class:`InvalidMove`.

    Keyword arguments: ``start``/``switch_new`` take ``topic`` (and ``source``),
    ``not_now`` takes ``when`` (the time you agreed, free text), ``requested``
    takes ``count`` (1..3 requests offered), ``chosen`` takes ``choice`` (1..count),
    ``arrange`` takes ``variant``, ``first_sender`` and ``topic`` (and ``source``), each
    optional: what is not given stays as it is.
    Arguments an event does not use are ignored.
    """
    now = _check_now(now)
    phase = state.phase
    if event not in EVENTS:
        raise InvalidMove("That is not a step we know.", str(event), phase)
    if phase == "done":
        raise InvalidMove(
            "This dialogue has ended. You can start a new one whenever you like.", event, phase
        )
    history = (*state.history, (phase, event))[-HISTORY_MAX:]

    if event == "pause":
        if state.paused:
            raise InvalidMove("You are already taking a pause.", event, phase)
        return replace(state, paused_at=now, history=history)
    if event == "resume_from_pause":
        if state.paused_at is None:
            raise InvalidMove("There is no pause to come back from.", event, phase)
        shift = max(0.0, now - state.paused_at)
        return replace(
            state, paused_at=None, step_started_at=state.step_started_at + shift, history=history
        )

    seconds = equal_time(state, now)
    shared = shared_time(state, now)
    if event == "abandon":
        return replace(
            state,
            phase="done",
            abandoned=True,
            paused_at=None,
            step_started_at=now,
            sender_seconds=seconds,
            shared_seconds=shared,
            history=history,
        )
    if event == "arrange":  # allowed during a pause too: nothing runs at this step
        return _arrange(state, now, history, variant, first_sender, topic, source)
    if state.paused:
        raise InvalidMove(
            "You are taking a pause. Choose “We're ready to go on” first.", event, phase
        )
    target = _target(state, event)
    if target is None:
        raise InvalidMove(
            f"That doesn't fit this moment (right now: {_PHASE_WORDS[phase]}).", event, phase
        )

    changes: dict[str, Any] = {}
    if event == "start":
        changes["topic"] = _clean_topic(topic, state.variant)
        changes["topic_source"] = _clean_source(source, state.variant)
    elif event == "not_now":
        text = when.strip() if isinstance(when, str) else ""
        if not text:
            raise InvalidMove("Please write down when you'd like to come back to it.", event, phase)
        if len(text) > WHEN_MAX:
            raise InvalidMove(
                f"Please keep the time short — {WHEN_MAX} characters at most.", event, phase
            )
        changes["appointment_at"] = text
    elif event == "come_back":
        changes["appointment_at"] = None
    elif event == "not_quite" and phase == "check_mirror":
        changes["mirror_count"] = state.mirror_count + 1
    elif event == "more_yes":
        changes["more_count"] = state.more_count + 1
    elif event == "requested":
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_REQUESTS:
            raise InvalidMove("Please offer one, two or three small requests.", event, phase)
        changes["request_count"] = count
    elif event == "chosen":
        n = state.request_count
        if isinstance(choice, bool) or not isinstance(choice, int) or not 1 <= choice <= n:
            raise InvalidMove(f"Please pick one of the {n} requests.", event, phase)
        changes["chosen_request"] = choice
    elif event == "switch_same":
        changes.update(_fresh_round(state))
    elif event == "switch_new":
        changes.update(_fresh_round(state))
        changes["topic"] = _clean_topic(topic, state.variant)
        changes["topic_source"] = _clean_source(source, state.variant)

    return replace(
        state,
        phase=target,
        step_started_at=now,
        sender_seconds=seconds,
        shared_seconds=shared,
        history=history,
        **changes,
    )


def _arrange(
    state: DialogueState,
    now: float,
    history: tuple[tuple[str, str], ...],
    variant: Any,
    first_sender: Any,
    topic: Any,
    source: Any,
) -> DialogueState:
    if not can_arrange(state):
        raise InvalidMove(
            "Who shares first and the kind of talk can only change before you begin.",
            "arrange",
            state.phase,
        )
    new_variant = state.variant if variant is None else variant
    if new_variant not in VARIANTS:
        raise InvalidMove("Please pick one of the three kinds of talk.", "arrange", state.phase)
    sender = state.sender if first_sender is None else first_sender
    if sender not in PARTNERS:
        raise InvalidMove("Please pick who shares first.", "arrange", state.phase)
    if topic is None:
        new_topic, new_source = state.topic, state.topic_source
        if new_source == "appreciation" and new_variant != "appreciation":
            new_source = "own"
        try:
            _clean_topic(new_topic, new_variant)
        except InvalidMove:
            raise InvalidMove(
                "This kind of talk needs a topic. Start it from “Talk and listen” with a "
                "few words about what you'd like to talk about.",
                "arrange",
                state.phase,
            ) from None
    else:
        new_topic = _clean_topic(topic, new_variant)
        new_source = _clean_source(source, new_variant)
    return replace(
        state,
        variant=new_variant,
        sender=sender,
        topic=new_topic,
        topic_source=new_source,
        step_started_at=now,
        history=history,
    )


# ------------------------------------------------------------------- spec views


def current_step(spec: DialogueSpec, state: DialogueState) -> Step | None:
    """The step to show now (check phases show their parent step); None outside steps."""
    key = PHASE_STEP.get(state.phase)
    if key is None:
        return None
    return spec.variant_of(state).step(key)


def next_step_preview(spec: DialogueSpec, state: DialogueState) -> Step | None:
    """The next step on the main path (as if every check says yes and there is no more).

    Before a round starts (topic, appointment, postponed, switch) it is the first step;
    at the last step (close) and when done it is None.
    """
    if state.phase == "done":
        return None
    path = VARIANT_STEPS[state.variant]
    key = PHASE_STEP.get(state.phase)
    if key is None:
        return spec.variant_of(state).step(path[0])
    i = path.index(key)
    if i + 1 >= len(path):
        return None
    return spec.variant_of(state).step(path[i + 1])


def remaining_seconds(spec: DialogueSpec, state: DialogueState, now: float) -> float | None:
    """Seconds left on the step timer: never negative, frozen while paused.

    None when the phase has no timer (checks, topic, appointment, switch, done) or the
    step has no ``suggested_seconds``.
    """
    now = _check_now(now)
    if state.phase not in TIMED_PHASES:
        return None
    step = current_step(spec, state)
    if step is None or step.suggested_seconds is None:
        return None
    return max(0.0, step.suggested_seconds - _running(state, now))


# ------------------------------------------------------------ turns, in words


@dataclass(frozen=True)
class Turns:
    """Who has had a turn sharing, who shares now and who is next. No scores.

    ``had`` counts the finished turns per partner; ``now`` is the sender of a round
    under way (None at a switch and at the end); ``next`` is who shares after that,
    if the dialogue goes on. ``turn_seconds`` is each partner's time as sender (the
    whole round, listening back included), ``shared_seconds`` the part of it in which
    they did the talking.
    """

    had: dict[str, int]
    now: str | None
    next: str | None
    turn_seconds: dict[str, float]
    shared_seconds: dict[str, float]


def turns(state: DialogueState, now: float) -> Turns:
    """Where the turns stand, from the state alone."""
    now = _check_now(now)
    if state.phase == "switch":
        completed = state.round
    elif state.phase == "done":  # the end comes after a switch; a stop may come mid-round
        at_switch = bool(state.history) and state.history[-1][0] == "switch"
        completed = state.round if not state.abandoned or at_switch else state.round - 1
    else:
        completed = state.round - 1
    first = state.sender if state.round % 2 == 1 else _other(state.sender)
    had = {first: (completed + 1) // 2, _other(first): completed // 2}
    if state.phase == "done":
        current, following = None, None
    elif state.phase == "switch":
        current, following = None, _other(state.sender)
    else:
        current, following = state.sender, _other(state.sender)
    return Turns(
        had={"a": had["a"], "b": had["b"]},
        now=current,
        next=following,
        turn_seconds=equal_time(state, now),
        shared_seconds=shared_time(state, now),
    )


def duration_words(seconds: float) -> str:
    """A length of time the way people say it: "less than a minute", "about 3 minutes"."""
    if seconds < 60:
        return "less than a minute"
    minutes = math.floor(seconds / 60 + 0.5)
    return "about a minute" if minutes <= 1 else f"about {minutes} minutes"


def turn_sentences(state: DialogueState, now: float, names: dict[str, str]) -> list[str]:
    """The turns in a few kind sentences, e.g. "Both of you had a turn sharing."

    ``names`` maps "a"/"b" to how each partner is named; the sentences add no markup of
    their own, so names that are already made safe for markdown stay safe.
    """
    t = turns(state, now)
    had = [p for p in ("a", "b") if t.had[p]]
    out: list[str] = []
    if len(had) == 2:
        line = "Both of you had a turn sharing."
        if t.now is not None:
            line += f" Now it's {names[t.now]}'s turn again."
        elif t.next is not None:
            line += f" If you go on, {names[t.next]} shares next."
        out.append(line)
    elif len(had) == 1:
        p = had[0]
        if t.now is not None and t.now != p:
            out.append(f"{names[p]} has had a turn sharing. Now it's {names[t.now]}'s turn.")
        elif t.next is not None and t.next != p:
            out.append(f"{names[p]} has shared so far; {names[t.next]}'s turn comes next.")
        else:
            out.append(
                f"{names[p]} had a turn sharing. {names[_other(p)]}'s turn can come another time."
            )
    elif t.now is not None:
        out.append(f"{names[t.now]} is sharing now; {names[_other(t.now)]}'s turn comes next.")
    else:
        out.append("Nobody has had a turn sharing yet.")
    for p in ("a", "b"):
        if not t.had[p] and (t.now != p or not t.shared_seconds[p]):
            continue
        spoke = duration_words(t.shared_seconds[p])
        whole = duration_words(t.turn_seconds[p])
        if t.now == p:
            out.append(f"{names[p]} has spoken for {spoke} so far.")
        elif t.had[p] == 1:
            out.append(f"{names[p]} spoke for {spoke}; the whole turn took {whole}.")
        else:
            out.append(
                f"{names[p]} spoke for {spoke} over {t.had[p]} turns; all of them "
                f"together took {whole}."
            )
    return out


# ------------------------------------------------------- after: a kind next step

CARE_KEYS = ("heard", "safe")


def is_low(question: AfterQuestion, value: Any) -> bool:
    """A rating below the middle of its scale (0–4 on a 0–10 scale).

    That is where the page offers a kind next step; a skipped answer is never low.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return value < (question.low + question.high) / 2


def needs_care(
    spec: DialogueSpec, ratings: dict[str, dict[str, Any]]
) -> dict[str, tuple[str, ...]]:
    """Partner -> the after-questions ("heard", "safe") they rated low; only those partners."""
    questions = {q.key: q for q in spec.after_questions}
    out: dict[str, tuple[str, ...]] = {}
    for p in PARTNERS:
        rating = ratings.get(p) or {}
        low = tuple(k for k in CARE_KEYS if k in questions and is_low(questions[k], rating.get(k)))
        if low:
            out[p] = low
    return out
