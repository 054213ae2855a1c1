"""The take-home report: one self-contained HTML file and a PDF of the same (pure).

Both are built from :meth:`Store.export_couple` through :mod:`studio.story`, so they
hold only what both partners have looked at together — never more than the JSON file.

- **HTML**: one file that opens offline in any browser. Plotly's bundle is inlined once
  (nothing is fetched; a Content-Security-Policy forbids any request), and a print
  stylesheet fits A4 and Letter. Every piece of user text goes through ``html.escape``.
- **PDF**: made here with **fpdf2** — pure Python and well kept; it needs no browser
  download (unlike Plotly's kaleido, which fetches Chrome) and no system libraries
  (unlike WeasyPrint's Pango and Cairo). The trend charts are drawn with its own lines
  and shapes from the same data. The text font is DejaVu Sans, shipped in
  ``studio/assets/fonts`` (free licence beside it), so any name or answer prints.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio import safety_flow, story
from studio.safety_map import Reveal, SafetyMapSpec, summary

FONTS = Path(__file__).resolve().parent / "assets" / "fonts"
COVER = (
    "Made for the two of you, on your own computer. It is a picture of where you "
    "have been, not a diagnosis and not a score. Keep it somewhere private."
)
NOT_THERAPY = (
    "Side by Side is not therapy. If things feel unsafe, the studio's "
    "\u201cHelp and resources\u201d page lists people who can help."
)


@dataclass(frozen=True)
class Latest:
    """The latest round both have looked at, in words."""

    when: float
    words: Mapping[str, str | None]
    meets: tuple[str, ...]
    differences: tuple[tuple[str, str], ...]  # (topic, starter)
    surprises: Mapping[str, tuple[str, ...]]  # guesser -> topics
    title: str = "What makes you feel safe?"  # the exercise the round was of


def latest_round(export: Mapping[str, Any], catalog: Any) -> Latest | None:
    rounds = story.rounds_of(export)
    if catalog is None or not rounds:
        return None
    last = rounds[-1]  # the latest round of any scales exercise, with its own file
    spec = catalog.get(last.exercise, "safety_map")
    if not isinstance(spec, SafetyMapSpec):
        return None
    stored = {
        p: {item: (value, False) for item, value in last.answers[p].items()} for p in story.PARTNERS
    }
    a = safety_flow.to_answers(spec, stored["a"])
    b = safety_flow.to_answers(spec, stored["b"])
    try:
        rv: Reveal = summary(spec, a, b)
    except ValueError:
        return None
    return Latest(
        last.when,
        {"a": a.text, "b": b.text},
        tuple(r.topic for r in rv.meets),
        tuple((r.topic, r.starter) for r in rv.differences),
        {"a": tuple(r.topic for r in rv.a_surprises), "b": tuple(r.topic for r in rv.b_surprises)},
        spec.title,
    )


@dataclass(frozen=True)
class Report:
    names: Mapping[str, str]
    made_at: float
    story: story.Story
    latest: Latest | None
    left_out: tuple[str, ...]
    answer_words: Callable[[int], str] | None


def gather(export: Mapping[str, Any], catalog: Any, made_at: float) -> Report:
    found = catalog.of_kind("checkin") if catalog is not None else []
    labels = found[0].answer_labels if found else None
    words = (lambda v: labels[v]) if labels else None
    data = story.build(export, catalog)
    left = tuple(s for s in export.get("not_in_this_file", []) if isinstance(s, str))
    return Report(data.names, made_at, data, latest_round(export, catalog), left, words)


def _said(names: Mapping[str, str], line: str) -> tuple[str | None, str]:
    who, words = story.who(line)
    return (names[who] if who else None), words


# -- HTML -----------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
body { font-family: "Source Sans 3", "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: #1F2430; background: #fff; max-width: 60rem; margin: 2rem auto;
       padding: 0 1.25rem; line-height: 1.5; font-size: 16px; }
h1 { font-size: 2rem; margin: 0 0 .25rem; } h2 { margin-top: 2rem; font-size: 1.4rem; }
h3 { font-size: 1.1rem; margin: 1.2rem 0 .4rem; }
.cover { border: 1px solid #C9CED6; border-radius: 8px; padding: .75rem 1rem;
         background: #F6F7F9; }
.muted { color: #4A5260; } .who { font-weight: 600; }
section, .chart, .entry { break-inside: avoid; page-break-inside: avoid; }
.entry { border-left: 3px solid #C9CED6; padding: .1rem 0 .1rem .75rem; margin: .75rem 0; }
.chart { margin: .5rem 0 1rem; } .words { font-size: .95rem; }
ul { padding-left: 1.25rem; }
@page { margin: 15mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  .chart .js-plotly-plot, .chart .plotly-graph-div { width: 180mm !important; }
  h2 { break-after: avoid; }
}
"""
CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'unsafe-inline'; img-src data:; font-src data:"
)


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def html_report(
    export: Mapping[str, Any], catalog: Any, *, made_at: float, styles: Mapping[str, Any]
) -> str:
    """The whole report as one HTML document (``styles``: partner -> PartnerStyle)."""
    from studio import story_charts

    rep = gather(export, catalog, made_at)
    names = rep.names
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>Our story so far · {_e(names['a'])} and {_e(names['b'])}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Our story so far</h1><p class='muted'>{_e(names['a'])} and {_e(names['b'])}"
        f" · made on {_e(story.day(made_at))}</p>",
        f"<p class='cover'>{_e(COVER)}</p>",
    ]
    if rep.story.empty:
        out.append(
            "<p>Nothing here yet: once you have looked at an exercise together, it "
            "appears in this report.</p>"
        )
    if rep.latest is not None:
        out.append(_latest_html(rep.latest, names))
    if rep.story.moved:
        out.append(
            "<section><h2>Since last time</h2>"
            + "".join(f"<p>{_e(m)}</p>" for m in rep.story.moved)
            + "</section>"
        )
    figures = story_charts.figures(rep.story, styles, rep.answer_words)
    if figures:
        out.append("<h2>Over time</h2>")
        for i, (title, fig, lines) in enumerate(figures):
            chart = fig.to_html(
                full_html=False,
                include_plotlyjs=(i == 0),
                config={"displayModeBar": False, "staticPlot": True},
                default_width="100%",
            )
            out.append(
                f"<div class='chart'><h3>{_e(title)}</h3>{chart}"
                "<details><summary>The chart in words</summary><ul class='words'>"
                + "".join(f"<li>{_e(x)}</li>" for x in lines)
                + "</ul></details></div>"
            )
    if rep.story.entries:
        out.append("<h2>Along the way</h2>")
        for entry in rep.story.entries:
            out.append(
                f"<div class='entry'><strong>{_e(entry.title)}</strong> "
                f"<span class='muted'>· {_e(story.day(entry.when))}</span>"
            )
            for line in entry.lines:
                who, words = _said(names, line)
                out.append(
                    "<div>"
                    + (f"<span class='who'>{_e(who)}:</span> " if who else "")
                    + _e(words)
                    + "</div>"
                )
            out.append("</div>")
    if rep.left_out:
        out.append(
            "<section><h2>Not in this report</h2>"
            + "".join(f"<p>{_e(s)}</p>" for s in rep.left_out)
            + "</section>"
        )
    out.append(f"<p class='muted'>{_e(NOT_THERAPY)}</p></body></html>")
    return "\n".join(out)


