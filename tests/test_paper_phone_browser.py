"""Paper, phone, the edition switcher, the theme's words and the site index's date, in headless Chromium.

A module fixture builds the 2025 Chinese and English editions of the shipped data (a copy) into a temporary build
folder, serves its ``site`` on 127.0.0.1 and opens pages the way ``test_e2e_browser`` does (``Visit``: every request
to another host is aborted and recorded).

* Paper: the overview printed to PDF (A4, the page's own ``@page`` margins) carries the report title, the edition and
  the page's title at the top of every sheet and the page's address, nothing of the screen's controls (menus,
  sidebars, the in-page contents, header buttons, the switcher, the charts' "…" menus) and nothing runs into the
  right margin (the sheets are rasterised with ``pdftoppm``; their text is read with ``pdftotext`` — each part is
  skipped when the tool is missing). In print media the print header is visible, the controls are hidden, and a
  chart drawn wider than the paper (as a wide screen draws it) is scaled to the paper's width.
* Phone (390×844): at the bottom of kp1 the ≡ menu button is still in the window, on top, and opens the menu; a
  heading reached by its anchor is not hidden under the header.
* The switcher: its button says what it is (the catalogue's "版本与语言：{current}"), shows a caret and opens from
  the keyboard.
* The Chinese pages hold none of the theme's English words (``THEME_ENGLISH``, found in the built pages), neither in
  visible text nor in ``title``/``aria-label``/``placeholder`` attributes.
* The site index writes the build day as its readers write dates, not as an ISO time stamp.

Screenshots and the PDF go to ``_build/test-artifacts/paper-phone/``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from jinan_eval.edition.book import build_edition
from jinan_eval.report.messages import Messages
from zh_text import data_strings, leftover_words

from conftest import shipped_dataset
from e2e_helpers import (
    ARTIFACTS,
    CHROMIUM,
    SHIPPED_DATA,
    Visit,
    chromium_browser,
    restored_cwd,
    served_site,
    wait_for_charts,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

YEAR = 2025
SHOTS = ARTIFACTS / "paper-phone"
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 768}
MM = 96 / 25.4  # CSS px per millimetre

#: English words the theme (pydata-sphinx-theme, sphinx-book-theme) and Sphinx wrote into the Chinese pages before
#: the build translated them: button titles and labels, tooltips, the search box, the switcher's first text, the
#: copyright line. Phrases are looked for anywhere (visible text and attributes); single words only as a whole
#: attribute value or a whole text.
THEME_PHRASES = ("Toggle primary sidebar", "Toggle secondary sidebar", "Version switcher list", "Choose version",
                 "Color mode", "System Settings", "Link to this heading", "Link to this equation", "Copyright",
                 "Search...", "Print to PDF", "Fullscreen mode", "Download this page", "Source repository",
                 "Open an issue", "Skip to main content", "Back to top", "On this page", "Section Navigation")
THEME_WORDS = ("Main", "Page", "Announcement", "Search", "Contents", "Light", "Dark", "light/dark", "Home", "next",
               "previous", "Edit")
#: where the theme writes words a reader meets without seeing them on the page
ATTRIBUTES = ("title", "aria-label", "data-bs-title", "data-bs-original-title", "placeholder", "alt")

#: what printing must leave out (each is on the overview's screen)
SCREEN_ONLY = (".bd-sidebar-primary", ".bd-sidebar-secondary", "#jb-print-toc", ".bd-header-article", ".primary-toggle",
               ".secondary-toggle", ".version-switcher__button", ".theme-switch-button", ".search-button",
               ".vega-embed details", ".prev-next-footer")


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The 2025 Chinese and English editions of the shipped data, built into a temporary folder."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run `make system-deps` (Debian package chromium)")
    pytest.importorskip("playwright.sync_api")
    root = tmp_path_factory.mktemp("paper-phone")
    data = root / "data"
    shutil.copytree(SHIPPED_DATA, data)
    build = root / "build"
    with restored_cwd():
        zh = build_edition(YEAR, "zh", data_dir=data, build_dir=build, jobs=2, progress=False)
        en = build_edition(YEAR, "en", data_dir=data, build_dir=build, jobs=2, progress=False)
    return {"site": build / "site", "zh": zh, "en": en,
            "manifest": json.loads((zh / "manifest.json").read_text(encoding="utf-8"))}


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

    def _open(path: str, viewport: dict = WIDE) -> Visit:
        v = Visit(browser, server)
        opened.append(v)
        v.page.set_viewport_size(viewport)
        v.open(path)
        return v

    yield _open
    for v in opened:
        v.close()


def edition_path(lang: str, page: str) -> str:
    return f"{YEAR}/{page}.html" if lang == "zh" else f"en/{YEAR}/{page}.html"


def report_title(lang: str) -> str:
    return shipped_dataset().plan.text("report_title", lang)


def shot_dir():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


# ---------------------------------------------------------------- paper


def read_pgm(path) -> tuple[int, int, bytes]:
    """Width, height and grey values of a binary PGM (P5, 8 bit) as pdftoppm writes it."""
    data = path.read_bytes()
    fields, pos = [], 0
    while len(fields) < 4:  # magic, width, height, maxval, separated by white space (no comments from pdftoppm)
        while data[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    assert fields[0] == b"P5" and int(fields[3]) == 255, fields
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[pos + 1:pos + 1 + width * height]


def ink_in_right_margin(pgm, margins_mm=(18, 14, 16)) -> int:
    """Dark pixels in the right margin of a sheet, between the top and bottom margins (where the running header,
    address and page number sit): a chart or table cut at the margin leaves ink there."""
    width, height, grey = read_pgm(pgm)
    top, right, bottom = margins_mm
    per_mm = width / 210
    x0 = int(width - (right - 3) * per_mm)  # 3 mm of slack: anti-aliasing at the content edge
    y0, y1 = int(top * per_mm), int(height - bottom * per_mm)
    return sum(1 for y in range(y0, y1) for x in range(x0, width) if grey[y * width + x] < 200)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_printed_overview_names_report_edition_page_and_address_and_leaves_the_screen_controls_out(
        built, visit, lang, tmp_path):
    m = Messages(lang)
    v = visit(edition_path(lang, "overview"))
    page = v.page
    assert wait_for_charts(page) >= 1
    for selector in SCREEN_ONLY:  # on screen first: the check below is not about elements that do not exist
        assert page.locator(selector).count() >= 1, f"{selector} is not on the overview"
    address = page.url.split("#")[0]

    # in print media: the header (report, edition and language; the page's title; its address) shows …
    page.emulate_media(media="print")
    page.wait_for_timeout(300)
    edition = page.locator(".jinan-print-edition")
    assert edition.count() == 1 and edition.is_visible()
    for part in (report_title(lang), m("page.book_title", title=report_title(lang), year=YEAR),
                 m("theme.print_language")):
        assert part in edition.inner_text(), (part, edition.inner_text())
    heading = page.locator("#jb-print-docs-body h1")
    assert heading.is_visible() and heading.inner_text().strip() == m("page.overview")
    where = page.locator(".jinan-print-address")
    assert where.is_visible() and address in where.inner_text() and m("theme.print_address") in where.inner_text()
    assert page.locator(".edition-banner").is_visible()  # the edition banner (cut-off date) prints as before

    # … and nothing of the screen's controls does
    shown = [s for s in SCREEN_ONLY for el in page.locator(s).all() if el.is_visible()]
    assert shown == [], f"printed: {shown}"
    # every chart fits the paper's width (A4 less the @page margins). Printing lays the page out again at the
    # paper's width but Vega does not draw again: each chart keeps the width the screen gave it. Here the window
    # takes the paper's width (Vega redraws to it), then each chart is given a screen's width (1200 px) again.
    page.set_viewport_size({"width": int((210 - 28) * MM), "height": 1000})
    page.wait_for_timeout(500)
    widths = page.evaluate("""() => [...document.querySelectorAll('.jinan-chart svg.marks')].map(svg => {
        const w = +svg.getAttribute('width'), h = +svg.getAttribute('height');
        svg.setAttribute('width', 1200);
        svg.setAttribute('height', Math.round(h * 1200 / w));
        const box = svg.getBoundingClientRect(), column = svg.closest('.bd-article').getBoundingClientRect();
        return [svg.closest('.jinan-chart').id, box.right, column.right, innerWidth]; })""")
    assert widths and all(right <= min(column, viewport) + 1 for _, right, column, viewport in widths), widths
    page.emulate_media(media="screen")
    page.set_viewport_size(WIDE)
    page.wait_for_timeout(800)  # Vega draws the charts again, at the screen's width
    if lang == "zh":
        page.emulate_media(media="print")
        page.wait_for_timeout(300)
        page.screenshot(path=str(shot_dir() / "overview-print-1366.png"), full_page=True)

    # the PDF: charts as the screen drew them (1366 px wide), the paper's own margins (Chromium prints with the
    # emulated media: printing, as a reader's Ctrl+P does)
    page.emulate_media(media="print")
    pdf = shot_dir() / f"overview-{lang}.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.stat().st_size > 20_000
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-gray", "-r", "40", str(pdf), str(tmp_path / "sheet")], check=True)
        sheets = sorted(tmp_path.glob("sheet*.pgm"))
        assert sheets
        inked = {p.name: n for p in sheets if (n := ink_in_right_margin(p)) > 0}
        assert inked == {}, f"ink in the right margin (something cut at the margin): {inked}"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                              text=True).stdout
        sheets = [s for s in text.split("\f") if s.strip()]
        assert len(sheets) >= 2
        squeezed = [re.sub(r"\s+", "", s) for s in sheets]
        title = re.sub(r"\s+", "", report_title(lang))
        missing = [i + 1 for i, s in enumerate(squeezed) if title not in s]
        assert missing == [], f"sheets without the report title: {missing}"
        assert all(address in s for s in squeezed), "a sheet without the page's address"
    assert v.problems() == []


# ---------------------------------------------------------------- phone


def test_on_a_phone_the_menu_button_stays_in_reach_at_the_bottom_of_a_page(built, visit):
    v = visit(edition_path("zh", "kp1"), PHONE)
    page = v.page
    wait_for_charts(page)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(400)
    assert page.evaluate("window.scrollY") > 2000, "kp1 is not long enough to test scrolling"
    page.screenshot(path=str(shot_dir() / "kp1-phone-390-scrolled.png"))
    [menu] = [t for t in page.locator(".primary-toggle").all() if t.is_visible()]
    box = menu.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    on_top = page.evaluate("""([x, y]) => {
        const el = document.elementFromPoint(x, y);
        return !!(el && el.closest('.primary-toggle')); }""", [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert on_top, "something covers the menu button"
    contents = [t for t in page.locator(".secondary-toggle").all() if t.is_visible()]
    assert len(contents) == 1 and 0 <= contents[0].bounding_box()["y"] < PHONE["height"]
    menu.click()
    page.wait_for_timeout(400)
    assert page.evaluate("() => document.getElementById('pst-primary-sidebar-modal').open")
    assert page.locator("#pst-primary-sidebar-modal a.reference").count() >= 13
    page.keyboard.press("Escape")
    assert v.problems() == []


def test_on_a_phone_a_heading_reached_by_its_anchor_is_not_under_the_header(built, visit):
    v = visit(edition_path("zh", "kp1"), PHONE)
    page = v.page
    anchor = page.evaluate("""() => {
        const sections = [...document.querySelectorAll('.bd-article section[id]')];
        return sections[Math.floor(sections.length / 2)].id; }""")
    page.goto(page.url.split("#")[0] + "#" + anchor)
    page.wait_for_timeout(500)
    header = page.locator(".bd-header-article").bounding_box()
    heading = page.locator(f'section[id="{anchor}"] > :is(h1, h2, h3, h4)').first.bounding_box()
    assert header["y"] <= 1, "the header is not at the top of the window"
    assert heading["y"] >= header["y"] + header["height"] - 1, (heading, header)
    assert v.problems() == []


# ---------------------------------------------------------------- the switcher


@pytest.mark.parametrize("lang,width", [("zh", 1366), ("zh", 390), ("en", 1366), ("en", 390)])
def test_the_switcher_says_what_it_is_shows_a_caret_and_opens_from_the_keyboard(built, visit, lang, width):
    m = Messages(lang)
    v = visit(edition_path(lang, "overview"), {"width": width, "height": 844})
    page = v.page
    button = page.locator(".version-switcher__button").first
    page.wait_for_function("() => document.querySelector('.version-switcher__button .jinan-switcher-caret')")
    words = m("theme.version_switcher_label", current=m("page.switcher_latest", year=YEAR))
    assert button.is_visible()
    shown = button.inner_text()
    assert words in shown and "▾" in shown, shown
    assert button.get_attribute("aria-label") == words
    # within the window, beside the menu button and the page's buttons, none covering another
    boxes = [b.bounding_box() for b in page.locator(".bd-header-article button").all() if b.is_visible()]
    assert all(b["x"] >= 0 and b["x"] + b["width"] <= width + 1 for b in boxes), boxes
    for a, b in zip(boxes, boxes[1:]):
        assert a["x"] + a["width"] <= b["x"] + 1 or a["y"] + a["height"] <= b["y"] + 1, (a, b)
    if lang == "zh" and width == 390:
        page.locator(".bd-header-article").screenshot(path=str(shot_dir() / "switcher-zh-390.png"))
    # the keyboard: focus, Enter opens the list, ↓ moves into it; the other language is offered
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    menu = page.locator(".version-switcher__menu").first
    assert menu.is_visible()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.classList.contains('dropdown-item')")
    other = "English edition" if lang == "zh" else "中文版"
    assert any(other in t for t in menu.locator(".dropdown-item").all_inner_texts())
    page.keyboard.press("Escape")
    assert v.problems() == []


# ---------------------------------------------------------------- the theme's words


COLLECT = """(attributes) => {
    const out = [];
    for (const el of document.querySelectorAll('*')) {
        for (const a of attributes) {
            const value = el.getAttribute(a);
            if (value) out.push([a, value.trim()]);
        }
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
        const text = node.textContent.trim(), parent = node.parentElement;
        if (text && parent && !parent.closest('script, style, noscript') && parent.checkVisibility())
            out.push(['text', text]);
    }
    return out;
}"""


def english_theme_words(found: list[list[str]]) -> list[str]:
    hits = []
    for where, value in found:
        for phrase in THEME_PHRASES:
            if re.search(rf"(?<![A-Za-z]){re.escape(phrase)}(?![A-Za-z])", value):
                hits.append(f"{where}: {value[:80]!r}")
        if value in THEME_WORDS:
            hits.append(f"{where}: {value!r}")
    return sorted(set(hits))


def test_the_scan_finds_the_theme_s_english_words():
    found = [["title", "Toggle primary sidebar"], ["aria-label", "Main"], ["text", "© Copyright 2026."],
             ["text", "Choose version"], ["placeholder", "Search..."], ["text", "主要目标"], ["aria-label", "Mainz"]]
    assert len(english_theme_words(found)) == 5


@pytest.mark.parametrize("name", ["overview", "kp1", "methods", "search", "genindex"])
@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
def test_chinese_pages_hold_none_of_the_theme_s_english_words(built, visit, name, viewport):
    v = visit(edition_path("zh", name), viewport)
    page = v.page
    wait_for_charts(page)
    page.wait_for_function("() => !document.querySelector('.version-switcher__button') || "
                           "document.querySelector('.version-switcher__button .jinan-switcher-caret')")
    found = page.evaluate(COLLECT, list(ATTRIBUTES))
    if name == "overview" and viewport is WIDE:  # the search dialog, opened, speaks Chinese too
        page.keyboard.press("Control+k")
        page.wait_for_timeout(300)
        found += page.evaluate(COLLECT, list(ATTRIBUTES))
        page.keyboard.press("Escape")
    assert english_theme_words(found) == []
    # the translated words are the catalogue's
    m = Messages("zh")
    titles = {value for where, value in found if where in ("title", "aria-label")}
    assert m("theme.toggle_primary_sidebar") in titles
    assert v.problems() == []


#: what a screen reader meets of the charts of a page: each chart's own label, and the labels of its marks
CHART_LABELS = """() => [...document.querySelectorAll('.jinan-chart')].map(c => ({
    label: c.getAttribute('aria-label'), role: c.getAttribute('role'),
    marks: [...c.querySelectorAll('svg.marks [aria-label]')].filter(e => !['g', 'svg'].includes(e.tagName))
        .map(e => e.getAttribute('aria-roledescription') + ' ' + e.getAttribute('aria-label'))}))"""


@pytest.mark.parametrize("name", ["overview", "kp4"])
def test_a_chart_speaks_to_a_screen_reader_in_the_page_s_language_only(built, visit, name):
    """Each chart is an image labelled with its description in the page's language. Its marks carry no label of
    Vega-Lite's making ("bar", "rank: 1": English words and internal field names), also once redrawn at a phone's
    width; what the reader's screen reader reads of the chart holds no Latin word."""
    v = visit(edition_path("zh", name))
    page = v.page
    assert wait_for_charts(page) > 0
    for viewport in (WIDE, PHONE):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(500)
        for chart in page.evaluate(CHART_LABELS):
            assert chart["role"] == "img" and re.search(r"[\u4e00-\u9fff]", chart["label"]), chart
            assert chart["marks"] == [], chart
        for i in range(page.locator(".jinan-chart").count()):
            spoken = re.sub(r"(?m)^\s*- [a-z]+", "", page.locator(".jinan-chart").nth(i).aria_snapshot())  # roles
            assert re.search(r"[\u4e00-\u9fff]", spoken) and not re.search(r"[A-Za-z]{3,}", spoken), spoken
    assert v.problems() == []


