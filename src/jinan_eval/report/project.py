"""A key-project page: lead departments and the count of statuses, every target with its chart, the
commitments without a number, and the targets without usable data."""

from __future__ import annotations

from ..vocabulary import GAP_STATUSES, RATED_KINDS
from . import text
from .commitments import counts_text
from .context import Context, Markdown, status_counts
from .requests import request_for
from .tables import downloads_links
from .target import target_blocks
from .text import esc


def intro(ctx: Context, section_id: str) -> list:
    """Lead departments, then the answer for this part: its quantified targets by status and its commitments
    without a number by implementation level, counted separately."""
    m = ctx.m
    leads = ctx.leads(section_id)
    lines = [f"**{m('text.lead_departments')}**{m('colon')}{esc(leads)}"] if leads else []
    rated = ctx.targets[(ctx.targets["section_id"] == section_id) & ctx.targets["kind"].isin(RATED_KINDS)]
    if not rated.empty:
        parts = m("detail_sep").join(m.count(m.status(s), n) for s, n in status_counts(rated).items() if n)
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


def data_requests(ctx: Context, section_id: str) -> list:
    """For every target without a rating: which figure is missing and for which years, which body holds it and
    where it normally appears (the indicator catalogue), and the plan's lead departments."""
    m = ctx.m
    rows = ctx.targets[(ctx.targets["section_id"] == section_id) & ctx.targets["status"].isin(GAP_STATUSES)]
    if rows.empty:
        return [Markdown(m("text.all_rated"))]
    lines = []
    for r in rows.to_dict("records"):
        req = request_for(ctx, r)
        parts = [f"**{esc(ctx.ref(req.target_id))} {req.target}** {text.status_badge(req.status, m)}"]
        if req.missing:
            parts.append(req.missing)
        parts.append(m("requests.why", why=req.why))
        if req.holder:
            parts.append(m("requests.holder", holder=req.holder))
        if req.publication:
            parts.append(m("requests.publication", publication=req.publication))
        if req.leads:
            parts.append(m("requests.leads", leads=req.leads))
        lines.append("- " + "<br>".join(parts))
    return [Markdown(m("requests.lead") + "\n\n" + "\n".join(lines))]
