"""Hostile text in the data cannot become code in the report (fast, no browser).

* A source URL must be http(s): a ``javascript:`` address is rejected at validation, naming the file, the row
  and the column, so it never reaches an ``<a href>``.
* A chart spec is embedded in a ``<script>`` element: whatever its strings contain, the spec's JSON cannot
  close that element (``</script>`` only occurs as the real closing tags), nor open an HTML comment.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from jinan_eval.data import validate
from jinan_eval.report.render import chart_html, chart_id, vega_spec

from conftest import SHIPPED_DATA, SHIPPED_PLAN
from e2e_helpers import rewrite_csv


def data_line_of(path: Path, source_id: str) -> int:
    """The line number (header = 1) of a source row, as an editor shows it."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        line = 2
        for cells in reader:
            if cells and cells[0] == source_id:
                return line
            line = reader.line_num + 1
    raise AssertionError(f"{source_id} not found in {path}")


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(SHIPPED_DATA, target)
    return target


def test_shipped_data_has_no_url_pattern_errors():
    report, _ = validate(SHIPPED_DATA)
    assert not [p for p in report.errors if p.file == "sources.csv" and p.column in ("url", "retrieved_from")]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(document.cookie)",
                                 "data:text/html,<script>alert(1)</script>", "  javascript:alert(1)"])
def test_javascript_url_is_rejected(data_copy: Path, url: str):
    sources = data_copy / "sources.csv"
    chosen = {}

    def plant(rows):
        row = next(r for r in rows if r["retrieved_from"].startswith("http"))
        row["retrieved_from"] = url
        chosen["id"] = row["source_id"]

    rewrite_csv(sources, plant)
    report, _ = validate(data_copy)
    hits = [p for p in report.errors if p.rule == "pattern" and p.file == "sources.csv"
            and p.column == "retrieved_from"]
    assert hits, [str(p) for p in report.problems]
    assert not report.ok
    assert data_line_of(sources, chosen["id"]) in {p.row for p in hits}


def test_plain_http_and_https_urls_still_pass(data_copy: Path):
    def plant(rows):
        rows[0]["retrieved_from"] = "http://www.jinan.gov.cn/a"
        rows[1]["retrieved_from"] = "https://www.jinan.gov.cn/b?x=1&y=2"

    rewrite_csv(data_copy / "sources.csv", plant)
    report, _ = validate(data_copy)
    assert report.ok, [str(p) for p in report.errors]


HOSTILE = "</script><script>alert(1)</script>"


def hostile_spec() -> dict:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": f"能耗 {HOSTILE}",
        "description": f"desc {HOSTILE} <!-- & -->",
        "data": {"values": [{"year": 2021, "value": 1.5, "label": HOSTILE + "<!--"},
                            {"year": 2022, "value": 2.0, "label": "</SCRIPT >"}]},
        "mark": "line",
        "encoding": {"x": {"field": "year", "type": "ordinal"},
                     "y": {"field": "value", "type": "quantitative", "title": "<b>&amp;</b>"}},
    }


def test_chart_html_spec_cannot_close_its_script_element():
    spec = hostile_spec()
    out = chart_html(spec)
    lowered = out.lower()
    # exactly one <script> element, whose only closing tag is the real one
    assert lowered.count("<script") == 1, out
    assert len(re.findall(r"</script", lowered)) == 1, out
    assert lowered.count("</script>") == 1
    assert "<!--" not in out
    assert "alert(1)</script>" not in lowered
    # the closing tag is the last thing of the script element, right after the embed call
    script = re.search(r"<script>(.*?)</script>", out, re.DOTALL | re.IGNORECASE)
    assert script and script.group(1).endswith(".catch(console.error);")
    body = script.group(1)
    assert "<" not in body and ">" not in body
    # the JSON still parses back to the spec the page draws, the Vega compilation of the chart's (escapes are
    # JSON escapes, not mangling)
    match = re.match(r'vegaEmbed\("#(chart-[0-9a-f]{16})", (\{.*\}), (\{.*\})\)\.catch\(console\.error\);$',
                     body, re.DOTALL)
    assert match, body
    assert match.group(1) == chart_id(spec)
    assert json.loads(match.group(2)) == vega_spec(spec)
    assert json.loads(match.group(2))["data"][0]["values"][0]["label"] == HOSTILE + "<!--"
    assert json.loads(match.group(3))["renderer"] == "svg"


def test_chart_html_attributes_are_escaped():
    spec = hostile_spec()
    out = chart_html(spec, description='say "hi" <img src=x onerror=alert(1)>')
    before_script = out.split("<script>", 1)[0]
    after_script = out.rsplit("</script>", 1)[1]
    for part in (before_script, after_script):
        assert "<img src=x" not in part
        assert "&quot;hi&quot;" in part and "&lt;img" in part
    # the fallback image points at the chart's own SVG
    assert f'src="charts/{chart_id(spec)}.svg"' in after_script


def test_chart_html_is_deterministic():
    assert chart_html(hostile_spec()) == chart_html(hostile_spec())


def test_a_section_title_from_the_plan_is_text_in_the_page_heading():
    import nbformat

    from jinan_eval.edition.run import fill_placeholders

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# {{ page_title }}")])
    filled = fill_placeholders(nb, {"page_title": '三（一） <img src=x onerror=alert(1)>'})
    assert filled.cells[0].source == "# 三（一） &lt;img src=x onerror=alert(1)&gt;"


def test_downloads_publish_no_live_formula(shipped_data_copy, tmp_path):
    import openpyxl

    from jinan_eval.data import load_dataset
    from jinan_eval.edition.book import EditionResults
    from jinan_eval.edition.downloads import write_downloads
    from jinan_eval.report.tables import REQUEST_WORKBOOK, workbook_name

    targets = shipped_data_copy / SHIPPED_PLAN / "targets.csv"
    text = targets.read_text(encoding="utf-8").replace("能源消费增量控制在合理区间", '=HYPERLINK("http://x")', 1)
    targets.write_text(text, encoding="utf-8")
    dataset = load_dataset(shipped_data_copy)
    write_downloads(dataset, EditionResults.compute(dataset, 2025).history, 2025, tmp_path)
    csv_text = (tmp_path / "targets.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv_text and ',=HYPERLINK' not in csv_text
    for name in (workbook_name(dataset.plan), REQUEST_WORKBOOK):
        book = openpyxl.load_workbook(tmp_path / name)
        formulas = [c.coordinate for ws in book.worksheets for row in ws.iter_rows() for c in row
                    if c.data_type == "f"]
        assert formulas == [], (name, formulas[:5])
    # numbers are untouched: a negative change stays a number in the xlsx
    obs = openpyxl.load_workbook(tmp_path / workbook_name(dataset.plan))["observations"]
    values = [c.value for c in next(obs.iter_cols(min_col=4, max_col=4, min_row=2))]
    assert any(isinstance(v, float) and v < 0 for v in values)
