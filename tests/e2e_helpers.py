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
