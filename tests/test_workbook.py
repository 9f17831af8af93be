"""The data-request workbook: written for a report year, filled as an analyst would (openpyxl, with a
percentage-formatted cell and date cells), read back into a copy of the data; and every malformed workbook
refused with its sheet, row and column, writing nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from jinan_eval.assess import assess_edition, commitment_levels
from jinan_eval.data import load_dataset
from jinan_eval.data.workbook import EVIDENCE_SHEET, GUIDE_SHEET, WorkbookError
from jinan_eval.edition.workbook import (
    ingest_workbook,
    ingest_workbooks,
    write_request_workbook,
)
from jinan_eval.report import project, sources
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
    # at 1366 px the columns to fill begin on the first screen: a column of width w takes w × 7 + 5 px at the default
    # font, after a 40 px row header (Excel's and LibreOffice's rule); the frozen part stays narrow
    px = {c: ws.column_dimensions[c].width * 7 + 5 for c in "ABCDEFGH"}
    heads = {c.value: c.column_letter for c in ws[1]}
    assert heads["数值 Value"] == "F" and 40 + sum(px[c] for c in "ABCDE") < 700
    assert 40 + px["A"] + px["B"] < 400
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
    assert "三（十）第7项" in page and "进度正常" in page
    # stored under the department the figures were asked of, whatever the file was called; provenance in each row
    stored = sorted(p.name for p in (data / "raw" / "workbook").glob("*.csv"))
    assert stored == ["市住房城乡建设局.csv"]
    assert (data / "raw" / "workbook" / stored[0]).read_text(encoding="utf-8").count("filled.xlsx (sha256") == 3

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


def _backslash_host(wb, region):  # a browser opens 14z7q.com, not the government site the address seems to name
    fill(wb, f"urban_sewage_collection_rate·{region}·2024", 72,
         **{H["kind"]: "公开网页 [web]", H["url"]: "http://14z7q.com\\@www.jinan.gov.cn/a.html"})


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
    (_backslash_host, "workbook.url", H["url"]),
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


# ---------------------------------------------------------------- every department answers every request


def answer_every_request(wb, dataset) -> int:
    """Fill every request row of every sheet as the departments would: each from its own return (no web address),
    the benchmarks from a printed yearbook; some indicators as levels, some as changes on the year before (with the
    base-year level), additions as yearly additions or as one total since the base year. Synthetic values, made up
    here to fit each target's kind (they live in this test, never in data/). Returns the rows filled."""
    targets = dataset.targets.set_index("indicator_key")
    filled, order, latest = 0, {}, {}
    for ws in wb.worksheets:  # the latest year each indicator is requested for
        heads = {c.value: c.column for c in ws[1] if c.value}
        for r in range(2, ws.max_row + 1) if REQUEST_KEY in heads else ():
            if request := ws.cell(row=r, column=heads[REQUEST_KEY]).value:
                key, region, year = request.split("·")
                latest[(key, region)] = max(latest.get((key, region), 0), int(year))
    for ws in wb.worksheets:
        heads = {c.value: c.column for c in ws[1] if c.value}
        if REQUEST_KEY not in heads:
            continue
        for r in range(2, ws.max_row + 1):
            request = ws.cell(row=r, column=heads[REQUEST_KEY]).value
            if not request:
                continue
            key, region, year = request.split("·")
            year = int(year)
            target = targets.loc[key] if key in targets.index else None
            target = target.iloc[0] if isinstance(target, pd.DataFrame) else target
            kind, goal = target["kind"], float(target["target_value"])
            n = order.setdefault(key, len(order))
            since = year - dataset.plan.base_year
            cells = {}
            if kind in ("reduction_vs_base", "increase_vs_base"):
                step = -3.5 if kind == "reduction_vs_base" else 2.5
                if n % 2 and since > 0:  # the change on the year before
                    value, cells[H["measure"]] = step, "比上年增减（%） [yoy_change_pct]"
                else:
                    value = round(100 * (1 + step / 100 * since), 3)
            elif kind == "at_least":
                value = round(min(goal * (0.8 + 0.05 * since), 100.0 if target["unit"] == "%" else 1e9), 3)
            elif kind == "at_most":
                value = round(goal * (1.2 - 0.05 * since), 3) if goal > 0 else max(10 - 2 * since, 0)
            elif n % 2:  # additions: one total since the base year, on the latest year's row only
                if year != latest[(key, region)]:
                    continue
                value, cells[H["measure"]] = goal, "基期以来累计新增 [cumulative_added]"
            else:
                value, cells[H["measure"]] = round(goal / 5, 3), "当年新增 [annual_added]"
            if region != dataset.regions.set_index("region").loc[dataset.plan.region, "name_zh"] \
                    and ws.title.startswith("评估组"):
                cells.update({H["kind"]: "出版物 [print]", H["title"]: "中国统计年鉴2025", H["issuer"]: "国家统计局",
                              H["number"]: None, H["office"]: None, H["locator"]: "表2-1"})
            fill(wb, request, value, **{H["title"]: f"关于报送{year}年数据的函", H["number"]: f"济统报〔{year + 1}〕{r}号",
                                        H["office"]: f"{ws.title}统计科", H["issuer"]: ws.title, **cells})
            filled += 1
    return filled


