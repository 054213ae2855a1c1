"""The safety map's actions over the store (pure: no Streamlit).

Every function commits before it returns, so a reload or a crash right after
loses nothing. Reads are per partner: during one partner's turn nothing of the
other's answers is read.

Every write checks, inside its own transaction, that it still fits the moment:

- a move of the flow (another part, seal, ready, unseal, share) names the version of
  the state its screen was drawn from; if the stored state has moved on (another tab,
  an old tab, the other partner), it raises :class:`Stale` and changes nothing;
- an answer is written only while that partner is the one answering, checked against
  the stored state in the same transaction — so an old tab can't write into sealed
  answers. Answers don't move the version: a partner answering scale 2 doesn't make
  scale 3's card out of date.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from studio import safety_flow as flow
from studio.safety_map import PartnerAnswers, Reveal, SafetyMapSpec, summary
from studio.store import SafetyRunRow, Store, safety_answers, safety_runs

EXERCISE_ID = "safety_map"  # the first scales exercise; others pass their own id


class Stale(flow.FlowError):
    """The screen was drawn from an older state than the one stored; nothing changed."""

    def __init__(self) -> None:
        super().__init__(
            "This screen was a step behind (perhaps it was open in another tab), so "
            "nothing was changed. Here is where things stand now."
        )


@dataclass(frozen=True)
class Run:
    id: int
    state: flow.FlowState
    started_at: float

    @property
    def phase(self) -> flow.Phase:
        return flow.phase(self.state)

    @property
    def version(self) -> int:
        return self.state.version


def _run(row: SafetyRunRow | Any) -> Run:
    """A run from the store's row (or, inside a transaction, a result mapping)."""
    if isinstance(row, SafetyRunRow):
        return Run(row.id, flow.FlowState.from_dict(row.state), row.started_at)
    state = row["state"]
    if isinstance(state, str):
        state = json.loads(state)
    return Run(row["id"], flow.FlowState.from_dict(state), row["started_at"])


def runs(store: Store, couple_id: int, exercise_id: str = EXERCISE_ID) -> list[Run]:
    """All runs of one scales exercise, newest first."""
    return [_run(r) for r in store.safety_runs_of(couple_id) if r.exercise_id == exercise_id]


def current_run(store: Store, couple_id: int, exercise_id: str = EXERCISE_ID) -> Run | None:
    all_runs = runs(store, couple_id, exercise_id)
    return all_runs[0] if all_runs else None


def start_run(
    store: Store, couple_id: int, now: float | None = None, *, exercise_id: str = EXERCISE_ID
) -> Run:
    state = flow.FlowState()
    run_id = store.start_safety_run(couple_id, exercise_id, state.to_dict(), now)
    row = store.safety_run(couple_id, run_id)
    assert row is not None
    return _run(row)


def ensure_run(
    store: Store, couple_id: int, now: float | None = None, *, exercise_id: str = EXERCISE_ID
) -> Run:
    """The couple's current round, or a new one if they have none yet."""
    return current_run(store, couple_id, exercise_id) or start_run(
        store, couple_id, now, exercise_id=exercise_id
    )


def reload(store: Store, couple_id: int, run_id: int) -> Run:
    row = store.safety_run(couple_id, run_id)
    if row is None:
        raise flow.FlowError("We couldn't find that round any more.")
    return _run(row)


# -- one transaction per action ----------------------------------------------------------------


def _locked(conn: Connection, run_id: int) -> Run:
    row = (
        conn.execute(select(safety_runs).where(safety_runs.c.id == run_id).with_for_update())
        .mappings()
        .first()
    )
    if row is None:
        raise flow.FlowError("We couldn't find that round any more.")
    return _run(row)


def _move(
    store: Store, run: Run, step: Callable[[flow.FlowState], flow.FlowState], expect: int | None
) -> Run:
    """Apply one move of the flow if the stored state is still version ``expect``
    (``None``: whatever it is now — for callers that just read it)."""
    with store.write() as conn:
        current = _locked(conn, run.id)
        if expect is not None and current.version != expect:
            raise Stale()
        new = replace(step(current.state), version=current.version + 1)
        conn.execute(
            update(safety_runs)
            .where(safety_runs.c.id == run.id)
            .values(state=json.dumps(new.to_dict(), separators=(",", ":")), updated_at=time.time())
        )
    return Run(run.id, new, current.started_at)


