"""Every chart of every edition draws something known: at least one figure or one rating, never only "cannot rate"
marks; a target's chart with a single figure of the region assessed shows the target beside it; no chart names a
target, a part or a status by its code.

Page blocks are computed in this process for every edition year and both languages (no kernel, no Sphinx): the
charts are the blocks with ``to_dict()``, and what they draw is read from their specs' datasets.
"""

from __future__ import annotations

import functools
import math
import re

import altair as alt
import pandas as pd
import pytest

from jinan_eval.edition.book import edition_years
from jinan_eval.report import charts
from jinan_eval.report.messages import Messages
from jinan_eval.vocabulary import (
    GAP_STATUSES,
    INDICATOR_MEASURES,
    LEVEL_ORDER,
    OBSERVATION_MEASURES,
    PERIODS,
    STATUS_ORDER,
)

from conftest import shipped_dataset
from e2e_helpers import edition_blocks

DATASET = shipped_dataset()
YEARS = edition_years(DATASET)
LANGS = ("zh", "en")
#: internal ids: of targets (MAIN-1, KP4-8 …) and of the parts of the plan (KP4, PM10 …)
IDS = re.compile(r"^(?:MAIN|KP\d+|PM\d+|SM\d+)(?:-\d+)?$")
#: codes a chart's data may hold but never show
CODES = set(STATUS_ORDER) | set(LEVEL_ORDER) | set(OBSERVATION_MEASURES) | set(INDICATOR_MEASURES) | set(PERIODS)
#: encoding channels a reader sees (axes, legends, marks' text, tooltips)
SHOWN_CHANNELS = ("x", "y", "color", "fill", "stroke", "shape", "opacity", "fillOpacity", "size", "text", "tooltip",
                  "xOffset", "yOffset", "row", "column", "facet", "detail")


@functools.cache
def edition_charts(year: int, lang: str) -> tuple[dict, ...]:
    """The specs of every chart on every page of one edition."""
    return tuple(b.to_dict() for b in edition_blocks(DATASET, year, lang) if hasattr(b, "to_dict"))


def data_rows(spec: dict) -> list[dict]:
    """Every row of data a chart spec carries (named datasets and inline values, at any depth)."""
    rows = [r for values in spec.get("datasets", {}).values() for r in values]

    def inline(node):
        if isinstance(node, dict):
            values = node.get("data", {}).get("values") if isinstance(node.get("data"), dict) else None
            if isinstance(values, list):
                rows.extend(values)
            for value in node.values():
                inline(value)
        elif isinstance(node, list):
            for item in node:
                inline(item)

    inline({k: v for k, v in spec.items() if k != "datasets"})
    return rows


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def is_known(row: dict) -> bool:
    """A mark of something known: a figure (an observation's number), a rating (a status other than a gap
    status, an implementation level other than "no evidence") or a count of figures. The plan's own marks (target,
    base year, the method's path) are not figures."""
    if row.get("layer") in ("target", "base"):
        return False
    if "status" in row:
        return row["status"] not in GAP_STATUSES
    if "level" in row:
        return row["level"] not in charts.GAP_LEVELS
    if "region" in row and "value" in row:
        return _number(row["value"])
    if "rows" in row:  # a count of observation rows (the coverage chart)
        return _number(row["rows"]) and row["rows"] > 0
    return False


def draws_something_known(spec: dict) -> bool:
    return any(is_known(r) for r in data_rows(spec))


def encodings(node) -> list[dict]:
    """Every ``encoding`` block of a spec, at any depth of its layers."""
    found = []
    if isinstance(node, dict):
        if isinstance(node.get("encoding"), dict):
            found.append(node["encoding"])
        for key, value in node.items():
            if key != "datasets":
                found += encodings(value)
    elif isinstance(node, list):
        for item in node:
            found += encodings(item)
    return found


