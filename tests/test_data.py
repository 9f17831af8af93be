"""Validation at the door: each real-world defect is repaired with a warning or rejected with file/row/column."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jinan_eval.cli import main
from jinan_eval.data import load_dataset, validate
from jinan_eval.data.problems import DataValidationError

from conftest import PLAN_DIR

OBS = "observations/energy.csv"


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def errors_of(data_dir: Path, rule: str):
    report, _ = validate(data_dir)
    return [p for p in report.errors if p.rule == rule]


def warnings_of(data_dir: Path, rule: str):
    report, _ = validate(data_dir)
    return [p for p in report.warnings if p.rule == rule]


def test_fixture_is_valid(data_dir):
    report, dataset = validate(data_dir)
    assert report.ok, [str(p) for p in report.errors]
    assert len(dataset.observations) == 4
    assert dataset.observations["year"].dtype.name == "Int64"


def test_gbk_file_is_decoded_with_a_warning(data_dir):
    path = data_dir / OBS
    text = path.read_text(encoding="utf-8").replace(",,year,,,observed,S0000000a,\n", ",,year,,,observed,S0000000a,按可比价计算\n", 1)
    path.write_bytes(text.encode("gb18030"))
    report, dataset = validate(data_dir)
    assert report.ok
    assert [p.file for p in report.warnings if p.rule == "encoding.gb18030"] == [OBS]
    assert "按可比价计算" in set(dataset.observations["note"].dropna())


def test_utf8_bom_is_dropped_with_a_warning(data_dir):
    path = data_dir / "sources.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    report, dataset = validate(data_dir)
    assert report.ok
    assert "source_id" in dataset.sources.columns
    assert [p.file for p in report.warnings if p.rule == "encoding.bom"] == ["sources.csv"]


def test_fullwidth_digits_are_converted(data_dir):
    replace_in(data_dir / OBS, "2023,12,家", "２０２３,１２,家")
    report, dataset = validate(data_dir)
    assert report.ok
    row = dataset.observations.query("indicator_key == 'green_factories'").iloc[0]
    assert (row["year"], row["value"]) == (2023, 12.0)
    found = {(p.row, p.column) for p in report.warnings if p.rule == "number.fullwidth"}
    assert found == {(5, "year"), (5, "value")}


def test_thousands_separator_is_removed(data_dir):
    replace_in(data_dir / OBS, "2023,12,家", '2023,"1,234",家')
    report, dataset = validate(data_dir)
    assert report.ok
    assert 1234.0 in set(dataset.observations["value"])
    assert [(p.row, p.column) for p in report.warnings if p.rule == "number.thousands"] == [(5, "value")]


def test_percent_inside_a_value_is_rejected(data_dir):
    replace_in(data_dir / OBS, "2022,-4.0,%", "2022,-4.0%,%")
    [problem] = errors_of(data_dir, "number.unit_in_cell")
    assert (problem.file, problem.row, problem.column) == (OBS, 3, "value")
    assert "-4.0%" in problem.message


def test_unit_word_inside_a_value_is_rejected(data_dir):
    replace_in(data_dir / OBS, "2023,12,家", "2023,12家,家")
    [problem] = errors_of(data_dir, "number.unit_in_cell")
    assert (problem.row, problem.column) == (5, "value")


def test_empty_file_is_rejected(data_dir):
    (data_dir / "sources.csv").write_text("", encoding="utf-8")
    [problem] = errors_of(data_dir, "empty")
    assert problem.file == "sources.csv"


def test_header_without_rows_is_rejected(data_dir):
    (data_dir / "regions.csv").write_text("region,name_zh,name_en,kind\n", encoding="utf-8")
    [problem] = errors_of(data_dir, "empty")
    assert problem.file == "regions.csv"


def test_missing_column_is_rejected(data_dir):
    path = data_dir / OBS
    lines = path.read_text(encoding="utf-8").splitlines()
    cut = [",".join(c for i, c in enumerate(line.split(",")) if i != 4) for line in lines]  # drop 'unit'
    path.write_text("\n".join(cut) + "\n", encoding="utf-8")
    [problem] = errors_of(data_dir, "column.missing")
    assert (problem.file, problem.row, problem.column) == (OBS, 1, "unit")


def test_non_numeric_value_is_rejected(data_dir):
    replace_in(data_dir / OBS, "2022,-4.0,%", "2022,n/a,%")
    [problem] = errors_of(data_dir, "number.not_numeric")
    assert (problem.file, problem.row, problem.column) == (OBS, 3, "value")
    assert not errors_of(data_dir, "required"), "one problem, reported once"


def test_year_outside_range_is_rejected(data_dir):
    replace_in(data_dir / OBS, "jinan,2021,-3.5", "jinan,1999,-3.5")
    [problem] = errors_of(data_dir, "range")
    assert (problem.file, problem.row, problem.column) == (OBS, 2, "year")


def test_conflicting_duplicates_are_rejected_unless_one_is_preferred(data_dir):
    path = data_dir / OBS
    with path.open("a", encoding="utf-8") as fh:
        fh.write("energy_intensity,jinan,2022,-4.4,%,yoy_change_pct,,year,,,observed,S0000000b,revised\n")
    [problem] = errors_of(data_dir, "observation.duplicate")
    assert (problem.file, problem.row, problem.column) == (OBS, 3, "value")
    assert f"{OBS}:6" in problem.message
    replace_in(path, "-4.4,%,yoy_change_pct,,year,,,", "-4.4,%,yoy_change_pct,,year,,true,")
    assert validate(data_dir)[0].ok


def test_changes_of_one_year_against_two_base_years_are_two_figures(data_dir):
    # plans routinely publish a year's change against 2015 beside its change against 2020: one observation key
    # (vocabulary.OBSERVATION_KEY, base year included) for validation, assessment and pages
    with (data_dir / OBS).open("a", encoding="utf-8") as fh:
        fh.write("energy_intensity,jinan,2023,-30.0,%,cumulative_change_pct,2015,year,,,observed,S0000000a,\n")
        fh.write("energy_intensity,jinan,2023,-12.0,%,cumulative_change_pct,2020,year,,,observed,S0000000a,\n")
    report, dataset = validate(data_dir)
    assert report.ok, [str(p) for p in report.errors]
    from jinan_eval.assess import assess_edition

    row = assess_edition(dataset, 2023).set_index("target_id").loc["MAIN-1"]
    assert row["route"] == "cumulative_change" and row["achieved_change"] == pytest.approx(-12.0)


def test_identical_duplicates_from_two_sources_are_accepted(data_dir):
    with (data_dir / OBS).open("a", encoding="utf-8") as fh:
        fh.write("energy_intensity,jinan,2022,-4.0,%,yoy_change_pct,,year,,,observed,S0000000b,same figure\n")
    assert validate(data_dir)[0].ok


def test_unknown_indicator_is_rejected(data_dir):
    replace_in(data_dir / OBS, "green_factories,jinan", "green_factory,jinan")
    [problem] = errors_of(data_dir, "ref.indicator")
    assert (problem.file, problem.row, problem.column) == (OBS, 5, "indicator_key")


def test_observation_without_source_is_rejected(data_dir):
    replace_in(data_dir / OBS, "observed,S0000000b,\n", "observed,,\n")
    [problem] = errors_of(data_dir, "required")
    assert (problem.file, problem.row, problem.column) == (OBS, 4, "source_id")


def test_observation_with_unknown_source_is_rejected(data_dir):
    replace_in(data_dir / OBS, "observed,S0000000b,\n", "observed,S0000000c,\n")
    [problem] = errors_of(data_dir, "ref.source")
    assert (problem.row, problem.column) == (4, "source_id")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "file:///etc/passwd", "example.org"])
def test_source_with_non_http_url_is_rejected(data_dir, url):
    replace_in(data_dir / "sources.csv", "https://news.example.com/b", url)
    [problem] = errors_of(data_dir, "pattern")
    assert (problem.file, problem.row, problem.column) == ("sources.csv", 3, "retrieved_from")


def test_source_without_the_page_it_was_read_on_is_rejected(data_dir):
    # a figure read on the web with no page to show for it does not exist for the report
    replace_in(data_dir / "sources.csv", "https://news.example.com/b", "")
    [problem] = errors_of(data_dir, "source.needs")
    assert (problem.file, problem.row, problem.column) == ("sources.csv", 3, "retrieved_from")


SUPPLIED_HEADER = "source_id,title,issuer,date,doc_number,url,retrieved_from,retrieved_on,locator,kind,supplied_by\n"


def supplied_sources(data_dir, row_b: str) -> None:
    """sources.csv with the kind columns; row b as given."""
    (data_dir / "sources.csv").write_text(
        SUPPLIED_HEADER + "S0000000a,济南市统计公报,济南市统计局,2023-03-01,,https://example.org/a,https://example.org/a,"
        "2026-11-25,第1段,,\n" + row_b + "\n", encoding="utf-8")


def test_a_figure_a_department_supplied_needs_no_web_address_and_is_graded_s(data_dir):
    supplied_sources(data_dir, "S0000000b,关于报送2024年全市能耗强度完成情况的函,济南市统计局,2025-02-10,济统函〔2025〕3号,,,,"
                     "附表1,department,市统计局能源统计处")
    report, dataset = validate(data_dir)
    assert report.ok, [str(p) for p in report.errors]
    assert dataset.sources.set_index("source_id").loc["S0000000b", "grade"] == "S"


@pytest.mark.parametrize("missing, column", [("济统函〔2025〕3号", "doc_number"), ("市统计局能源统计处", "supplied_by"),
                                             ("2025-02-10", "date")])
def test_a_departments_return_names_its_number_date_and_office(data_dir, missing, column):
    row = "S0000000b,关于报送2024年全市能耗强度完成情况的函,济南市统计局,2025-02-10,济统函〔2025〕3号,,,,附表1,department,市统计局能源统计处"
    supplied_sources(data_dir, row.replace(missing, "", 1))
    problems = errors_of(data_dir, "source.needs")
    assert [(p.file, p.row, p.column) for p in problems] == [("sources.csv", 3, column)]


def test_a_printed_yearbook_is_cited_by_title_and_table_and_graded_a(data_dir):
    supplied_sources(data_dir, "S0000000b,济南统计年鉴2024,济南市统计局,2024-10,,,,,表8-3 分行业能源消费量,print,")
    report, dataset = validate(data_dir)
    assert report.ok, [str(p) for p in report.errors]
    assert dataset.sources.set_index("source_id").loc["S0000000b", "grade"] == "A"


def test_a_government_site_is_official_by_its_name_and_an_unlisted_site_reads_as_a_copy(data_dir):
    replace_in(data_dir / "sources.csv", "https://news.example.com/b", "http://jntj.jinan.gov.cn/art/2025/3/1/a.html")
    report, dataset = validate(data_dir)
    assert report.ok and not report.warnings
    assert dataset.sources.set_index("source_id").loc["S0000000b", "grade"] == "A"
    replace_in(data_dir / "sources.csv", "http://jntj.jinan.gov.cn/art/2025/3/1/a.html", "https://unknown.example.io/x")
    report, dataset = validate(data_dir)
    assert report.ok and [(w.rule, w.row, w.column) for w in report.warnings] == [
        ("source.unknown_host", 3, "retrieved_from")]
    assert dataset.sources.set_index("source_id").loc["S0000000b", "grade"] == "C"


@pytest.mark.parametrize("url, rule, words", [
    ("https://spam.example.biz/copy.html", "source.not_citable", "blocked host (link_farm)"),
    ("http://123.232.116.197/news/1.html", "source.not_citable", "bare network address"),
])
def test_a_source_on_a_host_no_reader_may_be_sent_to_is_rejected(data_dir, url, rule, words):
    replace_in(data_dir / "sources.csv", "https://news.example.com/b", url)
    [problem] = errors_of(data_dir, rule)
    assert (problem.file, problem.row, problem.column) == ("sources.csv", 3, "retrieved_from")
    assert words in problem.message


def test_grades_follow_the_kind_of_host_a_source_was_read_on(data_dir):
    replace_in(data_dir / "sources.csv", "https://example.org/a,2026", "https://copies.example.net/a,2026")
    grades = dict(zip(*[load_dataset(data_dir).sources[c] for c in ("source_id", "grade")]))
    assert grades == {"S0000000a": "C", "S0000000b": "B"}
    replace_in(data_dir / "sources.csv", "https://copies.example.net/a,2026", "https://example.org/a,2026")
    assert load_dataset(data_dir).sources.set_index("source_id").loc["S0000000a", "grade"] == "A"


def test_target_with_unknown_indicator_is_rejected(data_dir):
    replace_in(data_dir / PLAN_DIR / "targets.csv", "KP1,green_factories", "KP1,green_plants")
    [problem] = errors_of(data_dir, "ref.indicator")
    assert (problem.file, problem.row, problem.column) == (f"{PLAN_DIR}/targets.csv", 3, "indicator_key")


def test_quantified_target_needs_a_value(data_dir):
    replace_in(data_dir / PLAN_DIR / "targets.csv", "count,2020,40,家", "count,2020,,家")
    [problem] = errors_of(data_dir, "target.quantified")
    assert (problem.row, problem.column) == (3, "target_value")


def test_cumulative_observation_needs_a_base_year(data_dir):
    replace_in(data_dir / OBS, "cumulative_added,2020", "cumulative_added,")
    [problem] = errors_of(data_dir, "observation.base_year")
    assert (problem.row, problem.column) == (5, "base_year")


def test_observation_unit_must_match_the_catalogue(data_dir):
    replace_in(data_dir / OBS, "2023,12,家", "2023,12,个")
    [problem] = errors_of(data_dir, "observation.unit")
    assert (problem.row, problem.column) == (5, "unit")


def test_several_problems_are_reported_together(data_dir):
    replace_in(data_dir / OBS, "jinan,2021,-3.5", "jinan,1999,-3.5")
    replace_in(data_dir / OBS, "2022,-4.0,%", "2022,abc,%")
    replace_in(data_dir / "sources.csv", "https://news.example.com/b", "javascript:void(0)")
    report, _ = validate(data_dir)
    assert {"range", "number.not_numeric", "pattern"} <= {p.rule for p in report.errors}
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_dir)
    assert "observations/energy.csv:2 column 'year'" in str(info.value)
    assert "sources.csv:3 column 'retrieved_from'" in str(info.value)


def test_cli_validate_exit_codes(data_dir, capsys):
    assert main(["validate", "--data-dir", str(data_dir)]) == 0
    assert "OK" in capsys.readouterr().out
    replace_in(data_dir / OBS, "2022,-4.0,%", "2022,-4.0%,%")
    assert main(["validate", "--data-dir", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert "observations/energy.csv:3 column 'value' [number.unit_in_cell]" in err


def test_shipped_data_is_valid():
    report, dataset = validate()
    assert report.ok, "\n".join(str(p) for p in report.errors[:30])
    assert len(dataset.observations) > 250 and set(dataset.sources["grade"]) <= {"A", "B", "C"}


LOG = f"{PLAN_DIR}/search_log.csv"


def test_search_log_entry_for_an_unknown_target_is_rejected(data_dir):
    replace_in(data_dir / LOG, "KP1-1,2026-11-25", "KP1-9,2026-11-25")
    [problem] = errors_of(data_dir, "ref.target")
    assert (problem.file, problem.row, problem.column) == (LOG, 2, "target_id")


def test_search_log_entry_for_a_qualitative_commitment_is_accepted(data_dir):
    # commitments without a number are searched for evidence too: their search is logged like a target's
    replace_in(data_dir / LOG, "KP1-1,2026-11-25", "KP1-2,2026-11-25")
    report, dataset = validate(data_dir)
    assert report.ok and list(dataset.search_log["target_id"]) == ["KP1-2"]


def test_search_log_outcome_and_date_are_checked(data_dir):
    replace_in(data_dir / LOG, "2026-11-25,found_partial_only", "25/11/2026,partly_found")
    report, _ = validate(data_dir)
    assert {(p.row, p.column) for p in report.errors} == {(2, "searched_on"), (2, "outcome")}


def test_search_log_lead_must_be_a_web_address(data_dir):
    replace_in(data_dir / LOG, "https://example.org/c", "javascript:alert(1)")
    [problem] = errors_of(data_dir, "pattern")
    assert (problem.file, problem.row, problem.column) == (LOG, 2, "closest_url")


def test_two_search_log_entries_of_one_target_on_one_day_are_rejected(data_dir):
    path = data_dir / LOG
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    [problem] = errors_of(data_dir, "search_log.duplicate")
    assert (problem.row, problem.column) == (3, "searched_on")


@pytest.mark.parametrize("url, words", [
    ("http://14z7q.com\\@www.jinan.gov.cn/a.html", "backslash"),  # a browser opens 14z7q.com
    ("http://spam.example.biz@www.jinan.gov.cn/a.html", "user before the host"),
    ("http://www.jinan%2egov.cn/a.html", "percent escape"),
    ("http://www.jinan.gov.cn/a b.html", "backslash, a space"),
])
def test_an_address_a_browser_would_read_as_another_host_is_refused(data_dir, url, words):
    replace_in(data_dir / "sources.csv", "https://news.example.com/b", url)
    [problem] = errors_of(data_dir, "source.url_form")
    assert (problem.file, problem.row, problem.column) == ("sources.csv", 3, "retrieved_from")
    assert words in problem.message


def test_the_search_log_never_links_a_blocked_host(data_dir):
    replace_in(data_dir / PLAN_DIR / "search_log.csv", "https://example.org/c", "https://spam.example.biz/x.html")
    [problem] = errors_of(data_dir, "search_log.blocked")
    assert (problem.file, problem.row, problem.column) == (f"{PLAN_DIR}/search_log.csv", 2, "closest_url")
    replace_in(data_dir / PLAN_DIR / "search_log.csv", "https://spam.example.biz/x.html", "http://a.example\\@example.org/")
    assert [p.rule for p in validate(data_dir)[0].errors] == ["search_log.url_form"]


def test_an_internationalised_host_is_looked_up_in_its_ascii_form():
    from jinan_eval.data.load import host_of

    assert host_of("http://MÜNCHEN.de/a") == "xn--mnchen-3ya.de"  # the registry's form, as hosts.csv lists hosts
    assert host_of("http://政府.中国/a").endswith(".xn--fiqs8s")  # .中国 is .xn--fiqs8s


# ---------------------------------------------------------------- what the plan sets in the data dictionary

def add_to_plan(data_dir: Path, text: str) -> None:
    path = data_dir / PLAN_DIR / "plan.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def rename_sections(data_dir: Path, names: dict[str, str]) -> None:
    """Give the fixture's sections other ids everywhere they are named (sections, targets, indicators, search log)."""
    for rel in (f"{PLAN_DIR}/sections.csv", f"{PLAN_DIR}/targets.csv", "indicators.csv", LOG):
        path = data_dir / rel
        text = path.read_text(encoding="utf-8")
        for old, new in names.items():
            text = re.sub(rf"\b{old}\b", new, text)
        path.write_text(text, encoding="utf-8")


