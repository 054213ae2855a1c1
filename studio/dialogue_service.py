"""Dialogue actions that combine the state machine with the store (pure: no Streamlit)."""

from __future__ import annotations

from studio.store import Couple, Store


def on_break(store: Store, couple: Couple, event: str, now: float) -> None:
    """Pause or resume the couple's running dialogue, if there is one."""
    return None
