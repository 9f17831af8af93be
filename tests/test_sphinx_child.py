"""The Sphinx process a build starts early (edition/sphinx_child.py, book.SphinxProcess)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from jinan_eval.edition.book import BuildFailed, SphinxProcess

pytestmark = pytest.mark.slow  # starts kernels or Sphinx: not in the fast tier


def test_a_sphinx_process_that_cannot_start_fails_the_build_with_its_own_message(tmp_path, monkeypatch):
    broken = tmp_path / "jupyter_book"
    broken.mkdir()
    (broken / "__init__.py").write_text("raise ImportError('planted: jupyter_book is missing')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))  # the child imports this jupyter_book first
    sphinx = SphinxProcess("zh")
    try:
        sphinx.proc.wait(timeout=60)  # it has died before the build asks it anything
        with pytest.raises(BuildFailed, match="planted: jupyter_book is missing"):
            sphinx.build(tmp_path / "book")
    finally:
        sphinx.close()


def test_a_build_that_stops_before_sphinx_leaves_no_sphinx_process():
    sphinx = SphinxProcess("en")
    sphinx.close()
    assert sphinx.proc.returncode is not None


def test_the_child_builds_nothing_when_told_nothing():
    done = subprocess.run([sys.executable, "-m", "jinan_eval.edition.sphinx_child", "en"], input="",
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Running Jupyter-Book" not in done.stdout
