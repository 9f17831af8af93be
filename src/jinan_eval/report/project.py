"""A key-project page: lead departments and the count of statuses, every target with its chart, the
commitments without a number, and the targets without usable data."""

from __future__ import annotations

from ..assess import gaps
from ..vocabulary import GAP_STATUSES, RATED_KINDS
from . import text
from .commitments import counts_text
from .context import Context, Markdown, status_counts
from .sources import search_anchor
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
    return [Markdown("\n\n".join(lines)), downloads_links(ctx)]


def targets(ctx: Context, section_id: str) -> list:
    rows = ctx.targets[(ctx.targets["section_id"] == section_id) & ctx.targets["kind"].isin(RATED_KINDS)]
    blocks = []
    for target in rows.to_dict("records"):
        blocks += target_blocks(target, ctx)
    return blocks or [Markdown(ctx.m("text.no_quantified"))]


def tasks(ctx: Context, section_id: str) -> list:
    """The section's commitments without a number: overall judgement, chart of levels, and each with its evidence."""
    from .commitments import section_blocks

    return section_blocks(ctx, section_id)


def data_gaps(ctx: Context, section_id: str) -> list:
    m = ctx.m
    rows = ctx.targets[(ctx.targets["section_id"] == section_id) & ctx.targets["status"].isin(GAP_STATUSES)]
    if rows.empty:
        return [Markdown(m("text.all_rated"))]
    searched = gaps.latest_search(ctx.dataset.search_log).set_index("target_id")
    lines = []
    for r in rows.to_dict("records"):
        why = m.reasons(r.get("reason"), ctx.region_name())
        line = f"- {esc(r['target_id'])} {text.label(r, ctx.lang)}（{m.status(r['status'])}）{m('colon')}{esc(why)}" \
            if ctx.zh else f"- {esc(r['target_id'])} {text.label(r, ctx.lang)} ({m.status(r['status'])}): {esc(why)}"
        if r["target_id"] in searched.index:
            found = searched.loc[r["target_id"]]
            link = f"data_sources.html#{search_anchor(r['target_id'])}"
            line += (" " + m("text.gap_search", date=esc(found["searched_on"]),
                             reason=esc(found["reason_zh" if ctx.zh else "reason_en"]))
                     + f" [{m('text.search_log_link')}]({link})")
        lines.append(line)
    return [Markdown(m("text.gaps_lead") + "\n\n" + "\n".join(lines))]
