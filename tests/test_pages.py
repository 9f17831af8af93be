"""Generated pages: methods with computed parts and reviews, what-changed, data dictionary, site index."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from jinan_eval.assess import assess_edition
from jinan_eval.data import load_dataset
from jinan_eval.edition.book import Edition, EditionResults, markdown_pages
from jinan_eval.report.book_pages import changes_page, data_dictionary_page, md_table, site_index_html

from conftest import shipped_dataset

BOOK = Path(__file__).resolve().parents[1] / "book"


def test_methods_page_fills_computed_parts_and_places_reviews(tmp_path):
    dataset = load_dataset()
    manifest = {"data_cutoff": "x", "package_version": "x", "git_commit": "x", "data_hash": "x" * 16,
                "built_at": "x"}
    text = markdown_pages(Edition(2025), dataset, manifest, EditionResults.compute(dataset, 2025), tmp_path)["methods.md"]
    assert "% WORKED-EXAMPLE" not in text and "% SENSITIVITY" not in text
    # the worked example is the first headline target's assessment row, field by field, as computed for the edition
    row = assess_edition(dataset, 2025).set_index("target_id").loc["MAIN-1"]
    assert "| <code>target_id</code> | <code>MAIN-1</code> |" in text
    assert f"| <code>status</code> | <code>{row['status']}</code> |" in text
    assert f"| <code>reason</code> | <code>{row['reason']}</code> |" in text
    status_at = text.index("(methods-status)=")
    review_at = text.index('class="review-log"')
    next_section = text.index("(methods-", status_at + 5)
    assert status_at < review_at < next_section, "the review sits in the section it concerns"


def test_changes_page_is_computed_from_the_data():
    dataset = load_dataset()
    text = changes_page(2024, "zh", dataset, assess_edition(dataset, 2024), assess_edition(dataset, 2023), False)
    new_2024 = ((dataset.observations["year"] == 2024) & (dataset.observations["record_type"] == "observed")).sum()
    assert f"2024年新增数据：{new_2024} 条" in text


def test_md_table_escapes_cells():
    table = md_table(pd.DataFrame({"a": ["<script>x</script> | y"]}))
    assert "<script>" not in table and "&lt;script&gt;" in table and "&#124;" in table


def test_data_dictionary_lists_every_published_table_and_not_the_search_record():
    text = data_dictionary_page("en")
    for file in ("observations/*.csv", "sources.csv", "plans/&lt;plan-id&gt;/targets.csv", "indicators.csv",
                 "plans/&lt;plan-id&gt;/sections.csv", "regions.csv"):
        assert f"## <code>{file}</code>" in text
    assert "search_log" not in text and "search" not in text.lower()


def test_the_chinese_data_dictionary_describes_every_published_column_and_nothing_else():
    from jinan_eval.report.book_pages import dictionary_words

    zh, en = dictionary_words("zh"), dictionary_words("en")
    assert {t: set(c) for t, c in zh.items()} == {t: set(c) for t, c in en.items()}
    assert all(text and text.strip() for columns in zh.values() for text in columns.values())


def test_the_chinese_data_dictionary_page_is_in_chinese_but_for_the_data_s_own_names():
    """File and column names, coded values and patterns are the data's own (in <code>); everything else on the zh
    page is Chinese: headers, types, rules, every table's and column's description."""
    for plan in (None, shipped_dataset().plan):
        text = data_dictionary_page("zh", plan)
        prose = re.sub(r"<code>.*?</code>", "", text)
        prose = re.sub(r"PM2\.5|VOCs|GDP|CO2|URL|CSV|IP|ISO 8601|SHA-256|\b[SABC]\b", "", prose)
        latin = re.findall(r"[A-Za-z]{2,}", prose)
        assert latin == [], sorted(set(latin))
        assert "| 列名 | 类型 | 必需 | 规则 | 说明 |" in text and "不可为空" in text
        # a pattern's "|" does not split its cell: every row has its table's number of cells
        rows = [line for line in text.splitlines() if line.startswith("|")]
        assert {line.count("|") for line in rows} <= {6, 5} and (plan is None or "&#124;" in text)
    english = data_dictionary_page("en")
    assert "| Column | Type | Required | Rules | Description |" in english and "not empty" in english


def test_the_data_dictionary_page_of_an_edition_states_its_plan_s_own_rules():
    plan = shipped_dataset().plan
    text = data_dictionary_page("zh", plan)
    low, high = plan.year_range
    assert f"取值范围：<code>{low}–{high}</code>" in text and f"<code>{plan.folder}/targets.csv</code>" in text
    assert "earliest&#95;year" not in text and "<plan-id>" not in text


def test_site_index_lists_editions_newest_first():
    html = site_index_html([{"edition": 2025, "lang": "zh", "path": "2025", "data_cutoff": "2026-03-12", "built_at": "x"},
                            {"edition": 2024, "lang": "zh", "path": "2024", "data_cutoff": "2025-04-01", "built_at": "y"}], load_dataset().plan)
    assert html.index("2025/index.html") < html.index("2024/index.html")


def test_the_landing_page_gives_the_build_day_as_its_reader_writes_it():
    from jinan_eval.report.book_pages import index_page

    dataset = load_dataset()
    manifest = {"data_cutoff": "2026-02-26", "package_version": "0", "git_commit": "0", "data_hash": "0" * 16,
                "built_at": "2026-12-07T10:11:12+00:00"}
    zh = index_page(2025, "zh", dataset, manifest, [])
    en = index_page(2025, "en", dataset, manifest, [])
    assert "2026年12月7日" in zh and "7 December 2026" in en
    assert "T10:11:12" not in zh + en


def test_a_chinese_page_names_a_commitment_by_the_plan_s_own_numbering():
    from jinan_eval.report.text import commitment_ref

    sections = shipped_dataset().sections
    assert commitment_ref("KP4-8", sections, "zh") == "三（四）第8项"
    assert commitment_ref("MAIN-1", sections, "zh") == "第二部分第1项"
    assert commitment_ref("KP4-8", sections, "en") == "KP4-8"
    assert commitment_ref("XX-1", sections, "zh") == "XX-1"  # a section the plan does not have: as written


def test_numbers_dates_counts_and_lists_are_written_as_the_page_s_language_writes_them():
    """The readers' complaints of the zh catalogue review: "80 %", "于2025-11-18表示", "已落实 1，推进中 95",
    "市工业和信息化局；市发展改革委"."""
    from jinan_eval.report.context import Context
    from jinan_eval.report.messages import Messages

    zh, en = Messages("zh"), Messages("en")
    assert zh.amount("80", "%") == "80%" and zh.amount("1,908", "辆") == "1,908辆" and zh.amount("3", "") == "3"
    assert en.amount("80", "%") == "80%" and en.amount("1,908", "vehicles") == "1,908 vehicles"
    assert zh.reasons("statement:2025-11-18") == "依据主管部门2025年11月18日的表述。"
    assert "18 November 2025" in en.reasons("statement:2025-11-18")
    assert zh.count("推进中", 95) == "推进中 95 项" and en.count("Under way", 95) == "Under way 95"
    dataset = shipped_dataset()
    several = [(sid, raw) for sid, raw in zip(dataset.sections["section_id"], dataset.sections["lead_departments_zh"])
               if isinstance(raw, str) and "；" in raw]
    assert several  # the shipped plan names several lead departments for some part
    for sid, raw in several:
        assert Context(dataset, 2025, "zh").leads(sid) == "、".join(n.strip() for n in raw.split("；") if n.strip())
    text = changes_page(2024, "zh", dataset, assess_edition(dataset, 2024), assess_edition(dataset, 2023), False)
    assert " %" not in text and "%（比上年增减（%））" not in text
