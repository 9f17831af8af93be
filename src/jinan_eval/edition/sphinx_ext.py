"""A small Sphinx extension for the report's pages.

Page weight, once every page is written:

* the Vega scripts stay only on pages that draw a chart;
* the theme's 1.4 MB Font Awesome script (it draws every icon of the set as SVG) is taken out of every page; the
  few icons the pages show come from the icon font the theme's style sheet already declares;
* the search index (about 140 KB) and Sphinx's search scripts stay only on the search page, the one page that
  reads them;
* the theme's style sheet keeps the rules of the icons some page or script names (``fa-magnifying-glass`` …) and
  drops the other 1,800 (about 70 KB); the icon fonts are then cut down to the glyphs the style sheet still
  draws (the solid font from 156 KB to a few KB);
* sphinx-design's style sheet and tab script go: no page uses its components;
* formulas are typeset to SVG here, at build time, by MathJax under Node (``tex2svg.cjs``), so no page ships
  MathJax (2 MB) to the reader: each formula becomes an inline SVG whose glyphs come from one hidden SVG the
  page carries once, with its TeX source as the SVG's accessible name.

Build time: Sphinx's Chinese search language records every Latin word it meets in a list and looks each word up in
that list (a scan that grows with the book); here the record is a set, so the same index is built in less time.

Jupyter Book 1 always loads sphinx-thebe, which adds its configuration script on every page (twice in our
builds, a "THEBE_JS_URL has already been declared" error in the browser) and names a third-party host. The
report has no live code, so Thebe's scripts are dropped from every page, and any script listed twice is kept once.

The page's language, everywhere: the theme writes some of its button titles, labels and placeholders in English
whatever the book's language (``THEME_WORDS``: "Toggle primary sidebar", "Color mode", "Search..." …, and Sphinx's
"Link to this heading"). Each is replaced, in ``title``, ``aria-label``, ``data-bs-title`` and ``placeholder``
attributes and in the few texts the theme writes (the switcher's "Choose version", the copyright line), by the
words of the edition's message catalogue (``theme.`` keys). The version switcher carries its label (``data-jinan-label``:
"版本与语言：{current}") for ``jinan-nav.js``, which shows it with the current edition and a caret.

Paper: every page carries a print header (report title, edition and language above the page's title, its web address
below it, filled in by ``jinan-nav.js``), and a page style whose margin boxes repeat the report, the edition and the
page's title at the top of every printed sheet (``@page``; browsers without margin boxes print the header once).
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from ..config import VENDOR_DIR
from ..report.messages import Messages

THEBE_MARKERS = ("THEBE_JS_URL", "sphinx-thebe.js", "thebe@")
CHART_MARKER = 'class="jinan-chart"'
CHART_SCRIPT = re.compile(r'\s*<script src="[^"]*_static/vendor/vega(?:-embed)?\.min\.js[^"]*"></script>')
FONTAWESOME_SCRIPT = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
SEARCH_INDEX = re.compile(r'\s*<script src="[^"]*(?:searchindex\.js|_static/searchtools\.js|_static/language_data\.js)">'
                          r'</script>')
THEME_CSS = Path("_static/styles/pydata-sphinx-theme.css")
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:before,?)+)\{content:"[^"]*"\}')
ICON_NAME = re.compile(r"fa-[a-z0-9-]+")
ICON_FONTS = Path("_static/vendor/fontawesome/webfonts")
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{4,6})")
PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010fffd]")
UNUSED_ASSETS = re.compile(r'\s*(?:<link rel="stylesheet" type="text/css" href="[^"]*_static/sphinx-design\.min\.css[^"]*" />'
                           r'|<script [^>]*src="[^"]*_static/design-tabs\.js[^"]*"></script>'
                           r'|<script [^>]*src="[^"]*_static/mathjax-loader\.js[^"]*"></script>)')
INLINE_MATH = re.compile(r'(<span class="math notranslate nohighlight">)\\\((.*?)\\\)(</span>)', re.S)
DISPLAY_MATH = re.compile(r'(<div class="math notranslate nohighlight"[^>]*>\s*(?:<span class="eqno">.*?</span>)?)'
                          r'\s*\\\[(.*?)\\\]\s*(</div>)', re.S)
MATH_CACHE = '<svg id="MJX-SVG-global-cache" style="display: none" aria-hidden="true">{defs}</svg>'
TEX2SVG = Path(__file__).with_name("tex2svg.cjs")

#: the theme's words a reader meets (titles, labels, placeholders, tooltips) that its own translations leave in
#: English, found in the built pages (pydata-sphinx-theme 0.17, sphinx-book-theme 1.3, Sphinx 7.4: look again after
#: an upgrade), and the catalogue key of each in the page's language
THEME_WORDS = {
    "Toggle primary sidebar": "theme.toggle_primary_sidebar",
    "Toggle secondary sidebar": "theme.toggle_secondary_sidebar",
    "Version switcher list": "theme.version_switcher",
    "Color mode": "theme.color_mode",
    "System Settings": "theme.system_settings",
    "Search...": "theme.search_placeholder",
    "Announcement": "theme.announcement",
    "Main": "theme.main_navigation",
    "Page": "theme.page_navigation",
    "Link to this heading": "theme.link_to_heading",
    "Link to this equation": "theme.link_to_equation",
}
THEME_ATTRIBUTE = re.compile(r'(\s(?:title|aria-label|data-bs-title|placeholder)=")([^"]*)(")')
SWITCHER_BUTTON = re.compile(r'(<button\b[^>]*\bclass="version-switcher__button\b[^"]*"[^>]*?)(\s*>)\s*Choose version')
COPYRIGHT = re.compile(r'(<p class="copyright">\s*)© Copyright ([^<]*?)\.(\s*<br/>)')
PRINT_BODY = re.compile(r'<div id="jb-print-docs-body" class="onlyprint">(\s*)<h1>(.*?)</h1>', re.S)
ARTICLE_CONTAINER = '<div class="bd-article-container">'
PAGE_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
PRINT_MARK = 'class="jinan-print-edition"'


class MathFailed(RuntimeError):
    pass


def _is_thebe(script) -> bool:
    text = f"{getattr(script, 'filename', '') or ''} {(getattr(script, 'attributes', {}) or {}).get('body', '')}"
    return any(marker in text for marker in THEBE_MARKERS)


def _escape_print_title(app, pagename, templatename, context, doctree) -> None:
    """sphinx-book-theme puts the page title's plain text (entities decoded) into the print header as markup;
    it is text, whatever the plan's tables make it say."""
    if isinstance(context.get("pagetitle"), str):
        context["pagetitle"] = html.escape(context["pagetitle"], quote=True)