OTHER_FORMS = """\
section_id_forms:
  main_targets: GOAL
  key_project: P<n>
"""


def test_a_plan_with_other_section_id_forms_validates_its_ids(data_dir):
    rename_sections(data_dir, {"MAIN": "GOAL", "KP1": "P1"})
    add_to_plan(data_dir, OTHER_FORMS)
    report, dataset = validate(data_dir)
    assert report.ok, [str(p) for p in report.errors]
    assert list(dataset.targets["target_id"]) == ["GOAL-1", "P1-1", "P1-2"]
    # an id in another form is refused, by file, line and column, naming the plan's forms
    replace_in(data_dir / PLAN_DIR / "targets.csv", "P1-2,P1,", "KP1-2,P1,")
    [problem] = errors_of(data_dir, "pattern")
    assert (problem.file, problem.row, problem.column) == (f"{PLAN_DIR}/targets.csv", 4, "target_id")
    assert "GOAL" in problem.message and "P[1-9]" in problem.message


def test_a_section_id_takes_the_form_of_its_kind(data_dir):
    rename_sections(data_dir, {"MAIN": "GOAL", "KP1": "P1"})
    add_to_plan(data_dir, OTHER_FORMS)
    replace_in(data_dir / PLAN_DIR / "sections.csv", "P1,key_project", "P1,main_targets")
    [problem] = errors_of(data_dir, "section.id_form")
    assert (problem.file, problem.row, problem.column) == (f"{PLAN_DIR}/sections.csv", 3, "section_id")
    assert "GOAL" in problem.message and "main_targets" in problem.message


