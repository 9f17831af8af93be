"""Hand-checked cases for jinan_eval.assess (method described in book/methods.md).

Every expected number below was worked out by hand (arithmetic in the comments),
not by calling the code under test. Fixtures are tiny DataFrames built by the
factories at the top of this module.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest

from jinan_eval.assess.formulas import chain_yoy
from jinan_eval.assess.method import MethodParams, parse_qualifier
from jinan_eval.assess.targets import (
    OUTPUT_COLUMNS,
    assess_all_years,
    assess_targets,
    status_sensitivity,
    statuses_by_threshold_shift,
)
from jinan_eval.report.messages import Messages
from jinan_eval.vocabulary import REASONS, STATUS_ORDER, parse_reasons

#: The method's parameters for these tests: the region and base year come from a plan; thresholds are the defaults.
PARAMS = MethodParams(region="jinan", default_base_year=2020)


def params(**changes) -> MethodParams:
    return replace(PARAMS, **changes)


def reasons(row) -> dict[str, str]:
    """The row's reason codes and their arguments."""
    return dict(parse_reasons(row["reason"]))


def flags(row) -> set[str]:
    return set(filter(None, row["flags"].split(";")))

# ---------------------------------------------------------------------------
# factories
# ---------------------------------------------------------------------------

TARGET_DEFAULTS = dict(
    target_id="T1",
    section_id="main",
    indicator_key="ei",
    kind="reduction_vs_base",
    base_year=2020,
    target_value=14.8,
    unit="%",
    target_year=2025,
    qualifier="",
    label_zh="",
    label_en="",
)

OBS_DEFAULTS = dict(
    indicator_key="ei",
    region="jinan",
    year=2020,
    value=1.0,
    unit="tce/万元",
    measure="level",
    base_year=None,
    period="year",
    qualifier="",
    preferred=True,
    record_type="observed",
    source_id="src-1",
    note="",
)

INDICATORS = pd.DataFrame(
    [
        ("ei", "单位GDP能耗", "Energy intensity", "tce/万元", "lower", "level"),
        ("gva", "增加值", "Value added", "亿元", "higher", "level"),
        ("straw", "秸秆综合利用率", "Straw utilisation", "%", "higher", "level"),
        ("pue", "数据中心PUE", "Data-centre PUE", "ratio", "lower", "level"),
        ("nox", "氮氧化物减排量", "NOx reduction", "吨", "higher", "cumulative_added"),
        ("factories", "绿色工厂", "Green factories", "家", "higher", "cumulative_added"),
        ("ule", "超低排放改造完成", "Ultra-low emission retrofit done", "flag", "higher", "level"),
    ],
    columns=["indicator_key", "name_zh", "name_en", "unit", "direction", "measure"],
).assign(section_id="main")


def make_targets(*overrides: dict) -> pd.DataFrame:
    rows = [{**TARGET_DEFAULTS, **o} for o in (overrides or ({},))]
    return pd.DataFrame(rows).astype(
        {"base_year": "Int64", "target_year": "Int64", "target_value": "float64"}
    )


def obs(**overrides) -> dict:
    return {**OBS_DEFAULTS, **overrides}


def levels(*year_values, **common) -> list[dict]:
    return [obs(year=y, value=v, **common) for y, v in year_values]


def make_obs(rows: list[dict]) -> pd.DataFrame:
    columns = list(OBS_DEFAULTS)
    frame = pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)
    return frame.astype({"year": "int64", "value": "float64", "base_year": "Int64", "preferred": "bool"})


def assess_one(target: dict, rows: list[dict], report_year: int = 2025, params: MethodParams = PARAMS):
    result = assess_targets(make_targets(target), make_obs(rows), INDICATORS, report_year, params)
    assert len(result) == 1
    return result.iloc[0]


def approx(x, rel=1e-4):
    return pytest.approx(x, rel=rel)