def complete_every_milestone(wb, dataset) -> None:
    """On the evidence sheet, each milestone's remaining part reported completed by the body that holds it."""
    ev = wb[EVIDENCE_SHEET]
    heads = {c.value: c.column for c in ev[1]}
    for r in range(2, ev.max_row + 1):
        target = ev.cell(row=r, column=heads["承诺编号 Commitment"]).value
        if target not in set(dataset.targets.loc[dataset.targets["kind"] == "milestone", "target_id"]):
            continue
        parts = ev.cell(row=r, column=heads["节点任务的组成部分 Parts of a milestone"]).value or ""
        cells = {"事件类型 Event": "承诺要求的事项已全部完成或已施行 [completed]",
                 "完成的部分（节点任务）Part completed": "水泥" if "水泥" in parts else None,
                 "事件日期 Date of the event": dt.datetime(2025, 10, 31),
                 "发生了什么（中文）What happened (Chinese)": "按期完成并通过验收。", "What happened (English)": "Completed.",
                 "来源类型 Source kind": "部门报送 [department]", "来源标题 Source title": "关于报送节点任务完成情况的函",
                 "发布或报送机关 Issuing body": "济南市生态环境局", "日期 Date": dt.datetime(2025, 11, 5),
                 "文号 Document number": f"济环函〔2025〕{r}号", "报送处室 Office that supplied it": "大气环境处",
                 "原文引语 Quote": "该项任务已全部完成并通过验收。"}
        for head, value in cells.items():
            ev.cell(row=r, column=heads[head]).value = value


def test_every_department_answers_every_request_and_every_target_is_rated(blank, tmp_path):
    data, path, _ = blank
    dataset = load_dataset(data)
    wb = load_workbook(path)
    filled = answer_every_request(wb, dataset)
    complete_every_milestone(wb, dataset)
    one = tmp_path / "all-departments.xlsx"
    wb.save(one)
    result = ingest_workbooks([one], data)
    assert result.figures == filled and result.evidence == 3
    after = load_dataset(data)
    assessed = assess_edition(after, YEAR)
    quantified = assessed[assessed["status"] != "not_quantified"]
    assert set(quantified["route"]) >= {"levels", "chained_yoy", "additions", "annual_sum"}  # every way a figure comes
    assert len(quantified) == 47 and not quantified["status"].isin(GAP_STATUSES).any(), \
        quantified.loc[quantified["status"].isin(GAP_STATUSES), ["target_id", "reason"]].to_string()
    levels = commitment_levels(after, YEAR).set_index("target_id")["level"]
    milestones = after.targets.loc[after.targets["kind"] == "milestone", "target_id"]
    assert (levels[milestones] == "implemented").all(), levels[milestones]
    # the departments' figures are marked as theirs, unpublished, on the pages
    page = "".join(getattr(b, "html", "") for b in project.targets(Context(after, YEAR, "zh"), "KP10"))
    assert "部门报送" in page and "未公开发布" in page
    # and the data-and-sources page says, per department, what it supplied and which targets were rated from it
    table = sources.department_blocks(Context(after, YEAR, "zh"))[1].html
    assert "市住房城乡建设局" in table and "三（十）第7项" in table
    supplied = after.sources[after.sources["kind"] == "department"]
    assert len(supplied) > 0 and supplied["retrieved_from"].isna().all() and (supplied["grade"] == "S").all()


