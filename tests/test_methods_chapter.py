"""The methods chapter follows the plan: one template per language (book/methods.zh.md, book/methods.en.md), each
wholly in its language, whose plan facts (region, title, document number, years, headline target, counts, caveats)
and method parameters (thresholds, tolerance, order of routes) are filled in from the plan's configuration and
data, never written into the template. Chapters are rendered here by calling the page function directly (no
edition is built), for the shipped plan and for the second test plan (tests/fixtures/second_plan).
"""

from __future__ import annotations

import html
import re

import pytest

from jinan_eval.assess import MethodParams, assess_edition, sensitivity
from jinan_eval.data import load_dataset
from jinan_eval.report.book_pages import (
    Raw,
    fill_template,
    methods_page,
    methods_template,
    sensitivity_table,
    worked_example,
)
from jinan_eval.report.text import LEVEL_RULES, STATUS_RULES, esc
from jinan_eval.vocabulary import COMMITMENT_KINDS, MILESTONE_KIND, QUANTIFIED_KINDS, RATED_KINDS, SECTION_MAIN

from conftest import ROOT, SHIPPED_DATA

BOOK = ROOT / "book"
SECOND = ROOT / "tests" / "fixtures" / "second_plan"
LANGS = ("zh", "en")
#: the labels of the chapter before it was split by language: other pages and the review log link to them
KNOWN_LABELS = ("overview", "sources", "basis", "data", "routes", "partial", "progress", "path", "required", "status",
                "qualifiers", "milestones", "implementation", "findings", "output", "worked-example", "sensitivity",
                "caveats", "limits")
LABEL = re.compile(r"^\((methods-[\w-]+)\)=$", re.MULTILINE)
#: facts of the shipped plan and its method that no template may state (they come from the plan)
PLAN_FACTS = ("济南", "Jinan", "2020", "2025", "14.8", "0.148", "0.852", "十四五", "14th Five-Year", "莱芜", "Laiwu",
              "济政字", "0.95", "0.60", "0.05", "223", "176", "0.619", "0.676", "1.095", "1.091", "16.15")
FLOAT_NOISE = re.compile(r"\d\.\d*(?:0000000|9999999)\d*")


def render(dataset, lang: str) -> tuple[str, str]:
    """The chapter of ``dataset`` in ``lang`` for its last report year with data, and its sensitivity table."""
    year = min(dataset.plan.target_year, int(dataset.observations["year"].max()))
    frame = sensitivity(dataset, year)
    main = dataset.sections.loc[dataset.sections["kind"] == SECTION_MAIN, "section_id"]
    targets = dataset.targets[dataset.targets["section_id"].isin(main) & dataset.targets["kind"].isin(RATED_KINDS)]
    target = targets.iloc[0].to_dict()
    row = assess_edition(dataset, year).set_index("target_id").loc[target["target_id"]].to_dict()
    return methods_page(lang, BOOK, dataset, worked_example(target, row, lang), frame), sensitivity_table(frame, lang)


@pytest.fixture(scope="module")
def main_plan():
    return load_dataset(SHIPPED_DATA)


@pytest.fixture(scope="module")
def second_plan():
    return load_dataset(SECOND)


@pytest.fixture(scope="module")
def chapters(main_plan, second_plan):
    return {(name, lang): render(dataset, lang) for name, dataset in (("main", main_plan), ("second", second_plan))
            for lang in LANGS}


# --- (a) the Chinese chapter is Chinese ------------------------------------------------------------------------

#: Latin letters a Chinese text writes as they are: names of methods, acronyms, pollutants, units
LATIN_ALLOWED = ("Open SDG", "CAGR", "CCC", "SO2", "NOx", "PM2.5", "COD", "PUE", "TEU", "IP", "GDP")
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9_'’.-]*(?:[ \t]+[A-Za-z][A-Za-z0-9_'’.-]*){2,}")


def latin_prose(text: str) -> list[str]:
    """Runs of three or more Latin words left once formulas, code, addresses, labels, the allowed names and the
    reviewers' own words (the review log is shown as written) are taken out."""
    text = re.sub(r'<div class="review-log">.*?</div>', " ", text, flags=re.DOTALL)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.DOTALL)
    text = re.sub(r"\$[^$\n]*\$", " ", text)
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = re.sub(r"https?://\S+", " ", text)
    text = LABEL.sub(" ", text)
    for name in LATIN_ALLOWED:
        text = text.replace(name, " ")
    return LATIN_RUN.findall(text)


@pytest.mark.parametrize("plan", ["main", "second"])
def test_the_chinese_chapter_has_no_english_prose(chapters, plan):
    text, _ = chapters[(plan, "zh")]
    assert latin_prose(text) == []


