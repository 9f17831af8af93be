"""The overview page: headline targets, the count of statuses, the status of every target by report year."""

from __future__ import annotations

import pandas as pd

from ..vocabulary import (
    GAP_STATUSES,
    IMPLEMENTED,
    LEVEL_ORDER,
    LEVEL_RANK,
    MILESTONE_KIND,
    PARTLY_DONE,
    PLANNED,
    RATED_KINDS,
    SECTION_MAIN,
    UNDER_WAY,
)
from . import charts, commitments
from .context import Context, Html, Markdown, judged, status_counts
from .tables import downloads_links
from .target import target_blocks
from .text import esc


def headline(ctx: Context) -> list:
    main = ctx.dataset.sections.loc[ctx.dataset.sections["kind"] == SECTION_MAIN, "section_id"]
    targets = ctx.targets[ctx.targets["section_id"].isin(main)]
    blocks = []
    for target in targets[targets["kind"].isin(RATED_KINDS)].to_dict("records"):
        blocks += target_blocks(target, ctx)
    return blocks


def dashboard(ctx: Context) -> list:
    """The status of every quantified target rated in at least one report year, by report year (rows named by the
    targets' labels); the targets never rated are counted in a sentence, not drawn as rows of "cannot rate"."""
    lang, m = ctx.lang, ctx.m
    rated = ctx.dataset.targets[ctx.dataset.targets["kind"].isin(RATED_KINDS)]
    history = ctx.assessment_history[ctx.assessment_history["target_id"].isin(rated["target_id"])]
    labels = dict(zip(rated["target_id"], rated["label_zh" if lang == "zh" else "label_en"]))
    ever = set(history.loc[~history["status"].isin(GAP_STATUSES), "target_id"])
    if not ever:
        return [Markdown(m("text.dashboard_none", n=len(rated)))]
    chart = charts.status_heatmap(history, labels, lang, m("text.dashboard_rated_title"))
    blocks = judged(chart, ctx)
    if len(ever) < len(rated):
        blocks.insert(0, Markdown(m("text.dashboard_rated_note", rated=len(ever), unrated=len(rated) - len(ever))))
    return blocks


EVIDENCED = (IMPLEMENTED, PARTLY_DONE, UNDER_WAY)
#: the findings name each rated target (with its grounds) when at most this many are rated, else count them
MAX_NAMED = 3
#: a part of the plan is named best or least evidenced only if it has at least this many commitments
MIN_PART_SIZE = 3


def rated_targets(ctx: Context):
    return ctx.targets[ctx.targets["kind"].isin(RATED_KINDS)]