def test_the_shipped_plan_states_the_form_of_its_ids():
    from jinan_eval.data.schema import section_id_pattern

    plan = load_dataset().plan
    assert section_id_pattern(plan) == r"^(MAIN|KP[1-9]\d*|PM[1-9]\d*|SM[1-9]\d*)$"


def test_a_plan_without_forms_takes_ids_of_letters_and_a_number(data_dir):
    replace_in(data_dir / PLAN_DIR / "sections.csv", "KP1,key_project", "KP-1,key_project")
    [problem] = errors_of(data_dir, "pattern")
    assert (problem.file, problem.row, problem.column) == (f"{PLAN_DIR}/sections.csv", 3, "section_id")


def test_the_years_a_figure_may_refer_to_follow_the_plan(data_dir):
    from jinan_eval.config import load_plan_config

    assert load_plan_config(data_dir).year_range == (2000, 2035)  # 20 years before the base year, 10 after the target
    replace_in(data_dir / OBS, "jinan,2021,-3.5", "jinan,1999,-3.5")
    [problem] = errors_of(data_dir, "range")
    assert (problem.file, problem.row, problem.column) == (OBS, 2, "year") and problem.message.endswith(">= 2000")
    add_to_plan(data_dir, "earliest_year: 1990\nlatest_year: 2040\n")
    assert load_plan_config(data_dir).year_range == (1990, 2040)
    assert validate(data_dir)[0].ok


