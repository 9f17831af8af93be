"""The papermill runner: one job per page, placeholders filled from data, failures named, nothing half-written."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from jinan_eval.data import load_dataset
from jinan_eval.edition.run import NotebookFailed, fill_placeholders, hide_injected_parameters, page_jobs, run_notebooks


def test_an_edition_has_fourteen_pages_the_main_targets_one_of_them(tmp_path):
    jobs = page_jobs(load_dataset(), 2024, "zh", tmp_path)
    outputs = [j.output for j in jobs]
    assert len(jobs) == 14
    assert outputs[:2] == ["overview.ipynb", "main.ipynb"]
    assert outputs[-2:] == ["mechanisms.ipynb", "data_sources.ipynb"]
    main = jobs[1]
    assert main.template == "key_project.ipynb" and main.parameters["project_id"] == "MAIN"
    assert main.sections == ("MAIN",) and "主要目标" in main.placeholders["page_title"]
    assert [j.parameters["project_id"] for j in jobs if j.template == "key_project.ipynb"][1:] == \
        [f"KP{i}" for i in range(1, 11)]
    kp3 = next(j for j in jobs if j.output == "kp3.ipynb")
    assert "城镇绿色节能改造工程" in kp3.placeholders["page_title"]
    en = next(j for j in page_jobs(load_dataset(), 2024, "en", tmp_path) if j.output == "kp3.ipynb")
    assert en.placeholders["page_title"].startswith("Key project 3")


def test_placeholders_are_filled_and_unknown_ones_refused():
    nb = new_notebook(cells=[new_markdown_cell("# {{ page_title }}"), new_code_cell("x = '{{ not_a_placeholder }}'")])
    fill_placeholders(nb, {"page_title": "总览"})
    assert nb.cells[0].source == "# 总览"
    assert "{{ not_a_placeholder }}" in nb.cells[1].source, "code cells are left alone"
    with pytest.raises(KeyError):
        fill_placeholders(new_notebook(cells=[new_markdown_cell("{{ missing }}")]), {})


def test_injected_parameters_are_hidden():
    cell = new_code_cell("report_year = 2023")
    cell.metadata["tags"] = ["injected-parameters"]
    nb = hide_injected_parameters(new_notebook(cells=[cell]))
    assert "remove-cell" in nb.cells[0].metadata["tags"]


@pytest.mark.slow
def test_failing_notebook_is_named_and_previous_output_kept(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    bad = new_notebook(cells=[new_code_cell("report_year = 0\nlang = 'zh'\ndata_dir = None"),
                              new_code_cell("raise ValueError('planted')")])
    bad.cells[0].metadata["tags"] = ["parameters"]
    bad.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for name in ("overview.ipynb", "key_project.ipynb", "mechanisms.ipynb", "data_sources.ipynb"):
        nbformat.write(bad, templates / name)
    build = tmp_path / "build"
    previous = build / "notebooks" / "2023"
    previous.mkdir(parents=True)
    (previous / "overview.ipynb").write_text("previous", encoding="utf-8")
    with pytest.raises(NotebookFailed) as info:
        run_notebooks(2023, "zh", jobs=1, build_dir=build, template_dir=templates, progress=False,
                      only=["overview.ipynb"])
    assert info.value.notebook == "overview.ipynb"
    assert "ValueError: planted" in str(info.value)
    assert info.value.cell is not None
    assert (previous / "overview.ipynb").read_text(encoding="utf-8") == "previous"
    assert not [p for p in (build / "notebooks").iterdir() if p.name.startswith(".")]


def change_one_figure(data_dir, section: str) -> str:
    """Add 1 to the first observed figure of one of the section's indicators (its targets' or its own); returns the
    indicator changed."""
    import csv

    dataset = load_dataset(data_dir)
    indicators = set(dataset.targets.loc[dataset.targets["section_id"] == section, "indicator_key"].dropna())
    indicators |= set(dataset.indicators.loc[dataset.indicators["section_id"] == section, "indicator_key"])
    for path in sorted((data_dir / "observations").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            if row["indicator_key"] in indicators and row["value"]:
                row["value"] = repr(float(row["value"]) + 1)
                with open(path, "w", encoding="utf-8", newline="") as handle:
                    writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
                    writer.writeheader()
                    writer.writerows(rows)
                return row["indicator_key"]
    raise AssertionError(f"no figure of {section} to change")


def drop_figures(data_dir, indicator: str) -> None:
    """Remove every observed figure of one indicator."""
    import csv

    for path in sorted((data_dir / "observations").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        kept = [row for row in rows if row["indicator_key"] != indicator]
        if rows and len(kept) < len(rows):
            with open(path, "w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
                writer.writeheader()
                writer.writerows(kept)


SUMMARIES = {"overview.ipynb", "data_sources.ipynb"}


@pytest.mark.slow
def test_a_changed_figure_reruns_its_page_and_the_summaries_whose_content_changed_and_gives_a_full_runs_pages(
        tmp_path, monkeypatch):
    import shutil

    from jinan_eval.config import DEFAULT_DATA_DIR
    from jinan_eval.edition import run

    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    incremental = tmp_path / "incremental"
    out = run_notebooks(2024, "zh", data_dir=data, build_dir=incremental, progress=False)
    executed: list[str] = []
    real = run.execute_job
    monkeypatch.setattr(run, "execute_job", lambda job, *a, **k: executed.append(job.output) or real(job, *a, **k))
    assert run_notebooks(2024, "zh", data_dir=data, build_dir=incremental, progress=False) is not None
    assert executed == [], "nothing changed, nothing runs"

    def rerun_and_compare(step: str) -> set[str]:
        """Rerun, check every page against a full run, return the summary pages whose bytes changed."""
        before = {p.name: p.read_bytes() for p in out.glob("*.ipynb")}
        executed.clear()
        run_notebooks(2024, "zh", data_dir=data, build_dir=incremental, progress=False)
        ran = set(executed)
        reference = run_notebooks(2024, "zh", data_dir=data, build_dir=tmp_path / step, progress=False, reuse=False)
        names = sorted(p.name for p in reference.glob("*.ipynb"))
        assert names == sorted(p.name for p in out.glob("*.ipynb")) and len(names) == 14
        for name in names:
            assert (out / name).read_bytes() == (reference / name).read_bytes(), f"{step}: {name}"
        assert sorted(p.name for p in (out / "charts").iterdir()) == \
            sorted(p.name for p in (reference / "charts").iterdir())
        changed = {name for name in SUMMARIES if (reference / name).read_bytes() != before[name]}
        # a summary page runs again exactly when what it shows changed (probe.py); the others reuse their page
        assert ran & SUMMARIES == changed, step
        return ran

    indicator = change_one_figure(data, "KP4")
    ran = rerun_and_compare("kp4-figure")
    assert "kp4.ipynb" in ran and ran <= {"kp4.ipynb"} | SUMMARIES
    drop_figures(data, indicator)  # the indicator loses its figures: the data-coverage summary moves
    ran = rerun_and_compare("kp4-no-figures")
    assert "kp4.ipynb" in ran and ran & SUMMARIES and ran <= {"kp4.ipynb"} | SUMMARIES
    change_one_figure(data, "PM4")  # a mechanism's figure: the mechanisms page (and the summaries that change)
    ran = rerun_and_compare("pm4-figure")
    assert "mechanisms.ipynb" in ran and ran <= {"mechanisms.ipynb"} | SUMMARIES


def test_a_page_key_ignores_where_its_rows_sit_in_their_file(shipped_data_copy):
    """A figure removed from one key project's indicator moves the lines of the rows below it in the same file; the
    pages of other projects do not show line numbers, so their keys stay."""
    import csv

    from jinan_eval.config import TEMPLATE_DIR
    from jinan_eval.edition.run import page_keys

    def keys() -> dict[str, str]:
        dataset = load_dataset(shipped_data_copy)
        return page_keys(dataset, page_jobs(dataset, 2024, "zh", shipped_data_copy), 2024, "zh", TEMPLATE_DIR)

    dataset = load_dataset(shipped_data_copy)
    section_of = {}
    for rec in dataset.targets.dropna(subset=["indicator_key"]).itertuples():
        if rec.section_id.startswith("KP"):
            section_of.setdefault(rec.indicator_key, rec.section_id)
    for path in sorted((shipped_data_copy / "observations").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        sections = [section_of.get(r["indicator_key"]) for r in rows]
        first = next((i for i, s in enumerate(sections) if s and any(t and t != s for t in sections[i + 1:])), None)
        if first is not None:
            break
    else:
        pytest.fail("no observations file holds rows of two key projects, one above the other")
    removed, below = sections[first], {s for s in sections[first + 1:] if s and s != sections[first]}
    before = keys()
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows[:first] + rows[first + 1:])
    after = keys()
    assert before[f"{removed.lower()}.ipynb"] != after[f"{removed.lower()}.ipynb"]
    for section in below - {removed}:
        assert before[f"{section.lower()}.ipynb"] == after[f"{section.lower()}.ipynb"], section


@pytest.mark.slow
def test_the_pages_start_from_the_builds_data_not_the_data_folder(shipped_data_copy, tmp_path):
    """The run loads and validates the data once and hands it, with its assessment, to the kernels: a data folder
    that no longer loads after the run has read it does not reach any page."""
    dataset = load_dataset(shipped_data_copy)
    regions = shipped_data_copy / "regions.csv"
    regions.write_text("not,a,regions,table\n", encoding="utf-8")
    with pytest.raises(Exception):  # noqa: B017 — the folder itself no longer loads
        load_dataset(shipped_data_copy)
    out = run_notebooks(2025, "zh", data_dir=shipped_data_copy, build_dir=tmp_path / "build", progress=False,
                        dataset=dataset, only=["overview.ipynb", "kp1.ipynb"], reuse=False)
    assert sorted(p.name for p in out.glob("*.ipynb")) == ["kp1.ipynb", "overview.ipynb"]
    assert not list(out.glob(".edition*")), "the build's hand-over file is not left with the notebooks"