def shown_codes(spec: dict) -> list[str]:
    """Internal ids and codes a reader would see: values of the fields on axes, legends, marks' text and tooltips,
    titles, and tooltip entries without a title (which show the field's name)."""
    rows = data_rows(spec)
    fields, titles, bad = set(), [], []
    for enc in encodings(spec):
        for channel in SHOWN_CHANNELS:
            defs = enc.get(channel)
            for d in defs if isinstance(defs, list) else [defs]:
                if not isinstance(d, dict) or "field" not in d:
                    continue
                fields.add(d["field"])
                if channel == "tooltip" and not d.get("title"):
                    bad.append(f"tooltip without a title: {d['field']}")
                if isinstance(d.get("title"), str):
                    titles.append(d["title"])
    title = spec.get("title")
    titles += title if isinstance(title, list) else [title] if isinstance(title, str) else []
    for text in titles:  # an English title may say "year" or "level": only a code with "_" is surely one
        bad += [w for w in re.split(r"[\s·,，]+", text) if IDS.match(w) or (w in CODES and "_" in w)]
    for row in rows:
        for name in fields & row.keys():
            value = str(row[name])
            if IDS.match(value) or value in CODES:
                bad.append(f"{name}={value}")
    return bad


def region_points(spec: dict, region: str) -> list[dict]:
    return [r for r in data_rows(spec) if r.get("region") == region and "value" in r and "layer" not in r]


def has_target_layer(spec: dict) -> bool:
    return any(r.get("layer") == "target" for r in data_rows(spec))


def target_labels(lang: str) -> set[str]:
    return set(DATASET.targets["label_zh" if lang == "zh" else "label_en"].dropna())


def chart_title(spec: dict) -> str:
    """The chart's title as one line (a target's chart: its label, in lines, then its status)."""
    title = spec.get("title")
    return " · ".join(title) if isinstance(title, list) else str(title)


def target_label(spec: dict, lang: str) -> str | None:
    """The label of the target a chart belongs to (its title's lines but the last, the status), else None."""
    title = spec.get("title")
    if not isinstance(title, list) or len(title) < 2:
        return None
    return ("" if lang == "zh" else " ").join(title[:-1])


# ---------------------------------------------------------------- every edition, both languages


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("year", YEARS)
def test_every_chart_draws_a_figure_or_a_rating(year, lang):
    specs = edition_charts(year, lang)
    empty = [chart_title(s) for s in specs if not draws_something_known(s)]
    assert not empty, f"{year} {lang}: charts of nothing but 'cannot rate': {empty}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("year", YEARS)
def test_a_target_chart_with_one_figure_of_the_region_shows_the_target(year, lang):
    labels, region = target_labels(lang), DATASET.plan.region
    of_targets = [s for s in edition_charts(year, lang) if target_label(s, lang) in labels]
    assert of_targets, "every edition of the shipped data charts some target"
    for spec in of_targets:
        if len(region_points(spec, region)) == 1:
            assert has_target_layer(spec), f"{year} {lang}: {chart_title(spec)} is one dot without its target"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("year", YEARS)
def test_no_chart_shows_an_id_or_a_code(year, lang):
    for spec in edition_charts(year, lang):
        assert shown_codes(spec) == [], chart_title(spec)


def test_the_region_figure_of_the_latest_edition_is_drawn_where_the_data_has_one():
    """The green-loan balance: the region's only figure is of part of a year; it is drawn, and marked as such."""
    year = YEARS[-1]
    obs = DATASET.observed(year)
    region = DATASET.plan.region
    mine = obs[(obs["indicator_key"] == "green_loan_balance") & (obs["region"] == region)
               & (obs["measure"] == "level")]
    if mine.empty:
        pytest.skip("the shipped data holds no green-loan figure of the region")
    for lang in LANGS:
        name = DATASET.indicators.set_index("indicator_key").loc["green_loan_balance",
                                                                 "name_zh" if lang == "zh" else "name_en"]
        spec = next(s for s in edition_charts(year, lang) if chart_title(s) == name)
        points = region_points(spec, region)
        assert {(p["year"], p["value"]) for p in points} == {(int(r.year), r.value) for r in mine.itertuples()}
        partial = [p for p in points if p["period"] != "year"]
        assert partial and all(p["period_label"] == Messages(lang).period("partial") for p in partial)
        assert "period_label" in str(encodings(spec)), "the legend and tooltip say which figure is part-year"


