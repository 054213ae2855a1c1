"""The reveal's charts in words: one function per chart, plain-text lines out (pure).

Each function says what its chart in ``studio.charts`` shows, row by row, with the
pole words of every scale and "not answered" where a partner gave no position. The
lines are plain text — no markdown, no HTML: names and topics are used exactly as
given, so the caller escapes them for wherever it draws them (``st.text`` needs nothing;
markdown needs ``md_escape`` on each line). Names come in as plain strings (e.g.
``partner.plain(couple, p)``, "● Robin").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from studio.safety_map import GuessRow, Reveal, SafetyMapSpec, ScaleRow, band_label

NOT_ANSWERED = "not answered"
NO_GUESS = "no guess"
CLOSENESS_POLES = ("steps back for space", "reaches for closeness")
CONFLICT_POLES = ("cools off first", "talks it through now")

__all__ = [
    "CLOSENESS_POLES",
    "CONFLICT_POLES",
    "NOT_ANSWERED",
    "NO_GUESS",
    "gaps_lines",
    "guesses_lines",
    "map_lines",
    "poles_by_key",
    "position_words",
    "positions_lines",
]


def position_words(
    value: int | None, left_pole: str, right_pole: str, missing: str = NOT_ANSWERED
) -> str:
    """Where ``value`` (0..10) sits between two poles, in words.

    0 and 10 are the poles themselves, 5 is "in between", anything else is "closer to"
    the nearer pole; ``None`` is ``missing``.
    """
    if value is None:
        return missing
    if value <= 0:
        return left_pole
    if value >= 10:
        return right_pole
    if value == 5:
        return "in between"
    return "closer to “" + (left_pole if value < 5 else right_pole) + "”"


def poles_by_key(spec: SafetyMapSpec | None) -> dict[str, tuple[str, str]]:
    """Each scale's two pole words, by scale key (empty without a spec)."""
    return {s.key: s.poles for s in spec.scales} if spec is not None else {}


def _scale(topic: str, poles: tuple[str, str] | None) -> str:
    if not poles:
        return topic
    return f"{topic} (0 = {poles[0]}, 10 = {poles[1]})"


def _said(name: str, value: int | None, poles: tuple[str, str] | None, missing: str) -> str:
    if value is None:
        return f"{name}: {missing}"
    if not poles:
        return f"{name}: {value} of 10"
    return f"{name}: {value} of 10, {position_words(value, *poles, missing=missing)}"


def _poles(row: ScaleRow) -> tuple[str, str]:
    return (row.left_pole or row.left, row.right_pole or row.right)


def positions_lines(
    reveal: Reveal, names: Mapping[str, str], *, missing: str = NOT_ANSWERED
) -> list[str]:
    """``positions_figure`` in words: one line per scale at least one of you answered,
    then one line naming the scales neither answered (left out of the chart).

    ``names`` maps "a" and "b" to plain display names. Example line:
    "Time together or time alone (0 = Most time together, 10 = Plenty of time alone):
    ● Robin: 2 of 10, closer to “Most time together”; ▲ Sam: not answered."
    """
    lines: list[str] = []
    neither: list[str] = []
    for r in reveal.rows:
        if r.a is None and r.b is None:
            neither.append(r.topic)
            continue
        poles = _poles(r)
        lines.append(
            _scale(r.topic, poles)
            + ": "
            + _said(names["a"], r.a, poles, missing)
            + "; "
            + _said(names["b"], r.b, poles, missing)
            + "."
        )
    if neither:
        lines.append(f"Neither of you answered ({missing}): " + "; ".join(neither) + ".")
    return lines


def gaps_lines(reveal: Reveal, spec: SafetyMapSpec, *, missing: str = NOT_ANSWERED) -> list[str]:
    """``gaps_figure`` in words: one line per scale you both answered, biggest gap first
    (ties in file order), e.g. "Words of reassurance: 10 points apart — Far apart.", then
    one line naming the scales that could not be compared."""
    rows = sorted((r for r in reveal.rows if r.compared), key=lambda r: (-(r.gap or 0), r.order))
    lines = [
        f"{r.topic}: {r.gap} point{'s' if r.gap != 1 else ''} apart — {band_label(spec, r.band)}."
        for r in rows
    ]
    left_out = [r.topic for r in reveal.rows if not r.compared]
    if left_out:
        lines.append(f"Not compared (one or both of you: {missing}): " + "; ".join(left_out) + ".")
    return lines


def map_lines(
    reveal: Reveal, names: Mapping[str, str], *, missing: str = NOT_ANSWERED
) -> list[str]:
    """``map_figure`` in words: one line per partner, e.g. "● Robin: closeness 8.2 of 10
    (0 = steps back for space, 10 = reaches for closeness); talking 9.0 of 10 (0 = cools
    off first, 10 = talks it through now)." A partner without both is not on the map,
    and the line says which scales were not answered."""
    close, conflict = reveal.axis("closeness"), reveal.axis("conflict")
    lines: list[str] = []
    for p in ("a", "b"):
        x, y = getattr(close, p), getattr(conflict, p)
        parts = []
        parts.append(f"closeness {x:.1f} of 10" if x is not None else f"closeness scales {missing}")
        parts.append(f"talking {y:.1f} of 10" if y is not None else f"talk-now scales {missing}")
        text = (
            f"{names[p]}: {parts[0]} (0 = {CLOSENESS_POLES[0]}, 10 = {CLOSENESS_POLES[1]}); "
            f"{parts[1]} (0 = {CONFLICT_POLES[0]}, 10 = {CONFLICT_POLES[1]})"
        )
        if x is None or y is None:
            text += " — so not on the map"
        lines.append(text + ".")
    return lines


def guesses_lines(
    rows: Sequence[GuessRow],
    guesser: str,
    answerer: str,
    spec: SafetyMapSpec | None = None,
    accuracy: int | None = None,
    *,
    missing: str = NOT_ANSWERED,
    no_guess: str = NO_GUESS,
) -> list[str]:
    """``guesses_figure`` in words: how near the guesses landed (when ``accuracy`` is
    given), then one line per scale with a guess or an answer, e.g. "Time together or
    time alone (0 = …, 10 = …): ● Robin guessed 5 of 10, in between; ▲ Sam said 8 of 10,
    closer to “Plenty of time alone”; 3 apart.", then the scales with neither.
    ``spec`` gives the pole words (without it the lines say only the numbers)."""
    poles_of = poles_by_key(spec)
    lines: list[str] = []
    if accuracy is not None:
        lines.append(f"{guesser}'s guesses landed, on average, {accuracy} / 100 near.")
    neither: list[str] = []
    for r in rows:
        if r.guess is None and r.actual is None:
            neither.append(r.topic)
            continue
        poles = poles_of.get(r.key)
        g = (
            f"{guesser} guessed {r.guess} of 10"
            + (f", {position_words(r.guess, *poles)}" if poles else "")
            if r.guess is not None
            else f"{guesser}: {no_guess}"
        )
        a = (
            f"{answerer} said {r.actual} of 10"
            + (f", {position_words(r.actual, *poles)}" if poles else "")
            if r.actual is not None
            else f"{answerer}: {missing}"
        )
        tail = f"; {r.off_by} apart" if r.off_by is not None else ""
        lines.append(_scale(r.topic, poles) + ": " + g + "; " + a + tail + ".")
    if neither:
        lines.append("No guess and no answer: " + "; ".join(neither) + ".")
    return lines
