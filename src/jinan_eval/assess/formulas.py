"""Formulas of the method: pure functions on numbers (see methods.md, "path" and "status").

Each formula is defined once. The assessment uses them to rate; the charts use :func:`expected_path` to draw the
same path the rating compares against.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from ..vocabulary import (
    ADDITION_KINDS,
    BEHIND,
    BOUND_KINDS,
    INSUFFICIENT_DATA,
    OFF_TRACK,
    ON_TRACK,
    RELATIVE_KINDS,
)
from .method import MethodParams, Qualifier

#: Numerical slack for comparisons that are equalities on paper (e.g. 0.97*0.96… vs a target ratio).
EPS = 1e-9
NAN = float("nan")


def chain_yoy(yoy_pcts: Iterable[float]) -> float:
    """Cumulative % change from consecutive year-on-year % changes: (1+r1/100)(1+r2/100)… − 1, in %."""
    ratio = 1.0
    for r in yoy_pcts:
        ratio *= 1.0 + r / 100.0
    return (ratio - 1.0) * 100.0


def elapsed_share(base_year: int, latest_year: int, target_year: int | None) -> float:
    """Share of the plan period elapsed at latest_year, capped at 1; NaN without a valid target year."""
    if target_year is None or target_year <= base_year:
        return NAN
    return min(latest_year - base_year, target_year - base_year) / (target_year - base_year)


def linear_expected_progress(share_elapsed: float) -> float:
    """Expected progress on a straight-line path: the elapsed share of the period."""
    return share_elapsed


def compound_expected_progress(goal_ratio: float, share_elapsed: float) -> float:
    """Expected progress on a constant-annual-rate path to goal_ratio (= target level / base level).

    The path is level_t = base * goal_ratio ** share_elapsed, so the expected share of the
    required change is (goal_ratio ** share − 1) / (goal_ratio − 1).
    """
    if math.isnan(share_elapsed) or goal_ratio <= 0 or goal_ratio == 1:
        return NAN
    return (goal_ratio**share_elapsed - 1.0) / (goal_ratio - 1.0)


def required_compound_rate_pct(goal_ratio: float, current_ratio: float, years_left: int) -> float:
    """Constant annual % change needed from the current position (level / base) to reach goal_ratio."""
    if years_left <= 0 or current_ratio <= 0 or goal_ratio <= 0:
        return NAN
    return ((goal_ratio / current_ratio) ** (1.0 / years_left) - 1.0) * 100.0


def pace_ratio(progress: float, expected_progress: float) -> float:
    """R = progress / expected progress: 1 means exactly on the planned path at the latest year."""
    if math.isnan(progress) or math.isnan(expected_progress) or expected_progress <= 0:
        return NAN
    return progress / expected_progress


def rate_status(ratio: float, params: MethodParams) -> str:
    """Status of a not-yet-achieved target from its pace ratio R and the thresholds in params."""
    if math.isnan(ratio):
        return INSUFFICIENT_DATA
    if ratio >= params.on_track:
        return ON_TRACK
    if ratio >= params.behind:
        return BEHIND
    return OFF_TRACK


def meets(progress: float, strict: bool) -> bool:
    """Whether a share-of-required-change has reached (or, if strict, passed) the target."""
    if math.isnan(progress):
        return False
    return progress > 1.0 + EPS if strict else progress >= 1.0 - EPS


def within_tolerance(progress: float, qualifier: Qualifier, params: MethodParams) -> bool:
    """约/左右 targets: at least (1 − approx_tolerance) of the required change achieved."""
    if not qualifier.approximate or math.isnan(progress):
        return False
    return progress >= 1.0 - params.approx_tolerance - EPS


def goal_ratio(kind: str, target_pct: float) -> float:
    """Target level / base level of a percentage target: 1 − t/100 for a reduction, 1 + t/100 for an increase."""
    return 1.0 - target_pct / 100.0 if kind == "reduction_vs_base" else 1.0 + target_pct / 100.0


def expected_path(kind: str, target_value: float, base_year: int, target_year: int, base_value: float = NAN,
                  as_level: bool = False) -> list[tuple[int, float]]:
    """The method's path from the base year to the target, one point per year: where the indicator would stand if
    it made exactly the expected progress (the same functions the rating uses).

    value(year) = start + (goal − start) × expected_progress(share of the period elapsed), with
    * percentage targets: compound_expected_progress; start 0 and goal the target change in % — or, with
      ``as_level``, start ``base_value`` and goal base_value × goal_ratio;
    * additions and counts: linear_expected_progress from 0 to the target;
    * level bounds: linear_expected_progress from ``base_value`` to the target.
    Empty when the path is undefined (no base level where one is needed).
    """
    if target_year <= base_year or math.isnan(target_value):
        return []
    if kind in RELATIVE_KINDS:
        g = goal_ratio(kind, target_value)
        if as_level:
            start, goal = base_value, base_value * g
        else:
            start, goal = 0.0, (g - 1.0) * 100.0

        def expected(share: float) -> float:
            return compound_expected_progress(g, share)
    elif kind in ADDITION_KINDS:
        start, goal, expected = 0.0, target_value, linear_expected_progress
    elif kind in BOUND_KINDS:
        start, goal, expected = base_value, target_value, linear_expected_progress
    else:
        return []
    if math.isnan(start) or math.isnan(goal):
        return []
    return [(y, start + (goal - start) * expected(elapsed_share(base_year, y, target_year)))
            for y in range(base_year, target_year + 1)]
