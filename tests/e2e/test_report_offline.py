"""The take-home report's HTML file in real Chromium with the network cut off: no request
is even attempted, no hostile word runs, every chart draws (``chart_check``), nothing
breaks the security policy, and it prints to A4 and Letter within the page's width."""

from __future__ import annotations

import io

from pypdf import PdfReader

from studio import report
from tests.e2e.chart_check import PLOTS_DRAWN, chart_problems
from tests.unit.test_report import CAT, NOW, make_export

# Installed before the file's own scripts: records every policy violation.
CSP_WATCH = """window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"""
# The printable width of A4 with 15 mm margins, in CSS px (180 mm at 96 px per inch).
A4_PRINTABLE_PX = 180 / 25.4 * 96


def test_the_report_opens_offline_draws_every_chart_and_prints(browser, tmp_path):
    export = make_export(tmp_path / "r.db", name_a="Zoë <img src=x onerror=alert(2)>",
                         name_b="李 http://evil.example")
    page_html = report.html_report(export, CAT, made_at=NOW)
    charts = page_html.count("Plotly.newPlot")
    assert charts >= 3
    path = tmp_path / report.FILE_HTML
    path.write_text(page_html, encoding="utf-8")

    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    attempted: list[str] = []
    dialogs: list[str] = []

    def refuse(route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            attempted.append(url)
            route.abort()

    ctx.route("**/*", refuse)
    ctx.on("request", lambda r: None if r.url.startswith(("file:", "data:"))
           else attempted.append(r.url))
    try:
        tab = ctx.new_page()
        tab.add_init_script(CSP_WATCH)
        tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        tab.goto(path.as_uri())
        tab.wait_for_function(PLOTS_DRAWN, arg=charts, timeout=30_000)
        assert tab.locator(".js-plotly-plot").count() == charts
        assert chart_problems(tab) == []
        assert tab.get_by_text("Zoë <img src=x onerror=alert(2)>").first.is_visible()
        assert tab.locator("a").count() == 0  # no address became a link
        assert tab.evaluate("window.__cspViolations") == []
        assert dialogs == []

        for fmt in ("A4", "Letter"):
            printed = tab.pdf(format=fmt, print_background=True)
            pages = PdfReader(io.BytesIO(printed)).pages
            text = " ".join(" ".join(p.extract_text() for p in pages).split())
            assert printed[:5] == b"%PDF-" and 3 <= len(pages) <= 16, (fmt, len(pages))
            assert "Our story so far" in text and "sealed-zz9" not in text

        # Print-clean: in print media at A4's printable width nothing sticks out.
        tab.set_viewport_size({"width": int(A4_PRINTABLE_PX), "height": 1000})
        tab.emulate_media(media="print")
        widest = tab.evaluate("""() => Math.max(document.documentElement.scrollWidth,
            ...[...document.querySelectorAll('.chart svg.main-svg')]
                .map((s) => s.getBoundingClientRect().right))""")
        assert widest <= A4_PRINTABLE_PX + 1, widest
        assert attempted == [], attempted
    finally:
        ctx.close()
