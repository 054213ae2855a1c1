"""Workshop rooms: script, join codes, secrets, attempt limits, timers, anonymous results."""

from __future__ import annotations

import base64
import dataclasses
import inspect
import itertools
import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio import room
from studio.exercises import ExerciseError, parse_file
from studio.room import (
    AttemptPolicy,
    CoupleShare,
    NeedCount,
    RoomResults,
    RoomScript,
    ScaleResult,
    check_attempts,
    is_expired,
    join_url,
    new_join_code,
    new_secret,
    next_phase,
    normalize_join_code,
    phase_index,
    previous_phase,
    qr_svg,
    release_allowed,
    room_results,
    secrets_equal,
    timer_remaining,
)

ROOT = Path(__file__).resolve().parents[2]
SCRIPT_FILE = ROOT / "exercises" / "workshop_room.toml"


def share(a: dict | None = None, b: dict | None = None, na=(), nb=()) -> CoupleShare:
    return CoupleShare(a or {}, b or {}, tuple(na), tuple(nb))


def gap_share(gap: int, key: str = "talk") -> CoupleShare:
    """A couple whose partners stand ``gap`` apart on ``key``."""
    return share({key: 0}, {key: gap})


# ----------------------------------------------------------------------------- script


def test_script_file_loads_through_the_generic_loader():
    script = parse_file(SCRIPT_FILE)
    assert isinstance(script, RoomScript)
    assert script.kind == "room_script"
    assert script.id == "workshop_room"
    assert script.version == 1
    assert script.min_group == 5
    assert script.retention_hours == 24
    assert script.phase_keys[0] == "welcome"
    assert script.phase_keys[-1] == "close"
    views = [p.couple_view for p in script.phases]
    assert views == ["welcome", "safety_map", "reveal", "dialogue", "break", "dialogue", "close"]
    for phase in script.phases:
        sentences = [s for s in re.split(r"[.!?](?:\s|$)", phase.projector_text) if s.strip()]
        assert 1 <= len(sentences) <= 4, phase.key
        assert phase.couple_text


def _script_data(**changes) -> dict:
    data = {
        "kind": "room_script",
        "id": "tiny_room",
        "title": "Tiny",
        "phases": [
            {
                "key": "one",
                "title": "One",
                "projector_text": "Hi.",
                "couple_text": "Hi.",
                "couple_view": "welcome",
            },
            {
                "key": "two",
                "title": "Two",
                "projector_text": "Bye.",
                "couple_text": "Bye.",
                "couple_view": "close",
                "suggested_minutes": 3,
            },
        ],
    }
    data.update(changes)
    return data


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "room.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_script_defaults_and_validation():
    script = RoomScript.model_validate(_script_data())
    assert script.min_group == 5 and script.retention_hours == 24
    assert next_phase(script, "one") == "two"

    bad_cases = [
        _script_data(min_group=2),
        _script_data(retention_hours=0),
        _script_data(retention_hours=721),
        _script_data(phases=_script_data()["phases"][:1]),
        _script_data(phases=[_script_data()["phases"][0]] * 2),
        _script_data(surprise=1),
        _script_data(
            phases=[
                {**_script_data()["phases"][0], "couple_view": "chat"},
                _script_data()["phases"][1],
            ]
        ),
        _script_data(
            phases=[{**_script_data()["phases"][0], "colour": "red"}, _script_data()["phases"][1]]
        ),
    ]
    for data in bad_cases:
        with pytest.raises(ValueError):
            RoomScript.model_validate(data)


def test_duplicate_phase_keys_get_a_plain_message(tmp_path):
    text = SCRIPT_FILE.read_text(encoding="utf-8").replace('key = "switch"', 'key = "reveal"')
    with pytest.raises(ExerciseError) as info:
        parse_file(_write(tmp_path, text))
    assert info.value.field == "phases"
    assert "'reveal' is used more than once" in str(info.value)


def test_min_group_below_three_is_refused_in_the_file(tmp_path):
    text = SCRIPT_FILE.read_text(encoding="utf-8").replace("min_group = 5", "min_group = 2")
    with pytest.raises(ExerciseError) as info:
        parse_file(_write(tmp_path, text))
    assert info.value.field == "min_group"


