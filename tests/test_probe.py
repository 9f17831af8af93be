"""Early cut-off of the summary pages (edition/probe.py): what a page shows, hashed in its kernel and here."""

from __future__ import annotations

import ast

import nbformat
import pytest

from jinan_eval.config import DEFAULT_DATA_DIR, TEMPLATE_DIR
from jinan_eval.data import load_dataset
from jinan_eval.edition.probe import probe, recorded_digest
from jinan_eval.edition.run import _shared_digest, execute_job, page_jobs
from jinan_eval.edition.warm import WarmKernel


def _allowed(statement: ast.stmt) -> bool:
    if isinstance(statement, (ast.Import, ast.ImportFrom, ast.Assign)):
        return True
    return (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Name) and statement.value.func.id == "show")


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATE_DIR.glob("*.ipynb")))
def test_a_page_template_shows_nothing_but_its_blocks(template):
    """The rule the probe relies on: a code cell imports, assigns, or calls show(...) — nothing else displays."""
    nb = nbformat.read(TEMPLATE_DIR / template, as_version=4)
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        for statement in ast.parse(cell.source).body:
            assert _allowed(statement), f"{template}, code cell {i + 1}: {ast.unparse(statement)}"


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATE_DIR.glob("*.ipynb")))
def test_a_page_template_hides_its_code_from_readers(template):
    """A published page shows what a cell displays, never the code that displays it."""
    nb = nbformat.read(TEMPLATE_DIR / template, as_version=4)
    shown = [c.source[:60] for c in nb.cells if c.cell_type == "code"
             and not {"remove-input", "remove-cell"} & set(c.metadata.get("tags", []))]
    assert shown == [], shown


def test_the_rule_catches_a_bare_expression():
    assert not _allowed(ast.parse("ctx.region").body[0])
    assert not _allowed(ast.parse("print(1)").body[0])
    assert _allowed(ast.parse("show(overview.counts(ctx))").body[0])


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_kernel_and_the_probe_hash_a_summary_page_alike(tmp_path, lang):
    dataset = load_dataset(DEFAULT_DATA_DIR)
    summaries = [j for j in page_jobs(dataset, 2025, lang, DEFAULT_DATA_DIR.resolve()) if j.sections is None]
    assert {j.output for j in summaries} == {"overview.ipynb", "data_sources.ipynb"}
    shared = _shared_digest(2025, lang, dataset, TEMPLATE_DIR).hexdigest()
    kernel = WarmKernel(cwd=tmp_path)
    try:
        for job in summaries:
            record = tmp_path / f"{job.output}.txt"
            execute_job(job, TEMPLATE_DIR, tmp_path, tmp_path / "charts", warm=kernel, digest_file=record)
            assert len(record.read_text().split()) > 3, "the kernel hashed each block it showed"
            assert recorded_digest(record, shared) == probe(TEMPLATE_DIR / job.template, job.parameters, dataset,
                                                            shared), job.output
    finally:
        kernel.shutdown()
    assert recorded_digest(tmp_path / "missing.txt", shared) is None
