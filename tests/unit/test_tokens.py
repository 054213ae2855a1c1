"""Couple tokens: unguessable (≥128 bits), URL-safe, unique, and a strict shape check."""

from __future__ import annotations

import base64
import re
from urllib.parse import quote

import pytest

from studio.tokens import TOKEN_BYTES, looks_valid, new_token

URL_SAFE = re.compile(r"[A-Za-z0-9_-]+")


def decoded(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def test_a_token_carries_at_least_128_random_bits() -> None:
    token = new_token()
    assert TOKEN_BYTES * 8 >= 128
    assert len(decoded(token)) * 8 >= 128
    assert len(decoded(token)) == TOKEN_BYTES


def test_a_token_is_url_safe_as_it_is() -> None:
    for _ in range(200):
        token = new_token()
        assert URL_SAFE.fullmatch(token), token
        assert quote(token, safe="") == token  # nothing to percent-encode
        assert "=" not in token


def test_ten_thousand_tokens_are_all_different() -> None:
    many = [new_token() for _ in range(10_000)]
    assert len(set(many)) == len(many)
    assert all(looks_valid(t) for t in many)


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("", id="empty"),
        pytest.param("abc", id="too-short"),
        pytest.param("A" * 21, id="one-too-short"),
        pytest.param("A" * 65, id="too-long"),
        pytest.param("x" * 1000, id="1000-chars"),
        pytest.param("abcdefghij klmnopqrstuvwxyz", id="space-inside"),
        pytest.param(" " + "A" * 30, id="leading-space"),
        pytest.param("A" * 30 + " ", id="trailing-space"),
        pytest.param("A" * 30 + "\n", id="trailing-newline"),
        pytest.param("A" * 30 + "\x00", id="nul"),
        pytest.param("é" * 30, id="accents"),
        pytest.param("Ａ" * 30, id="fullwidth-letters"),
        pytest.param("٣" * 30, id="arabic-digits"),
        pytest.param("👩‍❤️‍👨" * 10, id="emoji"),
        pytest.param("A" * 28 + "+/", id="plain-base64"),
        pytest.param("A" * 28 + "==", id="padding"),
        pytest.param("<script>alert(1)</script>xx", id="markup"),
        pytest.param("' OR 1=1 --AAAAAAAAAAAAAAAAA", id="sql"),
        pytest.param(None, id="none"),
        pytest.param(12345678901234567890123, id="int"),
        pytest.param(b"A" * 30, id="bytes"),
        pytest.param(["A" * 30], id="list"),
    ],
)
def test_looks_valid_rejects_bad_shapes(bad) -> None:
    assert looks_valid(bad) is False


def test_looks_valid_accepts_real_tokens_and_the_full_alphabet() -> None:
    assert looks_valid(new_token())
    assert looks_valid("Az09_-" * 4)
    assert looks_valid("A" * 22) and looks_valid("A" * 64)