def test_the_latin_scan_finds_an_english_sentence_and_passes_formulas_and_code():
    assert latin_prose("进展按下式计算。This is a note.") == ["This is a note."]
    assert latin_prose("| 状态 | the target is met |") == ["the target is met"]
    assert latin_prose("$R = P / E$ 与 `on_track` 和 Open SDG 的 CAGR 见 https://example.org/a b c") == []


# --- (b) the English chapter is English ------------------------------------------------------------------------

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


@pytest.mark.parametrize("plan", ["main", "second"])
def test_the_english_chapter_has_no_chinese_outside_the_plans_document_number(chapters, main_plan, second_plan, plan):
    dataset = main_plan if plan == "main" else second_plan
    text, _ = chapters[(plan, "en")]
    assert dataset.plan.title_en in html.unescape(text) and dataset.plan.title_zh not in text
    assert CJK.findall(text.replace(dataset.plan.document_number, " ")) == []


# --- (c) the second plan's chapter is the second plan's --------------------------------------------------------

def default_threshold_lines(text: str, table: str) -> list[str]:
    """The lines outside the sensitivity table that show 0.95 (the default threshold, Open SDG's): each must say it
    is Open SDG's or be the default column of the parameters for reviewers."""
    lines = [line for line in text.replace(table, "").splitlines() if "0.95" in line]
    assert all("Open SDG" in line or line.startswith("| `on_track`") for line in lines), lines
    return lines


@pytest.mark.parametrize("lang", LANGS)
def test_the_second_plans_chapter_states_its_own_facts_and_thresholds(chapters, second_plan, lang):
    text, table = chapters[("second", lang)]
    plan = second_plan.plan
    assert (plan.base_year, plan.target_year, MethodParams.for_plan(plan).on_track) == (2015, 2020, 0.9)
    region = "山东省" if lang == "zh" else "Shandong"
    years = "基准年为 2015 年，目标年为 2020 年" if lang == "zh" else "the base year 2015 and the target year 2020"
    assert region in text and years in text
    assert "$R \\ge 0.90$" in text and "$0.60 \\le R < 0.90$" in text
    assert "$B = 2015$" in text and "$T^\\ast = 2020$" in text and "$B = 2020$" not in text
    for fact in ("济南", "Jinan", "基准年为 2020", "base year 2020", "14.8", "223", "莱芜", "Laiwu"):
        assert fact not in text, fact
    # 0.95 is shown only as Open SDG's threshold (the default) and in the stricter row of the sensitivity table
    assert default_threshold_lines(text, table) != []
    for caveat in plan.caveats:
        assert f"- {esc(caveat[lang])}" in text


# --- (d) the shipped plan's chapter: its thresholds and its counts ---------------------------------------------

def test_the_main_plans_chapter_states_its_thresholds_and_counts(chapters, main_plan):
    kinds = main_plan.targets["kind"]
    expected = (len(kinds), int(kinds.isin(QUANTIFIED_KINDS).sum()), int(kinds.isin(COMMITMENT_KINDS).sum()),
                int((kinds == "qualitative").sum()), int((kinds == "provincial_task").sum()),
                int((kinds == MILESTONE_KIND).sum()))
    assert expected[0] == expected[1] + expected[2] == sum(expected[3:]) + expected[1]
    params = MethodParams.for_plan(main_plan.plan)
    assert (params.on_track, params.behind) == (0.95, 0.6)
    zh, _ = chapters[("main", "zh")]
    en, _ = chapters[("main", "en")]
    for text in (zh, en):
        assert "$R \\ge 0.95$" in text and "$0.60 \\le R < 0.95$" in text and "$R < 0.60$" in text
        assert "$\\tau = 0.05$" in text
        assert not FLOAT_NOISE.search(text)
    found = re.search(r"方案共 (\d+) 项承诺：(\d+) 项量化目标按状态评定，(\d+) 项按落实程度判断（定性任务 (\d+) 项、"
                      r"省下达任务 (\d+) 项、节点任务 (\d+) 项）", zh)
    assert found and tuple(map(int, found.groups())) == expected
    found = re.search(r"The plan makes (\d+) commitments: (\d+) quantified targets rated by status, and\s+(\d+) judged "
                      r"by implementation level \((\d+) qualitative tasks, (\d+) provincial\s+tasks and (\d+) "
                      r"milestones\)", en)
    assert found and tuple(map(int, found.groups())) == expected
    assert "济南市" in zh and "Jinan" in en
    assert "《济南市“十四五”节能减排工作实施方案》（济政字〔2023〕10号，济南市人民政府于2023年2月18日印发）" in zh
    for caveat in main_plan.plan.caveats:  # the plan's caveats, Laiwu among them, in the page's language
        assert f"- {esc(caveat['zh'])}" in zh and f"- {esc(caveat['en'])}" in en


