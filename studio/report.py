"""The take-home report: one self-contained HTML file and a PDF of the same (pure).

Both are built only from :meth:`Store.export_couple` — the one gate that leaves out
whatever is still sealed — so the report can never hold more than the JSON file does.
The trends and the timeline come from :mod:`studio.history` (the history page's own
core) and the HTML's charts from :mod:`studio.history_charts`, so the page and the
report never tell two stories. What is still sealed is said in words, never shown.

- ``html_report(export, catalog, made_at=...) -> str``: one file that opens offline in
  any browser. Plotly's bundle is inlined once; a Content-Security-Policy forbids every
  request (no fonts, styles, images or scripts from anywhere); a print stylesheet fits
  A4 and Letter (charts 672 px = 178 mm wide, inside both printable widths). Every piece
  of user text goes through ``html.escape``; content-file text keeps only ``*emphasis*``.
- ``pdf_report(export, catalog, made_at=...) -> bytes``: the same with fpdf2, drawn in
  :mod:`studio.report_pdf` (why fpdf2 is written there).
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from studio import history, safety_flow
from studio.charts import PartnerStyle
from studio.safety_map import lean_words, position_words, summary

PARTNERS = history.PARTNERS
TITLE = "Our story so far"
PROMISE = ("This is a picture of where you have been, made for the two of you. It isn't "
           "a diagnosis, and it isn't a score: just your own words and answers, the ones "
           "you chose to look at together.")
PRIVATE = "Keep it somewhere private: anyone who opens this file can read it."
NOT_THERAPY = ("Side by Side is not therapy. If things feel unsafe, or too heavy to carry "
               "alone, the studio's \u201cHelp and resources\u201d page lists people who can "
               "help.")
EMPTY = ("Nothing here yet. Once you have looked at an exercise together, it will appear "
         "in your report.")
NO_ANSWER = "(chose not to answer)"
NOT_ANSWERED = "not answered"
CHART_WIDTH = 672  # px: 178 mm at 96 px/in, inside A4's 180 mm and Letter's 186 mm
PANELS_PER_CHART = 4  # small multiples per figure, so one figure fits one printed page
FILE_HTML = "side-by-side-report.html"
FILE_PDF = "side-by-side-report.pdf"


# -- what goes into the report -----------------------------------------------------------------


@dataclass(frozen=True)
class Latest:
    """The latest safety-map round both have looked at, in words (content words from the
    exercise file, user words as typed: escape where drawn)."""

    when: float
    words: Mapping[str, str | None]  # each partner's own words, None when not given
    meets: tuple[str, ...]  # "topic — you both lean toward …"
    shared_needs: tuple[str, ...]
    differences: tuple[tuple[str, Mapping[str, str], str], ...]  # topic, where each, starter
    surprises: tuple[tuple[str, str, str, str], ...]  # topic, guesser, guessed, said
    not_compared: tuple[str, ...]
    titles: Mapping[str, str]  # meets / differences / surprises headings from the file


@dataclass(frozen=True)
class Week:
    """How the week felt in one revealed check-in: (question, a's word, b's word, a
    gentle word where the two answers sit apart or None)."""

    rows: tuple[tuple[str, str, str, str | None], ...]


@dataclass(frozen=True)
class Report:
    names: Mapping[str, str]
    styles: Mapping[str, PartnerStyle]
    made_at: float
    history: history.History
    latest: Latest | None
    weeks: Mapping[float, Week]  # keyed by the timeline entry's time
    answer_words: Callable[[int], str] | None
    left_out: tuple[str, ...]

    def groups(self) -> list[tuple[str, tuple[history.Series, ...], Any]]:
        """The trend groups, as the history page titles them (for the PDF's charts)."""
        h = answered_only(self.history)
        out = []
        if h.scales:
            out.append(("Where each of you stands, round by round", h.scales, None))
        if h.felt:
            out.append(("How each of you felt after a dialogue", h.felt, None))
        if h.week:
            out.append(("How the weeks felt (0 not at all, 4 completely)", h.week,
                        self.answer_words))
        return out


def answered_only(h: history.History) -> history.History:
    """The history without the trend panels no one has answered yet (a check-in
    question both left open every week): an empty chart says nothing."""
    def some(series: tuple[history.Series, ...]) -> tuple[history.Series, ...]:
        return tuple(x for x in series if any(p.a is not None or p.b is not None
                                              for p in x.points))

    return dataclasses.replace(h, scales=some(h.scales), felt=some(h.felt),
                               week=some(h.week))


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else None


def latest_round(export: Mapping[str, Any], catalog: Any) -> Latest | None:
    """The newest round with ``revealed_at`` (a round without it is never read, even in a
    hand-made export), rebuilt with :func:`safety_flow.to_answers` and summed up with
    :func:`safety_map.summary`, the reveal screen's own functions."""
    spec = catalog.get("safety_map") if catalog is not None else None
    if spec is None:
        return None
    shown = []
    for r in _dicts(export.get("safety_maps")):
        state = r.get("state") if isinstance(r.get("state"), dict) else {}
        when = _num(state.get("revealed_at"))
        if when is not None:
            shown.append((when, r))
    if not shown:
        return None
    when, last = max(shown, key=lambda x: x[0])
    stored: dict[str, dict[str, tuple[Any, bool]]] = {p: {} for p in PARTNERS}
    for a in _dicts(last.get("answers")):
        if a.get("partner") in PARTNERS and isinstance(a.get("item"), str):
            stored[a["partner"]][a["item"]] = (a.get("value"), bool(a.get("skipped")))
    ans = {p: safety_flow.to_answers(spec, stored[p]) for p in PARTNERS}
    try:
        rv = summary(spec, ans["a"], ans["b"])
    except ValueError:
        return None
    need_label = {n.key: n.label for n in spec.needs}

    def where(key: str, value: int | None) -> str:
        return position_words(spec.scale(key), value) or NOT_ANSWERED

    return Latest(
        when=when,
        words={p: ans[p].text for p in PARTNERS},
        meets=tuple(f"{r.topic} — " + lean_words(spec.scale(r.key), ((r.a or 0) + (r.b or 0)) / 2)
                    for r in rv.meets),
        shared_needs=tuple(need_label.get(k, k) for k in rv.shared_needs),
        differences=tuple((r.topic, {p: where(r.key, getattr(r, p)) for p in PARTNERS},
                           r.starter) for r in rv.differences),
        surprises=tuple((g.topic, guesser, where(g.key, g.guess), where(g.key, g.actual))
                        for guesser, rows in (("a", rv.a_surprises), ("b", rv.b_surprises))
                        for g in rows),
        not_compared=tuple(r.topic for r in rv.rows if not r.compared
                           and (r.a is not None or r.b is not None)),
        titles={"meets": spec.texts.meets_title, "differences": spec.texts.differences_title,
                "surprises": spec.texts.surprises_title},
    )


def _weeks(export: Mapping[str, Any], catalog: Any) -> dict[float, Week]:
    """Each revealed check-in's answers in words, keyed by its time in the timeline."""
    found = catalog.of_kind("checkin") if catalog is not None else []
    if not found:
        return {}
    spec = found[0]
    labels = spec.answer_labels
    out = {}
    for c in _dicts(export.get("checkins")):
        when = _num(c.get("revealed_at"))
        ratings = c.get("ratings") if isinstance(c.get("ratings"), dict) else {}
        if when is None or not ratings:
            continue
        rows = []
        for it in spec.items:
            vals = {}
            for p in PARTNERS:
                mine = ratings.get(p) if isinstance(ratings.get(p), dict) else {}
                v = mine.get(it.key)
                ok = isinstance(v, int) and not isinstance(v, bool) and 0 <= v < len(labels)
                vals[p] = v if ok else None
            if vals["a"] is None and vals["b"] is None:
                continue
            apart = (None not in vals.values()
                     and abs(vals["a"] - vals["b"]) >= spec.differ_min_gap)
            rows.append((it.short, *(labels[vals[p]] if vals[p] is not None else NOT_ANSWERED
                                     for p in PARTNERS), it.gap_word if apart else None))
        if rows:
            out[when] = Week(tuple(rows))
    return out


def gather(export: Mapping[str, Any], catalog: Any, made_at: float) -> Report:
    """Everything the two files show, from the export alone."""
    export = export if isinstance(export, Mapping) else {}
    h = history.build(export, catalog)
    couple = export.get("couple") if isinstance(export.get("couple"), Mapping) else {}
    left = export.get("not_in_this_file")
    if not isinstance(left, list) and isinstance(export.get("left_out"), Mapping):
        from studio.store import left_out_sentences

        left = left_out_sentences(export["left_out"])
    return Report(
        names=h.names, styles=history.styles(couple), made_at=made_at, history=h,
        latest=latest_round(export, catalog), weeks=_weeks(export, catalog),
        answer_words=history.answer_words(catalog),
        left_out=tuple(s for s in (left or []) if isinstance(s, str)),
    )


def quoted(words: Sequence[str]) -> str:
    return ", ".join(f"\u201c{w}\u201d" for w in words)


def day(ts: float) -> str:
    return history.day(ts)


def file_names() -> tuple[str, str]:
    return FILE_HTML, FILE_PDF


# -- HTML ---------------------------------------------------------------------------------------

# default-src 'none' forbids every fetch (scripts, styles, fonts, images, frames, XHR,
# websockets); only the inline <script> (Plotly's bundle and its calls) and inline styles
# run. No 'unsafe-eval': the static charts draw without it (the browser test records
# every policy violation). base-uri and form-action are not covered by default-src.
CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
       "base-uri 'none'; form-action 'none'")

