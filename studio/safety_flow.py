"""The safety map's turn-taking on one laptop, as pure data and rules.

The phase is never stored on its own; it follows from the seals, the two "ready"
confirmations and whether the reveal has happened, so it can't drift:

- the first partner (a, then b) who has not sealed is answering;
- when both have sealed, the couple confirms "ready to see it together";
- after both confirmed, the reveal stays open (and the run is kept for history).

A partner may open their own sealed answers again before the reveal, once the other
agrees; their partner's progress is kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from studio.safety_map import PartnerAnswers, SafetyMapSpec, validate_needs, validate_position

Partner = Literal["a", "b"]
Phase = Literal["answer_a", "answer_b", "confirm", "reveal"]
# A partner's turn moves through named parts. The scales come in pages of a few
# ("scales-1", "scales-2", …; how many is the content file's call), and "more" holds
# the scales the file marks optional, opened only by a partner who asks for them.
# Moving between parts stores only where the partner is — never an answer.
FIRST_SECTION = "words"
_SECTION = re.compile(r"^(words|needs|review|more|scales-[1-9][0-9]?)$")
# Parts as they were numbered before the scales and guesses were asked in one pass.
_LEGACY_SECTIONS = ("words", "scales-1", "needs", "scales-1", "review")


def _version(raw: object) -> int:
    return raw if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0 else 0


def valid_section(name: object) -> bool:
    return isinstance(name, str) and bool(_SECTION.match(name))


def _section(raw: object) -> str:
    if isinstance(raw, bool):
        return FIRST_SECTION
    if isinstance(raw, int):
        return _LEGACY_SECTIONS[max(0, min(raw, len(_LEGACY_SECTIONS) - 1))]
    return raw if valid_section(raw) else FIRST_SECTION  # type: ignore[return-value]


class FlowError(ValueError):
    """A move that doesn't fit the moment, with a kind message."""


@dataclass(frozen=True)
class FlowState:
    sealed: Mapping[str, bool] = field(default_factory=lambda: {"a": False, "b": False})
    ready: Mapping[str, bool] = field(default_factory=lambda: {"a": False, "b": False})
    section: Mapping[str, str] = field(
        default_factory=lambda: {"a": FIRST_SECTION, "b": FIRST_SECTION}
    )
    revealed_at: float | None = None
    unseal_request: str | None = None  # the partner who asked to open their answers again
    shared: Mapping[str, bool] = field(default_factory=lambda: {"a": False, "b": False})
    # Grows by one with every move of the flow (never with an answer), so a screen can
    # say which state it was drawn from and a stale press changes nothing.
    version: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "sealed": dict(self.sealed),
            "ready": dict(self.ready),
            "section": dict(self.section),
            "revealed_at": self.revealed_at,
            "unseal_request": self.unseal_request,
            "shared": dict(self.shared),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FlowState:
        def two(key: str, kind: type, default: Any) -> dict[str, Any]:
            raw = data.get(key) or {}
            return {p: kind(raw.get(p, default)) for p in ("a", "b")}

        req = data.get("unseal_request")
        return cls(
            sealed=two("sealed", bool, False),
            ready=two("ready", bool, False),
            section={p: _section((data.get("section") or {}).get(p)) for p in ("a", "b")},
            revealed_at=data.get("revealed_at"),
            unseal_request=req if req in ("a", "b") else None,
            shared=two("shared", bool, False),
            version=_version(data.get("version")),
        )


def other(p: str) -> Partner:
    return "b" if p == "a" else "a"


def phase(state: FlowState) -> Phase:
    if state.revealed_at is not None:
        return "reveal"
    if not state.sealed["a"]:
        return "answer_a"
    if not state.sealed["b"]:
        return "answer_b"
    return "confirm"


def answering(state: FlowState) -> Partner | None:
    ph = phase(state)
    return "a" if ph == "answer_a" else "b" if ph == "answer_b" else None


def _with(state: FlowState, key: str, p: str, value: Any) -> FlowState:
    d = dict(getattr(state, key))
    d[p] = value
    changes: dict[str, Any] = {key: d}
    return replace(state, **changes)


