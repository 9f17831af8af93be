"""Assessment method: progress, status and what it takes, per target and report year.

The method is described for reviewers in book/methods.md; the section names used
in comments below (routes, path, pace ratio, status rules) follow that chapter.
All tunable choices are in :class:`jinan_eval.method.MethodParams`.

Public entry points
-------------------
assess_targets(targets, observations, indicators, report_year, params)
    one row per target, columns :data:`OUTPUT_COLUMNS` (published as assessment.csv)
assess_all_years(targets, observations, indicators, years, params)
status_sensitivity(targets, observations, indicators, report_year, shift, params)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Iterable

import pandas as pd

from .method import (
    ACHIEVED,
    ADDITION_KINDS,
    ALL_KINDS,
    BEHIND,
    BOUND_KINDS,
    INSUFFICIENT_DATA,
    MILESTONE_KIND,
    MISSED,
    NON_QUANTIFIED_KINDS,
    NOT_QUANTIFIED,
    OFF_TRACK,
    ON_TRACK,
    RELATIVE_KINDS,
    ROUTE_ADDITIONS,
    ROUTE_CHAINED_YOY,
    ROUTE_CUMULATIVE_CHANGE,
    ROUTE_EVIDENCE,
    ROUTE_LEVELS,
    STATUS_LABELS,
    STATUS_ORDER,
    UNKNOWN,
    MethodParams,
    Qualifier,
    parse_qualifier,
    shifted_thresholds,
)

__all__ = [
    "OUTPUT_COLUMNS",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "MethodParams",
    "assess_targets",
    "assess_all_years",
    "status_sensitivity",
    "statuses_by_threshold_shift",
    "chain_yoy",
    "compound_expected_progress",
    "linear_expected_progress",
    "required_compound_rate_pct",
    "pace_ratio",
    "rate_status",
]

OUTPUT_COLUMNS: tuple[str, ...] = (
    "target_id",
    "report_year",
    "latest_year",
    "latest_value",
    "base_value",
    "achieved_change",
    "progress",
    "expected_progress",
    "required_annual_rate",
    "status",
    "route",
    "note",
)

_FLOAT_COLUMNS = (
    "latest_value",
    "base_value",
    "achieved_change",
    "progress",
    "expected_progress",
    "required_annual_rate",
)

#: Numerical slack for comparisons that are equalities on paper (e.g. 0.97*0.96… vs a target ratio).
_EPS = 1e-9
_NAN = float("nan")
_DUPLICATE_KEY = ["indicator_key", "year", "measure", "period", "base_year"]


# =============================================================================
# Formulas (pure functions on numbers; see methods.md, "path" and "status")
# =============================================================================


def chain_yoy(yoy_pcts: Iterable[float]) -> float:
    """Cumulative % change from consecutive year-on-year % changes: (1+r1/100)(1+r2/100)… − 1, in %."""
    ratio = 1.0
    for r in yoy_pcts:
        ratio *= 1.0 + r / 100.0
    return (ratio - 1.0) * 100.0


def elapsed_share(base_year: int, latest_year: int, target_year: int | None) -> float:
    """Share of the plan period elapsed at latest_year, capped at 1; NaN without a valid target year."""
    if target_year is None or target_year <= base_year:
        return _NAN
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
        return _NAN
    return (goal_ratio**share_elapsed - 1.0) / (goal_ratio - 1.0)


def required_compound_rate_pct(goal_ratio: float, current_ratio: float, years_left: int) -> float:
    """Constant annual % change needed from the current position (level / base) to reach goal_ratio."""
    if years_left <= 0 or current_ratio <= 0 or goal_ratio <= 0:
        return _NAN
    return ((goal_ratio / current_ratio) ** (1.0 / years_left) - 1.0) * 100.0


def pace_ratio(progress: float, expected_progress: float) -> float:
    """R = progress / expected progress: 1 means exactly on the planned path at the latest year."""
    if math.isnan(progress) or math.isnan(expected_progress) or expected_progress <= 0:
        return _NAN
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
    return progress > 1.0 + _EPS if strict else progress >= 1.0 - _EPS


def within_tolerance(progress: float, qualifier: Qualifier, params: MethodParams) -> bool:
    """约/左右 targets: at least (1 − approx_tolerance) of the required change achieved."""
    if not qualifier.approximate or math.isnan(progress):
        return False
    return progress >= 1.0 - params.approx_tolerance - _EPS


# =============================================================================
# Observation selection
# =============================================================================


def observations_in_scope(observations: pd.DataFrame, report_year: int, params: MethodParams) -> pd.DataFrame:
    """Rows the assessment may use: the assessed region, record_type 'observed', year <= report_year."""
    mask = (
        (observations["region"] == params.region)
        & (observations["record_type"] == "observed")
        & (observations["year"] <= report_year)
    )
    return observations.loc[mask]


def resolve_duplicates(obs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per indicator/year/measure/period/base year; the preferred one where figures differ.

    Returns (kept, conflicts). Groups whose figures differ without exactly one preferred row
    are dropped and returned as conflicts, so no figure is chosen silently.
    """
    if obs.empty:
        return obs, obs
    obs = obs.assign(preferred=obs["preferred"].fillna(False).astype(bool))
    grouped = obs.groupby(_DUPLICATE_KEY, dropna=False, sort=False)
    n_values = grouped["value"].transform("nunique")
    n_preferred = grouped["preferred"].transform("sum")
    agree = n_values <= 1
    one_preferred = n_preferred == 1
    conflict = ~agree & ~one_preferred
    keep = agree | (one_preferred & obs["preferred"])
    kept = (
        obs.loc[keep]
        .sort_values("preferred", ascending=False, kind="stable")
        .drop_duplicates(subset=_DUPLICATE_KEY)
        .sort_index()
    )
    return kept, obs.loc[conflict]


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
        return _NAN
    return float(value)


