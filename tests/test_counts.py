"""One verdict per commitment: every count the report prints adds up to the plan's total and agrees with every
other (findings, overview, key-project and mechanism pages, the methods chapter, the sensitivity table, downloads),
in every edition and language.

The expected totals are counted here from targets.csv by kind, not taken from the code under test.
"""

from __future__ import annotations

import re

import pytest

from jinan_eval.assess import sensitivity
from jinan_eval.data import load_dataset
from jinan_eval.edition.book import EditionResults
from jinan_eval.edition.downloads import edition_tables
from jinan_eval.report import overview, project
from jinan_eval.report.book_pages import methods_page
from jinan_eval.report.context import Context
from jinan_eval.vocabulary import COMMITMENT_KINDS, QUANTIFIED_KINDS, SECTION_KEY_PROJECT, STATUS_ORDER

from conftest import ROOT, SHIPPED_DATA

DATASET = load_dataset(SHIPPED_DATA)
KINDS = DATASET.targets["kind"]
TOTAL = len(DATASET.targets)
QUANTIFIED = int(KINDS.isin(QUANTIFIED_KINDS).sum())
COMMITMENTS = int(KINDS.isin(COMMITMENT_KINDS).sum())
MILESTONES = int((KINDS == "milestone").sum())
YEARS = list(DATASET.plan.report_years)


def numbers_of(message: str, text: str, m) -> list[int]:
    """The numbers a message template put into a text: its {total}/{n}… placeholders read back by a pattern."""
    template = m._messages[message]
    pattern = re.escape(template)
    for name in re.findall(r"\{(\w+)\}", template):
        pattern = pattern.replace(re.escape("{" + name + "}"), r"(\d+)" if name in ("all", "total", "n", "rated", "unrated") else r".*?", 1)
    found = re.search(pattern, text)
    assert found, (message, text[:300])
    return [int(g) for g in found.groups()]


def test_every_commitment_is_of_exactly_one_kind_of_judgement():
    assert QUANTIFIED + COMMITMENTS == TOTAL
    assert set(QUANTIFIED_KINDS).isdisjoint(COMMITMENT_KINDS)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("year", YEARS)
def test_every_page_counts_the_plan_once(year, lang):
    ctx = Context(DATASET, year, lang)
    m = ctx.m
    # one verdict each: the quantified targets carry a status, the others a level, and no id is in both
    rated = overview.rated_targets(ctx)
    assert len(rated) == QUANTIFIED and len(ctx.commitments) == COMMITMENTS
    assert set(rated["target_id"]).isdisjoint(ctx.commitments["target_id"])
    assert set(rated["target_id"]) | set(ctx.commitments["target_id"]) == set(DATASET.targets["target_id"])
    assert (ctx.assessment["status"] == "not_quantified").sum() == COMMITMENTS

    # the findings box: the plan's total, its quantified targets (rated and not), its other commitments, milestones
    said = " ".join(overview.findings(ctx))
    unrated = rated["status"].isin(("insufficient_data",)).all()
    numbers = numbers_of("findings.quantified_none" if unrated else "findings.quantified", said, m)
    assert numbers[:2] == [TOTAL, QUANTIFIED]
    if not unrated:
        assert numbers[2] + numbers[3] == QUANTIFIED  # rated + not rated
    assert numbers_of("findings.commitments", said, m)[0] == COMMITMENTS
    if MILESTONES:
        assert numbers_of("findings.milestones", said, m)[0] == MILESTONES

    # the overview: quantified targets by status, commitments by level
    blocks = overview.counts(ctx)
    text = " ".join(getattr(b, "text", "") or getattr(b, "html", "") for b in blocks)
    assert numbers_of("commitments.quantified_sentence", text, m)[0] == QUANTIFIED
    assert numbers_of("commitments.count_sentence", text, m)[0] == COMMITMENTS
    assert int(overview.section_status_frame(ctx)["count"].sum()) == QUANTIFIED

    # the part pages: each part's intro counts its own targets and commitments; together, the plan
    counted = 0
    for section in DATASET.sections.to_dict("records"):
        intro = project.intro(ctx, section["section_id"])[0].text
        has_rated = (rated["section_id"] == section["section_id"]).any()
        has_levels = (ctx.commitments["section_id"] == section["section_id"]).any()
        counted += numbers_of("commitments.quantified_sentence", intro, m)[0] if has_rated else 0
        counted += numbers_of("commitments.count_sentence", intro, m)[0] if has_levels else 0
        if section["kind"] == SECTION_KEY_PROJECT:
            shown = project.targets(ctx, section["section_id"])
            ids = {t for t in rated.loc[rated["section_id"] == section["section_id"], "target_id"]}
            assert sum(f"**{ctx.ref(t)} · " in getattr(b, "text", "") for b in shown for t in ids) == len(ids)
    assert counted == TOTAL


@pytest.mark.parametrize("year", YEARS)
def test_the_sensitivity_table_and_the_downloads_count_the_plan_once(year):
    results = EditionResults.compute(DATASET, year)
    for row in sensitivity(DATASET, year).to_dict("records"):
        assert sum(row[s] for s in STATUS_ORDER) == TOTAL
        assert row["not_quantified"] == COMMITMENTS
    tables = edition_tables(DATASET, results.history, year, results.commitments)
    for _year, rows in tables["assessment"].groupby("report_year"):
        assert len(rows) == TOTAL and (rows["status"] != "not_quantified").sum() == QUANTIFIED
    for _year, rows in tables["commitments"].groupby("report_year"):
        assert len(rows) == COMMITMENTS
    assert sorted(tables["commitments"]["report_year"].unique()) == list(range(DATASET.plan.first_year, year + 1))


def test_the_methods_chapter_states_the_plans_counts():
    frame = sensitivity(DATASET, YEARS[-1])
    text = methods_page("zh", ROOT / "book", DATASET, "", frame)
    found = re.search(r"方案共 (\d+) 项承诺：(\d+) 项量化目标按状态评定，(\d+) 项按落实程度判断（定性任务 \d+ 项、"
                      r"省下达任务 \d+ 项、节点任务 (\d+) 项）", text)
    assert found and tuple(map(int, found.groups())) == (TOTAL, QUANTIFIED, COMMITMENTS, MILESTONES)
    text = methods_page("en", ROOT / "book", DATASET, "", frame)
    found = re.search(r"The plan makes (\d+) commitments: (\d+) quantified targets rated by status, and\s+(\d+) judged by "
                      r"implementation level \(\d+ qualitative tasks, \d+ provincial\s+tasks and (\d+) milestones\)", text)
    assert found and tuple(map(int, found.groups())) == (TOTAL, QUANTIFIED, COMMITMENTS, MILESTONES)