def test_phase_navigation():
    script = parse_file(SCRIPT_FILE)
    keys = script.phase_keys
    assert phase_index(script, "welcome") == 0
    assert phase_index(script, "close") == len(keys) - 1
    assert next_phase(script, "welcome") == "safety_map"
    assert next_phase(script, "close") is None
    assert previous_phase(script, "welcome") is None
    assert previous_phase(script, "safety_map") == "welcome"
    for a, b in itertools.pairwise(keys):
        assert next_phase(script, a) == b and previous_phase(script, b) == a
    assert script.phase("switch").couple_view == "break"
    with pytest.raises(KeyError):
        phase_index(script, "nope")
    with pytest.raises(KeyError):
        next_phase(script, "nope")


# ------------------------------------------------------------------ codes and secrets


def test_join_alphabet_has_no_look_alikes():
    assert set("0O1IL2Z5S8BUV").isdisjoint(room.JOIN_ALPHABET)
    assert len(set(room.JOIN_ALPHABET)) == len(room.JOIN_ALPHABET)
    assert room.JOIN_ALPHABET.upper() == room.JOIN_ALPHABET


def test_new_join_codes_look_right_and_vary():
    codes = {new_join_code() for _ in range(500)}
    assert len(codes) > 490
    for code in codes:
        assert re.fullmatch(r"[A-Z0-9]{3}-[A-Z0-9]{3}", code)
        assert set(code.replace("-", "")) <= set(room.JOIN_ALPHABET)
        assert normalize_join_code(code) == code


@pytest.mark.parametrize(
    "typed",
    [
        "ACD-EF3",
        "acd-ef3",
        "acdef3",
        " a c d e f 3 ",
        "ACD – EF3",
        "ACD\u200bEF3",
        "\ufeffacd-\u200def3",
        "ＡＣＤ－ＥＦ３",
        "acd_ef3\n",
    ],
)
def test_normalize_accepts_what_people_type(typed):
    assert normalize_join_code(typed) == "ACD-EF3"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "ACD-EF",
        "ACD-EF34",
        "ACD-EF0",
        "ACD-EFO",
        "ACD-EF1",
        "ACD-EFS",
        "ACD-EF?",
        "ACD-EFé",
        "A" * 1000,
        None,
        123456,
    ],
)
def test_normalize_rejects_what_cannot_be_a_code(typed):
    assert normalize_join_code(typed) is None


def test_secrets_are_long_url_safe_and_unique():
    tokens = [new_secret() for _ in range(1000)]
    assert len(set(tokens)) == 1000
    for token in tokens[:50]:
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert len(raw) * 8 >= 128


def test_secrets_equal():
    s = new_secret()
    assert secrets_equal(s, s)
    assert secrets_equal(s, str(s))
    assert not secrets_equal(s, s[:-1])
    assert not secrets_equal(s, new_secret())
    assert not secrets_equal("", "")
    assert not secrets_equal(None, None)
    assert not secrets_equal(s, None)
    assert not secrets_equal("héllo", "hello")
    assert secrets_equal("héllo", "héllo")


# ------------------------------------------------------------------ attempt limiting


def test_attempts_allowed_below_the_limit():
    policy = AttemptPolicy()
    assert check_attempts(policy, [], 100.0).allowed
    v = check_attempts(policy, [10, 20, 30, 40], 41.0)
    assert v.allowed and v.retry_after == 0.0


def test_five_failures_in_a_minute_block_then_release():
    policy = AttemptPolicy(max_attempts=5, window_seconds=60, lockout_seconds=60)
    fails = [100.0, 110.0, 120.0, 130.0, 140.0]
    v = check_attempts(policy, fails, 141.0)
    assert not v.allowed
    assert v.retry_after == pytest.approx(59.0)
    v = check_attempts(policy, fails, 199.5)
    assert not v.allowed and v.retry_after == pytest.approx(0.5)
    assert check_attempts(policy, fails, 200.0).allowed
    assert check_attempts(policy, fails, 1000.0).allowed


def test_five_failures_spread_wider_than_the_window_do_not_block():
    policy = AttemptPolicy()
    fails = [0.0, 20.0, 40.0, 60.0, 80.0]  # any five span 80 s > 60 s
    assert check_attempts(policy, fails, 81.0).allowed
    # order does not matter; the last failure after a lockout starts a fresh count
    assert not check_attempts(policy, [40.0, 0.0, 30.0, 10.0, 20.0], 41.0).allowed
    assert check_attempts(policy, [0, 10, 20, 30, 40, 101], 102.0).allowed


