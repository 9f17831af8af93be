"""A key-project page: lead departments and the count of statuses, every target with its chart, the
commitments without a number, and the targets without usable data."""

from __future__ import annotations

from ..assess import gaps
from ..vocabulary import GAP_STATUSES, RATED_KINDS
from . import text
from .commitments import counts_text
from .context import Context, Markdown, status_counts
from .tables import downloads_links
from .target import target_blocks
from .text import esc


def intro(ctx: Context, section_id: str) -> list:
    """Lead departments, then the answer for this part: its quantified targets by status and its commitments
    without a number by implementation level, counted separately."""
    m = ctx.m
    sec = ctx.dataset.sections.set_index("section_id").loc[section_id]
    leads = sec["lead_departments_zh"] if ctx.zh else sec["lead_departments_en"]
    lines = [f"**{m('text.lead_departments')}**{m('colon')}{esc(leads)}"]
    rated = ctx.targets[(ctx.targets["section_id"] == section_id) & ctx.targets["kind"].isin(RATED_KINDS)]
    if not rated.empty:
        parts = m("detail_sep").join(f"{m.status(s)} {n}" for s, n in status_counts(rated).items() if n)
        lines.append(m("commitments.quantified_sentence", total=len(rated), parts=parts))
    committed = ctx.commitments[ctx.commitments["section_id"] == section_id]
    if not committed.empty:
        lines.append(m("commitments.count_sentence", total=len(committed),
                       parts=counts_text(committed["level"], m)))
    blocks = [Markdown("\n\n".join(lines))]
    if not committed.empty:
        from .commitments import level_chart

        blocks += level_chart(committed, ctx)
    return blocks + [downloads_links(ctx)]


def targets(ctx: Context, section_id: str) -> list:
    rows = ctx.targets[(ctx.targets["section_id"] == section_id) & ctx.targets["kind"].isin(RATED_KINDS)]
    blocks = []
    for target in rows.to_dict("records"):
        blocks += target_blocks(target, ctx)
    return blocks or [Markdown(ctx.m("text.no_quantified"))]


def tasks(ctx: Context, section_id: str) -> list:
    """The section's commitments without a number: overall judgement, chart of levels, and each with its evidence."""
    from .commitments import section_blocks

    return section_blocks(ctx, section_id, chart=False)


def missing_years(ctx: Context, target: dict) -> list[int]:
    """The years the target needs (methods chapter) with no full-year figure of the assessed region."""
    return gaps.missing_years(ctx.observations, target, ctx.region,
                              gaps.wanted_years(target, ctx.report_year, ctx.plan.base_year))


def year_span(years: list[int], m) -> str:
    """A run of consecutive years as first–last, other years listed one by one."""
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return m("text.year_range", first=years[0], last=years[-1])
    return m("list_sep").join(str(y) for y in years)


def data_requests(ctx: Context, section_id: str) -> list:
    """For every target without a rating: which figure is missing and for which years, which body holds it and
    where it normally appears (the indicator catalogue), and the plan's lead departments."""
    m = ctx.m
    rows = ctx.targets[(ctx.targets["section_id"] == section_id) & ctx.targets["status"].isin(GAP_STATUSES)]
    if rows.empty:
        return [Markdown(m("text.all_rated"))]
    sec = ctx.dataset.sections.set_index("section_id").loc[section_id]
    leads = sec["lead_departments_zh" if ctx.zh else "lead_departments_en"]
    lines = []
    for r in rows.to_dict("records"):
        ind = ctx.indicator(r.get("indicator_key")) if isinstance(r.get("indicator_key"), str) else {}
        name = ind.get("name_zh" if ctx.zh else "name_en") or text.label(r, ctx.lang)
        years = missing_years(ctx, r)
        holder = ind.get("holder_zh" if ctx.zh else "holder_en")
        publication = ind.get("publication_zh" if ctx.zh else "publication_en")
        parts = [f"**{esc(r['target_id'])} {text.label(r, ctx.lang)}** {text.status_badge(r['status'], m)}"]
        if years:
            unit = m.unit(ind.get("unit") or r.get("unit") or "")
            figure = name if not unit or unit in name else m("text.name_unit", name=name, unit=unit)
            parts.append(m("requests.missing", region=esc(ctx.region_name()), years=year_span(years, m),
                           figure=esc(figure)))
        parts.append(m("requests.why", why=esc(m.reasons(r.get("reason"), ctx.region_name()))))
        if isinstance(holder, str) and holder:
            parts.append(m("requests.holder", holder=esc(holder)))
        if isinstance(publication, str) and publication:
            parts.append(m("requests.publication", publication=esc(publication)))
        if isinstance(leads, str) and leads:
            parts.append(m("requests.leads", leads=esc(leads)))
        lines.append("- " + "<br>".join(parts))
    return [Markdown(m("requests.lead") + "\n\n" + "\n".join(lines))]
