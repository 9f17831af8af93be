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
