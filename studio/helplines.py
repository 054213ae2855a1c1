"""Helplines for the help page, from ``studio/helplines.toml`` (pure: no Streamlit).

Each line keeps where its facts came from and when they were checked, so they can be
checked again before a release. Validated on load; a broken file raises ``ValueError``
naming the problem (the help page then falls back to its general advice).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

HELPLINES_FILE = Path(__file__).with_name("helplines.toml")
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{1,18}[0-9]$")
_WEB = re.compile(r"^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$", re.IGNORECASE)


class Helpline(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    organisation: str = Field(min_length=2, max_length=80)
    about: str = Field(min_length=10, max_length=200)
    phone: str | None = None
    text: str | None = Field(default=None, max_length=60)
    web: str | None = None
    sources: list[str] = Field(min_length=1)
    source_by: str = Field(min_length=2, max_length=120)
    checked: dt.date

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        if v is not None and not _PHONE.match(v):
            raise ValueError("a phone number is digits, spaces and dashes")
        return v

    @field_validator("web")
    @classmethod
    def _web(cls, v: str | None) -> str | None:
        if v is not None and not _WEB.match(v):
            raise ValueError("a web address here is a bare host, like www.example.org")
        return v

    @field_validator("sources")
    @classmethod
    def _sources(cls, v: list[str]) -> list[str]:
        for url in v:
            if not url.startswith("https://"):
                raise ValueError(f"a source is a page address starting https:// ({url})")
        return v

    @model_validator(mode="after")
    def _reachable(self) -> Helpline:
        if not (self.phone or self.web):
            raise ValueError("a helpline needs a phone number or a web address")
        return self


class Country(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=r"^[a-z]{2}$")
    name: str = Field(min_length=2, max_length=60)
    emergency: str = Field(pattern=r"^[0-9]{3}$")
    note: str | None = Field(default=None, max_length=300)
    lines: list[Helpline] = Field(min_length=1)


class Helplines(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    countries: list[Country] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Helplines:
        keys = [c.key for c in self.countries]
        if len(set(keys)) != len(keys):
            raise ValueError("each country appears once")
        return self

    def country(self, key: str | None) -> Country | None:
        return next((c for c in self.countries if c.key == key), None)


def load(path: Path = HELPLINES_FILE) -> Helplines:
    """Read and check the helplines file; ``ValueError`` says what is wrong."""
    try:
        with path.open("rb") as f:
            return Helplines.model_validate(tomllib.load(f))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ValueError(f"{path.name}: {exc}") from exc
