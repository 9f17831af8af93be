"""Routes from partial facts (methods chapter): bounds, implications, the responsible body's statements.

Every expected status below follows from the rule by hand (arithmetic in the comments); the property tests check
that a bound never rates what it does not decide.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jinan_eval.assess.partial import days_in_year
from jinan_eval.assess.targets import assess_targets
from test_assess import INDICATORS, PARAMS, make_obs, make_targets, obs, reasons

RULED = pd.concat([INDICATORS, pd.DataFrame([
    # a share of days, bounded by the count of days over the year's days
    {"indicator_key": "heavy_share", "name_zh": "重度污染天数比率", "name_en": "Heavy share", "unit": "%",
     "direction": "lower", "measure": "level", "bound_rule": "days_in_year", "bound_count": "heavy_days"},
    {"indicator_key": "heavy_days", "name_zh": "重污染天数", "name_en": "Heavy days", "unit": "days",
     "direction": "lower", "measure": "level"},
    {"indicator_key": "clean_share", "name_zh": "优良天数比率", "name_en": "Clean share", "unit": "%",
     "direction": "higher", "measure": "level", "bound_rule": "days_in_year", "bound_count": "clean_days"},
    {"indicator_key": "clean_days", "name_zh": "优良天数", "name_en": "Clean days", "unit": "days",
     "direction": "higher", "measure": "level"},
    # the share of new buses that are new-energy, implied by a whole fleet that is
    {"indicator_key": "new_bus_nev", "name_zh": "新增公交车新能源比例", "name_en": "New bus NEV share", "unit": "%",
     "direction": "higher", "measure": "level", "implication": "whole_fleet", "implied_by": "fleet_nev"},
    {"indicator_key": "fleet_nev", "name_zh": "公交车新能源比例", "name_en": "Fleet NEV share", "unit": "%",
     "direction": "higher", "measure": "level"},
]).assign(section_id="main")], ignore_index=True)

CEILING = {"kind": "at_most", "indicator_key": "heavy_share", "target_value": 1.0, "unit": "%", "target_year": 2025}
FLOOR = {"kind": "at_least", "indicator_key": "clean_share", "target_value": 80.0, "unit": "%", "target_year": 2025}
BUSES = {"kind": "at_least", "indicator_key": "new_bus_nev", "target_value": 100.0, "unit": "%", "target_year": 2025}
ADDED = {"kind": "cumulative_addition", "indicator_key": "nox", "target_value": 9494.0, "unit": "吨",
         "target_year": 2025}


def days(key: str, year: int, count: float, **kw) -> dict:
    return obs(indicator_key=key, year=year, value=count, unit="days", **kw)


def rate(target: dict, rows: list[dict], report_year: int = 2025, statements: pd.DataFrame | None = None):
    result = assess_targets(make_targets(target), make_obs(rows), RULED, report_year, PARAMS, statements)
    return result.iloc[0]


# ------------------------------------------------------------------ bounds


def test_a_count_over_at_most_the_years_days_decides_a_ceiling_it_exceeds():
    # 2023 has 365 days: 6 / 365 = 1.6438 % > 1 % whatever the number of valid days
    row = rate(CEILING, [days("heavy_days", 2023, 6)])
    assert (row["status"], row["route"], row["latest_year"]) == ("not_met", "bound", 2023)
    assert row["latest_value"] == pytest.approx(600 / 365)
    assert reasons(row) == {"bound_not_met": "6,365"}
    assert row["sources"] == "src-1"


def test_a_bound_at_the_target_year_is_missed_not_just_not_met():
    assert rate(CEILING, [days("heavy_days", 2025, 6)])["status"] == "missed"


def test_a_bound_under_the_ceiling_decides_nothing_and_says_so():
    # 2021: 2 / 365 = 0.55 % — the true share may be above or below 1 %
    row = rate(CEILING, [days("heavy_days", 2021, 2)])
    assert row["status"] == "insufficient_data" and row["route"] == ""
    assert reasons(row)["bound_undecided"] == "2,365"


def test_only_the_latest_count_is_used():
    # the 2023 bound (1.64 %) would decide, but 2024's (3 / 366 = 0.82 %) is the latest and does not
    row = rate(CEILING, [days("heavy_days", 2023, 6), days("heavy_days", 2024, 3)])
    assert row["status"] == "insufficient_data" and reasons(row)["bound_undecided"] == "3,366"


def test_a_leap_year_has_one_more_day():
    assert (days_in_year(2024), days_in_year(2023), days_in_year(2000), days_in_year(2100)) == (366, 365, 366, 365)
    # exactly 1 % of 366 days is 3.66 days: 4 days in 2024 (1.09 %) exceed the ceiling, 3 days (0.82 %) do not
    assert rate(CEILING, [days("heavy_days", 2024, 4)])["status"] == "not_met"
    assert rate(CEILING, [days("heavy_days", 2024, 3)])["status"] == "insufficient_data"


def test_a_lower_bound_reaching_a_floor_is_met_early():
    # 300 clean days of at most 365: the share is at least 82.2 % ≥ 80 %
    row = rate(FLOOR, [days("clean_days", 2023, 300)])
    assert (row["status"], row["route"]) == ("met_early", "bound")
    # 280 days: at least 76.7 %, which does not decide an 80 % floor
    assert rate(FLOOR, [days("clean_days", 2023, 280)])["status"] == "insufficient_data"


def test_a_part_year_addition_that_reaches_the_target_is_met_early():
    partial = obs(indicator_key="nox", year=2024, value=9600.0, unit="吨", measure="cumulative_added", base_year=2020,
                  period="partial")
    row = rate(ADDED, [partial])
    assert (row["status"], row["route"], row["latest_year"]) == ("met_early", "bound", 2024)
    short = {**partial, "value": 9000.0}
    assert rate(ADDED, [short])["status"] == "insufficient_data"


def test_a_published_figure_beats_a_bound():
    # the share itself is published for 2023 (0.8 %): the bound from 6 days is not consulted
    rows = [obs(indicator_key="heavy_share", year=2020, value=1.5, unit="%"),
            obs(indicator_key="heavy_share", year=2023, value=0.8, unit="%"), days("heavy_days", 2023, 6)]
    assert rate(CEILING, rows)["route"] == "levels"


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 366), st.integers(2021, 2025), st.floats(0.1, 20.0))
def test_a_bound_rates_only_what_every_possible_denominator_agrees_on(count, year, ceiling):
    """not_met exactly when even the largest denominator gives a share above the ceiling; never met (a lower bound
    cannot show a ceiling is kept)."""
    count = min(count, days_in_year(year))
    row = rate({**CEILING, "target_value": ceiling}, [days("heavy_days", year, count)], report_year=2025)
    decided = count / days_in_year(year) * 100 > ceiling + 1e-9
    assert (row["status"] in ("not_met", "missed")) == decided
    assert row["status"] in ("not_met", "missed", "insufficient_data")


# ------------------------------------------------------------------ implication


def test_a_whole_fleet_of_the_kind_implies_every_added_unit_was():
    row = rate(BUSES, [obs(indicator_key="fleet_nev", year=2024, value=100.0, unit="%")])
    assert (row["status"], row["route"], row["latest_value"]) == ("met_early", "implication", 100.0)
    assert rate(BUSES, [obs(indicator_key="fleet_nev", year=2025, value=100.0, unit="%")])["status"] == "achieved"


def test_a_fleet_short_of_whole_implies_nothing():
    # 98 % of the fleet says nothing about the buses added that year
    row = rate(BUSES, [obs(indicator_key="fleet_nev", year=2025, value=98.0, unit="%")])
    assert row["status"] == "insufficient_data" and row["route"] == ""


def test_a_premise_of_another_region_implies_nothing_for_the_region_assessed():
    rows = [obs(indicator_key="fleet_nev", year=2025, value=100.0, unit="%", region="jinan_central")]
    assert rate(BUSES, rows)["status"] == "insufficient_data"


# ------------------------------------------------------------------ statements

STATEMENT = pd.DataFrame([{"target_id": "T1", "status": "met_early", "as_of_year": 2024,
                           "statement_date": "2025-11-18", "source_id": "S00000001", "grade": "B"}])
INTENSITY = {"kind": "reduction_vs_base", "indicator_key": "ei", "target_value": 14.8, "unit": "%",
             "target_year": 2025}


def test_the_responsible_bodys_statement_rates_a_target_no_figure_rates():
    row = rate(INTENSITY, [], statements=STATEMENT)
    assert (row["status"], row["route"], row["latest_year"]) == ("met_early", "statement", 2024)
    assert reasons(row) == {"statement": "2025-11-18"}
    assert bool(row["provisional"]) and row["flags"] == "statement_unconfirmed"  # read in a news report (B)
    assert not rate(INTENSITY, [], statements=STATEMENT.assign(grade="A"))["provisional"]


def test_a_statement_made_after_the_report_year_is_not_used():
    assert rate(INTENSITY, [], report_year=2024, statements=STATEMENT)["status"] == "insufficient_data"


def test_figures_that_rate_a_target_beat_a_statement():
    rows = [obs(year=2020, value=1.0), obs(year=2023, value=0.95)]
    row = rate(INTENSITY, rows, statements=STATEMENT)
    assert row["route"] == "levels" and row["status"] != "met_early"


def test_the_latest_statement_an_edition_may_use_decides():
    later = STATEMENT.assign(status="achieved", as_of_year=2025, statement_date="2026-03-01")
    both = pd.concat([STATEMENT, later], ignore_index=True)
    assert rate(INTENSITY, [], report_year=2025, statements=both)["status"] == "met_early"
    assert rate(INTENSITY, [], report_year=2026, statements=both)["status"] == "achieved"
