"""Does every Plotly chart on a page really draw? ``chart_problems(page)`` says what doesn't.

Run in the browser over every ``.js-plotly-plot``, after Plotly has drawn:

* every bar and every marker of every trace has a box of some size and a fill (or, for
  open markers, a stroke) that stands out from the plot's background: ``none``,
  transparent, opacity 0 and colours too near the background count as invisible
  (contrast below ``MIN_CONTRAST``, WCAG's 3:1 for graphics, after blending with the
  background); a patterned fill counts only when its pattern draws something visible;
* no chart title, axis title, tick label, annotation, legend text or text on a bar or a
  marker sticks out of the chart's own SVG box (1 px of tolerance), and none of them
  overlaps another one (2 px of tolerance) — a title on a legend, two labels on each other;
* every legend entry has a swatch with a box and a visible fill or stroke.

Each problem is one readable line naming the chart (by its title) and the element.
"""

from __future__ import annotations

from playwright.sync_api import Page

MIN_CONTRAST = 3.0

PLOTS = ".js-plotly-plot"
# True once every plot on the page has drawn its SVG (at least one trace or text layer).
PLOTS_DRAWN = """(n) => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  return plots.length >= n && plots.every(
    (gd) => gd._fullLayout && gd.querySelector('svg.main-svg .cartesianlayer') &&
            gd.querySelector('.infolayer'));
}"""