# Energy-intensity target used throughout: −14.8 % from 2020 to 2025, so the goal ratio g = 0.852.
# ln 0.852 = −0.1601687.
# Expected progress on the constant-rate path after e years (T = 5): (1 − 0.852^(e/5)) / 0.148
#   e = 3: 0.852^0.6 = exp(−0.0961012) = 0.9083721 → 0.0916279 / 0.148 = 0.619108
#   e = 4: 0.852^0.8 = exp(−0.1281350) = 0.8797355 → 0.1202645 / 0.148 = 0.812598
EXPECTED_E3 = 0.619108
EXPECTED_E4 = 0.812598


# ---------------------------------------------------------------------------
# reduction_vs_base, route "levels", every rated status
# ---------------------------------------------------------------------------


def test_reduction_from_levels_hand_checked():
    row = assess_one({}, levels((2020, 1.0), (2023, 0.9)))
    assert row["route"] == "levels"
    assert row["latest_year"] == 2023
    assert row["latest_value"] == approx(0.9)
    assert row["base_value"] == approx(1.0)
    assert row["achieved_change"] == approx(-10.0)
    assert row["progress"] == approx(10.0 / 14.8)  # 0.675676
    assert row["expected_progress"] == approx(EXPECTED_E3)
    # (0.852 / 0.9)^(1/2) − 1 = 0.9466667^0.5 − 1 = 0.9729680 − 1 → −2.70320 % a year
    assert row["required_annual_rate"] == approx(-2.70320)
    # R = 0.675676 / 0.619108 = 1.0914 ≥ 0.95
    assert row["status"] == "on_track"
    assert row["route"] == "levels" and row["base_year"] == 2020 and row["latest_year"] == 2023
    assert reasons(row) == {"pace": ""} and row["pace_ratio"] == approx(1.0914, rel=1e-3)


@pytest.mark.parametrize(
    "latest, status",
    [
        (0.93, "behind"),  # progress 0.07/0.148 = 0.47297, R = 0.7640
        (0.97, "off_track"),  # progress 0.03/0.148 = 0.20270, R = 0.3274
        (1.02, "off_track"),  # progress −0.135, moving away
    ],
)
def test_reduction_rated_statuses(latest, status):
    row = assess_one({}, levels((2020, 1.0), (2023, latest)))
    assert row["status"] == status


def test_moving_away_is_off_track_and_says_so():
    row = assess_one({}, levels((2020, 1.0), (2023, 1.02)))
    assert row["progress"] == approx(-0.02 / 0.148)
    assert reasons(row) == {"moving_away": ""}


def test_reduction_met_early_is_met_early_with_headroom():
    row = assess_one({}, levels((2020, 1.0), (2023, 0.85)))
    assert row["status"] == "met_early" and reasons(row) == {"target_met_early": ""}
    # (0.852 / 0.85)^(1/2) − 1 = 1.0023529^0.5 − 1 = +0.11758 %: the level may still rise this much a year
    assert row["required_annual_rate"] == approx(0.11758, rel=1e-3)


def test_reduction_not_met_in_target_year_is_missed():
    row = assess_one({}, levels((2020, 1.0), (2025, 0.90)))
    assert row["status"] == "missed"
    assert math.isnan(row["required_annual_rate"])  # no years left


def test_reduction_exactly_met_in_target_year_is_achieved():
    row = assess_one({}, levels((2020, 1.0), (2025, 0.852)))
    assert row["status"] == "achieved"


def test_increase_from_levels_hand_checked():
    target = {"kind": "increase_vs_base", "indicator_key": "gva", "target_value": 25.0}
    row = assess_one(target, levels((2020, 100.0), (2022, 110.0), indicator_key="gva", unit="亿元"))
    assert row["achieved_change"] == approx(10.0)
    assert row["progress"] == approx(0.4)
    # ((1.25)^(2/5) − 1)/0.25: ln 1.25 = 0.2231436, ×0.4 = 0.0892574, exp = 1.0933620 → 0.373448
    assert row["expected_progress"] == approx(0.373448)
    # (1.25/1.1)^(1/3) − 1: ln 1.1363636 = 0.1278334, /3 = 0.0426111, exp − 1 = 0.0435320
    assert row["required_annual_rate"] == approx(4.35320)
    assert row["status"] == "on_track"  # R = 0.4 / 0.373448 = 1.0711