def go_to_section(state: FlowState, p: str, name: str) -> FlowState:
    """Move a partner to another part of their turn. Stores nothing but the place."""
    if answering(state) != p:
        raise FlowError("It isn't this partner's turn to answer right now.")
    if not valid_section(name):
        raise FlowError("That part of the questions doesn't exist.")
    return _with(state, "section", p, name)


def seal(state: FlowState, p: str) -> FlowState:
    if answering(state) != p:
        raise FlowError("These answers can't be sealed right now.")
    new = _with(state, "sealed", p, True)
    new = replace(new, ready={"a": False, "b": False}, unseal_request=None)
    return new


def ask_to_unseal(state: FlowState, p: str) -> FlowState:
    if phase(state) == "reveal":
        raise FlowError("You've already looked at your answers together.")
    if not state.sealed[p]:
        raise FlowError("Those answers aren't sealed.")
    return replace(state, unseal_request=p)


def cancel_unseal(state: FlowState) -> FlowState:
    return replace(state, unseal_request=None)


def agree_unseal(state: FlowState, agreeing: str) -> FlowState:
    """The *other* partner agrees; the asker's answers open again (section: review)."""
    asker = state.unseal_request
    if phase(state) == "reveal":
        raise FlowError("You've already looked at your answers together.")
    if asker is None or agreeing == asker:
        raise FlowError("Only the other partner can agree to this.")
    new = _with(state, "sealed", asker, False)
    new = _with(new, "section", asker, "review")
    return replace(new, ready={"a": False, "b": False}, unseal_request=None)


def confirm_ready(state: FlowState, p: str, now: float) -> FlowState:
    if phase(state) != "confirm":
        raise FlowError("You can look together once you've both sealed your answers.")
    if state.unseal_request is not None:
        raise FlowError(
            "One of you asked to change something first. Answer that question, "
            "then you can look together."
        )
    new = _with(state, "ready", p, True)
    if new.ready["a"] and new.ready["b"]:
        new = replace(new, revealed_at=now)
    return new


def agree_to_share(state: FlowState, p: str, agree: bool = True) -> FlowState:
    if phase(state) != "reveal":
        raise FlowError("You can share with the room after you've looked together.")
    return _with(state, "shared", p, agree)


def both_agree_to_share(state: FlowState) -> bool:
    return bool(state.shared["a"] and state.shared["b"])


# -- answers ------------------------------------------------------------------------------

TEXT = "text"
NEEDS = "needs"


def scale_item(key: str) -> str:
    return f"scale:{key}"


def guess_item(key: str) -> str:
    return f"guess:{key}"


def clean_text(spec: SafetyMapSpec, raw: str | None) -> str:
    """The opening answer to store: trimmed; FlowError if longer than allowed."""
    text = (raw or "").replace("\r\n", "\n").strip()
    limit = spec.opening.max_chars
    if len(text) > limit:
        raise FlowError(
            f"That's {len(text):,} characters — please keep it to {limit:,}. "
            "Nothing you wrote was lost: shorten it a little and save again."
        )
    return text


def to_answers(spec: SafetyMapSpec, stored: Mapping[str, tuple[Any, bool]]) -> PartnerAnswers:
    """Turn stored items into PartnerAnswers; anything invalid counts as skipped."""

    def value(item: str) -> Any:
        val, skipped = stored.get(item, (None, True))
        return None if skipped else val

    positions: dict[str, int | None] = {}
    guesses: dict[str, int | None] = {}
    for s in spec.scales:
        for target, item in ((positions, scale_item(s.key)), (guesses, guess_item(s.key))):
            try:
                target[s.key] = validate_position(value(item))
            except ValueError:
                target[s.key] = None
    try:
        raw_needs = value(NEEDS)
        needs = validate_needs(spec, raw_needs) if raw_needs is not None else None
    except ValueError:
        needs = None
    text = value(TEXT)
    return PartnerAnswers(
        text=text if isinstance(text, str) and text.strip() else None,
        positions=positions,
        needs=needs,
        guesses=guesses,
    )
