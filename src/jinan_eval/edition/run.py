"""Execute the report's notebooks with papermill, in parallel, into ``_build/notebooks/[en/]<year>/``.

* One template per kind of page (``notebooks/*.ipynb``); the key-project template runs once per project.
* Markdown placeholders ``{{ name }}`` in a template are filled before execution (page titles come from the
  plan data, not from the template), then papermill injects the parameters.
* The run writes into a staging directory and replaces the previous output only when every notebook
  succeeded: a failing notebook stops the run, is named with its cell and error, and leaves nothing
  half-written presented as good.
* Notebooks run in parallel, one worker thread per core, each with its own warm kernel (see ``warm.py``): the
  kernel's start-up is paid once per worker, and each notebook still starts from an empty namespace. A build
  starts the workers (:class:`KernelPool`) before it loads the data, so the kernels start meanwhile.
* A page runs again only when what it reads changed (:func:`page_keys`); a summary page whose inputs changed but
  whose content did not is reused too (``probe.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pandas as pd

from ..config import BUILD_DIR, DEFAULT_DATA_DIR, LANGS, TEMPLATE_DIR
from ..data import Dataset, load_dataset
from ..data.schema import EVIDENCE, OBSERVATIONS, SEARCH_LOG, SOURCES
from ..report.context import CONTENT_DIGEST_ENV, Context, EditionResults, save_edition
from ..report.messages import Messages
from ..report.render import CHART_DIR_ENV
from ..report.text import esc
from ..store import build_lock, hash_files, staging_folder, swap_directory
from ..vocabulary import SECTION_KEY_PROJECT, SECTION_MAIN, SECTION_MECHANISM, SECTION_SAFEGUARD

# the kernel's own start-up warnings (e.g. about its local TCP sockets) would bury the progress bar
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]
HEADING_KEYS = ("overview", "headline", "dashboard", "counts", "targets", "tasks", "gaps", "data", "mechanisms",
                "sources", "coverage", "source_list", "caveats", "downloads", "missing", "departments")
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


@dataclass(frozen=True)
class PageJob:
    """One notebook to execute: template, output name, parameters and Markdown placeholders."""

    template: str
    output: str
    parameters: dict
    placeholders: dict = field(default_factory=dict)
    #: the sections whose rows the page reads (its run key covers only those); None: a summary of every section
    sections: tuple[str, ...] | None = None

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
    """The notebook pages of an edition, in book order: overview, the main targets, one page per key project,
    mechanisms, data and sources. The same list drives papermill and the book's table of contents."""
    m = Messages(lang)
    common = {"report_year": int(report_year), "lang": lang, "data_dir": str(data_dir), "plan_id": dataset.plan.id}
    words = {f"h_{key}": m(f"heading.{key}") for key in HEADING_KEYS}
    jobs = [PageJob("overview.ipynb", "overview.ipynb", common, {**words, "page_title": m("page.overview")})]
    # the plan's main targets: a page like a key project's (their ratings or data requests, evidence, charts)
    for rec in dataset.sections[dataset.sections["kind"] == SECTION_MAIN].itertuples():
        # (the plan's Chinese numbering, 二, is part of the Chinese title only)
        title = m("page.main_targets", number=rec.number_zh if lang == "zh" else "",
                  title=rec.title_zh if lang == "zh" else rec.title_en)
        jobs.append(PageJob("key_project.ipynb", f"{rec.section_id.lower()}.ipynb",
                            {**common, "project_id": rec.section_id}, {**words, "page_title": title},
                            sections=(rec.section_id,)))
    projects = dataset.sections[dataset.sections["kind"] == SECTION_KEY_PROJECT]
    for rec in projects.itertuples():
        title = m("page.key_project", number=rec.number_zh, n=rec.section_id[2:],
                  title=rec.title_zh if lang == "zh" else rec.title_en)
        jobs.append(PageJob("key_project.ipynb", f"{rec.section_id.lower()}.ipynb",
                            {**common, "project_id": rec.section_id}, {**words, "page_title": title},
                            sections=(rec.section_id,)))
    mechanisms = dataset.sections[dataset.sections["kind"].isin((SECTION_MECHANISM, SECTION_SAFEGUARD))]
    jobs.append(PageJob("mechanisms.ipynb", "mechanisms.ipynb", common,
                        {**words, "page_title": m("page.mechanisms")}, sections=tuple(mechanisms["section_id"])))
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
                warm=None, digest_file: Path | None = None, edition_file: Path | None = None) -> Path:
    """Execute one page: in the warm kernel given (``warm.WarmKernel``), else in a kernel started for it. With
    ``digest_file``, the kernel writes there a hash of each block the page shows (:mod:`.probe`); with
    ``edition_file`` (warm kernels only), the page starts from the build's data and assessment written there
    (``report.context.save_edition``) instead of loading the data folder."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    nb = nbformat.read(template_dir / job.template, as_version=4)
    fill_placeholders(nb, {**job.parameters, **job.placeholders})
    out_path = out_dir / job.output
    try:
        if warm is not None:
            from .warm import ENGINE_NAME

            # the kernel (not this process) learns its working directory and where to write the charts' SVGs
            warm.prepare(out_dir, {CHART_DIR_ENV: None if chart_dir is None else str(chart_dir),
                                   CONTENT_DIGEST_ENV: None if digest_file is None else str(digest_file)},
                         edition_file)
            result = pm.execute_notebook(nb, None, parameters=job.parameters, kernel_name="python3",
                                         progress_bar=False, log_output=False, engine_name=ENGINE_NAME, warm=warm)
        else:
            # the kernel's working directory is set through nbclient's resources, not papermill's cwd= (which
            # calls os.chdir for the whole process: unsafe with notebooks running in parallel threads)
            environ = {name: str(value) for name, value in ((CHART_DIR_ENV, chart_dir), (CONTENT_DIGEST_ENV, digest_file))
                       if value is not None}
            chart_arg = [f"--IPKernelApp.exec_lines=import os; os.environ.update({environ!r})"] if environ else []
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


PAGE_KEYS_FILE = ".page-keys.json"
#: the build's data and assessment, for the kernels (in the staging folder while the pages run, then removed)
EDITION_FILE = ".edition.pickle"
#: the tables whose rows belong to targets: a key-project page reads only its own targets' rows of these
PER_TARGET_TABLES = (OBSERVATIONS, SOURCES, EVIDENCE)
#: what no page reads: the evaluation team's record of its searches (kept in the repository, never published)
UNREAD_TABLES = (SEARCH_LOG,)


#: where a row was read (file and line): no page shows it, and a row removed above it in the same file moves it
POSITION_COLUMNS = ["at_file", "at_line"]


def _frame_digest(frame: pd.DataFrame | None) -> bytes:
    if frame is None or frame.empty:
        return b"-"
    frame = frame.drop(columns=POSITION_COLUMNS, errors="ignore").reset_index(drop=True)
    return ("|".join(map(str, frame.columns)) + "\0").encode() + pd.util.hash_pandas_object(frame, index=False).values.tobytes()


def _shared_digest(report_year: int, lang: str, dataset: Dataset, template_dir: Path) -> hashlib._Hash:
    """What every page reads: parameters, templates, the package's code and messages, and every data file except
    the per-target tables (those enter each page's key through the rows it reads)."""
    digest = hashlib.sha256(f"{report_year}|{lang}".encode())
    data_dir = Path(dataset.data_dir)
    per_target = {path for table in PER_TARGET_TABLES + UNREAD_TABLES
                  for path in data_dir.glob(f"{dataset.plan.folder}/{table.path}" if table.in_plan else table.path)}
    package = Path(__file__).resolve().parents[1]
    hash_files(digest, data_dir, skip=per_target, hidden=False)
    for folder, pattern in ((template_dir, "*.ipynb"), (package, "*.py"), (package, "*.yml")):
        hash_files(digest, folder, pattern, hidden=False)
    return digest


def section_rows(dataset: Dataset, sections: tuple[str, ...] | list[str] | str) -> list[pd.DataFrame]:
    """The rows of the per-target tables that a page of these sections reads: their targets' observations and
    those of the sections' own indicators (with the related indicators' and other regions' figures of the same
    indicators), their targets' evidence, and the sources these rows cite."""
    sections = {sections} if isinstance(sections, str) else set(sections)
    targets = dataset.targets[dataset.targets["section_id"].isin(sections)]
    ids = set(targets["target_id"])
    indicators = set(targets["indicator_key"].dropna())
    indicators |= set(dataset.indicators.loc[dataset.indicators["section_id"].isin(sections), "indicator_key"])
    if "related_indicator" in dataset.indicators:
        related = dataset.indicators.loc[dataset.indicators["indicator_key"].isin(indicators), "related_indicator"]
        indicators |= set(related.dropna()) - {""}
    observations = dataset.observations[dataset.observations["indicator_key"].isin(indicators)]
    evidence = (dataset.evidence[dataset.evidence["target_id"].isin(ids)] if dataset.evidence is not None
                else None)
    cited = set(observations["source_id"]) | (set(evidence["source_id"]) if evidence is not None else set())
    return [observations, evidence, dataset.sources[dataset.sources["source_id"].isin(cited)]]


def page_keys(dataset: Dataset, jobs: list[PageJob], report_year: int, lang: str, template_dir: Path,
              shared: str | None = None) -> dict[str, str]:
    """One key per page: everything it reads. A page of some sections (a key project's; the mechanisms') reads
    the shared files and those sections' rows (:func:`section_rows`); the overview and the sources page summarise
    every target, so they read all rows. A changed figure of one key project therefore changes that project's key
    and the summary pages' keys."""
    shared = shared or _shared_digest(report_year, lang, dataset, template_dir).hexdigest()
    everything = [dataset.observations, dataset.evidence, dataset.sources]
    keys = {}
    for job in jobs:
        digest = hashlib.sha256(shared.encode())
        for frame in (section_rows(dataset, job.sections) if job.sections is not None else everything):
            digest.update(_frame_digest(frame))
        keys[job.output] = digest.hexdigest()
    return keys


def run_notebooks(report_year: int, lang: str = "zh", jobs: int | None = None, data_dir: Path = DEFAULT_DATA_DIR,
                  build_dir: Path = BUILD_DIR, template_dir: Path = TEMPLATE_DIR, progress: bool = True,
                  only: list[str] | None = None, reuse: bool = True, dataset: Dataset | None = None,
                  pool: KernelPool | None = None, results: EditionResults | None = None) -> Path:
    """Execute the pages of one edition whose inputs changed; returns the output directory. Raises
    :class:`NotebookFailed`.

    Each page has a key (:func:`page_keys`); a page whose key is the one recorded by the previous run of the same
    edition is reused as it is (its notebook and its charts), the others are executed — except a summary page
    whose key changed but whose content did not (:mod:`.probe`: the content's hash is the one recorded), which is
    reused too. ``reuse=False`` executes every page; ``only`` executes just the pages named (and records no
    keys). ``pool``: kernels already starting (see :class:`KernelPool`), closed when the run ends; without it the
    run starts its own. The data is loaded and validated once, here (or given as ``dataset``), and assessed once
    (or given as ``results``); every page and every probe starts from these objects (the kernels read them from
    one file in the staging folder), never from the data folder.
    """
    from .probe import probe, recorded_digest

    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}")
    with build_lock(build_dir):
        final = output_dir_for(report_year, lang, build_dir)
        dataset = dataset if dataset is not None else load_dataset(data_dir)
        page_list = page_jobs(dataset, report_year, lang, Path(data_dir).resolve())
        shared = _shared_digest(report_year, lang, dataset, template_dir).hexdigest()
        keys = page_keys(dataset, page_list, report_year, lang, template_dir, shared)
        if only:
            page_list = [j for j in page_list if j.output in only]
        recorded = _recorded(final) if reuse and not only else {}
        previous, contents = recorded.get("keys", {}), recorded.get("contents", {})
        changed = [j for j in page_list if previous.get(j.output) != keys[j.output] or not (final / j.output).exists()]
        if not changed and not only:
            if pool is not None:
                pool.close()
            return final
        # summary pages that may show what they showed before: probed here while the other pages run
        probed = [j for j in changed if j.sections is None and j.output in contents and (final / j.output).exists()]
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = staging_folder(build_dir, f"notebooks-{report_year}-{lang}-")
        workers = max(1, jobs or os.cpu_count() or 1)
        own_pool = pool is None
        pool = pool if pool is not None else KernelPool(min(workers, len(changed)), staging, eager=1)
        reused = [j for j in page_list if j not in changed]
        bar = _progress(len(changed), f"{report_year} {lang}" + (f" ({len(reused)} reused)" if reused else ""),
                        progress)
        results = results if results is not None else EditionResults.compute(dataset, report_year)
        contexts = {(int(report_year), lang): Context(dataset, int(report_year), lang, results)}
        digests = staging / ".content"  # the block hashes the summary pages' kernels write
        edition_file = staging / EDITION_FILE

        def run_one(job, warm):
            execute_job(job, template_dir, staging, staging / "charts", warm=warm,
                        digest_file=digests / f"{job.output}.txt" if job.sections is None else None,
                        edition_file=edition_file)

        try:
            digests.mkdir()
            save_edition(edition_file, dataset, results)
            for job in reused:
                shutil.copyfile(final / job.output, staging / job.output)
            if (reused or probed) and (final / "charts").is_dir():
                shutil.copytree(final / "charts", staging / "charts")
            pool.submit([j for j in changed if j not in probed], run_one)
            new_contents = {j.output: contents[j.output] for j in reused if j.sections is None and j.output in contents}
            for job in probed:
                if probe(template_dir / job.template, job.parameters, dataset, shared, contexts) == contents[job.output]:
                    new_contents[job.output] = contents[job.output]
                    shutil.copyfile(final / job.output, staging / job.output)
                    bar.update(1)
                else:
                    pool.submit([job], run_one)
            pool.wait(bar.update)
            pool.release()  # the kernels shut down while this run finishes (the caller's close() waits for them)
            bar.close()
            for job in changed:  # the content of the summary pages executed now, for the next run to compare with
                if job.sections is None and job.output not in new_contents:
                    digest = recorded_digest(digests / f"{job.output}.txt", shared)
                    if digest is not None:
                        new_contents[job.output] = digest
            shutil.rmtree(digests)
            edition_file.unlink()
            _drop_unused_charts(staging)
            if not only:
                (staging / PAGE_KEYS_FILE).write_text(json.dumps({"keys": keys, "contents": new_contents}, indent=1,
                                                                 sort_keys=True), encoding="utf-8")
            swap_directory(staging, final)
        except BaseException:
            pool.close()
            bar.close()
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            if own_pool:
                pool.close()
        return final