def _years(years: Iterable[int]) -> str:
    years = sorted(set(int(y) for y in years))
    return ", ".join(str(y) for y in years)


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
    note: str
    figure_qualifier: str = ""  # qualifier of the figure(s) used, e.g. 约 or 以上 (approximate / lower bound)


@dataclass(frozen=True)
class NoPosition:
    """Why a route gave no position; has_data says whether the route had any figures at all."""

    reason: str
    has_data: bool


def _joined_qualifiers(values: Iterable[object]) -> str:
    return "/".join(sorted({_text(v) for v in values} - {""}))


def _rows(obs: pd.DataFrame, measure: str) -> pd.DataFrame:
    return obs.loc[obs["measure"] == measure]


def _same_unit(rows: pd.DataFrame, unit: str | None) -> pd.DataFrame:
    if unit is None:
        return rows
    return rows.loc[rows["unit"].map(_text) == unit]


def _unit_mismatch(rows: pd.DataFrame, unit: str, what: str) -> NoPosition:
    found = sorted({_text(u) for u in rows["unit"]})
    return NoPosition(f"{what} only in {'/'.join(found)} (target needs {unit})", True)


def level_pair(obs: pd.DataFrame, base_year: int, unit: str | None) -> Position | NoPosition:
    """Base-year level (NaN if not published) and the latest level after the base year, in one unit."""
    levels = _rows(obs, "level")
    if levels.empty:
        return NoPosition("no level figures", False)
    in_unit = _same_unit(levels, unit)
    if in_unit.empty:
        return _unit_mismatch(levels, unit, "levels")
    base = in_unit.loc[in_unit["year"] == base_year]
    if unit is None and not base.empty:
        in_unit = _same_unit(in_unit, _text(base["unit"].iloc[0]))
    later = in_unit.loc[in_unit["year"] > base_year]
    if later.empty:
        only = f" (only {_years(in_unit['year'])})" if not in_unit.empty else ""
        return NoPosition(f"no level after {base_year}{only}", True)
    latest = later.loc[later["year"].idxmax()]
    base_value = float(base["value"].iloc[0]) if not base.empty else _NAN
    latest_year = int(latest["year"])
    return Position(
        route=ROUTE_LEVELS,
        latest_year=latest_year,
        amount=float(latest["value"]),
        latest_value=float(latest["value"]),
        base_value=base_value,
        note=f"levels {base_year}→{latest_year}" if not base.empty else f"level {latest_year}",
        figure_qualifier=_text(latest["qualifier"]),
    )