# ---------------------------------------------------------------------------
# qualifiers
# ---------------------------------------------------------------------------


def test_approximate_target_within_tolerance_counts_as_achieved_at_target_year():
    # 约17%: 2025 level 0.835 → −16.5 %, progress 16.5/17 = 0.9706 ≥ 1 − 0.05
    row = assess_one({"target_value": 17.0, "qualifier": "约"}, levels((2020, 1.0), (2025, 0.835)))
    assert row["status"] == "achieved"
    assert reasons(row) == {"within_tolerance": ""} and "approximate" in flags(row)


def test_without_approximate_wording_the_same_figure_is_missed():
    row = assess_one({"target_value": 17.0}, levels((2020, 1.0), (2025, 0.835)))
    assert row["status"] == "missed"


def test_approximate_target_outside_tolerance_is_missed():
    # 左右: 2025 level 0.84 → progress 16/17 = 0.9412 < 0.95
    row = assess_one({"target_value": 17.0, "qualifier": "左右"}, levels((2020, 1.0), (2025, 0.84)))
    assert row["status"] == "missed"


def test_tolerance_is_a_parameter():
    row = assess_one({"target_value": 17.0, "qualifier": "约"}, levels((2020, 1.0), (2025, 0.84)),
                     params=params(approx_tolerance=0.10))
    assert row["status"] == "achieved"


def test_tolerance_does_not_apply_before_target_year():
    # 约17%, 2023 at 0.84 (progress 0.9412): not achieved yet, rated on pace instead
    row = assess_one({"target_value": 17.0, "qualifier": "约"}, levels((2020, 1.0), (2023, 0.84)))
    assert row["status"] == "on_track"


def test_aspirational_target_rated_against_stated_number_and_labelled():
    row = assess_one({"qualifier": "力争"}, levels((2020, 1.0), (2023, 0.93)))
    assert row["status"] == "behind"  # same as without 力争
    assert "aspirational" in flags(row)


def test_parse_qualifier_combinations_and_unknown_words():
    q = parse_qualifier("力争;超过")
    assert q.aspirational and q.strict and not q.approximate
    assert parse_qualifier("") == parse_qualifier(None) == parse_qualifier(float("nan"))
    assert not parse_qualifier("以上").strict
    with pytest.raises(ValueError):
        parse_qualifier("大约")


# ---------------------------------------------------------------------------
# at_least / at_most
# ---------------------------------------------------------------------------

STRAW = {"kind": "at_least", "indicator_key": "straw", "target_value": 98.0, "unit": "%", "qualifier": "以上"}
PUE = {"kind": "at_most", "indicator_key": "pue", "target_value": 1.3, "unit": "ratio", "qualifier": ""}


def straw(*pairs):
    return levels(*pairs, indicator_key="straw", unit="%")


def pue(*pairs):
    return levels(*pairs, indicator_key="pue", unit="ratio")


def test_at_least_hand_checked():
    row = assess_one(STRAW, straw((2020, 90.0), (2023, 94.0)))
    assert row["achieved_change"] == approx(4.0)
    assert row["progress"] == approx(0.5)  # 4 / 8
    assert row["expected_progress"] == approx(0.6)  # 3 of 5 years, straight line
    assert row["required_annual_rate"] == approx(2.0)  # (98 − 94) / 2 years
    assert row["status"] == "behind"  # R = 0.5 / 0.6 = 0.833


def test_at_least_inclusive_bound_reached_is_achieved():
    assert assess_one(STRAW, straw((2020, 90.0), (2023, 98.0)))["status"] == "met_early"
    assert assess_one(STRAW, straw((2020, 90.0), (2025, 98.0)))["status"] == "achieved"


def test_strict_bound_reached_but_not_passed_is_not_achieved():
    row = assess_one({**STRAW, "qualifier": "超过"}, straw((2020, 90.0), (2023, 98.0)))
    assert row["status"] == "on_track"  # progress 1.0 vs expected 0.6, but 98 is not > 98


