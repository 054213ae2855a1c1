"""Actions that touch more than one part of the core (pure: no Streamlit).

Pages call these so that no page holds a rule of its own.
"""

from __future__ import annotations

import time

from studio.store import Couple, Store


def pause(store: Store, couple: Couple, now: float | None = None) -> None:
    """Start a break: the couple's pause, and any running dialogue's step timer."""
    now = time.time() if now is None else now
    store.pause(couple.id, now)
    _dialogue_event(store, couple, "pause", now)


def resume(store: Store, couple: Couple, now: float | None = None) -> float:
    """End the break; timers continue with the time they had left."""
    now = time.time() if now is None else now
    seconds = store.resume(couple.id, now)
    _dialogue_event(store, couple, "resume_from_pause", now)
    return seconds


def _dialogue_event(store: Store, couple: Couple, event: str, now: float) -> None:
    from studio import dialogue_service

    dialogue_service.on_break(store, couple, event, now)
