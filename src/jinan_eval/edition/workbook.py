"""The data-request workbook: out to the analysts who hold the figures, back in filled (``jinan-eval workbook`` and
``jinan-eval ingest --workbook``).

Out: a first sheet that says how to fill it; one sheet per lead department of the plan, one row per figure the
evaluation still needs (each quantified target's indicator, each year from the base year — the year after it for
additions and milestones — to the report year that has no published figure of the region assessed; the benchmark
regions for the report year), pre-filled with what is known; a sheet for implementation evidence of the
commitments without evidence; Excel drop-downs for measure, period, unit and level; a hidden sheet of lists.

In: every filled row is checked at the door, with errors in the workbook's own terms (sheet, Excel row, column
header); the rows become a raw file under ``data/raw/workbook/`` (figures) and ``data/raw/evidence/<plan-id>/``
(evidence) named after the workbook, with its provenance in each row's note, and the usual ingest and validation
run over everything. Any error: nothing is written (the raw files are only kept when the ingest succeeds).
Ingesting the same workbook again rewrites the same raw files with the same rows: nothing is added.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..assess.gaps import missing_years, wanted_years
from ..config import DEFAULT_DATA_DIR
from ..data import Dataset, load_dataset
from ..data.ingest import COLLECTED_COLUMNS, EVIDENCE_COLUMNS, EVIDENCE_DIR, ingest
from ..data.load import host_of
from ..data.problems import Report
from ..report.messages import Messages
from ..store import write_text_atomic
from ..vocabulary import (
    EVENTS,
    NO_PUBLIC_EVIDENCE,
    OBSERVATION_MEASURES,
    OBSERVED,
    PERCENT_MEASURES,
    PERIODS,
    PLANNED,
    RATED_KINDS,
)
from .downloads import neutral

GUIDE_SHEET = "填写说明 How to fill"
EVIDENCE_SHEET = "落实证据 Evidence"
LISTS_SHEET = "lists"
META_SHEET = "meta"
WORKBOOK_DIR = "workbook"  # data/raw/workbook/<workbook name>.csv

#: (header, what the cell holds) of a request sheet; the header is what the reader looks for, Chinese first.
REQUEST_COLUMNS = (
    ("编号 Request", "request"), ("服务的目标 Target", "targets"), ("指标代码 Indicator key", "indicator_key"),
    ("指标 Indicator", "indicator_zh"), ("Indicator (English)", "indicator_en"), ("定义 Definition", "definition"),
    ("地区 Region", "region"), ("年份 Year", "year"), ("口径 Measure", "measure"), ("单位 Unit", "unit"),
    ("基期年 Base year", "base_year"), ("通常发布于 Usually published in", "publication"),
    ("报告已有 Already in the report", "known"),
    ("数值 Value", "value"), ("期间 Period", "period"), ("来源标题 Source title", "source_title"),
    ("发布机关 Issuing body", "source_publisher"), ("发布日期 Date", "source_date"),
    ("文号 Document number", "doc_number"), ("网址 URL", "source_url"), ("页码或表号 Page or table", "locator"),
)
FILL_FROM = "value"  # the columns from here on are the analyst's
EVIDENCE_SHEET_COLUMNS = (
    ("承诺编号 Commitment", "target_id"), ("承诺 Commitment text", "commitment"),
    ("目前的落实程度 Level now", "level_now"),
    ("事件类型 Event", "event"), ("事件日期 Date of the event", "event_date"),
    ("发生了什么（中文）What happened (Chinese)", "what_zh"), ("What happened (English)", "what_en"),
    ("来源标题 Source title", "source_title"), ("发布机关 Issuing body", "source_issuer"),
    ("发布日期 Date", "source_date"), ("文号 Document number", "doc_number"), ("网址 URL", "source_url"),
    ("原文引语 Quote", "quote"),
)
EVIDENCE_FILL_FROM = "event"
_FILL = PatternFill("solid", fgColor="FFF7D6")  # the cells to fill
_HEAD = PatternFill("solid", fgColor="FFDDE6F0")
_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


class WorkbookError(Exception):
    """A workbook that cannot be read back; ``report`` holds every problem with sheet, row and column."""

    def __init__(self, report: Report):
        super().__init__(f"{len(report.errors)} problem(s) in the workbook")
        self.report = report


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


def lead_department(sections: pd.DataFrame, section_id: str, holder: str = "") -> str:
    """The first lead department the plan names for a section; for a section without one (the main targets),
    the first body the indicator catalogue says holds the figure."""
    return _first_lead(sections.set_index("section_id")["lead_departments_zh"].fillna(""), section_id, holder)


def _first_lead(leads: pd.Series, section_id: str, holder: str) -> str:
    text = leads.get(section_id) or holder or ""
    return re.split(r"[；;、,，（(]", text)[0].strip() or "—"


def requests(dataset: Dataset, year: int) -> list[Request]:
    """Every figure the evaluation of report year ``year`` still needs, with what is known about it."""
    plan, m = dataset.plan, Messages("zh")
    obs = dataset.observations[dataset.observations["record_type"] == OBSERVED]
    indicators = dataset.indicators.set_index("indicator_key")
    regions = dataset.regions.set_index("region")
    targets = dataset.targets[dataset.targets["kind"].isin(RATED_KINDS) & dataset.targets["indicator_key"].notna()]
    leads = dataset.sections.set_index("section_id")["lead_departments_zh"].fillna("")
    measures = measure_words(m)
    known_figures: dict[tuple, list] = {}  # what the report already has, by indicator, region and year
    for r in obs.itertuples():
        known_figures.setdefault((r.indicator_key, r.region, r.year), []).append(r)
    out = []
    for key, group in targets.groupby("indicator_key", sort=False):
        first_target = group.iloc[0]
        ind = indicators.loc[key]
        served = "；".join(f"{t.target_id} {t.label_zh}" for t in group.itertuples())
        years = wanted_years(first_target, year, plan.base_year)
        wanted = [(plan.region, y) for y in missing_years(obs, first_target, plan.region, years)]
        wanted += [(b, y) for b in plan.benchmarks for y in missing_years(obs, first_target, b, years[-1:])]
        measure = ind["measure"]
        unit = "%" if measure in PERCENT_MEASURES else ind["unit"]
        for region, y in wanted:
            known = "；".join(f"{r.value:g} {r.unit}（{m('measure.' + r.measure)}，{m('period.' + r.period)}）"
                             for r in known_figures.get((key, region, y), []))
            holder = ind.get("holder_zh") if isinstance(ind.get("holder_zh"), str) else ""
            out.append(Request(_first_lead(leads, first_target["section_id"], holder), {
                "request": f"{key}·{region}·{y}", "targets": served, "indicator_key": key,
                "indicator_zh": ind["name_zh"], "indicator_en": ind["name_en"],
                "definition": ind.get("definition_en") or "", "region": regions.loc[region, "name_zh"], "year": y,
                "measure": measures[measure], "unit": unit,
                "base_year": plan.base_year if measure in ("cumulative_change_pct", "cumulative_added") else "",
                "publication": ind.get("publication_zh") or "", "known": known}))
    return out


def _sheet_title(name: str, taken: set[str]) -> str:
    title = _SHEET_BAD.sub(" ", name)[:28] or "—"
    base, n = title, 2
    while title in taken:
        title, n = f"{base[:26]}{n}", n + 1
    taken.add(title)
    return title


def _write_table(ws, columns, rows: list[dict], fill_from: str) -> None:
    fill_index = [key for _, key in columns].index(fill_from)
    ws.append([head for head, _ in columns])
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), _HEAD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append([neutral(row.get(key, "")) for _, key in columns])
    for i, (_, key) in enumerate(columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = 12 if key in ("year", "base_year", "unit", "value") else 22
        if i - 1 >= fill_index:
            for r in range(2, max(len(rows), 1) + 41):  # room for added rows
                ws[f"{letter}{r}"].fill = _FILL
    ws.freeze_panes = ws.cell(row=2, column=fill_index + 1)
    ws.row_dimensions[1].height = 32


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


def write_request_workbook(dataset: Dataset, year: int, path: Path, levels: pd.DataFrame | None = None) -> dict[str, int]:
    """Write the data-request workbook of report year ``year``; returns the number of request rows per sheet.
    ``levels``: the commitments' levels of that year, if the caller has them (else computed here)."""
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
    by_department: dict[str, list[dict]] = {}
    for req in requests(dataset, year):
        by_department.setdefault(req.department, []).append(req.row)
    counts, taken = {}, {GUIDE_SHEET, EVIDENCE_SHEET, LISTS_SHEET, META_SHEET}
    for department, rows in by_department.items():
        ws = wb.create_sheet(_sheet_title(department, taken))
        _write_table(ws, REQUEST_COLUMNS, rows, FILL_FROM)
        _validate_column(ws, REQUEST_COLUMNS, "measure", measure_list, len(rows), "口径 Measure")
        _validate_column(ws, REQUEST_COLUMNS, "period", period_list, len(rows), "期间 Period")
        _validate_column(ws, REQUEST_COLUMNS, "unit", unit_list, len(rows), "单位 Unit")
        counts[ws.title] = len(rows)
    ev = wb.create_sheet(EVIDENCE_SHEET)
    evidence_rows = commitments_to_evidence(dataset, year, m, levels)
    _write_table(ev, EVIDENCE_SHEET_COLUMNS, evidence_rows, EVIDENCE_FILL_FROM)
    _validate_column(ev, EVIDENCE_SHEET_COLUMNS, "event", event_list, len(evidence_rows), "事件类型 Event")
    counts[EVIDENCE_SHEET] = len(evidence_rows)
    meta = wb.create_sheet(META_SHEET)
    for row in (("plan", dataset.plan.id), ("report_year", year)):
        meta.append(list(row))
    lists.sheet_state = meta.sheet_state = "hidden"
    _write_guide(guide, dataset, year, counts)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())
    return counts


