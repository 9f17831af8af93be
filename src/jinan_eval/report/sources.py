"""The data-and-sources page, a statistical annex: coverage of the target indicators, the figures still missing
and who holds them, what each department supplied, every source with its issuer, date and grade, and the caveats
the plan's configuration states."""

from __future__ import annotations

import pandas as pd

from ..vocabulary import GAP_STATUSES, NOT_QUANTIFIED, PERIOD_PARTIAL
from . import charts
from .context import Context, Html, Markdown
from .requests import request_for
from .tables import downloads_links, grade_badge, html_table
from .text import esc, locator_text


def coverage_blocks(ctx: Context) -> list:
    m = ctx.m
    obs = ctx.observations[ctx.observations["region"] == ctx.region]
    target_keys = ctx.dataset.targets["indicator_key"].dropna().unique()
    names = {r["indicator_key"]: ctx.name(r) for r in ctx.dataset.indicators.to_dict("records")}
    rows = []
    for key in target_keys:
        for year in range(ctx.plan.base_year - 1, ctx.report_year + 1):
            n = int(((obs["indicator_key"] == key) & (obs["year"] == year)).sum())
            rows.append({"indicator": names.get(key, key), "year": year, "rows": n})
    coverage = pd.DataFrame(rows)
    with_data = coverage.groupby("indicator")["rows"].sum()
    region = ctx.region_name()
    sentence = m("text.coverage_sentence", n=len(target_keys), with_data=int((with_data > 0).sum()),
                 without=int((with_data == 0).sum()), region=esc(region))
    return [Markdown(sentence), charts.coverage_chart(coverage, ctx.lang, m("text.coverage_title", region=region))]


#: a locator that quotes the source is cut in the list (the evidence table and the downloads hold it whole)
LOCATOR_CHARS = 60


def shorten(text: str, limit: int = LOCATOR_CHARS) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def source_blocks(ctx: Context) -> list:
    """Every source the edition uses, for a figure or for evidence of implementation, grouped by issuing body or
    outlet: one row per document, with its grade and what it supports; a box filters the list as one types."""
    m = ctx.m
    src = ctx.dataset.sources
    figures = ctx.observations.groupby("source_id").size()
    events = ctx.evidence.groupby("source_id").size() if not ctx.evidence.empty else pd.Series(dtype=int)
    used = src[src["source_id"].isin(figures.index) | src["source_id"].isin(events.index)]
    grades = used["grade"].value_counts()
    blocks = [Markdown(m("text.sources_count", n=len(used), issuers=used["issuer"].nunique(),
                         a=int(grades.get("A", 0)), b=int(grades.get("B", 0)), c=int(grades.get("C", 0)),
                         s=m("text.sources_supplied", n=int(grades["S"])) if grades.get("S", 0) else ""))]
    used = used.assign(figures=used["source_id"].map(figures).fillna(0).astype(int),
                       events=used["source_id"].map(events).fillna(0).astype(int),
                       link=used["url"].where(used["url"].notna(), used["retrieved_from"]))
    groups = []
    for issuer, rows in used.sort_values(["issuer", "date", "title"], na_position="last").groupby("issuer", sort=True):
        # one row per document: the rows of one document (same title, date and page) differ only in the locator
        docs = list(rows.groupby(["title", "date", "link"], sort=False, dropna=False))
        lines = [f'<tr class="source-group"><th colspan="4">{esc(issuer)} <small>{m.paren(len(docs)).strip()}</small>'
                 '</th></tr>']
        for (title_text, date, link_to), doc in docs:
            first_row = doc.iloc[0]
            title = (f'<a href="{esc(link_to)}" rel="noopener">{esc(title_text)}</a>' if isinstance(link_to, str)
                     else esc(title_text))  # a department's return or a printed book: no page to link
            if isinstance(first_row.get("supplied_by"), str) and first_row["supplied_by"]:
                title += f"<br><small>{esc(first_row['supplied_by'])}</small>"
            read_on = first_row["retrieved_from"]
            if isinstance(first_row["url"], str) and isinstance(read_on, str) and read_on != first_row["url"]:
                link = f'<a href="{esc(read_on)}" rel="noopener">{m("text.read_on")}</a>'
                title += f' <small>{m.paren(link).strip()}</small>'
            number = f"<br><small>{esc(first_row['doc_number'])}</small>" if isinstance(first_row["doc_number"], str) \
                else ""
            locators = m("detail_sep").join(esc(shorten(locator_text(x, ctx.lang)))
                                            for x in dict.fromkeys(doc["locator"].dropna()))
            supports = m("detail_sep").join(
                part for part, n in ((m("text.supports_figures", n=int(doc["figures"].sum())), int(doc["figures"].sum())),
                                     (m("text.supports_events", n=int(doc["events"].sum())), int(doc["events"].sum())))
                if n)
            lines.append(f"<tr><td>{title}{number}<br><small>{locators}</small></td>"
                         f"<td>{esc(date)}</td><td>{supports}</td>"
                         f"<td>{grade_badge(doc['grade'].min(), m)}</td></tr>")
        groups.append(f'<tbody class="source-issuer">{"".join(lines)}</tbody>')
    head = "".join(f"<th>{m(f'column.{c}')}</th>" for c in ("title", "date", "supports", "grade"))
    search = (f'<p class="table-filter"><label>{m("text.filter_sources")} '
              f'<input type="search" data-filter-table="source-list" placeholder="{esc(m("text.filter_hint"))}">'
              f'</label> <span class="table-filter-count" aria-live="polite"></span></p>')
    # folded: the annex's list of every source is looked up, not read through (printing opens it)
    blocks += [Html(f'<details class="source-list-fold"><summary>{esc(m("text.sources_open", n=len(used)))}'
                    f"</summary>{search}"
                    f'<table class="jinan-table source-list"><thead><tr>{head}</tr></thead>'
                    + "".join(groups) + "</table></details>"), downloads_links(ctx)]
    return blocks


