"""The take-home report as a PDF, drawn with fpdf2 (pure; called by :mod:`studio.report`).

Why fpdf2: it is pure Python and well kept, needs no browser download and no system
libraries. Plotly's kaleido would download a Chrome to turn figures into images, and
WeasyPrint needs Pango and Cairo installed on the system; either would break "works on
a fresh laptop with pip" and "nothing leaves this machine". So the charts here are drawn
with fpdf2's own lines and shapes, from the same data as the HTML's Plotly charts: each
partner in their colour *and* their own marker shape (circle, triangle, square, diamond,
star, cross), a solid or a dashed line, a gap wherever an answer is missing.

Text is DejaVu Sans (regular and bold), shipped in ``studio/assets/fonts`` with its
licence, so "Zoë", "Łukasz" or "Ιωάννα" print as typed. A character the font has no
glyph for (Chinese, Japanese, Korean letters, emoji) prints as "?" — never a crash, an
empty box or a missing word — and invisible joiners it lacks are dropped.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from fpdf import FPDF

from studio import history
from studio.charts import PartnerStyle

FONTS = Path(__file__).resolve().parent / "assets" / "fonts"
FONT_FILES = {"": FONTS / "DejaVuSans.ttf", "B": FONTS / "DejaVuSans-Bold.ttf"}
FAMILY = "DejaVu"
INK = (31, 36, 48)
MUTED = (74, 82, 96)
LINE = (213, 217, 224)
GRID = (232, 235, 239)
MARGIN = 15  # mm, like the HTML's @page
PANEL_H = 20  # mm: one small chart's plot height
_EMPHASIS = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<![*\w])\*(?=[^\s*])([^*]*?[^\s*])\*")


@functools.cache
def _glyphs(style: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # fpdf2's own dependency

    with TTFont(str(FONT_FILES[style]), lazy=True) as font:
        return frozenset(font.getBestCmap())


def printable(text: Any, style: str = "") -> str:
    """``text`` with every character the font can't draw as "?" (invisible format
    characters it lacks, such as a zero-width joiner, are dropped)."""
    have = _glyphs(style)
    out = []
    for ch in unicodedata.normalize("NFC", str(text)):
        if ord(ch) in have or ch in "\n\t":
            out.append(ch)
        elif unicodedata.category(ch) in ("Cf", "Mn", "Me") or 0xFE00 <= ord(ch) <= 0xFE0F:
            continue
        else:
            out.append("?")
    return "".join(out)


def plain_content(text: str) -> str:
    """Content-file words without their ``*emphasis*`` marks."""
    return _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)


def _rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    try:
        return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
    except ValueError:
        return INK


class ReportPDF(FPDF):
    """A4 or Letter, 15 mm margins, DejaVu Sans, a quiet footer with the page number."""

    def __init__(self, page_format: str = "A4") -> None:
        super().__init__(orientation="P", unit="mm", format=page_format)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 5)
        for style, path in FONT_FILES.items():
            self.add_font(FAMILY, style, str(path))
        self.set_title("Our story so far")
        self.set_creator("Side by Side (on your own computer)")
        self.set_lang("en")
        self.alias_nb_pages()
        self.set_font(FAMILY, "", 11)

    @property
    def width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*MUTED)
        self.cell(self.width / 2, 4, "Side by Side · private, made for the two of you")
        self.cell(self.width / 2, 4, f"page {self.page_no()} of {{nb}}", align="R")

    # -- text -------------------------------------------------------------------------------

    def room(self, height: float) -> None:
        """A new page unless ``height`` mm still fit on this one."""
        if self.get_y() + height > self.h - self.b_margin:
            self.add_page()

    def words(self, text: str, size: float = 11, bold: bool = False,
              color: tuple[int, int, int] = INK, gap: float = 1.2, indent: float = 0) -> None:
        style = "B" if bold else ""
        self.set_font(FAMILY, style, size)
        self.set_text_color(*color)
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.width - indent, size * 0.48, printable(text, style), align="L",
                        new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)

    def heading(self, text: str, level: int = 1) -> None:
        size = {0: 22, 1: 15, 2: 12}[level]
        self.room(size * 0.5 + 14)  # never a heading alone at the foot of a page
        self.ln(3 if level == 1 else 1.5)
        self.words(text, size=size, bold=True, gap=1 if level else 2)
        if level == 1:
            self.set_draw_color(*LINE)
            self.set_line_width(0.3)
            self.line(self.l_margin, self.get_y(), self.l_margin + self.width, self.get_y())
            self.ln(2)

    def bullet(self, text: str, size: float = 10.5) -> None:
        self.room(size * 0.48 + 1)  # the dot and its first line on the same page
        self.set_font(FAMILY, "", size)
        self.set_text_color(*INK)
        y = self.get_y()
        self.set_xy(self.l_margin + 1, y)
        self.cell(4, size * 0.48, "•")
        self.set_xy(self.l_margin + 5, y)
        self.multi_cell(self.width - 5, size * 0.48, printable(text), align="L",
                        new_x="LMARGIN", new_y="NEXT")
        self.ln(0.8)

    def partner(self, style: PartnerStyle, name: str, after: str = "", size: float = 10.5,
                indent: float = 0) -> None:
        """A partner's mark (their shape, in their colour), name in bold, then their words
        beside it (below it when the name is long)."""
        h = size * 0.48
        self.room(h + 1)
        self.set_font(FAMILY, "B", size)
        y = self.get_y()
        x = self.l_margin + indent
        mark(self, style.symbol, x + 1.6, y + h / 2, 1.3, _rgb(style.color))
        self.set_text_color(*_rgb(style.color))
        label = printable(name, "B") + (":" if after else "")
        room_for_name = self.width - indent - 4
        name_w = self.get_string_width(label) + 1.5
        if after and name_w < room_for_name * 0.4:
            self.set_xy(x + 4, y)
            self.cell(name_w, h, label)
            self.set_font(FAMILY, "", size)
            self.set_text_color(*INK)
            self.set_xy(x + 4 + name_w, y)
            self.multi_cell(room_for_name - name_w, h, printable(after), align="L",
                            new_x="LMARGIN", new_y="NEXT")
            self.ln(1)
            return
        self.set_xy(x + 4, y)
        self.multi_cell(room_for_name, h, label, align="L", new_x="LMARGIN", new_y="NEXT")
        if after:
            self.words(after, size=size, indent=indent + 4, gap=1)


# -- chart marks ------------------------------------------------------------------------------


def _star(x: float, y: float, r: float) -> list[tuple[float, float]]:
    import math

    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.45
        a = math.radians(-90 + 36 * i)
        pts.append((x + rad * math.cos(a), y + rad * math.sin(a)))
    return pts


def mark(pdf: FPDF, shape: str, x: float, y: float, r: float,
         rgb: tuple[int, int, int]) -> None:
    """One marker centred on (x, y): the Plotly symbol's shape, filled in the colour."""
    pdf.set_fill_color(*rgb)
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(0.15)
    pdf.set_dash_pattern()
    if shape == "circle":
        pdf.circle(x, y, r, style="DF")
        return
    if shape == "triangle-up":
        pts = [(x, y - r * 1.15), (x + r * 1.1, y + r * 0.8), (x - r * 1.1, y + r * 0.8)]
    elif shape == "square":
        pts = [(x - r * .9, y - r * .9), (x + r * .9, y - r * .9), (x + r * .9, y + r * .9),
               (x - r * .9, y + r * .9)]
    elif shape == "diamond":
        pts = [(x, y - r * 1.2), (x + r * 1.2, y), (x, y + r * 1.2), (x - r * 1.2, y)]
    elif shape == "star":
        pts = _star(x, y, r * 1.35)
    else:  # "cross", and anything unknown
        t = r * 0.38
        pts = [(x - t, y - r), (x + t, y - r), (x + t, y - t), (x + r, y - t), (x + r, y + t),
               (x + t, y + t), (x + t, y + r), (x - t, y + r), (x - t, y + t), (x - r, y + t),
               (x - r, y - t), (x - t, y - t)]
    pdf.polygon(pts, style="DF")