def commitments_to_evidence(dataset: Dataset, year: int, m: Messages, levels: pd.DataFrame | None = None) -> list[dict]:
    """The commitments whose evidence stops short of under way (none, or only a plan) up to ``year``."""
    from ..assess import commitment_levels

    if levels is None:
        levels = commitment_levels(dataset, year)
    weak = levels[levels["level"].isin((NO_PUBLIC_EVIDENCE, PLANNED))].merge(dataset.targets, on="target_id")
    return [{"target_id": r.target_id, "commitment": r.plan_text_zh, "level_now": m(f"level.{r.level}")}
            for r in weak.itertuples()]


def _write_guide(ws, dataset: Dataset, year: int, counts: dict[str, int]) -> None:
    plan = dataset.plan
    lines = [
        f"{plan.text('title', 'zh')}（{plan.document_number}）评估 · {year}年度数据需求清单",
        f"Data requests of the {year} edition of the evaluation of {plan.text('title', 'en')}",
        "",
        "这是什么：评估报告还缺少的数字，每行一个（哪个指标、哪个地区、哪一年），已按牵头部门分表。",
        "What it is: the figures the evaluation still lacks, one per row (indicator, region, year), one sheet per "
        "lead department.",
        "",
        "怎么填：只填浅黄色的列（数值及其来源）；灰蓝色表头和左侧已填的列请不要改动、不要合并单元格。",
        "How to fill: fill only the pale yellow columns (the value and its source); do not change the headers or "
        "the pre-filled columns on the left, and do not merge cells.",
        "· 数值 Value：只填数字。百分比可以直接输入 45 或 45%（设为百分比格式的单元格）。",
        "  Value: a number only; a percentage may be typed as 45, or as 45% in a cell formatted as a percentage.",
        "· 口径、期间、单位：从下拉列表中选择；部分月份的数字请选“部分月份”。",
        "  Measure, period, unit: choose from the drop-down list; a figure for part of the year is 'partial'.",
        "· 来源：每个数字都要写来源标题、发布机关、发布日期（如 2025-03-01）和读到这个数字的网页地址；有文号的写上文号。",
        "  Source: every figure needs the source's title, issuing body, date (e.g. 2025-03-01) and the web address "
        "it was read on; add the document number if it has one.",
        "· 不知道的留空；一个数字不能确定时不要估算。",
        "  Leave blank what you do not know; never estimate a figure.",
        f"· “{EVIDENCE_SHEET}”表：落实证据不足的承诺，每行可填一条已发生的事件（文件印发、项目开工或完成等）及其来源和原文引语。",
        f"  '{EVIDENCE_SHEET}': commitments short of evidence; each row may take one event that happened (a "
        "document issued, works started or completed …) with its source and the quote that shows it.",
        "",
        "填好后交回评估组，由 jinan-eval ingest --workbook 读入；有问题的单元格会按“表名、行号、列名”逐条列出。",
        "Return it to the evaluation team: `jinan-eval ingest --workbook` reads it and lists any problem by sheet, "
        "row and column.",
        "",
        "各表需求行数 · rows per sheet:",
    ] + [f"  {name}: {n}" for name, n in counts.items()]
    for line in lines:
        ws.append([line])
    ws.column_dimensions["A"].width = 120
    ws["A1"].font = Font(bold=True, size=14)