def test_a_plan_of_other_years_has_another_year_range(data_dir):
    from jinan_eval.config import load_plan_config

    replace_in(data_dir / PLAN_DIR / "plan.yaml", "base_year: 2020\ntarget_year: 2025",
               "base_year: 2041\ntarget_year: 2046")
    assert load_plan_config(data_dir).year_range == (2021, 2056)
    found = {(p.file, p.row, p.column, p.message[-7:]) for p in errors_of(data_dir, "range")}
    assert found == {(f"{PLAN_DIR}/targets.csv", 2, "base_year", ">= 2021"),  # the targets' base year 2020
                     (f"{PLAN_DIR}/targets.csv", 3, "base_year", ">= 2021"),
                     (OBS, 5, "base_year", ">= 2021")}  # the observations of 2021 and 2022 are in range


@pytest.mark.parametrize("text, key", [
    ("base_year_words: 十四五\n", "base_year_words"),
    ("base_year_words: ['']\n", "base_year_words"),
    ("section_id_forms: {chapters: C<n>}\n", "section_id_forms"),
    ("section_id_forms: {key_project: 'K<n>-'}\n", "section_id_forms"),
    ("section_id_forms: [MAIN]\n", "section_id_forms"),
    ("earliest_year: 2021\n", "earliest_year"),
    ("latest_year: 2024\n", "latest_year"),
    ("earliest_year: soon\n", "earliest_year"),
])
def test_what_a_plan_sets_in_the_data_dictionary_is_checked(data_dir, text, key):
    add_to_plan(data_dir, text)
    [problem] = errors_of(data_dir, "plan")
    assert (problem.file, problem.column) == (f"{PLAN_DIR}/plan.yaml", key)


