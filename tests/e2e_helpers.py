"""Helpers shared by the end-to-end tests (book build, fault injection, browser)."""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import threading
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_DATA = ROOT / "data"
SHIPPED_TEMPLATES = ROOT / "notebooks"
ARTIFACTS = ROOT / "_build" / "test-artifacts"


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` (relative path → bytes)."""
    directory = Path(directory)
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def diff_snapshots(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    """Human-readable differences between two snapshots (empty when identical)."""
    out = [f"removed: {k}" for k in sorted(before.keys() - after.keys())]
    out += [f"added: {k}" for k in sorted(after.keys() - before.keys())]
    out += [f"changed: {k}" for k in sorted(before.keys() & after.keys()) if before[k] != after[k]]
    return out


def hidden_entries(directory: Path) -> list[str]:
    """Leftovers of an interrupted write under ``directory``: folders whose name starts with "." (staging,
    ``.build-*``, ``.*.old-*``) and temporary files ``.<name>.*.tmp``. Plain dotfiles that a build keeps on
    purpose (e.g. the notebooks' ``.run-key``) are not leftovers."""
    directory = Path(directory)
    if not directory.exists():
        return []
    return sorted(str(p.relative_to(directory)) for p in directory.rglob(".*")
                  if p.is_dir() or p.name.endswith(".tmp") or ".old-" in p.name)


def rewrite_csv(path: Path, edit) -> None:
    """Rewrite a CSV through the csv module (quoting stays valid); ``edit(rows)`` changes the rows in place."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames
        rows = list(reader)
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def copy_templates(target: Path, extra_cells: dict[str, list[nbformat.NotebookNode]] | None = None) -> Path:
    """Copy notebooks/ to ``target``; append ``extra_cells[name]`` to the named templates."""
    shutil.copytree(SHIPPED_TEMPLATES, target)
    for name, cells in (extra_cells or {}).items():
        path = target / name
        nb = nbformat.read(path, as_version=4)
        nb.cells.extend(cells)
        nbformat.write(nb, path)
    return target


def wait_for_worker_threads(timeout: float = 300.0) -> bool:
    """Wait until no ThreadPoolExecutor worker of this process is alive (a failed run's stragglers finish their
    notebook in the background). Returns False if some are still alive after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = [t for t in threading.enumerate()
                if t.name.startswith("ThreadPoolExecutor") and t.is_alive() and t is not threading.current_thread()]
        if not busy:
            return True
        for t in busy:
            t.join(timeout=max(0.1, min(5.0, deadline - time.monotonic())))
    return False


def current_dir() -> str:
    """The process's working directory, or "<deleted>" when it no longer exists."""
    try:
        return os.getcwd()
    except FileNotFoundError:
        return "<deleted>"


@contextlib.contextmanager
def restored_cwd():
    """Put the working directory back afterwards, so that a build that moves it cannot break later tests."""
    saved = os.getcwd()
    try:
        yield saved
    finally:
        os.chdir(saved)


# ---------------------------------------------------------------- the request workbook, filled as an analyst would


def request_row(wb, request_id: str):
    """(sheet, row number, header → column number) of one request of a data-request workbook."""
    for ws in wb.worksheets:
        heads = {c.value: c.column for c in ws[1] if c.value}
        if "编号 Request" not in heads:
            continue
        for r in range(2, ws.max_row + 1):
            if ws.cell(row=r, column=heads["编号 Request"]).value == request_id:
                return ws, r, heads
    raise AssertionError(f"no request {request_id}")


def fill_request(wb, request_id: str, value, **cells):
    """Type a value and its source into one request row; returns the value cell."""
    import datetime as dt

    ws, r, heads = request_row(wb, request_id)
    ws.cell(row=r, column=heads["数值 Value"]).value = value
    defaults = {"来源标题 Source title": "济南市城市建设统计资料", "发布机关 Issuing body": "济南市城乡水务局",
                "发布日期 Date": dt.datetime(2025, 4, 1), "文号 Document number": "济水字〔2025〕1号",
                "网址 URL": "http://jnepb.jinan.gov.cn/art/2025/4/1/art_1_1.html", "页码或表号 Page or table": "表3"}
    for head, cell_value in {**defaults, **cells}.items():
        ws.cell(row=r, column=heads[head]).value = cell_value
    return ws.cell(row=r, column=heads["数值 Value"])


def fill_sewage_requests(wb, region: str) -> None:
    """The analyst's answers the tests use: the urban sewage collection rate of the base year (typed as 60% in a
    percentage cell) and of 2024, and the sewage treatment capacity added since the base year."""
    fill_request(wb, f"urban_sewage_collection_rate·{region}·2020", 0.60).number_format = "0%"
    fill_request(wb, f"urban_sewage_collection_rate·{region}·2024", 72)
    fill_request(wb, f"sewage_treatment_capacity_added·{region}·2024", 30)


def ingest_filled_workbook(data: Path, folder: Path, year: int) -> Path:
    """Write the request workbook of ``data``, fill the sewage requests, save it and read it back into ``data``."""
    from openpyxl import load_workbook

    from jinan_eval.data import load_dataset
    from jinan_eval.edition.workbook import ingest_workbook, write_request_workbook

    blank = folder / "requests.xlsx"
    dataset = load_dataset(data)
    write_request_workbook(dataset, year, blank)
    wb = load_workbook(blank)
    fill_sewage_requests(wb, dataset.plan.region)
    filled = folder / "filled.xlsx"
    wb.save(filled)
    ingest_workbook(filled, data)
    return filled
