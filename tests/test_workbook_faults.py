"""Hostile and careless filled workbooks (intake fault review 2026-12, F7–F13): each is refused with one error that
names the sheet, the Excel row and the column (or the file, when it cannot be opened at all), before anything big
is allocated, and nothing in the data folder changes. And ``jinan-eval workbook --out`` never writes over data,
never half-writes a file, and fails in one line."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jinan_eval.cli import main
from jinan_eval.data import load_dataset
from jinan_eval.data.read import MAX_CELL_CHARS
from jinan_eval.data.workbook import (
    EVIDENCE_SHEET,
    GUIDE_SHEET,
    LISTS_SHEET,
    MAX_SHEET_COLUMNS,
    MAX_SHEET_ROWS,
    META_SHEET,
    WorkbookError,
)
from jinan_eval.edition.workbook import ingest_workbooks, write_request_workbook

from e2e_helpers import SHIPPED_DATA, H, request_row
from e2e_helpers import fill_request as fill

YEAR = 2025
SHEET = "市住房城乡建设局"  # the sheet of the sewage requests
VALUE_COLUMN = "F"


def snapshot(data: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*.csv"))}


@pytest.fixture(scope="module")
def blank_book(tmp_path_factory) -> Path:
    """The request workbook the shipped data gives, written once for the module."""
    path = tmp_path_factory.mktemp("blank") / "requests.xlsx"
    write_request_workbook(load_dataset(SHIPPED_DATA), YEAR, path)
    return path


@pytest.fixture
def book(blank_book, shipped_data_copy, tmp_path):
    """(data folder, blank workbook, region code, the sewage request key of 2024)."""
    region = load_dataset(shipped_data_copy).plan.region
    path = tmp_path / "requests.xlsx"
    shutil.copy(blank_book, path)
    return shipped_data_copy, path, region, f"urban_sewage_collection_rate·{region}·2024"


def filled(book, tmp_path, change=None, name="bad.xlsx") -> Path:
    """The sewage request of 2024 answered (72), then ``change(wb, ws, r, heads)``; saved as ``name``."""
    data, path, region, key = book
    wb = load_workbook(path)
    fill(wb, key, 72)
    ws, r, heads = request_row(wb, key)
    if change is not None:
        change(wb, ws, r, heads)
    out = tmp_path / name
    wb.save(out)
    return out


def refused(data: Path, path: Path) -> list:
    """Read ``path`` into ``data``: it must be refused, with nothing written; returns the errors."""
    before = snapshot(data)
    with pytest.raises(WorkbookError) as exc:
        ingest_workbooks([path], data)
    assert snapshot(data) == before  # nothing written
    assert not list(data.parent.glob(".data.staging-*"))
    return exc.value.report.errors


def only(errors, rule: str):
    found = [e for e in errors if e.rule == rule]
    assert len(found) == 1, "\n".join(str(e) for e in errors)
    return found[0]


def sheet_part(path: Path, title: str) -> str:
    wb = load_workbook(path, read_only=True)
    try:
        return wb[title]._worksheet_path.lstrip("/")
    finally:
        wb.close()


def rewrite_part(src: Path, dst: Path, part: str, write, extra: dict[str, bytes] | None = None,
                 stored: bool = False) -> Path:
    """Copy the workbook ``src`` to ``dst`` with the part ``part`` written by ``write(old_xml, fh)``, plus the
    ``extra`` parts (name → bytes)."""
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == part:
                with zout.open(part, "w", force_zip64=True) as fh:
                    write(zin.read(part).decode("utf-8"), fh)
            else:
                zout.writestr(info, zin.read(info.filename))
        for name, payload in (extra or {}).items():
            zout.writestr(zipfile.ZipInfo(name), payload, compress_type=method)
    return dst


def split_sheet(xml: str) -> tuple[str, list[str], str]:
    head, rest = xml.split("<sheetData>", 1)
    data, tail = rest.split("</sheetData>", 1)
    return head, re.findall(r"<row [^>]*>.*?</row>|<row [^>]*/>", data, flags=re.S), tail


# ---------------------------------------------------------------- F7: bounds, checked before the workbook is loaded


def test_a_file_larger_than_the_cap_is_refused_before_it_is_opened(book, tmp_path):
    data, path, _, _ = book
    big = rewrite_part(path, tmp_path / "big.xlsx", "docProps/app.xml", lambda xml, fh: fh.write(xml.encode()),
                       extra={"customXml/padding.bin": bytes(21 * 2**20)}, stored=True)
    error = only(refused(data, big), "workbook.size")
    assert (error.file, error.row, error.column) == ("big.xlsx", None, None)
    assert "20 MB" in error.message


def test_an_encrypted_or_old_excel_file_is_named_as_such(book, tmp_path):
    data, _, _, _ = book
    ole = tmp_path / "locked.xlsx"
    ole.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(4096))
    error = only(refused(data, ole), "workbook.unreadable")
    assert error.file == "locked.xlsx" and "password-protected or an old .xls file" in error.message
    text = tmp_path / "text.xlsx"
    text.write_text("indicator,value\n", encoding="utf-8")
    error = only(refused(data, text), "workbook.unreadable")
    assert "not an .xlsx workbook" in error.message and str(tmp_path) not in error.message


def test_a_sheet_that_unpacks_beyond_the_cap_is_refused_naming_the_sheet(book, tmp_path):
    data, path, _, _ = book

    def bomb(xml, fh):  # a valid header, then 700,000 one-cell rows: 35 MB unpacked from a small zip
        head, rows, tail = split_sheet(xml)
        fh.write((head + "<sheetData>" + rows[0]).encode())
        for start in range(2, 700_002, 50_000):
            fh.write("".join(f'<row r="{r}"><c r="A{r}" t="n"><v>1</v></c></row>'
                             for r in range(start, min(start + 50_000, 700_002))).encode())
        fh.write(("</sheetData>" + tail).encode())

    bad = rewrite_part(path, tmp_path / "bomb.xlsx", sheet_part(path, SHEET), bomb)
    error = only(refused(data, bad), "workbook.part_size")
    assert error.file == f"bomb.xlsx › sheet {SHEET}" and error.row is None and "30 MB" in error.message


def test_a_workbook_that_unpacks_beyond_the_total_cap_is_refused(book, tmp_path):
    data, path, _, _ = book
    padding = {f"customXml/pad{i}.bin": bytes(25 * 2**20) for i in range(3)}  # 75 MB, each part under its cap
    bad = rewrite_part(path, tmp_path / "padded.xlsx", "docProps/app.xml", lambda xml, fh: fh.write(xml.encode()),
                       extra=padding)
    error = only(refused(data, bad), "workbook.unpacked_size")
    assert error.file == "padded.xlsx" and "60 MB" in error.message


def test_a_character_in_the_last_row_of_the_sheet_is_refused_and_a_space_there_is_harmless(book, tmp_path):
    data, _, _, _ = book

    def far(text):
        return lambda wb, ws, r, heads: ws.cell(row=1_048_576, column=1, value=text)

    error = only(refused(data, filled(book, tmp_path, far("x"), "far.xlsx")), "workbook.rows")
    assert (error.file, error.row, error.column) == (f"far.xlsx › sheet {SHEET}", 1_048_576, "编号 Request")
    assert "A1048576" in error.message and f"{MAX_SHEET_ROWS:,}" in error.message
    # a stray space typed there is a blank cell: the workbook reads as if it were not there
    result = ingest_workbooks([filled(book, tmp_path, far(" "), "space.xlsx")], data)
    assert result.figures == 1


def test_rows_beyond_the_row_cap_are_refused_at_the_first_one(book, tmp_path):
    data, _, _, key = book
    good = filled(book, tmp_path, name="one.xlsx")
    r = request_row(load_workbook(good), key)[1]

    def repeat(xml, fh):  # the filled row, copied down to row 6,000
        head, rows, tail = split_sheet(xml)
        row = next(x for x in rows if x.startswith(f'<row r="{r}"'))
        fh.write((head + "<sheetData>" + "".join(x for x in rows
                                                  if int(re.match(r'<row r="(\d+)"', x)[1]) < r)).encode())
        fh.write("".join(re.sub(rf'r="([A-Z]*){r}"', lambda m, n=n: f'r="{m[1]}{n}"', row)
                         for n in range(r, 6_001)).encode())
        fh.write(("</sheetData>" + re.sub(r"<dimension[^>]*/>", "", tail)).encode())

    bad = rewrite_part(good, tmp_path / "repeated.xlsx", sheet_part(good, SHEET), repeat)
    error = only(refused(data, bad), "workbook.rows")
    assert (error.file, error.row) == (f"repeated.xlsx › sheet {SHEET}", MAX_SHEET_ROWS + 1)


def test_a_filled_column_beyond_the_column_cap_is_refused(book, tmp_path):
    data, _, _, _ = book
    bad = filled(book, tmp_path, lambda wb, ws, r, heads: ws.cell(row=2, column=MAX_SHEET_COLUMNS + 2, value="x"))
    error = only(refused(data, bad), "workbook.columns")
    assert (error.file, error.row, error.column) == (f"bad.xlsx › sheet {SHEET}", 2, "BJ")


def test_a_cell_longer_than_the_loader_takes_is_refused_where_it_is(book, tmp_path):
    data, _, _, _ = book

    def long_title(wb, ws, r, heads):
        ws.cell(row=r, column=heads[H["title"]], value="报" * (MAX_CELL_CHARS + 1))

    bad = filled(book, tmp_path, long_title)
    r = request_row(load_workbook(bad), book[3])[1]
    error = only(refused(data, bad), "workbook.cell_too_long")
    assert (error.file, error.row, error.column) == (f"bad.xlsx › sheet {SHEET}", r, H["title"])
    assert f"{MAX_CELL_CHARS:,}" in error.message


def test_a_sheet_of_countless_blank_cells_is_refused_before_it_is_loaded(book, tmp_path):
    data, path, _, _ = book

    def blank_cells(xml, fh):  # 420,000 empty, formatted cells below the requests
        head, rows, tail = split_sheet(xml)
        fh.write((head + "<sheetData>" + "".join(rows)).encode())
        for start in range(200, 21_200, 1_000):
            fh.write("".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="0"/>' for c in "ABCDEFGHIJKLMNOPQRST")
                             + "</row>" for r in range(start, start + 1_000)).encode())
        fh.write(("</sheetData>" + re.sub(r"<dimension[^>]*/>", "", tail)).encode())

    bad = rewrite_part(path, tmp_path / "cells.xlsx", sheet_part(path, SHEET), blank_cells)
    error = only(refused(data, bad), "workbook.cells")
    assert error.file == f"cells.xlsx › sheet {SHEET}" and error.row is not None and error.column


# ---------------------------------------------------------------- F8: a header typed twice


def test_a_header_that_appears_twice_is_refused_naming_both_columns(book, tmp_path):
    data, _, _, _ = book

    def second_value_column(wb, ws, r, heads):
        ws.cell(row=1, column=40, value=H["value"])  # AN
        ws.cell(row=r, column=40, value=99)

    error = only(refused(data, filled(book, tmp_path, second_value_column)), "workbook.header_twice")
    assert (error.file, error.row, error.column) == (f"bad.xlsx › sheet {SHEET}", 1, f"{VALUE_COLUMN}, AN")
    assert H["value"] in error.message


# ---------------------------------------------------------------- F13: which sheets are read


def test_a_request_sheet_is_read_by_its_headers_and_a_renamed_one_is_refused(book, tmp_path):
    data, _, _, _ = book

    def renamed(wb, ws, r, heads):
        del wb[LISTS_SHEET]
        ws.title = LISTS_SHEET  # the analyst renamed the sheet of the helper sheet just deleted

    error = only(refused(data, filled(book, tmp_path, renamed)), "workbook.sheet")
    assert error.file == f"bad.xlsx › sheet {LISTS_SHEET}" and error.row == 1
    assert SHEET in error.message and "市统计局" in error.message  # the titles the workbook was sent with


def test_an_older_workbook_without_the_sheet_record_reads_a_renamed_sheet(book, tmp_path):
    data, _, _, _ = book

    def renamed(wb, ws, r, heads):
        del wb[META_SHEET]
        ws.title = META_SHEET

    result = ingest_workbooks([filled(book, tmp_path, renamed, "old.xlsx")], data)
    assert result.figures == 1 and ("old.xlsx", META_SHEET) in result.read


def test_the_workbook_records_the_sheets_it_was_sent_with(book):
    _, path, _, _ = book
    wb = load_workbook(path)
    recorded = [row[1] for row in wb[META_SHEET].iter_rows(values_only=True) if row[0] == "sheet"]
    assert recorded == [t for t in wb.sheetnames if t not in (GUIDE_SHEET, LISTS_SHEET, EVIDENCE_SHEET, META_SHEET)]
    assert SHEET in recorded


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_request_sheet_is_refused(book, tmp_path, state):
    data, _, _, _ = book

    def hide(wb, ws, r, heads):
        ws.sheet_state = state

    error = only(refused(data, filled(book, tmp_path, hide)), "workbook.hidden")
    assert error.file == f"bad.xlsx › sheet {SHEET}" and error.row == 1 and "unhide" in error.message


def test_helper_sheets_are_skipped_whatever_they_are_called(book, tmp_path):
    data, _, _, _ = book

    def rename_helpers(wb, ws, r, heads):
        wb[GUIDE_SHEET].title = "说明"
        wb.create_sheet("我的备注")["A1"] = "备注 my notes"

    result = ingest_workbooks([filled(book, tmp_path, rename_helpers, "helpers.xlsx")], data)
    assert result.figures == 1


def test_a_recorded_sheet_whose_header_row_moved_down_is_refused_not_skipped(book, tmp_path):
    data, _, _, _ = book

    def header_down(wb, ws, r, heads):
        ws.insert_rows(1)

    errors = refused(data, filled(book, tmp_path, header_down))
    assert any(e.rule == "workbook.header" and e.file == f"bad.xlsx › sheet {SHEET}" for e in errors)


# ---------------------------------------------------------------- F11: dates


def _figure_date(value, number_format="General"):
    def change(wb, ws, r, heads):
        cell = ws.cell(row=r, column=heads[H["date"]], value=value)
        if not isinstance(value, dt.datetime):
            cell.number_format = number_format
    return change


@pytest.mark.parametrize("value,rule,words", [
    ("2025-13-45", "workbook.not_a_date", "not a date"),
    ("2025-02-30", "workbook.not_a_date", "not a date"),
    (1890, "workbook.not_a_date", "not a plausible date"),
    (dt.datetime(2099, 1, 1), "workbook.date_future", "lies in the future"),
    ("2099-01", "workbook.date_future", "lies in the future"),
    ("2023-06-01", "workbook.date_order", "before 2024"),  # the figure is of 2024
    (2023, "workbook.date_order", "before 2024"),
])
def test_an_impossible_or_implausible_source_date_is_refused(book, tmp_path, value, rule, words):
    data, _, _, key = book
    bad = filled(book, tmp_path, _figure_date(value))
    r = request_row(load_workbook(bad), key)[1]
    error = only(refused(data, bad), rule)
    assert (error.file, error.row, error.column) == (f"bad.xlsx › sheet {SHEET}", r, H["date"])
    assert words in error.message


def test_a_year_typed_in_a_date_cell_is_explained(book, tmp_path):
    data, _, _, key = book
    bad = filled(book, tmp_path, _figure_date(2024, "yyyy-mm-dd"))  # Excel shows 1905-07-16
    error = only(refused(data, bad), "workbook.not_a_date")
    assert error.column == H["date"] and "2024 typed in a cell formatted as a date" in error.message


def test_a_source_of_the_figures_own_year_is_accepted(book, tmp_path):
    data, _, _, _ = book
    result = ingest_workbooks([filled(book, tmp_path, _figure_date(2024), "ok.xlsx")], data)
    assert result.figures == 1


def test_evidence_whose_source_is_dated_before_the_event_is_refused(book, tmp_path):
    data, path, _, _ = book
    wb = load_workbook(path)
    ev = wb[EVIDENCE_SHEET]
    heads = {c.value: c.column for c in ev[1]}
    for head, value in {"事件类型 Event": "仅印发计划、通知或工作安排 [issued]", "事件日期 Date of the event": dt.datetime(2024, 5, 1),
                        "发生了什么（中文）What happened (Chinese)": "印发实施方案。", "来源标题 Source title": "关于印发方案的通知",
                        "发布或报送机关 Issuing body": "济南市人民政府", "日期 Date": "2024-04-01",
                        "文号 Document number": "济政字〔2024〕1号", "原文引语 Quote": "现将方案印发给你们。",
                        "网址（公开网页才填）URL, web pages only": "http://www.jinan.gov.cn/art/2024/5/1/art_1_1.html"}.items():
        ev.cell(row=2, column=heads[head]).value = value
    bad = tmp_path / "evidence.xlsx"
    wb.save(bad)
    error = only(refused(data, bad), "workbook.date_order")
    assert (error.file, error.row, error.column) == (f"evidence.xlsx › sheet {EVIDENCE_SHEET}", 2, "日期 Date")
    assert "before the event" in error.message


# ---------------------------------------------------------------- F12, F10: numbers and addresses, where they are


def _xml_value(xml: str, r: int, text: str) -> str:
    return re.sub(rf'(<c r="{VALUE_COLUMN}{r}"[^>]*>)<v>72</v>', rf"\g<1><v>{text}</v>", xml)


@pytest.mark.parametrize("value,rule,words", [
    ("1" + "0" * 400, "workbook.not_a_number", "too large"),  # read back as a Python int
    ("1e400", "workbook.not_a_number", "not a finite number"),  # read back as inf
    (-45, "workbook.range", "outside the plausible range 0 to 100"),
    (250, "workbook.range", "outside the plausible range 0 to 100"),
    (1e308, "workbook.range", "outside the plausible range"),
], ids=["huge-int", "inf", "negative-share", "share-over-100", "1e308"])
def test_a_value_that_is_no_usable_number_is_refused_where_it_is(book, tmp_path, value, rule, words):
    data, _, _, key = book
    if isinstance(value, str):  # Excel cannot type these; the cell's XML can hold them
        good = filled(book, tmp_path, name="one.xlsx")
        r = request_row(load_workbook(good), key)[1]
        bad = rewrite_part(good, tmp_path / "bad.xlsx", sheet_part(good, SHEET),
                           lambda xml, fh: fh.write(_xml_value(xml, r, value).encode()))
    else:
        bad = filled(book, tmp_path, lambda wb, ws, r, heads: ws.cell(row=r, column=heads[H["value"]], value=value))
    r = request_row(load_workbook(bad), key)[1]
    error = only(refused(data, bad), rule)
    assert (error.file, error.row, error.column) == (f"bad.xlsx › sheet {SHEET}", r, H["value"])
    assert words in error.message


def test_an_address_a_browser_would_read_differently_is_refused_where_it_is(book, tmp_path):
    data, _, _, key = book

    def quoted(wb, ws, r, heads):
        ws.cell(row=r, column=heads[H["kind"]], value="公开网页 [web]")
        ws.cell(row=r, column=heads[H["url"]], value='http://www.jinan.gov.cn/a" onmouseover="x .html')

    bad = filled(book, tmp_path, quoted)
    r = request_row(load_workbook(bad), key)[1]
    error = only(refused(data, bad), "workbook.url")
    assert (error.file, error.row, error.column) == (f"bad.xlsx › sheet {SHEET}", r, H["url"])


# ---------------------------------------------------------------- F9: jinan-eval workbook --out


def run_workbook(data: Path, out: Path | str, *extra: str) -> int:
    return main(["workbook", "--year", str(YEAR), "--out", str(out), "--data-dir", str(data), *extra])


def one_failure(capsys) -> str:
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("FAILED: ") and "Traceback" not in err, err
    return lines[0]


def test_workbook_out_must_be_an_xlsx_outside_the_data_folder(shipped_data_copy, tmp_path, capsys):
    data = shipped_data_copy
    before = snapshot(data)
    target = data / "observations" / next(p.name for p in (data / "observations").glob("*.csv"))
    assert run_workbook(data, target) == 1
    assert ".xlsx" in one_failure(capsys)
    assert run_workbook(data, data / "requests.xlsx") == 1
    assert "data folder" in one_failure(capsys)
    assert run_workbook(data, tmp_path / "sub" / ".." / data.name / "x.xlsx") == 1  # resolved
    assert "data folder" in one_failure(capsys)
    assert snapshot(data) == before and not (data / "requests.xlsx").exists()


def test_workbook_out_refuses_an_existing_file_unless_forced_and_a_folder(shipped_data_copy, tmp_path, capsys):
    data, tmp_path = shipped_data_copy, tmp_path / "out"
    tmp_path.mkdir()
    old = tmp_path / "requests.xlsx"
    old.write_bytes(b"the analyst's own file")
    assert run_workbook(data, old) == 1
    assert "--force" in one_failure(capsys) and old.read_bytes() == b"the analyst's own file"
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    assert run_workbook(data, folder, "--force") == 1
    assert "folder" in one_failure(capsys) and folder.is_dir() and not any(folder.iterdir())
    assert run_workbook(data, old, "--force") == 0
    assert load_workbook(old).sheetnames[0] == GUIDE_SHEET
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_workbook_out_that_cannot_be_written_fails_in_one_line_and_keeps_the_old_file(
        shipped_data_copy, tmp_path, capsys, monkeypatch):
    data, tmp_path = shipped_data_copy, tmp_path / "out"
    tmp_path.mkdir()
    old = tmp_path / "requests.xlsx"
    old.write_bytes(b"the previous workbook")

    def full_disk(src, dst):
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(os, "replace", full_disk)
    assert run_workbook(data, old, "--force") == 1
    line = one_failure(capsys)
    assert "No space left on device" in line
    assert old.read_bytes() == b"the previous workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["requests.xlsx"]  # the temporary file was removed
    monkeypatch.undo()
    # a folder that cannot be made (under /proc): the same one line
    assert run_workbook(data, "/proc/no-such-folder/requests.xlsx") == 1
    one_failure(capsys)