def _clean_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        key = (str(getattr(script, "filename", script)), str((getattr(script, "attributes", {}) or {}).get("body")))
        if _is_thebe(script) or key in seen:
            continue
        seen.add(key)
        kept.append(script)
    context["script_files"] = kept


def typeset(formulas: list[tuple[str, bool]]) -> tuple[list[str], str]:
    """SVG of each (TeX, display) formula and the hidden SVG of the glyphs they share, by MathJax under Node."""
    node = shutil.which("node")
    if node is None:
        raise MathFailed("node is not installed: it typesets the formulas at build time (run `make assets`)")
    proc = subprocess.run([node, str(TEX2SVG)], input=json.dumps(formulas), capture_output=True, text=True,
                          env={**os.environ, "NODE_PATH": str(VENDOR_DIR)})
    if proc.returncode != 0:
        raise MathFailed(f"typesetting the formulas failed: {proc.stderr.strip()[-400:]}")
    result = json.loads(proc.stdout)
    return result["svgs"], MATH_CACHE.format(defs=result["cache"])


def _formulas(text: str) -> list[tuple[str, bool]]:
    return ([(html.unescape(m.group(2)), False) for m in INLINE_MATH.finditer(text)]
            + [(html.unescape(m.group(2)).strip(), True) for m in DISPLAY_MATH.finditer(text)])


def _with_svg(text: str, svg_of: dict, cache: str) -> str:
    def put(display: bool):
        def sub(m: re.Match) -> str:
            tex = html.unescape(m.group(2)).strip() if display else html.unescape(m.group(2))
            label = html.escape(tex, quote=True)
            return m.group(1) + svg_of[(tex, display)].replace("<svg ", f'<svg aria-label="{label}" ', 1) + m.group(3)
        return sub

    typeset_text = DISPLAY_MATH.sub(put(True), INLINE_MATH.sub(put(False), text))
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + cache, typeset_text, count=1)


