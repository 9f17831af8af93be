"""The filled data-request workbook read back (``jinan-eval ingest --workbook``): the way in for the figures and
the implementation evidence the city's departments hold.

Every filled row is checked at the door, with errors in the workbook's own terms (sheet, Excel row, column header),
after the workbook's size has been checked before it is loaded (:func:`_bounds`); the rows go to a raw file per
department — ``data/raw/workbook/<department>.csv`` for figures (the department they were asked of),
``data/raw/evidence/<plan-id>/workbook-<department>.csv`` for events (the department responsible for the
commitment) — never named after the workbook file, with the workbook's hash, sheet, row and the day read in each
row. A row read again (the same figure, or the same event) replaces the department's earlier row, and the reading
says which. Then the usual ingest and validation run over everything, in a copy of the data folder that takes its
place in one step. Any error: nothing is written. Ingesting the same workbook again rewrites the same rows: nothing
is added.

The sheets' layout (titles, columns) is defined here, where it is read; the writer (``edition/workbook.py``) lays
the workbook out from the same definitions. The drop-downs' words are the report's (its message catalogue): the
caller passes them (``words``), as it passes nothing else from the stages above.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..config import DEFAULT_DATA_DIR
from ..store import data_lock, data_transaction, write_text_atomic
from ..vocabulary import (
    HOST_BLOCKED,
    MEASURES_NEEDING_BASE_YEAR,
    MILESTONE_KIND,
    OBSERVED,
    PERCENT_MEASURES,
    RATED_KINDS,
    SOURCE_DEPARTMENT,
    SOURCE_PRINT,
    SOURCE_WEB,
)
from .ingest import COLLECTED_COLUMNS, EVIDENCE_COLUMNS, EVIDENCE_DIR, ingest_into, observations_name
from .load import Dataset, date_year, host_kind, host_of, load_dataset, milestone_parts, plausible_range, url_problem
from .problems import DataValidationError, Report
from .read import MAX_CELL_CHARS

GUIDE_SHEET = "填写说明 How to fill"
EVIDENCE_SHEET = "落实证据 Evidence"
LISTS_SHEET = "lists"
META_SHEET = "meta"
META_SENT_SHEET = "sheet"  # a row ("sheet", title) of the meta sheet per request sheet the workbook was sent with
WORKBOOK_DIR = "workbook"  # data/raw/workbook/<workbook name>.csv

#: (header, what the cell holds) of a request sheet, left to right: what is asked (the first two columns stay on
#: screen), the columns to fill, then what helps to answer it and the key it is read back by.
REQUEST_COLUMNS = (
    ("编号 Request", "request"), ("指标 Indicator", "indicator_zh"), ("地区 Region", "region"), ("年份 Year", "year"),
    ("可接受的口径 Accepted measures", "accepted"),
    ("数值 Value", "value"), ("口径 Measure", "measure"), ("单位 Unit", "unit"), ("基期年 Base year", "base_year"),
    ("期间 Period", "period"), ("来源类型 Source kind", "source_kind"),
    ("来源标题（报表、函件或文件名）Source title", "source_title"), ("发布或报送机关 Issuing body", "source_publisher"),
    ("日期 Date", "source_date"), ("文号或统计报表号 Document or form number", "doc_number"),
    ("报送处室 Office that supplied it", "supplied_by"), ("网址（公开网页才填）URL, web pages only", "source_url"),
    ("页码或表号 Page or table", "locator"),
    ("服务的目标 Targets", "targets"), ("定义 Definition", "definition"),
    ("通常发布于 Usually published in", "publication"), ("报告已有 Already in the report", "known"),
    ("请求代码（读回用，请勿修改）Request key", "request_key"),
)
#: a request row counts as answered when one of these is filled (the defaults of the others do not)
ANSWER_KEYS = ("value", "source_title", "source_publisher", "doc_number", "source_url")
EVIDENCE_SHEET_COLUMNS = (
    ("承诺编号 Commitment", "target_id"), ("承诺 Commitment text", "commitment"),
    ("目前的落实程度 Level now", "level_now"), ("节点任务的组成部分 Parts of a milestone", "parts"),
    ("事件类型 Event", "event"), ("完成的部分（节点任务）Part completed", "part"),
    ("事件日期 Date of the event", "event_date"),
    ("发生了什么（中文）What happened (Chinese)", "what_zh"), ("What happened (English)", "what_en"),
    ("来源类型 Source kind", "source_kind"), ("来源标题 Source title", "source_title"),
    ("发布或报送机关 Issuing body", "source_issuer"), ("日期 Date", "source_date"),
    ("文号 Document number", "doc_number"), ("报送处室 Office that supplied it", "supplied_by"),
    ("网址（公开网页才填）URL, web pages only", "source_url"), ("原文引语 Quote", "quote"),
)
EVIDENCE_ANSWER_KEYS = ("event", "what_zh", "source_title", "quote")
BENCHMARK_SHEET = "评估组：对比数据 Benchmarks"  # national and provincial figures: the evaluation team's, not a city body's
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
#: a source's or an event's year: none before this, none after today
EARLIEST_YEAR = 1990

#: Bounds of a workbook read back, checked before openpyxl loads it in full (which builds an object per cell, about
#: 17 µs and 0.4 KB each). The request workbook of the shipped data is 0.1 MB on disk, its largest part unpacks
#: to 0.15 MB, all of them to 0.8 MB, in 21 parts and 17,000 cells; its longest sheet has 132 rows, 23 columns.
MAX_WORKBOOK_BYTES = 20 * 2**20  # on disk (200 × a real one)
MAX_PART_BYTES = 30 * 2**20  # one part of the zip, unpacked as declared (200 ×)
MAX_UNPACKED_BYTES = 60 * 2**20  # all parts (75 ×)
MAX_PARTS = 1_000  # files in the zip (a real one: 21)
MAX_SHEET_ROWS = 5_000  # the last row a sheet may fill (a real sheet: 132; a department's rows: a few hundred)
MAX_SHEET_COLUMNS = 60  # the last column it may fill (a real sheet: 23)
#: cells and rows all sheets' XML may hold, blank and formatted ones included (24 × a real one): the full load
#: then takes a few seconds and a few hundred MB at most
MAX_WORKBOOK_CELLS = 400_000
#: what an encrypted workbook (or an old .xls) starts with: an OLE2 compound file, not a zip
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")


class WorkbookError(Exception):
    """A workbook that cannot be read back; ``report`` holds every problem with sheet, row and column."""

    def __init__(self, report: Report):
        super().__init__(f"{len(report.errors)} problem(s) in the workbook")
        self.report = report




def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _code(text: str, words: dict[str, str]) -> str | None:
    """A drop-down choice back to its code: the full choice, the word alone, or the code in brackets."""
    for code, word in words.items():
        if text in (word, code, word.split(" [")[0]):
            return code
    return None


def _period(text: str) -> tuple[dt.date, dt.date]:
    """The first and the last day of an ISO date, month or year (ValueError: no such day or month)."""
    year, month, day = (int(g) if g else None for g in _ISO.match(text).groups())
    if day is not None:
        return dt.date(year, month, day), dt.date(year, month, day)
    if month is not None:
        after = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
        return dt.date(year, month, 1), after - dt.timedelta(days=1)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _date(cell, report: Report, where: tuple, required: bool) -> str:
    """A date cell as an ISO date, month or year ("" when empty or refused): a date cell, text like 2025-03-01,
    2025-03 or 2025, or a year typed as a number; a day of the calendar, from EARLIEST_YEAR on, not after today
    (a month or a year is in the future when its first day is)."""
    value = cell.value
    if value is None or _text(value) == "":
        if required:
            report.error(*where, "workbook.date_missing", "a date is needed, e.g. 2025-03-01")
        return ""
    if isinstance(value, (dt.datetime, dt.date)):
        text = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    elif isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        text = str(value)  # a year typed as a number
    elif isinstance(value, (int, float)):
        report.error(*where, "workbook.date_serial",
                     f"{value!r} looks like an Excel date serial number stored as a number; type the date as "
                     "2025-03-01 or format the cell as a date")
        return ""
    else:
        text = _text(value).replace("/", "-").replace(".", "-")
        if not _ISO.match(text):
            report.error(*where, "workbook.date_format", f"{_text(value)[:40]!r} is not a date like 2025-03-01")
            return ""
    try:
        first, _ = _period(text)
    except ValueError:
        report.error(*where, "workbook.not_a_date", f"{text!r} is not a date: the calendar has no such day or month")
        return ""
    if first.year < EARLIEST_YEAR:
        serial = (first - dt.date(1899, 12, 30)).days if isinstance(value, (dt.datetime, dt.date)) else None
        hint = (f": {serial} typed in a cell formatted as a date reads as day {serial} after 1900; type the year "
                "in a cell formatted as text or number" if serial and EARLIEST_YEAR <= serial <= 9999 else "")
        report.error(*where, "workbook.not_a_date",
                     f"{text} is not a plausible date for a source of this evaluation (none before {EARLIEST_YEAR})"
                     + hint)
        return ""
    today = dt.date.today()
    if first > today:
        report.error(*where, "workbook.date_future", f"{text} lies in the future (today is {today.isoformat()})")
        return ""
    return text


def _header_map(ws, columns, report: Report, file: str, last_column: int) -> dict[str, int] | None:
    """Each column's number by its header in row 1 (up to ``last_column``, the last filled); a header missing, or a
    header of the reader's typed twice (it could not tell which column to read), is an error."""
    wanted = {head for head, _ in columns}
    found: dict[str, int] = {}
    twice = False
    for c in next(ws.iter_rows(min_row=1, max_row=1, max_col=max(last_column, 1))):
        head = _text(c.value)
        if head in found and head in wanted:
            first = get_column_letter(found[head])
            report.error(f"{file} › sheet {ws.title}", 1, f"{first}, {c.column_letter}", "workbook.header_twice",
                         f"the header {head!r} is in column {first} and again in column {c.column_letter}: the "
                         "reader cannot tell which to read; delete the extra column or rename its header")
            twice = True
        elif head:
            found[head] = c.column
    cols = {}
    for head, key in columns:
        if head not in found:
            report.error(f"{file} › sheet {ws.title}", 1, head, "workbook.header",
                         f"the column {head!r} is missing or was renamed; restore the header of the workbook as sent")
            continue
        cols[key] = found[head]
    return cols if len(cols) == len(columns) and not twice else None


