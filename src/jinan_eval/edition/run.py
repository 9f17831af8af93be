"""Execute the report's notebooks with papermill, in parallel, into ``_build/notebooks/[en/]<year>/``.

* One template per kind of page (``notebooks/*.ipynb``); the key-project template runs once per project.
* Markdown placeholders ``{{ name }}`` in a template are filled before execution (page titles come from the
  plan data, not from the template), then papermill injects the parameters.
* The run writes into a staging directory and replaces the previous output only when every notebook
  succeeded: a failing notebook stops the run, is named with its cell and error, and leaves nothing
  half-written presented as good.
* Notebooks run in parallel, one worker thread per core, each with its own warm kernel (see ``warm.py``): the
  kernel's start-up is paid once per worker, and each notebook still starts from an empty namespace.
"""

from __future__ import annotations

import hashlib
import os
import queue
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..config import BUILD_DIR, DEFAULT_DATA_DIR, LANGS, TEMPLATE_DIR
from ..data import Dataset, load_dataset
from ..report.messages import Messages
from ..report.render import CHART_DIR_ENV
from ..report.text import esc
from ..store import swap_directory
from ..vocabulary import SECTION_KEY_PROJECT

# the kernel's own start-up warnings (e.g. about its local TCP sockets) would bury the progress bar
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]
HEADING_KEYS = ("overview", "headline", "dashboard", "counts", "targets", "tasks", "gaps", "data", "mechanisms",
                "sources", "coverage", "source_list", "caveats", "downloads", "search_log")
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


@dataclass(frozen=True)
class PageJob:
    """One notebook to execute: template, output name, parameters and Markdown placeholders."""

    template: str
    output: str
    parameters: dict
    placeholders: dict = field(default_factory=dict)

    @property
    def page(self) -> str:
        """The page's name in the book (its file name without .ipynb)."""
        return Path(self.output).stem


class NotebookFailed(RuntimeError):
    """A notebook raised: carries the notebook, the cell and the error."""

    def __init__(self, notebook: str, cell: int | None, error: str):
        self.notebook, self.cell, self.error = notebook, cell, error
        where = f"cell {cell}" if cell is not None else "before any cell ran"
        super().__init__(f"notebook {notebook} failed at {where}: {error}")


def page_jobs(dataset: Dataset, report_year: int, lang: str, data_dir: Path) -> list[PageJob]:
    """The notebook pages of an edition, in book order: overview, one page per key project, mechanisms, data
    and sources. The same list drives papermill and the book's table of contents."""
    m = Messages(lang)
    common = {"report_year": int(report_year), "lang": lang, "data_dir": str(data_dir), "plan_id": dataset.plan.id}
    words = {f"h_{key}": m(f"heading.{key}") for key in HEADING_KEYS}
    jobs = [PageJob("overview.ipynb", "overview.ipynb", common, {**words, "page_title": m("page.overview")})]
    projects = dataset.sections[dataset.sections["kind"] == SECTION_KEY_PROJECT]
    for rec in projects.itertuples():
        title = m("page.key_project", number=rec.number_zh, n=rec.section_id[2:],
                  title=rec.title_zh if lang == "zh" else rec.title_en)
        jobs.append(PageJob("key_project.ipynb", f"{rec.section_id.lower()}.ipynb",
                            {**common, "project_id": rec.section_id}, {**words, "page_title": title}))
    jobs.append(PageJob("mechanisms.ipynb", "mechanisms.ipynb", common,
                        {**words, "page_title": m("page.mechanisms")}))
    jobs.append(PageJob("data_sources.ipynb", "data_sources.ipynb", common,
                        {**words, "page_title": m("page.data_sources")}))
    return jobs


def fill_placeholders(nb: nbformat.NotebookNode, values: dict) -> nbformat.NotebookNode:
    """Replace ``{{ name }}`` in Markdown cells; an unknown name is an error, not an empty string."""
    def sub(match: re.Match) -> str:
        key = match.group(1)
        if key not in values:
            raise KeyError(f"template placeholder '{{{{ {key} }}}}' has no value")
        return esc(values[key])  # a title from the plan's tables is text, never markup

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _PLACEHOLDER.sub(sub, cell.source)
    return nb


