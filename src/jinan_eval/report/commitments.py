"""Commitments without a number on a page: each with its implementation level and the evidence behind it, a
section's overall judgement and the distribution of levels (methods chapter, "implementation")."""

from __future__ import annotations

import pandas as pd

from ..assess import section_judgement
from ..data.load import milestone_parts
from ..vocabulary import LEVEL_ORDER, LEVEL_RANK, MILESTONE_KIND, NO_PUBLIC_EVIDENCE, OVERDUE
from . import charts, text
from .context import Context, Html, Markdown, judged
from .tables import grade_badge, html_table
from .text import esc


def _event_line(event: dict, ctx: Context) -> str:
    m = ctx.m
    what = esc(event["what_zh"] if ctx.zh else event["what_en"])
    link = event.get("link")
    issuer = esc(event.get("source_issuer") or "")
    source = (f'<a href="{esc(link)}" rel="noopener">{issuer or esc(event.get("source_title"))}</a>'
              if isinstance(link, str) else issuer)
    return (m("commitments.evidence_line", date=esc(event["event_date"]), what=what)
            + f" <small>{m.paren(source + ' ' + grade_badge(event.get('source_grade'), m)).strip()}</small>")


def _evidence_cell(target_id: str, ctx: Context, leads: str) -> str:
    """The commitment's evidence, the strongest first; without any, whom to ask (the plan's lead departments)."""
    events = ctx.evidence[ctx.evidence["target_id"] == target_id]
    if events.empty:
        return f'<small>{ctx.m("commitments.holder", holder=esc(leads))}</small>' if leads else ""
    ordered = events.assign(_rank=events["level"].map(LEVEL_RANK)).sort_values(
        ["_rank", "event_date"], ascending=False, kind="stable").to_dict("records")
    cell = _event_line(ordered[0], ctx)
    if len(ordered) > 1:
        more = "".join(f"<li>{_event_line(e, ctx)}</li>" for e in ordered[1:])
        cell += (f"<details><summary>{ctx.m('commitments.more_events', n=len(ordered) - 1)}</summary>"
                 f"<ul>{more}</ul></details>")
    return cell


def commitment_table(rows: pd.DataFrame, ctx: Context) -> Html:
    """One line per commitment: what the plan says, its level, and the evidence (or who would know)."""
    m = ctx.m
    lines = []
    for rec in rows.to_dict("records"):
        kind = "" if rec["kind"] == "qualitative" else f"<br><small>{m.kind(rec['kind'])}{parts_text(rec, m)}</small>"
        lines.append(f'<tr id="c-{esc(rec["target_id"]).lower()}"><td>{esc(ctx.ref(rec["target_id"]))} '
                     f"{text.label(rec, ctx.lang)}{kind}</td><td>{text.level_badge(rec['level'], m)}</td>"
                     f"<td>{_evidence_cell(rec['target_id'], ctx, ctx.leads(rec['section_id']))}</td></tr>")
    head = [m("commitments.column_commitment"), m("commitments.column_level"), m("commitments.column_evidence")]
    return Html(html_table(head, lines, "jinan-table commitments"))


def parts_text(rec: dict, m) -> str:
    """For a milestone naming parts: each part and whether it is evidenced as completed (the milestone rule)."""
    detail = parts_detail(rec, m)
    return m("colon") + detail if detail else ""


def parts_detail(rec: dict, m) -> str:
    """Each part a milestone names and whether it is evidenced as completed; "" when it names none."""
    if rec["kind"] != MILESTONE_KIND:
        return ""
    names = milestone_parts({"parts_zh": rec.get("parts_zh")})
    if names == [""]:
        return ""
    shown = milestone_parts({"parts_zh": rec.get("parts_zh" if m.zh else "parts_en")})
    done = set(str(rec.get("parts_done") or "").split(";"))
    items = [m("commitments.part_state", part=esc(show), state=m("commitments.part_done" if name in done
                                                                   else "commitments.part_open"))
             for name, show in zip(names, shown)]
    return m("detail_sep").join(items)


def counts_text(levels: pd.Series, m) -> str:
    counts = {level: int((levels == level).sum()) for level in LEVEL_ORDER}
    return m("detail_sep").join(m.count(m(f"level.{lv}"), n) for lv, n in counts.items() if n)


def level_chart(rows: pd.DataFrame, ctx: Context) -> list:
    """The chart of implementation levels of some commitments, with its source line; a sentence instead when
    none of them has evidence (a chart of "no public evidence" alone would plot the absence of data)."""
    if charts.all_gaps(rows["level"]):
        return [Markdown(ctx.m("commitments.chart_none"))]
    counts = rows["level"].value_counts()
    frame = pd.DataFrame({"level": [lv for lv in LEVEL_ORDER if counts.get(lv, 0)],
                          "count": [int(counts[lv]) for lv in LEVEL_ORDER if counts.get(lv, 0)]})
    return judged(charts.level_counts_chart(frame, ctx.lang, ctx.m("commitments.chart_title")), ctx)


def section_blocks(ctx: Context, section_id: str, chart: bool = True) -> list:
    """A part of the plan: its overall judgement, the table of its commitments and the chart of their levels."""
    m = ctx.m
    rows = ctx.commitments[ctx.commitments["section_id"] == section_id]
    if rows.empty:
        return [Markdown(m("commitments.none_in_section"))]
    level, _ = section_judgement(rows["level"])
    blocks = [Markdown(m("commitments.section_summary", level=text.level_badge(level, m),
                         counts=counts_text(rows["level"], m)))]
    if chart:
        blocks += level_chart(rows, ctx)
    blocks.append(commitment_table(rows, ctx))
    return blocks


def overview_counts(ctx: Context) -> list:
    """Counts of implementation levels, and the chart of levels by part of the plan."""
    m = ctx.m
    rows = ctx.commitments
    blocks = [Markdown(m("commitments.count_sentence", total=len(rows), parts=counts_text(rows["level"], m)))]
    frame = (rows.groupby(["section_id", "level"]).size().rename("count").reset_index())
    frame["part"] = frame["section_id"].map(ctx.part_names())
    order = list(dict.fromkeys(ctx.dataset.sections["section_id"]))
    frame = frame.sort_values("section_id", key=lambda col: col.map(order.index))
    if charts.all_gaps(frame["level"]):
        return blocks + [Markdown(m("commitments.chart_none"))]
    blocks += judged(charts.level_counts_chart(frame, ctx.lang, m("commitments.overview_chart_title",
                                                                  year=ctx.report_year), by="part"), ctx)
    return blocks


def unevidenced(ctx: Context) -> pd.DataFrame:
    """Commitments of the edition with no citable evidence (the gaps of the implementation assessment)."""
    return ctx.commitments[ctx.commitments["level"].isin((NO_PUBLIC_EVIDENCE, OVERDUE))]
