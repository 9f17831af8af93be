"""End to end in a real browser: one edition built from planted data, served locally, opened in headless Chromium.

The module fixture copies ``data/`` to a temporary folder and plants two HTML-safety cases in the copy:

* the source of a Jinan observation charted on a key-project page (``PLANTED_INDICATOR``, page ``PLANTED_PAGE``)
  gets the title ``<script>alert(1)</script>`` (it is cited in that page's data table, in its chart's tooltip and
  in the source list of ``data_sources.html``);
* that target (``PLANTED_TARGET``) gets labels (``label_zh``, ``label_en``) containing ``"quotes" & <tags>``.

Before planting, an analyst's filled data-request workbook is read into the copy (``ingest_filled_workbook``);
the page of the target it completes must show it rated. It builds the 2025 Chinese and English editions from that copy
into a temporary build directory, serves ``<build>/site``
with :class:`http.server.ThreadingHTTPServer` on 127.0.0.1 (a free port) and drives Debian's
``/usr/bin/chromium`` through Playwright. Every request to another host is aborted and recorded.

For every page of the edition (genindex and search included: they carry the banner too):

* no console error and no uncaught page error;
* every ``.jinan-chart`` holds a Vega view rendered as SVG (``svg.marks``) with at least one data mark;
* formulas (methods) arrive typeset as SVG (MathJax ran at build time), and no page loads MathJax;
* no request to another host;
* the edition banner (year, data cut-off, report year) is visible.

Screenshots of overview, kp1, mechanisms, data_sources, methods and index are written to
``_build/test-artifacts/screenshots/`` (created if needed; ``make clean`` removes it).

The site's own index.html (outside the edition) is checked the same way for errors and must list the edition.

The HTML-safety tests check that the planted title is shown as text (in the target page's data table, once its
<details> is opened, in the source list, and in a chart's tooltip), that no dialog opens and no script element is
made from it, and that the raw HTML holds it escaped, never as an element; the planted label shows as text, no
<tags> element exists, and the label is shown verbatim (straight quotes are not rewritten). Skipped when ``/usr/bin/chromium`` is missing (``make test``
installs it through ``make system-deps``).
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from jinan_eval.edition.book import build_edition

from conftest import SHIPPED_PLAN
from e2e_helpers import (
    ARTIFACTS,
    CHART_TIMEOUT_MS,
    CHROMIUM,
    SHIPPED_DATA,
    Visit,
    chromium_browser,
    ingest_filled_workbook,
    restored_cwd,
    rewrite_csv,
    served_site,
    wait_for_charts,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

YEAR = 2025
SCREENSHOTS = ARTIFACTS / "screenshots"
SCREENSHOT_PAGES = ("overview", "kp1", "mechanisms", "data_sources", "methods", "index")

EDITION_PAGES = ["index", "overview", "main", *(f"kp{i}" for i in range(1, 11)), "mechanisms", "data_sources", "changes",
                 "methods", "data_dictionary", "how_to_review", "reviews", "genindex", "search"]

PLANTED_TITLE = "<script>alert(1)</script>"
PLANTED_TITLE_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
PLANTED_LABEL = '"quotes" & <tags>'
PLANTED_TARGET = "KP1-17"  # a target whose page draws a chart of the region's own figures
PLANTED_NUMBER = "三（一）第17项"  # how the zh page names it (the plan's own numbering)
PLANTED_INDICATOR = "green_factories_provincial_new"
PLANTED_PAGE = "kp1"

# data marks (role-mark groups), not axes, legends or titles
DATA_MARKS = "svg.marks g.role-mark > :is(path, rect, line, text, circle, image, g)"


# ---------------------------------------------------------------- fixtures


def plant(data: Path) -> str:
    """Plant the two HTML-safety cases in a copy of the data; returns the id of the retitled source."""
    rows = []
    for path in sorted((data / "observations").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows += list(csv.DictReader(fh))
    jinan = [r for r in rows if r["indicator_key"] == PLANTED_INDICATOR and r["region"] == "jinan"
             and r["record_type"] == "observed" and r["period"] == "year" and int(r["year"]) <= YEAR]
    jinan.sort(key=lambda r: r["year"])
    assert jinan, f"no observed Jinan {PLANTED_INDICATOR} row in the data"
    chosen = {"id": jinan[0]["source_id"]}

    def retitle(rows):
        hits = [r for r in rows if r["source_id"] == chosen["id"]]
        assert len(hits) == 1
        hits[0]["title"] = PLANTED_TITLE

    def relabel(rows):
        hits = [r for r in rows if r["target_id"] == PLANTED_TARGET]
        assert len(hits) == 1
        hits[0]["label_zh"] = f"省级绿色工厂 {PLANTED_LABEL}"
        hits[0]["label_en"] = f"Provincial green factories {PLANTED_LABEL}"

    rewrite_csv(data / "sources.csv", retitle)
    rewrite_csv(data / SHIPPED_PLAN / "targets.csv", relabel)
    return chosen["id"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The planted data, the built site and the edition's manifest."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run `make system-deps` (Debian package chromium)")
    pytest.importorskip("playwright.sync_api")
    root = tmp_path_factory.mktemp("e2e")
    data = root / "data"
    shutil.copytree(SHIPPED_DATA, data)
    ingest_filled_workbook(data, root, YEAR)  # an analyst's filled request workbook, read back (re-ingests raw/)
    source_id = plant(data)  # planted after the ingest, which rewrites sources.csv
    build = root / "build"
    with restored_cwd():  # (test_build_fault checks that a build leaves the working directory alone)
        edition = build_edition(YEAR, "zh", data_dir=data, build_dir=build, jobs=2, progress=False)
        english = build_edition(YEAR, "en", data_dir=data, build_dir=build, jobs=2, progress=False)
    manifest = json.loads((edition / "manifest.json").read_text(encoding="utf-8"))
    return {"site": build / "site", "edition": edition, "manifest": manifest, "source_id": source_id,
            "en": english}


@pytest.fixture(scope="module")
def server(built):
    with served_site(built["site"]) as host:
        yield host


@pytest.fixture(scope="module")
def browser(built):
    with chromium_browser() as chromium:
        yield chromium


@pytest.fixture
def visit(browser, server):
    opened: list[Visit] = []

    def _open(path: str) -> Visit:
        v = Visit(browser, server)
        opened.append(v)
        v.open(path)
        return v

    yield _open
    for v in opened:
        v.close()


def raw_html(built, page_name: str) -> str:
    return (built["edition"] / f"{page_name}.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- the pages


def test_every_page_of_the_edition_is_covered(built):
    found = sorted(p.stem for p in built["edition"].glob("*.html"))
    assert found == sorted(EDITION_PAGES), "update EDITION_PAGES: " + str(set(found) ^ set(EDITION_PAGES))


@pytest.mark.parametrize("name", EDITION_PAGES)
def test_page_renders_offline_without_errors(built, visit, name):
    v = visit(f"{YEAR}/{name}.html")
    page = v.page
    problems: list[str] = []

    # charts: every container holds a Vega view with data marks
    expected_charts = raw_html(built, name).count('class="jinan-chart"')
    n = wait_for_charts(page)
    if n != expected_charts:
        problems.append(f"{n} chart containers in the page, {expected_charts} in the HTML")
    if (name in ("overview", "data_sources") or re.fullmatch(r"kp\d+", name)) and n == 0:
        problems.append("no chart")  # every key-project page draws at least one chart
    for i in range(n):
        chart = page.locator(".jinan-chart").nth(i)
        cid = chart.get_attribute("id")
        if chart.locator("svg.marks").count() != 1:
            problems.append(f"{cid}: no Vega SVG")
        elif chart.locator(DATA_MARKS).count() < 1:
            problems.append(f"{cid}: the Vega view has no data mark")
        if not chart.is_visible():
            problems.append(f"{cid}: not visible")

    # formulas: typeset to SVG at build time, without a TeX error; nothing of MathJax reaches the browser
    if 'class="math' in raw_html(built, name):
        formulas = page.locator(".math")
        drawn = page.locator(".math > svg")
        if formulas.count() == 0 or drawn.count() != formulas.count():
            problems.append(f"{drawn.count()} of {formulas.count()} formulas arrive as SVG")
        if page.locator(".math [data-mjx-error]").count():
            problems.append("a formula carries a TeX error")
        if "\\(" in page.locator(".math").first.inner_text():
            problems.append("raw TeX is shown")
    if any("mathjax" in urlsplit(url).path.lower() for url in v.requested):
        problems.append("the page loads MathJax")

    # the banner: edition year, data cut-off, report year
    banner = page.locator(".edition-banner")
    cutoff = built["manifest"]["data_cutoff"]
    assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", cutoff), cutoff
    if banner.count() != 1:
        problems.append(f"{banner.count()} edition banners")
    else:
        if not banner.is_visible():
            problems.append("the edition banner is hidden")
        if banner.get_attribute("data-edition") != str(YEAR):
            problems.append(f"banner data-edition={banner.get_attribute('data-edition')!r}")
        text = banner.inner_text()
        for part in (f"{YEAR}年度版", f"数据截至 {cutoff}", f"评估年份 {YEAR}"):
            if part not in text:
                problems.append(f"banner {text!r} lacks {part!r}")

    if name in SCREENSHOT_PAGES:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(shot), full_page=True)
        if shot.stat().st_size < 10_000:
            problems.append(f"screenshot {shot} is suspiciously small")

    # nothing from another host, no console error, no page error, no failed request, no dialog
    problems += v.problems()
    assert not problems, f"{name}.html:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("name", EDITION_PAGES)
def test_english_page_renders_offline_without_errors(built, visit, name):
    """The English edition of the same data: every page draws its charts and formulas, in English, with nothing
    from another host and no error."""
    v = visit(f"en/{YEAR}/{name}.html")
    page = v.page
    problems: list[str] = []
    html_text = (built["en"] / f"{name}.html").read_text(encoding="utf-8")
    expected_charts = html_text.count('class="jinan-chart"')
    n = wait_for_charts(page)
    if n != expected_charts:
        problems.append(f"{n} chart containers in the page, {expected_charts} in the HTML")
    for i in range(n):
        if page.locator(".jinan-chart").nth(i).locator(DATA_MARKS).count() < 1:
            problems.append(f"chart {i}: no data mark")
    if 'class="math' in html_text and page.locator(".math > svg").count() != page.locator(".math").count():
        problems.append("a formula is not typeset")
    banner = page.locator(".edition-banner")
    if banner.count() != 1 or f"{YEAR} edition" not in banner.inner_text():
        problems.append(f"banner: {banner.all_inner_texts()!r}")
    if page.locator("html").get_attribute("lang") not in ("en", "en-GB", "en-US"):
        problems.append(f"html lang={page.locator('html').get_attribute('lang')!r}")
    problems += v.problems()
    assert not problems, f"en/{name}.html:\n  " + "\n  ".join(problems)


def test_site_index_lists_the_edition(built, visit):
    v = visit("index.html")
    link = v.page.locator(f'a[href="{YEAR}/index.html"]')
    assert link.count() == 1
    assert f"{YEAR}年度版" in link.inner_text()
    assert built["manifest"]["data_cutoff"] in v.page.inner_text("body")
    assert v.problems() == []
    switcher = json.loads((built["site"] / "switcher.json").read_text(encoding="utf-8"))
    assert [e["version"] for e in switcher] == [str(YEAR), f"{YEAR}-en"]


# ---------------------------------------------------------------- HTML safety


def pages_with(built, needle: str) -> set[str]:
    return {name for name in EDITION_PAGES if needle in raw_html(built, name)}


def test_planted_source_title_is_cited_where_expected(built):
    assert {PLANTED_PAGE, "data_sources"} <= pages_with(built, PLANTED_TITLE_ESCAPED)


def test_no_page_holds_the_planted_script_as_markup(built):
    for name in EDITION_PAGES:
        html = raw_html(built, name)
        assert PLANTED_TITLE not in html, f"{name}.html holds an executable <script>alert(1)</script>"
        assert "<tags>" not in html, f"{name}.html holds a <tags> element"
    # the downloads keep the title as it is in the data (CSV is data, not markup)
    assert PLANTED_TITLE in (built["edition"] / "data" / "sources.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [PLANTED_PAGE, "data_sources"])
def test_planted_source_title_shows_as_text(built, visit, name):
    v = visit(f"{YEAR}/{name}.html")
    page = v.page
    wait_for_charts(page)
    # the data tables sit in closed <details>: open them as a reader would
    for details in page.locator("details", has_text=PLANTED_TITLE).all():
        if details.get_attribute("open") is None:
            details.locator("summary").first.click()
    shown = page.get_by_text(PLANTED_TITLE, exact=True)
    assert shown.count() >= 1, f"{name}: the planted title is not shown as text"
    assert shown.first.is_visible()
    assert PLANTED_TITLE in page.inner_text("main" if page.locator("main").count() else "body")
    # the text is a link's text, the link goes to an http(s) address
    link = page.locator("a", has_text=PLANTED_TITLE).first
    assert re.match(r"^https?://", link.get_attribute("href") or "")
    # no script element was made from it, no dialog opened
    made = page.evaluate("""() => [...document.querySelectorAll('script')]
        .filter(s => s.textContent.trim() === 'alert(1)').length""")
    assert made == 0
    assert v.dialogs == [], v.dialogs
    raw = urllib.request.urlopen(f"http://{v.host}/{YEAR}/{name}.html", timeout=10).read().decode("utf-8")
    assert PLANTED_TITLE_ESCAPED in raw
    assert PLANTED_TITLE not in raw
    assert v.external == []  # (console and page errors are the business of the per-page test)


def test_planted_title_in_chart_tooltip_is_text(built, visit):
    """Hovering the target page's data points: the Vega tooltip shows the source title as text, runs nothing."""
    v = visit(f"{YEAR}/{PLANTED_PAGE}.html")
    page = v.page
    wait_for_charts(page)
    points = page.locator(".jinan-chart svg.marks g.role-mark.mark-symbol > path")
    assert points.count() >= 1, f"{PLANTED_PAGE} has no point marks to hover"
    tooltip_text = None
    for i in range(points.count()):
        point = points.nth(i)
        if not point.is_visible():
            continue
        point.scroll_into_view_if_needed()
        point.hover(force=True)
        tip = page.locator("#vg-tooltip-element")
        if tip.count() and tip.is_visible() and "alert(1)" in tip.inner_text():
            tooltip_text = tip.inner_text()
            assert tip.locator("script").count() == 0
            break
    assert tooltip_text is not None, "no point's tooltip shows the planted source title"
    assert PLANTED_TITLE in tooltip_text
    assert v.dialogs == [] and v.external == []


