"""Page content from report.py that is not a chart: the search log and the gap lists that link to it."""

from __future__ import annotations

import re

import pytest

from jinan_eval.report import context, project, requests, sources
from jinan_eval.report.tables import observation_table
from jinan_eval.report.text import esc
from jinan_eval.vocabulary import GAP_STATUSES


def page_text(blocks: list) -> str:
    return "\n".join(getattr(b, "text", None) or getattr(b, "html", "") for b in blocks)


def test_the_annex_lists_each_gap_with_who_holds_its_figure_and_nothing_of_the_search(data_dir):
    ctx = context(2021, "en", data_dir)  # KP1-1 has no figure before 2023
    text = page_text(sources.missing_blocks(ctx))
    assert '<tr id="need-kp1-1">' in text
    # what is missing and who would have it; never how it was looked for
    assert "Missing:" in text
    for searched in ("Only a 2023 cumulative count", "Only part-year figures", "example.org/c", "search", "round"):
        assert searched not in text


def test_the_annex_lists_every_gap_of_every_part_the_main_targets_too():
    from jinan_eval.report.context import Context

    from conftest import shipped_dataset

    dataset = shipped_dataset()
    ctx = Context(dataset, 2025, "zh")
    gaps_of = ctx.targets.loc[ctx.targets["status"].isin(GAP_STATUSES)]
    text = page_text(sources.missing_blocks(ctx))
    main = set(dataset.sections.loc[dataset.sections["kind"] == "main_targets", "section_id"])
    assert gaps_of["section_id"].isin(main).any()
    assert all(f'<tr id="need-{t.lower()}">' in text for t in gaps_of["target_id"])
    assert text.count('<tr id="need-') == len(gaps_of)