#: names a Chinese text writes in Latin letters: methods and tools the methods chapter names, standards
PROPER_NAMES = ("Open", "SDG", "CAGR", "JavaScript", "ISO", "IP")
#: Latin-letter words of no other kind a zh page may hold before the test fails (a document's name the data does
#: not hold as written, say); every such word is listed in the failure
LATIN_ALLOWANCE = 2
#: identifiers the landing page's build record gives: the commit and the data's fingerprint
HASHES = re.compile(r"\b[0-9a-f]{7,40}(?:-dirty)?\b")


class _Prose(HTMLParser):
    """The text a reader reads in a page's article: without code, scripts and drawings, and without quotations set
    as blocks (a reviewer's comment is shown as its reviewer wrote it)."""

    SKIP = {"script", "style", "code", "pre", "svg", "kbd", "blockquote"}
    VOID = {"br", "img", "meta", "link", "input", "hr", "wbr", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        if not self.SKIP.intersection(self.stack):
            self.text.append(data)


def article_prose(page_html: str) -> str:
    found = re.search(r'<article class="bd-article">(.*)</article>', page_html, re.S)
    parser = _Prose()
    parser.feed(found.group(1) if found else page_html)
    return " ".join(parser.text)


def test_every_chinese_page_speaks_chinese_save_quotes_names_and_units(built):
    """Every page of the built zh edition, the methods chapter, the data dictionary and the landing page included:
    what is left in Latin letters once quotations, the data's own strings (titles, publishers, names), file names,
    units and the names of methods are set aside is within a small allowance per page."""
    strings = data_strings(shipped_dataset())
    over = {}
    pages = sorted(built["zh"].glob("*.html"))
    assert len(pages) >= 20
    for path in pages:
        prose = HASHES.sub(" ", article_prose(path.read_text(encoding="utf-8")))
        words = [w for w in leftover_words(prose, strings) if w not in PROPER_NAMES]
        if len(words) > LATIN_ALLOWANCE:
            over[path.name] = words
    assert over == {}


def test_the_latin_word_scan_counts_what_a_reader_reads():
    page = ('<article class="bd-article"><p>依据 Open SDG 的方法，见 <code>assessment.csv</code>。'
            'Draft note left in.</p><div class="review-log"><blockquote>The pace ratio</blockquote></div></article>')
    prose = article_prose(page)
    assert "assessment" not in prose and "pace" not in prose
    assert [w for w in leftover_words(prose, []) if w not in PROPER_NAMES] == ["Draft", "in", "left", "note"]


def test_english_pages_use_the_english_catalogue(built, visit):
    m = Messages("en")
    v = visit(edition_path("en", "overview"))
    page = v.page
    # (Bootstrap's tooltips move a title to data-bs-original-title and name the button with it)
    labels = {page.locator(".primary-toggle").nth(i).get_attribute(a)
              for i in range(page.locator(".primary-toggle").count()) for a in ("title", "data-bs-original-title")}
    assert m("theme.toggle_primary_sidebar") in labels
    assert page.locator(".theme-switch-button").first.get_attribute("aria-label") == m("theme.color_mode")
    assert not re.search(r"[\u4e00-\u9fff]", page.locator(".bd-header-article").inner_text())
    assert v.problems() == []


# ---------------------------------------------------------------- the site index


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def test_the_site_index_writes_the_build_day_as_its_readers_do(built, visit):
    built_at = built["manifest"]["built_at"]
    day = dt.datetime.fromisoformat(built_at).date()
    v = visit("index.html")
    page = v.page
    body = page.inner_text("body")
    zh_item = page.locator('li:has(a[href="2025/index.html"])').inner_text()
    en_item = page.locator('li:has(a[href="en/2025/index.html"])').inner_text()
    assert f"{day.year}年{day.month}月{day.day}日" in zh_item, zh_item
    assert f"{day.day} {MONTHS[day.month - 1]} {day.year}" in en_item, en_item
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", body), body
    assert not re.search(r"T\d\d:\d\d:\d\d", body), body
    assert page.locator("time[datetime]").count() == 2  # the time stamp stays, for machines
    assert built["manifest"]["data_cutoff"] in zh_item
    assert v.problems() == []