def test_at_least_met_without_base_level_is_met_early():
    row = assess_one(STRAW, straw((2023, 98.5)))
    assert row["status"] == "met_early"
    assert math.isnan(row["base_value"])


def test_at_least_not_met_without_base_level_is_insufficient():
    row = assess_one(STRAW, straw((2023, 95.0)))
    assert row["status"] == "insufficient_data"
    assert reasons(row) == {"no_base_level": ""}


def test_at_least_met_at_base_but_not_at_latest_is_off_track():
    row = assess_one(STRAW, straw((2020, 98.5), (2023, 97.0)))
    assert row["status"] == "off_track"
    assert math.isnan(row["progress"])


def test_at_most_hand_checked():
    row = assess_one(PUE, pue((2020, 1.5), (2022, 1.4)))
    assert row["progress"] == approx(0.5)  # (1.4 − 1.5) / (1.3 − 1.5)
    assert row["expected_progress"] == approx(0.4)  # 2 of 5 years
    assert row["required_annual_rate"] == approx(-0.1 / 3)  # (1.3 − 1.4) / 3 years
    assert row["status"] == "on_track"  # R = 1.25


def test_at_most_better_than_is_strict():
    assert assess_one(PUE, pue((2020, 1.5), (2024, 1.3)))["status"] == "met_early"
    strict = assess_one({**PUE, "qualifier": "优于"}, pue((2020, 1.5), (2024, 1.3)))
    assert strict["status"] not in ("achieved", "met_early")
    assert assess_one({**PUE, "qualifier": "优于"}, pue((2020, 1.5), (2024, 1.29)))["status"] == "met_early"


def test_at_most_not_met_in_target_year_is_missed():
    assert assess_one(PUE, pue((2020, 1.5), (2025, 1.35)))["status"] == "missed"


# ---------------------------------------------------------------------------
# cumulative_addition / count, route "additions"
# ---------------------------------------------------------------------------

NOX = {"kind": "cumulative_addition", "indicator_key": "nox", "target_value": 9494.0, "unit": "吨"}
FACTORIES = {"kind": "count", "indicator_key": "factories", "target_value": 40.0, "unit": "家", "qualifier": ""}


def cumulative(year, value, key="nox", unit="吨", base_year=2020, **kw):
    return obs(indicator_key=key, year=year, value=value, unit=unit, measure="cumulative_added",
               base_year=base_year, **kw)


def annual(year, value, key="nox", unit="吨", **kw):
    return obs(indicator_key=key, year=year, value=value, unit=unit, measure="annual_added", **kw)


def test_additions_from_published_cumulative_hand_checked():
    row = assess_one(NOX, [cumulative(2023, 5000.0)])
    assert row["route"] == "additions"
    assert row["achieved_change"] == approx(5000.0)
    assert row["progress"] == approx(5000 / 9494)  # 0.52665
    assert row["expected_progress"] == approx(0.6)
    assert row["required_annual_rate"] == approx(2247.0)  # (9494 − 5000) / 2
    assert row["status"] == "behind"  # R = 0.52665 / 0.6 = 0.8777


def test_additions_from_annual_sum_hand_checked():
    row = assess_one(NOX, [annual(2021, 2000.0), annual(2022, 2000.0), annual(2023, 2000.0)])
    assert row["achieved_change"] == approx(6000.0)
    assert row["status"] == "on_track"  # progress 0.63198, R = 1.0533
    assert row["route"] == "annual_sum" and (row["first_year"], row["latest_year"]) == (2021, 2023)


def test_additions_far_below_path_are_off_track():
    assert assess_one(NOX, [cumulative(2023, 1000.0)])["status"] == "off_track"  # R = 0.1053/0.6 = 0.18


def test_gap_in_annual_additions_is_insufficient():
    row = assess_one(NOX, [annual(2021, 2000.0), annual(2023, 2000.0)])
    assert row["status"] == "insufficient_data"
    assert reasons(row)["annual_gap"] == "2022"


def test_cumulative_additions_against_another_base_year_not_used():
    row = assess_one(NOX, [cumulative(2023, 20000.0, base_year=2015)])
    assert row["status"] == "insufficient_data"
    assert reasons(row)["additions_other_base"] == "2015"