def relative_by_levels(obs: pd.DataFrame, base_year: int, unit: str | None) -> Position | NoPosition:
    """Route 'levels' for percentage targets: ratio of the latest level to the base-year level."""
    pair = level_pair(obs, base_year, unit)
    if isinstance(pair, NoPosition):
        return pair
    if math.isnan(pair.base_value):
        return NoPosition(f"no {base_year} level", True)
    if pair.base_value <= 0:
        return NoPosition(f"{base_year} level is not positive", True)
    return replace(pair, amount=pair.latest_value / pair.base_value)


def relative_by_cumulative_change(obs: pd.DataFrame, base_year: int) -> Position | NoPosition:
    """Route 'cumulative_change': the latest published % change versus the target's base year."""
    rows = _rows(obs, "cumulative_change_pct")
    if rows.empty:
        return NoPosition("no cumulative change figures", False)
    usable = rows.loc[(rows["base_year"] == base_year).fillna(False) & (rows["year"] > base_year)]
    if usable.empty:
        other = sorted({int(b) for b in rows["base_year"].dropna()} - {base_year})
        why = f"cumulative change only vs {_years(other)}" if other else f"no cumulative change vs {base_year}"
        return NoPosition(why, True)
    latest = usable.loc[usable["year"].idxmax()]
    latest_year = int(latest["year"])
    return Position(
        route=ROUTE_CUMULATIVE_CHANGE,
        latest_year=latest_year,
        amount=1.0 + float(latest["value"]) / 100.0,
        latest_value=_NAN,
        base_value=_NAN,
        note=f"published change vs {base_year} for {latest_year}",
        figure_qualifier=_text(latest["qualifier"]),
    )


def _missing_years(present: Iterable[int], first: int, last: int) -> list[int]:
    present = set(int(y) for y in present)
    return [y for y in range(first, last + 1) if y not in present]


def relative_by_chained_yoy(obs: pd.DataFrame, base_year: int) -> Position | NoPosition:
    """Route 'chained_yoy': chain year-on-year % changes for every year base+1..latest (no gap allowed)."""
    rows = _rows(obs, "yoy_change_pct")
    rows = rows.loc[rows["year"] > base_year]
    if rows.empty:
        return NoPosition("no year-on-year % changes", False)
    latest_year = int(rows["year"].max())
    gaps = _missing_years(rows["year"], base_year + 1, latest_year)
    if gaps:
        return NoPosition(f"yoy chain {base_year + 1}–{latest_year} has a gap in {_years(gaps)}", True)
    ordered = rows.sort_values("year")
    change = chain_yoy(ordered["value"].astype(float))
    n = len(ordered)
    span = f"{base_year + 1}–{latest_year}" if n > 1 else f"{latest_year}"
    return Position(
        route=ROUTE_CHAINED_YOY,
        latest_year=latest_year,
        amount=1.0 + change / 100.0,
        latest_value=_NAN,
        base_value=_NAN,
        note=f"chained yoy {span} ({n} year{'s' if n > 1 else ''})",
        figure_qualifier=_joined_qualifiers(ordered["qualifier"]),
    )


def additions_by_cumulative(obs: pd.DataFrame, base_year: int, unit: str | None) -> Position | NoPosition:
    """Route 'additions' from a published cumulative total since the base year."""
    rows = _rows(obs, "cumulative_added")
    if rows.empty:
        return NoPosition("no cumulative additions", False)
    in_unit = _same_unit(rows, unit)
    if in_unit.empty:
        return _unit_mismatch(rows, unit, "cumulative additions")
    usable = in_unit.loc[(in_unit["base_year"] == base_year).fillna(False) & (in_unit["year"] > base_year)]
    if usable.empty:
        other = sorted({int(b) for b in in_unit["base_year"].dropna()} - {base_year})
        why = (f"cumulative additions only since {_years(other)}" if other
               else f"no cumulative additions since {base_year}")
        return NoPosition(why, True)
    latest = usable.loc[usable["year"].idxmax()]
    latest_year = int(latest["year"])
    total = float(latest["value"])
    return Position(
        route=ROUTE_ADDITIONS,
        latest_year=latest_year,
        amount=total,
        latest_value=total,
        base_value=_NAN,
        note=f"published cumulative additions {base_year + 1}–{latest_year}",
        figure_qualifier=_text(latest["qualifier"]),
    )