def test_several_workbooks_at_once_all_or_nothing_and_a_corrected_one_replaces_its_reading(blank, tmp_path):
    data, path, _ = blank
    region = load_dataset(data).plan.region
    water, statistics = load_workbook(path), load_workbook(path)
    fill(water, f"urban_sewage_collection_rate·{region}·2024", 72)
    fill(statistics, f"heavy_pollution_days_ratio·{region}·2024", 0.8, **{H["issuer"]: "济南市统计局"})
    a, b = tmp_path / "water.xlsx", tmp_path / "statistics.xlsx"
    water.save(a)
    statistics.save(b)
    # the same figure given twice with different values: refused, naming the other workbook; nothing written
    fill(statistics, f"urban_sewage_collection_rate·{region}·2024", 70)
    clash = tmp_path / "clash.xlsx"
    statistics.save(clash)
    before = snapshot(data)
    with pytest.raises(WorkbookError) as exc:
        ingest_workbooks([a, clash], data)
    assert "water.xlsx" in str(exc.value.report.errors[0]) and snapshot(data) == before
    result = ingest_workbooks([a, b], data)
    assert {w for w, _ in result.read} == {"water.xlsx", "statistics.xlsx"} and sum(result.read.values()) == 2
    assert all(result.requested[k] >= n for k, n in result.read.items())  # rows requested on each sheet
    # the water workbook corrected and read again: its earlier row is replaced, not added to
    fill(water, f"urban_sewage_collection_rate·{region}·2024", 73)
    water.save(a)
    again = ingest_workbooks([a], data)
    assert again.replaced == {"市住房城乡建设局": [f"urban_sewage_collection_rate·济南市·2024: 72 → 73 (water.xlsx, "
                                               f"read {dt.date.today().isoformat()})"]}
    obs = load_dataset(data).observations
    rate = obs[(obs["indicator_key"] == "urban_sewage_collection_rate") & (obs["year"] == 2024) & (obs["region"] == region)]
    assert list(rate["value"]) == [73.0]


def test_a_government_site_needs_no_listing_and_an_unlisted_site_is_a_warning_with_its_grade(blank, tmp_path):
    data, path, _ = blank
    region = load_dataset(data).plan.region
    wb = load_workbook(path)
    web = {H["kind"]: "公开网页 [web]", H["number"]: None, H["office"]: None}
    fill(wb, f"urban_sewage_collection_rate·{region}·2024", 72, **web, **{H["url"]: "http://jntj.jinan.gov.cn/a/1.html"})
    fill(wb, f"urban_sewage_collection_rate·{region}·2023", 70, **web, **{H["url"]: "https://www.some-news.example/a"})
    filled = tmp_path / "web.xlsx"
    wb.save(filled)
    result = ingest_workbooks([filled], data)
    assert [(w.rule, w.column) for w in result.warnings] == [("workbook.host", H["url"])]
    assert "grade C" in str(result.warnings[0])
    grades = load_dataset(data).graded_observations()
    rate = grades[(grades["indicator_key"] == "urban_sewage_collection_rate") & (grades["region"] == region)]
    assert dict(zip(rate["year"], rate["grade"])) == {2023: "C", 2024: "A"}
