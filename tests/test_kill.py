"""A build killed with SIGKILL at any moment leaves a site that still serves, an index that lists each edition
once, nothing of its staging inside the published tree, and a build directory the next build uses without any
cleanup by hand. A second build while one runs refuses at once and changes nothing.

The build runs as the command a user runs (``jinan-eval build --force``) in a subprocess; the environment variable
``JINAN_EVAL_KILL_AT`` makes it kill itself at a named point (``jinan_eval.store.checkpoint``). The kills follow
each other on one build directory, so every build also starts from what the previous killed one left.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jinan_eval.edition.book import build_edition, built_editions
from jinan_eval.store import KILL_ENV, build_lock, staging_area

from e2e_helpers import diff_snapshots, hidden_entries, snapshot

pytestmark = pytest.mark.slow

YEAR = 2025
#: every named point of a build, in the order a build passes them
KILL_POINTS = ["notebooks-run", "sphinx-running", "sphinx-done", "staged", "swapped", "published"]
CLI = str(Path(sys.executable).with_name("jinan-eval"))
TEXT_SUFFIXES = {".html", ".json", ".js", ".csv", ".txt", ".css"}


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("kill")
    build_edition(YEAR, build_dir=folder, progress=False)
    return folder


def cli_build(folder: Path, kill_at: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != KILL_ENV}
    if kill_at:
        env[KILL_ENV] = kill_at
    return subprocess.run([CLI, "build", "--year", str(YEAR), "--force", "--build-dir", str(folder)],
                          env=env, capture_output=True, text=True, timeout=900)


def sphinx_running(folder: Path) -> bool:
    """Whether a jupyter-book process works on this build directory (it must die with the build)."""
    import time

    time.sleep(0.5)
    procs = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return any("jupyter-book" in line and str(folder) in line for line in procs.splitlines())


def pages(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / "site" / str(YEAR)).glob("*.html"))


def assert_site_serves(folder: Path, expected_pages: list[str]) -> None:
    site = folder / "site"
    edition = site / str(YEAR)
    assert (edition / "index.html").is_file(), "the edition is gone"
    assert pages(folder) == expected_pages
    assert json.loads((edition / "manifest.json").read_text(encoding="utf-8"))["edition"] == YEAR
    # the index and the switcher list each edition once
    assert [(e["edition"], e["lang"]) for e in built_editions(folder)] == [(YEAR, "zh")]
    assert (site / "index.html").read_text(encoding="utf-8").count(f'href="{YEAR}/index.html"') == 1
    versions = [e["version"] for e in json.loads((site / "switcher.json").read_text(encoding="utf-8"))]
    assert versions == [str(YEAR)]
    # nothing of a build's staging in the published tree: no hidden folder, no local path in any text file
    assert hidden_entries(site) == []
    local = str(folder)
    leaks = [str(p.relative_to(site)) for p in site.rglob("*")
             if p.suffix in TEXT_SUFFIXES and local in p.read_text(encoding="utf-8", errors="replace")]
    assert leaks == [], f"local paths published in {leaks[:5]}"


def test_a_build_killed_at_any_point_leaves_the_site_serving_and_needs_no_cleanup(build):
    expected = pages(build)
    assert len(expected) > 10
    for point in KILL_POINTS:
        killed = cli_build(build, point)
        assert killed.returncode == -9, f"{point}: the build was not killed there:\n{killed.stderr[-2000:]}"
        assert_site_serves(build, expected)
        assert not sphinx_running(build), f"{point}: a Sphinx of the killed build still runs"
    finished = cli_build(build)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert_site_serves(build, expected)
    assert list(staging_area(build).glob("*")) == [], "the staging area is emptied"
    assert hidden_entries(build / "notebooks") == []


def test_a_second_build_refuses_while_one_runs_and_changes_nothing(build):
    before = snapshot(build / "site")
    with build_lock(build):
        second = cli_build(build)
    assert second.returncode == 4
    assert "another build is running" in second.stderr and str(os.getpid()) in second.stderr
    assert diff_snapshots(before, snapshot(build / "site")) == []


def test_a_full_disk_while_the_edition_is_assembled_changes_nothing(build, monkeypatch):
    import errno

    from jinan_eval.edition import book

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    before = snapshot(build / "site")
    monkeypatch.setattr(book.downloads, "write_downloads", no_space)
    with pytest.raises(OSError, match="No space left"):
        build_edition(YEAR, force=True, build_dir=build, progress=False)
    assert diff_snapshots(before, snapshot(build / "site")) == []
    assert list(staging_area(build).glob("*")) == []
