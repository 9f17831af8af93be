"""The overview page: headline targets, the count of statuses, the status of every target by report year."""

from __future__ import annotations

import pandas as pd

from ..vocabulary import RATED_KINDS, SECTION_MAIN
from . import charts, commitments
from .context import Context, Markdown, status_counts
from .tables import downloads_links
from .target import target_blocks


def headline(ctx: Context) -> list:
    main = ctx.dataset.sections.loc[ctx.dataset.sections["kind"] == SECTION_MAIN, "section_id"]
    targets = ctx.targets[ctx.targets["section_id"].isin(main)]
    blocks = []
    for target in targets[targets["kind"].isin(RATED_KINDS)].to_dict("records"):
        blocks += target_blocks(target, ctx)
    return blocks


def dashboard(ctx: Context) -> list:
    lang = ctx.lang
    rated = ctx.dataset.targets[ctx.dataset.targets["kind"].isin(RATED_KINDS)]
    history = ctx.assessment_history[ctx.assessment_history["target_id"].isin(rated["target_id"])]
    labels = dict(zip(rated["target_id"], rated["label_zh" if lang == "zh" else "label_en"]))
    return [charts.status_heatmap(history, labels, lang, ctx.m("text.dashboard_title"))]


def counts(ctx: Context) -> list:
    """Quantified targets by status and commitments by implementation level, counted separately."""
    m = ctx.m
    rated = ctx.assessment[ctx.assessment["target_id"].isin(
        ctx.dataset.targets.loc[ctx.dataset.targets["kind"].isin(RATED_KINDS), "target_id"])]
    tally = status_counts(rated)
    frame = pd.DataFrame({"status": list(tally), "count": list(tally.values())})
    parts = m("detail_sep").join(f"{m.status(s)} {n}" for s, n in tally.items() if n)
    return [Markdown(m("commitments.quantified_sentence", total=len(rated), parts=parts)),
            charts.status_counts_chart(frame[frame["count"] > 0], ctx.lang, m("text.counts_title", year=ctx.report_year)),
            *commitments.overview_counts(ctx), downloads_links(ctx)]
