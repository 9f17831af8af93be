"""Implementation assessment of the plan's commitments without a number of their own (methods chapter,
"implementation"): tasks, provincially allocated tasks, milestones — and, from them, each section
(key project, policy mechanism, safeguard).

The level of a commitment in report year Y is computed by rule from dated, cited evidence rows, never typed in:

* only evidence dated in the plan period and no later than Y counts;
* each row's **event** decides the level it supports (vocabulary.LEVEL_OF_EVENT): a plan, notice or arrangement
  issued → planned; implementation steps → under way; the commitment completed or its result reported → implemented;
* the level is the highest one evidenced (implemented > under way > planned);
* a **milestone** is judged by the milestone rule: implemented when every part it names (targets.csv, parts_zh) is
  evidenced as completed, partly completed when some are; otherwise as any commitment, and past its deadline with no
  part completed, ``overdue_no_evidence``;
* without evidence: ``no_public_evidence``.

A section is judged from its commitments only: the **median** level of its commitments (ranked implemented 3,
partly completed and under way 2, planned 1, none 0), with the distribution shown beside it.
"""

from __future__ import annotations

import pandas as pd

from ..data.load import date_year, milestone_parts
from ..vocabulary import (
    COMMITMENT_KINDS,
    COMPLETION_EVENTS,
    IMPLEMENTED,
    LEVEL_OF_EVENT,
    LEVEL_ORDER,
    LEVEL_RANK,
    MILESTONE_KIND,
    NO_PUBLIC_EVIDENCE,
    OVERDUE,
    PARTLY_DONE,
    PLANNED,
    UNDER_WAY,
)

COMMITMENT_COLUMNS = ("target_id", "report_year", "level", "evidence_count", "latest_event_date", "source_id",
                      "parts_done")
_BY_RANK = {3: IMPLEMENTED, 2: UNDER_WAY, 1: PLANNED, 0: NO_PUBLIC_EVIDENCE}


def evidence_up_to(evidence: pd.DataFrame, report_year: int, first_year: int) -> pd.DataFrame:
    """Evidence an edition may use: dated from the plan's first year up to the report year, each row with the level
    its event supports (column ``level``)."""
    years = evidence["event_date"].map(date_year)
    usable = evidence.loc[years.notna() & (years >= first_year) & (years <= report_year)]
    return usable.assign(level=usable["event"].map(LEVEL_OF_EVENT))


def parts_completed(rows: pd.DataFrame, parts: list[str]) -> list[str]:
    """The parts of a milestone its completion events cover (an event naming no part completes an unnamed one)."""
    done = rows.loc[rows["event"].isin(COMPLETION_EVENTS)]
    named = {str(p).strip() for p in done.get("part", pd.Series(dtype=object)).fillna("")} if not done.empty else set()
    return [p for p in parts if p in named]


def commitment_level(rows: pd.DataFrame, kind: str, deadline: int | None, report_year: int,
                     parts: list[str] | None = None) -> str:
    """The level of one commitment from its usable evidence rows (see the module docstring)."""
    rank = max((LEVEL_RANK[level] for level in rows["level"]), default=0)
    if kind != MILESTONE_KIND:
        return _BY_RANK[rank]
    parts = parts or [""]
    done = parts_completed(rows, parts)
    if len(done) == len(parts):
        return IMPLEMENTED
    if done:
        return PARTLY_DONE
    rank = min(rank, LEVEL_RANK[UNDER_WAY])  # a completion event of another part cannot complete this milestone
    if deadline is not None and report_year > deadline:
        return OVERDUE
    return _BY_RANK[rank]


def assess_commitments(targets: pd.DataFrame, evidence: pd.DataFrame, report_year: int,
                       first_year: int) -> pd.DataFrame:
    """One row per commitment (kinds in COMMITMENT_KINDS): level, number of events, latest event, its source, and
    for a milestone the parts evidenced as completed."""
    usable = evidence_up_to(evidence, report_year, first_year)
    by_target = {key: rows for key, rows in usable.groupby("target_id", sort=False)}
    empty = usable.iloc[0:0]
    rows = []
    for target in targets.loc[targets["kind"].isin(COMMITMENT_KINDS)].to_dict("records"):
        events = by_target.get(target["target_id"], empty)
        deadline = None if pd.isna(target.get("target_year")) else int(target["target_year"])
        parts = milestone_parts(target) if target["kind"] == MILESTONE_KIND else []
        level = commitment_level(events, target["kind"], deadline, report_year, parts)
        best = events.assign(_rank=events["level"].map(LEVEL_RANK)).sort_values(
            ["_rank", "event_date"], ascending=False, kind="stable") if not events.empty else events
        rows.append({
            "target_id": target["target_id"],
            "report_year": int(report_year),
            "level": level,
            "evidence_count": int(len(events)),
            "latest_event_date": str(events["event_date"].max()) if not events.empty else "",
            "source_id": str(best["source_id"].iloc[0]) if not best.empty else "",
            "parts_done": ";".join(p for p in parts_completed(events, parts) if p) if parts else "",
        })
    return pd.DataFrame(rows, columns=list(COMMITMENT_COLUMNS)).astype(
        {"report_year": "int64", "evidence_count": "int64"})


def section_judgement(levels: pd.Series) -> tuple[str, dict[str, int]]:
    """A section's level (the median of its commitments' ranks, rounded down) and the count of each level."""
    counts = {level: int((levels == level).sum()) for level in LEVEL_ORDER}
    if levels.empty:
        return NO_PUBLIC_EVIDENCE, counts
    ranks = sorted(LEVEL_RANK[level] for level in levels)
    median = ranks[(len(ranks) - 1) // 2]  # the lower median: at least half of the commitments reach it
    return _BY_RANK[median], counts
