"""A partner's optional private PIN: its rules, its hash, and the pause after wrong tries.

Pure Python (no Streamlit, no store). On one shared laptop the hand-over asks the
other partner to look away; a PIN makes a partner's private turn open only for them.

- A PIN is 4 to 12 digits: easy to type on a phone or a laptop, nothing to spell.
- It is kept only as a slow, salted hash (``hashlib.scrypt`` from the standard library,
  a random 16-byte salt per PIN, its cost parameters written into the stored string so
  they can grow later without breaking older PINs). Never the PIN itself.
- A check compares with ``hmac.compare_digest``; a stored value we can't read never
  verifies.
- After ``MAX_TRIES`` wrong PINs in a row the PIN rests for ``PAUSE_SECONDS``: every
  rule takes ``now`` so it can be tested without waiting.

What a hash can't do: anyone who can copy the data file can try all 10,000 four-digit
PINs against it in minutes — but they could read the answers in that file directly
anyway. The PIN guards the screen on a shared laptop, not the disk.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

MIN_DIGITS = 4
MAX_DIGITS = 12
MAX_TRIES = 5
PAUSE_SECONDS = 60.0

# scrypt cost: N=2**14, r=8, p=1 uses 16 MiB and takes a few tens of milliseconds here:
# slow for someone trying many PINs, unnoticeable for one partner typing theirs.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
_SCHEME = "scrypt"
_MAXMEM = 64 * 1024 * 1024


class PinProblem(ValueError):
    """A PIN that can't be kept, with a kind sentence."""


def clean_pin(raw: str | None, repeat: str | None = None) -> str:
    """The PIN to keep, or PinProblem. ``repeat`` (if given) must match."""
    pin = (raw or "").strip()
    if not pin:
        raise PinProblem("Type the PIN you'd like, then the same again.")
    if not pin.isascii() or not pin.isdigit():
        raise PinProblem(f"Please use digits only: {MIN_DIGITS} to {MAX_DIGITS} of them.")
    if not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise PinProblem(f"Please use {MIN_DIGITS} to {MAX_DIGITS} digits.")
    if repeat is not None and (repeat or "").strip() != pin:
        raise PinProblem("The two PINs aren't the same. Please type it twice again.")
    return pin


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _derive(pin: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=_MAXMEM
    )


def hash_pin(
    pin: str, *, salt: bytes | None = None, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P
) -> str:
    """``scrypt$n$r$p$salt$key`` (salt and key in base64). A fresh random salt unless
    one is given (tests), so the same PIN never hashes to the same string twice."""
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    key = _derive(pin, salt, n, r, p, KEY_BYTES)
    return f"{_SCHEME}${n}${r}${p}${_b64(salt)}${_b64(key)}"


def verify(pin: str | None, stored: str | None) -> bool:
    """True only if ``pin`` is the PIN ``stored`` was made from. Anything we can't read
    (a damaged value, unknown scheme, silly parameters) is False, never an error."""
    if not pin or not stored:
        return False
    try:
        scheme, n_s, r_s, p_s, salt_s, key_s = stored.split("$")
        n, r, p = int(n_s), int(r_s), int(p_s)
        salt = base64.b64decode(salt_s, validate=True)
        key = base64.b64decode(key_s, validate=True)
    except (ValueError, TypeError):
        return False
    if (
        scheme != _SCHEME
        or not key
        or not salt
        or n < 2
        or n & (n - 1)
        or n > 2**20
        or not 1 <= r <= 32
        or not 1 <= p <= 16
    ):
        return False
    try:
        got = _derive(pin, salt, n, r, p, len(key))
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(got, key)


# -- wrong tries and the pause -------------------------------------------------------------


@dataclass(frozen=True)
class Attempts:
    """Wrong tries since the last right PIN (or the last pause), and the pause's end."""

    failed: int = 0
    locked_until: float | None = None


def wait_left(att: Attempts, now: float) -> float:
    """Seconds until the PIN can be tried again (0 when it can be now)."""
    if att.locked_until is None:
        return 0.0
    return max(0.0, att.locked_until - now)


def after_try(att: Attempts, right: bool, now: float) -> Attempts:
    """The attempts after one try. A right PIN starts afresh; the ``MAX_TRIES``-th wrong
    one in a row starts a pause of ``PAUSE_SECONDS`` (and the count starts again)."""
    if right:
        return Attempts()
    failed = att.failed + 1
    if failed >= MAX_TRIES:
        return Attempts(0, now + PAUSE_SECONDS)
    return Attempts(failed, None)


Outcome = Literal["open", "wrong", "paused", "empty"]


@dataclass(frozen=True)
class Check:
    outcome: Outcome
    tries_left: int = MAX_TRIES  # before the next pause
    wait: float = 0.0  # seconds, when paused


def check(stored: str, att: Attempts, pin: str | None, now: float) -> tuple[Check, Attempts]:
    """One try at the hand-over: the outcome and the attempts to store.

    While paused, nothing is verified (not even the right PIN) and nothing changes. An
    empty field isn't a try."""
    left = wait_left(att, now)
    if left > 0:
        return Check("paused", 0, left), att
    if att.locked_until is not None:  # a pause that is over
        att = Attempts(att.failed, None)
    if not (pin or "").strip():
        return Check("empty", MAX_TRIES - att.failed), att
    right = verify((pin or "").strip(), stored)
    new = after_try(att, right, now)
    if right:
        return Check("open"), new
    if new.locked_until is not None:
        return Check("paused", 0, wait_left(new, now)), new
    return Check("wrong", MAX_TRIES - new.failed), new


def wait_words(seconds: float) -> str:
    """ "about a minute", "40 seconds", "a few seconds" — for the pause message."""
    s = int(seconds + 0.999)
    if s >= 50:
        return "about a minute"
    if s <= 5:
        return "a few seconds"
    return f"{s} seconds"


# -- a forgotten PIN: the partner's turn starts again ---------------------------------------


def fresh_turn(state: Mapping[str, Any], partner: str) -> dict[str, Any]:
    """A safety-map round's stored state with ``partner``'s turn started again: not
    sealed, back at the first part, nobody "ready", no open request, the version one on
    (so any screen drawn before is out of date). Keys this function doesn't know are
    kept as they are."""
    new = dict(state)
    for key, value in (("sealed", False), ("section", "words")):
        both = dict(new.get(key) or {})
        both[partner] = value
        new[key] = both
    new["ready"] = {"a": False, "b": False}
    new["unseal_request"] = None
    raw = new.get("version")
    version = raw if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0 else 0
    new["version"] = version + 1
    return new
