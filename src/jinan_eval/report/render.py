"""Offline chart output: one vendored Vega bundle per page, a deterministic element id, an SVG fallback.

Altair's default HTML output loads Vega from a CDN and gives every chart a random id. Here a chart becomes::

    <div id="chart-<hash of the spec>" class="jinan-chart" ...></div>
    <script>vegaEmbed("#chart-…", {Vega spec}, {options})</script>
    <noscript><img src="charts/chart-….svg"></noscript>

The Vega-Lite spec Altair writes is compiled to Vega here, at build time (vl-convert, no browser), so a page
loads only ``vega.min.js`` and ``vega-embed.min.js`` from the book's own static files (vendored from npm by
``make assets``), not the 250 KB Vega-Lite compiler. The same spec always gives the same id and the same bytes, so a
notebook re-run on the same data produces identical output. When ``JINAN_CHART_DIR`` is set (the runner sets
it), each chart's static SVG is written there by vl-convert.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
from pathlib import Path

import altair as alt

RENDERER_NAME = "jinan_offline"
CHART_DIR_ENV = "JINAN_CHART_DIR"
EMBED_OPTIONS = {"actions": {"export": True, "source": False, "compiled": False, "editor": False},
                 "renderer": "svg"}


def spec_json(spec: dict) -> str:
    """Canonical JSON of a spec: sorted keys, no spaces, non-ASCII kept readable."""
    return json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chart_id(spec: dict) -> str:
    """Deterministic element id: a hash of the spec."""
    return "chart-" + hashlib.sha1(spec_json(spec).encode("utf-8")).hexdigest()[:16]


def _script_safe(text: str) -> str:
    """JSON made safe to sit inside a <script> element (no '</script>' or HTML comment can close it)."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


#: Width of the static SVG for readers without JavaScript (the live chart takes its column's width).
STATIC_WIDTH = 560


def static_spec(spec: dict) -> dict:
    """The spec drawn without a page around it: a chart sized to its container gets a fixed width."""
    if spec.get("width") != "container":
        return spec
    return {**spec, "width": STATIC_WIDTH, "autosize": {"type": "fit-x", "contains": "padding"}}


def write_svg(spec: dict, directory: Path) -> Path:
    """Write the chart's static SVG (vl-convert, no browser) and return its path."""
    import vl_convert as vlc

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{chart_id(spec)}.svg"
    if not path.exists():
        path.write_text(vlc.vegalite_to_svg(static_spec(spec)), encoding="utf-8")
    return path


def vega_spec(spec: dict) -> dict:
    """The Vega spec a Vega-Lite spec compiles to (vl-convert bundles the same Vega as the vendored one)."""
    import vl_convert as vlc

    return vlc.vegalite_to_vega(spec)


def embed_options(spec: dict) -> dict:
    """vega-embed's options: the report's defaults, a compiled (Vega) spec, and the chart's own (its menu's
    words, carried in ``usermeta.embedOptions``)."""
    own = (spec.get("usermeta") or {}).get("embedOptions") or {}
    return {**EMBED_OPTIONS, "mode": "vega", **own}


def chart_html(spec: dict, description: str = "") -> str:
    """The HTML fragment for one chart (see the module docstring)."""
    cid = chart_id(spec)
    alt_text = html.escape(description or spec.get("description", "") or "chart", quote=True)
    return (
        f'<div id="{cid}" class="jinan-chart" role="img" aria-label="{alt_text}"></div>\n'
        f"<script>vegaEmbed(\"#{cid}\", {_script_safe(spec_json(vega_spec(spec)))}, "
        f"{_script_safe(spec_json(embed_options(spec)))}).catch(console.error);</script>\n"
        f'<noscript><img src="charts/{cid}.svg" alt="{alt_text}"></noscript>'
    )


def offline_renderer(spec: dict, **_: object) -> dict:
    """Altair renderer: returns the mime bundle a notebook stores for the chart."""
    directory = os.environ.get(CHART_DIR_ENV)
    if directory:
        write_svg(spec, Path(directory))
    return {"text/html": chart_html(spec), "text/plain": spec.get("description", "chart")}


def enable() -> None:
    """Register and enable the offline renderer for this kernel."""
    alt.renderers.register(RENDERER_NAME, offline_renderer)
    alt.renderers.enable(RENDERER_NAME)