def test_planted_label_shows_as_text(built, visit):
    """The label is text: no <tags> element, no entity shown escaped twice, drawn unchanged in the chart title."""
    assert PLANTED_PAGE in pages_with(built, "&amp; &lt;tags&gt;")
    v = visit(f"{YEAR}/{PLANTED_PAGE}.html")
    page = v.page
    wait_for_charts(page)
    assert page.evaluate("() => document.querySelectorAll('tags').length") == 0
    body = page.inner_text("body")
    assert "&lt;" not in body and "&amp;" not in body and "&quot;" not in body, "entities shown escaped twice"
    assert f"{PLANTED_NUMBER} · 省级绿色工厂 " in body
    shown = page.get_by_text("& <tags>")
    assert shown.count() >= 2  # the heading line and the target statement
    assert shown.first.is_visible()
    # the chart titles (SVG text drawn by Vega) carry the label unchanged
    svg_text = page.evaluate("""() => [...document.querySelectorAll('.jinan-chart svg.marks text')]
        .map(t => t.textContent).join('\\n')""")
    assert PLANTED_LABEL in svg_text
    assert v.dialogs == [] and v.external == []


def test_planted_label_is_shown_verbatim(built, visit):
    """Data text is not rewritten: the label's straight quotes stay straight (Sphinx's smartquotes would turn
    them into “ ” in Markdown-rendered text)."""
    v = visit(f"{YEAR}/{PLANTED_PAGE}.html")
    page = v.page
    body = page.inner_text("body")
    assert "“quotes” & <tags>" not in body, (
        'the label "quotes" is shown as “quotes”: Sphinx smartquotes rewrites data text (smartquotes: false)')
    assert f"{PLANTED_NUMBER} · 省级绿色工厂 {PLANTED_LABEL}" in body
    assert page.get_by_text(PLANTED_LABEL).first.is_visible()


