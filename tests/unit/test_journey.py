"""The "step n of m" line, the break clock and the break countdown, by hand."""

from __future__ import annotations

import pytest

from studio import journey
from studio.journey import BREAK_IDEAS, BREAK_SECONDS, MILESTONES, break_remaining, clock, where


def test_where_by_hand() -> None:
    assert len(MILESTONES) == 8
    first = where("welcome")
    assert (first.n, first.m, first.label) == (1, 8, "Welcome")
    assert first.sentence() == "Step 1 of 8 · Welcome"
    assert where("setup").sentence() == "Step 2 of 8 · Your names"
    assert where("safety_notes").n == 3
    assert where("home").sentence() == "Step 4 of 8 · Choosing an exercise"
    assert where("after").sentence() == "Step 8 of 8 · How it felt"


def test_every_milestone_has_its_own_place() -> None:
    keys = [k for k, _ in MILESTONES]
    assert len(set(keys)) == len(keys)
    assert [where(k).n for k in keys] == list(range(1, len(keys) + 1))
    assert all(where(k).label for k in keys)


def test_an_unknown_milestone_is_a_bug_not_input() -> None:
    with pytest.raises(KeyError):
        where("nowhere")


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "0:00"),
        (0.0001, "0:01"),  # rounds up: never 0:00 while time is left
        (0.5, "0:01"),
        (1, "0:01"),
        (9, "0:09"),
        (59, "0:59"),
        (59.2, "1:00"),
        (60, "1:00"),
        (61, "1:01"),
        (600, "10:00"),
        (725, "12:05"),
        (1199.5, "20:00"),
        (1200, "20:00"),
        (3600, "60:00"),
        (-5, "0:00"),  # never negative
    ],
)
def test_clock_by_hand(seconds, shown) -> None:
    assert clock(seconds) == shown


def test_break_remaining_by_hand() -> None:
    assert BREAK_SECONDS == 20 * 60
    assert break_remaining(1000.0, 1000.0) == 1200.0
    assert break_remaining(1000.0, 1001.0) == 1199.0
    assert break_remaining(1000.0, 1600.0) == 600.0
    assert break_remaining(1000.0, 2199.0) == 1.0
    assert break_remaining(1000.0, 2200.0) == 0.0
    assert break_remaining(1000.0, 99_999.0) == 0.0  # back the next day: never negative
    assert break_remaining(1000.0, 990.0) == 1200.0  # a clock that went back: full break
    assert break_remaining(0.0, 30.0, length=60) == 30.0
    assert clock(break_remaining(1000.0, 1000.0)) == "20:00"
    assert clock(break_remaining(1000.0, 1060.5)) == "19:00"


def test_break_ideas_are_short_plain_sentences() -> None:
    assert len(BREAK_IDEAS) >= 3
    for idea in BREAK_IDEAS:
        assert idea.endswith(".") and len(idea) < 120


@pytest.mark.parametrize(
    "seconds, words",
    [
        (600, "about 10 minutes left"),
        (599.2, "about 10 minutes left"),
        (540.0, "about 9 minutes left"),
        (61, "about 2 minutes left"),
        (60, "under a minute left"),
        (0.4, "under a minute left"),
        (0, "time's up"),
        (-5, "time's up"),
    ],
)
def test_minutes_left_in_calm_whole_minutes(seconds, words):
    assert journey.minutes_left(seconds) == words
