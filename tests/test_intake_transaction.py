"""Data intake that loses nothing: an ingest changes the data folder as one step (a kill at any point leaves the old
state or the new, never a mix), under a lock that builds share; a workbook's rows are stored under the department
they were asked of, never under its file name. The cases come from the intake fault review (F1, F2, F4–F6)."""

from __future__ import annotations

import csv
import errno
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jinan_eval.cli import main
from jinan_eval.data import load_dataset, validate
from jinan_eval.edition.workbook import ingest_workbooks, write_request_workbook
from jinan_eval.store import data_leftovers, data_lock_file

from e2e_helpers import fill_request as fill
from e2e_helpers import snapshot

YEAR = 2025
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def blank(shipped_data_copy, tmp_path):
    path = tmp_path / "requests.xlsx"
    write_request_workbook(load_dataset(shipped_data_copy), YEAR, path)
    return shipped_data_copy, path


def filled(path: Path, out: Path, key: str, value: float, **cells) -> Path:
    wb = load_workbook(path)
    fill(wb, key, value, **cells)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def observations_of(data: Path, key: str, year: int) -> list[float]:
    obs = load_dataset(data).observations
    region = load_dataset(data).plan.region
    rows = obs[(obs["indicator_key"] == key) & (obs["region"] == region) & (obs["year"] == year)]
    return sorted(rows["value"])


def test_a_workbook_named_like_a_raw_file_leaves_that_files_observations_alone(blank, tmp_path):
    """F1: energy_economy.xlsx no longer replaces the 39 rows of raw/energy_economy.csv."""
    data, path = blank
    region = load_dataset(data).plan.region
    before = (data / "observations" / "energy_economy.csv").read_bytes()
    n_before = len(load_dataset(data).observations)
    ingest_workbooks([filled(path, tmp_path / "energy_economy.xlsx", f"urban_sewage_collection_rate·{region}·2024",
                             72)], data)
    assert (data / "observations" / "energy_economy.csv").read_bytes() == before
    assert len(load_dataset(data).observations) == n_before + 1
    report, _ = validate(data)
    assert not [p for p in report.warnings if p.rule == "source.unused"]


def test_workbooks_of_one_name_from_two_folders_keep_both_departments_figures(blank, tmp_path):
    """F2: the same file name (or names that read alike) never makes one reading replace another's figures; a
    department's own corrected figure replaces its earlier one and says so."""
    data, path = blank
    region = load_dataset(data).plan.region
    sewage = f"urban_sewage_collection_rate·{region}·"
    ingest_workbooks([filled(path, tmp_path / "a" / "requests-filled.xlsx", sewage + "2024", 72)], data)
    ingest_workbooks([filled(path, tmp_path / "b" / "requests-filled.xlsx", sewage + "2021", 65)], data)
    assert observations_of(data, "urban_sewage_collection_rate", 2024) == [72.0]
    assert observations_of(data, "urban_sewage_collection_rate", 2021) == [65.0]
    ingest_workbooks([filled(path, tmp_path / "water bureau.xlsx", sewage + "2023", 70)], data)
    ingest_workbooks([filled(path, tmp_path / "water_bureau.xlsx", sewage + "2022", 68)], data)
    assert [observations_of(data, "urban_sewage_collection_rate", y) for y in (2021, 2022, 2023, 2024)] == \
        [[65.0], [68.0], [70.0], [72.0]]
    result = ingest_workbooks([filled(path, tmp_path / "c.xlsx", sewage + "2024", 73)], data)
    assert observations_of(data, "urban_sewage_collection_rate", 2024) == [73.0]
    [(department, [what])] = result.replaced.items()
    assert department == "市住房城乡建设局" and "72 → 73" in what and "requests-filled.xlsx" in what


def test_a_row_repeated_in_a_workbook_is_warned_about_and_kept_once(blank, tmp_path):
    data, path = blank
    region = load_dataset(data).plan.region
    wb = load_workbook(path)
    key = f"urban_sewage_collection_rate·{region}·2024"
    ws, r = fill(wb, key, 72).parent, None
    for row in ws.iter_rows(min_row=2):
        if any(c.value == key for c in row):
            r = row[0].row
    ws.insert_rows(r + 1, amount=3)
    for copy in range(1, 4):
        for c in range(1, ws.max_column + 1):
            ws.cell(row=r + copy, column=c).value = ws.cell(row=r, column=c).value
    out = tmp_path / "twice.xlsx"
    wb.save(out)
    result = ingest_workbooks([out], data)
    [warning] = [w for w in result.warnings if w.rule == "workbook.repeated"]  # one warning for all the copies
    assert warning.row == r + 1 and f"row {r}" in warning.message
    assert f"3 time(s): rows {r + 1}, {r + 2}, {r + 3}" in warning.message
    assert observations_of(data, "urban_sewage_collection_rate", 2024) == [72.0]
    assert (data / "raw" / "workbook" / "市住房城乡建设局.csv").read_text(encoding="utf-8").count("twice.xlsx") == 1


def _add_row(data: Path) -> None:
    """A new collected row in a raw file: a plain ingest then changes observations and sources."""
    raw = data / "raw" / "energy_economy.csv"
    with raw.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    row = dict(next(r for r in rows if ".gov.cn/" in r["source_url"]), year="2019", locator="added for the test")
    with raw.open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n").writerow(row)