_CSS = """
:root { color-scheme: light; --ink: #1F2430; --muted: #4A5260; --line: #D5D9E0; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       "Noto Sans", sans-serif; color: var(--ink); background: #fff; margin: 0;
       line-height: 1.55; font-size: 17px; }
main { max-width: 46rem; margin: 0 auto; padding: 2.5rem 1.25rem 3rem; }
h1 { font-size: 2.1rem; line-height: 1.2; margin: .2rem 0 .6rem; }
h2 { font-size: 1.4rem; margin: 2.4rem 0 .6rem; padding-bottom: .25rem;
     border-bottom: 1px solid var(--line); }
h3 { font-size: 1.08rem; margin: 1.3rem 0 .4rem; }
p { margin: .4rem 0; } ul { padding-left: 1.3rem; margin: .4rem 0; } li { margin: .2rem 0; }
.kicker { color: var(--muted); font-size: .95rem; letter-spacing: .02em; margin: 0; }
.cover { border: 1px solid var(--line); border-radius: 10px; background: #F6F7F9;
         padding: 1.1rem 1.3rem; }
.names { font-size: 1.2rem; margin: .2rem 0 .5rem; }
.who { font-weight: 650; white-space: nowrap; }
.muted { color: var(--muted); }
.said { border-left: 4px solid var(--line); padding: .35rem 0 .35rem .8rem; margin: .6rem 0; }
.said p { margin: .1rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.starter { color: var(--muted); }
.chart { margin: 1rem 0 1.6rem; overflow-x: auto; }
.chart .plotly-graph-div { width: 672px !important; max-width: none; }
details { margin: .3rem 0; } summary { cursor: pointer; color: var(--muted); }
.entry { border-left: 3px solid var(--line); padding: .1rem 0 .2rem .8rem; margin: .9rem 0; }
.entry p { margin: .15rem 0; overflow-wrap: anywhere; }
table.week { border-collapse: collapse; margin: .4rem 0; font-size: .95rem; width: 100%; }
table.week th, table.week td { text-align: left; padding: .2rem .5rem .2rem 0;
                               vertical-align: top; border-bottom: 1px solid #EEF0F3; }
.gentle { color: var(--muted); font-size: .93rem; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: .95rem; }
section, .said, .entry, table.week, .cover { break-inside: avoid; page-break-inside: avoid; }
.chart { break-inside: avoid; page-break-inside: avoid; }
h2, h3 { break-after: avoid; page-break-after: avoid; }
@page { margin: 15mm; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2 { margin-top: 1.4rem; }
  .chart { overflow: visible; }
  details > summary { display: none; }
  details:not([open]) { display: none; }
  section.long { break-inside: auto; page-break-inside: auto; }
}
"""

