"""Warm kernels (jinan_eval.edition.warm): one kernel per worker, a clean namespace per notebook, the same bytes as
a kernel started for each notebook, and no kernel left behind."""

from __future__ import annotations

import threading

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from jinan_eval.config import DEFAULT_DATA_DIR, TEMPLATE_DIR
from jinan_eval.data import load_dataset
from jinan_eval.edition.run import KernelPool, NotebookFailed, PageJob, execute_job, page_jobs
from jinan_eval.edition.warm import WarmKernel

pytestmark = pytest.mark.slow  # starts kernels or Sphinx: not in the fast tier


def notebook(*sources: str) -> nbformat.NotebookNode:
    nb = new_notebook(cells=[new_code_cell("marker = None")] + [new_code_cell(s) for s in sources])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def write_templates(folder, **notebooks):
    folder.mkdir()
    for name, nb in notebooks.items():
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def outputs(path) -> list:
    nb = nbformat.read(path, as_version=4)
    return [(c.get("execution_count"), [o.get("text", o.get("data", {}).get("text/plain")) for o in c.outputs])
            for c in nb.cells if c.cell_type == "code"]


def test_each_notebook_starts_from_an_empty_namespace_and_count_one(tmp_path):
    templates = write_templates(
        tmp_path / "t",
        first=notebook("leftover = 42\nimport json", "print(marker)"),
        second=notebook("print(sorted(n for n in ('leftover', 'json') if n in dir()))",
                        "import os\nprint(os.getcwd())", "print(marker)"))
    out = tmp_path / "out"
    out.mkdir()
    jobs = [PageJob("first.ipynb", "first.ipynb", {"marker": "a"}), PageJob("second.ipynb", "second.ipynb", {"marker": "b"})]
    kernels = []

    def run_one(job, warm):
        kernels.append(warm)
        execute_job(job, templates, out, warm=warm)

    KernelPool(1, out).run(jobs, run_one)
    assert len({id(k) for k in kernels}) == 1, "both notebooks ran in the same kernel"
    second = outputs(out / "second.ipynb")
    # the parameters cell, papermill's injected one, then the three cells above, counted from 1
    assert [count for count, _ in second] == [1, 2, 3, 4, 5]
    assert second[2][1] == ["[]\n"], "names of the first notebook are gone"
    assert second[3][1] == [f"{out}\n"]
    assert second[4][1] == ["b\n"]
    assert not kernels[0].km.has_kernel, "the kernel is shut down at the end"


def test_a_warm_kernel_gives_the_same_bytes_as_a_fresh_one(tmp_path):
    jobs = [j for j in page_jobs(load_dataset(), 2023, "zh", DEFAULT_DATA_DIR) if j.output in ("overview.ipynb", "kp3.ipynb", "kp4.ipynb", "mechanisms.ipynb")]
    fresh, warm = tmp_path / "fresh", tmp_path / "warm"
    fresh.mkdir()
    warm.mkdir()
    for job in jobs:
        execute_job(job, TEMPLATE_DIR, fresh, fresh / "charts")
    KernelPool(1, warm).run(jobs, lambda job, k: execute_job(job, TEMPLATE_DIR, warm, warm / "charts", warm=k))
    for job in jobs:
        assert (warm / job.output).read_bytes() == (fresh / job.output).read_bytes(), job.output
    assert sorted(p.name for p in (warm / "charts").iterdir()) == sorted(p.name for p in (fresh / "charts").iterdir())


def test_the_first_failure_stops_the_run_and_every_kernel_is_shut_down(tmp_path):
    templates = write_templates(tmp_path / "t", bad=notebook("raise ValueError('planted')"), good=notebook("1 + 1"))
    out = tmp_path / "out"
    out.mkdir()
    jobs = [PageJob("bad.ipynb", "bad.ipynb", {})] + [PageJob("good.ipynb", f"good{i}.ipynb", {}) for i in range(6)]
    kernels: list[WarmKernel] = []
    before = threading.active_count()

    def run_one(job, warm):
        kernels.append(warm)
        execute_job(job, templates, out, warm=warm)

    with pytest.raises(NotebookFailed, match="ValueError: planted"):
        KernelPool(2, out).run(jobs, run_one)
    assert len(list(out.glob("good*.ipynb"))) < 6, "no new notebook starts after the failure"
    assert all(not k.km.has_kernel for k in kernels)
    assert threading.active_count() == before


def test_a_warm_kernel_has_the_report_imported_but_not_the_unused_iri_grammar(tmp_path):
    from jinan_eval.edition.warm import KernelFailed

    kernel = WarmKernel(cwd=tmp_path)
    try:
        kernel.run("import sys\nassert 'altair' in sys.modules and 'jinan_eval.report' in sys.modules")
        kernel.run("import sys\nassert sys.modules.get('rfc3987_syntax') is None")  # startup.py
        with pytest.raises(KernelFailed, match="AssertionError"):  # the check itself can fail
            kernel.run("import sys\nassert 'rfc3987_syntax' not in sys.modules")
    finally:
        kernel.shutdown()
