"""A data request: for a target the edition cannot rate, the figure it lacks (which, for which years), the body that
holds it and where that body normally publishes it (the indicator catalogue), and the plan's lead departments. One
rule, shown on the target's own page and in the data-and-sources annex."""

from __future__ import annotations

from dataclasses import dataclass

from ..assess import gaps
from . import text
from .context import Context
from .text import esc


@dataclass
class Request:
    target_id: str
    target: str  # the target's label (escaped)
    status: str  # its gap status (a code)
    missing: str  # "缺少：<region><years>年的<figure>。" or "" (escaped)
    why: str  # why it cannot be rated, in the reader's words (escaped)
    holder: str  # the body that holds the figure (escaped; "" if the catalogue does not say)
    publication: str  # where it normally appears (escaped; "")
    leads: str  # the plan's lead departments of the target's section (escaped; "")


def missing_years(ctx: Context, target: dict) -> list[int]:
    """The years the target needs (methods chapter) with no full-year figure of the assessed region."""
    return gaps.missing_years(ctx.observations, target, ctx.region,
                              gaps.wanted_years(target, ctx.report_year, ctx.plan.base_year))


def year_span(years: list[int], m) -> str:
    """A run of consecutive years as first–last, other years listed one by one."""
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return m("text.year_range", first=years[0], last=years[-1])
    return m("list_sep").join(str(y) for y in years)


def request_for(ctx: Context, target: dict) -> Request:
    """The data request of one target the edition cannot rate."""
    m = ctx.m
    ind = ctx.indicator(target.get("indicator_key")) if isinstance(target.get("indicator_key"), str) else {}
    name = ind.get("name_zh" if ctx.zh else "name_en") or text.label(target, ctx.lang)
    years = missing_years(ctx, target)
    missing = ""
    if years:
        unit = m.unit(ind.get("unit") or target.get("unit") or "")
        figure = name if not unit or unit in name else m("text.name_unit", name=name, unit=unit)
        missing = m("requests.missing", region=esc(ctx.region_name()), years=year_span(years, m), figure=esc(figure))
    leads = ctx.leads(target["section_id"])

    def field(value: object) -> str:
        return esc(value) if isinstance(value, str) and value else ""

    return Request(target["target_id"], text.label(target, ctx.lang), target["status"], missing,
                   esc(m.reasons(target.get("reason"), ctx.region_name())),
                   field(ind.get("holder_zh" if ctx.zh else "holder_en")),
                   field(ind.get("publication_zh" if ctx.zh else "publication_en")), field(leads))
