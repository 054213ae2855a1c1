"""Where a couple is in the studio: the steps behind the "step n of m" indicator."""

from __future__ import annotations

from dataclasses import dataclass

MILESTONES: tuple[tuple[str, str], ...] = (
    ("welcome", "Welcome"),
    ("setup", "Your names"),
    ("safety_notes", "A private note for each of you"),
    ("home", "Choosing an exercise"),
    ("answers", "Answering privately"),
    ("reveal", "Seeing it together"),
    ("dialogue", "Talking and listening"),
    ("after", "How it felt"),
)
_INDEX = {key: i for i, (key, _) in enumerate(MILESTONES)}


@dataclass(frozen=True)
class Where:
    n: int
    m: int
    label: str

    def sentence(self) -> str:
        return f"Step {self.n} of {self.m} · {self.label}"


def where(key: str) -> Where:
    """The position of milestone ``key`` (KeyError for an unknown key: a bug, not input)."""
    i = _INDEX[key]
    return Where(i + 1, len(MILESTONES), MILESTONES[i][1])


BREAK_SECONDS = 20 * 60

BREAK_IDEAS: tuple[str, ...] = (
    "Breathe out slowly, a little longer than you breathe in. Do it ten times.",
    "Get a glass of water, or make a warm drink.",
    "Step outside or open a window for some fresh air.",
    "Stretch, shake out your hands, or take a short walk.",
    "Listen to a song you like, on your own or together.",
    "Try not to replay the conversation in your head. It will keep until you're back.",
)


def break_remaining(paused_at: float, now: float, length: float = BREAK_SECONDS) -> float:
    """Seconds left of the suggested break (never negative)."""
    return max(0.0, length - max(0.0, now - paused_at))


def minutes_left(seconds: float) -> str:
    """A calm, whole-minute time left for a couple's own screen ("about 4 minutes left"):
    the big screen has the exact clock; a phone ticking seconds only adds pressure."""
    if seconds > 60:
        return f"about {int(-(-seconds // 60))} minutes left"
    if seconds > 0:
        return "under a minute left"
    return "time's up"


def clock(seconds: float) -> str:
    """12:05 style, rounding up so a running timer never shows 0:00 early."""
    whole = int(-(-max(0.0, seconds) // 1))
    return f"{whole // 60}:{whole % 60:02d}"
