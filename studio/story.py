"""Our story so far: everything the two of you have looked at together, over time (pure).

Built only from :meth:`Store.export_couple` — the one gate that already leaves out
whatever is still sealed — so the history page and the take-home report can never show
more than the JSON export does. A skipped or unanswered item is a gap (``None``), never
a zero; a malformed entry is skipped, never a crash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PARTNERS = ("a", "b")
CLOSER_MIN = 2  # safety-map points (0–10) a gap must shrink or grow by to be named
WEEK_CLOSER_MIN = 1  # check-in answer steps (0–4)


@dataclass(frozen=True)
class Point:
    when: float
    a: int | None
    b: int | None


@dataclass(frozen=True)
class Series:
    """One thing over time: both partners' answers at each point."""

    key: str
    label: str
    low: int
    high: int
    poles: tuple[str, str] | None
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Entry:
    """One line of the timeline."""

    when: float
    kind: str  # "safety_map" | "checkin" | "dialogue"
    title: str
    lines: tuple[str, ...]  # user words and content words, unescaped (escape when drawn)


@dataclass(frozen=True)
class Story:
    names: Mapping[str, str]
    entries: tuple[Entry, ...]  # newest first
    scales: tuple[Series, ...]  # safety-map positions per revealed round
    felt: tuple[Series, ...]  # felt heard / felt safe, after each revealed dialogue
    week: tuple[Series, ...]  # the check-in items per revealed check-in
    moved: tuple[str, ...]  # "since last time" sentences (content words only)
    rounds: int
    checkins: int
    dialogues: int

    @property
    def empty(self) -> bool:
        return not self.entries