def test_additions_route_reaching_the_later_year_wins():
    rows = [cumulative(2022, 3000.0), annual(2021, 1500.0), annual(2022, 1500.0), annual(2023, 1000.0)]
    row = assess_one(NOX, rows)
    assert row["latest_year"] == 2023
    assert row["achieved_change"] == approx(4000.0)


def test_count_met_before_target_year_is_met_early():
    row = assess_one(FACTORIES, [cumulative(2024, 41.0, key="factories", unit="家")])
    assert row["status"] == "met_early"
    assert row["required_annual_rate"] == 0.0


def test_count_with_strict_wording_needs_more_than_the_number():
    row = assess_one({**FACTORIES, "qualifier": "超过"}, [cumulative(2025, 40.0, key="factories", unit="家")])
    assert row["status"] == "missed"


def test_additions_in_another_unit_are_insufficient_with_reason():
    row = assess_one(NOX, [cumulative(2023, 0.6, unit="万吨")])
    assert row["status"] == "insufficient_data"
    assert reasons(row)["unit_mismatch"] == "万吨"


# ---------------------------------------------------------------------------
# other routes for percentage targets and their order
# ---------------------------------------------------------------------------


def yoy(year, pct, **kw):
    return obs(year=year, value=pct, unit="%", measure="yoy_change_pct", **kw)


def cum_change(year, pct, base_year=2020, **kw):
    return obs(year=year, value=pct, unit="%", measure="cumulative_change_pct", base_year=base_year, **kw)


def test_chained_yoy_hand_checked():
    row = assess_one({}, [yoy(2021, -3.0), yoy(2022, -4.0), yoy(2023, -5.0)])
    # 0.97 × 0.96 × 0.95 = 0.88464 → −11.536 %
    assert row["route"] == "chained_yoy"
    assert row["achieved_change"] == approx(-11.536)
    assert row["progress"] == approx(11.536 / 14.8)  # 0.779459
    assert row["status"] == "on_track"  # R = 0.779459 / 0.619108 = 1.259
    assert (row["first_year"], row["latest_year"]) == (2021, 2023)
    assert math.isnan(row["latest_value"])  # no level published


def test_gap_in_yoy_chain_is_insufficient_never_filled():
    row = assess_one({}, [yoy(2021, -3.0), yoy(2023, -5.0)])
    assert row["status"] == "insufficient_data"
    assert reasons(row)["yoy_gap"] == "2022"
    assert math.isnan(row["achieved_change"])


def test_absolute_yoy_changes_are_never_chained():
    rows = [obs(year=y, value=-0.1, unit="pp", measure="yoy_change_abs") for y in (2021, 2022, 2023)]
    row = assess_one({}, rows)
    assert row["status"] == "insufficient_data"
    assert reasons(row)["unusable_measures"] == "yoy_change_abs"


def test_cumulative_change_hand_checked():
    row = assess_one({}, [cum_change(2024, -12.0)])
    assert row["route"] == "cumulative_change"
    assert row["progress"] == approx(12.0 / 14.8)  # 0.810811
    assert row["expected_progress"] == approx(EXPECTED_E4)
    assert row["status"] == "on_track"  # R = 0.810811 / 0.812598 = 0.9978


def test_thresholds_are_parameters():
    # the same figure (R = 0.9978) is behind when on track demands R ≥ 1
    row = assess_one({}, [cum_change(2024, -12.0)], params=params(on_track=1.0))
    assert row["status"] == "behind"


def test_cumulative_change_against_another_base_year_not_used():
    row = assess_one({}, [cum_change(2024, -20.0, base_year=2015)])
    assert row["status"] == "insufficient_data"
    assert reasons(row)["change_other_base"] == "2015"


def test_levels_preferred_over_cumulative_change_for_the_same_year():
    row = assess_one({}, levels((2020, 1.0), (2023, 0.9)) + [cum_change(2023, -12.0)])
    assert row["route"] == "levels"
    assert row["achieved_change"] == approx(-10.0)