def test_several_plans_are_named_and_the_way_to_choose_one_is_said(data_dir, capsys):
    other = data_dir / "plans" / "other-plan"
    other.mkdir()
    (other / "plan.yaml").write_text((data_dir / PLAN_DIR / "plan.yaml").read_text(encoding="utf-8")
                                     .replace("id: test-plan", "id: other-plan"), encoding="utf-8")
    [problem] = errors_of(data_dir, "plan")
    assert "other-plan" in problem.message and "test-plan" in problem.message
    assert "--plan <id>" in problem.message and "make report PLAN=<id>" in problem.message
    assert main(["build", "--data-dir", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert "make report PLAN=<id>" in err and "other-plan, test-plan" in err


def test_the_data_dictionary_says_what_a_plan_sets_and_shows_a_plans_own_rules(data_dir):
    from jinan_eval.config import load_plan_config
    from jinan_eval.data.schema import dictionary_frame

    def rules(frame, table, column):
        return frame.set_index(["table", "column"]).loc[(table, column), "rules"]

    general = dictionary_frame()
    assert "plan.yaml earliest_year–latest_year" in rules(general, "observations", "year")
    assert "section_id_forms" in rules(general, "sections", "section_id")
    add_to_plan(data_dir, OTHER_FORMS)
    own = dictionary_frame(load_plan_config(data_dir))
    assert rules(own, "observations", "year").endswith("2000–2035")
    assert rules(own, "targets", "target_id").endswith(r"pattern `^(GOAL|P[1-9]\d*)-\d+$`")


def test_a_grade_follows_who_issued_the_page_a_government_body_or_not(shipped_data_copy):
    """A: a government body's own site; B: a mainstream outlet's report, or a non-government issuer's own site
    (a university, a company: what it says of itself); C: a reprint on a site that is neither."""
    from jinan_eval.data.load import grade_of

    kinds = {"news.example.com": "outlet", "www.ujn.edu.cn": "issuer", "copy.example.com": "copy"}
    assert grade_of("web", "http://www.laiwu.gov.cn/art/1.html", kinds) == "A"
    assert grade_of("web", "http://www.ujn.edu.cn/x.html", kinds) == "B"
    assert grade_of("web", "http://news.example.com/x.html", kinds) == "B"
    assert grade_of("web", "http://copy.example.com/x.html", kinds) == "C"
    # in the shipped data, no non-government site is graded as a government body's own
    dataset = load_dataset(shipped_data_copy)
    hosts = dataset.hosts
    official = set(hosts.loc[hosts["kind"] == "official", "host"])
    assert not {h for h in official if not h.endswith(".gov.cn") and h.endswith(".edu.cn")}