def _latest_html(latest: Latest, names: Mapping[str, str]) -> str:
    parts = [
        f"<section><h2>Your latest round together</h2><p class='muted'>"
        f"{_e(latest.title)} · {_e(story.day(latest.when))}</p>"
    ]
    for p in story.PARTNERS:
        if latest.words[p]:
            parts.append(f"<p><span class='who'>{_e(names[p])}:</span> {_e(latest.words[p])}</p>")
    if latest.meets:
        parts.append(
            "<h3>Where you meet</h3><ul>"
            + "".join(f"<li>{_e(t)}</li>" for t in latest.meets)
            + "</ul>"
        )
    if latest.differences:
        parts.append(
            "<h3>Where you differ, and a way to start talking</h3><ul>"
            + "".join(f"<li><strong>{_e(t)}</strong>: {_e(s)}</li>" for t, s in latest.differences)
            + "</ul>"
        )
    for p, other in (("a", "b"), ("b", "a")):
        if latest.surprises[p]:
            parts.append(
                f"<h3>What surprised {_e(names[p])} about {_e(names[other])}</h3><ul>"
                + "".join(f"<li>{_e(t)}</li>" for t in latest.surprises[p])
                + "</ul>"
            )
    parts.append("</section>")
    return "".join(parts)


# -- PDF --------------------------------------------------------------------------------------


