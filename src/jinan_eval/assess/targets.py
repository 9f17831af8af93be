"""Assessment of the plan's targets: progress, status and what it takes, per target and report year.

The method is described for reviewers in the methods chapter (book/methods.<lang>.md); the section names used in
comments below (routes, path, pace ratio, status rules) follow that chapter. All tunable choices are in :class:`MethodParams`.
The assessment returns codes and numbers only (status, reason codes, flags, route, years, pace); the report
layer turns them into sentences.

Public entry points
-------------------
assess_targets(targets, observations, indicators, report_year, params)
    one row per target, columns :data:`OUTPUT_COLUMNS` (published as assessment.csv)
assess_all_years(targets, observations, indicators, years, params)
status_sensitivity(targets, observations, indicators, report_year, shift, params)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from ..vocabulary import (
    ACHIEVED,
    ADDITION_KINDS,
    BOUND_KINDS,
    GRADE_RANK,
    INSUFFICIENT_DATA,
    MET_EARLY,
    MILESTONE_KIND,
    MISSED,
    NON_QUANTIFIED_KINDS,
    NOT_QUANTIFIED,
    OBSERVATION_KEY,
    OBSERVED,
    OFF_TRACK,
    PERIOD_PARTIAL,
    PERIOD_YEAR,
    PROVISIONAL_GRADE,
    RELATIVE_KINDS,
    ROUTE_BOUND,
    ROUTE_LEVELS,
    ROUTE_STATEMENT,
    STATUS_ORDER,
    TARGET_KINDS,
    reason,
)
from .formulas import (
    EPS,
    NAN,
    compound_expected_progress,
    elapsed_share,
    goal_ratio,
    linear_expected_progress,
    meets,
    pace_ratio,
    rate_status,
    required_compound_rate_pct,
    within_tolerance,
)
from .method import MethodParams, Qualifier, parse_qualifier, shifted_thresholds
from .partial import (
    Bound,
    bound_arg,
    bound_from_count,
    bound_from_part_year_addition,
    bound_status,
    implied_position,
    latest_statement,
)
from .routes import (
    NoPosition,
    Position,
    _float_or_nan,
    _int_or_none,
    _rows,
    _same_unit,
    _text,
    _years,
    additions_by_annual_sum,
    additions_by_cumulative,
    level_pair,
    most_recent_position,
    relative_by_chained_yoy,
    relative_by_cumulative_change,
    relative_by_levels,
    why_no_position,
)

#: The published table (assessment.csv): each column and its type, in order.
OUTPUT_SPEC: dict[str, tuple[str, str]] = {
    "target_id": ("str", "Target (targets.csv)"),
    "report_year": ("int", "Report year: only figures for years up to it are used"),
    "status": ("str", "achieved / met_early / on_track / behind / off_track / not_met / missed / unknown / "
               "insufficient_data / not_quantified (methods chapter, status rules)"),
    "reason": ("str", "Reason codes, ';'-separated, each 'code' or 'code:argument' (methods chapter)"),
    "flags": ("str", "Flag codes, ';'-separated: figure_qualified, provisional, partial_unused, conflict_dropped, "
              "approximate, aspirational, strict"),
    "route": ("str", "Where the rating comes from: levels, cumulative_change, chained_yoy, additions, annual_sum "
              "(figures); bound, implication, statement (routes from partial facts)"),
    "base_year": ("int", "Base year used"),
    "first_year": ("int", "First year of a chain or sum (chained_yoy, annual_sum)"),
    "latest_year": ("int", "Year of the latest position used"),
    "latest_value": ("float", "Level in the latest year, where published; additions; the bound (route bound); the "
                     "derived figure (route implication)"),
    "base_value": ("float", "Base-year level, where published"),
    "achieved_change": ("float", "Change achieved since the base year (% for percentage targets)"),
    "progress": ("float", "Share of the required change achieved"),
    "expected_progress": ("float", "Share the method's path expects by the latest year"),
    "pace_ratio": ("float", "progress / expected_progress, when the status is rated on pace"),
    "required_annual_rate": ("float", "Change needed each year from here to meet the target on time"),
    "figure_qualifier": ("str", "Qualifier of the figure used (约, 以上 …)"),
    "evidence_grade": ("str", "The weakest grade among the sources of the figures used (A, B, C)"),
    "provisional": ("bool", "True when the rating rests on a grade-C source, or on a statement not read on the "
                    "body's own site (待核实)"),
    "sources": ("str", "The sources (sources.csv) of the rows the rating used, ';'-separated"),
}
OUTPUT_TYPES: dict[str, str] = {name: spec[0] for name, spec in OUTPUT_SPEC.items()}
OUTPUT_COLUMNS: tuple[str, ...] = tuple(OUTPUT_TYPES)
_FLOAT_COLUMNS = tuple(c for c, t in OUTPUT_TYPES.items() if t == "float")
_PANDAS_TYPES = {"str": "str", "int": "Int64", "float": "float64", "bool": "bool"}
_DUPLICATE_KEY = list(OBSERVATION_KEY)


# =============================================================================
# Observation selection
# =============================================================================


def observations_in_scope(observations: pd.DataFrame, report_year: int, params: MethodParams) -> pd.DataFrame:
    """Rows the assessment may use: the assessed region, record_type 'observed', year <= report_year, on the
    indicator's usual accounting basis (a figure on another basis is shown, never rated against the target)."""
    if "basis" not in observations.columns:
        observations = observations.assign(basis=pd.NA)
    mask = (
        (observations["region"] == params.region)
        & (observations["record_type"] == OBSERVED)
        & (observations["year"] <= report_year)
        & observations["basis"].isna()
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
    kept = obs.loc[keep]
    if "grade" in kept.columns:  # agreeing copies: keep the best-graded source (A before B before C)
        kept = kept.assign(_grade=kept["grade"].fillna("Z")).sort_values("_grade", kind="stable").drop(columns="_grade")
    kept = (
        kept
        .sort_values("preferred", ascending=False, kind="stable")
        .drop_duplicates(subset=_DUPLICATE_KEY)
        .sort_index()
    )
    return kept, obs.loc[conflict]


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
    goal = goal_ratio(kind, target_pct)
    progress = (ratio - 1.0) / (goal - 1.0)
    share = elapsed_share(base_year, latest_year, target_year)
    years_left = (target_year - latest_year) if target_year is not None else 0
    return Metrics(
        achieved_change=(ratio - 1.0) * 100.0,
        progress=progress,
        expected_progress=compound_expected_progress(goal, share),
        required_annual_rate=required_compound_rate_pct(goal, ratio, years_left),
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
    met = margin > EPS if qualifier.strict else margin >= -EPS
    base_needs_change = not math.isnan(base) and direction * (target_level - base) > EPS
    progress = (latest - base) / (target_level - base) if base_needs_change else NAN
    years_left = (target_year - latest_year) if target_year is not None else 0
    share = elapsed_share(base_year, latest_year, target_year)
    return Metrics(
        achieved_change=latest - base,
        progress=progress,
        expected_progress=linear_expected_progress(share) if base_needs_change else NAN,
        required_annual_rate=(target_level - latest) / years_left if years_left > 0 else NAN,
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
        required_annual_rate=max(target_total - added, 0.0) / years_left if years_left > 0 else NAN,
        met=meets(progress, qualifier.strict),
        met_within_tolerance=within_tolerance(progress, qualifier, params),
    )


def classify(metrics: Metrics, target_year_reached: bool, params: MethodParams) -> tuple[str, str, float]:
    """Status, reason code and pace ratio, from the metrics (see methods.md, status rules)."""
    if metrics.met:
        # a target is achieved on its target year's figure; a level reached before then is met early, and can
        # still be lost (methods chapter, status rules)
        if target_year_reached:
            return ACHIEVED, reason("target_met"), NAN
        return MET_EARLY, reason("target_met_early"), NAN
    if target_year_reached:
        if metrics.met_within_tolerance:
            return ACHIEVED, reason("within_tolerance"), NAN
        return MISSED, reason("target_year_not_met"), NAN
    ratio = pace_ratio(metrics.progress, metrics.expected_progress)
    if math.isnan(ratio):
        return INSUFFICIENT_DATA, reason("progress_unratable"), NAN
    if metrics.progress < 0:
        return OFF_TRACK, reason("moving_away"), ratio
    return rate_status(ratio, params), reason("pace"), ratio


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
    rules: dict | None = None  # the indicator's bound and implication rules (indicators.csv)
    premise_rows: pd.DataFrame | None = None  # full-year rows of the implication's premise indicator
    count_rows: pd.DataFrame | None = None  # full-year rows of the count a bound is computed from
    statements: pd.DataFrame | None = None  # the responsible body's statements on this target


def _empty_row(target_id: str, report_year: int) -> dict:
    row = {c: NAN for c in OUTPUT_COLUMNS}
    row.update(target_id=target_id, report_year=report_year, latest_year=None, base_year=None, first_year=None,
               route="", reason="", flags="", figure_qualifier="", evidence_grade="", provisional=False, sources="")
    return row


def _join(parts: Iterable[str]) -> str:
    return ";".join(dict.fromkeys(p for p in parts if p))


def weakest_grade(grades: Iterable[str]) -> str:
    """The weakest of the grades (vocabulary.GRADES: A, B, S, C from strongest); "" when no figure carries one."""
    known = [g for g in grades if g in GRADE_RANK]
    return max(known, key=GRADE_RANK.get) if known else ""


def _flags(position: Position | None, qualifier: Qualifier, ctx: _Context) -> str:
    """Flag codes: figure stated with 约/以上…, a figure read only on a copy, part-year figures left unused,
    conflicts dropped, target wording."""
    flags = []
    if position is not None and position.figure_qualifier:
        flags.append("figure_qualified")
    if position is not None and weakest_grade(position.grades) == PROVISIONAL_GRADE:
        flags.append("provisional")
    after = position.latest_year if position is not None else None
    unused = ctx.partial_rows if after is None else ctx.partial_rows.loc[ctx.partial_rows["year"] > after]
    if not unused.empty and not (position is None and ctx.year_rows.empty):
        flags.append("partial_unused")
    if not ctx.conflict_rows.empty:
        flags.append("conflict_dropped")
    return _join([*flags, *qualifier.flags])


def _published_level(year_rows: pd.DataFrame, year: int, unit: str | None) -> float:
    rows = _same_unit(_rows(year_rows, "level"), unit)
    rows = rows.loc[rows["year"] == year]
    return float(rows["value"].iloc[0]) if not rows.empty else NAN


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


def _status_for_bound_without_rating(metrics: Metrics, position: Position) -> tuple[str, str] | None:
    """Level bounds whose progress is undefined: no base level, or the base already met the bound."""
    if not math.isnan(metrics.progress) or metrics.met:
        return None
    if math.isnan(position.base_value):
        return INSUFFICIENT_DATA, reason("no_base_level")
    return OFF_TRACK, reason("base_met_latest_not")


def invalid_target_reason(kind: str, target_value: float) -> str:
    """Reason code why a quantified target cannot be rated whatever the data ("" when it can)."""
    if math.isnan(target_value):
        return reason("target_no_value")
    if kind in RELATIVE_KINDS + ADDITION_KINDS and target_value <= 0:
        return reason("target_not_positive")
    if kind == "reduction_vs_base" and target_value >= 100:
        return reason("reduction_too_large")
    return ""


def _insufficient_reasons(candidates: list[Position | NoPosition], ctx: _Context) -> list[str]:
    if ctx.year_rows.empty and not ctx.partial_rows.empty:
        return [reason("only_partial", _years(ctx.partial_rows["year"]))]
    return why_no_position(candidates, ctx.year_rows)


def quantified_status(kind: str, metrics: Metrics, position: Position, target_year_reached: bool,
                      params: MethodParams) -> tuple[str, str, float]:
    """Status, reason code and pace ratio; level bounds with undefined progress are settled first."""
    if kind in BOUND_KINDS:
        unrated = _status_for_bound_without_rating(metrics, position)
        if unrated is not None:
            if target_year_reached:
                return MISSED, reason("target_year_not_met"), NAN
            return (*unrated, NAN)
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
    row.update(base_year=base_year)

    invalid = invalid_target_reason(kind, target_value)
    if invalid:
        row.update(status=INSUFFICIENT_DATA, reason=invalid)
        return row

    candidates = _positions_for(kind, target, base_year, ctx)
    position = most_recent_position(candidates, params.route_order if kind in RELATIVE_KINDS else ())
    if position is None and kind in BOUND_KINDS:
        position = _implied(ctx)
    if position is None:
        why = _join(_insufficient_reasons(candidates, ctx))
        unrated = {**row, "status": INSUFFICIENT_DATA, "reason": why, "flags": _flags(None, qualifier, ctx)}
        bound = _bound_for(kind, target, base_year, ctx)
        rated = _rated_by_bound(row, kind, target_value, bound, target_year, qualifier) if bound else None
        rated = rated or _rated_by_statement(row, ctx)
        if rated is not None:
            return rated
        if bound is not None and kind in BOUND_KINDS:  # the bound decides nothing: said beside the other reasons
            unrated.update(reason=_join([why, reason("bound_undecided", bound_arg(bound))]),
                           latest_year=bound.year, latest_value=bound.lower)
        return unrated

    metrics = _metrics_for(kind, target, position, base_year, target_year, qualifier, params)
    reached = target_year is not None and position.latest_year >= target_year
    status, why, ratio = quantified_status(kind, metrics, position, reached, params)
    base_value, latest_value = _reported_levels(kind, position, base_year, ctx)
    row.update(
        first_year=position.first_year,
        latest_year=position.latest_year,
        latest_value=latest_value,
        base_value=base_value,
        achieved_change=metrics.achieved_change,
        progress=metrics.progress,
        expected_progress=metrics.expected_progress,
        pace_ratio=ratio,
        required_annual_rate=metrics.required_annual_rate,
        status=status,
        reason=why,
        flags=_flags(position, qualifier, ctx),
        route=position.route,
        figure_qualifier=position.figure_qualifier,
        evidence_grade=weakest_grade(position.grades),
        provisional=weakest_grade(position.grades) == PROVISIONAL_GRADE,
        sources=";".join(position.sources),
    )
    return row


def _implied(ctx: _Context) -> Position | None:
    """The implication route: the indicator's named rule applied to its premise's figures (indicators.csv)."""
    rule = _text((ctx.rules or {}).get("implication"))
    if not rule or ctx.premise_rows is None:
        return None
    return implied_position(ctx.premise_rows, rule)


def _bound_for(kind: str, target: dict, base_year: int, ctx: _Context) -> Bound | None:
    """The bound the figures give: a count over a bounded denominator (the indicator's bound_rule), or a part-year
    cumulative addition."""
    rule = _text((ctx.rules or {}).get("bound_rule"))
    if kind in BOUND_KINDS and rule and ctx.count_rows is not None:
        return bound_from_count(ctx.count_rows, rule)
    if kind in ADDITION_KINDS:
        return bound_from_part_year_addition(ctx.partial_rows, base_year, _unit_for_bound_or_additions(target, ctx))
    return None


def _rated_by_bound(row: dict, kind: str, target_value: float, bound: Bound, target_year: int | None,
                    qualifier: Qualifier) -> dict | None:
    """The bound route (methods chapter): rate only what the bound decides (None when it decides nothing)."""
    decided = bound_status(kind, target_value, bound, target_year, qualifier.strict)
    if decided is None:
        return None
    status, code = decided
    grade = weakest_grade(bound.grades)
    return {**row, "status": status, "reason": code, "route": ROUTE_BOUND, "latest_year": bound.year,
            "latest_value": bound.lower, "evidence_grade": grade, "provisional": grade == PROVISIONAL_GRADE,
            "flags": _join(["provisional" if grade == PROVISIONAL_GRADE else "", *qualifier.flags]),
            "sources": ";".join(bound.sources)}


def _rated_by_statement(row: dict, ctx: _Context) -> dict | None:
    """The statement route: the latest statement of the responsible body the edition may use (made no later than
    the report year) gives the status; provisional unless read on the body's own site (grade A)."""
    statement = latest_statement(ctx.statements, ctx.report_year)
    if statement is None:
        return None
    grade = _text(statement.get("grade"))
    provisional = grade != "A"
    return {**row, "status": statement["status"], "reason": reason("statement", _text(statement["statement_date"])),
            "route": ROUTE_STATEMENT, "latest_year": int(statement["as_of_year"]), "evidence_grade": grade,
            "provisional": provisional, "flags": "statement_unconfirmed" if provisional else "",
            "sources": _text(statement["source_id"])}


def assess_target(target: dict, ctx: _Context) -> dict:
    """One output row for one target, whatever its kind."""
    kind = target["kind"]
    if kind not in TARGET_KINDS:
        raise ValueError(f"target {target['target_id']!r} has unknown kind {kind!r}")
    if kind in NON_QUANTIFIED_KINDS:
        row = _empty_row(target["target_id"], ctx.report_year)
        row.update(status=NOT_QUANTIFIED, reason=reason(kind))
        return row
    if kind == MILESTONE_KIND:  # judged once, as a commitment (commitments.py, the milestone rule)
        row = _empty_row(target["target_id"], ctx.report_year)
        row.update(status=NOT_QUANTIFIED, reason=reason("milestone"))
        return row
    return assess_quantified(target, ctx)


# =============================================================================
# Tables
# =============================================================================


#: Computed figures are published to this many decimals (methods chapter, "precision"): enough for every
#: comparison a reader can make, no floating-point noise (-18.799999999999994 → -18.8). The assessment itself
#: keeps full precision; :func:`published` rounds.
DECIMALS = 4


def published(assessment: pd.DataFrame) -> pd.DataFrame:
    """The assessment as published (assessment.csv): computed figures rounded to :data:`DECIMALS`."""
    return assessment.assign(**{c: assessment[c].round(DECIMALS) for c in _FLOAT_COLUMNS if c in assessment})


def _as_output_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(OUTPUT_COLUMNS))
    return frame.astype({c: _PANDAS_TYPES[t] for c, t in OUTPUT_TYPES.items()})


RULE_COLUMNS = ("bound_rule", "bound_count", "implication", "implied_by")


def _indicator_rules(indicators: pd.DataFrame) -> dict[str, dict]:
    """Per indicator, its bound and implication rules (indicators.csv; empty where it has none)."""
    present = [c for c in RULE_COLUMNS if c in indicators.columns]
    rules = {}
    for rec in indicators[["indicator_key", *present]].to_dict("records"):
        found = {c: _text(rec.get(c)) for c in present if _text(rec.get(c))}
        if found:
            rules[_text(rec["indicator_key"])] = found
    return rules


def _full_year(rows: pd.DataFrame | None) -> pd.DataFrame | None:
    return None if rows is None else rows.loc[rows["period"] == PERIOD_YEAR]


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
    params: MethodParams,
    statements: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Assess every target as of report_year, using only figures for years <= report_year (and the responsible
    bodies' statements made no later than it).

    Returns one row per target with columns OUTPUT_COLUMNS (the published assessment.csv).
    """
    report_year = int(report_year)
    in_scope = observations_in_scope(observations, report_year, params)
    kept, conflicts = resolve_duplicates(in_scope)
    empty = kept.iloc[0:0]
    by_indicator = {key: rows for key, rows in kept.groupby("indicator_key", sort=False)}
    conflicts_by_indicator = {key: rows for key, rows in conflicts.groupby("indicator_key", sort=False)}
    units = _indicator_units(indicators)
    rules = _indicator_rules(indicators)
    said = {} if statements is None else {key: rows for key, rows in statements.groupby("target_id", sort=False)}

    rows = []
    for target in targets.to_dict("records"):
        key = _text(target.get("indicator_key"))
        indicator_rows = by_indicator.get(key, empty)
        ctx = _Context(
            report_year=report_year,
            params=params,
            year_rows=indicator_rows.loc[indicator_rows["period"] == PERIOD_YEAR],
            partial_rows=indicator_rows.loc[indicator_rows["period"] == PERIOD_PARTIAL],
            conflict_rows=conflicts_by_indicator.get(key, empty),
            indicator_unit=units.get(key),
            rules=rules.get(key),
            premise_rows=_full_year(by_indicator.get(rules.get(key, {}).get("implied_by"), empty)),
            count_rows=_full_year(by_indicator.get(rules.get(key, {}).get("bound_count"), empty)),
            statements=said.get(target["target_id"]),
        )
        rows.append(assess_target(target, ctx))
    return _as_output_frame(rows)


def assess_all_years(
    targets: pd.DataFrame,
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    years: Iterable[int],
    params: MethodParams,
    statements: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """assess_targets for each report year, concatenated (one row per target and year)."""
    frames = [assess_targets(targets, observations, indicators, year, params, statements) for year in years]
    if not frames:
        return _as_output_frame([])
    return pd.concat(frames, ignore_index=True)


def statuses_by_threshold_shift(
    targets: pd.DataFrame,
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    report_year: int,
    params: MethodParams,
    shift: float = 0.05,
    statements: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per target: status with thresholds lowered by shift (looser), as published, and raised (stricter)."""
    result = pd.DataFrame({"target_id": targets["target_id"].astype("str").to_numpy()})
    for name, delta in (("looser", -shift), ("published", 0.0), ("stricter", shift)):
        assessed = assess_targets(targets, observations, indicators, report_year, shifted_thresholds(params, delta),
                                  statements)
        result[f"status_{name}"] = assessed["status"].to_numpy()
    return result


def status_sensitivity(
    targets: pd.DataFrame,
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    report_year: int,
    params: MethodParams,
    shift: float = 0.05,
    statements: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """How many statuses change when both thresholds move by ±shift.

    One row per scenario (looser, published, stricter) with the thresholds used, the number of
    targets whose status differs from the published one, and the count of each status.
    """
    per_target = statuses_by_threshold_shift(targets, observations, indicators, report_year, params, shift,
                                             statements)
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