def hide_injected_parameters(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Readers do not need papermill's injected cell: tag it for removal from the book."""
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    return nb


def strip_volatile_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop timings and random ids papermill records, so that the same data gives the same notebook bytes."""
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return nb


def execute_job(job: PageJob, template_dir: Path, out_dir: Path, chart_dir: Path | None = None,
                warm=None) -> Path:
    """Execute one page: in the warm kernel given (``warm.WarmKernel``), else in a kernel started for it."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    nb = nbformat.read(template_dir / job.template, as_version=4)
    fill_placeholders(nb, {**job.parameters, **job.placeholders})
    out_path = out_dir / job.output
    try:
        if warm is not None:
            from .warm import ENGINE_NAME

            # the kernel (not this process) learns its working directory and where to write the charts' SVGs
            warm.prepare(out_dir, {CHART_DIR_ENV: None if chart_dir is None else str(chart_dir)})
            result = pm.execute_notebook(nb, None, parameters=job.parameters, kernel_name="python3",
                                         progress_bar=False, log_output=False, engine_name=ENGINE_NAME, warm=warm)
        else:
            # the kernel's working directory is set through nbclient's resources, not papermill's cwd= (which
            # calls os.chdir for the whole process: unsafe with notebooks running in parallel threads)
            chart_arg = ([f"--IPKernelApp.exec_lines=import os; os.environ[{CHART_DIR_ENV!r}] = {str(chart_dir)!r}"]
                         if chart_dir is not None else [])
            result = pm.execute_notebook(nb, None, parameters=job.parameters, kernel_name="python3",
                                         progress_bar=False, log_output=False,
                                         extra_arguments=KERNEL_ARGUMENTS + chart_arg,
                                         resources={"metadata": {"path": str(out_dir)}})
    except PapermillExecutionError as exc:
        raise NotebookFailed(job.output, exc.exec_count, f"{exc.ename}: {exc.evalue}") from None
    except Exception as exc:  # kernel died, bad template …
        raise NotebookFailed(job.output, None, f"{type(exc).__name__}: {exc}") from None
    strip_volatile_metadata(hide_injected_parameters(result))
    nbformat.write(result, out_path)
    return out_path


def output_dir_for(report_year: int, lang: str, build_dir: Path = BUILD_DIR) -> Path:
    base = build_dir / "notebooks"
    return base / str(report_year) if lang == "zh" else base / "en" / str(report_year)


RUN_KEY_FILE = ".run-key"


def run_key(report_year: int, lang: str, data_dir: Path, template_dir: Path) -> str:
    """Everything an edition's notebooks depend on: data, templates, package code and parameters."""
    digest = hashlib.sha256(f"{report_year}|{lang}".encode())
    package = Path(__file__).resolve().parents[1]
    for folder, pattern in ((Path(data_dir), "*"), (Path(template_dir), "*.ipynb"), (package, "*.py")):
        for path in sorted(p for p in folder.rglob(pattern) if p.is_file() and not p.name.startswith(".")
                           and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()




def run_notebooks(report_year: int, lang: str = "zh", jobs: int | None = None, data_dir: Path = DEFAULT_DATA_DIR,
                  build_dir: Path = BUILD_DIR, template_dir: Path = TEMPLATE_DIR, progress: bool = True,
                  only: list[str] | None = None, reuse: bool = True, dataset: Dataset | None = None) -> Path:
    """Execute every page of one edition; returns the output directory. Raises :class:`NotebookFailed`.

    When the previous run of the same edition had the same inputs (:func:`run_key`) its notebooks are reused.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}")
    final = output_dir_for(report_year, lang, build_dir)
    key = run_key(report_year, lang, data_dir, template_dir)
    key_file = final / RUN_KEY_FILE
    if reuse and not only and key_file.exists() and key_file.read_text() == key:
        return final
    dataset = dataset if dataset is not None else load_dataset(data_dir)
    page_list = page_jobs(dataset, report_year, lang, Path(data_dir).resolve())
    if only:
        page_list = [j for j in page_list if j.output in only]
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{report_year}-{lang}-", dir=final.parent))
    workers = max(1, jobs or os.cpu_count() or 1)
    bar = _progress(len(page_list), f"{report_year} {lang}", progress)
    try:
        run_in_warm_kernels(page_list, workers, lambda job, warm: execute_job(
            job, template_dir, staging, staging / "charts", warm=warm), staging, bar.update)
        bar.close()
        if not only:
            (staging / RUN_KEY_FILE).write_text(key)
        swap_directory(staging, final)
    except BaseException:
        bar.close()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def run_in_warm_kernels(page_list: list[PageJob], workers: int, run_one, cwd: Path, done_one=lambda n: None) -> None:
    """Run every job, ``workers`` at a time, each worker thread in its own warm kernel. The first failure stops
    the run: no new notebook starts, the running ones finish, every kernel is shut down, the failure is raised.
    Returns only when no worker is left, so nothing writes into the staging folder after the caller removes it."""
    from .warm import WarmKernel

    todo: queue.Queue = queue.Queue()
    for job in page_list:
        todo.put(job)
    reports: queue.Queue = queue.Queue()
    stop = threading.Event()

    def worker() -> None:
        warm = None
        try:
            while not stop.is_set():
                try:
                    job = todo.get_nowait()
                except queue.Empty:
                    return
                if warm is None:
                    warm = WarmKernel(extra_arguments=KERNEL_ARGUMENTS, cwd=cwd)
                run_one(job, warm)
                reports.put(None)
        except BaseException as exc:  # noqa: BLE001 — handed to the caller's thread
            stop.set()
            reports.put(exc)
        finally:
            if warm is not None:
                warm.shutdown()

    threads = [threading.Thread(target=worker, name=f"notebooks-{i}", daemon=True)
               for i in range(min(workers, len(page_list)))]
    for thread in threads:
        thread.start()
    try:
        for _ in page_list:
            report = reports.get()
            if report is not None:
                raise report
            done_one(1)
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def _progress(total: int, label: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=f"notebooks {label}", unit="nb", disable=not enabled)
