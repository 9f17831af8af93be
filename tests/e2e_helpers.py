"""Helpers shared by the end-to-end tests (book build, fault injection, browser)."""

from __future__ import annotations

import contextlib
import csv
import http.server
import os
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

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


REQUEST_KEY = "请求代码（读回用，请勿修改）Request key"
H = {"value": "数值 Value", "measure": "口径 Measure", "unit": "单位 Unit", "base_year": "基期年 Base year",
     "period": "期间 Period", "kind": "来源类型 Source kind", "title": "来源标题（报表、函件或文件名）Source title",
     "issuer": "发布或报送机关 Issuing body", "date": "日期 Date", "number": "文号或统计报表号 Document or form number",
     "office": "报送处室 Office that supplied it", "url": "网址（公开网页才填）URL, web pages only",
     "locator": "页码或表号 Page or table", "accepted": "可接受的口径 Accepted measures", "targets": "服务的目标 Targets"}


def request_row(wb, request_key: str):
    """(sheet, row number, header → column number) of one request (``indicator·region·year``) of a workbook."""
    for ws in wb.worksheets:
        heads = {c.value: c.column for c in ws[1] if c.value}
        if REQUEST_KEY not in heads:
            continue
        for r in range(2, ws.max_row + 1):
            if ws.cell(row=r, column=heads[REQUEST_KEY]).value == request_key:
                return ws, r, heads
    raise AssertionError(f"no request {request_key}")


def first_accepted_measure(ws, r: int, heads: dict) -> str:
    """The first measure a request accepts, as the drop-down writes it."""
    from jinan_eval.edition.workbook import measure_words
    from jinan_eval.report.messages import Messages

    first = str(ws.cell(row=r, column=heads[H["accepted"]]).value).split("；")[0]
    return next(choice for choice in measure_words(Messages("zh")).values() if choice.split(" [")[0] == first)


def fill_request(wb, request_key: str, value, **cells):
    """Type a value and its source into one request row, as a department answering from its own return would (no
    web address); ``cells`` (header → value) change any of it. Returns the value cell."""
    import datetime as dt

    ws, r, heads = request_row(wb, request_key)
    ws.cell(row=r, column=heads[H["value"]]).value = value
    defaults = {H["measure"]: first_accepted_measure(ws, r, heads), H["kind"]: "部门报送 [department]",
                H["title"]: "济南市城市建设统计资料", H["issuer"]: "济南市城乡水务局", H["date"]: dt.datetime(2025, 4, 1),
                H["number"]: "济水字〔2025〕1号", H["office"]: "市城乡水务局规划建设处", H["locator"]: "表3"}
    for head, cell_value in {**defaults, **cells}.items():
        ws.cell(row=r, column=heads[head]).value = cell_value
    return ws.cell(row=r, column=heads[H["value"]])


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


def edition_blocks(dataset, report_year: int, lang: str) -> list:
    """Every block every notebook page of an edition shows, found from the edition's page list (the same list the
    build runs) and each page's template, computed in this process (edition/probe.py's interpreter)."""
    from jinan_eval.config import TEMPLATE_DIR
    from jinan_eval.edition.probe import page_blocks
    from jinan_eval.edition.run import page_jobs
    from jinan_eval.report.context import Context, EditionResults

    contexts = {(int(report_year), lang): Context(dataset, int(report_year), lang,
                                                  EditionResults.compute(dataset, report_year))}
    blocks = []
    for job in page_jobs(dataset, report_year, lang, Path(dataset.data_dir)):
        blocks += page_blocks(TEMPLATE_DIR / job.template, job.parameters, dataset, contexts)
    return blocks


# ---------------------------------------------------------------- a built site served locally, opened in Chromium

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


CHART_TIMEOUT_MS = 30_000


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


@contextlib.contextmanager
def served_site(directory: Path):
    """A built site served on 127.0.0.1 (a free port) for the block; yields "host:port"."""
    import functools

    handler = functools.partial(QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, name="e2e-http", daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@contextlib.contextmanager
def chromium_browser():
    """Debian's Chromium, headless, driven by Playwright, for the block."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


class Visit:
    """One page opened in a fresh context, with everything that went wrong recorded."""

    def __init__(self, browser, host: str):
        self.host = host
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.external: list[str] = []
        self.requested: list[str] = []
        self.dialogs: list[str] = []
        self.failed: list[str] = []
        self.bad_responses: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(
            f"{m.text} @ {m.location.get('url', '')}"))
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url}: {r.failure}"))
        self.page.on("response", lambda r: r.status >= 400 and self.bad_responses.append(f"{r.status} {r.url}"))

    def _route(self, route):
        url = route.request.url
        self.requested.append(url)
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            route.continue_()
        elif parts.netloc != self.host:
            self.external.append(url)
            route.abort()
        else:
            route.continue_()

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, path: str):
        response = self.page.goto(f"http://{self.host}/{path}", wait_until="load")
        assert response is not None and response.ok, f"{path}: HTTP {response.status if response else '?'}"
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_timeout(500)  # late requests (the browser fetches the page's icon after load)
        return self.page

    def problems(self) -> list[str]:
        """Everything that went wrong on the page."""
        out = [f"request to another host: {u}" for u in self.external]
        out += [f"console error: {m}" for m in self.console_errors]
        out += [f"page error: {m}" for m in self.page_errors]
        out += [f"failed request: {m}" for m in self.failed]
        out += [f"HTTP error: {m}" for m in self.bad_responses]
        out += [f"dialog: {m}" for m in self.dialogs]
        return out

    def close(self):
        self.context.close()


def wait_for_charts(page) -> int:
    """Wait until every chart container holds a rendered Vega SVG; returns the number of charts."""
    n = page.locator(".jinan-chart").count()
    if n:
        page.wait_for_function(
            """() => [...document.querySelectorAll('.jinan-chart')]
                   .every(c => c.querySelector('svg.marks') !== null)""",
            timeout=CHART_TIMEOUT_MS)
    return n