def test_a_plans_own_parameters_reach_every_place_the_chapter_states_them(shipped_data_copy):
    plan_file = shipped_data_copy / "plans" / "jinan-14fyp-esr" / "plan.yaml"
    plan_file.write_text(plan_file.read_text(encoding="utf-8") + "method:\n  on_track: 0.925\n  behind: 0.7\n"
                         "  approx_tolerance: 0.1\n  route_order: [cumulative_change, levels, chained_yoy]\n",
                         encoding="utf-8")
    dataset = load_dataset(shipped_data_copy)
    assert MethodParams.for_plan(dataset.plan).on_track == 0.925
    for lang in LANGS:
        text, table = render(dataset, lang)
        assert "$R \\ge 0.925$" in text and "$0.70 \\le R < 0.925$" in text and "$\\tau = 0.10$" in text
        assert "| 0.925 | 0.95 |" in text and "| 0.70 | 0.60 |" in text and "| 0.10 | 0.05 |" in text
        assert "0.875" in table and "0.975" in table  # the sensitivity table moves the plan's own thresholds
        assert not FLOAT_NOISE.search(text)
        default_threshold_lines(text, table)
    zh, _ = render(dataset, "zh")
    assert "完成所需变化的 90% 以上" in zh and "下降 15.3% 即视为完成" in zh and "按“累计变化 → 水平值 → 环比连乘”的顺序" in zh


def test_plan_text_is_escaped(shipped_data_copy):
    plan_file = shipped_data_copy / "plans" / "jinan-14fyp-esr" / "plan.yaml"
    text = plan_file.read_text(encoding="utf-8")
    plan_file.write_text(text.replace("title_en: Jinan", "title_en: <script>alert(1)</script> Jinan"),
                         encoding="utf-8")
    chapter, _ = render(load_dataset(shipped_data_copy), "en")
    assert "<script>" not in chapter and "&lt;script&gt;alert(1)&lt;/script&gt; Jinan" in chapter


# --- (e) the same sections, labels and formulas in both languages ----------------------------------------------

def test_both_templates_carry_the_same_labels_in_the_same_order():
    labels = {lang: LABEL.findall(methods_template(BOOK, lang)) for lang in LANGS}
    assert labels["zh"] == labels["en"]
    assert len(set(labels["zh"])) == len(labels["zh"])
    assert [f"methods-{name}" for name in KNOWN_LABELS] == [x for x in labels["zh"] if x != "methods-where-implemented"]
    assert labels["zh"][-1] == "methods-where-implemented"
    for link in (STATUS_RULES, LEVEL_RULES):  # pages link to these
        assert link.split("#")[1] in labels["zh"]
    equations = {lang: re.findall(r"\$\$ \((eq-[\w-]+)\)", methods_template(BOOK, lang)) for lang in LANGS}
    assert equations["zh"] == equations["en"] and len(equations["zh"]) == 12
    placeholders = {lang: set(re.findall(r"\{\{\s*(\w+)\s*\}\}", methods_template(BOOK, lang))) for lang in LANGS}
    assert placeholders["zh"] == placeholders["en"]
    assert not (BOOK / "methods.md").exists()


# --- (f) every placeholder filled, an unknown one an error -----------------------------------------------------

@pytest.mark.parametrize("plan", ["main", "second"])
@pytest.mark.parametrize("lang", LANGS)
def test_no_placeholder_is_left(chapters, plan, lang):
    text, _ = chapters[(plan, lang)]
    assert "{{" not in text and "% WORKED-EXAMPLE" not in text and "% SENSITIVITY" not in text


def test_fill_template_refuses_what_it_cannot_fill():
    assert fill_template("a {{ x }} b {{y}}", {"x": "<i>", "y": 3}) == "a &lt;i&gt; b 3"
    assert fill_template("$x^{ {{ n }} }$", {"n": Raw("1/2")}) == "$x^{ 1/2 }$"
    with pytest.raises(KeyError, match="unknown_fact"):
        fill_template("{{ unknown_fact }}", {"x": "1"})
    with pytest.raises(ValueError, match="malformed placeholder"):
        fill_template("{{ 2x }}", {})
    with pytest.raises(TypeError, match="format"):
        fill_template("{{ x }}", {"x": 0.1 + 0.2})


# --- (g) the templates state no plan fact ----------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_templates_state_no_plan_fact(lang):
    template = methods_template(BOOK, lang)
    found = [fact for fact in PLAN_FACTS if fact in template]
    assert found == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_readers_text_names_no_code(lang):
    """Code paths and class names only in the closing section for reviewers."""
    template = methods_template(BOOK, lang)
    reader = template.split("(methods-where-implemented)=")[0]
    for name in ("src/", "MethodParams", "method.py", ".py", "plan.yaml", "data/"):
        assert name not in reader, name