# ---------------------------------------------------------------- in


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _code(text: str, words: dict[str, str]) -> str | None:
    """A drop-down choice back to its code: the full choice, the word alone, or the code in brackets."""
    for code, word in words.items():
        if text in (word, code, word.split(" [")[0]):
            return code
    return None


def _date(cell, report: Report, where: tuple, required: bool) -> str:
    value = cell.value
    if value is None or _text(value) == "":
        if required:
            report.error(*where, "workbook.date_missing", "a date is needed, e.g. 2025-03-01")
        return ""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (int, float)):
        if isinstance(value, int) and 1990 <= value <= 2100:
            return str(value)  # a year typed as a number
        report.error(*where, "workbook.date_serial",
                     f"{value!r} looks like an Excel date serial number stored as a number; type the date as "
                     "2025-03-01 or format the cell as a date")
        return ""
    text = _text(value).replace("/", "-").replace(".", "-")
    if not _ISO.match(text):
        report.error(*where, "workbook.date_format", f"{_text(value)!r} is not a date like 2025-03-01")
        return ""
    return text


def _header_map(ws, columns, report: Report, file: str) -> dict[str, int] | None:
    found = {_text(c.value): c.column for c in ws[1] if _text(c.value)}
    cols = {}
    for head, key in columns:
        if head not in found:
            report.error(f"{file} › sheet {ws.title}", 1, head, "workbook.header",
                         f"the column {head!r} is missing or was renamed; restore the header of the workbook as sent")
            continue
        cols[key] = found[head]
    return cols if len(cols) == len(columns) else None