def additions_by_annual_sum(obs: pd.DataFrame, base_year: int, unit: str | None) -> Position | NoPosition:
    """Route 'additions' from annual additions for every year base+1..latest (no gap allowed)."""
    rows = _rows(obs, "annual_added")
    rows = rows.loc[rows["year"] > base_year]
    if rows.empty:
        return NoPosition("no annual additions", False)
    in_unit = _same_unit(rows, unit)
    if in_unit.empty:
        return _unit_mismatch(rows, unit, "annual additions")
    latest_year = int(in_unit["year"].max())
    gaps = _missing_years(in_unit["year"], base_year + 1, latest_year)
    if gaps:
        return NoPosition(f"annual additions {base_year + 1}–{latest_year} missing {_years(gaps)}", True)
    total = float(in_unit["value"].sum())
    n = len(in_unit)
    return Position(
        route=ROUTE_ADDITIONS,
        latest_year=latest_year,
        amount=total,
        latest_value=total,
        base_value=_NAN,
        note=f"sum of annual additions {base_year + 1}–{latest_year} ({n} year{'s' if n > 1 else ''})",
        figure_qualifier=_joined_qualifiers(in_unit["qualifier"]),
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


def _why_no_position(candidates: list[Position | NoPosition], year_rows: pd.DataFrame, report_year: int) -> str:
    reasons = [c.reason for c in candidates if isinstance(c, NoPosition) and c.has_data]
    if reasons:
        return "; ".join(reasons)
    if year_rows.empty:
        return f"no Jinan figures up to {report_year}"
    found = ", ".join(sorted({str(m) for m in year_rows["measure"]}))
    return f"no usable figures up to {report_year} (only {found}, which this target cannot use)"


# =============================================================================
# Per-kind metrics and status
# =============================================================================


@dataclass(frozen=True)
class Metrics:
    achieved_change: float
    progress: float
    expected_progress: float
    required_annual_rate: float
    met: bool
    met_within_tolerance: bool


def relative_metrics(
    kind: str, target_pct: float, ratio: float, base_year: int, latest_year: int, target_year: int | None,
    qualifier: Qualifier, params: MethodParams,
) -> Metrics:
    """Percentage reduction/increase vs base: goal ratio g = 1 ∓ t; progress = (c − 1)/(g − 1)."""
    sign = -1.0 if kind == "reduction_vs_base" else 1.0
    goal_ratio = 1.0 + sign * target_pct / 100.0
    progress = (ratio - 1.0) / (goal_ratio - 1.0)
    share = elapsed_share(base_year, latest_year, target_year)
    years_left = (target_year - latest_year) if target_year is not None else 0
    return Metrics(
        achieved_change=(ratio - 1.0) * 100.0,
        progress=progress,
        expected_progress=compound_expected_progress(goal_ratio, share),
        required_annual_rate=required_compound_rate_pct(goal_ratio, ratio, years_left),
        met=meets(progress, qualifier.strict),
        met_within_tolerance=within_tolerance(progress, qualifier, params),
    )


def bound_metrics(
    kind: str, target_level: float, latest: float, base: float, base_year: int, latest_year: int,
    target_year: int | None, qualifier: Qualifier, params: MethodParams,
) -> Metrics:
    """Level bounds: progress = (latest − base)/(target − base) when the base is on the wrong side."""
    direction = 1.0 if kind == "at_least" else -1.0
    margin = direction * (latest - target_level)
    met = margin > _EPS if qualifier.strict else margin >= -_EPS
    base_needs_change = not math.isnan(base) and direction * (target_level - base) > _EPS
    progress = (latest - base) / (target_level - base) if base_needs_change else _NAN
    years_left = (target_year - latest_year) if target_year is not None else 0
    share = elapsed_share(base_year, latest_year, target_year)
    return Metrics(
        achieved_change=latest - base,
        progress=progress,
        expected_progress=linear_expected_progress(share) if base_needs_change else _NAN,
        required_annual_rate=(target_level - latest) / years_left if years_left > 0 else _NAN,
        met=met,
        met_within_tolerance=within_tolerance(progress, qualifier, params),
    )


def addition_metrics(
    target_total: float, added: float, base_year: int, latest_year: int, target_year: int | None,
    qualifier: Qualifier, params: MethodParams,
) -> Metrics:
    """Cumulative additions and counts: progress = added / target; linear expected path."""
    progress = added / target_total
    years_left = (target_year - latest_year) if target_year is not None else 0
    share = elapsed_share(base_year, latest_year, target_year)
    return Metrics(
        achieved_change=added,
        progress=progress,
        expected_progress=linear_expected_progress(share),
        required_annual_rate=max(target_total - added, 0.0) / years_left if years_left > 0 else _NAN,
        met=meets(progress, qualifier.strict),
        met_within_tolerance=within_tolerance(progress, qualifier, params),
    )


def classify(metrics: Metrics, target_year_reached: bool, params: MethodParams) -> tuple[str, str]:
    """Status and a short reason, from the metrics (see methods.md, status rules)."""
    if metrics.met:
        return ACHIEVED, "target met"
    if target_year_reached:
        if metrics.met_within_tolerance:
            return ACHIEVED, f"within the {params.approx_tolerance:.0%} tolerance for 约/左右"
        return MISSED, "target-year figure does not meet the target"
    ratio = pace_ratio(metrics.progress, metrics.expected_progress)
    if math.isnan(ratio):
        return INSUFFICIENT_DATA, "progress cannot be rated"
    if metrics.progress < 0:
        return OFF_TRACK, "moving away from the target"
    return rate_status(ratio, params), f"pace ratio {ratio:.2f}"


# =============================================================================
# One target
# =============================================================================


@dataclass(frozen=True)
class _Context:
    report_year: int
    params: MethodParams
    year_rows: pd.DataFrame  # period 'year', this indicator
    partial_rows: pd.DataFrame  # period 'partial', this indicator
    conflict_rows: pd.DataFrame
    indicator_unit: str | None


def _empty_row(target_id: str, report_year: int) -> dict:
    row = {c: _NAN for c in OUTPUT_COLUMNS}
    row.update(target_id=target_id, report_year=report_year, latest_year=None, route=None)
    return row


def _partial_note(partial_rows: pd.DataFrame, after_year: int | None, only: bool = False) -> str:
    """Name the partial-year figures (after after_year) that the rating did not use."""
    rows = partial_rows if after_year is None else partial_rows.loc[partial_rows["year"] > after_year]
    if rows.empty:
        return ""
    items = sorted({(int(y), str(m)) for y, m in zip(rows["year"], rows["measure"])})
    listed = ", ".join(f"{y} {m}" for y, m in items)
    if only:
        return f"only partial-year figures ({listed}), not used"
    return f"partial-year figures not used ({listed})"


def _conflict_note(conflict_rows: pd.DataFrame) -> str:
    if conflict_rows.empty:
        return ""
    items = sorted({(int(y), str(m)) for y, m in zip(conflict_rows["year"], conflict_rows["measure"])})
    listed = ", ".join(f"{y} {m}" for y, m in items)
    return f"differing figures with no single preferred row dropped ({listed})"


def _figure_qualifier_note(position: Position) -> str:
    if not position.figure_qualifier:
        return ""
    return f"figure stated with {position.figure_qualifier} (approximate or lower bound), used as stated"


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _published_level(year_rows: pd.DataFrame, year: int, unit: str | None) -> float:
    rows = _same_unit(_rows(year_rows, "level"), unit)
    rows = rows.loc[rows["year"] == year]
    return float(rows["value"].iloc[0]) if not rows.empty else _NAN


def _unit_for_bound_or_additions(target: dict, ctx: _Context) -> str | None:
    return _text(target.get("unit")) or ctx.indicator_unit


def _positions_for(kind: str, target: dict, base_year: int, ctx: _Context) -> list[Position | NoPosition]:
    rows = ctx.year_rows
    if kind in RELATIVE_KINDS:
        return [
            relative_by_levels(rows, base_year, ctx.indicator_unit),
            relative_by_cumulative_change(rows, base_year),
            relative_by_chained_yoy(rows, base_year),
        ]
    unit = _unit_for_bound_or_additions(target, ctx)
    if kind in BOUND_KINDS:
        return [level_pair(rows, base_year, unit)]
    return [additions_by_cumulative(rows, base_year, unit), additions_by_annual_sum(rows, base_year, unit)]


def _metrics_for(kind: str, target: dict, position: Position, base_year: int, target_year: int | None,
                 qualifier: Qualifier, params: MethodParams) -> Metrics:
    target_value = float(target["target_value"])
    if kind in RELATIVE_KINDS:
        return relative_metrics(kind, target_value, position.amount, base_year, position.latest_year,
                                target_year, qualifier, params)
    if kind in BOUND_KINDS:
        return bound_metrics(kind, target_value, position.amount, position.base_value, base_year,
                             position.latest_year, target_year, qualifier, params)
    return addition_metrics(target_value, position.amount, base_year, position.latest_year, target_year,
                            qualifier, params)


def _status_for_bound_without_rating(metrics: Metrics, position: Position, base_year: int) -> tuple[str, str] | None:
    """Level bounds whose progress is undefined: no base level, or the base already met the bound."""
    if not math.isnan(metrics.progress) or metrics.met:
        return None
    if math.isnan(position.base_value):
        return INSUFFICIENT_DATA, f"no {base_year} level to rate progress"
    return OFF_TRACK, f"{base_year} level met the bound, latest does not"


def invalid_target_reason(kind: str, target_value: float) -> str:
    """Why a quantified target cannot be rated whatever the data ("" when it can)."""
    if math.isnan(target_value):
        return "target has no value"
    if kind in RELATIVE_KINDS + ADDITION_KINDS and target_value <= 0:
        return "target value must be positive"
    if kind == "reduction_vs_base" and target_value >= 100:
        return "a reduction of 100% or more cannot be rated"
    return ""


def _insufficient_note(candidates: list[Position | NoPosition], ctx: _Context) -> str:
    if ctx.year_rows.empty and not ctx.partial_rows.empty:
        return _partial_note(ctx.partial_rows, None, only=True)
    return _join(_why_no_position(candidates, ctx.year_rows, ctx.report_year), _partial_note(ctx.partial_rows, None))


def quantified_status(kind: str, metrics: Metrics, position: Position, base_year: int, target_year_reached: bool,
                      params: MethodParams) -> tuple[str, str]:
    """Status and reason; level bounds with undefined progress are settled before the pace rating."""
    if kind in BOUND_KINDS:
        unrated = _status_for_bound_without_rating(metrics, position, base_year)
        if unrated is not None:
            return (MISSED, "target-year figure does not meet the target") if target_year_reached else unrated
    return classify(metrics, target_year_reached, params)


def _reported_levels(kind: str, position: Position, base_year: int, ctx: _Context) -> tuple[float, float]:
    """(base_value, latest_value) for the output: published levels even when another route was rated."""
    if kind in RELATIVE_KINDS and position.route != ROUTE_LEVELS:
        return (_published_level(ctx.year_rows, base_year, ctx.indicator_unit),
                _published_level(ctx.year_rows, position.latest_year, ctx.indicator_unit))
    return position.base_value, position.latest_value


def assess_quantified(target: dict, ctx: _Context) -> dict:
    """Latest position, progress, expected progress, required rate and status of one quantified target."""
    params = ctx.params
    kind = target["kind"]
    row = _empty_row(target["target_id"], ctx.report_year)
    qualifier = parse_qualifier(target.get("qualifier"))
    base_year = _int_or_none(target.get("base_year")) or params.default_base_year
    target_year = _int_or_none(target.get("target_year"))
    target_value = _float_or_nan(target.get("target_value"))

    invalid = invalid_target_reason(kind, target_value)
    if invalid:
        row.update(status=INSUFFICIENT_DATA, note=invalid)
        return row

    candidates = _positions_for(kind, target, base_year, ctx)
    position = most_recent_position(candidates, params.route_order if kind in RELATIVE_KINDS else ())
    if position is None:
        note = _join(_insufficient_note(candidates, ctx), _conflict_note(ctx.conflict_rows), qualifier.words)
        row.update(status=INSUFFICIENT_DATA, note=note)
        return row

    metrics = _metrics_for(kind, target, position, base_year, target_year, qualifier, params)
    reached = target_year is not None and position.latest_year >= target_year
    status, reason = quantified_status(kind, metrics, position, base_year, reached, params)
    base_value, latest_value = _reported_levels(kind, position, base_year, ctx)
    row.update(
        latest_year=position.latest_year,
        latest_value=latest_value,
        base_value=base_value,
        achieved_change=metrics.achieved_change,
        progress=metrics.progress,
        expected_progress=metrics.expected_progress,
        required_annual_rate=metrics.required_annual_rate,
        status=status,
        route=position.route,
        note=_join(position.note, _figure_qualifier_note(position), reason, qualifier.words,
                   _partial_note(ctx.partial_rows, position.latest_year), _conflict_note(ctx.conflict_rows)),
    )
    return row


def _milestone_done(value: float, unit: str, params: MethodParams) -> bool:
    threshold = params.milestone_done_share if unit == "%" else params.milestone_done_level
    return value >= threshold - _EPS


def evidence_of_non_completion(evidence: pd.DataFrame, deadline: int) -> pd.DataFrame:
    """Not-done rows that prove a miss: full-year rows for the deadline year or later, any row after it."""
    year_end = (evidence["period"] == "year") & (evidence["year"] >= deadline)
    return evidence.loc[year_end | (evidence["year"] > deadline)]


def milestone_status(evidence: pd.DataFrame, deadline: int | None, report_year: int,
                     params: MethodParams) -> tuple[str, str]:
    """Status and note of a milestone from its level evidence (rows of any period, years <= report_year)."""
    if evidence.empty:
        when = f"deadline {deadline}" if deadline is not None else "no deadline"
        return UNKNOWN, f"no evidence up to {report_year} ({when})"
    is_done = [_milestone_done(float(v), _text(u), params) for v, u in zip(evidence["value"], evidence["unit"])]
    done = evidence.loc[is_done]
    if not done.empty:
        first_done = int(done["year"].min())
        late = ""
        if deadline is not None and first_done > deadline:
            late = f"evidence dated after the {deadline} deadline; completion date not established"
        return ACHIEVED, _join(f"done by {first_done} (first evidence)", late)
    if deadline is not None and deadline <= report_year:
        not_done = evidence_of_non_completion(evidence, deadline)
        if not not_done.empty:
            return MISSED, f"not done in {int(not_done['year'].min())} (deadline {deadline})"
    latest = _latest_evidence(evidence)
    return UNKNOWN, f"no evidence of completion; latest {float(latest['value']):g} in {int(latest['year'])}"


def _latest_evidence(evidence: pd.DataFrame) -> pd.Series:
    """The most recent evidence row; a full-year row beats a part-year row of the same year."""
    return evidence.sort_values(["year", "period"], ascending=[True, True], kind="stable").iloc[-1]


def assess_milestone(target: dict, ctx: _Context) -> dict:
    """Milestones: achieved on evidence of completion, missed on evidence of non-completion, else unknown."""
    row = _empty_row(target["target_id"], ctx.report_year)
    if not _text(target.get("indicator_key")):
        row.update(status=UNKNOWN, note="no indicator linked to this milestone")
        return row
    evidence = _rows(pd.concat([ctx.year_rows, ctx.partial_rows]), "level")
    status, note = milestone_status(evidence, _int_or_none(target.get("target_year")), ctx.report_year, ctx.params)
    row.update(status=status, note=note)
    if not evidence.empty:
        latest = _latest_evidence(evidence)
        row.update(latest_year=int(latest["year"]), latest_value=float(latest["value"]), route=ROUTE_EVIDENCE)
    return row


def assess_target(target: dict, ctx: _Context) -> dict:
    """One output row for one target, whatever its kind."""
    kind = target["kind"]
    if kind not in ALL_KINDS:
        raise ValueError(f"target {target['target_id']!r} has unknown kind {kind!r}")
    if kind in NON_QUANTIFIED_KINDS:
        row = _empty_row(target["target_id"], ctx.report_year)
        what = ("provincially allocated task, no number in the plan" if kind == "provincial_task"
                else "qualitative commitment")
        row.update(status=NOT_QUANTIFIED, note=what)
        return row
    if kind == MILESTONE_KIND:
        return assess_milestone(target, ctx)
    return assess_quantified(target, ctx)


# =============================================================================
# Tables
# =============================================================================


def _as_output_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(OUTPUT_COLUMNS))
    dtypes = {c: "float64" for c in _FLOAT_COLUMNS}
    dtypes.update(target_id="str", report_year="Int64", latest_year="Int64", status="str", route="str", note="str")
    return frame.astype(dtypes)


