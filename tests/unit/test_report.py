"""The take-home report (``studio.report``): made from a real store through the real
services, it holds the couple's revealed words and none of a sealed round's, in the HTML
and in the PDF read back with pypdf; hostile names and answers stay text; nothing in the
HTML would be fetched; characters the PDF's font lacks never crash it."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from studio import checkin_service, dialogue_service, report, report_pdf, safety_service
from studio.exercises import load_catalog
from studio.store import Store

NOW = dt.datetime(2026, 11, 30, 20, 0).timestamp()
DAY = 86400
CAT = load_catalog()
SPEC = CAT.get("safety_map")
CK = checkin_service.find_spec(CAT)
DLG = dialogue_service.find_spec(CAT)
SHOWN_A = "shown-a-r8k2 warm tea in the evening"
SHOWN_B = "shown-b-x5p1 a quiet hour"
SEALED = "sealed-zz9 never in any report"
OPEN_THANKS = "openthanks-q7"  # thanks are said together: never sealed
HOSTILE = "<script>alert(1)</script> **bold** http://evil.example"
NAME_A = "Zoë"
NAME_B = "李 <b>Sam</b>"


def a_round(store, couple, when, words, a, b, reveal=True, needs=None):
    """One safety-map round on the first four scales (``a``/``b``: a position or four),
    a's guesses of b at the far end (so they surprise), optional needs for both."""
    a = a if isinstance(a, tuple) else (a,) * 4
    b = b if isinstance(b, tuple) else (b,) * 4
    run = safety_service.start_run(store, couple.id, when)
    if words[0]:
        safety_service.save_text(store, SPEC, run, "a", words[0])
    for s, va, vb in zip(SPEC.scales[:4], a, b, strict=True):
        safety_service.save_position(store, run, "a", f"scale:{s.key}", va)
        safety_service.save_position(store, run, "a", f"guess:{s.key}", 0 if vb > 5 else 10)
    if needs:
        safety_service.save_needs(store, SPEC, run, "a", needs)
    run = safety_service.seal(store, run, "a")
    if words[1]:
        safety_service.save_text(store, SPEC, run, "b", words[1])
    for s, vb in zip(SPEC.scales[:4], b, strict=True):
        safety_service.save_position(store, run, "b", f"scale:{s.key}", vb)
    if needs:
        safety_service.save_needs(store, SPEC, run, "b", needs)
    run = safety_service.seal(store, run, "b")
    if reveal:
        run = safety_service.confirm_ready(store, run, "a", when)
        safety_service.confirm_ready(store, run, "b", when)


def a_checkin(store, couple, when, thanks, ratings, reveal=True, topic=None):
    item = checkin_service.start(store, couple.id, when)
    checkin_service.save_words(store, CK, item, "a", "appreciation", thanks)
    item = checkin_service.appreciated(store, item)
    for p in "ab":
        for key, value in ratings[p].items():
            checkin_service.save_rating(store, CK, item, p, key, value)
        item = checkin_service.seal(store, item, p)
    if reveal:
        item = checkin_service.ready(store, item, "a", when)
        item = checkin_service.ready(store, item, "b", when)
        item = checkin_service.after_ratings(store, item)
        item = checkin_service.choose_topic(store, CK, couple, item,
                                            "later" if topic else "not_this_week", topic,
                                            now=when)
        item = checkin_service.end_repair(store, item, skipped=True)
        checkin_service.set_next(store, item, None, when)


def a_dialogue(store, couple, when, topic, a_rating, b_rating):
    dialogue_service.start(store, couple, variant="appreciation", first_sender="a", now=when,
                           topic=topic)
    run = dialogue_service.latest(store, couple)
    for event in ("ready", "sent", "mirrored", "got_it", "more_no", "closed", "end"):
        run = dialogue_service.apply(store, couple, run.id, event, when,
                                     expect_step=run.step_no)
    dialogue_service.seal_rating(store, DLG, run, "a", **a_rating)
    dialogue_service.seal_rating(store, DLG, run, "b", **b_rating)
    dialogue_service.reveal(store, dialogue_service.latest(store, couple))


