"""The helplines file: valid, sourced, dated, and with the numbers we checked."""

from __future__ import annotations

import datetime as dt

import pytest

from studio import helplines

DATA = helplines.load()
# The facts as checked against each organisation's page (see the file's `sources`).
CHECKED = {
    "us": ("911", ["1-800-799-7233"]),
    "uk": ("999", ["0808 2000 247"]),
    "ca": ("911", []),
    "au": ("000", ["1800 737 732"]),
    "de": ("112", ["116 016", "0800 123 99 00"]),
    "ie": ("112", ["1800 341 900"]),
}


def test_the_shipped_file_loads_with_every_country_we_checked():
    assert [c.key for c in DATA.countries] == list(CHECKED)
    for c in DATA.countries:
        emergency, phones = CHECKED[c.key]
        assert c.emergency == emergency
        assert [line.phone for line in c.lines if line.phone] == phones


def test_every_fact_says_where_it_came_from_and_when():
    for c in DATA.countries:
        for line in c.lines:
            assert line.sources and all(s.startswith("https://") for s in line.sources)
            assert line.source_by
            assert dt.date(2025, 1, 1) <= line.checked <= dt.date.today()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"phone": "call 0800 now"}, "digits"),
        ({"phone": None, "web": None}, "phone number or a web address"),
        ({"sources": ["http://example.org"]}, "https://"),
        ({"sources": []}, "at least 1"),
        ({"web": "https://x.org/a"}, "bare host"),
    ],
)
def test_a_broken_line_is_refused_with_a_reason(tmp_path, change, problem):
    line = {
        "organisation": "Some line",
        "about": "Free, day and night.",
        "phone": "0800 1",
        "sources": ["https://example.org"],
        "source_by": "Them",
        "checked": "2026-01-02",
        **change,
    }
    with pytest.raises(ValueError, match=problem):
        helplines.Helplines.model_validate(
            {"countries": [{"key": "xx", "name": "X", "emergency": "112", "lines": [line]}]}
        )


def test_a_missing_or_broken_file_raises_value_error(tmp_path):
    with pytest.raises(ValueError, match=r"nope\.toml"):
        helplines.load(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("countries = 3", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.toml"):
        helplines.load(bad)


def test_country_lookup():
    assert DATA.country("de").name == "Germany"
    assert DATA.country(None) is None and DATA.country("zz") is None