def department_name(name: object, region_zh: str = "") -> str:
    """A department as the plan names it, whether written with the name of the plan's region or without: for a
    region named 某市, 某市统计局 and 市统计局 are both 市统计局 (the region's last character, 市 / 省 / 县, stays)."""
    text = "" if not isinstance(name, str) else name.strip()
    if len(region_zh) > 1 and text.startswith(region_zh) and len(text) > len(region_zh):
        return region_zh[-1] + text[len(region_zh):]
    return text


def department_blocks(ctx: Context) -> list:
    """Per department: the figures it supplied through the data-request workbook, the targets rated from them, and
    the targets of the parts it leads (or whose figure it holds) still without data."""
    m = ctx.m
    src = ctx.dataset.sources
    kinds = src["kind"] if "kind" in src.columns else pd.Series(None, index=src.index)
    region_zh = str(ctx.dataset.regions.set_index("region")["name_zh"].get(ctx.region, ""))
    issuer_of = {sid: department_name(i, region_zh) for sid, i, k in zip(src["source_id"], src["issuer"], kinds)
                 if k == "department"}
    obs = ctx.observations
    supplied = obs[obs["source_id"].isin(issuer_of) & (obs["region"] == ctx.region)]
    figures = supplied["source_id"].map(issuer_of).value_counts()
    rated_from: dict[str, list[str]] = {}
    targets = ctx.targets
    for rec in targets[~targets["status"].isin(GAP_STATUSES + (NOT_QUANTIFIED,))].to_dict("records"):
        for body in dict.fromkeys(issuer_of[s] for s in str(rec.get("sources") or "").split(";") if s in issuer_of):
            rated_from.setdefault(body, []).append(rec["target_id"])
    open_by: dict[str, list[str]] = {}
    for rec in targets[targets["status"].isin(GAP_STATUSES)].to_dict("records"):
        body = department_name(ctx.dataset.lead_department(rec["section_id"], rec.get("indicator_key")), region_zh)
        open_by.setdefault(body, []).append(rec["target_id"])
    bodies = sorted(set(figures.index) | set(rated_from) | set(open_by))
    lines = [f"<tr><td>{esc(b)}</td><td>{int(figures.get(b, 0))}</td>"
             f"<td>{esc(m('list_sep').join(ctx.ref(t) for t in rated_from.get(b, [])))}</td><td>{len(open_by.get(b, []))}</td></tr>"
             for b in bodies]
    head = [m(f"text.column_{c}") for c in ("department", "supplied", "rated_from", "still_open")]
    said = m.sentences(m("text.departments_lead"), "" if len(figures) else m("text.departments_none"))
    return [Markdown(said), Html(html_table(head, lines))]


def need_anchor(target_id: str) -> str:
    """HTML id of a target's row in the table of missing figures (linked from the pages that name the target)."""
    return "need-" + target_id.lower()


def missing_blocks(ctx: Context) -> list:
    """Every target this edition cannot rate, in the plan's order: the figure it lacks, the body that holds it and
    where that body normally publishes it — the data request, as a table. Nothing about how figures were looked
    for: that record stays with the evaluation team."""
    m = ctx.m
    rows = ctx.targets[ctx.targets["status"].isin(GAP_STATUSES)]
    if rows.empty:
        return [Markdown(m("text.missing_none"))]
    names = ctx.part_names()
    lines = []
    for rec in rows.to_dict("records"):
        req = request_for(ctx, rec)
        part = names.get(rec["section_id"], rec["section_id"])
        lines.append(f'<tr id="{need_anchor(req.target_id)}"><td>{req.target}<br><small>{esc(part)}</small></td>'
                     f"<td>{req.missing or req.why}</td><td>{req.holder or req.leads or '—'}</td>"
                     f"<td>{req.publication or '—'}</td></tr>")
    head = [m("column.target"), m("column.missing"), m("column.holder"), m("column.publication")]
    return [Markdown(m("text.missing_lead", n=len(rows))), Html(html_table(head, lines, "jinan-table missing"))]


def caveat_blocks(ctx: Context) -> list:
    partial = ctx.observations[ctx.observations["period"] == PERIOD_PARTIAL]
    items = [ctx.m("text.partial_caveat", n=len(partial))]
    items += [caveat[ctx.lang] for caveat in ctx.plan.caveats]
    return [Markdown("\n".join(f"- {esc(i)}" for i in items))]
