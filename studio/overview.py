"""One plain sentence per exercise for "Our space": where the two of you are (pure)."""

from __future__ import annotations

import datetime as dt

from studio import checkin_service, dialogue_service, safety_service
from studio.dialogue import StateError
from studio.store import Couple, Store


def _day(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%d %B").lstrip("0")


def scales_status(
    store: Store, couple: Couple, exercise_id: str = safety_service.EXERCISE_ID
) -> str:
    """Where the two of you are with one scales exercise ("What makes you feel safe?",
    "When we disagree", …)."""
    runs = safety_service.runs(store, couple.id, exercise_id)
    if not runs:
        return "Not started yet."
    run = runs[0]
    done = sum(1 for r in runs if r.phase == "reveal")
    if run.phase == "reveal":
        when = _day(run.state.revealed_at or run.started_at)
        return f"You last looked at it together on {when}." + (
            f" {done} rounds so far." if done > 1 else ""
        )
    sealed = sum(1 for p in "ab" if run.state.sealed[p])
    if run.phase == "confirm":
        return "Both of you have sealed your answers: ready to look together."
    return f"In progress: {sealed} of 2 have sealed their answers."


def dialogue_status(store: Store, couple: Couple) -> str:
    try:
        run = dialogue_service.latest(store, couple)
    except (StateError, ValueError):
        return "Your last dialogue couldn't be read; you can start a new one."
    if run is None:
        return "Not started yet."
    screen = dialogue_service.screen(run)
    if screen == "dialogue":
        if run.state.phase == "postponed":
            return "Paused until the time you agreed."
        return f"In progress: round {run.state.round}."
    if screen == "after":
        return "Talked through — how it felt is still to share."
    return "Ready for a new one."


def checkin_status(store: Store, couple: Couple, now: float) -> str:
    """Where the check-in stands, and the day the couple picked (never a reproach)."""
    last = checkin_service.latest(store, couple.id)
    if last is None:
        return "Not started yet."
    if last.state.step != "done":
        return "In progress: you can pick up where you left off."
    day = checkin_service.next_day(store, couple.id)
    return checkin_service.next_words(day, now) or (
        f"Your last check-in was on {_day(last.started_at)}."
    )


def safety_map_status(store: Store, couple: Couple) -> str:
    """The first scales exercise's status (kept for callers that name it)."""
    return scales_status(store, couple)
