"""Regression tests of executed notebooks (pytest-notebook): re-execute a stored notebook, diff its outputs.

Volatile parts are ignored by configuration, not by deleting assertions: papermill's and the kernel's
metadata (timings, kernel versions). Chart element ids are hashes of the chart spec, so they are stable and
compared like any other output. Regenerate the fixtures with tests/regression/make_fixtures.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REGRESSION = Path(__file__).resolve().parent / "regression"
VOLATILE = (
    "/metadata/papermill",
    "/metadata/language_info",
    "/metadata/kernelspec",
    "/metadata/widgets",
    "/cells/*/metadata/papermill",
    "/cells/*/metadata/execution",
    "/cells/*/execution_count",
    "/cells/*/outputs/*/execution_count",
)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(p.name for p in REGRESSION.glob("*.ipynb")))
def test_notebook_outputs_are_reproduced(nb_regression, name):
    nb_regression.diff_ignore = VOLATILE
    nb_regression.exec_timeout = 300
    nb_regression.check(str(REGRESSION / name))


def test_regression_fixtures_are_the_pages_make_fixtures_writes():
    # each fixture named in tests/regression/make_fixtures.py is stored, and nothing else is: a page dropped
    # from FIXTURES (or a stale file left behind) fails here instead of silently not being compared
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_fixtures", REGRESSION / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert sorted(p.name for p in REGRESSION.glob("*.ipynb")) == sorted(module.FIXTURES)
    for name in module.FIXTURES:
        nb = json.loads((REGRESSION / name).read_text(encoding="utf-8"))
        shown = [c for c in nb["cells"] if c["cell_type"] == "code" and "remove-input" in c["metadata"].get("tags", [])]
        sections = [c for c in shown if "show(" in "".join(c["source"])]
        assert sections and all(c["outputs"] for c in sections), f"{name} was stored unexecuted"