KILL_POINTS = ["ingest-staged", "ingest-checked", "swapped", "ingest-published"]


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_kill_at_any_point_of_an_ingest_leaves_the_old_state_or_the_new(shipped_data_copy, tmp_path, point):
    data = shipped_data_copy
    _add_row(data)
    before = snapshot(data)
    reference = tmp_path / "reference"
    subprocess.run(["cp", "-a", str(data), str(reference)], check=True)
    assert main(["ingest", "--data-dir", str(reference)]) == 0
    after = snapshot(reference)
    assert after != before
    env = dict(os.environ, JINAN_EVAL_KILL_AT=point)
    run = subprocess.run([sys.executable, "-m", "jinan_eval.cli", "ingest", "--data-dir", str(data)], env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == -9, run.stderr
    state = snapshot(data)
    assert state in (before, after), f"killed at {point}: a mix of states"
    assert validate(data)[0].ok
    # the next command needs no repair, and leaves nothing of the killed one behind
    assert main(["ingest", "--data-dir", str(data)]) == 0
    assert snapshot(data) == after and data_leftovers(data) == []


def test_a_full_disk_leaves_the_data_folder_byte_identical_and_says_so_in_one_line(shipped_data_copy, monkeypatch,
                                                                                    capsys):
    """F6: the copy being written runs out of space (here: the ingest's last file write fails with ENOSPC)."""
    import jinan_eval.store as store

    data = shipped_data_copy
    _add_row(data)
    before = snapshot(data)
    real = store.os.replace

    def full(src, dst, *args, **kwargs):
        if str(dst).endswith("sources.csv"):
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(store.os, "replace", full)
    assert main(["ingest", "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"FAILED: could not write the data folder {data}: No space left")
    assert err[0].endswith("nothing was changed")
    assert snapshot(data) == before and data_leftovers(data) == []


def test_a_folder_that_cannot_be_written_leaves_the_data_as_it_was(shipped_data_copy, monkeypatch, capsys):
    """F6 K7: a read-only disk (the copy beside the folder cannot be made)."""
    import jinan_eval.store as store

    data = shipped_data_copy
    before = snapshot(data)

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(data.parent))

    monkeypatch.setattr(store.tempfile, "mkdtemp", read_only)
    assert main(["ingest", "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Read-only file system" in err and "nothing was changed" in err
    assert snapshot(data) == before


HOLD = textwrap.dedent("""\
    import sys, time
    from jinan_eval.store import data_lock
    with data_lock(sys.argv[1], exclusive=sys.argv[2] == "x"):
        print("held", flush=True)
        time.sleep(60)
""")


def _holder(data: Path, mode: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(data), mode], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


@pytest.mark.parametrize("mode, holder_is", [("s", "a build reading the data"), ("x", "another ingest")])
def test_an_ingest_while_the_data_is_in_use_changes_nothing_and_names_the_holder(shipped_data_copy, capsys, mode,
                                                                                 holder_is):
    """F4/F5: the second writer exits BUSY with the holder's process id; data/ is unchanged."""
    data = shipped_data_copy
    _add_row(data)
    before = snapshot(data)
    proc = _holder(data, mode)
    try:
        assert main(["ingest", "--data-dir", str(data)]) == 4, holder_is
        err = capsys.readouterr().err
        assert err.startswith("BUSY:") and f"process {proc.pid}" in err and "Nothing was changed" in err
        assert snapshot(data) == before
    finally:
        proc.kill()
        proc.wait()
    assert main(["ingest", "--data-dir", str(data)]) == 0  # the lock dies with its holder


@pytest.mark.slow  # starts the Sphinx process a build starts first
def test_a_build_holds_the_data_lock_while_its_pages_read_the_data(shipped_data_copy, tmp_path, monkeypatch):
    """F4: an ingest started while a build runs its notebooks is refused, so an edition is built from one state of
    the data (the notebooks are replaced here by a probe that tries the ingest)."""
    import jinan_eval.edition.book as book

    data = shipped_data_copy
    _add_row(data)
    seen = {}

    class Probe(Exception):
        pass

    def notebooks(*args, **kwargs):
        run = subprocess.run([sys.executable, "-m", "jinan_eval.cli", "ingest", "--data-dir", str(data)],
                             capture_output=True, text=True, timeout=300)
        seen["rc"], seen["err"] = run.returncode, run.stderr
        raise Probe

    monkeypatch.setattr(book, "run_notebooks", notebooks)
    with pytest.raises(Probe):
        book.build_edition(YEAR, "zh", force=True, data_dir=data, build_dir=tmp_path / "build", jobs=1,
                           progress=False)
    assert seen["rc"] == 4 and f"process {os.getpid()}" in seen["err"], seen


def test_what_a_killed_ingest_left_is_cleared_by_the_next(shipped_data_copy):
    data = shipped_data_copy
    left = [data.parent / f".{data.name}.staging-abc123", data / "observations" / ".air.csv.x1y2.tmp"]
    left[0].mkdir()
    (left[0] / "sources.csv").write_text("half", encoding="utf-8")
    left[1].write_text("half", encoding="utf-8")
    assert sorted(data_leftovers(data)) == sorted(left)
    assert main(["ingest", "--data-dir", str(data)]) == 0
    assert data_leftovers(data) == [] and not any(p.exists() for p in left)


def test_the_lock_file_lives_beside_the_data_folder_and_is_not_part_of_it(shipped_data_copy):
    data = shipped_data_copy
    assert data_lock_file(data).parent == data.parent
    assert main(["ingest", "--data-dir", str(data)]) == 0
    assert data_lock_file(data).exists() and not list(data.rglob("*.lock"))