def lighten(pages: dict[str, str]) -> dict[str, str]:
    """The pages (name → HTML) as published: see the module docstring."""
    formulas = sorted({f for text in pages.values() for f in _formulas(text)})
    svg_of, cache = {}, ""
    if formulas:
        svgs, cache = typeset(formulas)
        svg_of = dict(zip(formulas, svgs))
    out = {}
    for name, text in pages.items():
        lighter = UNUSED_ASSETS.sub("", FONTAWESOME_SCRIPT.sub("", text))
        if CHART_MARKER not in lighter:
            lighter = CHART_SCRIPT.sub("", lighter)
        if Path(name).name != "search.html":
            lighter = SEARCH_INDEX.sub("", lighter)
        if _formulas(lighter):
            lighter = _with_svg(lighter, svg_of, cache)
        out[name] = lighter
    return out


def translate_theme(text: str, m: Messages) -> str:
    """The page with the theme's English words (``THEME_WORDS``) in the catalogue's language, and the version
    switcher's label for ``jinan-nav.js``."""
    def attribute(match: re.Match) -> str:
        key = THEME_WORDS.get(match.group(2))
        return match.group(1) + html.escape(m(key), quote=True) + match.group(3) if key else match.group(0)

    def switcher(match: re.Match) -> str:
        label = html.escape(m("theme.version_switcher_label"), quote=True)
        return f'{match.group(1)} data-jinan-label="{label}"{match.group(2)}' + html.escape(m("theme.version_switcher"))

    text = THEME_ATTRIBUTE.sub(attribute, text)
    text = SWITCHER_BUTTON.sub(switcher, text)
    return COPYRIGHT.sub(lambda c: c.group(1) + html.escape(m("theme.copyright", copyright=html.unescape(c.group(2))))
                         + c.group(3), text)


def _css_string(text: str) -> str:
    """Text as a CSS string inside a <style> element (no markup can end the element)."""
    escaped = "".join(f"\\{ord(ch):x} " if ch in '"\\<>&' or ord(ch) < 32 else ch for ch in text)
    return f'"{escaped}"'


def with_print_header(text: str, edition_line: str, address_label: str) -> str:
    """The page with its print header: the report and edition (``edition_line``, markup) above the page's title,
    a line for its web address (``address_label`` and an empty span that ``jinan-nav.js`` fills) below it, and the
    margin boxes of every printed sheet (report and edition at the top left, the page's title at the top right)."""
    if PRINT_MARK in text:
        return text
    edition = f'<p {PRINT_MARK}>{edition_line}</p>'
    address = (f'<p class="jinan-print-address">{html.escape(address_label)}'
               f'<span class="jinan-page-address"></span></p>')
    found = PRINT_BODY.search(text)
    whole = PAGE_TITLE.search(text)
    title = re.split(r"\s+(?:&#8212;|—|-)\s+", whole.group(1).strip(), maxsplit=1)[0] if whole else ""
    if found:
        title = found.group(2).strip() or title
        header = (f'<div id="jb-print-docs-body" class="onlyprint jinan-print-header">{found.group(1)}{edition}'
                  f'<h1>{title}</h1>{address}')
        text = text[:found.start()] + header + text[found.end():]
    elif ARTICLE_CONTAINER in text:
        text = text.replace(ARTICLE_CONTAINER, f'{ARTICLE_CONTAINER}<div class="onlyprint jinan-print-header">'
                                               f'{edition}{address}</div>', 1)
    sheet = (f"@page {{ @top-left {{ content: {_css_string(html.unescape(re.sub(r'<[^>]+>', '', edition_line)))}; }}"
             f" @top-right {{ content: {_css_string(html.unescape(re.sub(r'<[^>]+>', '', title)))}; }} }}")
    return text.replace("</head>", f'<style class="jinan-print-sheet" media="print">{sheet}</style>\n</head>', 1)


def dress(text: str, m: Messages, report: str) -> str:
    """The page in its language, with its print header; ``report`` is the book's title (markup: report and
    edition), as the theme writes it."""
    edition_line = f'{report} · {html.escape(m("theme.print_language"))}'
    return with_print_header(translate_theme(text, m), edition_line, m("theme.print_address") + m("colon"))


