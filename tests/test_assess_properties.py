"""Property-based tests for jinan_eval.assess (hypothesis).

Properties checked:
- the status never improves when the latest value moves away from the target;
- chaining year-on-year changes derived from a level series reproduces the level ratio,
  both in chain_yoy and through the whole assessment;
- a series that meets its target in every observed year is 'achieved' whatever the report year;
- a single baseline point (and nothing later) never gives a status other than insufficient_data.
"""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from jinan_eval.assess.formulas import chain_yoy, compound_expected_progress
from jinan_eval.assess.method import MethodParams
from jinan_eval.assess.targets import assess_targets

PARAMS = MethodParams(region="jinan", default_base_year=2020)

# --- a compact factory (kept local: the unit-test module has a fuller one) ----------

INDICATORS = pd.DataFrame(
    {"indicator_key": ["x"], "name_zh": ["x"], "name_en": ["x"], "unit": ["u"], "direction": ["lower"],
     "measure": ["level"], "section_id": ["main"]}
)


def target_frame(kind: str, target_value: float, qualifier: str = "", unit: str = "u") -> pd.DataFrame:
    row = dict(target_id="T", section_id="main", indicator_key="x", kind=kind, base_year=2020,
               target_value=target_value, unit=unit, target_year=2025, qualifier=qualifier, label_zh="", label_en="")
    return pd.DataFrame([row]).astype({"base_year": "Int64", "target_year": "Int64", "target_value": "float64"})


def obs_frame(rows: list[tuple[int, float, str, object]]) -> pd.DataFrame:
    """rows: (year, value, measure, base_year)."""
    records = [dict(indicator_key="x", region="jinan", year=y, value=v, unit="u" if m != "yoy_change_pct" else "%",
                    measure=m, base_year=b, period="year", qualifier="", preferred=True, record_type="observed",
                    source_id="s", note="") for y, v, m, b in rows]
    dtypes = {"year": "int64", "value": "float64", "base_year": "Int64", "preferred": "bool"}
    return pd.DataFrame(records).astype(dtypes)


def assess(kind, target_value, rows, report_year, qualifier=""):
    unit = "%" if kind in ("reduction_vs_base", "increase_vs_base") else "u"
    result = assess_targets(target_frame(kind, target_value, qualifier, unit), obs_frame(rows), INDICATORS, report_year, PARAMS)
    return result.iloc[0]


RATED_KINDS = ["reduction_vs_base", "increase_vs_base", "at_least", "at_most", "cumulative_addition"]
GOODNESS = {"achieved": 4, "met_early": 4, "on_track": 3, "behind": 2, "off_track": 1, "missed": 1}

positive = st.floats(min_value=0.5, max_value=500.0, allow_nan=False)
shares = st.floats(min_value=0.0, max_value=0.9, allow_nan=False)
qualifiers = st.sampled_from(["", "约", "左右", "力争", "以上", "超过", "力争;以上"])


# --- 1. moving away from the target never improves the status ------------------------


@st.composite
def away_case(draw):
    kind = draw(st.sampled_from(RATED_KINDS))
    latest_year = draw(st.integers(2021, 2025))
    report_year = draw(st.integers(latest_year, 2026))
    away = draw(shares)
    if kind in ("reduction_vs_base", "increase_vs_base"):
        target = draw(st.floats(min_value=1.0, max_value=60.0))
        v1 = draw(positive)
        v2 = v1 * (1 + away) if kind == "reduction_vs_base" else v1 * (1 - away)
        make = lambda v: [(2020, 100.0, "level", None), (latest_year, v, "level", None)]  # noqa: E731
    elif kind in ("at_least", "at_most"):
        target = draw(positive)
        base = draw(positive)
        v1 = draw(positive)
        v2 = v1 * (1 - away) if kind == "at_least" else v1 * (1 + away)
        make = lambda v: [(2020, base, "level", None), (latest_year, v, "level", None)]  # noqa: E731
    else:
        target = draw(positive)
        v1 = draw(st.floats(min_value=0.0, max_value=1000.0))
        v2 = v1 * (1 - away)
        make = lambda v: [(latest_year, v, "cumulative_added", 2020)]  # noqa: E731
    return kind, target, make(v1), make(v2), report_year, draw(qualifiers)


@settings(max_examples=200, deadline=None)
@given(away_case())
def test_status_never_improves_when_latest_value_moves_away(case):
    kind, target, closer, further, report_year, qualifier = case
    s_closer = assess(kind, target, closer, report_year, qualifier)["status"]
    s_further = assess(kind, target, further, report_year, qualifier)["status"]
    assert s_closer in GOODNESS and s_further in GOODNESS
    assert GOODNESS[s_further] <= GOODNESS[s_closer], (s_closer, s_further)


# --- 2. chained yoy changes reproduce the level ratio --------------------------------

level_series = st.lists(st.floats(min_value=0.05, max_value=50.0, allow_nan=False), min_size=2, max_size=7)