def _merged(ws, report: Report, file: str) -> None:
    for rng in ws.merged_cells.ranges:
        report.error(f"{file} › sheet {ws.title}", rng.min_row, str(rng), "workbook.merged",
                     "merged cells: unmerge them so that each row holds one figure")


def read_workbook(path: Path, dataset: Dataset) -> tuple[list[dict], list[dict], Report]:
    """The filled rows of a request workbook as collected rows (figures) and evidence rows, with every problem."""
    report = Report()
    file = path.name
    try:
        wb = load_workbook(path)  # formulas stay formulas: a figure must be typed, not computed
    except Exception as exc:  # noqa: BLE001 — any unreadable file is one problem to report
        report.error(file, None, None, "workbook.unreadable", f"cannot open the workbook: {exc}")
        return [], [], report
    m = Messages("zh")
    measures, periods, levels = measure_words(m), period_words(m), event_words(m)
    regions = set(dataset.regions["name_zh"])
    units = set(dataset.indicators["unit"]) | {"%"}
    keys = set(dataset.indicators["indicator_key"])
    commitments = set(dataset.targets["target_id"])
    first, last = dataset.plan.base_year - 1, dataset.plan.target_year
    hosts = dict(zip(dataset.hosts["host"], dataset.hosts["kind"])) if dataset.hosts is not None else {}
    figures, events = [], []
    request_heads = {h for h, _ in REQUEST_COLUMNS}
    evidence_heads = {h for h, _ in EVIDENCE_SHEET_COLUMNS}
    for ws in wb.worksheets:
        if ws.title in (GUIDE_SHEET, LISTS_SHEET, META_SHEET):
            continue
        heads = {_text(c.value) for c in ws[1]}
        is_evidence = ws.title == EVIDENCE_SHEET or len(heads & evidence_heads) > len(heads & request_heads)
        columns = EVIDENCE_SHEET_COLUMNS if is_evidence else REQUEST_COLUMNS
        _merged(ws, report, file)
        cols = _header_map(ws, columns, report, file)
        if cols is None:
            continue
        fill_from = EVIDENCE_FILL_FROM if is_evidence else FILL_FROM
        filled_keys = [k for _, k in columns][[k for _, k in columns].index(fill_from):]
        for r in range(2, ws.max_row + 1):
            cell = {key: ws.cell(row=r, column=c) for key, c in cols.items()}
            if all(_text(cell[k].value) == "" for k in filled_keys):
                continue  # nothing filled on this row

            def where(key: str, r: int = r, ws=ws, columns=columns) -> tuple:
                return (f"{file} › sheet {ws.title}", r, dict((k, h) for h, k in columns)[key])

            if is_evidence:
                events += _evidence_row(cell, where, report, levels, commitments, first, last, hosts)
            else:
                figures += _figure_row(cell, where, report, measures, periods, regions, units, keys, first, last,
                                       ws.title, r, file, hosts)
    return figures, events, report