def test_attempt_policy_validates():
    with pytest.raises(ValueError):
        AttemptPolicy(max_attempts=0)
    with pytest.raises(ValueError):
        AttemptPolicy(window_seconds=0)
    with pytest.raises(ValueError):
        AttemptPolicy(lockout_seconds=-1)


# --------------------------------------------------------------------- time helpers


def test_timer_remaining():
    assert timer_remaining(1000.0, 300, 1000.0) == 300
    assert timer_remaining(1000.0, 300, 1100.0) == 200
    assert timer_remaining(1000.0, 300, 1300.0) == 0
    assert timer_remaining(1000.0, 300, 9999.0) == 0
    assert timer_remaining(1000.0, 300, 990.0) == 300  # another server's clock runs behind
    assert timer_remaining(None, 300, 5.0) == 300


def test_is_expired():
    h = 3600.0
    assert not is_expired(0.0, None, 23 * h, 24)
    assert is_expired(0.0, None, 24 * h, 24)
    assert not is_expired(0.0, 10 * h, 33 * h, 24)  # closed at 10 h: kept until 34 h
    assert is_expired(0.0, 10 * h, 34 * h, 24)
    assert is_expired(0.0, 0.0, 1 * h, 1)


# --------------------------------------------------------------------- join link, QR


def test_join_url():
    assert join_url("https://studio.example/join", "acd ef3") == (
        "https://studio.example/join?code=ACD-EF3"
    )
    assert join_url("http://10.0.0.5:8501", "ACD-EF3") == "http://10.0.0.5:8501/?code=ACD-EF3"
    url = join_url("https://studio.example/join?lang=en&code=OLD", "ACD-EF3")
    assert url == "https://studio.example/join?lang=en&code=ACD-EF3"
    with pytest.raises(ValueError):
        join_url("https://studio.example/", "nope")
    with pytest.raises(ValueError):
        join_url("javascript:alert(1)", "ACD-EF3")


def test_qr_svg_is_self_contained():
    svg = qr_svg(join_url("https://studio.example/join", "ACD-EF3"))
    assert svg.lstrip().startswith("<svg")
    assert svg.rstrip().endswith("</svg>")
    urls = re.findall(r"https?://[^\s\"'<>]+", svg)
    assert urls == ["http://www.w3.org/2000/svg"]
    assert "<image" not in svg and "href" not in svg and "<script" not in svg
    assert 'stroke="#000"' in svg and 'fill="#fff"' in svg
    width = int(re.search(r'width="(\d+)"', svg).group(1))
    assert width >= 300  # big enough for a projector


# ------------------------------------------------------------------- anonymous results


def test_threshold_counts_couples():
    four = [gap_share(1)] * 4
    assert room_results(four, ["talk"], 5) is None
    results = room_results([*four, gap_share(1)], ["talk"], 5)
    assert results is not None and results.couples == 5


def test_min_group_below_three_is_clamped_to_three():
    assert room_results([gap_share(0)] * 2, ["talk"], 2) is None
    assert room_results([gap_share(0)] * 2, ["talk"], 0) is None
    results = room_results([gap_share(0)] * 3, ["talk"], 2)
    assert results is not None and results.min_group == 3


def test_hand_computed_figures():
    # gaps 0, 1, 3, 6, 10 -> mean 4, median 3; close: 0,1; far: 6,10; bins 2/1/2
    shares = [
        share({"talk": 5}, {"talk": 5}),
        share({"talk": 4}, {"talk": 5}),
        share({"talk": 7}, {"talk": 4}),
        share({"talk": 0}, {"talk": 6}),
        share({"talk": 10}, {"talk": 0}),
    ]
    s = room_results(shares, ["talk"], 5).scale("talk")
    assert s == ScaleResult("talk", 5, 4.0, 3.0, 0.4, 0.4, (2, 1, 2))


def test_even_count_median_and_bin_edges():
    gaps = [2, 3, 5, 6, 0, 9]  # sorted 0 2 3 5 6 9 -> median (3+5)/2 = 4
    s = room_results([gap_share(g) for g in gaps], ["talk"], 5).scale("talk")
    assert s.couples == 6
    assert s.mean_gap == pytest.approx(25 / 6)
    assert s.median_gap == 4.0
    assert s.gap_bins == (2, 2, 2)
    assert s.share_close == pytest.approx(2 / 6)  # 0, 2
    assert s.share_far == pytest.approx(2 / 6)  # 6, 9 (5 is not far)


