"""Charts draw observations only: every point in a chart's data is an observation row."""

from __future__ import annotations

import pandas as pd

from jinan_eval.data import load_dataset
from jinan_eval.report import charts
from jinan_eval.report.context import Context
from jinan_eval.report.target import target_blocks


def chart_points(chart) -> list[dict]:
    spec = chart.to_dict()
    rows = []
    for data in spec.get("datasets", {}).values():
        rows += [r for r in data if "region" in r]
    return rows


def test_target_chart_points_are_the_observations():
    dataset = load_dataset()
    ctx = Context(dataset, 2025, "zh")
    charted = 0
    for target in ctx.targets[ctx.targets["indicator_key"].notna()].to_dict("records"):
        charts_of = [b for b in target_blocks(target, ctx) if hasattr(b, "to_dict")]
        if not charts_of:
            continue
        charted += 1
        obs = ctx.observations[ctx.observations["indicator_key"] == target["indicator_key"]]
        rows = {(r.region, int(r.year), round(r.value, 6)) for r in obs.itertuples()}
        points = {(r["region"], r["year"], round(r["value"], 6)) for r in chart_points(charts_of[0])}
        assert points and points <= rows, target["target_id"]
    assert charted, "the shipped data charts at least one target"


def test_no_chart_without_observations():
    regions = pd.DataFrame({"region": ["jinan"], "name_zh": ["济南市"], "name_en": ["Jinan"]})
    empty = pd.DataFrame(columns=["year", "value", "unit", "region", "qualifier", "measure", "source_title"])
    assert charts.target_chart("t", empty, regions, "y", "zh") is None


def test_english_labels():
    assert charts.t("year", "en") == "Year" and charts.t("year", "zh") == "年份"
    assert charts.status_label("insufficient_data", "zh") == "数据不足"


def test_count_ticks_are_whole_numbers_reaching_the_largest_count():
    from jinan_eval.report.charts import count_ticks

    assert count_ticks(2) == [0, 1, 2]
    assert count_ticks(47) == [0, 10, 20, 30, 40, 50]
    for largest in range(0, 200):
        ticks = count_ticks(largest)
        assert ticks[0] == 0 and ticks[-1] >= largest and len(ticks) <= 7
        assert len(set(ticks)) == len(ticks)


REGIONS = pd.DataFrame({"region": ["jinan", "china"], "name_zh": ["济南市", "全国"], "name_en": ["Jinan", "China"]})


def _obs(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([{"year": y, "value": v, "unit": "亿元", "region": r, "qualifier": None, "measure": "level",
                          "source_title": "t", "period": p} for r, y, v, p in rows])


def _walk(node, key):
    if isinstance(node, dict):
        if key in node:
            yield node[key]
        for value in node.values():
            yield from _walk(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, key)


def test_a_part_year_figure_is_drawn_hollow_outside_the_line_and_said_so():
    spec = charts.target_chart("t", _obs([("china", 2021, 9.0, "year"), ("china", 2022, 9.5, "year"),
                                          ("jinan", 2025, 6.8, "partial")]), REGIONS, "y", "en").to_dict()
    shapes = [enc["shape"] for enc in _walk(spec, "encoding") if "shape" in enc]
    assert shapes and shapes[0]["scale"] == {"domain": ["Full year", "Part of the year"],
                                             "range": ["circle", charts.RING]}
    assert any(t.get("field") == "period_label" for enc in _walk(spec, "encoding") for t in enc.get("tooltip", []))
    assert any("filter" in step for steps in _walk(spec, "transform") for step in steps), "full-year line only"
    # a chart of full-year figures only says nothing of periods
    plain = charts.target_chart("t", _obs([("jinan", 2021, 1.0, "year"), ("jinan", 2022, 2.0, "year")]), REGIONS,
                                "y", "zh").to_dict()
    assert not [enc for enc in _walk(plain, "encoding") if "shape" in enc]


def test_a_mechanism_chart_draws_the_region_and_its_part_year_figure():
    from jinan_eval.report.mechanisms import chart_rows

    rows = _obs([("china", 2019, 4070.0, "year"), ("china", 2021, 130300.0, "year"), ("jinan", 2025, 6849.2, "partial")])
    assert len(chart_rows(rows, "jinan")) == 3
    assert chart_rows(rows[rows["region"] == "china"], "jinan").empty  # benchmarks alone: no chart
    assert chart_rows(rows[rows["year"] != 2019].iloc[1:], "jinan").empty  # one year: no chart


def test_the_green_loan_chart_of_2025_has_the_region_figure_marked_part_year():
    from jinan_eval.report import mechanisms

    ctx = Context(load_dataset(), 2025, "zh")
    specs = [b.to_dict() for b in mechanisms.mechanism_blocks(ctx) if hasattr(b, "to_dict")]
    loan = next(s for s in specs if s["title"] == "绿色贷款余额")
    rows = [r for data in loan["datasets"].values() for r in data if r.get("region") == ctx.region]
    assert [(r["year"], r["value"], r["period_label"]) for r in rows] == [(2025, 6849.2, "部分月份")]


def test_a_single_figure_of_the_region_is_drawn_with_its_target():
    ctx = Context(load_dataset(), 2025, "zh")
    target = ctx.targets.set_index("target_id").loc["KP1-17"].to_dict() | {"target_id": "KP1-17"}
    charts_of = [b for b in target_blocks(target, ctx) if hasattr(b, "to_dict")]
    assert len(charts_of) == 1
    rows = [r for data in charts_of[0].to_dict()["datasets"].values() for r in data]
    assert len([r for r in rows if r.get("region") == ctx.region]) == 1
    # 40 factories over 2021–2025: the yearly average the target implies, as a rule
    assert [r["value"] for r in rows if r.get("layer") == "target"] == [8.0]


def test_the_overview_says_in_a_sentence_when_no_target_can_be_rated():
    from jinan_eval.report import overview
    from jinan_eval.report.context import Markdown

    dataset = load_dataset()
    ctx = Context(dataset, 2021, "zh")
    rated = overview.rated_targets(ctx)
    assert rated["status"].isin(("insufficient_data",)).all(), "the shipped 2021 edition rates no target"
    blocks = overview.status_chart(ctx)
    assert [type(b) for b in blocks] == [Markdown] and f"{len(rated)} 项目标均缺少所需数据" in blocks[0].text
    assert [type(b) for b in overview.dashboard(ctx)] == [Markdown]
    later = Context(dataset, 2025, "zh")
    assert any(hasattr(b, "to_dict") for b in overview.status_chart(later))
    assert any(hasattr(b, "to_dict") for b in overview.dashboard(later))


def test_a_level_chart_of_no_evidence_alone_is_a_sentence():
    from jinan_eval.report.commitments import level_chart
    from jinan_eval.report.context import Markdown

    ctx = Context(load_dataset(), 2021, "zh")
    none = ctx.commitments[ctx.commitments["level"] == "no_public_evidence"].head(3)
    assert [type(b) for b in level_chart(none, ctx)] == [Markdown]
    some = pd.concat([none, ctx.commitments[ctx.commitments["level"] != "no_public_evidence"].head(1)])
    assert hasattr(level_chart(some, ctx)[0], "to_dict")