# ---------------------------------------------------------------- the analyst's workbook, read back


def test_figures_from_a_filled_request_workbook_are_rated_on_the_page(built, visit):
    v = visit(f"{YEAR}/kp10.html")
    block = v.page.locator("p", has_text="三（十）第7项").first
    assert block.locator("a.status-on_track").count() == 1, block.inner_text()
    assert "表3" in raw_html(built, "kp10")  # the figure's locator from the workbook, in the data table
    assert v.page_errors == []


# ---------------------------------------------------------------- the first screen, widths, paper


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_the_answer_and_its_chart_open_the_overview_and_no_chart_is_wider_than_its_column(built, visit, width,
                                                                                        height):
    v = visit(f"{YEAR}/overview.html")
    page = v.page
    page.set_viewport_size({"width": width, "height": height})
    page.reload()
    wait_for_charts(page)
    page.wait_for_timeout(500)  # charts sized to their container re-render after a resize
    findings = page.locator(".findings").first.bounding_box()
    chart = page.locator(".jinan-chart").first.bounding_box()
    assert findings["y"] < height, f"the findings start at {findings['y']} px"
    assert chart["y"] < height, f"the first chart starts at {chart['y']} px, below the first screen of {height} px"
    widths = page.evaluate("""() => [...document.querySelectorAll('.jinan-chart')].map(c => {
        const svg = c.querySelector('svg.marks');
        return [c.id, c.getBoundingClientRect().width, svg.getBoundingClientRect().width]; })""")
    too_wide = [(cid, column, drawn) for cid, column, drawn in widths if drawn > column + 1]
    assert too_wide == [], too_wide
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    assert v.page_errors == [] and v.external == []