def test_cumulative_change_preferred_over_chained_yoy_for_the_same_year():
    rows = [yoy(2021, -3.0), yoy(2022, -4.0), cum_change(2022, -5.0)]
    row = assess_one({}, rows)
    assert row["route"] == "cumulative_change"
    assert row["achieved_change"] == approx(-5.0)


def test_route_order_is_a_parameter():
    rows = levels((2020, 1.0), (2021, 0.99)) + [yoy(2021, -3.0)]
    assert assess_one({}, rows, params=params(route_order=("chained_yoy", "levels", "cumulative_change")))["route"] \
        == "chained_yoy"
    assert assess_one({}, rows)["route"] == "levels"


def test_most_recent_year_beats_route_order():
    rows = levels((2020, 1.0), (2022, 0.95)) + [cum_change(2024, -12.0)]
    row = assess_one({}, rows)
    assert row["route"] == "cumulative_change"
    assert row["latest_year"] == 2024
    assert row["base_value"] == approx(1.0)  # the published base level is still reported
    assert math.isnan(row["latest_value"])  # no 2024 level published


# ---------------------------------------------------------------------------
# which observations count
# ---------------------------------------------------------------------------


def test_partial_year_rows_are_ignored_and_named():
    rows = levels((2020, 1.0), (2023, 0.9)) + [obs(year=2024, value=0.8, period="partial")]
    row = assess_one({}, rows)
    assert row["latest_year"] == 2023
    assert "partial_unused" in flags(row)


def test_only_partial_year_rows_are_insufficient():
    rows = [cumulative(2025, 9000.0, period="partial")]
    row = assess_one(NOX, rows)
    assert row["status"] == "insufficient_data"
    assert reasons(row) == {"only_partial": "2025"}


@pytest.mark.parametrize("preferred_value, expected_change", [(0.9, -10.0), (0.7, -30.0)])
def test_only_the_preferred_duplicate_is_used(preferred_value, expected_change):
    other = 0.7 if preferred_value == 0.9 else 0.9
    rows = [obs(year=2020, value=1.0), obs(year=2023, value=preferred_value, preferred=True),
            obs(year=2023, value=other, preferred=False, source_id="src-2")]
    assert assess_one({}, rows)["achieved_change"] == approx(expected_change)


def test_differing_duplicates_without_a_preferred_row_are_dropped_and_named():
    rows = [obs(year=2020, value=1.0), obs(year=2023, value=0.9, preferred=False),
            obs(year=2023, value=0.7, preferred=False, source_id="src-2"), obs(year=2022, value=0.95)]
    row = assess_one({}, rows)
    assert row["latest_year"] == 2022
    assert "conflict_dropped" in flags(row)


def test_plan_target_rows_are_ignored():
    rows = levels((2020, 1.0), (2023, 0.9)) + [obs(year=2025, value=0.852, record_type="plan_target")]
    row = assess_one({}, rows)
    assert row["latest_year"] == 2023
    assert row["status"] == "on_track"


def test_observations_after_report_year_are_ignored():
    rows = levels((2020, 1.0), (2021, 0.97), (2023, 0.8))
    row = assess_one({}, rows, report_year=2022)
    assert row["latest_year"] == 2021
    assert row["report_year"] == 2022


def test_benchmark_regions_are_ignored():
    rows = [obs(year=2020, value=1.0), obs(year=2023, value=0.5, region="shandong"),
            obs(year=2023, value=0.5, region="china")]
    row = assess_one({}, rows)
    assert row["status"] == "insufficient_data"


def test_levels_in_another_unit_are_insufficient_with_reason():
    rows = levels((2020, 1.0), (2023, 0.9), unit="tce/万元 (current prices)")
    row = assess_one({}, rows)
    assert row["status"] == "insufficient_data"
    assert reasons(row)["unit_mismatch"] == "tce/万元 (current prices)"


def test_no_observations_at_all_is_insufficient():
    row = assess_one({}, [])
    assert row["status"] == "insufficient_data"
    assert reasons(row) == {"no_figures": ""}


