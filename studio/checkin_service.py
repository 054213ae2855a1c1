"""The weekly check-in's actions over the store (pure: no Streamlit).

Like the safety map's service: every function commits before it returns; a move names
the version of the state its screen was drawn from, and a screen a step behind (another
tab, an old tab) raises :class:`Stale` and changes nothing; a private rating is written
only while that partner is the one answering, checked in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from studio import checkin as ck
from studio.store import Couple, Store, checkin_answers, checkins

EXERCISE_ID = "weekly_checkin"


class Stale(ck.CheckinError):
    def __init__(self) -> None:
        super().__init__(
            "This screen was a step behind (perhaps it was open in another tab), "
            "so nothing was changed. Here is where things stand now."
        )


@dataclass(frozen=True)
class Checkin:
    id: int
    state: ck.CheckinState
    started_at: float

    @property
    def version(self) -> int:
        return self.state.version


def find_spec(catalog: Any) -> ck.CheckinSpec | None:
    found = catalog.of_kind("checkin")
    return found[0] if found else None


def _checkin(row: Any) -> Checkin:
    raw = row["state"]
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        data = {}
    return Checkin(int(row["id"]), ck.CheckinState.from_dict(data or {}), float(row["started_at"]))


def all_checkins(store: Store, couple_id: int) -> list[Checkin]:
    """Every check-in of the couple, newest first."""
    with store.read() as conn:
        rows = (
            conn.execute(
                select(checkins)
                .where(checkins.c.couple_id == couple_id)
                .order_by(checkins.c.id.desc())
            )
            .mappings()
            .all()
        )
    return [_checkin(r) for r in rows]


def latest(store: Store, couple_id: int) -> Checkin | None:
    with store.read() as conn:
        row = (
            conn.execute(
                select(checkins)
                .where(checkins.c.couple_id == couple_id)
                .order_by(checkins.c.id.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
    return _checkin(row) if row is not None else None


def current(store: Store, couple_id: int) -> Checkin | None:
    """The check-in in progress (not yet done), if any."""
    last = latest(store, couple_id)
    return last if last is not None and last.state.step != "done" else None


def start(store: Store, couple_id: int, now: float | None = None) -> Checkin:
    """A new check-in, or the one already in progress (a second tab can't start two)."""
    now = time.time() if now is None else now
    with store.write() as conn:
        row = (
            conn.execute(
                select(checkins)
                .where(checkins.c.couple_id == couple_id)
                .order_by(checkins.c.id.desc())
                .limit(1)
                .with_for_update()
            )
            .mappings()
            .first()
        )
        if row is not None and _checkin(row).state.step != "done":
            return _checkin(row)
        state = ck.CheckinState()
        made = conn.execute(
            insert(checkins).values(
                couple_id=couple_id,
                exercise_id=EXERCISE_ID,
                state=json.dumps(state.to_dict(), separators=(",", ":")),
                started_at=now,
                updated_at=now,
            )
        ).inserted_primary_key
        assert made is not None
        new_id = made[0]
    return Checkin(int(new_id), state, now)


def reload(store: Store, couple_id: int, checkin_id: int) -> Checkin:
    with store.read() as conn:
        row = (
            conn.execute(
                select(checkins).where(
                    checkins.c.id == checkin_id, checkins.c.couple_id == couple_id
                )
            )
            .mappings()
            .first()
        )
    if row is None:
        raise ck.CheckinError("We couldn't find that check-in any more.")
    return _checkin(row)


def _locked(conn: Connection, checkin_id: int) -> Checkin:
    row = (
        conn.execute(select(checkins).where(checkins.c.id == checkin_id).with_for_update())
        .mappings()
        .first()
    )
    if row is None:
        raise ck.CheckinError("We couldn't find that check-in any more.")
    return _checkin(row)


def _move(
    store: Store,
    item: Checkin,
    step: Callable[[ck.CheckinState], ck.CheckinState],
    expect: int | None,
) -> Checkin:
    with store.write() as conn:
        now = _locked(conn, item.id)
        if expect is not None and now.version != expect:
            raise Stale()
        new = step(now.state)
        new = replace(
            new, version=now.version + 1, flow=replace(new.flow, version=new.flow.version + 1)
        )
        conn.execute(
            update(checkins)
            .where(checkins.c.id == item.id)
            .values(state=json.dumps(new.to_dict(), separators=(",", ":")), updated_at=time.time())
        )
    return Checkin(item.id, new, now.started_at)


def _write(
    conn: Connection,
    checkin_id: int,
    partner: str,
    item: str,
    value: Any,
    *,
    skipped: bool = False,
    clear: bool = False,
) -> None:
    where = (
        checkin_answers.c.checkin_id == checkin_id,
        checkin_answers.c.partner == partner,
        checkin_answers.c.item == item,
    )
    if clear:
        conn.execute(delete(checkin_answers).where(*where))
        return
    payload = None if skipped else json.dumps(value, ensure_ascii=False)
    stamp = time.time()
    if not conn.execute(
        update(checkin_answers)
        .where(*where)
        .values(value=payload, skipped=skipped, updated_at=stamp)
    ).rowcount:
        conn.execute(
            insert(checkin_answers).values(
                checkin_id=checkin_id,
                partner=partner,
                item=item,
                value=payload,
                skipped=skipped,
                updated_at=stamp,
            )
        )


def _stored(
    conn: Connection, checkin_id: int, partner: str, private: bool
) -> dict[str, tuple[Any, bool]]:
    rows = conn.execute(
        select(checkin_answers).where(
            checkin_answers.c.checkin_id == checkin_id, checkin_answers.c.partner == partner
        )
    ).all()
    out: dict[str, tuple[Any, bool]] = {}
    for r in rows:
        if r.item.startswith("rate:") != private:
            continue
        out[r.item] = (None if r.value is None else json.loads(r.value), bool(r.skipped))
    return out


# -- words said together: appreciations, what each will do differently ----------------------


def save_words(
    store: Store, spec: ck.CheckinSpec, item: Checkin, partner: str, what: str, raw: str | None
) -> str:
    """An appreciation (on its step) or a repair promise (on the repair step)."""
    if partner not in ("a", "b") or what not in (ck.APPRECIATION, ck.REPAIR):
        raise ck.CheckinError("That answer doesn't belong here.")
    step, limit = (
        ("appreciate", spec.appreciate.max_chars)
        if what == ck.APPRECIATION
        else ("repair", spec.repair.max_chars)
    )
    text = ck.clean_words(raw, limit)
    with store.write() as conn:
        if _locked(conn, item.id).state.step != step:
            raise Stale()
        _write(conn, item.id, partner, what, text, clear=not text)
    return text


def shared_words(store: Store, item: Checkin) -> dict[str, dict[str, str]]:
    """what -> partner -> text, for the words the two of you write together."""
    out: dict[str, dict[str, str]] = {ck.APPRECIATION: {}, ck.REPAIR: {}}
    with store.read() as conn:
        for p in "ab":
            for key, (value, _skipped) in _stored(conn, item.id, p, private=False).items():
                if key in out and isinstance(value, str) and value:
                    out[key][p] = value
    return out


# -- private ratings ---------------------------------------------------------------------------


def save_rating(
    store: Store, spec: ck.CheckinSpec, item: Checkin, partner: str, key: str, value: int | None
) -> None:
    """One private answer (0..4); ``None`` is "I'd rather not say"."""
    if spec.item(key) is None:
        raise ck.CheckinError("That question isn't part of this check-in.")
    if value is not None:
        value = ck.validate_answer(value)
    with store.write() as conn:
        if ck.answering(_locked(conn, item.id).state) != partner:
            raise Stale()  # sealed meanwhile: nothing written
        _write(conn, item.id, partner, ck.rate_item(key), value, skipped=value is None)


def own_ratings(store: Store, item: Checkin, partner: str) -> dict[str, tuple[Any, bool]]:
    """One partner's own private answers (never the other's)."""
    with store.read() as conn:
        return _stored(conn, item.id, partner, private=True)


def together(store: Store, spec: ck.CheckinSpec, item: Checkin) -> list[ck.ItemRow]:
    """Both partners' ratings, only once both have agreed to look together."""
    fresh = reload(store, _couple_of(store, item), item.id)
    if not fresh.state.revealed:
        raise ck.CheckinError("You'll see this once you've both agreed to look together.")
    with store.read() as conn:
        a = ck.ratings_of(spec, _stored(conn, item.id, "a", private=True))
        b = ck.ratings_of(spec, _stored(conn, item.id, "b", private=True))
    return ck.item_rows(spec, a, b)


def _couple_of(store: Store, item: Checkin) -> int:
    with store.read() as conn:
        return int(
            conn.execute(select(checkins.c.couple_id).where(checkins.c.id == item.id)).scalar_one()
        )


# -- moves ---------------------------------------------------------------------------------------


def appreciated(store: Store, item: Checkin, expect: int | None = None) -> Checkin:
    return _move(store, item, ck.appreciated, expect)


def seal(store: Store, item: Checkin, partner: str, expect: int | None = None) -> Checkin:
    return _move(store, item, lambda s: ck.seal(s, partner), expect)


def ask_to_unseal(store: Store, item: Checkin, partner: str, expect: int | None = None) -> Checkin:
    return _move(store, item, lambda s: ck.ask_to_unseal(s, partner), expect)


def cancel_unseal(store: Store, item: Checkin, expect: int | None = None) -> Checkin:
    return _move(store, item, ck.cancel_unseal, expect)


def agree_unseal(store: Store, item: Checkin, agreeing: str, expect: int | None = None) -> Checkin:
    return _move(store, item, lambda s: ck.agree_unseal(s, agreeing), expect)


def ready(
    store: Store, item: Checkin, partner: str, now: float | None = None, expect: int | None = None
) -> Checkin:
    now = time.time() if now is None else now
    return _move(store, item, lambda s: ck.ready(s, partner, now), expect)


def after_ratings(store: Store, item: Checkin, expect: int | None = None) -> Checkin:
    return _move(store, item, ck.after_ratings, expect)


def choose_topic(
    store: Store,
    spec: ck.CheckinSpec,
    couple: Couple,
    item: Checkin,
    talk: str,
    topic: str | None,
    expect: int | None = None,
    now: float | None = None,
) -> Checkin:
    """ "Now" opens a dialogue on the topic (at "Is now a good time?"); "later" keeps it for
    the dialogue's topic picker; "not this week" keeps nothing. A dialogue already under
    way is never replaced: the topic is kept for later instead (``InProgress`` from the
    dialogue service is turned into that)."""
    from studio import dialogue_service

    now = time.time() if now is None else now
    new = _move(store, item, lambda s: ck.choose_topic(s, spec, talk, topic), expect)
    if new.state.topic and talk == "now":
        try:
            dialogue_service.start_on_topic(store, couple, new.state.topic, now)
        except dialogue_service.InProgress:
            store.add_topic(couple.id, new.state.topic, "checkin")
            new = _move(store, new, lambda s: replace(s, talk="later"), None)
    elif new.state.topic:
        store.add_topic(couple.id, new.state.topic, "checkin")
    return new


def start_repair(store: Store, item: Checkin, first: str, expect: int | None = None) -> Checkin:
    return _move(store, item, lambda s: ck.start_repair(s, first), expect)


def switch_repair(store: Store, item: Checkin, expect: int | None = None) -> Checkin:
    return _move(store, item, ck.switch_repair, expect)


def end_repair(
    store: Store, item: Checkin, *, skipped: bool = False, expect: int | None = None
) -> Checkin:
    return _move(store, item, lambda s: ck.end_repair(s, skipped=skipped), expect)


def set_next(
    store: Store,
    item: Checkin,
    day: dt.date | None,
    now: float | None = None,
    expect: int | None = None,
) -> Checkin:
    now = time.time() if now is None else now
    return _move(store, item, lambda s: ck.set_next(s, day, now), expect)


# -- "next time" -----------------------------------------------------------------------------------


def next_day(store: Store, couple_id: int) -> dt.date | None:
    """The day the couple picked for their next check-in (from the latest finished one)."""
    for item in all_checkins(store, couple_id):
        if item.state.step == "done":
            return dt.date.fromisoformat(item.state.next_day) if item.state.next_day else None
    return None


def next_words(day: dt.date | None, now: float) -> str | None:
    """How "Our space" mentions the next check-in: a date, never a reproach."""
    if day is None:
        return None
    today = dt.date.fromtimestamp(now)
    label = day.strftime("%A %d %B").replace(" 0", " ")
    if day == today:
        return f"You planned your next check-in for today, {label}."
    if day == today + dt.timedelta(days=1):
        return f"Your next check-in: tomorrow, {label}."
    if day > today:
        return f"Your next check-in: {label}."
    return f"You'd planned a check-in for {label}. Whenever suits you is a good time."


def calendar_file(spec: ck.CheckinSpec, day: dt.date, now: float) -> bytes:
    """An .ics file with one all-day event, made here (no account, nothing sent).

    Uses the ``icalendar`` library for RFC 5545's escaping and line folding rather
    than writing them by hand. The event holds no names and no answers."""
    import hashlib

    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//Side by Side//check-in//EN")
    cal.add("version", "2.0")
    event = icalendar.Event()
    event.add("summary", spec.title)
    event.add("description", "Time for your check-in in Side by Side.")
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("dtstamp", dt.datetime.fromtimestamp(now, tz=dt.UTC))
    event.add(
        "uid",
        hashlib.sha256(f"{day.isoformat()}-{now}".encode()).hexdigest()[:24]
        + "@side-by-side.local",
    )
    cal.add_component(event)
    return cal.to_ical()
