"""Conversation cards over the store (pure: no Streamlit).

Each action is one transaction that reads the stored state, checks the move still
fits it (the version the screen was drawn from, and who is writing) and writes the new
state. So a second tab, an old tab or a double press can't deal two cards or put a
guess into a deal that has moved on. A guess-first deal's words are shown only once
both are in; the words of a deal that was never shown are deleted when the next card
is dealt, so nothing half-said lingers in the file.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from studio import cards as core
from studio.cards import DeckError, DeckSpec, DeckState, Together
from studio.store import Store, card_runs, card_words


class Stale(DeckError):
    """The screen was drawn from an older state; nothing changed."""

    def __init__(self) -> None:
        super().__init__(
            "This screen was a step behind (perhaps it was open in another tab), so "
            "nothing was changed. Here is where things stand now."
        )


@dataclass(frozen=True)
class Run:
    id: int
    exercise_id: str
    state: DeckState
    started_at: float

    @property
    def version(self) -> int:
        return self.state.version


def _run(row: Any) -> Run:
    raw = row["state"]
    state = DeckState.from_dict(json.loads(raw) if isinstance(raw, str) else raw)
    return Run(int(row["id"]), str(row["exercise_id"]), state, float(row["started_at"]))


def runs(store: Store, couple_id: int, exercise_id: str) -> list[Run]:
    """The couple's runs of one deck, newest first."""
    with store.read() as conn:
        rows = conn.execute(
            select(card_runs)
            .where(card_runs.c.couple_id == couple_id, card_runs.c.exercise_id == exercise_id)
            .order_by(card_runs.c.id.desc())
        ).mappings()
        return [_run(r) for r in rows]


def current(store: Store, couple_id: int, exercise_id: str, now: float | None = None) -> Run:
    """The couple's run of this deck, begun (with a fresh order) the first time."""
    found = runs(store, couple_id, exercise_id)
    if found:
        return found[0]
    now = time.time() if now is None else now
    state = DeckState(seed=secrets.randbelow(2**31))
    with store.write() as conn:
        # Two tabs opening the deck at once: the second finds the first's run.
        again = conn.execute(
            select(card_runs.c.id).where(
                card_runs.c.couple_id == couple_id, card_runs.c.exercise_id == exercise_id
            )
        ).first()
        if again is None:
            conn.execute(
                insert(card_runs).values(
                    couple_id=couple_id,
                    exercise_id=exercise_id,
                    state=_dumps(state),
                    started_at=now,
                    updated_at=now,
                )
            )
    return runs(store, couple_id, exercise_id)[0]


def reload(store: Store, run: Run) -> Run:
    with store.read() as conn:
        row = conn.execute(select(card_runs).where(card_runs.c.id == run.id)).mappings().first()
    if row is None:
        raise DeckError("We couldn't find these cards any more.")
    return _run(row)


def _dumps(state: DeckState) -> str:
    return json.dumps(state.to_dict(), separators=(",", ":"))


def _locked(conn: Connection, run_id: int) -> Run:
    row = (
        conn.execute(select(card_runs).where(card_runs.c.id == run_id).with_for_update())
        .mappings()
        .first()
    )
    if row is None:
        raise DeckError("We couldn't find these cards any more.")
    return _run(row)


def _save(conn: Connection, run: Run, new: DeckState) -> Run:
    new = replace(new, version=run.version + 1)
    conn.execute(
        update(card_runs)
        .where(card_runs.c.id == run.id)
        .values(state=_dumps(new), updated_at=time.time())
    )
    return replace(run, state=new)


def _move(
    store: Store, run: Run, step: Callable[[DeckState], DeckState], expect: int | None
) -> Run:
    with store.write() as conn:
        now = _locked(conn, run.id)
        if expect is not None and now.version != expect:
            raise Stale()
        new = step(now.state)
        if new.deals != now.state.deals:  # a new card: words never shown go
            conn.execute(
                delete(card_words).where(
                    card_words.c.run_id == run.id, card_words.c.shown.is_(False)
                )
            )
        return _save(conn, now, new)


def deal(store: Store, spec: DeckSpec, run: Run, expect: int | None = None) -> Run:
    return _move(store, run, lambda s: core.deal(spec, s), expect)


def put_back(store: Store, spec: DeckSpec, run: Run, expect: int | None = None) -> Run:
    return _move(store, run, lambda s: core.put_back(spec, s), expect)


def favourite(store: Store, run: Run, card: str, expect: int | None = None) -> Run:
    return _move(store, run, lambda s: core.toggle_favourite(s, card), expect)


def choose(
    store: Store,
    spec: DeckSpec,
    run: Run,
    categories: list[str],
    guess_first: bool,
    expect: int | None = None,
) -> Run:
    return _move(store, run, lambda s: core.choose(spec, s, categories, guess_first), expect)


def write(store: Store, run: Run, partner: str, text: str | None, expect: int | None = None) -> Run:
    """``partner``'s guess or answer for the card on the table (``None``: "I'd rather not
    say"), only while it is their turn to write (checked in the same transaction). The
    answer, the second of the two, shows both."""
    with store.write() as conn:
        now = _locked(conn, run.id)
        state = now.state
        if (expect is not None and now.version != expect) or core.writing(state) != partner:
            raise Stale()
        role = "guess" if state.step == "guess" else "answer"
        words = core.clean_answer(text) if text is not None else None
        conn.execute(
            delete(card_words).where(
                card_words.c.run_id == run.id,
                card_words.c.deal == state.deals,
                card_words.c.partner == partner,
            )
        )
        conn.execute(
            insert(card_words).values(
                run_id=run.id,
                deal=state.deals,
                card=state.card or "",
                partner=partner,
                role=role,
                text=words or None,
                shown=False,
                created_at=time.time(),
            )
        )
        if role == "guess":
            return _save(conn, now, core.guessed(state))
        conn.execute(
            update(card_words)
            .where(card_words.c.run_id == run.id, card_words.c.deal == state.deals)
            .values(shown=True)
        )
        return _save(conn, now, core.answered(state))


def together(store: Store, run: Run) -> Together:
    """The guess and the answer of the card on the table, once both are in (never before:
    until then, neither is read)."""
    state = run.state
    if state.step != "together":
        raise DeckError("You'll see these once you've both written yours.")
    with store.read() as conn:
        rows = conn.execute(
            select(card_words.c.partner, card_words.c.role, card_words.c.text).where(
                card_words.c.run_id == run.id,
                card_words.c.deal == state.deals,
                card_words.c.shown.is_(True),
            )
        ).all()
    said: dict[str, str | None] = {str(r[1]): (None if r[2] is None else str(r[2])) for r in rows}
    return Together(
        guess=said.get("guess"),
        answer=said.get("answer"),
        guesser=core.other(state.turn),
        answerer=state.turn,
    )


def status(store: Store, couple_id: int, spec: DeckSpec) -> str:
    """One plain sentence for "Our space" (never a count to live up to)."""
    found = runs(store, couple_id, spec.id)
    if not found or found[0].state.deals == 0:
        return f"{len(spec.cards)} cards in {len(spec.categories)} themes. Not started yet."
    state = found[0].state
    kept = len(state.favourites)
    left = core.left_in_pass(spec, state)
    out = f"{left} card{'s' if left != 1 else ''} still to come before the deck goes round again."
    if kept:
        out += f" {kept} kept as favourite{'s' if kept != 1 else ''}."
    return out
