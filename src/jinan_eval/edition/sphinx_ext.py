"""A small Sphinx extension for the report's pages.

Page weight: the Vega scripts are loaded only by pages that draw a chart, and the theme's 1.4 MB Font Awesome
script (it draws every icon of the set as SVG) is taken out of every page once written; the few icons the pages
show come from the icon font the theme's style sheet already declares.

Jupyter Book 1 always loads sphinx-thebe, which adds its configuration script on every page (twice in our
builds, a "THEBE_JS_URL has already been declared" error in the browser) and names a third-party host. The
report has no live code, so Thebe's scripts are dropped from every page, and any script listed twice is kept once.
"""

from __future__ import annotations

import re
from pathlib import Path

THEBE_MARKERS = ("THEBE_JS_URL", "sphinx-thebe.js", "thebe@")
CHART_MARKER = 'class="jinan-chart"'
CHART_SCRIPT = re.compile(r'\s*<script src="[^"]*_static/vendor/vega(?:-lite|-embed)?\.min\.js[^"]*"></script>')
FONTAWESOME_SCRIPT = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')


def _is_thebe(script) -> bool:
    text = f"{getattr(script, 'filename', '') or ''} {(getattr(script, 'attributes', {}) or {}).get('body', '')}"
    return any(marker in text for marker in THEBE_MARKERS)


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


def _lighten_pages(app, exception) -> None:
    """Once every page is written: the Font Awesome script out of every page (the icon font stands in for it),
    the Vega scripts out of every page that draws no chart."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lighter = FONTAWESOME_SCRIPT.sub("", text)
        if CHART_MARKER not in lighter:
            lighter = CHART_SCRIPT.sub("", lighter)
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")


def setup(app):
    app.connect("html-page-context", _clean_scripts, priority=900)
    app.connect("build-finished", _lighten_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