def findings(ctx: Context) -> list[str]:
    """Three to five sentences stating the edition's findings with numbers (codes and numbers here, words in the
    message catalogue)."""
    m = ctx.m
    rated = rated_targets(ctx)
    levels = ctx.commitments["level"]
    milestones = ctx.commitments[ctx.commitments["kind"] == MILESTONE_KIND]
    tally = status_counts(rated)
    unratable = sum(tally[s] for s in GAP_STATUSES)
    out = []
    if unratable == len(rated):
        out.append(m("findings.quantified_none", all=len(ctx.dataset.targets), total=len(rated)))
    else:
        label = "label_zh" if ctx.zh else "label_en"
        named = {s: rated[rated["status"] == s] for s, n in tally.items() if n and s not in GAP_STATUSES}
        few = len(rated) - unratable <= MAX_NAMED
        parts = m("findings.status_sep").join(
            m("findings.rated_one", status=m.status(s), n=len(rows), labels=m("list_sep").join(
                m("findings.rated_label", label=esc(r[label]), route=m.route(r["route"])) for r in rows.to_dict("records")))
            if few else m("findings.rated_count", status=m.status(s), n=len(rows))
            for s, rows in named.items())
        by_route = rated.loc[~rated["status"].isin(GAP_STATUSES), "route"].value_counts()
        routes = "" if few else m("findings.routes", routes=m("detail_sep").join(
            m("findings.route_count", n=int(n), route=m.route(r)) for r, n in by_route.items()))
        out.append(m("findings.quantified", all=len(ctx.dataset.targets), total=len(rated),
                     rated=len(rated) - unratable, parts=parts, routes=routes, unrated=unratable))
    said_milestones = ""
    if len(milestones):
        by_level = {lv: milestones[milestones["level"] == lv] for lv in LEVEL_ORDER}
        said_milestones = m("findings.milestones", total=len(milestones), parts=m("detail_sep").join(
            m("findings.milestone_one", level=m("level." + lv), n=len(rows))
            + "".join(m("findings.parts_detail", parts=detail) for r in rows.to_dict("records")
                      if lv == PARTLY_DONE and (detail := commitments.parts_detail(r, m)))
            for lv, rows in by_level.items() if len(rows)))
    if len(levels):
        evidenced = int(levels.isin(EVIDENCED).sum())
        out.append(m("findings.commitments", total=len(levels), evidenced=evidenced,
                     pct=round(100 * evidenced / len(levels)), implemented=int((levels == IMPLEMENTED).sum()),
                     planned=int((levels == PLANNED).sum()), none=len(levels) - evidenced - int((levels == PLANNED).sum()),
                     milestones=said_milestones))
        by = ctx.commitments.assign(ev=levels.isin(EVIDENCED)).groupby("section_id", sort=False)["ev"].agg(["sum", "size"])
        main = set(ctx.dataset.sections.loc[ctx.dataset.sections["kind"] == SECTION_MAIN, "section_id"])
        by = by[(by["size"] >= MIN_PART_SIZE) & ~by.index.isin(main)]  # the key projects, mechanisms, safeguards
        if len(by) >= 2:
            share = by["sum"] / by["size"]
            best, worst = share.idxmax(), share.idxmin()
            if share[best] > share[worst]:
                names = ctx.part_names()
                out.append(m("findings.parts", best=names[best], best_n=int(by.loc[best, "sum"]),
                             best_total=int(by.loc[best, "size"]), worst=names[worst],
                             worst_n=int(by.loc[worst, "sum"]), worst_total=int(by.loc[worst, "size"])))
    before = ctx.previous_commitments
    if before is not None and len(levels):
        pair = ctx.commitments[["target_id", "level"]].merge(before[["target_id", "level"]], on="target_id",
                                                             suffixes=("", "_before"))
        up = int((pair["level"].map(LEVEL_RANK) > pair["level_before"].map(LEVEL_RANK)).sum())
        out.append(m("findings.moved_up", year=ctx.report_year - 1, n=up) if up
                   else m("findings.none_moved", year=ctx.report_year - 1))
    return out


def section_status_frame(ctx: Context) -> pd.DataFrame:
    """Quantified targets per part of the plan and status, parts in the plan's order."""
    names = ctx.part_names()
    frame = rated_targets(ctx).groupby(["section_id", "status"], sort=False).size().rename("count").reset_index()
    frame["part"] = frame["section_id"].map(names)
    order = list(names)
    return frame.sort_values("section_id", key=lambda col: col.map(order.index), kind="stable")


def counts(ctx: Context) -> list:
    """The answer first: findings in sentences, then quantified targets by status and commitments by implementation
    level, counted separately, each with its chart by part of the plan."""
    m = ctx.m
    rated = rated_targets(ctx)
    tally = status_counts(rated)
    parts = m("detail_sep").join(m.count(m.status(s), n) for s, n in tally.items() if n)
    items = "".join(f"<li>{esc(line)}</li>" for line in findings(ctx))
    # the page's own heading names the findings (the landing page's box carries a lead line of its own)
    return [Html(f'<div class="findings"><ul>{items}</ul></div>'), *status_chart(ctx),
            Markdown(m("commitments.quantified_sentence", total=len(rated), parts=parts)),
            *commitments.overview_counts(ctx), downloads_links(ctx)]


def status_chart(ctx: Context) -> list:
    """The rated quantified targets by part of the plan and status; the targets that cannot be rated are counted
    in a sentence, not drawn (a chart of them would plot the absence of data)."""
    m = ctx.m
    frame = section_status_frame(ctx)
    total = int(frame["count"].sum())
    shown = frame[~frame["status"].isin(GAP_STATUSES)]
    if charts.all_gaps(frame["status"]):
        return [Markdown(m("findings.status_chart_none", n=total))]
    rated = int(shown["count"].sum())
    chart = charts.section_status_chart(shown, ctx.lang, m("findings.status_chart_rated_title", year=ctx.report_year))
    blocks = judged(chart, ctx)
    if rated < total:  # after the chart: the answer and its chart open the page, on a phone too
        blocks.append(Markdown(m("findings.status_chart_unrated", rated=rated, unrated=total - rated)))
    return blocks