def yoy_from_levels(values: list[float]) -> list[float]:
    return [(b / a - 1.0) * 100.0 for a, b in zip(values, values[1:])]


@given(level_series)
def test_chaining_yoy_from_levels_reproduces_level_ratio(values):
    expected = (values[-1] / values[0] - 1.0) * 100.0
    assert math.isclose(chain_yoy(yoy_from_levels(values)), expected, rel_tol=1e-9, abs_tol=1e-9)


@settings(deadline=None)
@given(level_series, st.sampled_from(["reduction_vs_base", "increase_vs_base"]), st.floats(1.0, 60.0))
def test_assessment_from_yoy_chain_matches_assessment_from_levels(values, kind, target):
    years = list(range(2020, 2020 + len(values)))
    by_levels = assess(kind, target, [(y, v, "level", None) for y, v in zip(years, values)], 2026)
    yoy_rows = [(y, r, "yoy_change_pct", None) for y, r in zip(years[1:], yoy_from_levels(values))]
    by_yoy = assess(kind, target, yoy_rows, 2026)
    assert by_levels["route"] == "levels" and by_yoy["route"] == "chained_yoy"
    assert by_levels["latest_year"] == by_yoy["latest_year"]
    assert math.isclose(by_levels["achieved_change"], by_yoy["achieved_change"], rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(by_levels["progress"], by_yoy["progress"], rel_tol=1e-9, abs_tol=1e-9)


# --- 3. a series that meets the target is achieved whatever the report year ----------


@st.composite
def meeting_case(draw):
    kind = draw(st.sampled_from(RATED_KINDS))
    years = sorted(draw(st.sets(st.integers(2021, 2025), min_size=1)))
    report_year = draw(st.integers(years[0], 2026))
    margins = [draw(st.floats(min_value=0.001, max_value=1.0)) for _ in years]
    if kind == "reduction_vs_base":
        target = draw(st.floats(1.0, 60.0))
        rows = [(2020, 100.0, "level", None)] + [(y, 100.0 * (1 - target / 100) * (1 - m), "level", None)
                                                 for y, m in zip(years, margins)]
    elif kind == "increase_vs_base":
        target = draw(st.floats(1.0, 60.0))
        rows = [(2020, 100.0, "level", None)] + [(y, 100.0 * (1 + target / 100) * (1 + m), "level", None)
                                                 for y, m in zip(years, margins)]
    elif kind == "at_least":
        target = draw(positive)
        rows = [(2020, draw(positive), "level", None)]
        rows += [(y, target * (1 + m), "level", None) for y, m in zip(years, margins)]
    elif kind == "at_most":
        target = draw(positive)
        rows = [(2020, draw(positive), "level", None)]
        rows += [(y, target * (1 - m / 2), "level", None) for y, m in zip(years, margins)]
    else:
        target = draw(positive)
        rows = [(y, target * (1 + m), "cumulative_added", 2020) for y, m in zip(years, margins)]
    return kind, target, rows, report_year, draw(qualifiers)


@settings(max_examples=200, deadline=None)
@given(meeting_case())
def test_series_meeting_target_is_achieved_at_the_target_year_and_met_early_before(case):
    kind, target, rows, report_year, qualifier = case
    row = assess(kind, target, rows, report_year, qualifier)
    # "achieved" only on a figure for the target year (or later); a level reached before it is "met early"
    assert row["status"] == ("achieved" if row["latest_year"] >= 2025 else "met_early")


# --- 4. a baseline point alone is insufficient -----------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["reduction_vs_base", "increase_vs_base", "at_least", "at_most", "cumulative_addition", "count"]),
    st.floats(1.0, 60.0),
    positive,
    st.sampled_from(["level", "cumulative_added", "annual_added", "yoy_change_pct", "cumulative_change_pct"]),
    st.integers(2020, 2026),
    st.lists(st.tuples(st.integers(2015, 2019), positive), max_size=3),
    qualifiers,
)
def test_single_baseline_point_is_insufficient(kind, target, base_value, measure, report_year, earlier, qualifier):
    base_year = 2020 if measure in ("cumulative_added", "cumulative_change_pct") else None
    rows = [(2020, base_value, measure, base_year)] + [(y, v, "level", None) for y, v in earlier]
    assert assess(kind, target, rows, report_year, qualifier)["status"] == "insufficient_data"


# --- 5. the constant-rate path: expected progress stays in [0, 1] and rises over time ----


@given(st.floats(0.05, 3.0).filter(lambda g: abs(g - 1) > 1e-3), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_compound_expected_progress_is_a_share_that_rises_with_time(goal_ratio, a, b):
    early, late = sorted((a, b))
    e_early = compound_expected_progress(goal_ratio, early)
    e_late = compound_expected_progress(goal_ratio, late)
    assert -1e-12 <= e_early <= e_late + 1e-12 <= 1 + 2e-12