def test_baseline_point_alone_is_insufficient():
    row = assess_one({}, levels((2020, 1.0)))
    assert row["status"] == "insufficient_data"
    assert math.isnan(row["progress"])


# ---------------------------------------------------------------------------
# milestones and non-quantified kinds
# ---------------------------------------------------------------------------

MILESTONE = {"kind": "milestone", "indicator_key": "ule", "target_value": None, "unit": "", "base_year": None,
             "target_year": 2023}


def flag(year, value, **kw):
    return obs(indicator_key="ule", year=year, value=value, unit="flag", **kw)


def test_a_milestone_is_not_rated_among_the_quantified_targets():
    """A milestone is judged once, as a commitment (test_commitments.py), whatever figures its indicator has."""
    row = assess_one(MILESTONE, [flag(2023, 1.0)])
    assert row["status"] == "not_quantified" and reasons(row) == {"milestone": ""} and row["route"] == ""


@pytest.mark.parametrize("kind", ["provincial_task", "qualitative"])
def test_non_quantified_kinds(kind):
    target = {"kind": kind, "indicator_key": None, "target_value": None, "base_year": None}
    row = assess_one(target, levels((2020, 1.0), (2023, 0.9)))
    assert row["status"] == "not_quantified"
    assert all(math.isnan(row[c]) for c in ("progress", "expected_progress", "required_annual_rate"))


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        assess_one({"kind": "reduction"}, [])


def test_target_without_value_is_insufficient():
    assert assess_one({"target_value": None}, levels((2020, 1.0), (2023, 0.9)))["status"] == "insufficient_data"


# ---------------------------------------------------------------------------
# tables: columns, years, sensitivity, labels
# ---------------------------------------------------------------------------


def several_targets():
    targets = make_targets(
        {"target_id": "MAIN-1"},
        {**STRAW, "target_id": "KP1-1"},
        {**NOX, "target_id": "MAIN-2"},
        {**MILESTONE, "target_id": "KP1-2"},
        {"target_id": "KP1-3", "kind": "provincial_task", "indicator_key": None, "target_value": None},
    )
    rows = (levels((2020, 1.0), (2022, 0.95), (2023, 0.9)) + straw((2020, 90.0), (2023, 94.0))
            + [cumulative(2022, 3000.0), flag(2023, 1.0)])
    return targets, make_obs(rows)


def test_output_has_exact_columns_and_one_row_per_target_in_order():
    targets, observations = several_targets()
    result = assess_targets(targets, observations, INDICATORS, 2023, PARAMS)
    assert tuple(result.columns) == OUTPUT_COLUMNS
    assert result["target_id"].tolist() == ["MAIN-1", "KP1-1", "MAIN-2", "KP1-2", "KP1-3"]
    assert set(result["status"]) <= set(STATUS_ORDER)


def test_assess_all_years_concatenates_report_years():
    targets, observations = several_targets()
    result = assess_all_years(targets, observations, INDICATORS, [2021, 2022, 2023], PARAMS)
    assert tuple(result.columns) == OUTPUT_COLUMNS
    assert len(result) == 3 * len(targets)
    main = result.loc[result["target_id"] == "MAIN-1"].set_index("report_year")
    assert main.loc[2021, "status"] == "insufficient_data"  # only the 2020 level by then
    assert main.loc[2022, "latest_year"] == 2022
    assert main.loc[2023, "latest_year"] == 2023


def sensitivity_case():
    # straight-line at_least targets from 0 to 100, latest 2023 → expected progress 0.6
    values = {"A": 63.0, "B": 55.2, "C": 37.2}  # R = 1.05, 0.92, 0.62
    targets = make_targets(*[
        {"target_id": k, "kind": "at_least", "indicator_key": k, "target_value": 100.0, "unit": "u"} for k in values
    ])
    rows = []
    for key, latest in values.items():
        rows += [obs(indicator_key=key, year=2020, value=0.0, unit="u"),
                 obs(indicator_key=key, year=2023, value=latest, unit="u")]
    return targets, make_obs(rows)


