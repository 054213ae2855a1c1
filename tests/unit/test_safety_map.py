"""Scoring for "What makes you feel safe?": hand-computed cases and properties."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from studio.exercises import EXERCISES_DIR, parse_file
from studio.safety_map import (
    AXES,
    PartnerAnswers,
    SafetyMapSpec,
    ScaleRow,
    alignment,
    axis_position,
    band,
    band_label,
    differences,
    guess_accuracy,
    guess_prompt,
    guess_rows,
    meets,
    needs_only,
    pursue_withdraw,
    scale_rows,
    shared_needs,
    summary,
    surprises,
    validate_needs,
    validate_position,
)

SEEDS = Path("/work/shared/seeds")

# ----------------------------------------------------------------------------- helpers


def spec_data(n_scales: int = 10, **overrides: Any) -> dict[str, Any]:
    """A small valid spec: s0 closeness (reach = left), s1 closeness (reach = right),
    s2 conflict (talk-now = left), the rest without axis."""
    scales: list[dict[str, Any]] = []
    for i in range(n_scales):
        s: dict[str, Any] = {
            "key": f"s{i}",
            "topic": f"Topic {i}",
            "left": f"Left statement {i}",
            "right": f"Right statement {i}",
            "starter": f"Starter {i}?",
        }
        if i == 0:
            s.update(axis="closeness", closeness_pole="left")
        elif i == 1:
            s.update(axis="closeness", closeness_pole="right")
        elif i == 2:
            s.update(axis="conflict", closeness_pole="left")
        scales.append(s)
    data: dict[str, Any] = {
        "kind": "safety_map",
        "id": "test_map",
        "title": "Test map",
        "max_needs": 3,
        "opening": {
            "prompt": "What makes you feel safe?",
            "help": "A few words.",
            "max_chars": 2000,
        },
        "thresholds": {"close_max_gap": 2, "explore_max_gap": 5, "pattern_min_gap": 4},
        "texts": {
            "reveal_intro": "Intro",
            "band_close": "Close",
            "band_explore": "Worth exploring",
            "band_far": "Far apart",
            "skipped": "Skipped",
            "meets_title": "Where you meet",
            "differences_title": "Where you differ",
            "surprises_title": "Surprises",
            "guess_prompt": "Where would your partner stand?",
            "pattern_title": "Reaching and stepping back",
            "pattern_text": "Neither of you is wrong.",
        },
        "scales": scales,
        "needs": [
            {"key": k, "label": k.title(), "description": f"About {k}."}
            for k in ("heard", "touch", "calm", "space", "honesty")
        ],
    }
    data.update(overrides)
    return data


def make_spec(n_scales: int = 10, **overrides: Any) -> SafetyMapSpec:
    return SafetyMapSpec.model_validate(spec_data(n_scales, **overrides))


SPEC = make_spec()
REAL: SafetyMapSpec = parse_file(EXERCISES_DIR / "safety_map.toml")  # type: ignore[assignment]


def answers(positions: dict[str, int | None] | None = None, **kw: Any) -> PartnerAnswers:
    return PartnerAnswers(positions=positions or {}, **kw)


def gaps(rows: list[ScaleRow]) -> list[int | None]:
    return [r.gap for r in rows]


# ----------------------------------------------------------------------------- the real file


def test_real_file_covers_the_brief() -> None:
    keys = {s.key for s in REAL.scales}
    assert len(REAL.scales) >= 12
    for needed in (
        "together_alone",
        "reassurance",
        "routine",
        "independence",
        "talk_or_cool",
        "repair",
        "sharing_feelings",
        "affection",
        "decisions",
        "privacy",
    ):
        assert needed in keys
    assert sum(s.axis == "closeness" for s in REAL.scales) >= 3
    assert sum(s.axis == "conflict" for s in REAL.scales) >= 2
    assert len(REAL.needs) >= 10
    assert REAL.max_needs == 3
    assert REAL.opening.prompt == "What makes you feel safe?"
    assert REAL.opening.max_chars == 2000
    t = REAL.thresholds
    assert (t.close_max_gap, t.explore_max_gap, t.pattern_min_gap) == (2, 5, 4)
    assert (REAL.texts.band_close, REAL.texts.band_explore, REAL.texts.band_far) == (
        "Close",
        "Worth exploring",
        "Far apart",
    )
    for need in REAL.needs:
        assert 2 <= len(need.label.split()) <= 4, need.label


def all_copy(spec: SafetyMapSpec) -> list[str]:
    out = [spec.title, spec.summary, *spec.opening.model_dump().values()]
    out += [str(v) for v in spec.texts.model_dump().values()]
    for s in spec.scales:
        out += [s.topic, s.left, s.right, s.starter, s.guess_prompt]
    for n in spec.needs:
        out += [n.label, n.description]
    return [x for x in out if isinstance(x, str) and x]


def test_real_file_words_are_gentle() -> None:
    banned = (
        "incompatib",
        "disorder",
        "diagnos",
        "patholog",
        "dysfunction",
        "fail",
        "wrong answer",
    )
    text = " ".join(all_copy(REAL)).casefold()
    for word in banned:
        assert word not in text


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed stories not present")
def test_real_file_copies_no_sentence_from_the_seeds() -> None:
    def words(s: str) -> list[str]:
        return re.findall(r"[a-z']+", s.casefold().replace("’", "'"))

    seed_grams: set[tuple[str, ...]] = set()
    for f in SEEDS.glob("*.txt"):
        w = words(f.read_text(encoding="utf-8", errors="replace"))
        seed_grams |= {tuple(w[i : i + 7]) for i in range(len(w) - 6)}
    for line in all_copy(REAL):
        w = words(line)
        for i in range(len(w) - 6):
            assert tuple(w[i : i + 7]) not in seed_grams, line


def test_guess_prompt_falls_back_to_the_general_one() -> None:
    s0 = REAL.scale("together_alone")
    assert guess_prompt(REAL, s0) == s0.guess_prompt
    plain = REAL.scale("routine")
    assert plain.guess_prompt == ""
    assert guess_prompt(REAL, plain) == REAL.texts.guess_prompt


# ----------------------------------------------------------------------------- bands and rows


@pytest.mark.parametrize(
    ("a", "b", "gap", "which"),
    [
        (2, 9, 7, "far"),
        (4, 6, 2, "close"),
        (5, 5, 0, "close"),
        (3, 6, 3, "explore"),
        (0, 5, 5, "explore"),
        (0, 6, 6, "far"),
        (0, 10, 10, "far"),
    ],
)
def test_gap_and_band_by_hand(a: int, b: int, gap: int, which: str) -> None:
    rows = scale_rows(SPEC, answers({"s3": a}), answers({"s3": b}))
    row = rows[3]
    assert (row.a, row.b, row.gap, row.band) == (a, b, gap, which)
    assert band(gap, SPEC) == which


def test_band_rejects_nonsense() -> None:
    for bad in (-1, 10.5, float("nan"), True, "3"):
        with pytest.raises(ValueError):
            band(bad, SPEC)  # type: ignore[arg-type]
    assert band(2.0, SPEC) == "close"
    assert band(2.5, SPEC) == "explore"


def test_band_labels() -> None:
    assert band_label(SPEC, "close") == "Close"
    assert band_label(SPEC, "far") == "Far apart"
    assert band_label(SPEC, None) == "Skipped"


def test_rows_keep_file_order_and_carry_the_starter() -> None:
    rows = scale_rows(SPEC, answers(), answers())
    assert [r.key for r in rows] == [f"s{i}" for i in range(10)]
    assert rows[4].starter == "Starter 4?"
    assert rows[0].axis == "closeness"


def test_skipped_and_missing_are_never_compared() -> None:
    a = answers({"s0": None, "s2": 3, "s3": 4, "unknown": 7})
    b = answers({"s0": 5, "s1": 5, "s2": None, "s3": 10})
    rows = scale_rows(SPEC, a, b)
    assert gaps(rows)[:4] == [None, None, None, 6]
    assert all(r.band is None for r in rows if r.gap is None)
    assert alignment(rows) == 40
    assert meets(rows) == []
    assert [r.key for r in differences(rows)] == ["s3"]


def test_alignment_by_hand() -> None:
    a = answers({"s0": 2, "s1": 4, "s2": 5, "s3": 0})
    b = answers({"s0": 9, "s1": 6, "s2": 5, "s3": 3})
    rows = scale_rows(SPEC, a, b)
    assert gaps(rows)[:4] == [7, 2, 0, 3]
    assert alignment(rows) == 70  # mean gap 3
    assert (
        alignment(scale_rows(SPEC, answers({"s0": 1, "s1": 0}), answers({"s0": 0, "s1": 2}))) == 85
    )
    assert alignment(scale_rows(SPEC, answers(), answers())) is None
    # mean gap 1/3 -> 96.67 -> 97
    three = scale_rows(
        SPEC, answers({"s0": 1, "s1": 1, "s2": 1}), answers({"s0": 0, "s1": 1, "s2": 1})
    )
    assert alignment(three) == 97


def test_alignment_rounds_half_up() -> None:
    spec = make_spec(20)
    a = answers({f"s{i}": 5 for i in range(20)})
    # total gap 3 over 20 scales: 100 * (1 - 0.15 / 10) = 98.5 -> 99
    b = answers({**{f"s{i}": 5 for i in range(20)}, "s0": 8})
    assert alignment(scale_rows(spec, a, b)) == 99
    # total gap 1 over 20: 99.5 -> 100
    b = answers({**{f"s{i}": 5 for i in range(20)}, "s0": 6})
    assert alignment(scale_rows(spec, a, b)) == 100


def test_alignment_extremes() -> None:
    same = {f"s{i}": 3 for i in range(10)}
    assert alignment(scale_rows(SPEC, answers(same), answers(same))) == 100
    zero, ten = {f"s{i}": 0 for i in range(10)}, {f"s{i}": 10 for i in range(10)}
    assert alignment(scale_rows(SPEC, answers(zero), answers(ten))) == 0


def test_meets_and_differences_rank_with_ties_in_file_order() -> None:
    a = answers({f"s{i}": 0 for i in range(10)})
    b = answers({"s0": 2, "s1": 0, "s2": 7, "s3": 1, "s4": 7, "s5": 4, "s6": 0, "s7": 9, "s8": 3})
    rows = scale_rows(SPEC, a, b)
    assert gaps(rows) == [2, 0, 7, 1, 7, 4, 0, 9, 3, None]
    assert [r.key for r in meets(rows)] == ["s1", "s6", "s3"]
    assert [r.key for r in meets(rows, n=10)] == ["s1", "s6", "s3", "s0"]
    assert [r.key for r in differences(rows)] == ["s7", "s2", "s4"]
    assert [r.key for r in differences(rows, n=10)] == ["s7", "s2", "s4", "s5", "s8"]
    assert meets(rows, n=0) == []
    with pytest.raises(ValueError):
        meets(rows, n=-1)


def test_a_gap_on_the_close_edge_is_a_meet_not_a_difference() -> None:
    rows = scale_rows(SPEC, answers({"s0": 4, "s1": 4}), answers({"s0": 6, "s1": 7}))
    assert [r.key for r in meets(rows)] == ["s0"]
    assert [r.key for r in differences(rows)] == ["s1"]


# ----------------------------------------------------------------------------- guesses


def test_guess_rows_and_accuracy_by_hand() -> None:
    guesses = {"s0": 5, "s1": 5, "s2": 4, "s3": None, "s4": 10}
    other = answers({"s0": 7, "s1": 5, "s2": None, "s3": 3, "s4": 2})
    rows = guess_rows(SPEC, guesses, other)
    assert [(r.guess, r.actual, r.off_by) for r in rows[:5]] == [
        (5, 7, 2),
        (5, 5, 0),
        (4, None, None),
        (None, 3, None),
        (10, 2, 8),
    ]
    # offs 2, 0, 8 -> mean 10/3 -> 66.67 -> 67
    assert guess_accuracy(rows) == 67
    assert guess_accuracy(rows[:2]) == 90
    assert guess_accuracy(guess_rows(SPEC, {}, other)) is None
    assert [r.key for r in surprises(rows)] == ["s4", "s0"]
    assert [r.key for r in surprises(rows, more_than=2)] == ["s4"]


def test_surprise_ties_in_file_order() -> None:
    rows = guess_rows(
        SPEC, {"s0": 0, "s1": 0, "s2": 0, "s3": 0}, answers({f"s{i}": 6 for i in range(4)})
    )
    assert [r.key for r in surprises(rows, n=2)] == ["s0", "s1"]


# ----------------------------------------------------------------------------- axes and pattern


def test_axis_position_uses_the_closeness_pole() -> None:
    # s0: reach = left, so 2 -> 8; s1: reach = right, so 6 -> 6
    a = answers({"s0": 2, "s1": 6, "s2": 9})
    assert axis_position(SPEC, a, "closeness") == 7.0
    assert axis_position(SPEC, a, "conflict") == 1.0
    assert axis_position(SPEC, answers({"s0": 2, "s1": None}), "closeness") == 8.0
    assert axis_position(SPEC, answers(), "closeness") is None
    with pytest.raises(ValueError):
        axis_position(SPEC, a, "mood")  # type: ignore[arg-type]


def test_pattern_on() -> None:
    reacher = answers({"s0": 0, "s1": 10})  # closeness 10
    stepper = answers({"s0": 10, "s1": 0})  # closeness 0
    p = pursue_withdraw(SPEC, reacher, stepper)
    assert p is not None
    assert (p.reaching, p.stepping_back, p.gap, p.a, p.b) == ("a", "b", 10.0, 10.0, 0.0)
    q = pursue_withdraw(SPEC, stepper, reacher)
    assert q is not None
    assert (q.reaching, q.stepping_back, q.gap) == ("b", "a", 10.0)


def test_pattern_threshold_edge() -> None:
    a = answers({"s0": 3, "s1": 7})  # 7
    assert pursue_withdraw(SPEC, a, answers({"s0": 7, "s1": 3})) is not None  # 3: gap 4
    assert pursue_withdraw(SPEC, a, answers({"s0": 6, "s1": 4})) is None  # 4: gap 3


def test_pattern_off_when_someone_skipped_all_closeness_scales() -> None:
    a = answers({"s0": 0, "s1": 10})
    assert pursue_withdraw(SPEC, a, answers({"s0": None, "s3": 10})) is None
    assert pursue_withdraw(SPEC, answers(), answers()) is None


# ------------------------------------------------------------------- needs and input checks


def test_needs() -> None:
    a = answers(needs=("calm", "heard", "touch"))
    b = answers(needs=("touch", "space", "heard"))
    assert shared_needs(a, b) == ["heard", "touch"]
    assert shared_needs(b, a) == ["touch", "heard"]
    assert shared_needs(b, a, SPEC) == shared_needs(a, b, SPEC) == ["heard", "touch"]
    assert needs_only(a, b, SPEC) == ["calm"]
    assert needs_only(b, a, SPEC) == ["space"]
    assert shared_needs(a, answers(needs=None)) == []
    assert needs_only(a, answers(needs=None), SPEC) == ["heard", "touch", "calm"]


@pytest.mark.parametrize("bad", [-1, 11, 5.5, "5", True, [5]])
def test_validate_position_rejects(bad: object) -> None:
    with pytest.raises(ValueError, match=r"0 to 10"):
        validate_position(bad)


def test_validate_position_accepts() -> None:
    assert validate_position(None) is None
    assert validate_position(0) == 0
    assert validate_position(10) == 10


def test_validate_needs() -> None:
    assert validate_needs(SPEC, None) is None
    assert validate_needs(SPEC, ["heard", "calm"]) == ("heard", "calm")
    assert validate_needs(SPEC, []) == ()
    with pytest.raises(ValueError, match="isn't one of the cards"):
        validate_needs(SPEC, ["heard", "money"])
    with pytest.raises(ValueError, match="up to 3"):
        validate_needs(SPEC, ["heard", "calm", "touch", "space"])
    with pytest.raises(ValueError, match="once"):
        validate_needs(SPEC, ["heard", "heard"])
    with pytest.raises(ValueError):
        validate_needs(SPEC, "heard")


def test_scoring_rejects_out_of_range_answers() -> None:
    with pytest.raises(ValueError):
        scale_rows(SPEC, answers({"s0": 11}), answers())
    with pytest.raises(ValueError):
        summary(SPEC, answers(needs=("nope",)), answers())


# ----------------------------------------------------------------------------- summary


def test_summary_bundles_everything() -> None:
    a = PartnerAnswers(
        text="Being held.",
        positions={"s0": 0, "s1": 10, "s2": 1, "s3": 5, "s4": 2},
        needs=("heard", "touch"),
        guesses={"s0": 2, "s3": 9},
    )
    b = PartnerAnswers(
        text=None,
        positions={"s0": 9, "s1": 1, "s2": 9, "s3": 5, "s4": 3},
        needs=("touch",),
        guesses={"s0": 0, "s1": 10},
    )
    r = summary(SPEC, a, b)
    assert r.compared == 5
    assert gaps(list(r.rows))[:5] == [9, 9, 8, 0, 1]
    assert r.alignment == round(100 * (1 - 27 / 5 / 10))
    assert [m.key for m in r.meets] == ["s3", "s4"]
    assert [(d.key, d.starter) for d in r.differences] == [
        ("s0", "Starter 0?"),
        ("s1", "Starter 1?"),
        ("s2", "Starter 2?"),
    ]
    assert [g.off_by for g in r.a_guesses[:4]] == [7, None, None, 4]
    assert r.a_accuracy == round(100 * (1 - 5.5 / 10))
    assert r.b_accuracy == 100
    assert [s.key for s in r.a_surprises] == ["s0", "s3"]
    assert r.b_surprises == ()
    assert r.axis("closeness").a == 10.0
    assert r.axis("closeness").b == 1.0
    assert r.pattern is not None and r.pattern.reaching == "a"
    assert r.shared_needs == ("touch",)
    assert r.a_only_needs == ("heard",)
    assert r.b_only_needs == ()
    assert (r.a_answered_text, r.b_answered_text) == (True, False)


def test_summary_of_two_empty_answers_is_calm() -> None:
    r = summary(REAL, PartnerAnswers(), PartnerAnswers())
    assert r.alignment is None and r.a_accuracy is None and r.pattern is None
    assert r.meets == r.differences == ()
    assert len(r.rows) == len(REAL.scales)


# ----------------------------------------------------------------------------- spec validation


def invalid(**overrides: Any) -> str:
    with pytest.raises(ValidationError) as exc:
        SafetyMapSpec.model_validate(spec_data(**overrides))
    return str(exc.value)


def test_spec_rejects_bad_content() -> None:
    base = spec_data()
    scales = base["scales"]
    assert "at least 4" in invalid(scales=scales[:3])
    dup = [*scales[:9], {**scales[9], "key": "s3"}]
    assert "s3" in invalid(scales=dup)
    # Four scales and no axis at all is a whole exercise: its reveal has no loop picture.
    no_axis = [{k: v for k, v in s.items() if k not in ("axis", "closeness_pole")} for s in scales]
    plain = SafetyMapSpec.model_validate({**base, "scales": no_axis[:4]})
    assert len(plain.scales) == 4
    no_pole = [{k: v for k, v in scales[0].items() if k != "closeness_pole"}, *scales[1:]]
    assert "closeness_pole" in invalid(scales=no_pole)
    pole_only = [*scales[:9], {**scales[9], "closeness_pole": "left"}]
    assert "no axis" in invalid(scales=pole_only)
    same = [*scales[:9], {**scales[9], "right": scales[9]["left"]}]
    assert "same words" in invalid(scales=same)
    order = {"close_max_gap": 5, "explore_max_gap": 5, "pattern_min_gap": 4}
    assert "smaller than" in invalid(thresholds=order)
    assert "thresholds" in invalid(thresholds={**order, "close_max_gap": -1})
    assert "thresholds" in invalid(thresholds={**order, "explore_max_gap": 11})
    assert "max_needs" in invalid(max_needs=0)
    assert "max_needs" in invalid(max_needs=6)
    assert "max_needs" in invalid(max_needs=True)
    dup_need = [*base["needs"], dict(base["needs"][0])]
    assert "heard" in invalid(needs=dup_need)
    assert "texts" in invalid(texts={**base["texts"], "band_far": "  "})
    assert "pattern_text" in invalid(texts={**base["texts"], "pattern_text": "x" * 5000})
    assert "axis" in invalid(scales=[{**scales[0], "axis": "mood"}, *scales[1:]])


# ----------------------------------------------------------------------------- properties

POS = st.one_of(st.none(), st.integers(0, 10))
KEYS = [s.key for s in REAL.scales]
NEED_KEYS = [n.key for n in REAL.needs]


@st.composite
def partner(draw: st.DrawFn, keys: list[str] = KEYS) -> PartnerAnswers:
    positions = draw(st.dictionaries(st.sampled_from(keys), POS))
    guesses = draw(st.dictionaries(st.sampled_from(keys), POS))
    needs = draw(
        st.one_of(
            st.none(),
            st.lists(st.sampled_from(NEED_KEYS), unique=True, max_size=3).map(tuple),
        )
    )
    return PartnerAnswers(
        text=draw(st.one_of(st.none(), st.text(max_size=20))),
        positions=positions,
        needs=needs,
        guesses=guesses,
    )


@settings(max_examples=100, deadline=None)
@given(partner(), partner())
def test_swapping_partners_changes_nothing_but_who_is_who(
    a: PartnerAnswers, b: PartnerAnswers
) -> None:
    ab, ba = summary(REAL, a, b), summary(REAL, b, a)
    assert gaps(list(ab.rows)) == gaps(list(ba.rows))
    assert [r.band for r in ab.rows] == [r.band for r in ba.rows]
    assert [(r.a, r.b) for r in ab.rows] == [(r.b, r.a) for r in ba.rows]
    assert ab.alignment == ba.alignment
    assert [r.key for r in ab.meets] == [r.key for r in ba.meets]
    assert [r.key for r in ab.differences] == [r.key for r in ba.differences]
    assert ab.a_guesses == ba.b_guesses and ab.b_guesses == ba.a_guesses
    assert (ab.a_accuracy, ab.b_accuracy) == (ba.b_accuracy, ba.a_accuracy)
    assert ab.shared_needs == ba.shared_needs
    assert (ab.a_only_needs, ab.b_only_needs) == (ba.b_only_needs, ba.a_only_needs)
    for x, y in zip(ab.axes, ba.axes, strict=True):
        assert (x.a, x.b) == (y.b, y.a)
    if ab.pattern is None:
        assert ba.pattern is None
    else:
        assert ba.pattern is not None
        assert ab.pattern.gap == ba.pattern.gap
        assert ab.pattern.reaching == ba.pattern.stepping_back
        assert ab.pattern.stepping_back == ba.pattern.reaching


@settings(max_examples=100, deadline=None)
@given(partner(), partner())
def test_all_figures_stay_in_range(a: PartnerAnswers, b: PartnerAnswers) -> None:
    r = summary(REAL, a, b)
    for pct in (r.alignment, r.a_accuracy, r.b_accuracy):
        assert pct is None or 0 <= pct <= 100
    for row in r.rows:
        assert row.gap is None or 0 <= row.gap <= 10
        assert (row.gap is None) == (row.band is None) == (row.a is None or row.b is None)
    for ax in r.axes:
        assert ax.axis in AXES
        for v in (ax.a, ax.b):
            assert v is None or 0 <= v <= 10
    assert len(r.meets) <= 3 and len(r.differences) <= 3
    assert not {m.key for m in r.meets} & {d.key for d in r.differences}
    assert all(m.band == "close" for m in r.meets)
    assert all(d.band in ("explore", "far") for d in r.differences)
    assert all(s.off_by is not None and s.off_by > 2 for s in r.a_surprises + r.b_surprises)
    if r.pattern is not None:
        assert r.pattern.gap >= REAL.thresholds.pattern_min_gap
    comparable = [row.gap for row in r.rows if row.gap is not None]
    if comparable:
        expected = 100 * (1 - sum(comparable) / len(comparable) / 10)
        assert r.alignment is not None and abs(r.alignment - expected) <= 0.5 + 1e-9


def _bigger() -> SafetyMapSpec:
    data = REAL.model_dump()
    extra = {**data["scales"][0], "key": "extra_scale", "topic": "An extra one"}
    return SafetyMapSpec.model_validate({**data, "scales": [*data["scales"], extra]})


BIGGER = _bigger()


@settings(max_examples=100, deadline=None)
@given(partner(), partner(), POS, st.booleans())
def test_a_skipped_scale_never_counts(
    a: PartnerAnswers, b: PartnerAnswers, value: int | None, missing: bool
) -> None:
    bigger = BIGGER
    # a answers the new scale (or not); b skips it, by None or by leaving it out
    a2 = PartnerAnswers(a.text, {**a.positions, "extra_scale": value}, a.needs, a.guesses)
    b_pos = dict(b.positions) if missing else {**b.positions, "extra_scale": None}
    b2 = PartnerAnswers(b.text, b_pos, b.needs, b.guesses)
    before, after = summary(REAL, a, b), summary(bigger, a2, b2)
    assert after.alignment == before.alignment
    assert after.compared == before.compared
    assert [r.key for r in after.differences] == [r.key for r in before.differences]
    assert [r.key for r in after.meets] == [r.key for r in before.meets]
    rows = scale_rows(REAL, a, b)
    skipped = scale_rows(bigger, a2, b2)[-1]
    assert skipped.gap is None
    assert alignment([*rows, skipped]) == alignment(rows)


# -- answering: points, words, pages --------------------------------------------------------


def test_points_keep_sides_close_and_opposites_far():
    from studio.safety_map import POINTS

    spec = _real_spec()
    gaps = {(a, b): band(abs(a - b), spec) for a in POINTS for b in POINTS}
    assert gaps[(0, 2)] == gaps[(8, 10)] == "close"  # same side
    assert gaps[(2, 5)] == gaps[(5, 8)] == "explore"  # a neighbour across the middle
    assert gaps[(2, 8)] == gaps[(0, 10)] == "far"  # the two sides


def test_position_words_use_each_scales_own_poles():
    from studio.safety_map import nearest_point, position_words

    spec = _real_spec()
    s = spec.scale("together_alone")
    assert position_words(s, 0) == "clearly “most time together”"
    assert position_words(s, 2) == "a little more “most time together”"
    assert position_words(s, 5) == "in between"
    assert position_words(s, 8) == "a little more “plenty of time alone”"
    assert position_words(s, 10) == "clearly “plenty of time alone”"
    assert position_words(s, None) is None
    assert [nearest_point(v) for v in range(11)] == [0, 0, 2, 2, 5, 5, 5, 8, 8, 10, 10]


def test_pages_follow_the_file_and_optional_scales_sit_apart():
    from studio.safety_map import optional_scales, scale_pages, section_scales, turn_sections

    spec = _real_spec()
    pages = scale_pages(spec)
    assert [len(p) for p in pages] == [5, 5]
    assert not any(s.optional for p in pages for s in p)
    assert {s.key for s in optional_scales(spec)} == {
        "routine",
        "decisions",
        "friends",
        "noticing",
        "lightness",
    }
    assert turn_sections(spec) == ("words", "scales-1", "scales-2", "more", "needs", "review")
    assert section_scales(spec, "scales-2") == pages[1]
    assert section_scales(spec, "scales-9") == [] and section_scales(spec, "needs") == []


def test_poles_fall_back_to_the_statements_shortened():
    spec = _real_spec()
    data = spec.model_dump()
    data["scales"][0]["left_pole"] = ""
    s = SafetyMapSpec.model_validate(data).scales[0]
    assert s.poles[0] == s.left[:27].rstrip() + "…"


def _real_spec() -> SafetyMapSpec:
    return parse_file(EXERCISES_DIR / "safety_map.toml")


def test_lean_words_say_where_two_close_answers_sit():
    from studio.safety_map import lean_words

    s = _real_spec().scale("affection")
    assert lean_words(s, 1) == "you both lean toward “lots of touch”"
    assert lean_words(s, 9) == "you both lean toward “touch now and then”"
    assert lean_words(s, 5) == "you're both in the middle"
