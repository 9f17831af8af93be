"""The policy-mechanisms page: each mechanism's commitments, then the figures collected that bear on it."""

from __future__ import annotations

import pandas as pd

from ..vocabulary import MEASURE_LEVEL, SECTION_MECHANISM, SECTION_SAFEGUARD
from . import charts
from .commitments import section_blocks
from .context import Context, Html, Markdown
from .tables import observation_table
from .target import source_line
from .text import esc


def chart_rows(rows: pd.DataFrame, region: str) -> pd.DataFrame:
    """The levels of one indicator a mechanism's chart draws, or none: a chart needs a figure of the region
    assessed (the other regions' figures are benchmarks beside it), figures of at least two years and one unit.
    A part-year figure counts and is drawn as such (hollow): the region's latest figure is often one (a balance at
    the end of a quarter); figures on another accounting basis are left to the table."""
    levels = rows[rows["measure"] == MEASURE_LEVEL]
    if "basis" in levels.columns:
        levels = levels[levels["basis"].isna()]
    if not (levels["region"] == region).any() or levels["year"].nunique() < 2 or levels["unit"].nunique() != 1:
        return levels.iloc[0:0]
    return levels


def mechanism_blocks(ctx: Context) -> list:
    m = ctx.m
    blocks = []
    sections = ctx.dataset.sections[ctx.dataset.sections["kind"].isin((SECTION_MECHANISM, SECTION_SAFEGUARD))]
    colours = charts.region_colours(ctx.region, ctx.plan.benchmarks)
    for sec in sections.to_dict("records"):
        title = sec["title_zh"] if ctx.zh else sec["title_en"]
        blocks.append(Markdown(f"**{esc(sec['number_zh'])} {esc(title)}**"))
        blocks += section_blocks(ctx, sec["section_id"], chart=False)
        keys = ctx.dataset.indicators.loc[ctx.dataset.indicators["section_id"] == sec["section_id"], "indicator_key"]
        evidence = ctx.observations[ctx.observations["indicator_key"].isin(keys)]
        if evidence.empty:
            continue
        for key, rows in evidence.groupby("indicator_key", sort=False):
            ind = ctx.indicator(key)
            levels = chart_rows(rows, ctx.region)
            if not levels.empty:
                name, unit = ctx.name(ind), levels["unit"].iloc[0]
                blocks += [charts.target_chart(name, levels, ctx.dataset.regions,
                                               m("chart.level", name=name, unit=m.unit(unit)), ctx.lang,
                                               colours=colours),
                           Html(source_line(levels, unit, ctx))]
        blocks.append(Html(f"<details><summary>{m('text.evidence')}{m.paren(len(evidence))}</summary>"))
        blocks[-1] = Html(blocks[-1].html + observation_table(evidence, ctx, with_indicator=True).html + "</details>")
    return blocks