_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*]*?[^\s*])\*(?![*\w])")


def _e(text: Any) -> str:
    """User words as text: nothing in them is markup."""
    return html.escape(str(text), quote=True)


def _c(text: Any) -> str:
    """Content-file words: escaped, then only ``**strong**`` and ``*emphasis*`` kept."""
    out = _STRONG.sub(r"<strong>\1</strong>", _e(text))
    return _EM.sub(r"<em>\1</em>", out)


def _who(rep: Report, p: str) -> str:
    s = rep.styles[p]
    return (f"<span class='who' style='color:{_e(s.color)}'>{_e(s.glyph)} "
            f"{_e(rep.names[p])}</span>")


def _ul(items: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{x}</li>" for x in items) + "</ul>"


def _latest_html(rep: Report, lt: Latest) -> str:
    out = ["<section class='long'><h2>Your latest round together</h2>",
           f"<p class='muted'>What makes you feel safe? · looked at together on "
           f"{_e(day(lt.when))}</p>", "<h3>In your own words</h3>"]
    for p in PARTNERS:
        words = lt.words[p]
        out.append(f"<div class='said'><p>{_who(rep, p)}</p><p>"
                   + (_e(words) if words else f"<span class='muted'>{NO_ANSWER}</span>")
                   + "</p></div>")
    out.append(f"<h3>{_c(lt.titles['meets'])}</h3>")
    meets = [_c(m) for m in lt.meets]
    if lt.shared_needs:
        meets.append("You both picked " + _c(quoted(lt.shared_needs))
                     + " as something you need.")
    out.append(_ul(meets) if meets else "<p>No scale sat really close this time — that "
               "happens, and it's worth a chat.</p>")
    out.append(f"<h3>{_c(lt.titles['differences'])}</h3>")
    if lt.differences:
        items = []
        for topic, where, starter in lt.differences:
            items.append(f"<strong>{_c(topic)}</strong><br>"
                         + "<br>".join(f"{_who(rep, p)}: {_c(where[p])}" for p in PARTNERS)
                         + f"<br><span class='starter'>To start: {_c(starter)}</span>")
        out.append(_ul(items))
    else:
        out.append("<p>No big differences this time.</p>")
    out.append(f"<h3>{_c(lt.titles['surprises'])}</h3>")
    if lt.surprises:
        out.append("<p>Each of you guessed where the other would stand. A surprise is good "
                   "news: something new to ask about.</p>")
        out.append(_ul([f"<strong>{_c(t)}</strong> — {_who(rep, g)} guessed {_c(guess)}; "
                        f"{_who(rep, 'b' if g == 'a' else 'a')} said {_c(said)}."
                        for t, g, guess, said in lt.surprises]))
    else:
        out.append("<p>Your guesses sat near each other's answers this time.</p>")
    if lt.not_compared:
        out.append("<p class='muted'>Not compared, because one of you didn't answer: "
                   + _c("; ".join(lt.not_compared)) + ".</p>")
    out.append("</section>")
    return "".join(out)


def chart_figures(rep: Report) -> list[tuple[str, Any, list[str]]]:
    """The history page's own figures (:func:`history_charts.figures`), a few panels per
    figure so each prints on one page, each drawn 672 px wide."""
    from studio import history_charts

    h, out = answered_only(rep.history), []
    for field in ("scales", "felt", "week"):
        series = getattr(h, field)
        chunks = [series[i:i + PANELS_PER_CHART] for i in range(0, len(series),
                                                                 PANELS_PER_CHART)]
        for n, chunk in enumerate(chunks):
            only = dataclasses.replace(h, **{f: (chunk if f == field else ())
                                             for f in ("scales", "felt", "week")})
            for title, fig, lines in history_charts.figures(only, rep.styles,
                                                            rep.answer_words):
                if len(chunks) > 1:
                    title = f"{title} ({n + 1} of {len(chunks)})"
                # half the width per partner in the legend: a 40-character name fits
                # (the page's fixed 140 px entries let two long names overlap)
                fig.update_layout(width=CHART_WIDTH, autosize=False,
                                  legend={"entrywidth": 0.5, "entrywidthmode": "fraction"})
                out.append((title, fig, lines))
    return out


def _charts_html(rep: Report) -> str:
    figures = chart_figures(rep)
    if not figures:
        return ""
    out = ["<section class='long'><h2>Over time</h2><p class='muted'>Each dot is one time "
           "you looked at something together. A break in a line is a question one of you "
           "didn't answer, never a zero.</p>"]
    for i, (title, fig, lines) in enumerate(figures):
        div = fig.to_html(full_html=False, include_plotlyjs=(i == 0),
                          config={"displayModeBar": False, "staticPlot": True,
                                  "responsive": False},
                          default_width=f"{CHART_WIDTH}px")
        out.append(f"<figure class='chart' aria-label='{_e(title)}'><h3>{_e(title)}</h3>"
                   f"{div}<details><summary>The chart in words</summary>"
                   + _ul([_e(x) for x in lines]) + "</details></figure>")
    out.append("</section>")
    return "".join(out)


def _line_html(rep: Report, line: str) -> str:
    p, words = history.who(line)
    if p is None:
        return f"<p>{_e(words)}</p>"
    return f"<p>{_who(rep, p)}: {_e(words)}</p>"


def _timeline_html(rep: Report) -> str:
    entries = rep.history.entries
    if not entries:
        return ""
    out = ["<section class='long'><h2>Along the way</h2><p class='muted'>Newest first: "
           "your rounds, talks and check-ins.</p>"]
    for e in entries:
        out.append(f"<div class='entry'><p><strong>{_c(e.title)}</strong> "
                   f"<span class='muted'>· {_e(day(e.when))}</span></p>")
        out.extend(_line_html(rep, line) for line in e.lines)
        week = rep.weeks.get(e.when) if e.kind == "checkin" else None
        if week is not None:
            out.append("<table class='week'><caption class='muted' style='text-align:left'>"
                       "How the week felt</caption><tr><th scope='col'></th>"
                       + "".join(f"<th scope='col'>{_who(rep, p)}</th>" for p in PARTNERS)
                       + "</tr>")
            for q, a, b, gentle in week.rows:
                out.append(f"<tr><th scope='row'>{_c(q)}</th><td>{_c(a)}</td><td>{_c(b)}</td>"
                           "</tr>")
                if gentle:
                    out.append(f"<tr><td colspan='3' class='gentle'>{_c(gentle)}</td></tr>")
            out.append("</table>")
        out.append("</div>")
    out.append("</section>")
    return "".join(out)


def html_report(export: Mapping[str, Any], catalog: Any, *, made_at: float) -> str:
    """The whole report as one HTML document that fetches nothing."""
    rep = gather(export, catalog, made_at)
    names = f"{_e(rep.names['a'])} and {_e(rep.names['b'])}"
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">",
        "<meta name='referrer' content='no-referrer'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{TITLE} · {names}</title><style>{_CSS}</style></head><body><main>",
        "<header class='cover'><p class='kicker'>Side by Side · your take-home report</p>",
        f"<h1>{TITLE}</h1>",
        f"<p class='names'>{_who(rep, 'a')} and {_who(rep, 'b')}</p>",
        f"<p class='muted'>Made on {_e(day(made_at))}, on your own computer.</p>",
        f"<p>{_e(PROMISE)}</p><p class='muted'>{_e(PRIVATE)}</p></header>",
    ]
    if rep.history.empty:
        out.append(f"<p>{_e(EMPTY)}</p>")
    if rep.history.moved:
        out.append("<section><h2>Since last time</h2>"
                   + "".join(f"<p>{_c(m)}</p>" for m in rep.history.moved) + "</section>")
    if rep.latest is not None:
        out.append(_latest_html(rep, rep.latest))
    out.append(_charts_html(rep))
    out.append(_timeline_html(rep))
    if rep.left_out:
        out.append("<section><h2>Not in this report</h2><p>Only what you looked at together "
                   "is here.</p>" + "".join(f"<p>{_e(s)}</p>" for s in rep.left_out)
                   + "</section>")
    out.append(f"<footer><p>{_e(NOT_THERAPY)}</p></footer></main></body></html>")
    return "\n".join(x for x in out if x)


# -- PDF ----------------------------------------------------------------------------------------


def pdf_report(export: Mapping[str, Any], catalog: Any, *, made_at: float,
               page_format: str = "A4") -> bytes:
    """The same report as a PDF (A4 or Letter), made here with fpdf2."""
    from studio import report_pdf

    return report_pdf.render(gather(export, catalog, made_at), page_format=page_format)