def _indicator_units(indicators: pd.DataFrame) -> dict[str, str]:
    units = {}
    for key, unit in zip(indicators["indicator_key"], indicators["unit"]):
        if _text(key) and _text(unit):
            units.setdefault(_text(key), _text(unit))
    return units


def assess_targets(
    targets: pd.DataFrame,
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    report_year: int,
    params: MethodParams = MethodParams(),
) -> pd.DataFrame:
    """Assess every target as of report_year, using only figures for years <= report_year.

    Returns one row per target with columns OUTPUT_COLUMNS (the published assessment.csv).
    """
    report_year = int(report_year)
    in_scope = observations_in_scope(observations, report_year, params)
    kept, conflicts = resolve_duplicates(in_scope)
    empty = kept.iloc[0:0]
    by_indicator = {key: rows for key, rows in kept.groupby("indicator_key", sort=False)}
    conflicts_by_indicator = {key: rows for key, rows in conflicts.groupby("indicator_key", sort=False)}
    units = _indicator_units(indicators)

    rows = []
    for target in targets.to_dict("records"):
        key = _text(target.get("indicator_key"))
        indicator_rows = by_indicator.get(key, empty)
        ctx = _Context(
            report_year=report_year,
            params=params,
            year_rows=indicator_rows.loc[indicator_rows["period"] == "year"],
            partial_rows=indicator_rows.loc[indicator_rows["period"] == "partial"],
            conflict_rows=conflicts_by_indicator.get(key, empty),
            indicator_unit=units.get(key),
        )
        rows.append(assess_target(target, ctx))
    return _as_output_frame(rows)


