"""Routes: where the latest position of an indicator relative to its base comes from (see methods.md, "routes").

Each route returns a :class:`Position` or a :class:`NoPosition` whose ``reason`` is a code of
:data:`jinan_eval.vocabulary.REASONS`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

import pandas as pd

from ..vocabulary import (
    ROUTE_ADDITIONS,
    ROUTE_ANNUAL_SUM,
    ROUTE_CHAINED_YOY,
    ROUTE_CUMULATIVE_CHANGE,
    ROUTE_LEVELS,
    reason,
)
from .formulas import NAN, chain_yoy


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _int_or_none(value: object) -> int | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def _float_or_nan(value: object) -> float:
    if value is None or value is pd.NA:
        return NAN
    return float(value)


def _years(years: Iterable[int]) -> str:
    """Years as a reason argument: ``2021,2022``."""
    years = sorted(set(int(y) for y in years))
    return ",".join(str(y) for y in years)


# =============================================================================
# Routes: where the latest position relative to the base comes from
# =============================================================================


@dataclass(frozen=True)
class Position:
    """The latest position of an indicator relative to its base, from one route.

    amount: for percentage targets the ratio latest level / base level; for level bounds
    the latest level; for additions the total added since the base year.
    """

    route: str
    latest_year: int
    amount: float
    latest_value: float
    base_value: float
    first_year: int | None = None  # first year of a chain of yearly figures (chained_yoy, annual_sum)
    figure_qualifier: str = ""
    grades: tuple[str, ...] = ()  # grades of the sources of the figures used (A, B, C)
    sources: tuple[str, ...] = ()  # the sources (sources.csv) of the rows used, in the order used


@dataclass(frozen=True)
class NoPosition:
    """Why a route gave no position; has_data says whether the route had any figures at all."""

    reason: str
    has_data: bool


def _joined_qualifiers(values: Iterable[object]) -> str:
    return "/".join(sorted({_text(v) for v in values} - {""}))


def _column(column: str, *frames: pd.DataFrame | pd.Series) -> list[str]:
    """One column's values over the rows a position uses (a Series is one row; "" where a row carries none)."""
    found = []
    for rows in frames:
        if isinstance(rows, pd.Series):
            found.append(_text(rows.get(column)))
        elif column in rows:
            found += [_text(v) for v in rows[column]]
    return found


def _grades(*frames: pd.DataFrame | pd.Series) -> tuple[str, ...]:
    """The source grades of the rows a position uses ("" where the rows carry none)."""
    return tuple(_column("grade", *frames))


def _sources(*frames: pd.DataFrame | pd.Series) -> tuple[str, ...]:
    """The source ids of the rows a position uses, each once, in order."""
    return tuple(dict.fromkeys(s for s in _column("source_id", *frames) if s))


def _rows(obs: pd.DataFrame, measure: str) -> pd.DataFrame:
    return obs.loc[obs["measure"] == measure]


def _same_unit(rows: pd.DataFrame, unit: str | None) -> pd.DataFrame:
    if unit is None:
        return rows
    return rows.loc[rows["unit"].map(_text) == unit]


def _unit_mismatch(rows: pd.DataFrame, unit: str, what: str) -> NoPosition:
    found = sorted({_text(u) for u in rows["unit"]})
    return NoPosition(reason("unit_mismatch", "/".join(found)), True)


def level_pair(obs: pd.DataFrame, base_year: int, unit: str | None) -> Position | NoPosition:
    """Base-year level (NaN if not published) and the latest level after the base year, in one unit."""
    levels = _rows(obs, "level")
    if levels.empty:
        return NoPosition(reason("no_figures"), False)
    in_unit = _same_unit(levels, unit)
    if in_unit.empty:
        return _unit_mismatch(levels, unit, "levels")
    base = in_unit.loc[in_unit["year"] == base_year]
    if unit is None and not base.empty:
        in_unit = _same_unit(in_unit, _text(base["unit"].iloc[0]))
    later = in_unit.loc[in_unit["year"] > base_year]
    if later.empty:
        return NoPosition(reason("no_level_after_base", _years(in_unit["year"])), True)
    latest = later.loc[later["year"].idxmax()]
    base_value = float(base["value"].iloc[0]) if not base.empty else NAN
    latest_year = int(latest["year"])
    return Position(
        route=ROUTE_LEVELS,
        latest_year=latest_year,
        amount=float(latest["value"]),
        latest_value=float(latest["value"]),
        base_value=base_value,
        figure_qualifier=_text(latest["qualifier"]),
        grades=_grades(base.iloc[:1], latest),
        sources=_sources(base.iloc[:1], latest),
    )


def relative_by_levels(obs: pd.DataFrame, base_year: int, unit: str | None) -> Position | NoPosition:
    """Route 'levels' for percentage targets: ratio of the latest level to the base-year level."""
    pair = level_pair(obs, base_year, unit)
    if isinstance(pair, NoPosition):
        return pair
    if math.isnan(pair.base_value):
        return NoPosition(reason("no_base_level"), True)
    if pair.base_value <= 0:
        return NoPosition(reason("base_not_positive"), True)
    return replace(pair, amount=pair.latest_value / pair.base_value)