def test_statuses_by_threshold_shift_hand_checked():
    targets, observations = sensitivity_case()
    table = statuses_by_threshold_shift(targets, observations, INDICATORS, 2023, PARAMS).set_index("target_id")
    assert table.loc["A"].tolist() == ["on_track", "on_track", "on_track"]
    assert table.loc["B"].tolist() == ["on_track", "behind", "behind"]  # 0.92 vs 0.90 / 0.95 / 1.00
    assert table.loc["C"].tolist() == ["behind", "behind", "off_track"]  # 0.62 vs 0.55 / 0.60 / 0.65


def test_status_sensitivity_counts_changes():
    targets, observations = sensitivity_case()
    table = status_sensitivity(targets, observations, INDICATORS, 2023, PARAMS, shift=0.05).set_index("scenario")
    assert table.loc["published", "changed"] == 0
    assert table.loc["looser", "changed"] == 1
    assert table.loc["stricter", "changed"] == 1
    assert table.loc["looser", "on_track_threshold"] == approx(0.90)
    assert table.loc["stricter", "behind_threshold"] == approx(0.65)
    assert table.loc["published", ["on_track", "behind", "off_track"]].tolist() == [1, 2, 0]
    assert table.loc["stricter", ["on_track", "behind", "off_track"]].tolist() == [1, 1, 1]


def test_a_rating_resting_on_a_copy_is_provisional():
    # the base level is read on the issuing body's own page (A), the latest only on a third-party copy (C)
    rows = [obs(year=2020, value=1.0), obs(year=2023, value=0.9)]
    frame = make_obs(rows).assign(grade=["A", "C"])
    row = assess_targets(make_targets({}), frame, INDICATORS, 2025, PARAMS).iloc[0]
    assert row["evidence_grade"] == "C" and bool(row["provisional"]) and "provisional" in flags(row)
    frame = make_obs(rows).assign(grade=["A", "B"])
    row = assess_targets(make_targets({}), frame, INDICATORS, 2025, PARAMS).iloc[0]
    assert row["evidence_grade"] == "B" and not bool(row["provisional"])


def test_agreeing_copies_of_a_figure_are_rated_from_the_best_graded_source():
    rows = [obs(year=2020, value=1.0), obs(year=2023, value=0.9, source_id="copy"),
            obs(year=2023, value=0.9, source_id="bureau")]
    frame = make_obs(rows).assign(grade=["A", "C", "A"])
    row = assess_targets(make_targets({}), frame, INDICATORS, 2025, PARAMS).iloc[0]
    assert row["evidence_grade"] == "A" and not bool(row["provisional"])


def test_every_code_has_words_in_both_languages():
    for lang in ("zh", "en"):
        m = Messages(lang)
        assert all(m.status(s) for s in STATUS_ORDER)
        assert all(m.has(f"reason.{code}") for code in REASONS)


def test_method_params_refuse_inconsistent_thresholds():
    with pytest.raises(ValueError):
        params(on_track=0.5, behind=0.6)
    with pytest.raises(ValueError):
        params(approx_tolerance=1.5)
    with pytest.raises(ValueError):
        params(route_order=("levels", "levels", "chained_yoy"))


def test_chain_yoy_hand_checked():
    assert chain_yoy([10.0, -10.0]) == approx(-1.0)  # 1.1 × 0.9 = 0.99
    assert chain_yoy([]) == 0.0


def test_qualified_figure_is_used_as_stated_and_flagged():
    row = assess_one({}, [cum_change(2023, -18.8, qualifier="以上")])
    assert row["achieved_change"] == approx(-18.8)
    assert row["figure_qualifier"] == "以上" and "figure_qualified" in flags(row)


def test_nullable_dtypes_from_the_data_layer_are_accepted():
    # the validated data layer gives year as Int64 and preferred as nullable boolean
    rows = make_obs(levels((2020, 1.0), (2023, 0.9))).astype({"year": "Int64", "preferred": "boolean"})
    rows.loc[0, "preferred"] = pd.NA
    result = assess_targets(make_targets({}), rows, INDICATORS, 2025, PARAMS)
    assert result.loc[0, "achieved_change"] == approx(-10.0)
