"""Hostile or odd input files end in a message that names the file (and line and column), never a traceback:
old-Mac line endings, oversized cells, unreadable CSV; and a problem line stays readable whatever a cell holds."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jinan_eval.data import validate
from jinan_eval.data.problems import MESSAGE_CHARS, Problem
from jinan_eval.data.read import MAX_CELL_CHARS

from conftest import SHIPPED_DATA
from e2e_helpers import rewrite_csv

CLI = str(Path(sys.executable).with_name("jinan-eval"))


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(SHIPPED_DATA, target)
    return target


def test_old_mac_line_endings_read_as_lines_with_a_warning(data_copy: Path):
    regions = data_copy / "regions.csv"
    regions.write_bytes(regions.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    report, dataset = validate(data_copy)
    assert report.ok, [str(p) for p in report.errors]
    assert any(p.rule == "line_endings" and p.file == "regions.csv" for p in report.warnings)
    _, shipped = validate(SHIPPED_DATA)
    assert dataset.regions.drop(columns=["at_file", "at_line"], errors="ignore").equals(
        shipped.regions.drop(columns=["at_file", "at_line"], errors="ignore"))


def test_a_cell_over_the_limit_is_an_error_naming_file_line_and_column(data_copy: Path):
    def plant(rows):
        rows[0]["locator"] = "x" * (MAX_CELL_CHARS + 1)

    rewrite_csv(data_copy / "sources.csv", plant)
    report, _ = validate(data_copy)
    problem = next(p for p in report.errors if p.rule == "cell.too_long")
    assert (problem.file, problem.row, problem.column) == ("sources.csv", 2, "locator")
    assert len(str(problem)) < 400


def test_a_cell_beyond_the_csv_modules_limit_is_an_error_too_not_a_traceback(data_copy: Path):
    regions = data_copy / "regions.csv"
    regions.write_text(regions.read_text(encoding="utf-8") + 'x,"' + "y" * 200_000 + '",z,city\n', encoding="utf-8")
    proc = subprocess.run([CLI, "validate", "--data-dir", str(data_copy)], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "regions.csv" in proc.stdout + proc.stderr and "cell.too_long" in proc.stdout + proc.stderr
    assert max(len(line) for line in (proc.stdout + proc.stderr).splitlines()) < 1000


def test_problem_lines_are_clipped():
    message = "value " + "z" * 2_000_000 + " is wrong"
    line = str(Problem("f.csv", 3, "note", "bad", message))
    assert len(line) < MESSAGE_CHARS + 200
    assert line.startswith("ERROR f.csv:3 column 'note' [bad] value zzz")
    assert f"({len(message):,} characters)" in line


def first_row(rows, **match):
    return next(r for r in rows if all(r[k] == v for k, v in match.items()))


@pytest.mark.parametrize("value", ["-45", "250", "1e308"])
def test_an_implausible_share_is_an_error_naming_file_row_and_column(data_copy: Path, value: str):
    path = next(p for p in sorted((data_copy / "observations").glob("*.csv"))
                if ",%,level," in p.read_text(encoding="utf-8"))
    planted = {}

    def plant(rows):
        row = first_row(rows, unit="%", measure="level")
        planted["line"] = rows.index(row) + 2
        row["value"] = value

    rewrite_csv(path, plant)
    report, _ = validate(data_copy)
    errors = [p for p in report.errors if p.rule == "observation.range"]
    assert [(p.file, p.row, p.column) for p in errors] == [(f"observations/{path.name}", planted["line"], "value")]
    assert "0 to 100" in errors[0].message


def test_a_percentage_fall_is_plausible_but_not_below_minus_100(data_copy: Path):
    path = next(p for p in sorted((data_copy / "observations").glob("*.csv"))
                if "cumulative_change_pct" in p.read_text(encoding="utf-8"))

    def plant(value):
        def edit(rows):
            first_row(rows, measure="cumulative_change_pct")["value"] = value
        return edit

    rewrite_csv(path, plant("-45"))
    assert not [p for p in validate(data_copy)[0].errors if p.rule == "observation.range"]
    rewrite_csv(path, plant("-120"))
    assert [p.rule for p in validate(data_copy)[0].errors] == ["observation.range"]


def test_an_exactly_repeated_row_is_a_warning_and_kept_once(data_copy: Path):
    path = sorted((data_copy / "observations").glob("*.csv"))[0]
    _, before = validate(data_copy)
    rewrite_csv(path, lambda rows: rows.append(dict(rows[0])))
    report, after = validate(data_copy)
    assert report.ok
    warnings = [p for p in report.warnings if p.rule == "observation.repeated"]
    assert len(warnings) == 1 and f"observations/{path.name}:2" in warnings[0].message
    assert len(after.observations) == len(before.observations)


def test_a_link_out_of_the_data_folder_is_refused_and_its_content_never_shown(data_copy: Path, tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("region,name_zh,name_en,kind\nTOPSECRET-42,x,y,city\n", encoding="utf-8")
    (data_copy / "regions.csv").unlink()
    (data_copy / "regions.csv").symlink_to(secret)
    proc = subprocess.run([CLI, "validate", "--data-dir", str(data_copy)], capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "regions.csv" in out and "outside the data folder" in out
    assert "TOPSECRET" not in out and "Traceback" not in out


def test_a_link_inside_the_data_folder_is_read(data_copy: Path):
    real = data_copy / "regions-real.csv"
    (data_copy / "regions.csv").rename(real)
    (data_copy / "regions.csv").symlink_to(real)
    report, _ = validate(data_copy)
    assert report.ok, [str(p) for p in report.errors]


def test_an_oversized_file_is_refused_before_it_is_read(data_copy: Path, monkeypatch):
    from jinan_eval.data import read

    monkeypatch.setattr(read, "MAX_FILE_BYTES", 2_000)
    report, _ = validate(data_copy)
    sizes = [p for p in report.errors if p.rule == "file.size"]
    assert sizes and all(p.row is None for p in sizes)
    assert "sources.csv" in {p.file for p in sizes}


def test_an_unknown_target_qualifier_is_an_error_not_a_crash_of_the_assessment(data_copy: Path):
    from conftest import SHIPPED_PLAN

    def plant(rows):
        rows[3]["qualifier"] = "大约<b>"

    rewrite_csv(data_copy / SHIPPED_PLAN / "targets.csv", plant)
    report, _ = validate(data_copy)
    errors = [p for p in report.errors if p.rule == "target.qualifier"]
    assert [(p.file, p.row, p.column) for p in errors] == [(f"{SHIPPED_PLAN}/targets.csv", 5, "qualifier")]


@pytest.mark.parametrize("command", [["build", "--year", "1999"], ["assess", "--year", "1999"],
                                     ["run", "--year", "1999"], ["workbook", "--year", "1999", "--out", "x.xlsx"]])
def test_a_year_outside_the_plan_is_refused_before_any_work(tmp_path: Path, command: list[str]):
    extra = ["--build-dir", str(tmp_path / "build")] if command[0] == "build" else []
    proc = subprocess.run([CLI, *command, *extra], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "outside the plan's report years 2021–2025" in proc.stderr
    assert not (tmp_path / "build").exists() and not (tmp_path / "x.xlsx").exists()
    assert not (Path(__file__).parents[1] / "_build" / "notebooks" / "1999").exists()


@pytest.mark.parametrize("command", [["validate"], ["run", "--year", "2025"], ["build"], ["assess", "--year", "2025"]])
def test_a_data_dir_that_holds_no_plan_is_refused_before_anything_is_read(tmp_path: Path, command: list[str]):
    extra = ["--build-dir", str(tmp_path / "build")] if command[0] == "build" else []
    proc = subprocess.run([CLI, *command, "--data-dir", "/", *extra], capture_output=True, text=True, timeout=60)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "holds no plan" in out and "Traceback" not in out
    assert not (tmp_path / "build").exists()
