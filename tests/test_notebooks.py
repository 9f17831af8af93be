"""Regression tests of executed notebooks (pytest-notebook): re-execute a stored notebook, diff its outputs.

Volatile parts are ignored by configuration, not by deleting assertions: papermill's and the kernel's
metadata (timings, kernel versions). Chart element ids are hashes of the chart spec, so they are stable and
compared like any other output. Regenerate the fixtures with tests/regression/make_fixtures.py.
"""

from __future__ import annotations

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


def test_regression_fixtures_exist():
    assert len(list(REGRESSION.glob("*.ipynb"))) == 3