def test_paper_keeps_title_edition_cutoff_and_sources(built, visit):
    v = visit(f"{YEAR}/{PLANTED_PAGE}.html")
    page = v.page
    wait_for_charts(page)
    page.emulate_media(media="print")
    banner = page.locator(".edition-banner")
    assert banner.is_visible() and f"{YEAR}年度版" in banner.inner_text()
    assert built["manifest"]["data_cutoff"] in banner.inner_text()
    assert page.locator("h1").first.is_visible()
    sources = page.locator(".chart-source")
    assert sources.count() >= 1 and sources.first.is_visible()  # each chart's source line prints under it
    assert not page.locator(".primary-toggle").first.is_visible()  # buttons do not print
    assert v.page_errors == []


# ---------------------------------------------------------------- navigation and search


@pytest.mark.parametrize("width", [390, 1366])
def test_the_menu_and_contents_buttons_work_at_every_width(built, visit, width):
    v = visit(f"{YEAR}/kp3.html")
    page = v.page
    page.set_viewport_size({"width": width, "height": 850})
    page.wait_for_timeout(300)
    [menu] = [t for t in page.locator(".primary-toggle").all() if t.is_visible()]
    menu.click()
    page.wait_for_timeout(300)
    if width < 992:
        # on a phone the chapter menu opens as a dialog holding every chapter
        assert page.evaluate("() => document.getElementById('pst-primary-sidebar-modal').open")
        assert page.locator("#pst-primary-sidebar-modal a.reference").count() >= 13
        page.keyboard.press("Escape")
        [contents] = [t for t in page.locator(".secondary-toggle").all() if t.is_visible()]
        contents.click()
        page.wait_for_timeout(300)
        assert page.evaluate("() => document.getElementById('pst-secondary-sidebar-modal').open")
    else:
        # on a wide screen the button folds the chapter menu away
        assert page.evaluate("() => document.getElementById('pst-primary-sidebar')"
                             ".classList.contains('pst-sidebar-hidden')")
    assert v.page_errors == [] and v.external == []


def test_a_chinese_search_finds_the_overview(built, visit):
    v = visit(f"{YEAR}/search.html?q=能耗")
    page = v.page
    page.wait_for_selector("#search-results li a", timeout=CHART_TIMEOUT_MS)
    titles = page.locator("#search-results li a").all_inner_texts()
    assert "总览" in titles, titles
    assert v.page_errors == [] and v.external == []


@pytest.mark.parametrize("query,page_title", [("节能减排", "三（四） 交通物流节能减排工程"),
                                              ("清洁取暖", "三（三） 城镇绿色节能改造工程")])
def test_a_compound_chinese_query_is_cut_into_indexed_words(built, visit, query, page_title):
    # the index holds 节能 + 减排, 清洁 + 取暖: the query is cut the same way, every part must be found
    v = visit(f"{YEAR}/search.html?q={query}")
    v.page.wait_for_selector("#search-results li a", timeout=CHART_TIMEOUT_MS)
    titles = v.page.locator("#search-results li a").all_inner_texts()
    assert page_title in titles, titles
    assert v.page_errors == [] and v.external == []
