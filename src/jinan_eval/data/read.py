"""Reading one CSV table at the door: decode, parse, repair what is safe to repair, check cells.

Repaired with a warning (the meaning is not in doubt):
  * a file saved by Excel in GBK/GB18030 (decoded as GB18030);
  * a UTF-8 byte-order mark (dropped);
  * full-width digits, signs and points in numeric cells (１２３ → 123);
  * thousands separators in numeric cells ("1,234" → 1234; only the strict 1,234,567.8 pattern).
  * line endings of any kind: Windows (CR LF), Unix (LF) and old Mac (CR, Excel's "CSV (Macintosh)", with a
    warning).
Rejected (an error; the meaning is in doubt or the data is not there):
  * an empty file, a file without data rows, a missing column;
  * a file over 50 MB (the largest table today is well under 1 MB; a bigger file is a mistake, and reading it
    whole would take memory), and a file that is a link leading outside the data folder (never read, never shown);
  * a cell longer than 20,000 characters (no figure, source or note needs one), or text the CSV format cannot
    parse (an unclosed quote …), named by file and line;
  * "%" or a unit inside a numeric cell (is "12%" 12 or 0.12? the unit belongs in the unit column);
  * any other non-numeric value in a numeric column; type, range, choice and pattern violations.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pandera.errors as pa_errors

from .problems import Report
from .schema import Table, pandera_schema

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_UNIT_IN_CELL = re.compile(r"^[+-]?\d[\d.,]*\s*(%|‰|[^\d\s.,+-].*)$")
_TRUE = {"true", "yes", "1", "y", "是"}
#: the largest file accepted
MAX_FILE_BYTES = 50 * 1024 * 1024
#: the longest cell accepted (the csv module's own limit, 131,072, would end the read with a traceback)
MAX_CELL_CHARS = 20_000
_FALSE = {"false", "no", "0", "n", "否", ""}


def decode_bytes(raw: bytes, name: str, report: Report) -> str | None:
    """Decode a CSV file's bytes: UTF-8 (BOM dropped with a warning) or GB18030 (with a warning)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        report.warning(name, None, None, "encoding.bom", "UTF-8 byte-order mark dropped")
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        report.error(name, None, None, "encoding", f"neither UTF-8 nor GB18030 ({exc.reason} at byte {exc.start})")
        return None
    report.warning(name, None, None, "encoding.gb18030", "file is not UTF-8; decoded as GBK/GB18030 (save as UTF-8)")
    return text


def parse_rows(text: str, name: str = "", report: Report | None = None
                ) -> tuple[list[str] | None, list[tuple[int, list[str]]]]:
    """Parse CSV text into a header and (line number, cells) records; blank lines are skipped. Text the CSV format
    cannot parse, and over-long cells, are errors of the report (the rows read up to there are returned)."""
    report = report if report is not None else Report()
    if "\r" in text and "\n" not in text:
        report.warning(name, None, None, "line_endings", "old Mac line endings (CR only) read as line breaks "
                       "(save as “CSV UTF-8” rather than “CSV (Macintosh)”)")
    # universal newlines: CR, LF and CR LF all end a line
    reader = csv.reader(io.StringIO(text, newline=None))
    header = None
    records: list[tuple[int, list[str]]] = []
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            limit = "field larger than field limit" in str(exc)
            report.error(name, reader.line_num, None, "cell.too_long" if limit else "csv",
                         f"a cell longer than {MAX_CELL_CHARS:,} characters" if limit
                         else f"not readable as CSV: {exc}")
            break
        line = start
        start = reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            continue
        long_cells = [i for i, c in enumerate(cells) if len(c) > MAX_CELL_CHARS]
        for i in long_cells:
            column = header[i] if i < len(header) else f"cell {i + 1}"
            report.error(name, line, column, "cell.too_long",
                         f"{len(cells[i]):,} characters; a cell may hold at most {MAX_CELL_CHARS:,}")
        if not long_cells:
            records.append((line, cells))
    return header, records


def normalise_number(cell: str) -> tuple[str, list[str]]:
    """Return the cell made parseable and the repairs applied ("fullwidth", "thousands")."""
    repairs = []
    value = cell.strip()
    folded = unicodedata.normalize("NFKC", value).replace("−", "-")
    if folded != value:
        repairs.append("fullwidth")
        value = folded.strip()
    if _THOUSANDS.match(value):
        repairs.append("thousands")
        value = value.replace(",", "")
    return value, repairs


def _coerce_numeric_cells(frame: pd.DataFrame, table: Table, name: str, lines: list[int], report: Report) -> None:
    for col in table.numeric_columns():
        if col not in frame.columns:
            continue
        values = frame[col].tolist()
        for i, cell in enumerate(values):
            if cell is None or cell.strip() == "":
                values[i] = None
                continue
            fixed, repairs = normalise_number(cell)
            for repair in repairs:
                what = "full-width characters converted" if repair == "fullwidth" else "thousands separator removed"
                report.warning(name, lines[i], col, f"number.{repair}", f"{what}: {cell!r} read as {fixed}")
            if _NUMBER.match(fixed):
                values[i] = fixed
            elif _UNIT_IN_CELL.match(fixed):
                report.error(name, lines[i], col, "number.unit_in_cell",
                             f"{cell!r} has a unit or % inside the number; write the number alone and the unit "
                             "in the unit column")
                values[i] = None
            else:
                report.error(name, lines[i], col, "number.not_numeric", f"{cell!r} is not a number")
                values[i] = None
        frame[col] = values