def legend(pdf: ReportPDF, names: Mapping[str, str], styles: Mapping[str, PartnerStyle]) -> None:
    pdf.room(8)
    y = pdf.get_y()
    x = pdf.l_margin
    pdf.set_font(FAMILY, "", 9.5)
    for p in history.PARTNERS:
        rgb = _rgb(styles[p].color)
        pdf.set_draw_color(*rgb)
        pdf.set_line_width(0.5)
        _dash(pdf, p)
        pdf.line(x, y + 2, x + 9, y + 2)
        pdf.set_dash_pattern()
        mark(pdf, styles[p].symbol, x + 4.5, y + 2, 1.3, rgb)
        pdf.set_text_color(*INK)
        pdf.set_xy(x + 11, y)
        label = printable(names[p])
        pdf.cell(pdf.width / 2 - 12, 4, label[:48])
        x += pdf.width / 2
    pdf.set_y(y + 6)


def _dash(pdf: FPDF, p: str) -> None:
    if p == "b":
        pdf.set_dash_pattern(dash=1.2, gap=0.9)
    else:
        pdf.set_dash_pattern()


def panel(pdf: ReportPDF, s: history.Series, styles: Mapping[str, PartnerStyle],
          tick_words: Callable[[int], str] | None = None) -> None:
    """One small chart: both partners over time, y from ``low`` to ``high`` with the pole
    words, dates below; a missing answer leaves a gap in that partner's line."""
    top_words = 5 + (4 if s.poles else 0)
    pdf.room(top_words + PANEL_H + 9)
    pdf.set_font(FAMILY, "B", 9.5)
    pdf.set_text_color(*INK)
    pdf.set_x(pdf.l_margin)
    pdf.cell(pdf.width, 4.5, printable(plain_content(s.label), "B")[:110],
             new_x="LMARGIN", new_y="NEXT")
    if s.poles:
        pdf.set_font(FAMILY, "", 8)
        pdf.set_text_color(*MUTED)
        pdf.cell(pdf.width, 4, printable(f"{s.low} = {plain_content(s.poles[0])}  ·  "
                                         f"{s.high} = {plain_content(s.poles[1])}")[:140],
                 new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    label_w = 22 if tick_words else 7
    left = pdf.l_margin + label_w
    plot_w = pdf.width - label_w - 2
    top = pdf.get_y()
    n = max(1, len(s.points))

    def at(i: int, v: float) -> tuple[float, float]:
        x = left + plot_w * (i + 0.5) / n
        y = top + PANEL_H - 1.5 - (PANEL_H - 3) * (v - s.low) / max(1, s.high - s.low)
        return x, y

    # y axis: a grid line at every whole step for 0..4, at low / middle / high for 0..10
    steps = range(s.low, s.high + 1) if s.high - s.low <= 4 else (s.low, (s.low + s.high) // 2,
                                                                   s.high)
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern()
    for v in steps:
        _, y = at(0, v)
        pdf.set_draw_color(*GRID)
        pdf.line(left, y, left + plot_w, y)
        pdf.set_font(FAMILY, "", 7)
        pdf.set_text_color(*MUTED)
        pdf.set_xy(pdf.l_margin, y - 1.5)
        pdf.cell(label_w - 1.5, 3, printable(tick_words(v) if tick_words else str(v)),
                 align="R")
    pdf.set_draw_color(*LINE)
    pdf.line(left, top + PANEL_H, left + plot_w, top + PANEL_H)
    for p in history.PARTNERS:
        rgb = _rgb(styles[p].color)
        prev = None
        for i, pt in enumerate(s.points):
            v = getattr(pt, p)
            if v is None:
                prev = None  # a gap, never a zero
                continue
            here = at(i, v)
            if prev is not None:
                pdf.set_draw_color(*rgb)
                pdf.set_line_width(0.5)
                _dash(pdf, p)
                pdf.line(*prev, *here)
                pdf.set_dash_pattern()
            prev = here
        for i, pt in enumerate(s.points):
            v = getattr(pt, p)
            if v is not None:
                # two equal answers sit side by side, so both marks show
                other = getattr(pt, "b" if p == "a" else "a")
                nudge = (1.1 if p == "b" else -1.1) if other == v else 0
                x, y = at(i, v)
                mark(pdf, styles[p].symbol, x + nudge, y, 1.25, rgb)
    # x axis: the dates, at most six of them
    pdf.set_font(FAMILY, "", 7)
    pdf.set_text_color(*MUTED)
    step = max(1, -(-n // 6))
    for i in range(0, len(s.points), step):
        x, _ = at(i, s.low)
        pdf.set_xy(x - 12, top + PANEL_H + 0.8)
        pdf.cell(24, 3, history.day(s.points[i].when), align="C")
    pdf.set_y(top + PANEL_H + 6)


# -- the document -----------------------------------------------------------------------------


def render(rep: Any, page_format: str = "A4") -> bytes:
    """The report (:class:`studio.report.Report`) as PDF bytes."""
    from studio import report

    pdf = ReportPDF(page_format)
    pdf.add_page()
    names, styles = rep.names, rep.styles
    pdf.words("Side by Side · your take-home report", size=9.5, color=MUTED, gap=1)
    pdf.words(report.TITLE, size=22, bold=True, gap=2)
    for p in history.PARTNERS:
        pdf.partner(styles[p], names[p], size=12.5)
    pdf.ln(1)
    pdf.words(f"Made on {history.day(rep.made_at)}, on your own computer.", size=10,
              color=MUTED, gap=3)
    _cover(pdf, report.PROMISE, report.PRIVATE)
    if rep.history.empty:
        pdf.words(report.EMPTY)
    if rep.history.moved:
        pdf.heading("Since last time")
        for m in rep.history.moved:
            pdf.words(plain_content(m), size=10.5)
    if rep.latest is not None:
        _latest(pdf, rep, rep.latest)
    groups = rep.groups()
    if groups:
        pdf.heading("Over time")
        pdf.words("Each mark is one time you looked at something together. A break in a "
                  "line is a question one of you didn't answer, never a zero.", size=9.5,
                  color=MUTED)
        for title, series, words in groups:
            pdf.heading(title, 2)
            legend(pdf, names, styles)
            for s in series:
                panel(pdf, s, styles, words)
    if rep.history.entries:
        _timeline(pdf, rep)
    if rep.left_out:
        pdf.heading("Not in this report")
        pdf.words("Only what you looked at together is here.", size=10.5)
        for s in rep.left_out:
            pdf.words(s, size=10.5)
    pdf.ln(4)
    pdf.words(report.NOT_THERAPY, size=9, color=MUTED)
    return bytes(pdf.output())


def _cover(pdf: ReportPDF, *paragraphs: str) -> None:
    """The promise in a soft box."""
    pdf.set_x(pdf.l_margin)
    pdf.set_font(FAMILY, "", 10.5)
    pdf.set_fill_color(246, 247, 249)
    pdf.set_draw_color(*LINE)
    text = "\n".join(printable(t) for t in paragraphs)
    pdf.multi_cell(pdf.width, 5.2, text, border=1, fill=True, padding=3,
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _latest(pdf: ReportPDF, rep: Any, lt: Any) -> None:
    from studio import report

    names, styles = rep.names, rep.styles
    pdf.heading("Your latest round together")
    pdf.words(f"What makes you feel safe? · looked at together on {history.day(lt.when)}",
              size=9.5, color=MUTED)
    pdf.heading("In your own words", 2)
    for p in history.PARTNERS:
        pdf.partner(styles[p], names[p], lt.words[p] or report.NO_ANSWER)
    pdf.heading(plain_content(lt.titles["meets"]), 2)
    meets = list(lt.meets) + ([f"You both picked {report.quoted(lt.shared_needs)} as "
                               "something you need."] if lt.shared_needs else [])
    for m in meets:
        pdf.bullet(plain_content(m))
    if not meets:
        pdf.words("No scale sat really close this time — that happens, and it's worth a "
                  "chat.", size=10.5)
    pdf.heading(plain_content(lt.titles["differences"]), 2)
    for topic, where, starter in lt.differences:
        pdf.room(22)
        pdf.words(plain_content(topic), size=10.5, bold=True, gap=0.5)
        for p in history.PARTNERS:
            pdf.partner(styles[p], names[p], plain_content(where[p]), size=10, indent=2)
        pdf.words("To start: " + plain_content(starter), size=10, color=MUTED, indent=2,
                  gap=2)
    if not lt.differences:
        pdf.words("No big differences this time.", size=10.5)
    pdf.heading(plain_content(lt.titles["surprises"]), 2)
    if lt.surprises:
        pdf.words("Each of you guessed where the other would stand. A surprise is good "
                  "news: something new to ask about.", size=10, color=MUTED)
    for topic, g, guess, said in lt.surprises:
        other = "b" if g == "a" else "a"
        pdf.bullet(f"{plain_content(topic)} — {names[g]} guessed {plain_content(guess)}; "
                   f"{names[other]} said {plain_content(said)}.")
    if not lt.surprises:
        pdf.words("Your guesses sat near each other's answers this time.", size=10.5)
    if lt.not_compared:
        pdf.words("Not compared, because one of you didn't answer: "
                  + plain_content("; ".join(lt.not_compared)) + ".", size=9.5, color=MUTED)


def _timeline(pdf: ReportPDF, rep: Any) -> None:
    names, styles = rep.names, rep.styles
    pdf.heading("Along the way")
    pdf.words("Newest first: your rounds, talks and check-ins.", size=9.5, color=MUTED)
    for e in rep.history.entries:
        pdf.room(16)
        pdf.words(f"{plain_content(e.title)} · {history.day(e.when)}", size=10.5, bold=True,
                  gap=0.6)
        for line in e.lines:
            p, said = history.who(line)
            if p is None:
                pdf.words(said, size=10, indent=2, gap=0.6)
            else:
                pdf.partner(styles[p], names[p], said, size=10, indent=2)
        week = rep.weeks.get(e.when) if e.kind == "checkin" else None
        if week is not None:
            _week_table(pdf, names, styles, week.rows)
        pdf.ln(2.5)


def _week_table(pdf: ReportPDF, names: Mapping[str, str], styles: Mapping[str, PartnerStyle],
                rows: Sequence[tuple[str, str, str, str | None]]) -> None:
    pdf.room(8 + 5 * len(rows))
    pdf.words("How the week felt", size=9.5, bold=True, color=MUTED, indent=2, gap=0.5)
    q_w = pdf.width * 0.46
    col = (pdf.width - q_w - 2) / 2
    y = pdf.get_y()
    for i, p in enumerate(history.PARTNERS):
        x = pdf.l_margin + 2 + q_w + i * col
        mark(pdf, styles[p].symbol, x + 1.3, y + 2, 1.1, _rgb(styles[p].color))
        pdf.set_font(FAMILY, "B", 9)
        pdf.set_text_color(*_rgb(styles[p].color))
        pdf.set_xy(x + 3.5, y)
        pdf.cell(col - 4, 4, printable(names[p], "B")[:26])
    pdf.set_y(y + 5)
    for q, a, b, gentle in rows:
        pdf.room(5)
        y = pdf.get_y()
        pdf.set_font(FAMILY, "", 9)
        pdf.set_text_color(*INK)
        for x, w, text in ((pdf.l_margin + 2, q_w, q), (pdf.l_margin + 2 + q_w, col, a),
                           (pdf.l_margin + 2 + q_w + col, col, b)):
            pdf.set_xy(x, y)
            pdf.cell(w, 4.4, printable(plain_content(text))[:60 if w == q_w else 28])
        pdf.set_draw_color(*GRID)
        pdf.set_line_width(0.15)
        pdf.line(pdf.l_margin + 2, y + 4.6, pdf.l_margin + pdf.width, y + 4.6)
        pdf.set_y(y + 5)
        if gentle:
            pdf.words(plain_content(gentle), size=8.5, color=MUTED, indent=4, gap=0.8)