# ---------------------------------------------------------------- the checks catch what they look for


REGIONS = pd.DataFrame({"region": ["jinan", "china"], "name_zh": ["济南市", "全国"], "name_en": ["Jinan", "China"]})


def _points(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([{"year": y, "value": v, "unit": "%", "region": r, "qualifier": None, "measure": "level",
                          "source_title": "t", "period": p} for r, y, v, p in rows])


def test_the_check_catches_a_chart_of_nothing_but_gaps():
    all_gaps = pd.DataFrame({"part": ["重点工程1", "重点工程2"], "status": ["insufficient_data"] * 2, "count": [3, 4]})
    assert not draws_something_known(charts.section_status_chart(all_gaps, "zh", "t").to_dict())
    one_rated = pd.concat([all_gaps, pd.DataFrame({"part": ["重点工程2"], "status": ["behind"], "count": [1]})])
    assert draws_something_known(charts.section_status_chart(one_rated, "zh", "t").to_dict())

    no_evidence = pd.DataFrame({"level": ["no_public_evidence"], "count": [3]})
    assert not draws_something_known(charts.level_counts_chart(no_evidence, "zh", "t").to_dict())
    assert draws_something_known(charts.level_counts_chart(
        pd.DataFrame({"level": ["no_public_evidence", "planned"], "count": [3, 1]}), "zh", "t").to_dict())

    # a target chart drawing only the plan's marks (no figure) is not a chart of something known
    plan_only = alt.layer(charts.target_layer(2025, 5.0, "目标"), charts.base_layer(2020, 1.0, "基期"))
    assert not draws_something_known(plan_only.to_dict())
    figure = charts.target_chart("t", _points([("jinan", 2023, 1.5, "year")]), REGIONS, "y", "zh")
    assert draws_something_known(figure.to_dict())


def test_an_all_gap_heatmap_is_not_drawn_and_a_rated_one_names_targets_by_label():
    history = pd.DataFrame({"target_id": ["KP1-1", "KP1-1", "KP1-2", "KP1-2"], "report_year": [2024, 2025] * 2,
                            "status": ["insufficient_data"] * 4})
    labels = {"KP1-1": "目标甲", "KP1-2": "目标乙"}
    assert charts.status_heatmap(history, labels, "zh", "t") is None
    history.loc[3, "status"] = "behind"
    spec = charts.status_heatmap(history, labels, "zh", "t").to_dict()
    assert {r["label"] for r in data_rows(spec)} == {"目标乙"}  # only the target rated in some year
    assert shown_codes(spec) == []


def test_the_code_scan_catches_ids_codes_and_untitled_tooltips():
    frame = pd.DataFrame({"target_id": ["MAIN-1"], "report_year": [2025], "status": ["insufficient_data"]})
    by_id = alt.Chart(frame).mark_rect().encode(y="target_id:N", x="report_year:O",
                                                color=alt.Color("status:N", title="状态"))
    assert {"target_id=MAIN-1", "status=insufficient_data"} <= set(shown_codes(by_id.to_dict()))
    untitled = alt.Chart(frame).mark_rect().encode(x="report_year:O", tooltip=["report_year:O"])
    assert shown_codes(untitled.to_dict()) == ["tooltip without a title: report_year"]
    assert shown_codes(alt.Chart(frame).mark_rect().properties(title="KP4-8 目标").to_dict()) == ["KP4-8"]


def test_the_target_layer_check_catches_one_dot_without_its_target():
    one = _points([("jinan", 2023, 8.0, "year")])
    bare = charts.target_chart(["目标甲", "数据不足"], one, REGIONS, "y", "zh").to_dict()
    assert len(region_points(bare, "jinan")) == 1 and not has_target_layer(bare)
    with_target = charts.target_chart(["目标甲", "数据不足"], one, REGIONS, "y", "zh", target=(2025, 40.0, "目标甲"))
    assert has_target_layer(with_target.to_dict())
    ruled = charts.target_chart(["目标甲", "数据不足"], one, REGIONS, "y", "zh", target_rule=(8.0, "年均", "目标"))
    assert has_target_layer(ruled.to_dict())