def day(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%d %b %Y").lstrip("0")


def _int(value: Any, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None
    return value


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (files can be old or odd)."""
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


# -- the safety map ------------------------------------------------------------------------


@dataclass(frozen=True)
class Round:
    when: float
    answers: Mapping[str, Mapping[str, Any]]  # partner -> item -> value (skipped: absent)
    exercise: str = "safety_map"  # which scales exercise ("When we disagree", …)


def rounds_of(export: Mapping[str, Any]) -> list[Round]:
    """Revealed safety-map rounds, oldest first (by when they were looked at)."""
    out = []
    for r in _dicts(export.get("safety_maps")):
        state = _dict(r.get("state"))
        when = _num(state.get("revealed_at")) or _num(r.get("started_at"))
        if when is None or state.get("revealed_at") is None:
            continue
        answers: dict[str, dict[str, Any]] = {"a": {}, "b": {}}
        for a in _dicts(r.get("answers")):
            p, item = a.get("partner"), a.get("item")
            if p in PARTNERS and isinstance(item, str) and not a.get("skipped"):
                answers[p][item] = a.get("value")
        exercise = r.get("exercise")
        out.append(Round(when, answers, exercise if isinstance(exercise, str) else "safety_map"))
    return sorted(out, key=lambda r: r.when)


def _scale_series(spec: Any, rounds: Sequence[Round]) -> tuple[Series, ...]:
    rounds = [r for r in rounds if spec is not None and r.exercise == spec.id]
    if spec is None or not rounds:
        return ()
    out = []
    for s in spec.scales:
        item = f"scale:{s.key}"
        points = tuple(
            Point(
                r.when, _int(r.answers["a"].get(item), 0, 10), _int(r.answers["b"].get(item), 0, 10)
            )
            for r in rounds
        )
        if any(p.a is not None or p.b is not None for p in points):
            out.append(Series(s.key, s.topic, 0, 10, s.poles, points))
    return tuple(out)


def _gap(p: Point) -> int | None:
    return None if p.a is None or p.b is None else abs(p.a - p.b)


def moved_words(series: Iterable[Series], *, min_change: int, since: str) -> list[str]:
    """Where the gap between you shrank or grew since the point before, in words. Only
    items both of you answered both times count."""
    closer, apart = [], []
    for s in series:
        if len(s.points) < 2:
            continue
        before, now = _gap(s.points[-2]), _gap(s.points[-1])
        if before is None or now is None:
            continue
        if before - now >= min_change:
            closer.append(s.label)
        elif now - before >= min_change:
            apart.append(s.label)
    out = []
    if closer:
        out.append(f"Since {since}, you moved closer on: " + "; ".join(closer) + ".")
    if apart:
        out.append(
            f"Since {since}, you moved further apart on: "
            + "; ".join(apart)
            + ". That's worth a gentle conversation, not a worry."
        )
    return out


# -- dialogues and check-ins -----------------------------------------------------------------


def _felt_series(export: Mapping[str, Any]) -> tuple[Series, ...]:
    points: dict[str, list[Point]] = {"heard": [], "safe": []}
    for d in _dicts(export.get("dialogues")):
        when = _num(d.get("created_at"))
        ratings = {r.get("partner"): r for r in _dicts(d.get("ratings"))}
        if when is None or not d.get("revealed") or not ratings:
            continue
        for key in points:
            points[key].append(
                Point(when, *(_int((ratings.get(p) or {}).get(key), 0, 10) for p in PARTNERS))
            )
    labels = {"heard": "I felt heard", "safe": "I felt safe"}
    return tuple(
        Series(
            k,
            labels[k],
            0,
            10,
            ("not at all", "completely"),
            tuple(sorted(v, key=lambda p: p.when)),
        )
        for k, v in points.items()
        if v
    )


def _revealed_checkins(export: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = [c for c in _dicts(export.get("checkins")) if _num(c.get("revealed_at")) is not None]
    return sorted(out, key=lambda c: float(c["revealed_at"]))


def _week_series(spec: Any, checkins: Sequence[Mapping[str, Any]]) -> tuple[Series, ...]:
    if spec is None or not checkins:
        return ()
    out = []
    for it in spec.items:
        points = []
        for c in checkins:
            ratings = _dict(c.get("ratings"))
            points.append(
                Point(
                    float(c["revealed_at"]),
                    *(
                        _int(
                            (ratings.get(p) or {}).get(it.key)
                            if isinstance(ratings.get(p), dict)
                            else None,
                            0,
                            4,
                        )
                        for p in PARTNERS
                    ),
                )
            )
        out.append(Series(it.key, it.short, 0, 4, None, tuple(points)))
    return tuple(out)


def _entries(
    export: Mapping[str, Any], rounds: Sequence[Round], specs: Mapping[str, Any], checkin_spec: Any
) -> list[Entry]:
    entries = []
    for r in rounds:
        spec = specs.get(r.exercise)
        topics = {s.key: s.topic for s in spec.scales} if spec is not None else {}
        title = spec.title if spec is not None else "What makes you feel safe?"
        lines = []
        for p in PARTNERS:
            words = _text(r.answers[p].get("text"))
            if words:
                lines.append(f"{p}:{words}")
        gaps = sorted(
            (
                (abs(r.answers["a"][f"scale:{k}"] - r.answers["b"][f"scale:{k}"]), t)
                for k, t in topics.items()
                if isinstance(r.answers["a"].get(f"scale:{k}"), int)
                and isinstance(r.answers["b"].get(f"scale:{k}"), int)
            ),
            reverse=True,
        )
        far = [t for g, t in gaps[:2] if g >= 3]
        if far:
            lines.append("Where you differed most: " + "; ".join(far) + ".")
        entries.append(Entry(r.when, "safety_map", title, tuple(lines)))
    for d in _dicts(export.get("dialogues")):
        state = _dict(d.get("state"))
        when = _num(d.get("created_at"))
        topic = _text(state.get("topic"))
        if when is None or (topic is None and not d.get("revealed")):
            continue
        lines = [f"Topic: {topic}"] if topic else []
        for rating in _dicts(d.get("ratings")):
            if rating.get("partner") in PARTNERS:
                said = [
                    f"{lab}: {v} of 10"
                    for lab, v in (
                        ("felt heard", _int(rating.get("heard"), 0, 10)),
                        ("felt safe", _int(rating.get("safe"), 0, 10)),
                    )
                    if v is not None
                ]
                word = _text(rating.get("word"))
                if said or word:
                    lines.append(
                        f"{rating['partner']}:" + ", ".join(said + ([f'"{word}"'] if word else []))
                    )
        if state.get("phase") != "done":
            lines.append("Still in progress.")
        entries.append(Entry(when, "dialogue", "Talk and listen", tuple(lines)))
    for c in _dicts(export.get("checkins")):
        when = _num(c.get("revealed_at")) or _num(c.get("started_at"))
        if when is None:
            continue
        lines = []
        thanks = _dict(c.get("appreciations"))
        for p in PARTNERS:
            words = _text(thanks.get(p))
            if words:
                lines.append(f"{p}:{words}")
        topic = _text(c.get("topic"))
        if topic:
            lines.append(f"One thing to talk about: {topic}")
        repair = _dict(c.get("repair"))
        for p in PARTNERS:
            words = _text(repair.get(p))
            if words:
                lines.append(f"{p}:What I'll do differently: {words}")
        if c.get("revealed_at") is None:
            lines.append("How the week felt isn't here: you haven't looked at it together.")
        else:
            lines.append("You looked at how the week felt, together.")
        if not lines:
            continue
        entries.append(Entry(when, "checkin", "Our weekly check-in", tuple(lines)))
    return sorted(entries, key=lambda e: e.when, reverse=True)


def build(export: Mapping[str, Any], catalog: Any) -> Story:
    """The whole story from an export and the content files (``catalog``)."""
    specs = {s.id: s for s in catalog.of_kind("safety_map")} if catalog is not None else {}
    found = catalog.of_kind("checkin") if catalog is not None else []
    checkin_spec = found[0] if found else None
    couple = _dict(export.get("couple"))
    names = {
        p: str(couple.get(f"name_{p}") or ("First partner" if p == "a" else "Second partner"))
        for p in PARTNERS
    }
    rounds = rounds_of(export)
    scales = tuple(x for spec in specs.values() for x in _scale_series(spec, rounds))
    checkins = _revealed_checkins(export)
    week = _week_series(checkin_spec, checkins)
    moved = moved_words(scales, min_change=CLOSER_MIN, since="your last round")
    moved += moved_words(week, min_change=WEEK_CLOSER_MIN, since="your last check-in")
    if len(rounds) >= 2 and not any("last round" in m for m in moved):
        moved.insert(0, "Since your last round, you're about where you were on every scale.")
    entries = _entries(export, rounds, specs, checkin_spec)
    dialogues = sum(1 for e in entries if e.kind == "dialogue")
    return Story(
        names,
        tuple(entries),
        scales,
        _felt_series(export),
        week,
        tuple(moved),
        len(rounds),
        len(checkins),
        dialogues,
    )


def who(line: str) -> tuple[str | None, str]:
    """A timeline line's partner ("a:…" / "b:…") and its words."""
    if len(line) > 2 and line[1] == ":" and line[0] in PARTNERS:
        return line[0], line[2:]
    return None, line


def series_words(s: Series, names: Mapping[str, str], answer_words: Any = None) -> str:
    """A chart's text alternative, one line per thing: each point, both partners."""

    def say(v: int | None) -> str:
        if v is None:
            return "no answer"
        return answer_words(v) if answer_words is not None else str(v)

    parts = [f"{day(p.when)}: {names['a']} {say(p.a)}, {names['b']} {say(p.b)}" for p in s.points]
    return f"{s.label} — " + "; ".join(parts) + "."