def used_icons(texts) -> set[str]:
    """Every ``fa-…`` name the pages and scripts mention."""
    return {name for text in texts for name in ICON_NAME.findall(text)}


def purge_icon_rules(css: str, used: set[str]) -> str:
    """The style sheet without the rules of icons nothing uses (a rule listing several names stays if one is used)."""
    def keep(m: re.Match) -> str:
        names = {sel[1:-len(":before")] for sel in m.group(1).rstrip(",").split(",")}
        return m.group(0) if names & used else ""

    return ICON_RULE.sub(keep, css)


def icon_codepoints(css: str) -> set[int]:
    """The icon characters a style sheet draws: CSS escapes (``content:"\\f0c9"``) and private-use characters
    written as they are (the theme's ``--pst-icon-…`` variables)."""
    escaped = {int(m.group(1), 16) for m in CSS_ESCAPE.finditer(css)}
    return {c for c in escaped if 0xE000 <= c <= 0xF8FF or c >= 0xF0000} | {ord(ch) for ch in PRIVATE_USE.findall(css)}


def subset_icon_fonts(folder: Path, codepoints: set[int], cache: Path | None = None) -> None:
    """Cut every WOFF2 icon font of the folder down to the glyphs of ``codepoints`` (fontTools). The font keeps its
    own time stamp, so the same font and glyphs give the same bytes; with a ``cache`` folder, a font already cut
    to these glyphs by an earlier build is taken from there."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.notdef_outline = True
    for path in sorted(folder.glob("*.woff2")):
        original = path.read_bytes()
        key = hashlib.sha256(original + repr(sorted(codepoints)).encode()).hexdigest()[:24]
        kept = cache / f"{key}.woff2" if cache is not None else None
        if kept is not None and kept.is_file():
            shutil.copyfile(kept, path)
            continue
        font = TTFont(path, recalcTimestamp=False)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(codepoints))
        subsetter.subset(font)
        font.flavor = "woff2"
        font.save(path)
        if kept is not None:
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, kept.with_suffix(".part"))
            os.replace(kept.with_suffix(".part"), kept)  # a build killed here leaves no half-written font


def _lighten_pages(app, exception) -> None:
    """Once every page is written: see the module docstring."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    pages = {str(p.relative_to(outdir)): p.read_text(encoding="utf-8") for p in outdir.rglob("*.html")
             if "_static" not in p.relative_to(outdir).parts}
    m = Messages("zh" if str(app.config.language or "").startswith("zh") else "en")
    report = app.config.html_title or html.escape(app.config.project or "")
    for name, text in lighten(pages).items():
        text = dress(text, m, report)
        if text != pages[name]:
            (outdir / name).write_text(text, encoding="utf-8")
    css = outdir / THEME_CSS
    if css.exists():
        scripts = [p.read_text(encoding="utf-8", errors="replace") for p in (outdir / "_static").rglob("*.js")
                   if p.name != "fontawesome.js"]
        purged = purge_icon_rules(css.read_text(encoding="utf-8"), used_icons([*pages.values(), *scripts]))
        css.write_text(purged, encoding="utf-8")
        if (outdir / ICON_FONTS).is_dir():
            subset_icon_fonts(outdir / ICON_FONTS, icon_codepoints(purged), Path(app.doctreedir) / "icon-fonts")
        (outdir / "_static" / "scripts" / "fontawesome.js").unlink(missing_ok=True)


class _Terms(set):
    """A set that takes ``extend`` (what Sphinx's Chinese search language calls on its list of Latin words)."""

    extend = set.update


def _chinese_search_language():
    from sphinx.search.zh import SearchChinese

    class SearchChineseSet(SearchChinese):
        """Sphinx's Chinese search language with its Latin words in a set: same words, same index."""

        def init(self, options: dict[str, str]) -> None:
            super().init(options)
            self.latin_terms = _Terms()

    return SearchChineseSet


def setup(app):
    app.add_search_language(_chinese_search_language())
    app.connect("html-page-context", _clean_scripts, priority=900)
    app.connect("html-page-context", _escape_print_title, priority=900)
    app.connect("build-finished", _lighten_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
