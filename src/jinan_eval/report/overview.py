"""The overview page: headline targets, the count of statuses, the status of every target by report year."""

from __future__ import annotations

import pandas as pd

from ..vocabulary import RATED_KINDS, SECTION_MAIN
from . import charts, text
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
    tally = status_counts(ctx.assessment)
    frame = pd.DataFrame({"status": list(tally), "count": list(tally.values())})
    title = ctx.m("text.counts_title", year=ctx.report_year)
    return [Markdown(text.status_count_sentence(tally, len(ctx.assessment), ctx.m)),
            charts.status_counts_chart(frame[frame["count"] > 0], ctx.lang, title), downloads_links(ctx)]