def test_skipped_values_never_count_and_thin_scales_are_left_out():
    shares = [share({"talk": 0, "space": 0}, {"talk": 4, "space": 1}) for _ in range(5)]
    shares[0] = share({"talk": 0, "space": None}, {"talk": 4, "space": 9})  # A skipped space
    shares[1] = share({"talk": 0, "space": 9}, {"talk": 4})  # B skipped space
    shares.append(share({"talk": None, "space": 0}, {"talk": 10, "space": 1}))  # A skipped talk
    results = room_results(shares, ["talk", "space", "never"], 5)
    assert results.couples == 6
    talk = results.scale("talk")
    assert talk.couples == 5 and talk.mean_gap == 4.0 and talk.gap_bins == (0, 5, 0)
    # space: only 4 couples have both answers (3 full + the one who skipped talk) -> left out
    assert results.scale("space") is None
    assert results.hidden_scales == ("space", "never")
    assert [s.key for s in results.scales] == ["talk"]
    assert "space" not in json.dumps([s for s in results.to_dict()["scales"]])


def test_needs_are_counted_over_people():
    shares = [
        share(na=["quiet", "touch"], nb=["quiet"]),
        share(na=["talk"], nb=["quiet", "quiet"]),  # a repeat counts once
        share(na=["touch"]),
        share(nb=["talk"]),
        share(na=["plans"], nb=["touch"]),
    ]
    results = room_results(shares, [], 5)
    assert results.needs_couples == 5
    assert results.needs == (
        NeedCount("quiet", 3),
        NeedCount("touch", 3),
        NeedCount("talk", 2),
        NeedCount("plans", 1),
    )


def test_needs_are_left_out_when_too_few_couples_chose_any():
    shares = [share(na=["quiet"], nb=["touch"])] + [gap_share(1) for _ in range(5)]
    results = room_results(shares, ["talk"], 5)
    assert results.couples == 6
    assert results.needs == ()
    assert results.needs_couples == 0


def test_no_per_couple_data_by_construction():
    share_fields = {f.name for f in dataclasses.fields(CoupleShare)}
    assert share_fields == {"positions_a", "positions_b", "needs_a", "needs_b"}
    result_fields = {f.name for f in dataclasses.fields(RoomResults)}
    assert result_fields == {
        "couples",
        "min_group",
        "scales",
        "hidden_scales",
        "needs",
        "needs_couples",
        "held_scales",
        "needs_held",
    }
    scale_fields = {f.name for f in dataclasses.fields(ScaleResult)}
    assert scale_fields == {
        "key",
        "couples",
        "mean_gap",
        "median_gap",
        "share_close",
        "share_far",
        "gap_bins",
    }
    # nothing in the saved results is a list as long as the number of couples
    shares = [gap_share(g) for g in (0, 1, 4, 7, 9)]
    data = room_results(shares, ["talk"], 5).to_dict()

    def lists(value):
        if isinstance(value, list):
            yield value
            for v in value:
                yield from lists(v)
        elif isinstance(value, dict):
            for v in value.values():
                yield from lists(v)

    gaps = sorted([0, 1, 4, 7, 9])
    assert all(len(v) != 5 and sorted(v) != gaps for v in lists(data))
    # every public function is listed here, so a new one gets a privacy review:
    # only room_results sees shares, and it needs a whole room
    public_functions = {
        name
        for name, obj in vars(room).items()
        if inspect.isfunction(obj) and obj.__module__ == room.__name__ and name[0] != "_"
    }
    assert public_functions == {
        "phase_index",
        "next_phase",
        "previous_phase",
        "new_join_code",
        "normalize_join_code",
        "new_secret",
        "secrets_equal",
        "check_attempts",
        "timer_remaining",
        "is_expired",
        "join_url",
        "qr_svg",
        "effective_min_group",
        "release_allowed",
        "room_results",
        "safe_results",
        "answer_counts",
        "figure_may_change",
        "figure_waiting",
        "check_join",
        "max_wrong_per_minute",
        "expected_minutes_to_find",
        "done_counts",
        "phase_done",
        "screen_token",
    }