def _url_problems(url: str, hosts: dict[str, str]) -> list[tuple[str, str, str]]:
    """A web address that is one, on a host the data knows and may cite (hosts.csv)."""
    if not url:
        return []
    if not url.lower().startswith(("http://", "https://")):
        return [("source_url", "workbook.url", f"{url!r} is not a web address (http:// or https://)")]
    kind = hosts.get(host_of(url) or "")
    if kind is None:
        return [("source_url", "workbook.host", f"{host_of(url)} is not in hosts.csv: the evaluation team adds it "
                                                 "with its kind (official, outlet, copy) before reading this row")]
    if kind == "blocked":
        return [("source_url", "workbook.host", f"{host_of(url)} cannot be cited: give the issuing body's own page")]
    return []


def _figure_row(cell, where, report, measures, periods, regions, units, keys, first, last, sheet, r, file, hosts):
    raw = cell["value"].value
    unit = _text(cell["unit"].value)
    if raw is None or _text(raw) == "":
        report.error(*where("value"), "workbook.value_missing", "a source is given but no value")
        return []
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        report.error(*where("value"), "workbook.not_a_number",
                     f"{_text(raw)!r} is text, not a number: type the number alone (its unit is in the unit column)")
        return []
    value = float(raw)
    if "%" in (cell["value"].number_format or ""):
        if unit != "%":
            report.error(*where("value"), "workbook.percent_cell",
                         f"the cell is formatted as a percentage but the unit is {unit!r}")
            return []
        value *= 100  # 45% in a percentage cell is stored as 0.45
    measure = _code(_text(cell["measure"].value), measures)
    period = _code(_text(cell["period"].value) or "year", periods)
    year, base = cell["year"].value, cell["base_year"].value
    problems = []
    if measure is None:
        problems.append(("measure", "workbook.measure", f"{_text(cell['measure'].value)!r} is not a measure of the list"))
    if period is None:
        problems.append(("period", "workbook.period", f"{_text(cell['period'].value)!r} is not a period of the list"))
    if unit not in units:
        problems.append(("unit", "workbook.unit", f"{unit!r} is not a unit of the list"))
    if _text(cell["indicator_key"].value) not in keys:
        problems.append(("indicator_key", "workbook.indicator", "the indicator key was changed; restore it"))
    if _text(cell["region"].value) not in regions:
        problems.append(("region", "workbook.region", f"{_text(cell['region'].value)!r} is not a known region"))
    if not isinstance(year, int) or not first <= year <= last:
        problems.append(("year", "workbook.year", f"{year!r} is not a year of the plan period {first}–{last}"))
    if measure in ("cumulative_change_pct", "cumulative_added") and not isinstance(base, int):
        problems.append(("base_year", "workbook.base_year", "a change or an addition needs its base year"))
    title, issuer = _text(cell["source_title"].value), _text(cell["source_publisher"].value)
    number, url = _text(cell["doc_number"].value), _text(cell["source_url"].value)
    if not title or not issuer or not url:
        problems.append(("source_title", "workbook.source",
                         "every figure needs its source: title, issuing body and the web address it was read on"))
    problems += _url_problems(url, hosts)
    date = _date(cell["source_date"], report, where("source_date"), required=True)
    for key, code, message in problems:
        report.error(*where(key), code, message)
    if problems or not date:
        return []
    locator = "；".join(x for x in (number, _text(cell["locator"].value)) if x)
    return [{"indicator_key": _text(cell["indicator_key"].value), "indicator_zh": _text(cell["indicator_zh"].value),
             "region": _text(cell["region"].value), "year": str(year), "value": f"{value:.12g}", "unit": unit,
             "measure": measure, "source_title": title, "source_publisher": issuer, "source_date": date,
             "source_url": url, "locator": locator,
             "note": f"workbook {file}, sheet {sheet}, row {r}, ingested {dt.date.today().isoformat()}",
             "base_year": str(base) if measure in ("cumulative_change_pct", "cumulative_added") else "",
             "period": period, "_sheet": sheet, "_row": r}]


