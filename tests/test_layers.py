"""The package's architecture, enforced: stages import only downwards, and no plan lives in the code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

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


# A region code, the plan's base year or a fixed count of key projects in the code would make a second plan code,
# not data. (The package's own name, jinan-eval / jinan_eval, and CSS classes jinan-* are names, not plan facts.)
PLAN_FACTS = re.compile(r"""["']jinan["']|\b2020\b|range\(\s*1\s*,\s*11\s*\)""")


def test_no_plan_fact_is_hard_coded_in_the_package():
    hits = []
    for path in sorted(SRC.rglob("*")):
        if path.suffix not in (".py", ".yml") or "__pycache__" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if PLAN_FACTS.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert hits == [], "plan facts belong in data/plans/<plan-id>/plan.yaml:\n" + "\n".join(hits)


def test_the_plan_facts_check_catches_a_planted_fact(tmp_path):
    assert PLAN_FACTS.search('region = "jinan"') and PLAN_FACTS.search("base = 2020")
    assert PLAN_FACTS.search("for i in range(1, 11):") and not PLAN_FACTS.search("jinan_eval.report")
