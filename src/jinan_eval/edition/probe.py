"""Early cut-off for the summary pages: what a page shows, hashed.

The overview and the data-and-sources page read every target, so any changed figure changes their run key
(:func:`.run.page_keys`). Most corrections do not change what they show (a figure of one key project moves, no
status or count does). So each summary page's content is hashed: when the page is executed, its kernel records a
hash of every block it shows (``report.context.show`` with ``JINAN_CONTENT_DIGEST`` set); before the page is
executed again, the build runs the page's template here, in its own process, on the dataset it has already
loaded, with ``show`` replaced by a recorder, and hashes the same way. If the hash is the one recorded, the page
as executed then is exactly what a new run would give (a page displays nothing but its blocks, and the same
blocks always render to the same bytes), so it is reused.

The template rule this relies on — every statement of a code cell imports, assigns, or calls ``show(...)`` — is
checked for every template by the tests (``tests/test_probe.py``), as is the equality of the two hashes.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import nbformat

from ..data import Dataset
from ..report.context import Context, block_digest


def page_blocks(template: Path, parameters: dict, dataset: Dataset, contexts: dict | None = None) -> list:
    """The blocks the page's template shows for these parameters, computed here (``contexts``: one
    :class:`Context` per report year and language, shared by the pages probed in one build)."""
    contexts = {} if contexts is None else contexts
    nb = nbformat.read(template, as_version=4)
    shown: list = []

    def context(report_year, lang="zh", data_dir=None, plan_id=None) -> Context:
        key = (int(report_year), lang)
        if key not in contexts:
            contexts[key] = Context(dataset, int(report_year), lang)
        return contexts[key]

    namespace: dict = {}
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    if not any("parameters" in cell.metadata.get("tags", []) for cell in code):
        namespace.update(parameters)
    for cell in code:
        # statement by statement, so that the template's ``context`` and ``show`` are replaced as soon as they are
        # imported, before the next statement of the same cell calls them
        for statement in ast.parse(cell.source).body:
            exec(compile(ast.Module([statement], type_ignores=[]), str(template), "exec"), namespace)  # noqa: S102
            if "context" in namespace:
                namespace["context"], namespace["show"] = context, shown.extend
        if "parameters" in cell.metadata.get("tags", []):
            namespace.update(parameters)  # where papermill injects them
    return shown


def content_digest(shared: str, block_digests: list[str]) -> str:
    """A page's content hash: the templates', code's and messages' digest, then each block's hash."""
    return hashlib.sha256((shared + "\n" + "".join(d + "\n" for d in block_digests)).encode()).hexdigest()


def probe(template: Path, parameters: dict, dataset: Dataset, shared: str, contexts: dict | None = None) -> str:
    """The content hash of the page as it would be executed now."""
    blocks = page_blocks(template, parameters, dataset, contexts)
    return content_digest(shared, [block_digest(b) for b in blocks if b is not None])


def recorded_digest(path: Path, shared: str) -> str | None:
    """The content hash of a page from the block hashes its kernel wrote (None if it wrote none)."""
    try:
        lines = path.read_text(encoding="utf-8").split()
    except OSError:
        return None
    return content_digest(shared, lines)