def test_share_holds_only_keys_and_positions():
    with pytest.raises(ValueError):
        CoupleShare({"talk": 11}, {})
    with pytest.raises(ValueError):
        CoupleShare({"talk": -1}, {})
    with pytest.raises(ValueError):
        CoupleShare({"talk": True}, {})
    with pytest.raises(ValueError):
        CoupleShare({"talk": 2.5}, {})
    with pytest.raises(ValueError):
        CoupleShare({"I feel alone": 3}, {})
    with pytest.raises(ValueError):
        CoupleShare({}, {}, ("I need you to listen to me",), ())
    with pytest.raises(ValueError):
        CoupleShare({}, {}, "quiet", ())
    s = CoupleShare({"talk": 3}, {"talk": None}, ("quiet", "quiet"), ())
    assert s.needs_a == ("quiet",)
    with pytest.raises(TypeError):
        s.positions_a["talk"] = 4  # read-only
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.needs_a = ()
    with pytest.raises(TypeError):
        room_results([{"positions_a": {}}] * 5, [], 5)


def test_results_round_trip_through_json():
    shares = [
        share({"talk": g, "space": 10 - g}, {"talk": 0, "space": 5}, ["quiet"], ["touch"])
        for g in range(7)
    ]
    results = room_results(shares, ["talk", "space"], 5)
    data = json.loads(json.dumps(results.to_dict()))
    assert RoomResults.from_dict(data) == results
    with pytest.raises(ValueError):
        RoomResults.from_dict({"format": 99})
    with pytest.raises(ValueError):
        RoomResults.from_dict({"format": 1, "couples": 5})


def test_release_allowed_in_batches():
    assert not release_allowed(4, None, 5)
    assert release_allowed(5, None, 5)
    assert not release_allowed(6, 5, 5)  # one late couple could be read from the difference
    assert not release_allowed(9, 5, 5)
    assert release_allowed(10, 5, 5)
    assert release_allowed(3, None, 1)  # clamped to 3
    assert not release_allowed(2, None, 1)


# ------------------------------------------------------------------------- properties

SCALES = ["talk", "space", "plans"]
NEEDS = ["quiet", "touch", "talk", "plans", "time"]
position = st.one_of(st.none(), st.integers(0, 10))
positions = st.fixed_dictionaries({k: position for k in SCALES})
needs = st.lists(st.sampled_from(NEEDS), max_size=4).map(tuple)
shares_st = st.lists(st.builds(CoupleShare, positions, positions, needs, needs), max_size=30)


@settings(max_examples=150, deadline=None)
@given(shares_st, st.integers(0, 8), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_order(shares, min_group, rnd):
    shuffled = list(shares)
    rnd.shuffle(shuffled)
    assert room_results(shares, SCALES, min_group) == room_results(shuffled, SCALES, min_group)


@settings(max_examples=150, deadline=None)
@given(shares_st, st.integers(0, 8))
def test_every_figure_stays_in_range(shares, min_group):
    results = room_results(shares, SCALES, min_group)
    k = max(3, min_group)
    if len(shares) < k:
        assert results is None
        return
    assert results.couples == len(shares) and results.min_group == k
    assert {s.key for s in results.scales} | set(results.hidden_scales) == set(SCALES)
    for s in results.scales:
        assert k <= s.couples <= results.couples
        assert 0 <= s.mean_gap <= 10
        assert 0 <= s.median_gap <= 10
        assert 0 <= s.share_close <= 1 and 0 <= s.share_far <= 1
        assert s.share_close + s.share_far <= 1
        assert sum(s.gap_bins) == s.couples and min(s.gap_bins) >= 0
        assert s.share_close == s.gap_bins[0] / s.couples
        assert s.share_far == s.gap_bins[2] / s.couples
    if results.needs:
        assert results.needs_couples >= k
        counts = [n.people for n in results.needs]
        assert all(1 <= c <= 2 * results.couples for c in counts)
        assert counts == sorted(counts, reverse=True)
    assert RoomResults.from_dict(json.loads(json.dumps(results.to_dict()))) == results


def test_a_big_room_gives_sane_results():
    rng = random.Random(7)
    shares = [
        share({k: rng.randint(0, 10) for k in SCALES}, {k: rng.randint(0, 10) for k in SCALES})
        for _ in range(2000)
    ]
    results = room_results(shares, SCALES, 5)
    assert all(s.couples == 2000 for s in results.scales)
