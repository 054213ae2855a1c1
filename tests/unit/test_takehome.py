"""The take-home report: only what both have looked at together, in the HTML and the PDF,
user words escaped, charts included, nothing fetched."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from studio import charts, checkin_service, safety_service, takehome
from studio.exercises import load_catalog
from studio.store import Store

NOW = dt.datetime(2026, 11, 30, 20, 0).timestamp()
CAT = load_catalog()
SPEC = CAT.get("safety_map")
CK = checkin_service.find_spec(CAT)
SHOWN_A = "shown-a-r8k2 warm tea in the evening"
SHOWN_B = "shown-b-x5p1 a quiet hour"
SEALED = "sealed-zz9 never in any report"
HOSTILE = "<script>alert(1)</script> **bold** http://evil.example"
STYLES = {
    "a": charts.PartnerStyle("Zoë", "#0072B2", "circle", "●"),
    "b": charts.PartnerStyle("李 " + HOSTILE, "#D55E00", "triangle-up", "▲"),
}


def a_round(store, couple, when, words, a, b, reveal=True):
    run = safety_service.start_run(store, couple.id, when)
    safety_service.save_text(store, SPEC, run, "a", words[0])
    for s in SPEC.scales[:4]:
        safety_service.save_position(store, run, "a", f"scale:{s.key}", a)
        safety_service.save_position(store, run, "a", f"guess:{s.key}", 10 - b)
    run = safety_service.seal(store, run, "a")
    if words[1]:
        safety_service.save_text(store, SPEC, run, "b", words[1])
    for s in SPEC.scales[:4]:
        safety_service.save_position(store, run, "b", f"scale:{s.key}", b)
    run = safety_service.seal(store, run, "b")
    if reveal:
        run = safety_service.confirm_ready(store, run, "a", when)
        safety_service.confirm_ready(store, run, "b", when)


@pytest.fixture()
def export(store_url):
    store = Store(store_url)
    store.migrate()
    couple = store.create_couple(
        name_a="Zoë",
        name_b="李 " + HOSTILE,
        color_a="blue",
        color_b="orange",
        symbol_a="circle",
        symbol_b="triangle",
    )
    a_round(store, couple, NOW - 14 * 86400, ("earlier words", None), 0, 10)
    a_round(store, couple, NOW - 7 * 86400, (SHOWN_A, SHOWN_B + " " + HOSTILE), 4, 6)
    a_round(store, couple, NOW, (SEALED, SEALED), 1, 9, reveal=False)
    item = checkin_service.start(store, couple.id, NOW - 3 * 86400)
    checkin_service.save_words(store, CK, item, "a", "appreciation", "thanks-q1 for dinner")
    item = checkin_service.appreciated(store, item)
    checkin_service.save_rating(store, CK, item, "a", "heard", 3)
    item = checkin_service.seal(store, item, "a")
    checkin_service.save_rating(store, CK, item, "b", "heard", 1)
    item = checkin_service.seal(store, item, "b")
    item = checkin_service.ready(store, item, "a", NOW - 3 * 86400)
    checkin_service.ready(store, item, "b", NOW - 3 * 86400)
    return store.export_couple(couple.id)


def test_the_html_holds_the_revealed_words_escaped_and_nothing_sealed(export):
    page = takehome.html_report(export, CAT, made_at=NOW, styles=STYLES)
    assert SHOWN_A in page and "thanks-q1 for dinner" in page
    assert SEALED not in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Not in this report" in page and "not a diagnosis" in page
    assert "default-src 'none'" in page
    # Nothing that would be fetched: outside the inlined Plotly code, no src= or href=
    # to anywhere (the Chromium test opens the file offline and watches every request).
    markup = re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.S)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", markup)
    assert page.count("Plotly.newPlot") == 2  # rounds and weeks (no dialogue here)
    assert "moved closer" in page


def test_the_pdf_holds_the_revealed_words_and_none_of_a_sealed_round(export):
    for fmt in ("A4", "Letter"):
        data = takehome.pdf_report(export, CAT, made_at=NOW, styles=STYLES, page_format=fmt)
        reader = PdfReader(io.BytesIO(data))
        words = " ".join(p.extract_text() for p in reader.pages)
        flat = " ".join(words.split())
        assert "shown-a-r8k2" in flat and "thanks-q1" in flat and "Zoë" in flat
        assert "? &lt;script" not in flat and "<script>alert(1)</script>" in flat  # text
        assert "sealed-zz9" not in flat
        assert "not a diagnosis" in flat
        assert 1 <= len(reader.pages) <= 12


def test_an_empty_story_still_makes_a_kind_report():
    export = {"couple": {"name_a": "A", "name_b": "B"}, "not_in_this_file": []}
    page = takehome.html_report(export, CAT, made_at=NOW, styles=STYLES)
    assert "Nothing here yet" in page and "Plotly.newPlot" not in page
    assert takehome.pdf_report(export, CAT, made_at=NOW, styles=STYLES)[:5] == b"%PDF-"
