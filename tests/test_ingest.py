"""Ingesting collected CSVs: explicit mapping, inferred metadata, overrides, and nothing written on failure."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from jinan_eval.data.ingest import collected_files, infer_base_year, infer_period, ingest, source_id, split_date
from jinan_eval.data.problems import DataValidationError

from conftest import PLAN_DIR, SHIPPED_DATA, write_data_dir

HEADER = ("indicator_key,indicator_zh,region,year,value,unit,measure,source_title,source_publisher,source_date,"
          "source_url,locator,note,source_kind\n")
MAPPING = """\
collected_key,collected_measure,collected_unit,indicator_key,measure,unit,factor,base_year,note
pm25,level,μg/m³,pm25_concentration,level,μg/m³,,,
pm25,cumulative_change,%,pm25_concentration,cumulative_change_pct,%,,,
piles,level,million units,charging_piles,level,万台,100,,
"""


def make_layout(tmp_path: Path, rows: str) -> tuple[Path, Path]:
    """A valid data folder without observations or sources (the ingest writes them), and a raw file of ``rows``."""
    raw, data = tmp_path / "raw", write_data_dir(tmp_path / "data")
    raw.mkdir()
    shutil.rmtree(data / "observations")
    (data / "sources.csv").unlink()
    (data / "mappings").mkdir(parents=True)
    (raw / "air.csv").write_text(HEADER + rows, encoding="utf-8")
    (data / "mappings" / "collected_indicators.csv").write_text(MAPPING, encoding="utf-8")
    with (data / "indicators.csv").open("a", encoding="utf-8") as fh:
        fh.write("pm25_concentration,PM2.5浓度,PM2.5,μg/m³,lower,level,KP1,PM2.5\n"
                 "charging_piles,充电桩,Charging piles,万台,higher,level,KP1,Piles\n")
    return raw, data


ROW_LEVEL = "pm25,PM2.5浓度,济南市,2021,40,μg/m³,level,标题,舜网,2022-01-05,https://e.org/a,第1段,,\n"
ROW_CUM = ("pm25,PM2.5浓度 较2020年改善,济南市,2024,-26.5,%,cumulative_change,标题二,大众,2025-01-02 (press),"
           "https://e.org/b,第2段,,\n")
ROW_PILES = "piles,充电桩,济南市,2024,1.5,million units,level,标题三,新华社,,,第3段,PARTIAL YEAR: Jan–Jun,print\n"


def test_rows_are_mapped_converted_and_sourced(tmp_path):
    raw, data = make_layout(tmp_path, ROW_LEVEL + ROW_CUM + ROW_PILES)
    ingest(raw, data)
    obs = pd.read_csv(data / "observations" / "air.csv")
    assert list(obs["indicator_key"]) == ["pm25_concentration", "pm25_concentration", "charging_piles"]
    assert list(obs["measure"]) == ["level", "cumulative_change_pct", "level"]
    assert obs.loc[1, "base_year"] == 2020
    assert obs.loc[2, "value"] == pytest.approx(150.0)
    assert obs.loc[2, "unit"] == "万台"
    assert obs["note"].isna().all(), "the collector's notes stay in the raw file"
    assert list(obs["period"]) == ["year", "year", "partial"]
    sources = pd.read_csv(data / "sources.csv")
    assert set(obs["source_id"]) == set(sources["source_id"])
    cum = sources.set_index("source_id").loc[obs.loc[1, "source_id"]]
    assert (cum["date"], cum["issuer"], cum["retrieved_from"]) == ("2025-01-02", "大众", "https://e.org/b")
    assert pd.isna(sources.set_index("source_id").loc[obs.loc[2, "source_id"], "retrieved_from"])


def test_reviewed_corrections_and_dropped_sources_are_applied(tmp_path):
    raw, data = make_layout(tmp_path, ROW_LEVEL + ROW_CUM)
    ingest(raw, data)
    first = pd.read_csv(data / "sources.csv").set_index("title")
    level_id, cum_id = first.loc["标题", "source_id"], first.loc["标题二", "source_id"]
    (data / "mappings" / "source_corrections.csv").write_text(
        "source_id,title,issuer,date,doc_number,url,retrieved_from,retrieved_on,locator,reason\n"
        f"{level_id},济南市空气质量公报,济南市生态环境局,2022-01-05,,,https://jnepb.example.org/a,2026-12-01,"
        "表1,the issuing body's own page\n", encoding="utf-8")
    (data / "mappings" / "dropped_sources.csv").write_text(
        f"source_id,reason\n{cum_id},read only on a host that cannot be cited\n", encoding="utf-8")
    ingest(raw, data)
    sources = pd.read_csv(data / "sources.csv").set_index("source_id")
    assert list(sources.index) == [level_id]
    assert (sources.loc[level_id, "title"], sources.loc[level_id, "retrieved_from"]) == \
        ("济南市空气质量公报", "https://jnepb.example.org/a")
    obs = pd.read_csv(data / "observations" / "air.csv")
    assert list(obs["source_id"]) == [level_id], "the dropped source's figure is left out"


def test_unmapped_key_fails_and_writes_nothing(tmp_path):
    raw, data = make_layout(tmp_path, ROW_LEVEL + ROW_LEVEL.replace("pm25,", "o3,", 1))
    with pytest.raises(DataValidationError) as info:
        ingest(raw, data)
    [problem] = info.value.report.errors
    assert (problem.file, problem.row, problem.rule) == ("air.csv", 3, "mapping.missing")
    assert not (data / "observations").exists()
    assert not (data / "sources.csv").exists()


def test_failed_ingest_leaves_previous_output_untouched(tmp_path):
    raw, data = make_layout(tmp_path, ROW_LEVEL)
    ingest(raw, data)
    before = (data / "observations" / "air.csv").read_bytes()
    (raw / "air.csv").write_text(HEADER + ROW_LEVEL + ROW_LEVEL.replace("济南市", "青岛市"), encoding="utf-8")
    with pytest.raises(DataValidationError):
        ingest(raw, data)
    assert (data / "observations" / "air.csv").read_bytes() == before


def test_override_sets_preferred_and_needs_a_reason(tmp_path):
    raw, data = make_layout(tmp_path, ROW_LEVEL + ROW_LEVEL.replace(",40,", ",41,"))
    overrides = data / "mappings" / "row_overrides.csv"
    overrides.write_text("file,line,column,value,reason\nair.csv,3,preferred,true,final figure\n", encoding="utf-8")
    ingest(raw, data)
    obs = pd.read_csv(data / "observations" / "air.csv")
    assert list(obs["preferred"].fillna(False)) == [False, True]
    assert obs["note"].iloc[1] == "preferred where sources disagree: final figure"
    assert pd.isna(obs["note"].iloc[0])
    overrides.write_text("file,line,column,value,reason\nair.csv,3,preferred,true,\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        ingest(raw, data)
    assert info.value.report.errors[0].rule == "override.reason"


def test_cumulative_row_without_a_stated_base_year_is_refused(tmp_path):
    raw, data = make_layout(tmp_path, ROW_CUM.replace(" 较2020年改善", ""))
    with pytest.raises(DataValidationError) as info:
        ingest(raw, data)
    assert info.value.report.errors[0].rule == "observation.base_year"


@pytest.mark.parametrize("words, expected", [
    ({"indicator_zh": "较2017年改善", "note": ""}, 2017),
    ({"indicator_zh": "x", "note": "cumulative over the plan period"}, 2019),
    ({"indicator_zh": "计划期以来累计", "note": ""}, 2019),
    ({"indicator_zh": "x", "note": "base year 2013"}, 2013),
    ({"indicator_zh": "x", "note": ""}, None),
])
def test_infer_base_year(words, expected):
    assert infer_base_year(words, period_base_year=2019, base_year_words=("plan period", "计划期")) == expected


def test_without_base_year_words_no_words_mean_the_base_year():
    row = {"indicator_zh": "计划期以来累计", "note": "cumulative over the plan period"}
    assert infer_base_year(row, period_base_year=2019) is None


ROW_SINCE = ("pm25,PM2.5浓度 “十四五”以来累计改善,济南市,2024,-26.5,%,cumulative_change,标题四,大众,2025-01-03,"
             "https://e.org/d,第4段,,\n")


def test_a_plan_that_names_no_base_year_words_maps_none_to_its_base_year(tmp_path):
    """The words that mean "since the base year" are the plan's (plan.yaml base_year_words): a plan that names none
    leaves such a figure without a base year, refused as any other."""
    raw, data = make_layout(tmp_path, ROW_SINCE)
    with pytest.raises(DataValidationError) as info:
        ingest(raw, data)
    assert [(p.rule, p.file, p.row) for p in info.value.report.errors] == [("observation.base_year", "air.csv", 2)]


def test_the_plans_base_year_words_count_a_figure_from_its_base_year(tmp_path):
    raw, data = make_layout(tmp_path, ROW_SINCE + ROW_SINCE.replace("“十四五”以来", "较十三五末").replace("2024", "2023"))
    plan = data / PLAN_DIR / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "base_year_words: [十四五, 十三五末]\n", encoding="utf-8")
    ingest(raw, data)
    assert list(pd.read_csv(data / "observations" / "air.csv")["base_year"]) == [2020, 2020]


def test_ingesting_the_shipped_raw_files_reproduces_the_shipped_data(shipped_data_copy):
    """The shipped observations and sources are what the ingest makes of the shipped raw files, byte for byte."""
    ingest(shipped_data_copy / "raw", shipped_data_copy)
    written = sorted(p.relative_to(shipped_data_copy) for p in shipped_data_copy.rglob("*.csv")
                     if "raw" not in p.relative_to(shipped_data_copy).parts[:1])
    assert written == sorted(p.relative_to(SHIPPED_DATA) for p in SHIPPED_DATA.rglob("*.csv")
                             if "raw" not in p.relative_to(SHIPPED_DATA).parts[:1])
    changed = [str(rel) for rel in written if (shipped_data_copy / rel).read_bytes() != (SHIPPED_DATA / rel).read_bytes()]
    assert changed == []


def test_infer_period_reads_partial_year_flags():
    assert infer_period({"note": "PARTIAL YEAR: Jan–Sep 2022 only"}) == "partial"
    assert infer_period({"note": "stated yoy -8.1%"}) == "year"


def test_split_date_and_stable_source_id():
    assert split_date("2022-10-27 (document date)") == ("2022-10-27", "document date")
    assert split_date("not shown") == (None, "not shown")
    assert source_id("t", "p", "d", "u", "l") == source_id("t", "p", "d", "u", "l")
    assert source_id("t", "p", "d", "u", "l") != source_id("t", "p", "d", "u", "l2")


def test_every_collected_row_is_ingested_with_its_source_or_left_out_with_a_reason():
    """The shipped observations hold one row per collected row whose source was not dropped, each citing a source."""
    dropped = set(pd.read_csv(SHIPPED_DATA / "mappings" / "dropped_sources.csv")["source_id"])
    raw_rows = left_out = 0
    for path in collected_files(SHIPPED_DATA / "raw"):
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                raw_rows += 1
                sid = source_id(row["source_title"], row["source_publisher"], row["source_date"],
                                row["source_url"], row["locator"])
                left_out += sid in dropped
    obs = pd.concat([pd.read_csv(p) for p in (SHIPPED_DATA / "observations").glob("*.csv")])
    stated = pd.read_csv(SHIPPED_DATA / "plan_targets.csv")  # targets stated in plans: not observations
    sources = pd.read_csv(SHIPPED_DATA / "sources.csv")
    assert left_out > 0 and len(obs) + len(stated) == raw_rows - left_out
    assert set(obs["record_type"]) == {"observed"}
    assert not obs["source_id"].isin(dropped).any()
    assert obs["source_id"].isin(sources["source_id"]).all()


def test_a_target_stated_in_a_plan_goes_to_plan_targets_never_to_the_observations(tmp_path):
    target = "pm25,PM2.5浓度目标,济南市,2025,35,μg/m³,level,规划,市政府,2022-01-05,https://e.org/p,第5段,TARGET of the plan,\n"
    raw, data = make_layout(tmp_path, ROW_LEVEL + target)
    ingest(raw, data)
    obs = pd.read_csv(data / "observations" / "air.csv")
    stated = pd.read_csv(data / "plan_targets.csv")
    assert list(obs["year"]) == [2021] and set(obs["record_type"]) == {"observed"}
    assert list(zip(stated["indicator_key"], stated["year"], stated["value"])) == [("pm25_concentration", 2025, 35.0)]
    # the target's row leaving the raw file leaves no stale plan_targets.csv behind
    (raw / "air.csv").write_text(HEADER + ROW_LEVEL, encoding="utf-8")
    ingest(raw, data)
    assert not (data / "plan_targets.csv").exists()


def test_a_raw_file_in_a_folder_never_writes_over_a_file_of_the_same_name_elsewhere(tmp_path):
    """raw/workbook/air.csv and raw/air.csv each keep their observations (the output is named by the whole path)."""
    raw, data = make_layout(tmp_path, ROW_LEVEL)
    (raw / "workbook").mkdir()
    (raw / "workbook" / "air.csv").write_text(HEADER + ROW_CUM, encoding="utf-8")  # a workbook named like a file
    ingest(raw, data)
    assert len(pd.read_csv(data / "observations" / "air.csv")) == 1
    assert len(pd.read_csv(data / "observations" / "workbook__air.csv")) == 1


def test_two_raw_files_that_would_write_one_observations_file_are_refused_and_nothing_is_written(tmp_path):
    raw, data = make_layout(tmp_path, ROW_LEVEL)
    (raw / "workbook").mkdir()
    (raw / "workbook" / "air.csv").write_text(HEADER + ROW_CUM, encoding="utf-8")
    (raw / "workbook__air.csv").write_text(HEADER + ROW_LEVEL, encoding="utf-8")  # the same output name
    with pytest.raises(DataValidationError) as exc:
        ingest(raw, data)
    [problem] = [p for p in exc.value.report.errors if p.rule == "ingest.name_collision"]
    assert "workbook__air.csv" in problem.message and "workbook/air.csv" in problem.file + problem.message
    assert not (data / "observations").exists()


def test_mapping_files_saved_by_excel_as_csv_utf8_are_read(tmp_path):
    """Excel's "CSV UTF-8" starts the file with a byte-order mark: every table of data/ goes through the one reader."""
    raw, data = make_layout(tmp_path, ROW_LEVEL + ROW_CUM)
    for rel in ("mappings/collected_indicators.csv", "indicators.csv", "regions.csv"):
        path = data / rel
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    (data / "mappings" / "row_overrides.csv").write_bytes(
        "\ufefffile,line,column,value,reason\nair.csv,2,period,year,checked\n".encode("utf-8"))
    ingest(raw, data)
    assert list(pd.read_csv(data / "observations" / "air.csv")["indicator_key"]) == ["pm25_concentration"] * 2
