"""A failing build changes nothing that was published.

One good edition (2025) is built into a temporary build directory (module-scoped, ~1.5 min). Then:

* a key-project template with a planted ``raise RuntimeError("planted failure")`` cell is built with
  ``force=True``: :class:`NotebookFailed` names the notebook (``kp<n>.ipynb``), the cell and the error; every file
  under ``site/`` (the edition, ``index.html``, ``switcher.json``) and the previous notebook outputs
  (``notebooks/2025/``) are byte-for-byte unchanged, and no staging or temporary entry (a folder named ".*", a
  ".*.tmp" file) is left in ``site/`` or ``notebooks/``;
* with another notebook (the overview) still rendering charts when a key project fails, that straggler must
  not leave a half-written staging folder behind (deterministic: the two notebooks synchronise through a marker
  file; own build directory);
* a template that runs but breaks the Sphinx build (a reference to a label that does not exist, an error under
  ``-W -n``) raises :class:`BuildFailed` with the same guarantees (the edition's staging folder is removed);
* building again without ``force`` raises :class:`EditionExists` and touches nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from jinan_eval.edition.book import BuildFailed, EditionExists, build_edition
from jinan_eval.edition.run import NotebookFailed

from e2e_helpers import (
    copy_templates,
    current_dir,
    diff_snapshots,
    hidden_entries,
    restored_cwd,
    snapshot,
    wait_for_worker_threads,
)

pytestmark = pytest.mark.slow

YEAR = 2025
JOBS = 2


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> dict:
    build = tmp_path_factory.mktemp("fault-build")
    with restored_cwd() as cwd:
        final = build_edition(YEAR, build_dir=build, jobs=JOBS, progress=False)
        cwd_after = current_dir()
    return {"build": build, "final": final, "cwd": cwd, "cwd_after": cwd_after}


@pytest.fixture(scope="module")
def build_dir(good_build) -> Path:
    return good_build["build"]


@pytest.fixture(autouse=True)
def _keep_cwd():
    """A build that leaves the working directory elsewhere fails its own test, not every later one."""
    with restored_cwd():
        yield


def state(build: Path) -> dict[str, dict[str, bytes]]:
    return {"site": snapshot(build / "site"), "notebooks": snapshot(build / "notebooks" / str(YEAR))}


def assert_unchanged(build: Path, before: dict[str, dict[str, bytes]]) -> None:
    # a failed run may leave notebooks running in worker threads: let them finish before looking
    assert wait_for_worker_threads(), "notebook worker threads still running 5 minutes after the failure"
    after = state(build)
    for part in ("site", "notebooks"):
        assert after[part] == before[part], f"{part}/ changed: " + "; ".join(
            diff_snapshots(before[part], after[part])[:20])
    assert hidden_entries(build / "site") == [], "temporary entries left in site/"


def test_the_good_build_is_complete(good_build):
    build_dir = good_build["build"]
    assert good_build["final"] == build_dir / "site" / str(YEAR)
    site = build_dir / "site"
    names = {p.name for p in (site / str(YEAR)).glob("*.html")}
    expected = {"index.html", "overview.html", "mechanisms.html", "data_sources.html", "changes.html",
                "methods.html", "data_dictionary.html", "how_to_review.html", "reviews.html", "main.html",
                *(f"kp{i}.html" for i in range(1, 11))}
    assert expected <= names, expected - names
    assert (site / "index.html").exists() and (site / "switcher.json").exists()
    assert hidden_entries(site) == [] and hidden_entries(build_dir / "notebooks") == []


def test_build_leaves_the_working_directory_alone(good_build):
    assert good_build["cwd_after"] == good_build["cwd"], "build_edition changed the process's working directory"


def test_failing_notebook_changes_nothing(build_dir: Path, tmp_path: Path):
    planted = nbformat.v4.new_code_cell('raise RuntimeError("planted failure")')
    templates = copy_templates(tmp_path / "templates", {"key_project.ipynb": [planted]})
    code_cells = sum(c.cell_type == "code" for c in nbformat.read(templates / "key_project.ipynb", 4).cells)
    before = state(build_dir)

    cwd = current_dir()
    with pytest.raises(NotebookFailed) as info:
        build_edition(YEAR, force=True, template_dir=templates, build_dir=build_dir, jobs=JOBS, progress=False)
    cwd_after = current_dir()

    exc = info.value
    assert re.fullmatch(r"(?:main|kp\d+)\.ipynb", exc.notebook), exc.notebook
    # papermill's injected-parameters cell runs too, so the planted (last) cell is execution count code_cells + 1
    assert exc.cell == code_cells + 1, str(exc)
    assert "RuntimeError" in exc.error and "planted failure" in exc.error
    message = str(exc)
    assert exc.notebook in message and f"cell {exc.cell}" in message and "planted failure" in message
    assert_unchanged(build_dir, before)
    # no staging folder of the failed run (test_straggler_notebook_leaves_no_staging_folder forces the case
    # where another notebook is still running when kp<n> fails)
    assert hidden_entries(build_dir / "notebooks") == [], "staging folder left in notebooks/"
    assert cwd_after == cwd, "the failed build left the process in another (or a deleted) working directory"


def test_straggler_notebook_leaves_no_staging_folder(tmp_path: Path):
    marker = tmp_path / "kp-failed"
    fail = nbformat.v4.new_code_cell(
        f"from pathlib import Path\nPath({str(marker)!r}).touch()\nraise RuntimeError('planted failure')")
    # the overview waits until a key project has failed (and the runner has cleaned up), then draws its charts
    wait = nbformat.v4.new_code_cell(
        "import time\nfrom pathlib import Path\n"
        f"for _ in range(1200):\n    if Path({str(marker)!r}).exists():\n        break\n    time.sleep(0.1)\n"
        "time.sleep(2)")
    templates = copy_templates(tmp_path / "templates", {"key_project.ipynb": [fail]})
    nb = nbformat.read(templates / "overview.ipynb", as_version=4)
    nb.cells.insert(3, wait)  # after the cell that loads the data, before the first chart
    nbformat.write(nb, templates / "overview.ipynb")
    build = tmp_path / "build"  # its own build directory: a leftover here cannot disturb the other tests

    with pytest.raises(NotebookFailed) as info:
        build_edition(YEAR, template_dir=templates, build_dir=build, jobs=2, progress=False)

    assert re.fullmatch(r"(?:main|kp\d+)\.ipynb", info.value.notebook), str(info.value)
    assert marker.exists()
    assert wait_for_worker_threads(), "notebook worker threads still running 5 minutes after the failure"
    assert not (build / "site" / str(YEAR)).exists()
    assert not (build / "notebooks" / str(YEAR)).exists()
    assert hidden_entries(build) == [], "staging folder left behind"


def test_failing_sphinx_build_changes_nothing(build_dir: Path, tmp_path: Path):
    broken = nbformat.v4.new_markdown_cell("See {ref}`no-such-label-planted-by-the-test`.")
    templates = copy_templates(tmp_path / "templates", {"overview.ipynb": [broken]})
    before = state(build_dir)

    with pytest.raises(BuildFailed) as info:
        build_edition(YEAR, force=True, template_dir=templates, build_dir=build_dir, jobs=JOBS, progress=False)

    assert "no-such-label-planted-by-the-test" in str(info.value)
    wait_for_worker_threads()
    after = state(build_dir)
    # the notebooks all ran, so their outputs may be replaced; the published site must not be
    assert after["site"] == before["site"], "; ".join(diff_snapshots(before["site"], after["site"])[:20])
    assert hidden_entries(build_dir / "site") == [], "staging folder left in site/"
    assert hidden_entries(build_dir / "notebooks") == [], "temporary entries left in notebooks/"


def test_existing_edition_needs_force(build_dir: Path):
    before = state(build_dir)
    with pytest.raises(EditionExists):
        build_edition(YEAR, build_dir=build_dir, jobs=JOBS, progress=False)
    assert_unchanged(build_dir, before)


def test_if_changed_does_nothing_when_nothing_changed(build_dir: Path, tmp_path: Path, capsys):
    from jinan_eval.cli import main

    before = state(build_dir)
    assert main(["build", "--if-changed", "--year", str(YEAR), "--build-dir", str(build_dir)]) == 0
    assert "UP TO DATE" in capsys.readouterr().out
    assert state(build_dir) == before


def test_if_changed_sees_a_changed_data_byte(build_dir: Path, tmp_path: Path):
    import shutil

    from jinan_eval.config import DEFAULT_DATA_DIR
    from jinan_eval.edition.book import Edition, is_up_to_date

    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    assert is_up_to_date(Edition(YEAR), data, build_dir), "the same bytes are the same inputs"
    regions = data / "regions.csv"
    regions.write_text(regions.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not is_up_to_date(Edition(YEAR), data, build_dir)


def test_the_build_key_covers_the_locked_packages_and_every_file_of_the_package(tmp_path, monkeypatch):
    """A lock-file bump or an edit of the formula typesetter (tex2svg.cjs) makes `make report` rebuild."""
    import fnmatch
    import shutil

    import jinan_eval.edition.book as book
    from jinan_eval.config import DEFAULT_DATA_DIR, TEMPLATE_DIR

    root = tmp_path / "root"
    root.mkdir()
    for name in book.ROOT_INPUTS:
        shutil.copy(book.ROOT / name, root / name)
    monkeypatch.setattr(book, "ROOT", root)
    hashed = []
    real = book.hash_files
    monkeypatch.setattr(book, "hash_files", lambda digest, folder, pattern="*", **kw:
                        hashed.append((Path(folder), pattern)) or real(digest, folder, pattern, **kw))
    key = book.build_key(book.Edition(YEAR), DEFAULT_DATA_DIR, TEMPLATE_DIR)
    with (root / "requirements.lock").open("a", encoding="utf-8") as fh:
        fh.write("# a bumped pin\n")
    assert book.build_key(book.Edition(YEAR), DEFAULT_DATA_DIR, TEMPLATE_DIR) != key
    package = Path(book.__file__).resolve().parents[1]
    assert (package / "edition" / "tex2svg.cjs").exists()
    assert any(folder == package and fnmatch.fnmatch("tex2svg.cjs", pattern) for folder, pattern in hashed)
