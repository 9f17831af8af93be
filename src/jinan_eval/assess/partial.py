"""Routes from partial facts (methods chapter, "routes from partial facts"): when no figure gives the target's
position, what the record does decide.

* **bound** — the figures imply a bound on the target's figure: a count over a denominator with a known maximum
  (heavy-pollution days over at most the year's days gives a lower bound on their share), or a part-year cumulative
  addition (the full year's total is at least as large). Only what the bound decides is rated: a lower bound above
  a ceiling (not met, or missed at the target year), a lower bound reaching a floor or an addition target (met early,
  or achieved at the target year). A bound that decides nothing rates nothing.
* **implication** — a rule written once and named turns a published fact into the target's own figure
  (``whole_fleet``: a fleet that is 100 % of a kind at the end of a year implies that every unit added that year was
  of that kind). The figure it gives is rated like any published one.
* **statement** — the responsible body's own dated statement that the target is met, met early, not met or missed
  rates it with that status, marked as resting on the body's statement and provisional unless its source is grade A.

Each function returns codes and numbers; the sentences are the report's.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass

import pandas as pd

from ..vocabulary import (
    ACHIEVED,
    ADDITION_KINDS,
    MET_EARLY,
    MISSED,
    NOT_MET,
    ROUTE_IMPLICATION,
    reason,
)
from .formulas import EPS, NAN
from .routes import Position, _grades, _rows, _same_unit, _sources, _text

# =============================================================================
# Bounds
# =============================================================================


@dataclass(frozen=True)
class Bound:
    """A lower bound on the target's figure in one year, and what it rests on."""

    year: int
    lower: float  # the target's figure in ``year`` is at least this
    rule: str  # days_in_year / part_year_addition
    count: float = NAN  # the count the bound is computed from (days_in_year)
    denominator: int | None = None  # the most the denominator can be (days_in_year)
    grades: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


def days_in_year(year: int) -> int:
    """The most days a year can hold valid daily records: 366 in a leap year, else 365."""
    return 366 if calendar.isleap(year) else 365


def bound_from_count(count_rows: pd.DataFrame, rule: str) -> Bound | None:
    """The lower bound on a share (in %) from the latest full-year count: count / (largest denominator) × 100."""
    rows = _rows(count_rows, "level")
    if rows.empty:
        return None
    latest = rows.loc[rows["year"].idxmax()]
    year = int(latest["year"])
    if rule != "days_in_year":
        raise ValueError(f"unknown bound rule {rule!r}")
    denominator = days_in_year(year)
    count = float(latest["value"])
    return Bound(year, count / denominator * 100.0, rule, count=count, denominator=denominator,
                 grades=_grades(latest), sources=_sources(latest))


def bound_from_part_year_addition(partial_rows: pd.DataFrame, base_year: int, unit: str | None) -> Bound | None:
    """A part-year cumulative addition since the base year: the year's total is at least that much."""
    rows = _same_unit(_rows(partial_rows, "cumulative_added"), unit)
    rows = rows.loc[(rows["base_year"] == base_year).fillna(False) & (rows["year"] > base_year)]
    if rows.empty:
        return None
    latest = rows.loc[rows["year"].idxmax()]
    return Bound(int(latest["year"]), float(latest["value"]), "part_year_addition", grades=_grades(latest),
                 sources=_sources(latest))


def bound_status(kind: str, target_value: float, bound: Bound, target_year: int | None,
                 strict: bool) -> tuple[str, str] | None:
    """What a lower bound decides, as (status, reason code); None when it decides nothing.

    at_most: a lower bound above the ceiling (at or above it for 优于/超过) is not met — missed once the bound's year
    is the target year or later. at_least and additions: a lower bound at the floor (above it for 超过) is met —
    achieved once the bound's year is the target year or later, met early before. Relative targets: nothing."""
    reached = target_year is not None and bound.year >= target_year
    arg = bound_arg(bound)
    if kind == "at_most":
        above = bound.lower >= target_value - EPS if strict else bound.lower > target_value + EPS
        if above:
            return (MISSED if reached else NOT_MET), reason("bound_not_met", arg)
        return None
    if kind == "at_least" or kind in ADDITION_KINDS:
        meets = bound.lower > target_value + EPS if strict else bound.lower >= target_value - EPS
        if meets:
            return (ACHIEVED if reached else MET_EARLY), reason("bound_met", arg)
    return None


def bound_arg(bound: Bound) -> str:
    """The reason's argument: the count and the largest denominator (``6,365``), or the year of a part-year total."""
    if bound.rule == "days_in_year":
        return f"{bound.count:g},{bound.denominator}"
    return str(bound.year)


# =============================================================================
# Implication
# =============================================================================


def implied_position(premise_rows: pd.DataFrame, rule: str) -> Position | None:
    """The target's figure a named rule derives from a published fact (premise rows: the premise indicator's
    full-year rows of the region assessed). ``whole_fleet``: the latest year's fleet share is 100 % → every unit
    added that year was of that kind (share 100 %). A latest share below 100 % implies nothing."""
    if rule != "whole_fleet":
        raise ValueError(f"unknown implication rule {rule!r}")
    rows = _same_unit(_rows(premise_rows, "level"), "%")
    if rows.empty:
        return None
    latest = rows.loc[rows["year"].idxmax()]
    if float(latest["value"]) < 100.0 - EPS:
        return None
    return Position(route=ROUTE_IMPLICATION, latest_year=int(latest["year"]), amount=100.0, latest_value=100.0,
                    base_value=NAN, grades=_grades(latest), sources=_sources(latest))


# =============================================================================
# Official statements
# =============================================================================


def statement_year(date: object) -> int | None:
    text = _text(date)
    return int(text[:4]) if text[:4].isdigit() else None


def latest_statement(statements: pd.DataFrame, report_year: int) -> pd.Series | None:
    """The most recent statement an edition may use: made no later than the report year."""
    if statements is None or statements.empty:
        return None
    years = statements["statement_date"].map(statement_year)
    usable = statements.loc[years.notna() & (years <= report_year)]
    if usable.empty:
        return None
    return usable.sort_values("statement_date", kind="stable").iloc[-1]
