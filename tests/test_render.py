"""The offline renderer: deterministic ids, vendored Vega only, SVG fallback written on request."""

from __future__ import annotations

import altair as alt
import pandas as pd

from jinan_eval.report import render


def small_chart(title="t"):
    return alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x:O", y="y:Q").properties(title=title)


def test_same_spec_same_id_and_bytes():
    a, b = small_chart().to_dict(), small_chart().to_dict()
    assert render.chart_id(a) == render.chart_id(b)
    assert render.chart_html(a) == render.chart_html(b)
    assert render.chart_id(a) != render.chart_id(small_chart("other").to_dict())


def test_html_loads_nothing_from_the_network():
    out = render.offline_renderer(small_chart().to_dict())
    html = out["text/html"]
    assert "vegaEmbed(" in html
    assert "http://" not in html.replace('"$schema":"https://vega.github.io', "")  # the schema URL is an id
    assert "cdn" not in html.lower() and "<script src" not in html


def test_svg_fallback_is_written_when_asked(tmp_path, monkeypatch):
    spec = small_chart().to_dict()
    monkeypatch.setenv(render.CHART_DIR_ENV, str(tmp_path))
    render.offline_renderer(spec)
    svg = tmp_path / f"{render.chart_id(spec)}.svg"
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert f'src="charts/{render.chart_id(spec)}.svg"' in render.chart_html(spec)