def _merged(ws, report: Report, file: str) -> None:
    for rng in ws.merged_cells.ranges:
        report.error(f"{file} › sheet {ws.title}", rng.min_row, str(rng), "workbook.merged",
                     "merged cells: unmerge them so that each row holds one figure")


_REQUEST_ONLY = {h for h, _ in REQUEST_COLUMNS} - {h for h, _ in EVIDENCE_SHEET_COLUMNS}
_EVIDENCE_ONLY = {h for h, _ in EVIDENCE_SHEET_COLUMNS} - {h for h, _ in REQUEST_COLUMNS}
_HEADER_SEARCH_ROWS = 20  # a sheet whose headers slipped below row 1 is found when they are this high


def _heads_kind(heads: set[str]) -> str | None:
    """"request" or "evidence" when ``heads`` (a row's texts) hold headers of that sheet's own, else None."""
    request, evidence = len(heads & _REQUEST_ONLY), len(heads & _EVIDENCE_ONLY)
    return None if request == evidence == 0 else "evidence" if evidence > request else "request"


def _sheet_kind(ws, extent: tuple[int, int], sent: list[str] | None, report: Report, file: str) -> str | None:
    """What a sheet is, told by its headers in row 1 whatever it is called: "request", "evidence", or None (the
    guide, the lists, the meta sheet, a sheet of the analyst's own). Headers found lower down are an error; a sheet
    the workbook was sent with that has lost its headers is read (its headers are reported missing), never skipped."""
    last_row, last_column = extent
    rows = ws.iter_rows(min_row=1, max_row=min(last_row, _HEADER_SEARCH_ROWS), max_col=max(last_column, 1),
                        values_only=True)
    for n, values in enumerate(rows, start=1):
        kind = _heads_kind({_text(v) for v in values})
        if kind is not None and n > 1:
            report.error(f"{file} › sheet {ws.title}", n, None, "workbook.header",
                         f"the headers are in row {n}: they must be in row 1; delete the rows above them")
            return None
        if kind is not None:
            return kind
    if ws.title == EVIDENCE_SHEET:
        return "evidence"
    return "request" if sent and ws.title in sent else None