def _answer(
    store: Store,
    run: Run,
    partner: str,
    item: str,
    value: Any,
    *,
    skipped: bool = False,
    clear: bool = False,
) -> None:
    """Write (or clear) one answer, only while ``partner`` is answering (checked against
    the stored state, in the same transaction)."""
    with store.write() as conn:
        current = _locked(conn, run.id)
        if flow.answering(current.state) != partner:
            raise Stale()  # sealed meanwhile (another tab, an old screen): nothing written
        where = (
            safety_answers.c.run_id == run.id,
            safety_answers.c.partner == partner,
            safety_answers.c.item == item,
        )
        if clear:
            conn.execute(delete(safety_answers).where(*where))
            return
        payload = None if skipped else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        now = time.time()
        changed = conn.execute(
            update(safety_answers)
            .where(*where)
            .values(value=payload, skipped=skipped, updated_at=now)
        ).rowcount
        if not changed:
            conn.execute(
                insert(safety_answers).values(
                    run_id=run.id,
                    partner=partner,
                    item=item,
                    value=payload,
                    skipped=skipped,
                    updated_at=now,
                )
            )


def own_answers(store: Store, run: Run, partner: str) -> dict[str, tuple[Any, bool]]:
    """One partner's stored items (never the other's). A missing item was never answered."""
    return store.answers_of(run.id, partner)


# -- answers: written only when the partner gives them ---------------------------------------


def save_text(store: Store, spec: SafetyMapSpec, run: Run, partner: str, raw: str | None) -> str:
    text = flow.clean_text(spec, raw)
    _answer(store, run, partner, flow.TEXT, text, clear=not text)
    return text


def skip(store: Store, run: Run, partner: str, item: str) -> None:
    """ "I'd rather not say" for one item."""
    _answer(store, run, partner, item, None, skipped=True)


def save_position(store: Store, run: Run, partner: str, item: str, value: int | None) -> None:
    """Save one scale answer (own position or guess); ``None`` means "I'd rather not say"."""
    from studio.safety_map import validate_position

    if value is None:
        _answer(store, run, partner, item, None, skipped=True)
        return
    _answer(store, run, partner, item, validate_position(value))


def save_needs(
    store: Store, spec: SafetyMapSpec, run: Run, partner: str, needs: list[str] | None
) -> None:
    """The need cards picked; ``None`` means "I'd rather not say", an empty list clears."""
    from studio.safety_map import validate_needs

    if needs is None:
        _answer(store, run, partner, flow.NEEDS, None, skipped=True)
        return
    chosen = list(validate_needs(spec, needs) or ())
    _answer(store, run, partner, flow.NEEDS, chosen, clear=not chosen)


# -- moves of the flow: each names the version its screen was drawn from ---------------------


def go_to_section(
    store: Store, run: Run, partner: str, section: str, expect: int | None = None
) -> Run:
    return _move(store, run, lambda s: flow.go_to_section(s, partner, section), expect)


def seal(store: Store, run: Run, partner: str, expect: int | None = None) -> Run:
    return _move(store, run, lambda s: flow.seal(s, partner), expect)


def ask_to_unseal(store: Store, run: Run, partner: str, expect: int | None = None) -> Run:
    return _move(store, run, lambda s: flow.ask_to_unseal(s, partner), expect)


def cancel_unseal(store: Store, run: Run, expect: int | None = None) -> Run:
    return _move(store, run, flow.cancel_unseal, expect)


def agree_unseal(store: Store, run: Run, agreeing: str, expect: int | None = None) -> Run:
    return _move(store, run, lambda s: flow.agree_unseal(s, agreeing), expect)


def confirm_ready(
    store: Store, run: Run, partner: str, now: float | None = None, expect: int | None = None
) -> Run:
    now = time.time() if now is None else now
    return _move(store, run, lambda s: flow.confirm_ready(s, partner, now), expect)


def agree_to_share(
    store: Store, run: Run, partner: str, agree: bool, expect: int | None = None
) -> Run:
    return _move(store, run, lambda s: flow.agree_to_share(s, partner, agree), expect)


# -- the reveal ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevealData:
    a: PartnerAnswers
    b: PartnerAnswers
    reveal: Reveal


def reveal(store: Store, spec: SafetyMapSpec, run: Run) -> RevealData:
    """Both partners' answers, only once the run has been revealed."""
    if run.phase != "reveal":
        raise flow.FlowError("You'll see this once you've both agreed to look together.")
    a = flow.to_answers(spec, store.answers_of(run.id, "a"))
    b = flow.to_answers(spec, store.answers_of(run.id, "b"))
    return RevealData(a, b, summary(spec, a, b))


def carry_to_dialogue(store: Store, couple_id: int, topic: str) -> int:
    """Store a topic the dialogue's topic picker offers (kept for earlier rounds)."""
    for t in store.open_topics(couple_id):
        if t.text == topic:
            return t.id
    return store.add_topic(couple_id, topic, "safety_map")
