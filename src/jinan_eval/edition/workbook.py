"""The data-request workbook: out to the analysts who hold the figures, back in filled (``jinan-eval workbook`` and
``jinan-eval ingest --workbook``).

Out: a first sheet that says how to fill it; one sheet per lead department of the plan, one row per figure the
evaluation still needs (each quantified target's indicator, each year from the base year — the year after it for
additions and milestones — to the report year that has no published figure of the region assessed; the benchmark
regions for the report year), pre-filled with what is known; a sheet for implementation evidence of the
commitments without evidence; Excel drop-downs for measure, period, unit and level; a hidden sheet of lists.

In: every filled row is checked at the door, with errors in the workbook's own terms (sheet, Excel row, column
header); the rows go to a raw file per department — ``data/raw/workbook/<department>.csv`` for figures (the
department they were asked of), ``data/raw/evidence/<plan-id>/workbook-<department>.csv`` for events (the department
responsible for the commitment) — never named after the workbook file, with the workbook's hash, sheet, row and
the day read in each row. A row read again (the same figure, or the same event) replaces the department's earlier
row, and the reading says which. Then the usual ingest and validation run over everything, in a copy of the data
folder that takes its place in one step. Any error: nothing is written. Ingesting the same workbook again rewrites
the same rows: nothing is added.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..assess.gaps import missing_years, wanted_years
from ..config import DEFAULT_DATA_DIR
from ..data import Dataset
from ..data import workbook as workbook_in
from ..data.problems import Report
from ..data.workbook import (  # the layout the reader reads back
    BENCHMARK_SHEET,
    EVIDENCE_SHEET,
    EVIDENCE_SHEET_COLUMNS,
    GUIDE_SHEET,
    LISTS_SHEET,
    META_SENT_SHEET,
    META_SHEET,
    REQUEST_COLUMNS,
    figure_departments,
)
from ..report.messages import Messages
from ..report.tables import neutral
from ..store import write_bytes_atomic
from ..vocabulary import (
    EVENTS,
    GAP_STATUSES,
    IMPLEMENTED,
    MILESTONE_KIND,
    NO_PUBLIC_EVIDENCE,
    NOT_QUANTIFIED,
    OBSERVATION_MEASURES,
    OBSERVED,
    PERCENT_MEASURES,
    PERIODS,
    PLANNED,
    RATED_KINDS,
    SOURCE_KINDS,
)

FILL_FROM, FILL_TO = "value", "locator"  # the analyst's columns
REQUEST_DEFAULTS = ("unit", "base_year")  # pre-filled in the analyst's columns, as the request states them
FROZEN_REQUEST = "C2"  # request number and indicator stay on screen
EVIDENCE_FILL_FROM, EVIDENCE_FILL_TO = "event", "quote"
FROZEN_EVIDENCE = "B2"
_FILL = PatternFill("solid", fgColor="FFF7D6")  # the cells to fill
_FILL_HEAD = PatternFill("solid", fgColor="FFF1D98A")  # their headers
_HEAD = PatternFill("solid", fgColor="FFDDE6F0")
_REFERENCE_HEAD = PatternFill("solid", fgColor="FFD9D9D9")  # reference columns on the right
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


# ---------------------------------------------------------------- out


@dataclass
class Request:
    department: str
    row: dict


def measure_words(m: Messages) -> dict[str, str]:
    return {code: f"{m('measure.' + code)} [{code}]" for code in OBSERVATION_MEASURES}


def period_words(m: Messages) -> dict[str, str]:
    return {code: f"{m('period.' + code)} [{code}]" for code in PERIODS}


def event_words(m: Messages) -> dict[str, str]:
    return {code: f"{m('event.' + code)} [{code}]" for code in EVENTS}


def source_kind_words(m: Messages) -> dict[str, str]:
    return {code: f"{m('source_kind.' + code)} [{code}]" for code in SOURCE_KINDS}


#: the measures a request accepts, by the kind of target it serves: the department answers in the one it publishes
ACCEPTED_MEASURES = {
    "reduction_vs_base": ("level", "yoy_change_pct", "cumulative_change_pct"),
    "increase_vs_base": ("level", "yoy_change_pct", "cumulative_change_pct"),
    "at_least": ("level",), "at_most": ("level",),
    "cumulative_addition": ("cumulative_added", "annual_added"), "count": ("cumulative_added", "annual_added"),
}


def requests(dataset: Dataset, year: int, lang: str = "zh") -> list[Request]:
    """Every figure the evaluation of report year ``year`` still needs, with what is known about it: the region
    assessed's figures go to the department that holds them, the benchmarks' to the evaluation team."""
    plan, m = dataset.plan, Messages("zh")
    obs = dataset.observations[dataset.observations["record_type"] == OBSERVED]
    indicators = dataset.indicators.set_index("indicator_key")
    regions = dataset.regions.set_index("region")
    targets = dataset.targets[dataset.targets["kind"].isin(RATED_KINDS) & dataset.targets["indicator_key"].notna()]
    known_figures: dict[tuple, list] = {}  # what the report already has, by indicator, region and year
    for r in obs.itertuples():
        known_figures.setdefault((r.indicator_key, r.region, r.year), []).append(r)
    out = []
    departments = figure_departments(dataset)
    for key, group in targets.groupby("indicator_key", sort=False):
        first_target = group.iloc[0]
        ind = indicators.loc[key]
        served = "；".join(f"{t.target_id} {t.label_zh}" for t in group.itertuples())
        years = wanted_years(first_target, year, plan.base_year)
        wanted = [(plan.region, y) for y in missing_years(obs, first_target, plan.region, years)]
        wanted += [(b, y) for b in plan.benchmarks for y in missing_years(obs, first_target, b, years[-1:])]
        accepted = ACCEPTED_MEASURES.get(first_target["kind"], (ind["measure"],))
        definition = ind.get("definition_zh") if isinstance(ind.get("definition_zh"), str) else ""
        if lang == "en" and isinstance(ind.get("definition_en"), str):
            definition = f"{definition}\n{ind['definition_en']}".strip()
        for region, y in wanted:
            known = "；".join(f"{r.value:g} {r.unit}（{m('measure.' + r.measure)}，{m('period.' + r.period)}）"
                             for r in known_figures.get((key, region, y), []))
            department = departments[key] if region == plan.region else BENCHMARK_SHEET
            out.append(Request(department, {
                "request_key": f"{key}·{region}·{y}", "targets": served, "indicator_key": key,
                "indicator_zh": f"{ind['name_zh']}（{m.unit(ind['unit'])}）", "definition": definition,
                "region": regions.loc[region, "name_zh"], "year": y,
                "accepted": "；".join(m("measure." + c) for c in accepted),
                "unit": ind["unit"] if accepted[0] not in PERCENT_MEASURES else "%",
                "base_year": plan.base_year,
                "publication": ind.get("publication_zh") or "", "known": known}))
    return out


def _sheet_title(name: str, taken: set[str]) -> str:
    title = _SHEET_BAD.sub(" ", name)[:31] or "—"
    base, n = title[:28], 2
    while title in taken:
        title, n = f"{base}{n}", n + 1
    taken.add(title)
    return title


#: column widths (characters): narrow numbers and codes, wide texts
_WIDTHS = {"request": 9, "indicator_zh": 26, "region": 9, "year": 7, "accepted": 22, "value": 11, "measure": 16,
           "unit": 13, "base_year": 8, "period": 10, "source_kind": 12, "target_id": 9, "commitment": 34,
           "level_now": 10, "parts": 12, "event": 16, "part": 10, "event_date": 11, "definition": 40,
           "targets": 30, "known": 24, "request_key": 30}


_WRAPPED = {"indicator_zh", "accepted", "targets", "definition", "publication", "known", "commitment", "level_now"}


def _write_table(ws, columns, rows: list[dict], fill: tuple[str, str], frozen: str) -> None:
    keys = [key for _, key in columns]
    first, last = keys.index(fill[0]), keys.index(fill[1])
    ws.append([head for head, _ in columns])
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), _HEAD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append([neutral(row.get(key, "")) for _, key in columns])
    for i, key in enumerate(keys, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = _WIDTHS.get(key, 18)
        for cells in ws.iter_rows(min_row=2, min_col=i, max_col=i):  # long texts wrap instead of running on
            cells[0].alignment = Alignment(wrap_text=key in _WRAPPED, vertical="top")
        if first <= i - 1 <= last:
            ws[f"{letter}1"].fill = _FILL_HEAD
            for r in range(2, max(len(rows), 1) + 41):  # room for added rows
                ws[f"{letter}{r}"].fill = _FILL
        elif i - 1 > last:
            ws[f"{letter}1"].fill = _REFERENCE_HEAD
    for r, row in enumerate(rows, start=2):  # rows tall enough for the wrapped texts (a Chinese character: 2 widths)
        lines = max((math.ceil(2 * len(str(row.get(key) or "")) / _WIDTHS.get(key, 18))
                     for key in _WRAPPED if key in keys), default=1)
        ws.row_dimensions[r].height = 15 * min(max(lines, 1), 4)
    ws.freeze_panes = frozen
    ws.row_dimensions[1].height = 45


def _list_range(ws_lists, column: int, values: list[str]) -> str:
    letter = get_column_letter(column)
    for r, v in enumerate(values, start=1):
        ws_lists[f"{letter}{r}"] = v
    return f"{LISTS_SHEET}!${letter}$1:${letter}${max(len(values), 1)}"


def _validate_column(ws, columns, key: str, formula: str, rows: int, title: str) -> None:
    letter = get_column_letter([k for _, k in columns].index(key) + 1)
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                        errorTitle=title, error="请从下拉列表中选择 · choose from the list")
    dv.add(f"{letter}2:{letter}{rows + 41}")
    ws.add_data_validation(dv)


def write_request_workbook(dataset: Dataset, year: int, path: Path, levels: pd.DataFrame | None = None,
                           lang: str = "zh") -> dict[str, int]:
    """Write the data-request workbook of report year ``year``; returns the number of request rows per sheet.
    ``levels``: the commitments' levels of that year, if the caller has them (else computed here); ``lang``: the
    edition's language (the English edition's workbook gives each definition in English too)."""
    m = Messages("zh")
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE_SHEET
    lists = wb.create_sheet(LISTS_SHEET)
    measure_list = _list_range(lists, 1, list(measure_words(m).values()))
    period_list = _list_range(lists, 2, list(period_words(m).values()))
    units = sorted(set(dataset.indicators["unit"]) | {"%"})
    unit_list = _list_range(lists, 3, units)
    event_list = _list_range(lists, 4, list(event_words(m).values()))
    kind_list = _list_range(lists, 5, list(source_kind_words(m).values()))
    by_department: dict[str, list[dict]] = {}
    for req in requests(dataset, year, lang):
        by_department.setdefault(req.department, []).append(req.row)
    if BENCHMARK_SHEET in by_department:  # the evaluation team's own sheet comes after the departments'
        by_department[BENCHMARK_SHEET] = by_department.pop(BENCHMARK_SHEET)
    counts, taken = {}, {GUIDE_SHEET, EVIDENCE_SHEET, LISTS_SHEET, META_SHEET}
    for department, rows in by_department.items():
        for n, row in enumerate(rows, start=1):
            row["request"] = f"{n:03d}"
        ws = wb.create_sheet(_sheet_title(department, taken))
        _write_table(ws, REQUEST_COLUMNS, rows, (FILL_FROM, FILL_TO), FROZEN_REQUEST)
        _validate_column(ws, REQUEST_COLUMNS, "measure", measure_list, len(rows), "口径 Measure")
        _validate_column(ws, REQUEST_COLUMNS, "period", period_list, len(rows), "期间 Period")
        _validate_column(ws, REQUEST_COLUMNS, "unit", unit_list, len(rows), "单位 Unit")
        _validate_column(ws, REQUEST_COLUMNS, "source_kind", kind_list, len(rows), "来源类型 Source kind")
        counts[ws.title] = len(rows)
    ev = wb.create_sheet(EVIDENCE_SHEET)
    evidence_rows = commitments_to_evidence(dataset, year, m, levels)
    _write_table(ev, EVIDENCE_SHEET_COLUMNS, evidence_rows, (EVIDENCE_FILL_FROM, EVIDENCE_FILL_TO), FROZEN_EVIDENCE)
    _validate_column(ev, EVIDENCE_SHEET_COLUMNS, "event", event_list, len(evidence_rows), "事件类型 Event")
    _validate_column(ev, EVIDENCE_SHEET_COLUMNS, "source_kind", kind_list, len(evidence_rows), "来源类型 Source kind")
    counts[EVIDENCE_SHEET] = len(evidence_rows)
    meta = wb.create_sheet(META_SHEET)
    # the request sheets it was sent with, one row each: a sheet read back under another title is refused
    sheets = [(META_SENT_SHEET, title) for title in counts if title != EVIDENCE_SHEET]
    for row in (("plan", dataset.plan.id), ("report_year", year), *sheets):
        meta.append(list(row))
    lists.sheet_state = meta.sheet_state = "hidden"
    _write_guide(guide, dataset, year, counts)
    buffer = io.BytesIO()
    wb.save(buffer)
    write_bytes_atomic(path, buffer.getvalue())  # a full disk leaves the file that was there, not half of one
    return counts


def commitments_to_evidence(dataset: Dataset, year: int, m: Messages, levels: pd.DataFrame | None = None) -> list[dict]:
    """The commitments whose evidence stops short of under way (none, or only a plan) up to ``year``, and every
    milestone not yet completed in full (with the parts it names)."""
    from ..assess import commitment_levels

    if levels is None:
        levels = commitment_levels(dataset, year)
    merged = levels.merge(dataset.targets, on="target_id")
    weak = merged[merged["level"].isin((NO_PUBLIC_EVIDENCE, PLANNED))
                  | ((merged["kind"] == MILESTONE_KIND) & (merged["level"] != IMPLEMENTED))]
    return [{"target_id": r.target_id, "commitment": r.plan_text_zh, "level_now": m(f"level.{r.level}"),
             "parts": "；".join(p for p in str(getattr(r, "parts_zh", "") or "").split(";") if p)
             if isinstance(getattr(r, "parts_zh", None), str) else ""} for r in weak.itertuples()]


def _write_guide(ws, dataset: Dataset, year: int, counts: dict[str, int]) -> None:
    plan = dataset.plan
    contact_zh = plan.requests_contact_zh or "评估组"
    contact_en = plan.requests_contact_en or "the evaluation team"
    lines = [
        f"{plan.text('title', 'zh')}（{plan.document_number}）评估 · {year}年度数据需求清单",
        f"Data requests of the {year} edition of the evaluation of {plan.text('title', 'en')}",
        "",
        "这是什么：评估报告还缺少的数字，每行一个（哪个指标、哪个地区、哪一年），已按牵头部门分表；全国和省级对比数字在"
        f"“{BENCHMARK_SHEET}”表，由评估组填写。",
        "What it is: the figures the evaluation still lacks, one per row (indicator, region, year), one sheet per "
        f"lead department; national and provincial benchmarks are on '{BENCHMARK_SHEET}', for the evaluation team.",
        "",
        "怎么填：只填浅黄色的列（从“数值”到“页码或表号”）；左侧的编号、指标、地区、年份和右侧灰色的参考列请不要改动，不要合并单元格。",
        "How to fill: fill only the pale yellow columns (from 'Value' to 'Page or table'); do not change the request, "
        "indicator, region and year on the left or the grey reference columns on the right, and do not merge cells.",
        "· 数值：只填数字。百分比可以直接输入 45，或在设为百分比格式的单元格中输入 45%。",
        "  Value: a number only; a percentage may be typed as 45, or as 45% in a cell formatted as a percentage.",
        "· 口径：从下拉列表中选择贵单位掌握的口径，“可接受的口径”列出本行可用的几种（当年数值、比上年增减、较基期累计变化等）；"
        "选较基期的口径时，基期年已预填。期间：全年数字留空即可，部分月份的数字请选“部分月份”。",
        "  Measure: choose the one your office holds; 'Accepted measures' lists those this row can use (the year's "
        "value, the change on the year before, the change since the base year …); the base year is pre-filled. "
        "Period: leave it empty for a full year; choose 'partial' for part of a year.",
        "· 来源：贵单位自己的报表、函件或考核材料，来源类型选“部门报送”，写明标题、报送机关、日期、文号或统计报表号和报送处室，"
        "不需要网址；已在网上公开的，选“公开网页”并填写网址；统计年鉴等出版物选“出版物”，写明版次和表号。",
        "  Source: for your office's own return, letter or assessment material choose 'department' and give the title, "
        "issuing body, date, document or statistical-form number and the office that supplied it (no web address "
        "needed); for a published page choose 'web' and give its address; for a yearbook choose 'print' with the "
        "edition and table.",
        "· 不知道的留空；一个数字不能确定时不要估算。",
        "  Leave blank what you do not know; never estimate a figure.",
        f"· “{EVIDENCE_SHEET}”表：落实证据不足的承诺和尚未全部完成的节点任务，每行可填一条已发生的事件（文件印发、项目开工或完成等）"
        "及其来源和原文；节点任务完成了哪一部分，填在“完成的部分”。",
        f"  '{EVIDENCE_SHEET}': commitments short of evidence and milestones not completed in full; each row may take "
        "one event that happened (a document issued, works started or completed …) with its source and quote; for a "
        "milestone, name the part completed.",
        "",
        f"填好后发回：{contact_zh}。",
        f"When filled, send it back to: {contact_en}.",
        "评估组读回（可一次读入多个部门的表）：jinan-eval ingest --workbook 表1.xlsx 表2.xlsx；有问题的单元格会按“表名、行号、列名”逐条列出，"
        "有任何问题则什么都不写入。",
        "The evaluation team reads them back (several at once): jinan-eval ingest --workbook a.xlsx b.xlsx; any "
        "problem is listed by sheet, row and column, and nothing is written until all pass.",
        "",
        "各表需求行数 · rows per sheet:",
    ] + [f"  {name}: {n}" for name, n in counts.items()]
    for line in lines:
        ws.append([line])
    ws.column_dimensions["A"].width = 120
    for row in ws.iter_rows():
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    ws["A1"].font = Font(bold=True, size=14)


# ---------------------------------------------------------------- in


# ---------------------------------------------------------------- in (data/workbook.py reads; here the words and
# the assessment, which belong to the stages above it)


def reader_words() -> dict[str, dict[str, str]]:
    """The drop-downs' choices the workbook offers (the zh catalogue's), code → choice, for the reader."""
    m = Messages("zh")
    return {"measure": measure_words(m), "period": period_words(m), "event": event_words(m),
            "source_kind": source_kind_words(m)}


def read_workbook(path: Path, dataset: Dataset) -> tuple[list[dict], list[dict], Report]:
    """data.workbook.read_workbook with the workbook's own drop-down words."""
    return workbook_in.read_workbook(path, dataset, reader_words())


def ingest_workbooks(paths: list[Path], data_dir: Path = DEFAULT_DATA_DIR, plan_id: str | None = None
                     ) -> workbook_in.WorkbookResult:
    """Read filled request workbooks into ``data_dir``, all or nothing (data.workbook.ingest_workbooks), and name
    the targets they make ratable: without a rating before, with one after."""
    from ..assess import assess_edition

    result = workbook_in.ingest_workbooks(paths, reader_words(), data_dir, plan_id)
    year = result.before.plan.target_year
    before, after = assess_edition(result.before, year), assess_edition(result.after, year)
    gap_before = set(before.loc[before["status"].isin(GAP_STATUSES), "target_id"])
    rated_after = set(after.loc[~after["status"].isin(GAP_STATUSES + (NOT_QUANTIFIED,)), "target_id"])
    result.newly_rated = sorted(rated_after & gap_before)
    return result


def ingest_workbook(path: Path, data_dir: Path = DEFAULT_DATA_DIR, plan_id: str | None = None) -> dict[str, int]:
    """One workbook (ingest_workbooks); returns the number of figures and evidence rows read."""
    result = ingest_workbooks([path], data_dir, plan_id)
    return {"figures": result.figures, "evidence": result.evidence}