def test_the_annex_text_is_escaped(data_dir):
    path = data_dir / "indicators.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ",holder_zh,holder_en,publication_zh,publication_en"
    lines = [lines[0]] + [line + (',"<b>bold</b>",x,y,z' if line.startswith("green_factories") else ",,,,")
                          for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = page_text(sources.missing_blocks(context(2021, "zh", data_dir)))
    assert "<b>bold</b>" not in text and "&lt;b&gt;bold&lt;/b&gt;" in text


def test_data_request_names_the_missing_years_the_holder_and_the_publication(data_dir):
    path = data_dir / "indicators.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ",holder_zh,holder_en,publication_zh,publication_en"
    lines = [lines[0]] + [line + (",市工信局,City MIIT,绿色制造名单,Green lists" if line.startswith("green_factories")
                                  else ",,,,") for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ctx = context(2022, "zh", data_dir)
    text = page_text(project.data_requests(ctx, "KP1"))
    # the fixture's only green-factory figure is of 2023: an addition misses every year after the base year
    assert "缺少：济南市2021–2022年的省级及以上绿色工厂（家）" in text
    assert "掌握数据的部门：市工信局" in text and "通常发布于：绿色制造名单" in text
    # the search diary stays in the appendix: the page does not repeat the log's finding
    assert "仅有2023年累计数" not in text


def test_missing_years_skips_years_with_a_figure(data_dir):
    ctx = context(2023, "zh", data_dir)
    target = ctx.targets.set_index("target_id").loc["MAIN-1"].to_dict()
    # energy figures exist for 2021 and 2022 only
    assert requests.missing_years(ctx, target) == [2020, 2023]
    assert requests.year_span([2020, 2023], ctx.m) == "2020、2023"
    assert requests.year_span([2021, 2022, 2023], ctx.m) == "2021–2023"


def test_no_gap_no_annex_table(data_dir):
    ctx = context(2025, "en", data_dir)
    text = page_text(sources.missing_blocks(ctx))
    assert "Every quantified target and milestone has usable data" in text and "<table" not in text


def test_disagreeing_sources_are_both_shown_and_the_used_one_is_marked(data_dir):
    obs = data_dir / "observations" / "energy.csv"
    lines = obs.read_text(encoding="utf-8").splitlines()
    used = "preferred where sources disagree: final bulletin"
    lines[1] = lines[1].replace(",,,observed,S0000000a,", f",,true,observed,S0000000a,{used}")
    lines.append(lines[1].replace("-3.5", "-3.2").replace(",true,", ",,").replace(used, "preliminary"))
    obs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ctx = context(2025, "en", data_dir)
    rows = ctx.observations[ctx.observations["indicator_key"] == "energy_intensity"]
    html = observation_table(rows, ctx).html
    assert html.count("(used)") == 1 and html.count("(not used)") == 1
    assert "final bulletin" in html
    assert "(used)" not in observation_table(rows[rows["region"] == "china"], ctx).html


def test_mechanism_evidence_names_the_indicator_of_every_row():
    from jinan_eval.data import load_dataset
    from jinan_eval.report import mechanisms
    from jinan_eval.report.context import Context

    ctx = Context(load_dataset(), 2025, "zh")
    tables = [b.html for b in mechanisms.mechanism_blocks(ctx)
              if "<table" in getattr(b, "html", "") and "commitments" not in b.html]
    assert tables, "the shipped data has evidence for at least one mechanism"
    names = set(ctx.dataset.indicators["name_zh"])
    for table in tables:
        assert "<th>指标</th>" in table
        rows = table.split("<tbody>")[1].split("<tr>")[1:]
        first_cells = [row.split("<td>")[1].split("</td>")[0] for row in rows]
        assert first_cells and all(cell in names for cell in first_cells), first_cells[:3]


def test_source_list_groups_documents_by_issuer_with_grade_and_figures(data_dir):
    ctx = context(2025, "zh", data_dir)
    html = "".join(getattr(b, "html", "") for b in sources.source_blocks(ctx))
    text = "".join(getattr(b, "text", "") for b in sources.source_blocks(ctx))
    assert "2 个来源，来自 2 个发布机关或媒体；其中A级 1 个、B级 1 个、C级 0 个" in text
    # one block per issuing body, in order, each headed by its name and the number of its documents
    groups = html.split('<tbody class="source-issuer">')[1:]
    assert [g.split('<th colspan="4">')[1].split(" <small>")[0] for g in groups] == ["国家统计局", "济南市统计局"]
    assert all(g.count("<tr>") == 1 and "（1）" in g for g in groups)
    assert re.search(r"<td>\d+ 条数据</td>", html) and 'data-filter-table="source-list"' in html
    assert 'title="A级：政府机关本身的网站">A</span>' in html and 'href="https://news.example.com/b"' in html


def test_source_list_includes_the_sources_of_evidence(shipped_data_copy):
    ctx = context(2025, "zh", shipped_data_copy)
    html = "".join(getattr(b, "html", "") for b in sources.source_blocks(ctx))
    evidence_only = set(ctx.evidence["source_id"]) - set(ctx.observations["source_id"])
    assert evidence_only, "the shipped data has sources used only by evidence"
    titles = ctx.dataset.sources.set_index("source_id").loc[sorted(evidence_only), "title"]
    assert all(f">{esc(t)}</a>" in html for t in titles)
    assert "条落实证据" in html


def test_observation_tables_show_the_grade_and_the_basis(data_dir):
    ctx = context(2025, "en", data_dir)
    rows = ctx.observations[ctx.observations["indicator_key"] == "energy_intensity"]
    html = observation_table(rows.assign(basis=["assessment_excl_feedstock_nonfossil", None, None]), ctx).html
    assert "<th>Grade</th>" in html and ">A</span>" in html and ">B</span>" in html
    assert html.count("assessment basis (raw-material use and non-fossil energy deducted)") == 1


def test_every_target_chart_carries_a_visible_source_line():
    from jinan_eval.data import load_dataset
    from jinan_eval.report.context import Context
    from jinan_eval.report.target import target_blocks

    ctx = Context(load_dataset(), 2025, "zh")
    charted = 0
    for target in ctx.targets[ctx.targets["indicator_key"].notna()].to_dict("records"):
        blocks = target_blocks(target, ctx)
        for i, block in enumerate(blocks):
            if hasattr(block, "to_dict"):
                charted += 1
                line = getattr(blocks[i + 1], "html", "")
                assert line.startswith('<p class="chart-source">来源：') and "单位：" in line, target["target_id"]
    assert charted


def test_a_project_page_counts_targets_and_commitments_separately(data_dir):
    ctx = context(2025, "en", data_dir)
    text = project.intro(ctx, "KP1")[0].text
    assert "**Lead departments**: " in text
    # 12 green factories of 40 by 2023: progress 0.3 against 0.6 expected after 3 of 5 years, R = 0.5 < 0.6
    assert "1 quantified targets: Off track 1." in text
    assert "1 commitments without a number: No public evidence 1." in text


def test_numbers_in_prose_have_separators_and_no_float_noise():
    from jinan_eval.report.text import num

    assert num(498000, 3) == "498,000" and num(0.8999999999999999, 2) == "0.9"
    assert num(1913, 0) == "1,913" and num(100, 0) == "100" and num(-0.0001, 2) == "0"
    assert num(12345.678, 1) == "12,345.7" and num(float("nan")) == "—"


@pytest.mark.parametrize("status, says, never", [
    ("met_early", "提前达到", "此后每年需变化"),  # reached early: it can still be lost; no pace needed
    ("achieved", None, "此后每年需变化"),  # reached in the target year: neither "early" nor a pace
    ("on_track", "此后每年需变化", "提前达到"),  # still to be reached: the pace it needs
])
def test_the_sentence_of_a_rated_target_fits_its_status(status, says, never):
    from jinan_eval.report.messages import Messages
    from jinan_eval.report.text import progress_sentence

    target = {"kind": "reduction_vs_base"}
    row = {"status": status, "latest_year": 2025 if status == "achieved" else 2023, "base_year": 2020,
           "achieved_change": -15.2, "progress": 1.03 if status != "on_track" else 0.7, "expected_progress": 0.6,
           "required_annual_rate": -1.2, "report_year": 2025}
    sentence = progress_sentence(target, row, "%", Messages("zh"))
    assert never not in sentence and (says is None or says in sentence)
    assert status != "achieved" or "提前" not in sentence


@pytest.mark.parametrize("raw, zh, en", [
    ("para 2: energy use fell 0.1 percent", "第2段：“energy use fell 0.1 percent”", "para 2: “energy use fell 0.1 percent”"),
    ("para 3 (2025 targets)", "第3段", "para 3 (2025 targets)"),
    ("para 1 (NEA: charging facilities, end-2025)", "第1段", "para 1 (NEA: charging facilities, end-2025)"),
    ("last para: non-fossil up 0.8 points", "末段：“non-fossil up 0.8 points”", "last para: “non-fossil up 0.8 points”"),
    ("highlights list: rose 5.7%", "要点列表：“rose 5.7%”", "highlights list: “rose 5.7%”"),
    ("bullet 1: GDP grew 5.2 percent", "第1条：“GDP grew 5.2 percent”", "bullet 1: “GDP grew 5.2 percent”"),
    ("table row Shandong, column 'Growth Rate (%)'", "表格“Shandong”行、“Growth Rate (%)”列",
     "table row Shandong, column 'Growth Rate (%)'"),
    ("正文第2段: 全市8600多辆出租车", "正文第2段：“全市8600多辆出租车”", "para 2 of the text: “全市8600多辆出租车”"),
    ("第1、3段: 绿色供应链管理企业", "第1、3段：“绿色供应链管理企业”", "paras 1 and 3: “绿色供应链管理企业”"),
    ("正文: 截至2021年底", "正文：“截至2021年底”", "text: “截至2021年底”"),
    ("大气环境方面 段", "“大气环境方面”段", "section “大气环境方面”"),
    ("截至今年三季度末,济南全市绿色贷款余额6849.2亿元", "“截至今年三季度末,济南全市绿色贷款余额6849.2亿元”",
     "“截至今年三季度末,济南全市绿色贷款余额6849.2亿元”"),
    ("By the end of June, the total number reached 10.24 million", "“By the end of June, the total number reached 10.24 million”",
     "“By the end of June, the total number reached 10.24 million”"),
    ("第1段 (English): “31 zones were recognized”", "第1段（英文版）：“31 zones were recognized”",
     "para 1 (English version): “31 zones were recognized”"),
    ("para 1: “China's rail freight ... went up 4.4 percent”", "第1段：“China's rail freight ... went up 4.4 percent”",
     "para 1: “China's rail freight ... went up 4.4 percent”"),
])
def test_a_locator_reads_in_the_pages_language_and_its_quote_stays_verbatim(raw, zh, en):
    from jinan_eval.report.text import locator_text

    assert locator_text(raw, "zh") == zh
    assert locator_text(raw, "en") == en