_JS = r"""
(minContrast) => {
  const problems = [];
  const parse = (c) => {
    if (!c || c === 'none' || c === 'transparent') return null;
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const lum = ({r, g, b}) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const contrast = (x, y) => {
    const [l1, l2] = [lum(x), lum(y)].sort((p, q) => q - p);
    return (l1 + 0.05) / (l2 + 0.05);
  };
  const blend = (c, alpha, bg) => ({
    r: c.r * alpha + bg.r * (1 - alpha), g: c.g * alpha + bg.g * (1 - alpha),
    b: c.b * alpha + bg.b * (1 - alpha)});
  const chainOpacity = (el, stop) => {
    let o = 1;
    for (let e = el; e && e !== stop; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden') return 0;
      o *= parseFloat(s.opacity || '1');
    }
    return o;
  };
  // How a paint (fill or stroke) looks on bg: null when it draws nothing visible,
  // else a short description of why it is (or isn't) enough.
  const paintProblem = (paint, alpha, bg) => {
    if (!paint || paint === 'none') return 'no paint';
    if (paint.startsWith('url(')) {
      const id = paint.match(/url\(["']?#([^"')]+)/);
      const pat = id && document.getElementById(id[1]);
      if (!pat) return `a pattern fill whose pattern (${id ? id[1] : paint}) is missing`;
      // A pattern's lines are paths whose fill covers no area: only shapes with an
      // area (rect, circle) paint with their fill; everything paints with its stroke.
      const parts = [...pat.querySelectorAll('rect, circle, ellipse, path, line, polygon')];
      const seen = parts.some((e) => {
        const s = getComputedStyle(e);
        const f = parse(s.fill), k = parse(s.stroke);
        const own = parseFloat(s.opacity || '1') * alpha;
        const ok = (c, a) => c && c.a * a > 0.1 &&
          contrast(blend(c, c.a * a, bg), bg) >= minContrast;
        const tag = e.tagName.toLowerCase();
        const hasArea = ['rect', 'circle', 'ellipse', 'polygon'].includes(tag);
        const fillOk = hasArea && ok(f, parseFloat(s.fillOpacity || '1') * own);
        const strokeOk = parseFloat(s.strokeWidth || '0') > 0 &&
          ok(k, parseFloat(s.strokeOpacity || '1') * own);
        return fillOk || strokeOk;
      });
      return seen ? null : 'a pattern fill that draws nothing visible';
    }
    const c = parse(paint);
    if (!c) return `an unreadable colour ${paint}`;
    const a = c.a * alpha;
    if (a <= 0.1) return 'a transparent colour';
    const k = contrast(blend(c, a, bg), bg);
    if (k < minContrast) {
      return `a colour too near the background (${paint}, contrast ${k.toFixed(2)}:1)`;
    }
    return null;
  };
  const visibleShape = (el, bg, stop) => {
    const box = el.getBBox();
    if (!(box.width > 0 && box.height > 0)) return `has no size (${box.width}×${box.height})`;
    const s = getComputedStyle(el);
    const o = chainOpacity(el, stop);
    if (o <= 0.05) return 'is hidden (opacity 0 or display none)';
    const fill = paintProblem(s.fill, parseFloat(s.fillOpacity || '1') * o, bg);
    if (fill === null) return null;
    const sw = parseFloat(s.strokeWidth || '0');
    const stroke = sw > 0 ? paintProblem(s.stroke, parseFloat(s.strokeOpacity || '1') * o, bg)
                          : 'no stroke';
    if (stroke === null) return null;
    return `has no visible fill (${fill}) or stroke (${stroke})`;
  };
  const rectOf = (el) => el.getBoundingClientRect();
  const area = (r) => Math.max(0, r.width) * Math.max(0, r.height);
  const overlap = (a, b, tol) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > tol &&
                                 Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > tol;
  const short = (t) => (t.length > 40 ? t.slice(0, 39) + '…' : t);

  document.querySelectorAll('.js-plotly-plot').forEach((gd, i) => {
    const svg = gd.querySelector('svg.main-svg');
    const titleEl = gd.querySelector('.gtitle');
    const name = (titleEl && titleEl.textContent.trim()) || `chart #${i + 1} (untitled)`;
    const say = (what) => problems.push(`${name}: ${what}`);
    if (!svg) { say('has no SVG'); return; }
    const box = svg.getBoundingClientRect();
    const fl = gd._fullLayout || {};
    let bg = parse(fl.plot_bgcolor) || {r: 255, g: 255, b: 255, a: 1};
    if (bg.a < 1) {
      const under = parse(fl.paper_bgcolor) || {r: 255, g: 255, b: 255, a: 0};
      const page = parse(getComputedStyle(document.body).backgroundColor) ||
        {r: 255, g: 255, b: 255, a: 1};
      const base = under.a > 0 ? blend(under, under.a, page) : page;
      bg = {...blend(bg, bg.a, base), a: 1};
    }

    // 1. Bars and markers, trace by trace.
    const traces = gd.querySelectorAll(
      '.cartesianlayer .trace, .polarlayer .trace, .ternarylayer .trace');
    traces.forEach((tr, t) => {
      const data = tr.__data__ && tr.__data__[0] && tr.__data__[0].trace;
      const tname = (data && (data.name || data.uid)) || `trace ${t + 1}`;
      const bars = tr.querySelectorAll('.bars .point path, g.point > path');
      const marks = tr.querySelectorAll('.points path.point');
      bars.forEach((el, k) => {
        const why = visibleShape(el, bg, svg);
        if (why) say(`bar ${k + 1} of trace “${short(tname)}” ${why}`);
      });
      marks.forEach((el, k) => {
        const why = visibleShape(el, bg, svg);
        if (why) say(`marker ${k + 1} of trace “${short(tname)}” ${why}`);
      });
    });

    // 2. Texts: inside the SVG box, and not on top of each other.
    const texts = [];
    const add = (kind, el) => {
      if (!el) return;
      const txt = el.textContent.trim();
      if (!txt) return;
      if (chainOpacity(el, gd) <= 0.05) return;
      const r = rectOf(el);
      if (!(r.width > 0 && r.height > 0)) return;
      texts.push({kind, txt, r, el});
    };
    if (titleEl) add('chart title', titleEl);
    gd.querySelectorAll('[class*="g-x"][class*="title"] text, [class*="g-y"][class*="title"] text')
      .forEach((el) => add('axis title', el));
    gd.querySelectorAll('.xtick text, .ytick text').forEach((el) => add('tick label', el));
    gd.querySelectorAll('.annotation')
      .forEach((el) => add('annotation', el.querySelector('.annotation-text') || el));
    gd.querySelectorAll('.legend .traces .legendtext').forEach((el) => add('legend text', el));
    gd.querySelectorAll('.bartext, .textpoint text').forEach((el) => add('text on the chart', el));
    const uniq = texts.filter((t, k) => texts.findIndex((u) => u.el === t.el) === k);
    uniq.forEach((t) => {
      const r = t.r;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 ||
          r.bottom > box.bottom + 1) {
        say(`${t.kind} “${short(t.txt)}” is cut by the chart's edge ` +
            `(text ${Math.round(r.left - box.left)}..${Math.round(r.right - box.left)} × ` +
            `${Math.round(r.top - box.top)}..${Math.round(r.bottom - box.top)}, ` +
            `chart ${Math.round(box.width)} × ${Math.round(box.height)})`);
      }
    });
    for (let a = 0; a < uniq.length; a++) {
      for (let b = a + 1; b < uniq.length; b++) {
        if (overlap(uniq[a].r, uniq[b].r, 2)) {
          const [p, q] = [uniq[a], uniq[b]];
          say(`${p.kind} “${short(p.txt)}” overlaps ${q.kind} “${short(q.txt)}”`);
        }
      }
    }

    // 3. The legend clips its entries to its own box: each text must fit inside it.
    //    And the title must not touch the legend box as a whole (its swatches too).
    const legend = gd.querySelector('.infolayer .legend');
    const legendBox = legend && legend.querySelector('rect.bg');
    if (legendBox) {
      const lb = rectOf(legendBox);
      uniq.filter((t) => t.kind === 'legend text').forEach((t) => {
        if (t.r.left < lb.left - 1 || t.r.right > lb.right + 1 || t.r.top < lb.top - 1 ||
            t.r.bottom > lb.bottom + 1) {
          say(`legend text “${short(t.txt)}” is cut by the legend's own box (text ends ` +
              `at ${Math.round(t.r.right - lb.left)} px, box ${Math.round(lb.width)} px)`);
        }
      });
    }
    if (titleEl && legend && area(rectOf(legend)) > 0 &&
        overlap(rectOf(titleEl), rectOf(legend), 1)) {
      say(`the title overlaps the legend`);
    }

    // 4. Every legend entry has a visible swatch.
    gd.querySelectorAll('.legend .traces').forEach((entry, k) => {
      const label = (entry.querySelector('.legendtext') || entry).textContent.trim() ||
        `entry ${k + 1}`;
      const parts = [...entry.querySelectorAll(
        '.legendpoints path, .legendsymbols path, .legendlines path, .legendfill path')];
      if (!parts.length) { say(`legend entry “${short(label)}” has no swatch`); return; }
      const why = parts.map((el) => visibleShape(el, bg, svg));
      if (why.every((w) => w !== null)) {
        say(`legend entry “${short(label)}” has a swatch that ${why[0]}`);
      }
    });
  });
  return problems;
}
"""


def chart_problems(page: Page, min_contrast: float = MIN_CONTRAST) -> list[str]:
    """Every problem with every Plotly chart on ``page``; an empty list when all draw."""
    return page.evaluate(_JS, min_contrast)


def wait_for_plots(page: Page, count: int, timeout: float = 30_000) -> None:
    """Wait until ``count`` plots (at least) have drawn their SVG layers."""
    page.wait_for_function(PLOTS_DRAWN, arg=count, timeout=timeout)