def relative_by_cumulative_change(obs: pd.DataFrame, base_year: int) -> Position | NoPosition:
    """Route 'cumulative_change': the latest published % change versus the target's base year."""
    rows = _rows(obs, "cumulative_change_pct")
    if rows.empty:
        return NoPosition(reason("no_figures"), False)
    usable = rows.loc[(rows["base_year"] == base_year).fillna(False) & (rows["year"] > base_year)]
    if usable.empty:
        other = sorted({int(b) for b in rows["base_year"].dropna()} - {base_year})
        why = reason("change_other_base", _years(other)) if other else reason("no_change_vs_base")
        return NoPosition(why, True)
    latest = usable.loc[usable["year"].idxmax()]
    latest_year = int(latest["year"])
    return Position(
        route=ROUTE_CUMULATIVE_CHANGE,
        latest_year=latest_year,
        amount=1.0 + float(latest["value"]) / 100.0,
        latest_value=NAN,
        base_value=NAN,
        figure_qualifier=_text(latest["qualifier"]),
        grades=_grades(latest),
        sources=_sources(latest),
    )


def _missing_years(present: Iterable[int], first: int, last: int) -> list[int]:
    present = set(int(y) for y in present)
    return [y for y in range(first, last + 1) if y not in present]


def relative_by_chained_yoy(obs: pd.DataFrame, base_year: int) -> Position | NoPosition:
    """Route 'chained_yoy': chain year-on-year % changes for every year base+1..latest (no gap allowed)."""
    rows = _rows(obs, "yoy_change_pct")
    rows = rows.loc[rows["year"] > base_year]
    if rows.empty:
        return NoPosition(reason("no_figures"), False)
    latest_year = int(rows["year"].max())
    gaps = _missing_years(rows["year"], base_year + 1, latest_year)
    if gaps:
        return NoPosition(reason("yoy_gap", _years(gaps)), True)
    ordered = rows.sort_values("year")
    change = chain_yoy(ordered["value"].astype(float))
    return Position(
        route=ROUTE_CHAINED_YOY,
        latest_year=latest_year,
        amount=1.0 + change / 100.0,
        latest_value=NAN,
        base_value=NAN,
        first_year=int(ordered["year"].min()),
        figure_qualifier=_joined_qualifiers(ordered["qualifier"]),
        grades=_grades(ordered),
        sources=_sources(ordered),
    )


def additions_by_cumulative(obs: pd.DataFrame, base_year: int, unit: str | None) -> Position | NoPosition:
    """Route 'additions' from a published cumulative total since the base year."""
    rows = _rows(obs, "cumulative_added")
    if rows.empty:
        return NoPosition(reason("no_figures"), False)
    in_unit = _same_unit(rows, unit)
    if in_unit.empty:
        return _unit_mismatch(rows, unit, "cumulative additions")
    usable = in_unit.loc[(in_unit["base_year"] == base_year).fillna(False) & (in_unit["year"] > base_year)]
    if usable.empty:
        other = sorted({int(b) for b in in_unit["base_year"].dropna()} - {base_year})
        why = reason("additions_other_base", _years(other)) if other else reason("no_additions_vs_base")
        return NoPosition(why, True)
    latest = usable.loc[usable["year"].idxmax()]
    latest_year = int(latest["year"])
    total = float(latest["value"])
    return Position(
        route=ROUTE_ADDITIONS,
        latest_year=latest_year,
        amount=total,
        latest_value=total,
        base_value=NAN,
        figure_qualifier=_text(latest["qualifier"]),
        grades=_grades(latest),
        sources=_sources(latest),
    )


def additions_by_annual_sum(obs: pd.DataFrame, base_year: int, unit: str | None) -> Position | NoPosition:
    """Route 'additions' from annual additions for every year base+1..latest (no gap allowed)."""
    rows = _rows(obs, "annual_added")
    rows = rows.loc[rows["year"] > base_year]
    if rows.empty:
        return NoPosition(reason("no_figures"), False)
    in_unit = _same_unit(rows, unit)
    if in_unit.empty:
        return _unit_mismatch(rows, unit, "annual additions")
    latest_year = int(in_unit["year"].max())
    gaps = _missing_years(in_unit["year"], base_year + 1, latest_year)
    if gaps:
        return NoPosition(reason("annual_gap", _years(gaps)), True)
    total = float(in_unit["value"].sum())
    return Position(
        route=ROUTE_ANNUAL_SUM,
        latest_year=latest_year,
        amount=total,
        latest_value=total,
        base_value=NAN,
        first_year=int(in_unit["year"].min()),
        figure_qualifier=_joined_qualifiers(in_unit["qualifier"]),
        grades=_grades(in_unit),
        sources=_sources(in_unit),
    )


def most_recent_position(
    candidates: list[Position | NoPosition], preference: tuple[str, ...] = ()
) -> Position | None:
    """The position reaching the most recent year; ties go to the route listed first in preference."""
    found = [c for c in candidates if isinstance(c, Position)]
    if not found:
        return None
    rank = {route: i for i, route in enumerate(preference)}
    return min(found, key=lambda p: (-p.latest_year, rank.get(p.route, len(rank))))


def why_no_position(candidates: list[Position | NoPosition], year_rows: pd.DataFrame) -> list[str]:
    """Reason codes when no route gave a position: each route's that had figures, else what was missing."""
    reasons = [c.reason for c in candidates if isinstance(c, NoPosition) and c.has_data]
    if reasons:
        return list(dict.fromkeys(reasons))
    if year_rows.empty:
        return [reason("no_figures")]
    return [reason("unusable_measures", "/".join(sorted({str(m) for m in year_rows["measure"]})))]