def _coerce_bool_cells(frame: pd.DataFrame, table: Table, name: str, lines: list[int], report: Report) -> None:
    for f in table.fields:
        if f.dtype != "bool" or f.name not in frame.columns:
            continue
        out = []
        for i, cell in enumerate(frame[f.name].tolist()):
            text = (cell or "").strip().lower()
            if text in _TRUE:
                out.append(True)
            elif text in _FALSE:
                out.append(False)
            else:
                report.error(name, lines[i], f.name, "bool", f"{cell!r} is not true/false")
                out.append(None)
        frame[f.name] = out


def _report_pandera_failures(exc: pa_errors.SchemaErrors, name: str, lines: list[int], report: Report,
                             already_reported: set[tuple[int, str]]) -> None:
    cases = exc.failure_cases
    for case in cases.itertuples(index=False):
        idx = case.index
        row = lines[int(idx)] if idx is not None and not pd.isna(idx) and int(idx) < len(lines) else None
        check = str(case.check)
        value = case.failure_case
        if check == "not_nullable":
            rule, msg = "required", "empty cell where a value is required"
        elif check.startswith("field_uniqueness") or check == "unique":
            rule, msg = "unique", f"{value!r} appears more than once"
        elif check.startswith("coerce_dtype") or check.startswith("dtype"):
            rule, msg = "type", f"{value!r} cannot be read as {check}"
        elif ": " in check:
            tag, text = check.split(": ", 1)
            rule, msg = tag, f"{value!r} breaks the rule: {text}"
        else:
            rule, msg = "rule", f"{value!r} breaks the rule: {check}"
        column = case.column if isinstance(case.column, str) else None
        if (row, column) in already_reported:
            continue
        report.error(name, row, column, rule, msg)


def read_table_text(text: str, table: Table, name: str, report: Report) -> pd.DataFrame | None:
    """Parse and check one table from decoded text. Returns the typed frame with a ``_line`` column."""
    header, records = parse_rows(text, name, report)
    if header is None:
        report.error(name, None, None, "empty", "file is empty (no header, no rows)")
        return None
    missing = [c for c in table.required_columns if c not in header]
    for col in missing:
        report.error(name, 1, col, "column.missing", f"required column '{col}' is missing from the header")
    for col in header:
        if col not in table.columns:
            report.warning(name, 1, col, "column.unknown", f"column '{col}' is not in the data dictionary; ignored")
    if missing:
        return None
    if not records:
        report.error(name, None, None, "empty", "file has a header but no data rows")
        return None
    lines = []
    data: dict[str, list[str | None]] = {c: [] for c in table.columns if c in header}
    positions = {c: header.index(c) for c in data}
    for line, cells in records:
        if len(cells) != len(header):
            report.error(name, line, None, "row.width", f"{len(cells)} cells where the header has {len(header)}")
            continue
        lines.append(line)
        for col, pos in positions.items():
            data[col].append(cells[pos].strip())
    frame = pd.DataFrame(data, dtype=object)
    _coerce_numeric_cells(frame, table, name, lines, report)
    _coerce_bool_cells(frame, table, name, lines, report)
    for f in table.fields:
        if f.dtype == "str" and f.name in frame.columns:
            frame[f.name] = frame[f.name].map(lambda v: None if v is None or v == "" else v)
    schema = pandera_schema(table)
    try:
        frame = schema.validate(frame, lazy=True)
    except pa_errors.SchemaErrors as exc:
        already = {(p.row, p.column) for p in report.problems if p.file == name and p.severity == "error"}
        _report_pandera_failures(exc, name, lines, report, already)
        frame = _coerce_leniently(frame, table)
    frame["at_file"] = name
    frame["at_line"] = lines
    return frame


def _coerce_leniently(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """After failed validation, still type the frame (bad cells become NA) so cross-checks can run."""
    out = frame.copy()
    for f in table.fields:
        if f.name not in out.columns:
            continue
        if f.dtype == "int":
            out[f.name] = pd.to_numeric(out[f.name], errors="coerce").round().astype("Int64")
        elif f.dtype == "float":
            out[f.name] = pd.to_numeric(out[f.name], errors="coerce").astype(float)
        elif f.dtype == "bool":
            out[f.name] = out[f.name].astype("boolean")
    return out


def read_file_bytes(path: Path, name: str, report: Report, data_dir: Path | None = None) -> bytes | None:
    """A data file's bytes, or None with an error: unreadable, a link leading outside the data folder, too big."""
    if data_dir is not None and path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(Path(data_dir).resolve()):
            report.error(name, None, None, "file.link", "is a link to a file outside the data folder; not read")
            return None
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            report.error(name, None, None, "file.size", f"{size / 1024 ** 2:,.0f} MB; a data file may be at most "
                         f"{MAX_FILE_BYTES // 1024 ** 2} MB (split it by topic, as observations/ is)")
            return None
        return path.read_bytes()
    except OSError as exc:
        report.error(name, None, None, "file.missing", f"cannot read file: {exc.strerror}")
        return None


def read_table(path: Path, table: Table, report: Report, data_dir: Path | None = None) -> pd.DataFrame | None:
    """Read and check one CSV file of ``table``; problems are added to ``report``."""
    name = str(path.relative_to(data_dir)) if data_dir is not None else str(path)
    raw = read_file_bytes(path, name, report, data_dir)
    if raw is None:
        return None
    if not raw.strip():
        report.error(name, None, None, "empty", "file is empty (no header, no rows)")
        return None
    text = decode_bytes(raw, name, report)
    if text is None:
        return None
    return read_table_text(text, table, name, report)
