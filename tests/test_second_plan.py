"""A second plan is data, not code: another region, another base year, two key projects and one mechanism
(tests/fixtures/second_plan, invented figures) validate, are assessed and build an edition in both languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jinan_eval.assess import MethodParams, assess_edition
from jinan_eval.data import load_dataset
from jinan_eval.edition.book import build_edition, edition_years, toc
from jinan_eval.edition.run import page_jobs
from jinan_eval.report.context import Context
from jinan_eval.report.target import target_blocks

from e2e_helpers import restored_cwd

SECOND = Path(__file__).resolve().parent / "fixtures" / "second_plan"


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(SECOND)


def test_the_plan_configures_region_years_and_method(dataset):
    plan = dataset.plan
    assert (plan.id, plan.region, plan.base_year, plan.first_year) == ("sd-13fyp-air", "shandong", 2015, 2016)
    params = MethodParams.for_plan(plan)
    assert (params.region, params.default_base_year, params.on_track) == ("shandong", 2015, 0.9)
    assert edition_years(dataset) == [2016, 2017, 2018]


def test_the_assessment_rates_the_plans_own_region_against_its_own_base_year(dataset):
    rows = assess_edition(dataset, 2018).set_index("target_id")
    # PM2.5 66 → 55 μg/m³: −16.67 % of a −20 % target, progress 0.8333; the constant-rate path expects
    # (0.8^0.6 − 1)/(0.8 − 1) = 0.6264 after 3 of 5 years → R = 1.33 ≥ 0.9: on track
    assert rows.loc["MAIN-1", "route"] == "levels" and rows.loc["MAIN-1", "base_year"] == 2015
    assert rows.loc["MAIN-1", "progress"] == pytest.approx(0.8333, abs=1e-4)
    assert rows.loc["MAIN-1", "status"] == "on_track"
    # 260 of 500 boilers by 2017 (2 of 5 years): progress 0.52 vs 0.4 expected
    assert rows.loc["KP1-1", "status"] == "on_track"


def test_pages_and_contents_follow_the_plans_sections(dataset, tmp_path):
    pages = [job.page for job in page_jobs(dataset, 2018, "zh", tmp_path)]
    assert pages == ["overview", "main", "kp1", "kp2", "mechanisms", "data_sources"]
    assert [c["file"] for c in toc(pages)["chapters"]][:6] == pages


def test_a_target_rated_from_levels_is_charted_with_the_methods_path(dataset):
    ctx = Context(dataset, 2018, "zh")
    target = ctx.targets.set_index("target_id").loc["MAIN-1"].to_dict() | {"target_id": "MAIN-1"}
    [chart] = [b for b in target_blocks(target, ctx) if hasattr(b, "to_dict")]
    spec = chart.to_dict()
    data = [row for rows in spec["datasets"].values() for row in rows]
    observed = sorted(r["value"] for r in data if r.get("region") == "shandong")
    path = {r["year"]: r["value"] for r in data if "region" not in r and "label" not in r}
    assert observed == [55.0, 57.0, 60.0, 66.0]
    # the path runs from the base level 66 at a constant rate to 66 × 0.8 = 52.8 in 2020
    assert path[2015] == pytest.approx(66.0) and path[2020] == pytest.approx(52.8)
    assert path[2018] == pytest.approx(66.0 * 0.8 ** 0.6)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_edition_of_the_second_plan_builds(tmp_path, lang):
    with restored_cwd():
        edition = build_edition(2018, lang, data_dir=SECOND, build_dir=tmp_path, jobs=2, progress=False)
    manifest = json.loads((edition / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["plan"] == "sd-13fyp-air" and manifest["edition"] == 2018
    assert (edition / "kp2.html").exists() and not (edition / "kp3.html").exists()
    overview = (edition / "overview.html").read_text(encoding="utf-8")
    assert "jinan-chart" in overview  # MAIN-1 is charted (rated from levels)
    title = "测试省级大气方案评估" if lang == "zh" else "Test provincial air-plan evaluation"
    assert title in (edition / "index.html").read_text(encoding="utf-8")
    assert (edition / "data" / "sd-13fyp-air.xlsx").exists()
    if lang == "en":
        text = overview + (edition / "kp1.html").read_text(encoding="utf-8")
        assert "On track" in text and "进度正常" not in text


def test_the_plan_sets_its_base_year_words_ids_and_years(dataset):
    from jinan_eval.data.schema import section_id_pattern

    plan = dataset.plan
    assert plan.base_year_words == ("十三五", "13th FYP", "十二五末")
    assert section_id_pattern(plan) == r"^(MAIN|KP[1-9]\d*|PM[1-9]\d*)$"
    assert plan.year_range == (1995, 2030)


def test_a_department_is_named_without_the_plans_region():
    from jinan_eval.report.sources import department_name

    # a provincial plan: 山东省生态环境厅 is the plan's 省生态环境厅; another region's name stays
    assert department_name("山东省生态环境厅", "山东省") == "省生态环境厅" == department_name("省生态环境厅", "山东省")
    assert department_name("河北省生态环境厅", "山东省") == "河北省生态环境厅"
    assert department_name("山东省", "山东省") == "山东省" and department_name(None, "山东省") == ""