def _sent_sheets(wb, extents: dict[str, tuple[int, int]]) -> list[str] | None:
    """The request sheets the workbook was sent with, as its meta sheet records them; None for a workbook written
    before they were recorded (or whose meta sheet is gone)."""
    if META_SHEET not in wb.sheetnames:
        return None
    last_row = extents.get(META_SHEET, (0, 0))[0]
    sent = [_text(title) for what, title in wb[META_SHEET].iter_rows(min_row=1, max_row=last_row, max_col=2,
                                                                      values_only=True)
            if _text(what) == META_SENT_SHEET and _text(title)] if last_row else []
    return sent or None


def _one_line(exc: Exception, path: Path) -> str:
    """An exception's message on one line, naming the workbook by its file name only."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    for long in {str(path.resolve()), str(path.absolute()), str(path)}:
        text = text.replace(long, path.name)
    return text


def _mb(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"


def _part_sheets(zf: zipfile.ZipFile) -> dict[str, str]:
    """Part name → sheet title, from the workbook part and its relations, to name the sheet of a part too big to
    read; {} if they cannot be read."""
    from openpyxl.xml.functions import fromstring  # defusedxml's, when installed (it is: no entities expanded)

    def read(name: str) -> bytes:  # three parts that are small in any workbook: never a large one
        if zf.getinfo(name).file_size > MAX_PART_BYTES:
            raise ValueError(name)
        return zf.read(name)

    try:
        rels_ns = "{http://schemas.openxmlformats.org/package/2006/relationships}"
        office = fromstring(read("_rels/.rels"))
        book = next(r.get("Target") for r in office.iter(f"{rels_ns}Relationship")
                    if r.get("Type", "").endswith("/officeDocument")).lstrip("/")
        folder, name = book.rsplit("/", 1) if "/" in book else ("", book)
        targets = {r.get("Id"): r.get("Target") for r in
                   fromstring(read(f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"))
                   .iter(f"{rels_ns}Relationship")}
        rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        out = {}
        for sheet in fromstring(read(book)).iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"):
            target = targets.get(sheet.get(rid), "")
            out[target.lstrip("/") if target.startswith("/") else f"{folder}/{target}".lstrip("/")] = sheet.get("name")
        return out
    except Exception:  # noqa: BLE001 — only names the sheet in a message; the part name stands in
        return {}


def _xml_rows(wb, ws):
    """(row number, cells) of each row a read-only sheet's XML holds, and only those: openpyxl's iter_rows would make
    up every missing row up to the last (a million for one character typed in A1048576). Each cell is a dict with
    its "column" and "value". Uses the parser openpyxl's read-only sheets use themselves."""
    from openpyxl.worksheet._reader import WorkSheetParser

    with ws._get_source() as source:
        parser = WorkSheetParser(source, ws._shared_strings, data_only=False, epoch=wb.epoch,
                                 date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        yield from parser.parse()


def _scan_sheet(wb, ws, where: str, report: Report, budget: list[int]) -> tuple[int, int] | None:
    """The last row and column of a read-only sheet that hold a value (a cell of spaces is blank), reading its XML
    as a stream; None when it fills a row or column beyond the caps, or when the workbook's cells run over
    ``budget`` (one error, at the first cell beyond). A cell longer than the data loader takes is an error too."""
    last_row = last_column = 0
    heads: dict[int, str] = {}
    for r, cells in _xml_rows(wb, ws):
        budget[0] -= 1 + len(cells)
        if budget[0] < 0:
            column = get_column_letter(cells[-1]["column"]) if cells else None
            report.error(where, r, column, "workbook.cells",
                         f"the sheets hold more than {MAX_WORKBOOK_CELLS:,} cells and rows, blank and formatted "
                         f"ones included (counted up to row {r} of this sheet); a request workbook holds a few "
                         "tens of thousands: delete the rows and columns added below and beside the requests")
            return None
        for c in cells:
            value = c["value"]
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            col = c["column"]
            if r == 1:
                heads[col] = _text(value)
            ref, column = f"{get_column_letter(col)}{r}", heads.get(col) or get_column_letter(col)
            shown = _text(value)[:40]
            if r > MAX_SHEET_ROWS:
                report.error(where, r, column, "workbook.rows",
                             f"cell {ref} holds {shown!r}, below row {MAX_SHEET_ROWS:,}, the last a sheet may fill: "
                             "delete what was typed or pasted below the requests")
                return None
            if col > MAX_SHEET_COLUMNS:
                report.error(where, r, column, "workbook.columns",
                             f"cell {ref} holds {shown!r}, right of column {get_column_letter(MAX_SHEET_COLUMNS)}, "
                             "the last a sheet may fill: delete what was typed or pasted beside the requests")
                return None
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                report.error(where, r, column, "workbook.cell_too_long",
                             f"cell {ref} holds {len(value):,} characters; a cell may hold at most "
                             f"{MAX_CELL_CHARS:,}")
            last_row, last_column = max(last_row, r), max(last_column, col)
    return last_row, last_column


def _bounds(path: Path, report: Report, file: str) -> dict[str, tuple[int, int]] | None:
    """Check a workbook's size before openpyxl loads it in full: the file, its zip's parts, each and all of them as
    the zip declares them unpacked (a part is never unpacked beyond its declared size: the zip reader stops
    there), then, reading each sheet's XML as a stream, the rows, columns and cells it fills and holds (the caps
    above). Returns sheet title → (last filled row, last filled column), or None with the problems in ``report``."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            magic = fh.read(len(_OLE2))
    except OSError as exc:
        report.error(file, None, None, "workbook.unreadable", f"cannot open the workbook: {exc.strerror or exc}")
        return None
    if size > MAX_WORKBOOK_BYTES:
        report.error(file, None, None, "workbook.size",
                     f"the file is {_mb(size)}; a workbook may be at most {MAX_WORKBOOK_BYTES // 2**20} MB (a "
                     "filled request workbook is well under 1 MB): remove what was added to it")
        return None
    if magic == _OLE2:
        report.error(file, None, None, "workbook.unreadable",
                     "password-protected or an old .xls file: save it as .xlsx without a password")
        return None
    try:
        with zipfile.ZipFile(path) as zf:
            parts = zf.infolist()
            if len(parts) > MAX_PARTS:
                report.error(file, None, None, "workbook.parts",
                             f"the file holds {len(parts):,} parts; a workbook may hold at most {MAX_PARTS:,}")
                return None
            big = [p for p in parts if p.file_size > MAX_PART_BYTES]
            sheets = _part_sheets(zf) if big else {}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        report.error(file, None, None, "workbook.unreadable",
                     "not an .xlsx workbook (it is not a zip file): open it in Excel and save it as .xlsx")
        return None
    for part in big:
        where = f"{file} › sheet {sheets[part.filename]}" if part.filename in sheets else file
        report.error(where, None, None, "workbook.part_size",
                     f"{part.filename} unpacks to {_mb(part.file_size)}; a part of a workbook may unpack to at most "
                     f"{MAX_PART_BYTES // 2**20} MB")
    total = sum(p.file_size for p in parts)
    if total > MAX_UNPACKED_BYTES:
        report.error(file, None, None, "workbook.unpacked_size",
                     f"the file unpacks to {_mb(total)}; a workbook may unpack to at most "
                     f"{MAX_UNPACKED_BYTES // 2**20} MB")
    if not report.ok:
        return None
    try:
        wb = load_workbook(path, read_only=True)
    except Exception as exc:  # noqa: BLE001 — any unreadable file is one problem to report
        report.error(file, None, None, "workbook.unreadable", f"cannot open the workbook: {_one_line(exc, path)}")
        return None
    extents, budget = {}, [MAX_WORKBOOK_CELLS]
    try:
        for ws in wb.worksheets:
            extent = _scan_sheet(wb, ws, f"{file} › sheet {ws.title}", report, budget)
            if extent is None and budget[0] < 0:
                break
            extents[ws.title] = extent
    except Exception as exc:  # noqa: BLE001 — a sheet's XML that cannot be parsed
        report.error(file, None, None, "workbook.unreadable", f"cannot read the workbook: {_one_line(exc, path)}")
    finally:
        wb.close()
    return extents if report.ok else None


def read_workbook(path: Path, dataset: Dataset, words: dict[str, dict[str, str]]
                  ) -> tuple[list[dict], list[dict], Report]:
    """The filled rows of a request workbook as collected rows (figures) and evidence rows, with every problem.
    Its size is checked first (_bounds); then the sheets with request or evidence headers in row 1 are read,
    whatever they are called, up to their last filled row. ``words``: for each drop-down ("measure", "period",
    "event", "source_kind"), code → the choice the workbook offered."""
    report = Report()
    file = path.name
    extents = _bounds(path, report, file)
    if extents is None:
        return [], [], report
    try:
        wb = load_workbook(path)  # formulas stay formulas: a figure must be typed, not computed
    except Exception as exc:  # noqa: BLE001 — any unreadable file is one problem to report
        report.error(file, None, None, "workbook.unreadable", f"cannot open the workbook: {_one_line(exc, path)}")
        return [], [], report
    bounds = {rec["indicator_key"]: tuple(None if pd.isna(rec.get(c)) else float(rec[c])
                                          for c in ("min_value", "max_value"))
              for rec in dataset.indicators.to_dict("records")}
    context = {
        "regions": set(dataset.regions["name_zh"]), "units": set(dataset.indicators["unit"]) | {"%"},
        "keys": set(dataset.indicators["indicator_key"]), "first": dataset.plan.base_year - 1,
        "last": dataset.plan.target_year, "file": file, "digest": hashlib.sha256(path.read_bytes()).hexdigest()[:12],
        "hosts": dict(zip(dataset.hosts["host"], dataset.hosts["kind"])) if dataset.hosts is not None else {},
        "parts": {r["target_id"]: milestone_parts(r) for r in dataset.targets.to_dict("records")
                  if r["kind"] == MILESTONE_KIND},
        "commitments": set(dataset.targets["target_id"]), "read_on": dt.date.today().isoformat(),
        "bounds": bounds,
    }
    figures, events = [], []
    sent = _sent_sheets(wb, extents)
    for ws in wb.worksheets:
        last_row, last_column = extents.get(ws.title, (0, 0))
        if not last_row:
            continue  # an empty sheet
        kind = _sheet_kind(ws, (last_row, last_column), sent, report, file)
        if kind is None:
            continue  # the guide, the lists, the meta sheet, a sheet of the analyst's own
        at = f"{file} › sheet {ws.title}"
        if ws.sheet_state != "visible":
            report.error(at, 1, None, "workbook.hidden",
                         f"the sheet is hidden ({ws.sheet_state}): unhide it so that what it holds can be checked, "
                         "or delete it")
            continue
        is_evidence = kind == "evidence"
        if not is_evidence and sent and ws.title not in sent:
            report.error(at, 1, None, "workbook.sheet",
                         f"{ws.title!r} is not a sheet the workbook was sent with ({'、'.join(sent)}): give the sheet "
                         "its name back, or move its rows to the sheet they came from")
            continue
        columns = EVIDENCE_SHEET_COLUMNS if is_evidence else REQUEST_COLUMNS
        _merged(ws, report, file)
        cols = _header_map(ws, columns, report, file, last_column)
        if cols is None:
            continue
        answer_keys = EVIDENCE_ANSWER_KEYS if is_evidence else ANSWER_KEYS
        for r in range(2, last_row + 1):  # never up to ws.max_row: a space in A1048576 is no reason to read a million
            cell = {key: ws.cell(row=r, column=c) for key, c in cols.items()}
            if all(_text(cell[k].value) == "" for k in answer_keys):
                continue  # nothing answered on this row

            def where(key: str, r: int = r, ws=ws, columns=columns) -> tuple:
                return (f"{file} › sheet {ws.title}", r, dict((k, h) for h, k in columns)[key])

            if is_evidence:
                events += _evidence_row(cell, where, report, words, context, ws.title, r)
            else:
                figures += _figure_row(cell, where, report, words, context, ws.title, r)
    return figures, events, report


def _source_problems(kind: str | None, cell, keys: dict[str, str], hosts: dict[str, str], where, report: Report
                     ) -> list[tuple[str, str, str]]:
    """What a source of its kind must name (a department's return: title, body, number and office, no web address;
    a web page: its address on a citable host; a printed publication: title, body and table); an unlisted,
    non-government host is a warning with its grade, a blocked one a refusal. No kind (a word not of the list): that
    one problem."""
    if kind is None:
        return [("source_kind", "workbook.source_kind",
                 f"{_text(cell['source_kind'].value)!r} is not a source kind of the list")]
    def value(key: str) -> str:
        return _text(cell[keys[key]].value) if keys.get(key) in cell else ""

    needs = {SOURCE_DEPARTMENT: ("title", "issuer", "doc_number", "supplied_by"), SOURCE_WEB: ("title", "issuer", "url"),
             SOURCE_PRINT: ("title", "issuer", "locator")}[kind]
    why = {SOURCE_DEPARTMENT: "a department's return needs its title, issuing body, document or statistical-form "
                              "number and the office that supplied it (no web address)",
           SOURCE_WEB: "a web source needs its title, issuing body and the web address it was read on",
           SOURCE_PRINT: "a printed publication needs its title, publisher and the page or table"}[kind]
    problems = [(keys[k], "workbook.source", why) for k in needs if k in keys and not value(k)]
    url = value("url")
    if url:
        if (bad := url_problem(url)) is not None:
            problems.append((keys["url"], "workbook.url", bad))
        else:
            host = host_of(url) or ""
            found = host_kind(host, hosts)
            if found == HOST_BLOCKED:
                problems.append((keys["url"], "workbook.host", f"{host} cannot be cited: give the issuing body's own "
                                                                "page, or the department's own return"))
            elif found is None:
                report.warning(*where(keys["url"]), "workbook.host",
                               f"{host} is not a government site and not listed in hosts.csv: the figure is read as "
                               "from a copy (grade C) until the evaluation team lists the site")
    return problems


_FIGURE_SOURCE = {"title": "source_title", "issuer": "source_publisher", "doc_number": "doc_number",
                  "supplied_by": "supplied_by", "url": "source_url", "locator": "locator"}
_EVIDENCE_SOURCE = {"title": "source_title", "issuer": "source_issuer", "doc_number": "doc_number",
                    "supplied_by": "supplied_by", "url": "source_url"}


def _kind(cell, words: dict[str, str]) -> str | None:
    """The source kind chosen; empty: a department's return without a web address, a web page with one."""
    chosen = _text(cell["source_kind"].value)
    if not chosen:
        return SOURCE_WEB if _text(cell["source_url"].value) else SOURCE_DEPARTMENT
    return _code(chosen, words)


def _provenance(context: dict, sheet: str, r: int) -> dict:
    return {"note": f"workbook {context['file']} (sha256 {context['digest']}), sheet {sheet}, row {r}, "
                    f"read {context['read_on']}"}


def _figure_row(cell, where, report, words, context, sheet, r):
    raw = cell["value"].value
    if raw is None or _text(raw) == "":
        report.error(*where("value"), "workbook.value_missing", "a source is given but no value")
        return []
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        report.error(*where("value"), "workbook.not_a_number",
                     f"{_text(raw)!r} is text, not a number: type the number alone (its unit is in the unit column)")
        return []
    measure = _code(_text(cell["measure"].value), words["measure"])
    unit = "%" if measure in PERCENT_MEASURES else _text(cell["unit"].value)
    try:
        value = float(raw)
    except OverflowError:  # an integer of hundreds of digits
        report.error(*where("value"), "workbook.not_a_number",
                     "the number is too large (beyond 1e308): type the figure itself")
        return []
    if "%" in (cell["value"].number_format or ""):
        if unit != "%":
            report.error(*where("value"), "workbook.percent_cell",
                         f"the cell is formatted as a percentage but the unit is {unit!r}")
            return []
        value *= 100  # 45% in a percentage cell is stored as 0.45
    if not math.isfinite(value):
        report.error(*where("value"), "workbook.not_a_number",
                     f"{value!r} is not a finite number: type the figure itself")
        return []
    period = _code(_text(cell["period"].value) or "year", words["period"])
    kind = _kind(cell, words["source_kind"])
    year, base = cell["year"].value, cell["base_year"].value
    problems = []
    if measure is None:
        problems.append(("measure", "workbook.measure",
                         f"{_text(cell['measure'].value)!r} is not a measure of the list: choose one of the accepted "
                         "measures" if _text(cell["measure"].value) else "choose the measure of the figure"))
    if period is None:
        problems.append(("period", "workbook.period", f"{_text(cell['period'].value)!r} is not a period of the list"))
    if measure is not None and unit not in context["units"]:
        problems.append(("unit", "workbook.unit", f"{unit!r} is not a unit of the list"))
    key = _text(cell["request_key"].value).split("·")[0]
    if key not in context["keys"]:
        problems.append(("request_key", "workbook.indicator", "the request key was changed; restore it"))
    elif measure is not None:  # the range the data loader checks (observations.value), here where the cell is
        low, high = plausible_range(measure, unit, context["bounds"].get(key, (None, None)))
        if not low <= value <= high:
            problems.append(("value", "workbook.range", f"{value:g} is outside the plausible range {low:g} to "
                             f"{high:g} of a {measure} in {unit} (data dictionary, observations.value)"))
    if _text(cell["region"].value) not in context["regions"]:
        problems.append(("region", "workbook.region", f"{_text(cell['region'].value)!r} is not a known region"))
    first, last = context["first"], context["last"]
    if not isinstance(year, int) or not first <= year <= last:
        problems.append(("year", "workbook.year", f"{year!r} is not a year of the plan period {first}–{last}"))
    if measure in MEASURES_NEEDING_BASE_YEAR and not isinstance(base, int):
        problems.append(("base_year", "workbook.base_year", "a change or an addition needs its base year"))
    problems += _source_problems(kind, cell, _FIGURE_SOURCE, context["hosts"], where, report)
    date = _date(cell["source_date"], report, where("source_date"), required=True)
    if date and isinstance(year, int) and first <= year <= last and _period(date)[1] < dt.date(year, 1, 1):
        problems.append(("source_date", "workbook.date_order", f"{date} is before {year}, the year of the figure: "
                         "a figure cannot be published before its year begins"))
    for column, code, message in problems:
        report.error(*where(column), code, message)
    if problems or not date:
        return []
    return [{"indicator_key": key, "indicator_zh": _text(cell["indicator_zh"].value),
             "region": _text(cell["region"].value), "year": str(year), "value": f"{value:.12g}", "unit": unit,
             "measure": measure, "source_title": _text(cell["source_title"].value),
             "source_publisher": _text(cell["source_publisher"].value), "source_date": date,
             "source_url": _text(cell["source_url"].value), "locator": _text(cell["locator"].value),
             **_provenance(context, sheet, r),
             "base_year": str(base) if measure in MEASURES_NEEDING_BASE_YEAR else "",
             "period": period, "source_kind": kind, "doc_number": _text(cell["doc_number"].value),
             "supplied_by": _text(cell["supplied_by"].value), "_sheet": sheet, "_row": r}]


def _evidence_row(cell, where, report, words, context, sheet=None, r=None):
    event_code = _code(_text(cell["event"].value), words["event"])
    kind = _kind(cell, words["source_kind"])
    target = _text(cell["target_id"].value)
    part = _text(cell["part"].value)
    problems = []
    if target not in context["commitments"]:
        problems.append(("target_id", "workbook.commitment", "the commitment number was changed; restore it"))
    if event_code is None:
        problems.append(("event", "workbook.event", f"{_text(cell['event'].value)!r} is not an event of the list"))
    for key in ("what_zh", "source_title", "source_issuer", "quote"):
        if not _text(cell[key].value):
            problems.append((key, "workbook.required", "this column is needed for every event"))
    if part:
        named = [p for p in context["parts"].get(target, []) if p]
        if part not in named:
            problems.append(("part", "workbook.part", f"{part!r} is not a part {target} names"
                             + (f" ({'、'.join(named)})" if named else " (it names none)")))
        elif event_code not in ("completed", "result_reported"):
            problems.append(("part", "workbook.part", "a part is named for a completion only"))
    problems += _source_problems(kind, cell, _EVIDENCE_SOURCE, context["hosts"], where, report)
    event = _date(cell["event_date"], report, where("event_date"), required=True)
    first, last = context["first"], context["last"]
    if event and not first + 1 <= date_year(event) <= last:
        problems.append(("event_date", "workbook.year", f"{event} is outside the plan period {first + 1}–{last}"))
    source_date = _date(cell["source_date"], report, where("source_date"), required=True)
    if event and source_date and _period(source_date)[1] < _period(event)[0]:
        problems.append(("source_date", "workbook.date_order", f"{source_date} is before the event ({event}): a "
                         "source cannot report an event before it happened"))
    for column, code, message in problems:
        report.error(*where(column), code, message)
    if problems or not event or not source_date:
        return []
    return [{"target_id": target, "event": event_code, "part": part, "event_date": event,
             "what_zh": _text(cell["what_zh"].value), "what_en": _text(cell["what_en"].value),
             "source_title": _text(cell["source_title"].value), "source_issuer": _text(cell["source_issuer"].value),
             "source_date": source_date, "doc_number": _text(cell["doc_number"].value),
             "source_url": _text(cell["source_url"].value), "quote": _text(cell["quote"].value),
             "source_kind": kind, "supplied_by": _text(cell["supplied_by"].value), "_sheet": sheet, "_row": r,
             **_provenance(context, sheet, r)}]


def figure_key(row: dict, regions: dict[str, str]) -> tuple:
    """What a figure is a figure of: indicator, region, year, measure, period and base year."""
    return (row["indicator_key"], regions.get(row["region"], row["region"]), int(row["year"]), row["measure"],
            row["period"], str(row.get("base_year") or ""))


def _figure_where(row: dict) -> tuple:
    return (f"{row['_file']} › sheet {row['_sheet']}", row["_row"], "数值 Value")


def conflicts(figures: list[dict], dataset: Dataset, own: dict[str, str], report: Report) -> None:
    """A figure that differs from an observed one already in the data, or from another row read now, for the same
    indicator, region, year, measure, base year and period is an error naming both; ``own`` maps each figure's
    department to the observations file of its earlier workbook readings, whose rows it may correct (they are
    replaced). A row repeated with the same value and source is a warning, and kept once."""
    obs = dataset.observations[dataset.observations["record_type"] == OBSERVED]  # like with like: observed figures
    regions = dict(zip(dataset.regions["name_zh"], dataset.regions["region"]))
    existing: dict[tuple, list] = {}
    for other in obs.itertuples():
        base = "" if pd.isna(other.base_year) else str(int(other.base_year))
        key = (other.indicator_key, other.region, int(other.year), other.measure, other.period, base)
        existing.setdefault(key, []).append(other)
    seen: dict[tuple, dict] = {}
    repeats: dict[tuple, list[dict]] = {}  # a figure's first row → its copies (one warning for all of them)
    for row in figures:
        key = figure_key(row, regions)
        if key in seen:
            first = seen[key]
            if abs(float(first["value"]) - float(row["value"])) > 1e-9:
                report.error(*_figure_where(row), "workbook.conflict",
                             f"{row['value']} differs from {first['value']} given for the same figure in "
                             f"{first['_file']} › sheet {first['_sheet']} row {first['_row']}")
            else:
                repeats.setdefault(key, []).append(row)
            row["_repeat"] = True
            continue
        seen[key] = row
        for other in existing.get(key, []):
            if getattr(other, "at_file", None) == own.get(row["_department"]):
                continue  # this department's earlier reading of the same figure: a correction replaces it
            if abs(float(other.value) - float(row["value"])) > 1e-9:
                report.error(*_figure_where(row), "workbook.conflict",
                             f"{row['value']} differs from {other.value:g} already in "
                             f"{getattr(other, 'at_file', 'the data')} line {getattr(other, 'at_line', '?')}")
    for key, copies in repeats.items():
        first, shown = seen[key], 10
        rows = ", ".join(f"{c['_file']} › {c['_sheet']} {c['_row']}" if c["_file"] != first["_file"]
                         or c["_sheet"] != first["_sheet"] else str(c["_row"]) for c in copies[:shown])
        more = f" and {len(copies) - shown:,} more" if len(copies) > shown else ""
        report.warning(*_figure_where(copies[0]), "workbook.repeated",
                       f"repeats {first['_file']} › sheet {first['_sheet']} row {first['_row']} "
                       f"{len(copies):,} time(s): rows {rows}{more}; kept once")


def _csv(rows: list[dict], columns: tuple[str, ...]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


#: the columns of a workbook's raw files: the collected columns, then what the workbook states besides
WORKBOOK_FIGURE_COLUMNS = COLLECTED_COLUMNS + ("base_year", "period", "source_kind", "doc_number", "supplied_by")
WORKBOOK_EVIDENCE_COLUMNS = EVIDENCE_COLUMNS + ("part", "source_kind", "supplied_by", "note")


@dataclass
class WorkbookResult:
    """What reading one or more workbooks did: rows read per workbook and sheet, earlier rows replaced (per
    department, what each was and is now), the data before and after, and (set by the caller, who assesses)
    the targets now rated."""

    read: dict[tuple[str, str], int]  # (workbook, sheet) → rows read
    requested: dict[tuple[str, str], int]  # (workbook, sheet) → request rows
    replaced: dict[str, list[str]]  # department → the earlier rows replaced, each "what: old → new (earlier reading)"
    before: Dataset
    after: Dataset
    warnings: list = field(default_factory=list)  # problems that do not stop the reading (e.g. an unlisted host)
    newly_rated: list[str] = field(default_factory=list)

    @property
    def figures(self) -> int:
        return sum(n for (_, sheet), n in self.read.items() if sheet != EVIDENCE_SHEET)

    @property
    def evidence(self) -> int:
        return sum(n for (_, sheet), n in self.read.items() if sheet == EVIDENCE_SHEET)


def _requested(path: Path) -> dict[str, int]:
    """The rows each sheet asks for: those of a request sheet with a request key, those of the evidence sheet with
    a commitment; the sheets told by their headers, as read_workbook tells them (a workbook it has read: bounded)."""
    wb = load_workbook(path, read_only=True)
    out = {}
    try:
        for ws in wb.worksheets:
            key_column = None
            for r, cells in _xml_rows(wb, ws):
                if key_column is None:
                    heads = {_text(c["value"]): c["column"] for c in cells} if r == 1 else {}
                    kind = _heads_kind(set(heads))
                    key_column = heads.get(_REQUEST_KEY_HEAD if kind == "request" else _COMMITMENT_HEAD)
                    if key_column is None:
                        break
                    out[ws.title] = 0
                    continue
                out[ws.title] += any(c["column"] == key_column and _text(c["value"]) for c in cells)
    finally:
        wb.close()
    return out


_REQUEST_KEY_HEAD = next(head for head, key in REQUEST_COLUMNS if key == "request_key")
_COMMITMENT_HEAD = next(head for head, key in EVIDENCE_SHEET_COLUMNS if key == "target_id")


def _file_name(department: str) -> str:
    """A department's name as a file name (its rows are stored under it, whatever the workbook was called)."""
    return re.sub(r"[^\w.-]+", "_", department).strip("_") or "department"


def figure_departments(dataset: Dataset) -> dict[str, str]:
    """indicator key → the department its figures of the assessed region are requested from (the lead department
    of the first rated target that uses it), as the request workbook assigns its sheets."""
    targets = dataset.targets[dataset.targets["kind"].isin(RATED_KINDS) & dataset.targets["indicator_key"].notna()]
    return {key: dataset.lead_department(group.iloc[0]["section_id"], key)
            for key, group in targets.groupby("indicator_key", sort=False)}


def _read_raw(path: Path) -> list[dict]:
    """A department's raw file as this module wrote it (re-saved by Excel, it may start with a BOM)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _earlier(row: dict) -> str:
    """An earlier raw row's provenance, in short: the workbook and the day it was read."""
    match = re.match(r"workbook (.+?) \(sha256 \w+\).*read (\S+)", row.get("note") or "")
    return f"{match.group(1)}, read {match.group(2)}" if match else "an earlier reading"


def _merge(earlier: list[dict], new: list[dict], key, describe) -> tuple[list[dict], list[str]]:
    """The rows of a department's raw file after a new reading: each new row replaces the earlier row of the same
    key (a correction), other earlier rows stay. Returns the rows and what was replaced."""
    keys = {key(r) for r in new}
    replaced = [describe(old, next(r for r in new if key(r) == key(old))) for old in earlier if key(old) in keys]
    return [r for r in earlier if key(r) not in keys] + new, replaced


def _location(problem, written: dict[str, list[dict]]) -> tuple:
    """A problem found while ingesting the new rows, pointed back at the workbook's sheet, row and column where the
    row comes from (the raw file, or the observations file made from it, line by line)."""
    for raw_name, rows in written.items():
        if problem.file not in (raw_name, observations_name(raw_name)) or problem.row is None:
            continue
        row = rows[problem.row - 2] if 0 <= problem.row - 2 < len(rows) else None
        if row is not None and row.get("_sheet"):
            heads = {key: head for head, key in REQUEST_COLUMNS + EVIDENCE_SHEET_COLUMNS}
            column = heads.get(problem.column or "", problem.column)
            return (f"{row['_file']} › sheet {row['_sheet']}", row["_row"], column)
    return (problem.file, problem.row, problem.column)


def ingest_workbooks(paths: list[Path], words: dict[str, dict[str, str]], data_dir: Path = DEFAULT_DATA_DIR,
                     plan_id: str | None = None) -> WorkbookResult:
    """Read filled request workbooks (one per department, or several at once) into ``data_dir``, all or nothing:
    raises :class:`WorkbookError` (nothing written) on any problem in any of them.

    Each figure is stored under the department it was requested from (``raw/workbook/<department>.csv``,
    whatever the workbook is called), each event under the department responsible for its commitment; a row read
    again (the same figure, or the same event) replaces that department's earlier row and is reported as such.
    The whole change — raw files, ingest, validation — is made in a copy of the data folder that takes the
    folder's place in one step, under the data folder's exclusive lock (see ``store.data_transaction``)."""
    paths, data_dir = [Path(p) for p in paths], Path(data_dir)
    with data_lock(data_dir, exclusive=True):  # from reading the data to writing it: no other change between
        dataset = load_dataset(data_dir, plan_id)
        report = Report()
        figures, events = [], []
        for path in paths:
            got_figures, got_events, got = read_workbook(path, dataset, words)
            report.problems.extend(got.problems)
            figures += [dict(r, _file=path.name) for r in got_figures]
            events += [dict(e, _file=path.name) for e in got_events]
        by_indicator = figure_departments(dataset)
        for row in figures:
            row["_department"] = BENCHMARK_SHEET if row["region"] != _region_name(dataset) \
                else by_indicator.get(row["indicator_key"], "—")
        sections = dict(zip(dataset.targets["target_id"], dataset.targets["section_id"]))
        for row in events:
            row["_department"] = dataset.lead_department(sections.get(row["target_id"]))
        raw, plan = Path("raw"), dataset.plan
        figure_file = {d: str(raw / WORKBOOK_DIR / f"{_file_name(d)}.csv") for d in {r["_department"] for r in figures}}
        event_file = {d: str(raw / EVIDENCE_DIR / plan.id / f"workbook-{_file_name(d)}.csv")
                      for d in {r["_department"] for r in events}}
        own = {d: observations_name(str(Path(f).relative_to(raw))) for d, f in figure_file.items()}
        conflicts(figures, dataset, own, report)
        if not report.ok:
            raise WorkbookError(report)
        regions = dict(zip(dataset.regions["name_zh"], dataset.regions["region"]))
        figures = [r for r in figures if not r.get("_repeat")]

        def describe_figure(old: dict, new: dict) -> str:
            return (f"{new['indicator_key']}·{new['region']}·{new['year']}: {old['value']} → {new['value']} "
                    f"({_earlier(old)})")

        def describe_event(old: dict, new: dict) -> str:
            return f"{new['target_id']} {new['event']} {new['event_date']} ({_earlier(old)})"

        def event_key(r: dict) -> tuple:
            return (r["target_id"], r["event"], r.get("part") or "", r["event_date"])

        texts: dict[str, str] = {}
        written: dict[str, list[dict]] = {}  # raw file (under raw/) → its rows in order, for the problems' places
        replaced: dict[str, list[str]] = {}
        jobs = [(figure_file, figures, lambda r: figure_key(r, regions), describe_figure, WORKBOOK_FIGURE_COLUMNS),
                (event_file, events, event_key, describe_event, WORKBOOK_EVIDENCE_COLUMNS)]
        for files, rows, key, describe, columns in jobs:
            for department, rel in files.items():
                mine = [r for r in rows if r["_department"] == department]
                merged, gone = _merge(_read_raw(data_dir / rel), mine, key, describe)
                if gone:
                    replaced.setdefault(department, []).extend(gone)
                texts[rel] = _csv(merged, columns)
                written[str(Path(rel).relative_to(raw))] = merged
        try:
            with data_transaction(data_dir) as staged:
                for rel, text in texts.items():
                    write_text_atomic(staged / rel, text)
                ingest_into(staged / "raw", staged, plan_id)
                after = load_dataset(staged, plan_id)
        except DataValidationError as exc:
            located = Report()
            for p in exc.report.problems:
                (located.error if p.severity == "error" else located.warning)(*_location(p, written), p.rule,
                                                                              p.message)
            raise WorkbookError(located) from None
    read: dict[tuple[str, str], int] = {}
    for row in figures:
        read[(row["_file"], row["_sheet"])] = read.get((row["_file"], row["_sheet"]), 0) + 1
    for row in events:
        read[(row["_file"], EVIDENCE_SHEET)] = read.get((row["_file"], EVIDENCE_SHEET), 0) + 1
    requested = {(path.name, sheet): n for path in paths for sheet, n in _requested(path).items()}
    return WorkbookResult(read, requested, replaced, dataset, after, report.warnings)


def _region_name(dataset: Dataset) -> str:
    regions = dataset.regions.set_index("region")["name_zh"]
    return regions.get(dataset.plan.region, dataset.plan.region)