def _recorded(folder: Path) -> dict:
    """What the previous run recorded: each page's key, and each summary page's content hash."""
    try:
        recorded = json.loads((folder / PAGE_KEYS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return recorded if isinstance(recorded, dict) and isinstance(recorded.get("keys"), dict) else {}


_CHART_FILE = re.compile(r"chart-[0-9a-f]{16}\.svg")


def _drop_unused_charts(folder: Path) -> None:
    """Static chart images no notebook of the folder refers to any more (a reused folder keeps only live ones)."""
    charts = folder / "charts"
    if not charts.is_dir():
        return
    used = {name for nb in folder.glob("*.ipynb") for name in _CHART_FILE.findall(nb.read_text(encoding="utf-8"))}
    for svg in charts.glob("chart-*.svg"):
        if svg.name not in used:
            svg.unlink()


class KernelPool:
    """Worker threads, each with its own warm kernel, running the jobs submitted to the pool. A build starts the
    pool before it knows which pages must run: the first ``eager`` workers start their kernels at once (while the
    build loads the data and keys the pages), the others only when there are jobs enough for them, so a rebuild
    that runs one page starts one kernel. :meth:`close` ends the pool (every kernel shut down, every thread gone)
    and may be called any number of times."""

    def __init__(self, workers: int, cwd: Path, eager: int | None = None) -> None:
        self.todo: queue.Queue = queue.Queue()
        self.reports: queue.Queue = queue.Queue()
        self.stop = threading.Event()
        self.released = threading.Event()
        workers = max(1, workers)
        self.wanted = [threading.Event() for _ in range(workers)]
        for event in self.wanted[:workers if eager is None else eager]:
            event.set()
        self.submitted = self.finished = 0
        self.threads = [threading.Thread(target=self._worker, args=(i, cwd), name=f"notebooks-{i}", daemon=True)
                        for i in range(workers)]
        for thread in self.threads:
            thread.start()

    def _worker(self, i: int, cwd: Path) -> None:
        from .warm import WarmKernel

        self.wanted[i].wait()
        if self.stop.is_set() or self.released.is_set():
            return  # the pool ended before this worker was needed: no kernel was started
        warm, failed = None, None
        try:
            warm = WarmKernel(extra_arguments=KERNEL_ARGUMENTS, cwd=cwd)
        except BaseException as exc:  # noqa: BLE001 — reported with the first job this worker takes
            failed = exc
        try:
            while True:
                item = self.todo.get()
                if item is None:
                    return
                if self.stop.is_set():
                    continue
                job, run_one = item
                try:
                    if failed is not None:
                        raise failed
                    run_one(job, warm)
                    self.reports.put(None)
                except BaseException as exc:  # noqa: BLE001 — handed to the caller's thread
                    self.stop.set()
                    self.reports.put(exc)
        finally:
            if warm is not None:
                warm.shutdown()

    def submit(self, page_list: list[PageJob], run_one) -> None:
        """Queue jobs (a worker per job at most, up to the pool's size, is woken)."""
        for job in page_list:
            self.todo.put((job, run_one))
        self.submitted += len(page_list)
        for event in self.wanted[:min(self.submitted, len(self.wanted))]:
            event.set()

    def wait(self, done_one=lambda n: None) -> None:
        """Wait for every job submitted so far. The first failure stops the run: no new notebook starts, the
        running ones finish, every kernel is shut down, the failure is raised. After a failure it returns only
        when no worker is left, so nothing writes into the staging folder after the caller removes it."""
        try:
            while self.finished < self.submitted:
                report = self.reports.get()
                if report is not None:
                    raise report
                self.finished += 1
                done_one(1)
        except BaseException:
            self.close()
            raise

    def run(self, page_list: list[PageJob], run_one, done_one=lambda n: None) -> None:
        """Submit, wait, close."""
        try:
            self.submit(page_list, run_one)
            self.wait(done_one)
        finally:
            self.close()

    def release(self) -> None:
        """Every job is done: the workers shut their kernels down meanwhile (:meth:`close` waits for them)."""
        self.released.set()
        for event in self.wanted:
            event.set()
        for _ in self.threads:
            self.todo.put(None)

    def close(self) -> None:
        """Stop: no queued job starts; every worker ends (its kernel shut down) before this returns."""
        self.stop.set()
        self.release()
        for thread in self.threads:
            thread.join()
        self.threads = []


def _progress(total: int, label: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=f"notebooks {label}", unit="nb", disable=not enabled)
