"""One target on a page: statement, status, sentence, the chart of the route its rating used (with the method's
own path), a folded "how this was computed" box and the data behind it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from ..assess.formulas import expected_path, goal_ratio, required_compound_rate_pct
from ..vocabulary import (
    ADDITION_KINDS,
    BOUND_KINDS,
    GAP_STATUSES,
    MEASURE_LEVEL,
    MISSED,
    PERCENT_MEASURES,
    PERIOD_YEAR,
    RELATIVE_KINDS,
    ROUTE_ADDITIONS,
    ROUTE_ANNUAL_SUM,
    ROUTE_BOUND,
    ROUTE_CHAINED_YOY,
    ROUTE_CUMULATIVE_CHANGE,
    ROUTE_IMPLICATION,
    ROUTE_LEVELS,
    ROUTE_STATEMENT,
    parse_reasons,
)
from . import charts, text
from .context import Context, Html, Markdown
from .tables import observation_table
from .text import esc, num, pct


def _int(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _float(value: object) -> float:
    return float("nan") if value is None or pd.isna(value) else float(value)


def comparable_rows(rows: pd.DataFrame, region: str) -> pd.DataFrame:
    """Rows a target chart may draw: none without a figure of the region assessed; benchmarks only beside it and
    only for percentages (a national total on the same axis as a city's would flatten the city's series)."""
    if not (rows["region"] == region).any():
        return rows.iloc[0:0]
    if "basis" in rows.columns:  # a figure on another accounting basis is never drawn beside the usual one
        rows = rows[rows["basis"].isna()]
    relative = rows["unit"].eq("%") | rows["measure"].isin(PERCENT_MEASURES)
    return rows[(rows["region"] == region) | relative]


def _drawn(rows: pd.DataFrame, region: str) -> pd.DataFrame:
    """A chart is drawn only when it has at least one point of the region assessed."""
    return rows if (rows["region"] == region).any() else rows.iloc[0:0]


def _path_frame(points: list[tuple[int, float]]) -> pd.DataFrame | None:
    return pd.DataFrame(points, columns=["year", "value"]) if points else None


@dataclass
class TargetChart:
    """The chart of a target (None when none is drawn) and the sentences under it: what it cannot show."""

    chart: object | None
    notes: list[str] = field(default_factory=list)


def _base_value(target: dict, levels: pd.DataFrame, region: str, base_year: int) -> float:
    """The base-year level of the region assessed: the assessment's, else a full-year figure in the chart's rows."""
    value = _float(target.get("base_value"))
    if not math.isnan(value):
        return value
    rows = levels[(levels["region"] == region) & (levels["year"] == base_year) & (levels["period"] == PERIOD_YEAR)]
    return float(rows["value"].iloc[-1]) if len(rows) else float("nan")


def _region_points(rows: pd.DataFrame, region: str) -> pd.DataFrame:
    return rows[rows["region"] == region]


def chart_for(target: dict, obs: pd.DataFrame, ctx: Context, unit: str, indicator_name: str) -> TargetChart:
    """The chart of the route the rating used, with the target (always, where its value can be placed on the
    chart's axis) and the base-year value; for an unrated target, the region's own figures without the method's
    path. Part-year figures of the region are drawn, hollow. A chart with a single figure of the region and no
    target to show beside it is not drawn (one dot says nothing about progress): a sentence says why."""
    m, region, lang = ctx.m, ctx.region, ctx.lang
    kind, route = target["kind"], target.get("route") or ""
    base_year = _int(target.get("base_year")) or ctx.plan.base_year
    target_year = _int(target.get("target_year")) or ctx.plan.target_year
    value = _float(target.get("target_value"))
    label = target["label_zh"] if lang == "zh" else target["label_en"]
    title = [*charts.title_lines(label, lang), m.status(target["status"])]  # its label, never its id
    rows = comparable_rows(obs, region)
    colours = charts.region_colours(region, ctx.plan.benchmarks)
    cum_change = _drawn(rows[(rows["measure"] == "cumulative_change_pct") & (rows["base_year"] == base_year)], region)
    levels = _drawn(rows[(rows["measure"] == "level") & (rows["unit"] == unit)], region)
    added = _drawn(rows[(rows["measure"] == "cumulative_added") & (rows["base_year"] == base_year)], region)
    annual = _drawn(rows[(rows["measure"] == "annual_added") & (rows["unit"] == unit)], region)
    yoy = _drawn(rows[rows["measure"] == "yoy_change_pct"], region)
    region_name = ctx.region_name()
    no_base = m("text.chart_no_base", region=region_name, base=base_year)

    def single(points: pd.DataFrame) -> bool:
        return len(_region_points(points, region)) == 1

    def one_point(points: pd.DataFrame) -> TargetChart:
        year = int(_region_points(points, region)["year"].iloc[0])
        return TargetChart(None, [m("text.chart_one_point", region=region_name, year=year, base=base_year)])

    def base_mark(points: pd.DataFrame, base_value: float):
        """The base-year value as its own mark, when the chart's points do not hold it already."""
        shown = _region_points(points, region)
        if math.isnan(base_value) or ((shown["year"] == base_year) & (shown["period"] == PERIOD_YEAR)).any():
            return None
        return base_year, base_value, m("chart.base_label", year=base_year)

    def has_base(points: pd.DataFrame, base_value: float) -> bool:
        shown = _region_points(points, region)
        return not math.isnan(base_value) or ((shown["year"] == base_year) & (shown["period"] == PERIOD_YEAR)).any()

    if kind in RELATIVE_KINDS:
        signed = -value if kind == "reduction_vs_base" else value
        if route == ROUTE_LEVELS or (not route and cum_change.empty and not levels.empty):
            base_value = _base_value(target, levels, region, base_year)
            path = expected_path(kind, value, base_year, target_year, base_value, as_level=True)
            goal = (target_year, base_value * goal_ratio(kind, value), label) \
                if not math.isnan(base_value) and not math.isnan(value) else None
            if goal is None and single(levels):
                return one_point(levels)
            chart = charts.target_chart(title, levels, ctx.dataset.regions, m("chart.level", name=indicator_name,
                                        unit=m.unit(unit)), lang, _path_frame(path) if route else None, goal,
                                        colours=colours, base=base_mark(levels, base_value))
            return TargetChart(chart, [m("text.chart_no_base_target", region=region_name, base=base_year)]
                               if chart is not None and math.isnan(base_value) else [])
        if route == ROUTE_CUMULATIVE_CHANGE or (not route and not cum_change.empty):
            goal = (target_year, signed, label) if not math.isnan(value) else None
            if goal is None and single(cum_change):
                return one_point(cum_change)
            return TargetChart(charts.target_chart(
                title, cum_change, ctx.dataset.regions, m("chart.change_vs_base", base=base_year), lang,
                _path_frame(expected_path(kind, value, base_year, target_year)), goal, colours=colours))
        if route == ROUTE_CHAINED_YOY or (not route and not yoy.empty):
            rate, rate_label = _float(target.get("required_annual_rate")) if route else float("nan"), None
            if math.isnan(rate) and not math.isnan(value) and target_year > base_year:
                # the average yearly change the target implies, from the base year (a plan fact, not a rating)
                rate = required_compound_rate_pct(goal_ratio(kind, value), 1.0, target_year - base_year)
                rate_label = m("chart.required_average", first=base_year + 1, last=target_year)
            if math.isnan(rate) and single(yoy):
                return one_point(yoy)
            return TargetChart(charts.yoy_chart(title, yoy, ctx.dataset.regions, lang,
                                                None if math.isnan(rate) else rate, colours=colours,
                                                required_label=rate_label))
        return TargetChart(None)
    if kind in ADDITION_KINDS:
        if route == ROUTE_ANNUAL_SUM or (not route and added.empty and not annual.empty):
            # the target counts additions over the whole period: on a chart of yearly additions it is the yearly
            # average it implies, a rule across the years
            years = target_year - base_year
            rule = (value / years, m("chart.target_yearly", value=num(value / years, 2), unit=m.unit(unit),
                                     first=base_year + 1, last=target_year, total=num(value, 2)),
                    m("chart.target_yearly_short")) \
                if years > 0 and not math.isnan(value) else None
            if rule is None and single(annual):
                return one_point(annual)
            return TargetChart(charts.target_chart(title, annual, ctx.dataset.regions,
                                                   m("measure.annual_added") + m.paren(m.unit(unit)), lang,
                                                   colours=colours, target_rule=rule))
        path = expected_path(kind, value, base_year, target_year) if route == ROUTE_ADDITIONS else []
        goal = (target_year, value, label) if not math.isnan(value) else None
        if goal is None and single(added):
            return one_point(added)
        return TargetChart(charts.target_chart(
            title, added, ctx.dataset.regions, m("chart.added_since", base=base_year, unit=m.unit(unit)), lang,
            _path_frame(path), goal, colours=colours))
    if kind in BOUND_KINDS:
        base_value = _base_value(target, levels, region, base_year)
        path = expected_path(kind, value, base_year, target_year, base_value) if route == ROUTE_LEVELS else []
        goal = (target_year, value, label) if not math.isnan(value) else None
        if goal is None and single(levels):
            return one_point(levels)
        chart = charts.target_chart(title, levels, ctx.dataset.regions, m("chart.level", name=indicator_name,
                                    unit=m.unit(unit)), lang, _path_frame(path), goal, colours=colours,
                                    base=base_mark(levels, base_value))
        notes = [no_base] if chart is not None and single(levels) and not has_base(levels, base_value) else []
        return TargetChart(chart, notes)
    return TargetChart(None)


def source_line(rows: pd.DataFrame, unit: str, ctx: Context, notes: list[str] | tuple = ()) -> str:
    """The line under a chart, visible on screen and on paper: who published the figures, the unit, how recent,
    then ``notes`` (what the chart cannot show, e.g. no base-year figure)."""
    m = ctx.m
    issuers = list(dict.fromkeys(rows["source_issuer"].dropna()))
    named = m.join(esc(i) for i in issuers[:3]) + (m("text.and_others") if len(issuers) > 3 else "")
    dates = rows["source_date"].dropna()
    latest = esc(max(dates)) if len(dates) else "—"
    line = m.sentences(m("text.chart_source", issuers=named, unit=esc(m.unit(unit)), date=latest),
                       *(esc(n) for n in notes))
    return f'<p class="chart-source">{line}</p>'


def _figures_used(target: dict, m) -> str:
    first, latest, base = _int(target.get("first_year")), _int(target.get("latest_year")), _int(target.get("base_year"))
    route = target.get("route") or ""
    if route in (ROUTE_CHAINED_YOY, ROUTE_ANNUAL_SUM) and first is not None and first != latest:
        return m("text.figures_years", first=first, last=latest)
    if route == ROUTE_LEVELS and base is not None and not pd.isna(target.get("base_value")):
        return m("text.figures_pair", base=base, latest=latest)
    return m("text.figures_one", year=latest)


def _records_used(target: dict, ctx: Context) -> str:
    """The sources of the rows a rating used: title, issuing body, date, document number, linked where read."""
    ids = [s for s in str(target.get("sources") or "").split(";") if s]
    if not ids:
        return ""
    sources = ctx.dataset.sources.set_index("source_id")
    items = []
    for sid in ids:
        if sid not in sources.index:
            continue
        src = sources.loc[sid]
        words = "，".join(esc(v) for v in (src["title"], src["issuer"], src["date"], src.get("doc_number"))
                         if isinstance(v, str) and v) if ctx.zh else \
            ", ".join(esc(v) for v in (src["title"], src["issuer"], src["date"], src.get("doc_number"))
                      if isinstance(v, str) and v)
        link = src["url"] if isinstance(src.get("url"), str) and src["url"] else src["retrieved_from"]
        grade = src.get("grade") if isinstance(src.get("grade"), str) else ""
        label = ctx.m("grade_label." + grade) if grade else ""
        items.append((f'<a href="{esc(link)}" rel="noopener">{words}</a>' if isinstance(link, str) and link else words)
                     + f" ({esc(label)})")
    return ctx.m("list_sep").join(items)


def computed_box(target: dict, ctx: Context) -> Html | None:
    """A folded box: the route, the records used, the formula and the numbers behind the rating."""
    m = ctx.m
    if not target.get("route"):
        return None
    kind = target["kind"]
    items = []
    if target.get("route"):
        items.append(f"<li>{m('text.computed_route')}{m('colon')}{m.route(target['route'])}</li>")
    if _int(target.get("latest_year")) is not None and target["route"] not in (ROUTE_STATEMENT, ROUTE_BOUND):
        items.append(f"<li>{m('text.computed_figures')}{m('colon')}{_figures_used(target, m)}</li>")
    records = _records_used(target, ctx)
    if records:
        items.append(f"<li>{m('text.computed_rows')}{m('colon')}{records}</li>")
    if target.get("route") in (ROUTE_STATEMENT, ROUTE_BOUND, ROUTE_IMPLICATION):
        items.append(f"<li>{m('text.computed_formula')}{m('colon')}{m('text.rule_' + target['route'])}</li>")
    elif target.get("route") and kind in RELATIVE_KINDS + BOUND_KINDS + ADDITION_KINDS:
        formula = ("text.formula_relative" if kind in RELATIVE_KINDS else
                   "text.formula_bound" if kind in BOUND_KINDS else "text.formula_addition")
        items.append(f"<li>{m('text.computed_formula')}{m('colon')}{m(formula)}</li>")
        if not pd.isna(target.get("pace_ratio")):
            items.append("<li>" + m("text.computed_pace", progress=num(target["progress"], 3),
                                    expected=num(target["expected_progress"], 3),
                                    ratio=num(target["pace_ratio"], 2)) + "</li>")
        elif not pd.isna(target.get("progress")):
            items.append(f"<li>{m('text.computed_result')}{m('colon')}{pct(target['progress'])}</li>")
    reasons = m.reasons(target.get("reason"), ctx.region_name())
    notes = [reasons] + m.flags(target.get("flags"))
    items.append(f"<li>{m('text.computed_notes')}{m('colon')}{esc(' '.join(n for n in notes if n))}</li>")
    return Html(f'<details class="how-computed"><summary>{m("text.how_computed")}</summary><ul>{"".join(items)}'
                "</ul></details>")


def related_sentence(target: dict, ctx: Context) -> str:
    """For a target without a rating whose own figure is not published but a close one is (the indicator
    catalogue's related_indicator): the published figures and, in one sentence, why they do not decide it."""
    ind = ctx.indicator(target.get("indicator_key") or "")
    related = ind.get("related_indicator")
    if target.get("status") not in GAP_STATUSES or not isinstance(related, str) or not related:
        return ""
    obs = ctx.observations
    rows = obs[(obs["indicator_key"] == related) & (obs["region"] == ctx.region) & (obs["measure"] == MEASURE_LEVEL)
               & (obs["period"] == PERIOD_YEAR)].sort_values("year")
    if rows.empty:
        return ""
    m = ctx.m
    other = ctx.indicator(related)
    unit = esc(m.unit(other.get("unit", "")))
    figures = m("list_sep").join(m("text.year_value", year=int(r["year"]), value=num(r["value"], 2), unit=unit)
                                 for r in rows.drop_duplicates("year", keep="last").to_dict("records"))
    return m("text.related_only", region=esc(ctx.region_name()), related=esc(ctx.name(other)), figures=figures,
             name=esc(ctx.name(ind)), conversion=esc(ind.get("conversion_zh" if ctx.zh else "conversion_en") or ""))


def partial_sentence(target: dict, ctx: Context) -> str:
    """What a route from partial facts found, in one or two sentences (methods chapter, "routes from partial facts")."""
    m, route = ctx.m, target.get("route")
    ind = ctx.indicator(target.get("indicator_key") or "")
    name = esc(ctx.name(ind)) if ind else text.label(target, ctx.lang)
    year = _int(target.get("latest_year"))
    value = _float(target.get("target_value"))
    if route == ROUTE_STATEMENT:
        said = ctx.dataset.statements  # the row the assessment used: its key is target, date (reason) and source
        made = dict(parse_reasons(target.get("reason"))).get("statement")
        rows = said[(said["target_id"] == target["target_id"]) & (said["statement_date"] == made)
                    & (said["source_id"] == target.get("sources"))] if said is not None else None
        rec = rows.iloc[0] if rows is not None and len(rows) else None
        head = m("text.statement_said", body=esc(rec["body_zh" if ctx.zh else "body_en"]),
                 date=esc(text.reader_date(m, str(rec["statement_date"]))), what=esc(rec["what_zh" if ctx.zh else "what_en"])) if rec is not None \
            else ""
        verdict = m("text.statement_verdict", status=m.status(target["status"]), year=year)
        return m.sentences(head, verdict)
    if route == ROUTE_BOUND:
        reasons = dict(parse_reasons(target.get("reason")))
        code = next(c for c in ("bound_not_met", "bound_met") if c in reasons)
        arg = reasons[code].split(",")
        if len(arg) == 2:  # a count over at most the year's days
            count_ind = ctx.indicator((ind.get("bound_count") if ind else "") or "")
            verdict = m("text.bound_met", target=num(value, 2)) if code == "bound_met" else \
                m("text.bound_missed" if target["status"] == MISSED else "text.bound_not_met", target=num(value, 2),
                  year=year)
            return m("text.bound_share", year=year, count_name=esc(ctx.name(count_ind)) if count_ind else "",
                     count=num(float(arg[0]), 0), count_unit=esc(m.unit(count_ind.get("unit", ""))), days=arg[1],
                     name=name, share=num(_float(target.get("latest_value")), 2), verdict=verdict)
        unit = esc(m.unit(ind.get("unit", "") if ind else target.get("unit") or ""))
        return m("text.bound_addition", year=year, value=num(_float(target.get("latest_value")), 2), unit=unit,
                 target=num(value, 2))
    if route == ROUTE_IMPLICATION:
        premise = ctx.indicator((ind.get("implied_by") if ind else "") or "")
        return m.sentences(
            m("text.implied", year=year, premise=esc(ctx.name(premise)) if premise else "", value=num(100.0, 0),
              rule=m("rule." + str(ind.get("implication"))), name=name),
            text.progress_sentence(target, target, m.unit(ind.get("unit", "")), m, ctx.region_name()))
    return ""


def target_blocks(target: dict, ctx: Context) -> list:
    """Statement, status, sentence, chart, how it was computed and the data, for one target."""
    m = ctx.m
    ind = ctx.indicator(target.get("indicator_key") or "")
    unit = ind.get("unit", "")
    title = m("grade.statement_title" if target.get("route") == ROUTE_STATEMENT else "grade.provisional_title")
    provisional = (f' <span class="provisional" title="{esc(title)}">'
                   f'{m("grade.provisional")}</span>') if bool(target.get("provisional")) else ""
    said = partial_sentence(target, ctx) or text.progress_sentence(target, target, m.unit(unit), m, ctx.region_name())
    blocks = [Markdown(f"**{esc(ctx.ref(target['target_id']))} · {text.label(target, ctx.lang)}** "
                       f"{text.status_badge(target['status'], m)}{provisional}\n\n{text.target_statement(target, m)}\n\n"
                       f"{said}"
                       + (f"\n\n{related}" if (related := related_sentence(target, ctx)) else ""))]
    box = computed_box(target, ctx)
    if not ind:
        return blocks + ([box] if box else [])
    obs = ctx.observations[ctx.observations["indicator_key"] == ind["indicator_key"]]
    if obs.empty:
        return blocks + ([box] if box else [])
    drawn = chart_for(target, obs, ctx, unit, ctx.name(ind))
    if drawn.chart is not None:
        blocks += [drawn.chart, Html(source_line(obs, unit, ctx, drawn.notes))]
    else:
        blocks.append(Markdown(m.sentences(*drawn.notes) if drawn.notes else m("text.chart_not_drawn")))
    if box is not None:
        blocks.append(box)
    blocks.append(Html("<details><summary>" + m("text.data_details") + "</summary>" +
                       observation_table(obs, ctx).html + "</details>"))
    return blocks