def assess_all_years(
    targets: pd.DataFrame,
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    years: Iterable[int],
    params: MethodParams = MethodParams(),
) -> pd.DataFrame:
    """assess_targets for each report year, concatenated (one row per target and year)."""
    frames = [assess_targets(targets, observations, indicators, year, params) for year in years]
    if not frames:
        return _as_output_frame([])
    return pd.concat(frames, ignore_index=True)


def statuses_by_threshold_shift(
    targets: pd.DataFrame,
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    report_year: int,
    shift: float = 0.05,
    params: MethodParams = MethodParams(),
) -> pd.DataFrame:
    """Per target: status with thresholds lowered by shift (looser), as published, and raised (stricter)."""
    result = pd.DataFrame({"target_id": targets["target_id"].astype("str").to_numpy()})
    for name, delta in (("looser", -shift), ("published", 0.0), ("stricter", shift)):
        assessed = assess_targets(targets, observations, indicators, report_year, shifted_thresholds(params, delta))
        result[f"status_{name}"] = assessed["status"].to_numpy()
    return result


def status_sensitivity(
    targets: pd.DataFrame,
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    report_year: int,
    shift: float = 0.05,
    params: MethodParams = MethodParams(),
) -> pd.DataFrame:
    """How many statuses change when both thresholds move by ±shift.

    One row per scenario (looser, published, stricter) with the thresholds used, the number of
    targets whose status differs from the published one, and the count of each status.
    """
    per_target = statuses_by_threshold_shift(targets, observations, indicators, report_year, shift, params)
    rows = []
    for name, delta in (("looser", -shift), ("published", 0.0), ("stricter", shift)):
        used = shifted_thresholds(params, delta)
        statuses = per_target[f"status_{name}"]
        counts = statuses.value_counts()
        row = {
            "scenario": name,
            "shift": delta,
            "on_track_threshold": used.on_track,
            "behind_threshold": used.behind,
            "changed": int((statuses != per_target["status_published"]).sum()),
        }
        row.update({status: int(counts.get(status, 0)) for status in STATUS_ORDER})
        rows.append(row)
    return pd.DataFrame(rows)
