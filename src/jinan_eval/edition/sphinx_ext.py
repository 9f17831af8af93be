"""A small Sphinx extension for the report's pages.

Jupyter Book 1 always loads sphinx-thebe, which adds its configuration script on every page (twice in our
builds, a "THEBE_JS_URL has already been declared" error in the browser) and names a third-party host. The
report has no live code, so Thebe's scripts are dropped from every page, and any script listed twice is kept once.
"""

from __future__ import annotations

THEBE_MARKERS = ("THEBE_JS_URL", "sphinx-thebe.js", "thebe@")


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


def setup(app):
    app.connect("html-page-context", _clean_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
