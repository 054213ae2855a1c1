"""Unguessable couple tokens (kept in the URL so a reload or a bookmark resumes)."""

from __future__ import annotations

import re
import secrets

TOKEN_BYTES = 24  # 192 bits of randomness, well over the 128 we promise
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{22,64}")  # used with fullmatch: no "\n" at the end


def new_token() -> str:
    """A fresh URL-safe token with TOKEN_BYTES * 8 bits from the OS's CSPRNG."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def looks_valid(token: object) -> bool:
    """Cheap shape check before any database look-up (length, URL-safe alphabet)."""
    return isinstance(token, str) and _TOKEN_RE.fullmatch(token) is not None
