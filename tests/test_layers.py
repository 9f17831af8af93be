"""The package's architecture, enforced: stages import only downwards, and no plan lives in the code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

SRC = ROOT / "src" / "jinan_eval"


def test_stages_import_only_downwards():
    # import-linter's layers contract in pyproject.toml: cli → edition → report → assess → data → config/store →
    # vocabulary. A module importing from a stage above it breaks the contract and fails here with the import chain.
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint), str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "1 kept, 0 broken" in proc.stdout


# A plan fact in the code or in the book's shared sources would make a second plan code, not data: the region (its
# code "jinan", its names 济南 / Jinan), the base year 2020, the headline target 14.8, the plan's period (十四五, 14th
# FYP) and the one before it (十三五), a fixed count of key projects. (The package's own name, jinan-eval /
# jinan_eval, its CSS classes and files jinan-*, jinan.css are names, not plan facts; a government host such as
# jinan.gov.cn is a fact.)
PLAN_FACTS = re.compile(r"济南|\bjinan\b(?!-|\.css\b)|\b2020\b|\b14\.8\b|十四五|十三五|\b1[34]th[ -](?:FYP|Five-Year)"
                        r"|range\(\s*1\s*,\s*11\s*\)", re.IGNORECASE)
# The assessment's thresholds are parameters: their defaults live in MethodParams (assess/method.py) and a plan may
# change them (plan.yaml, method:); anywhere else the numbers would be a copy that a plan's own values do not reach.
THRESHOLDS = re.compile(r"\b0\.95\b|\b0\.60\b")
THRESHOLDS_HOME = SRC / "assess" / "method.py"
BOOK = ROOT / "book"


def scanned_files() -> list[Path]:
    """The package's code and message catalogues, the book's shared sources and the Jupyter Book template."""
    files = [p for p in SRC.rglob("*") if p.suffix in (".py", ".yml", ".cjs") and "__pycache__" not in p.parts]
    files += [p for p in BOOK.rglob("*") if p.suffix in (".md", ".yml", ".css", ".js", ".html")]
    return sorted(files) + [ROOT / "_config.yml"]


def plan_fact_hits(path: Path, text: str) -> list[str]:
    hits = []
    for number, line in enumerate(text.splitlines(), start=1):
        if PLAN_FACTS.search(line) or (path != THRESHOLDS_HOME and THRESHOLDS.search(line)):
            hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return hits


def test_no_plan_fact_is_hard_coded_in_the_package_or_the_book():
    files = scanned_files()
    assert {ROOT / "book" / "how_to_review.zh.md", ROOT / "book" / "_static" / "jinan.css", ROOT / "book" / "methods.zh.md",
            ROOT / "book" / "methods.en.md"} <= set(files)
    hits = [hit for path in files for hit in plan_fact_hits(path, path.read_text(encoding="utf-8"))]
    assert hits == [], "plan facts belong in data/plans/<plan-id>/plan.yaml:\n" + "\n".join(hits)


@pytest.mark.parametrize("line", [
    'region = "jinan"', "base = 2020", "for i in range(1, 11):", "title: 济南市评估", "Jinan's plan",
    "# e.g. jntj.jinan.gov.cn", "target = 14.8", "“十四五”以来", "较十三五末", "since the 14th FYP", "if ratio >= 0.95:", "behind=0.60",
])
def test_the_plan_facts_check_catches_a_planted_fact(line):
    assert plan_fact_hits(SRC / "report" / "planted.py", line)


@pytest.mark.parametrize("line", [
    "from jinan_eval.report import x", "jinan-eval build --plan", '<div class="jinan-chart">', "book/_static/jinan.css",
    "year = 2021", "width: 0.9", "opacity: 0.6",
])
def test_names_are_not_plan_facts(line):
    assert not plan_fact_hits(SRC / "report" / "planted.py", line)


def test_the_thresholds_default_in_method_params_only():
    assert plan_fact_hits(SRC / "report" / "planted.py", "on_track: float = 0.95")
    assert not plan_fact_hits(THRESHOLDS_HOME, "on_track: float = 0.95")