def _hex(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def pdf_report(
    export: Mapping[str, Any],
    catalog: Any,
    *,
    made_at: float,
    styles: Mapping[str, Any],
    page_format: str = "A4",
) -> bytes:
    from fpdf import FPDF

    rep = gather(export, catalog, made_at)
    names = rep.names
    pdf = FPDF(format=page_format, unit="mm")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title("Our story so far")
    pdf.set_creator("Side by Side")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def text(
        size: float,
        words: str,
        bold: bool = False,
        gap: float = 1.5,
        color: tuple[int, int, int] = (31, 36, 48),
    ) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.set_text_color(*color)
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(width, size * 0.5, _printable(words))
        pdf.ln(gap)

    text(22, "Our story so far", bold=True)
    text(11, f"{names['a']} and {names['b']} · made on {story.day(made_at)}", color=(74, 82, 96))
    text(11, COVER, gap=4)
    if rep.story.empty:
        text(
            11,
            "Nothing here yet: once you have looked at an exercise together, it "
            "appears in this report.",
        )
    if rep.latest is not None:
        lt = rep.latest
        text(15, "Your latest round together", bold=True)
        text(10, f"{lt.title} · {story.day(lt.when)}", color=(74, 82, 96))
        for p in story.PARTNERS:
            if lt.words[p]:
                text(11, f"{names[p]}: {lt.words[p]}")
        if lt.meets:
            text(12, "Where you meet", bold=True, gap=0.5)
            for t in lt.meets:
                text(11, f"• {t}", gap=0.5)
        if lt.differences:
            text(12, "Where you differ, and a way to start talking", bold=True, gap=0.5)
            for t, s in lt.differences:
                text(11, f"• {t}: {s}", gap=0.5)
        for p, other in (("a", "b"), ("b", "a")):
            if lt.surprises[p]:
                text(12, f"What surprised {names[p]} about {names[other]}", bold=True, gap=0.5)
                for t in lt.surprises[p]:
                    text(11, f"• {t}", gap=0.5)
        pdf.ln(3)
    if rep.story.moved:
        text(15, "Since last time", bold=True)
        for m in rep.story.moved:
            text(11, m)
    groups = [
        ("Where each of you stands, round by round", rep.story.scales, None),
        ("How each of you felt after a dialogue", rep.story.felt, None),
        ("How the weeks felt (0 not at all, 4 completely)", rep.story.week, rep.answer_words),
    ]
    if any(g[1] for g in groups):
        text(15, "Over time", bold=True)
        _legend(pdf, names, styles)
    for title, series, _words in groups:
        if not series:
            continue
        text(12, title, bold=True)
        for one in series:
            _panel(pdf, one, styles, width)
    if rep.story.entries:
        text(15, "Along the way", bold=True)
        for entry in rep.story.entries:
            text(11, f"{entry.title} · {story.day(entry.when)}", bold=True, gap=0.5)
            for line in entry.lines:
                who, words = _said(names, line)
                text(10, (f"{who}: " if who else "") + words, gap=0.5)
            pdf.ln(2)
    if rep.left_out:
        text(15, "Not in this report", bold=True)
        for s in rep.left_out:
            text(11, s)
    text(9, NOT_THERAPY, color=(74, 82, 96))
    return bytes(pdf.output())


def _printable(words: str) -> str:
    """Characters DejaVu Sans can't draw (emoji and the like) become "?" rather than
    an empty box or an error."""
    return "".join(ch if ord(ch) < 0x2E80 or 0xAC00 <= ord(ch) <= 0xD7A3 else "?" for ch in words)


def _legend(pdf: Any, names: Mapping[str, str], styles: Mapping[str, Any]) -> None:
    x, y = pdf.l_margin, pdf.get_y()
    pdf.set_font("DejaVu", "", 10)
    for p in story.PARTNERS:
        _mark(pdf, p, x + 2, y + 2, _hex(styles[p].color))
        pdf.set_text_color(31, 36, 48)
        pdf.set_xy(x + 5, y)
        pdf.cell(60, 4, _printable(names[p]))
        x += 70
    pdf.ln(7)


def _mark(pdf: Any, p: str, x: float, y: float, rgb: tuple[int, int, int]) -> None:
    """Partner a: a filled circle; partner b: a filled triangle (shape, not only colour)."""
    pdf.set_fill_color(*rgb)
    pdf.set_draw_color(*rgb)
    if p == "a":
        pdf.circle(x=x, y=y, radius=1.3, style="F")
    else:
        pdf.polygon([(x - 1.5, y + 1.3), (x + 1.5, y + 1.3), (x, y - 1.5)], style="F")


def _panel(pdf: Any, s: story.Series, styles: Mapping[str, Any], width: float) -> None:
    """One small chart: a line per partner across the points, broken at a gap."""
    height = 22
    if pdf.get_y() + height + 12 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.set_font("DejaVu", "B", 9)
    pdf.set_text_color(31, 36, 48)
    pdf.set_x(pdf.l_margin)
    label = s.label + (f"   ({s.low} = {s.poles[0]} · {s.high} = {s.poles[1]})" if s.poles else "")
    pdf.cell(width, 4, _printable(label))
    pdf.ln(5)
    top = pdf.get_y()
    left = pdf.l_margin + 6
    plot_w = width - 8
    n = len(s.points)

    def xy(i: int, v: int) -> tuple[float, float]:
        x = left + (plot_w * (i + 0.5) / n)
        y = top + height - 2 - (height - 4) * (v - s.low) / max(1, s.high - s.low)
        return x, y

    pdf.set_draw_color(228, 231, 235)
    pdf.set_line_width(0.2)
    for v in (s.low, s.high):
        _, y = xy(0, v)
        pdf.line(left, y, left + plot_w, y)
        pdf.set_font("DejaVu", "", 7)
        pdf.set_text_color(74, 82, 96)
        pdf.set_xy(pdf.l_margin, y - 1.5)
        pdf.cell(5, 3, str(v), align="R")
    for p in story.PARTNERS:
        rgb = _hex(styles[p].color)
        pdf.set_draw_color(*rgb)
        pdf.set_line_width(0.5)
        prev: tuple[float, float] | None = None
        for i, pt in enumerate(s.points):
            v = getattr(pt, p)
            if v is None:
                prev = None  # a gap, never a zero
                continue
            here = xy(i, v)
            if prev is not None:
                pdf.set_dash_pattern(dash=0 if p == "a" else 1, gap=0 if p == "a" else 0.8)
                pdf.line(*prev, *here)
                pdf.set_dash_pattern()
            _mark(pdf, p, *here, rgb)
            prev = here
    pdf.set_font("DejaVu", "", 7)
    pdf.set_text_color(74, 82, 96)
    step = max(1, -(-n // 6))
    for i in range(0, n, step):
        x, _ = xy(i, s.low)
        pdf.set_xy(x - 10, top + height)
        pdf.cell(20, 3, story.day(s.points[i].when).rsplit(" ", 1)[0], align="C")
    pdf.set_y(top + height + 5)


def file_names(made_at: float) -> tuple[str, str]:
    d = dt.date.fromtimestamp(made_at).isoformat()
    return f"our-story-{d}.html", f"our-story-{d}.pdf"


def sorry_pdf(sentence: str) -> bytes:
    """A one-line PDF for when the report can't be made (the button must give a file)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", "", 12)
    pdf.multi_cell(0, 6, sentence)
    return bytes(pdf.output())
