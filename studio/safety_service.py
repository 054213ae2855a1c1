"""The safety map's actions over the store (pure: no Streamlit).

Every function commits before it returns, so a reload or a crash right after
loses nothing. Reads are per partner: during one partner's turn nothing of the
other's answers is read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from studio import safety_flow as flow
from studio.safety_map import PartnerAnswers, Reveal, SafetyMapSpec, summary
from studio.store import Store

EXERCISE_ID = "safety_map"


@dataclass(frozen=True)
class Run:
    id: int
    state: flow.FlowState
    started_at: float

    @property
    def phase(self) -> flow.Phase:
        return flow.phase(self.state)


def _run(row: dict[str, Any]) -> Run:
    return Run(row["id"], flow.FlowState.from_dict(row["state"]), row["started_at"])


def runs(store: Store, couple_id: int) -> list[Run]:
    """All runs, newest first."""
    return [_run(r) for r in store.safety_runs_of(couple_id) if r["exercise_id"] == EXERCISE_ID]


def current_run(store: Store, couple_id: int) -> Run | None:
    all_runs = runs(store, couple_id)
    return all_runs[0] if all_runs else None


def start_run(store: Store, couple_id: int, now: float | None = None) -> Run:
    state = flow.FlowState()
    run_id = store.start_safety_run(couple_id, EXERCISE_ID, state.to_dict(), now)
    row = store.safety_run(couple_id, run_id)
    assert row is not None
    return _run(row)


def reload(store: Store, couple_id: int, run_id: int) -> Run:
    row = store.safety_run(couple_id, run_id)
    if row is None:
        raise flow.FlowError("We couldn't find that round any more.")
    return _run(row)


def _save_state(store: Store, run: Run, state: flow.FlowState) -> Run:
    store.set_safety_state(run.id, state.to_dict())
    return Run(run.id, state, run.started_at)


def own_answers(store: Store, run: Run, partner: str) -> dict[str, tuple[Any, bool]]:
    """One partner's stored items (never the other's)."""
    return store.answers_of(run.id, partner)


def _require_turn(run: Run, partner: str) -> None:
    if flow.answering(run.state) != partner:
        raise flow.FlowError("These answers are sealed. Open them again first to change them.")


def save_text(store: Store, spec: SafetyMapSpec, run: Run, partner: str, raw: str | None) -> str:
    _require_turn(run, partner)
    text = flow.clean_text(spec, raw)
    if text:
        store.save_answer(run.id, partner, flow.TEXT, text)
    else:
        store.clear_answer(run.id, partner, flow.TEXT)
    return text


def skip(store: Store, run: Run, partner: str, item: str) -> None:
    _require_turn(run, partner)
    store.save_answer(run.id, partner, item, None, skipped=True)


def save_position(store: Store, run: Run, partner: str, item: str, value: int | None) -> None:
    """Save one slider (a scale or a guess); ``None`` means "I'd rather not say"."""
    _require_turn(run, partner)
    if value is None:
        store.save_answer(run.id, partner, item, None, skipped=True)
        return
    from studio.safety_map import validate_position

    store.save_answer(run.id, partner, item, validate_position(value))


def save_needs(
    store: Store, spec: SafetyMapSpec, run: Run, partner: str, needs: list[str] | None
) -> None:
    from studio.safety_map import validate_needs

    _require_turn(run, partner)
    if needs is None:
        store.save_answer(run.id, partner, flow.NEEDS, None, skipped=True)
        return
    store.save_answer(run.id, partner, flow.NEEDS, list(validate_needs(spec, needs) or ()))


def go_to_section(store: Store, run: Run, partner: str, index: int) -> Run:
    return _save_state(store, run, flow.go_to_section(run.state, partner, index))


def seal(store: Store, run: Run, partner: str) -> Run:
    return _save_state(store, run, flow.seal(run.state, partner))


def ask_to_unseal(store: Store, run: Run, partner: str) -> Run:
    return _save_state(store, run, flow.ask_to_unseal(run.state, partner))


def cancel_unseal(store: Store, run: Run) -> Run:
    return _save_state(store, run, flow.cancel_unseal(run.state))


def agree_unseal(store: Store, run: Run, agreeing: str) -> Run:
    return _save_state(store, run, flow.agree_unseal(run.state, agreeing))


def confirm_ready(store: Store, run: Run, partner: str, now: float | None = None) -> Run:
    now = time.time() if now is None else now
    return _save_state(store, run, flow.confirm_ready(run.state, partner, now))


def agree_to_share(store: Store, run: Run, partner: str, agree: bool) -> Run:
    return _save_state(store, run, flow.agree_to_share(run.state, partner, agree))


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
    """Store a difference as a topic the dialogue can pick up."""
    text = f"Where we differ: {topic}"
    for t in store.open_topics(couple_id):
        if t["text"] == text:
            return int(t["id"])
    return store.add_topic(couple_id, text, "safety_map")