def make_export(path: Path, name_a: str = NAME_A, name_b: str = NAME_B) -> dict:
    """A couple with two revealed rounds, a sealed one, a revealed dialogue, a revealed
    check-in and a sealed one: what the tests (and the browser test) build on."""
    store = Store(f"sqlite:///{path}")
    store.migrate()
    couple = store.create_couple(name_a=name_a, name_b=name_b, color_a="green",
                                 color_b="vermilion", symbol_a="star", symbol_b="square")
    items = [i.key for i in CK.items]
    a_round(store, couple, NOW - 14 * DAY, ("earlier words", None), 0, 10)
    a_round(store, couple, NOW - 7 * DAY, (SHOWN_A + " " + HOSTILE, SHOWN_B), (4, 1, 2, 5),
            (6, 9, 3, 5),
            needs=[SPEC.needs[0].key])
    a_dialogue(store, couple, NOW - 6 * DAY, "topic-dl4 " + HOSTILE,
               {"heard": 8, "safe": 6, "word": "calmword-k2"}, {"heard": 5, "safe": 7})
    a_checkin(store, couple, NOW - 5 * DAY, "thanks-q1 for dinner " + HOSTILE,
              {"a": {items[0]: 4, items[1]: 3}, "b": {items[0]: 1, items[1]: 3}},
              topic="weekly-topic-t3 Sundays")
    a_checkin(store, couple, NOW - 2 * DAY, "thanks-q2 for the walk",
              {"a": {items[0]: 3, items[2]: 2}, "b": {items[0]: 2, items[2]: 2}})
    a_round(store, couple, NOW, (SEALED, SEALED), 1, 9, reveal=False)
    a_checkin(store, couple, NOW, OPEN_THANKS, {"a": {items[0]: 0}, "b": {items[0]: 0}},
              reveal=False)
    return store.export_couple(couple.id)


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    return make_export(tmp_path_factory.mktemp("report") / "r.db")


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split()), len(reader.pages)


def test_the_html_holds_the_revealed_words_and_nothing_sealed(export):
    page = report.html_report(export, CAT, made_at=NOW)
    for words in ("shown-a-r8k2 warm tea", SHOWN_B, "thanks-q1 for dinner", "thanks-q2",
                  "topic-dl4", "calmword-k2", "Zoë", "李", "30 Nov 2026",
                  "weekly-topic-t3",
                  "a diagnosis", "Not in this report", "not therapy"):
        assert words in page, words
    assert "sealed-zz9" not in page
    # How the week felt, in words, for the two revealed check-ins only; the third one's
    # thanks (said together) are there, its sealed answers are said in words.
    labels = CK.answer_labels
    assert page.count("<table class='week'>") == 2 and labels[4] in page and labels[1] in page
    assert OPEN_THANKS in page and "How the week felt, from 1 check-in, isn" in page
    # The latest round: where you differ, with its conversation starter; the surprises.
    latest = report.latest_round(export, CAT)
    assert latest is not None and latest.words["b"] == SHOWN_B
    assert [d[0] for d in latest.differences] == [SPEC.scales[1].topic]  # 1 against 9
    assert SPEC.scales[1].starter.split("*")[0][:30] in page.replace("&#x27;", "'")
    assert {s[1] for s in latest.surprises} == {"a"}  # a guessed b at the far end
    assert SPEC.scales[0].topic in " ".join(latest.meets)
    assert "Since your last round, you moved closer on" in page


def test_the_html_keeps_hostile_text_as_text(export):
    page = report.html_report(export, CAT, made_at=NOW)
    markup = re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.S)
    assert "<script>alert(1)</script>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **bold** http://evil.example" in markup
    assert "<b>Sam</b>" not in markup and "李 &lt;b&gt;Sam&lt;/b&gt;" in markup
    assert "<strong>bold</strong>" not in markup and "<a " not in markup
    # the only <script> elements are Plotly's: its bundle once, then one call per chart
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", page, flags=re.S)
    assert all("alert(1)" not in s.replace("\\u003c", "<").split("Plotly.newPlot")[0]
               or "newPlot" in s for s in scripts)
    assert page.count("Plotly.newPlot") >= 3  # rounds, felt after a dialogue, the weeks