def _evidence_row(cell, where, report, levels, commitments, first, last, hosts):
    level = _code(_text(cell["event"].value), levels)
    problems = []
    if _text(cell["target_id"].value) not in commitments:
        problems.append(("target_id", "workbook.commitment", "the commitment number was changed; restore it"))
    if level is None:
        problems.append(("event", "workbook.event", f"{_text(cell['event'].value)!r} is not an event of the list"))
    for key in ("what_zh", "source_title", "source_issuer", "quote"):
        if not _text(cell[key].value):
            problems.append((key, "workbook.required", "this column is needed for every event"))
    if not _text(cell["source_url"].value):
        problems.append(("source_url", "workbook.source", "the web address the event was read on is needed"))
    problems += _url_problems(_text(cell["source_url"].value), hosts)
    event = _date(cell["event_date"], report, where("event_date"), required=True)
    if event and not first + 1 <= int(event[:4]) <= last:
        problems.append(("event_date", "workbook.year", f"{event} is outside the plan period {first + 1}–{last}"))
    source_date = _date(cell["source_date"], report, where("source_date"), required=True)
    for key, code, message in problems:
        report.error(*where(key), code, message)
    if problems or not event or not source_date:
        return []
    return [{"target_id": _text(cell["target_id"].value), "event": level, "event_date": event,
             "what_zh": _text(cell["what_zh"].value), "what_en": _text(cell["what_en"].value),
             "source_title": _text(cell["source_title"].value), "source_issuer": _text(cell["source_issuer"].value),
             "source_date": source_date, "doc_number": _text(cell["doc_number"].value),
             "source_url": _text(cell["source_url"].value), "quote": _text(cell["quote"].value)}]


def conflicts(figures: list[dict], dataset: Dataset, own_file: str, report: Report, file: str) -> None:
    """A figure that differs from one already in the data for the same indicator, region, year, measure, base year
    and period is an error naming both rows (a figure from this same workbook may be corrected)."""
    obs = dataset.observations[dataset.observations["record_type"] == OBSERVED]  # like with like: observed figures
    regions = dict(zip(dataset.regions["name_zh"], dataset.regions["region"]))
    for row in figures:
        same = obs[(obs["indicator_key"] == row["indicator_key"]) & (obs["region"] == regions[row["region"]])
                   & (obs["year"] == int(row["year"])) & (obs["measure"] == row["measure"])
                   & (obs["period"] == row["period"])
                   & (obs["base_year"].map(lambda v: "" if pd.isna(v) else str(int(v))) == (row["base_year"] or ""))]
        same = same[~same["at_file"].astype(str).str.endswith(f"{Path(own_file).stem}.csv")] \
            if "at_file" in same else same
        for other in same.itertuples():
            if abs(float(other.value) - float(row["value"])) > 1e-9:
                report.error(f"{file} › sheet {row['_sheet']}", row["_row"], "数值 Value", "workbook.conflict",
                             f"{row['value']} differs from {other.value:g} already in "
                             f"{getattr(other, 'at_file', 'the data')} line {getattr(other, 'at_line', '?')}")


def _csv(rows: list[dict], columns: tuple[str, ...]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def ingest_workbook(path: Path, data_dir: Path = DEFAULT_DATA_DIR, plan_id: str | None = None) -> dict[str, int]:
    """Read a filled request workbook into ``data_dir``: raw files named after it, then the usual ingest.
    Raises :class:`WorkbookError` (nothing written) on any problem; returns the number of rows read."""
    path, data_dir = Path(path), Path(data_dir)
    dataset = load_dataset(data_dir, plan_id)
    figures, events, report = read_workbook(path, dataset)
    stem = re.sub(r"[^\w.-]+", "_", path.stem)
    conflicts(figures, dataset, f"{WORKBOOK_DIR}/{stem}.csv", report, path.name)
    if not report.ok:
        raise WorkbookError(report)
    raw = data_dir / "raw"
    targets = {raw / WORKBOOK_DIR / f"{stem}.csv": _csv(figures, COLLECTED_COLUMNS + ("base_year", "period"))
               if figures else None,
               raw / EVIDENCE_DIR / dataset.plan.id / f"workbook-{stem}.csv": _csv(events, EVIDENCE_COLUMNS)
               if events else None}
    # first in a copy of the data: the rows, the ingest and the full validation must all pass there
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / "data"
        shutil.copytree(data_dir, trial)
        _write_raw(targets, data_dir, trial)
        ingest(trial / "raw", trial, plan_id)
        load_dataset(trial, plan_id)
    _write_raw(targets, data_dir, data_dir)
    ingest(raw, data_dir, plan_id)
    return {"figures": len(figures), "evidence": len(events)}


def _write_raw(files: dict[Path, str | None], data_dir: Path, into: Path) -> None:
    for path, text in files.items():
        if text is not None:
            target = into / path.relative_to(data_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomic(target, text)
