"""The data-request workbook: written for a report year, filled as an analyst would (openpyxl, with a
percentage-formatted cell and date cells), read back into a copy of the data; and every malformed workbook
refused with its sheet, row and column, writing nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jinan_eval.assess import assess_edition
from jinan_eval.data import load_dataset
from jinan_eval.edition.workbook import (
    EVIDENCE_SHEET,
    GUIDE_SHEET,
    WorkbookError,
    ingest_workbook,
    write_request_workbook,
)
from jinan_eval.report import project
from jinan_eval.report.context import Context
from jinan_eval.vocabulary import GAP_STATUSES

from e2e_helpers import REQUEST_KEY, H, fill_sewage_requests, request_row
from e2e_helpers import fill_request as fill

YEAR = 2025


def snapshot(data: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*.csv"))}


@pytest.fixture
def blank(shipped_data_copy, tmp_path):
    path = tmp_path / "requests.xlsx"
    counts = write_request_workbook(load_dataset(shipped_data_copy), YEAR, path)
    return shipped_data_copy, path, counts


def test_the_workbook_explains_itself_and_lists_requests_by_department(blank):
    data, path, counts = blank
    wb = load_workbook(path)
    assert wb.sheetnames[0] == GUIDE_SHEET and EVIDENCE_SHEET in wb.sheetnames
    assert "怎么填" in "".join(str(c.value) for c in wb[GUIDE_SHEET]["A"])
    departments = [name for name in counts if name != EVIDENCE_SHEET]
    assert departments and all(counts[name] > 0 for name in departments)
    ws = wb[departments[0]]
    assert ws.freeze_panes == "C2" and ws["A1"].value == "编号 Request"  # the request and indicator stay on screen
    validated = {str(rng) for dv in ws.data_validations.dataValidation for rng in dv.sqref.ranges}
    assert len(validated) == 4  # measure, period, unit and source kind are chosen from lists
    # a request names the targets it serves and the publication that usually carries the figure
    ws, r, heads = request_row(wb, f"urban_sewage_collection_rate·{load_dataset(data).plan.region}·2020")
    assert "KP10-7" in ws.cell(row=r, column=heads[H["targets"]]).value
    assert "城市建设统计年鉴" in ws.cell(row=r, column=heads["通常发布于 Usually published in"]).value


def test_round_trip_a_filled_workbook_rates_the_targets_it_completes(blank, tmp_path):
    data, path, _ = blank
    region = load_dataset(data).plan.region
    before = assess_edition(load_dataset(data), YEAR).set_index("target_id")["status"]
    assert before["KP10-7"] in GAP_STATUSES and before["KP10-4"] in GAP_STATUSES
    wb = load_workbook(path)
    fill_sewage_requests(wb, region)  # 60% typed in a percentage cell is stored as 0.6
    ev = wb[EVIDENCE_SHEET]
    heads = {c.value: c.column for c in ev[1]}
    for head, value in {"事件类型 Event": "仅印发计划、通知或工作安排 [issued]", "事件日期 Date of the event": dt.datetime(2024, 5, 1),
                        "发生了什么（中文）What happened (Chinese)": "印发实施方案。",
                        "What happened (English)": "A plan was issued.", "来源标题 Source title": "关于印发方案的通知",
                        "发布或报送机关 Issuing body": "济南市人民政府", "日期 Date": "2024-05-01",
                        "文号 Document number": "济政字〔2024〕1号", "原文引语 Quote": "现将方案印发给你们。",
                        "网址（公开网页才填）URL, web pages only": "http://www.jinan.gov.cn/art/2024/5/1/art_1_1.html"}.items():
        ev.cell(row=2, column=heads[head]).value = value
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)

    assert ingest_workbook(filled, data) == {"figures": 3, "evidence": 1}
    dataset = load_dataset(data)
    obs = dataset.observations
    rate = obs[(obs["indicator_key"] == "urban_sewage_collection_rate") & (obs["region"] == region)]
    assert sorted(zip(rate["year"], rate["value"])) == [(2020, 60.0), (2024, 72.0)]
    after = assess_edition(dataset, YEAR).set_index("target_id")["status"]
    assert after["KP10-7"] == "on_track" and after["KP10-4"] not in GAP_STATUSES
    page = "".join(getattr(b, "text", "") for b in project.targets(Context(dataset, YEAR, "zh"), "KP10"))
    assert "KP10-7" in page and "进度正常" in page
    assert (data / "raw" / "workbook" / "filled.csv").read_text(encoding="utf-8").count("sheet ") == 3  # provenance

    # the same workbook again adds nothing
    once = snapshot(data)
    ingest_workbook(filled, data)
    assert snapshot(data) == once


def malformed(blank, tmp_path, change) -> str:
    data, path, _ = blank
    region = load_dataset(data).plan.region
    wb = load_workbook(path)
    change(wb, region)
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    before = snapshot(data)
    with pytest.raises(WorkbookError) as exc:
        ingest_workbook(bad, data)
    assert snapshot(data) == before  # nothing written
    return "\n".join(str(p) for p in exc.value.report.errors)


def _text_value(wb, region):
    fill(wb, f"urban_sewage_collection_rate·{region}·2024", "约72")


def _percent_cell_wrong_unit(wb, region):
    fill(wb, f"sewage_treatment_capacity_added·{region}·2024", 0.3).number_format = "0%"


def _serial_date(wb, region):
    fill(wb, f"urban_sewage_collection_rate·{region}·2024", 72, **{H["date"]: 45748.0})


def _renamed_header(wb, region):
    ws, _, heads = request_row(wb, f"urban_sewage_collection_rate·{region}·2024")
    ws.cell(row=1, column=heads["数值 Value"]).value = "数值"


def _merged(wb, region):
    ws, r, heads = request_row(wb, f"urban_sewage_collection_rate·{region}·2024")
    fill(wb, f"urban_sewage_collection_rate·{region}·2024", 72)
    ws.merge_cells(start_row=r, start_column=heads[H["title"]], end_row=r + 1, end_column=heads[H["title"]])


def _no_source(wb, region):
    fill(wb, f"urban_sewage_collection_rate·{region}·2024", 72, **{H["title"]: None})


def _uncitable_host(wb, region):
    fill(wb, f"urban_sewage_collection_rate·{region}·2024", 72,
         **{H["kind"]: "公开网页 [web]", H["url"]: "http://www.kuaibk.com/a/1.html"})


def _year_outside(wb, region):
    ws, r, heads = request_row(wb, f"urban_sewage_collection_rate·{region}·2024")
    fill(wb, f"urban_sewage_collection_rate·{region}·2024", 72)
    ws.cell(row=r, column=heads["年份 Year"]).value = 2031


def _conflict(wb, region):
    # a full-year level already in the data, typed again with another value
    ws, r, heads = request_row(wb, f"urban_sewage_collection_rate·{region}·2024")
    fill(wb, f"urban_sewage_collection_rate·{region}·2024", 1.0)
    ws.cell(row=r, column=heads[REQUEST_KEY]).value = f"heavy_pollution_days·{region}·2023"
    ws.cell(row=r, column=heads["年份 Year"]).value = 2023
    ws.cell(row=r, column=heads["单位 Unit"]).value = "days"


@pytest.mark.parametrize("change,rule,column", [
    (_text_value, "workbook.not_a_number", "数值 Value"),
    (_percent_cell_wrong_unit, "workbook.percent_cell", "数值 Value"),
    (_serial_date, "workbook.date_serial", "日期 Date"),
    (_renamed_header, "workbook.header", "数值 Value"),
    (_merged, "workbook.merged", None),
    (_no_source, "workbook.source", H["title"]),
    (_uncitable_host, "workbook.host", H["url"]),
    (_year_outside, "workbook.year", "年份 Year"),
    (_conflict, "workbook.conflict", "数值 Value"),
])
def test_a_malformed_workbook_is_refused_with_sheet_row_and_column(blank, tmp_path, change, rule, column):
    errors = malformed(blank, tmp_path, change)
    assert f"[{rule}]" in errors, errors
    line = next(e for e in errors.splitlines() if f"[{rule}]" in e)
    assert "bad.xlsx › sheet " in line and ":" in line.split("]")[0]  # the sheet and its Excel row
    if column:
        assert f"column '{column}'" in line
    if rule == "workbook.conflict":
        assert "observations/" in line and "line" in line  # names the row already in the data
