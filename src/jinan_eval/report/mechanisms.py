"""The policy-mechanisms page: each mechanism's commitments, then the figures collected that bear on it."""

from __future__ import annotations

from ..vocabulary import PERIOD_YEAR, SECTION_MECHANISM, SECTION_SAFEGUARD
from . import charts
from .commitments import section_blocks
from .context import Context, Html, Markdown
from .tables import observation_table
from .text import esc


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
            levels = rows[(rows["measure"] == "level") & (rows["period"] == PERIOD_YEAR)]
            if levels["year"].nunique() >= 2 and levels["unit"].nunique() == 1:
                name = ctx.name(ind)
                blocks.append(charts.target_chart(name, levels, ctx.dataset.regions,
                                                  m("chart.level", name=name, unit=m.unit(levels["unit"].iloc[0])), ctx.lang,
                                                  colours=colours))
        blocks.append(Html(f"<details><summary>{m('text.evidence')}{m.paren(len(evidence))}</summary>"))
        blocks[-1] = Html(blocks[-1].html + observation_table(evidence, ctx, with_indicator=True).html + "</details>")
    return blocks