def test_the_html_fetches_nothing_and_prints_to_the_page(export):
    page = report.html_report(export, CAT, made_at=NOW)
    csp = re.search(r"http-equiv='Content-Security-Policy' content=\"([^\"]+)\"", page)
    assert csp and "default-src 'none'" in csp.group(1)
    assert "connect-src" not in csp.group(1)  # default-src 'none' covers it
    markup = re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.S)
    assert not re.search(r"""(src|href)\s*=""", markup)
    assert "@import" not in markup and "url(" not in markup
    assert page.count("plotly.js v") <= 2  # the bundle (its header comment) only once
    assert "@page { margin: 15mm; }" in page and "@media print" in page
    assert "break-inside: avoid" in page
    assert f"\"width\":{report.CHART_WIDTH}" in page.replace(" ", "")


def test_the_pdf_holds_the_revealed_words_and_none_of_a_sealed_round(export):
    for fmt in ("A4", "Letter"):
        data = report.pdf_report(export, CAT, made_at=NOW, page_format=fmt)
        assert data[:5] == b"%PDF-"
        flat, pages = pdf_text(data)
        for words in ("shown-a-r8k2", "shown-b-x5p1", "thanks-q1", "thanks-q2", "topic-dl4",
                      "calmword-k2", "Zoë", "a diagnosis", "Not in this report",
                      "How the week felt", "Over time", "<script>alert(1)</script>"):
            assert words in flat, (fmt, words)
        assert "sealed-zz9" not in flat and flat.count("How the week felt Zo") == 2
        assert "李" not in flat and "? <b>Sam</b>" in flat  # the font has no Chinese
        assert 2 <= pages <= 14


def test_the_pdf_never_crashes_on_characters_the_font_lacks(tmp_path):
    ex = make_export(tmp_path / "u.db", name_a="😀 Anaïs 👩\u200d👩\u200d👧",
                     name_b="Ωμέγα 李小龍 ✚")
    data = report.pdf_report(ex, CAT, made_at=NOW)
    flat, _ = pdf_text(data)
    assert "Anaïs" in flat and "Ωμέγα" in flat
    assert report_pdf.printable("a李b👩\u200d👩c") == "a?b?\u200d?c"
    assert report_pdf.printable("x\U000e0041y") == "xy"  # an invisible tag it lacks: dropped
    assert report_pdf.printable("Zoë") == "Zoë"


def test_an_empty_story_still_makes_a_kind_report():
    export = {"couple": {"name_a": "A", "name_b": "B"}, "not_in_this_file": []}
    page = report.html_report(export, CAT, made_at=NOW)
    assert "Nothing here yet" in page and "Plotly.newPlot" not in page
    data = report.pdf_report(export, CAT, made_at=NOW)
    assert "Nothing here yet" in pdf_text(data)[0]
    for broken in ({}, {"couple": None, "safety_maps": [None, {"state": "x"}],
                        "checkins": [7], "dialogues": "x"}):
        assert "Our story so far" in report.html_report(broken, CAT, made_at=NOW)
        assert report.pdf_report(broken, CAT, made_at=NOW)[:5] == b"%PDF-"


def test_a_round_without_revealed_at_is_never_read_even_by_hand(export):
    sneaky = dict(export)
    sneaky["safety_maps"] = export["safety_maps"] + [{
        "exercise": "safety_map", "started_at": NOW + 99, "state": {"revealed_at": None},
        "answers": [{"partner": "a", "item": "text", "value": "handmade-sealed",
                     "skipped": False}]}]
    assert "handmade-sealed" not in report.html_report(sneaky, CAT, made_at=NOW)
    assert "handmade-sealed" not in pdf_text(report.pdf_report(sneaky, CAT, made_at=NOW))[0]


def test_the_partners_shapes_are_drawn_in_the_pdf(export):
    # Every marker shape draws without error; the couple's star and square are used.
    pdf = report_pdf.ReportPDF()
    pdf.add_page()
    for i, shape in enumerate(("circle", "triangle-up", "square", "diamond", "star", "cross",
                               "unknown")):
        report_pdf.mark(pdf, shape, 20 + 8 * i, 20, 1.3, (0, 114, 178))
    assert bytes(pdf.output())[:5] == b"%PDF-"
    styles = report.gather(export, CAT, NOW).styles
    assert (styles["a"].symbol, styles["b"].symbol) == ("star", "square")
