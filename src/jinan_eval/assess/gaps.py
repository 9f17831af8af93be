"""Data gaps: the targets an edition cannot rate, each paired with the record of how its data was searched for.

A gap is a quantified target rated "insufficient data". The search log
(``plans/<plan-id>/search_log.csv``) says for each what was searched, where and when, and why nothing usable came of it,
so that a gap reads as a fact about what is published rather than about effort.
"""

from __future__ import annotations

import pandas as pd

from ..vocabulary import ADDITION_KINDS, GAP_STATUSES, MILESTONE_KIND, OBSERVED, PERIOD_YEAR

LOG_COLUMNS = ("searched_on", "outcome", "queries", "where_searched", "reason_zh", "reason_en", "closest_url")


def wanted_years(target: dict, report_year: int, plan_base_year: int) -> range:
    """The years whose figure a target needs by ``report_year``: from its base year, whose level a change or a
    bound is measured from (from the year after it for additions and milestones, which start from nothing), to the
    report year, at most the target year."""
    first = int(target["base_year"]) if pd.notna(target.get("base_year")) else plan_base_year
    if target["kind"] in ADDITION_KINDS + (MILESTONE_KIND,):
        first += 1
    last = min(report_year, int(target["target_year"]) if pd.notna(target.get("target_year")) else report_year)
    return range(first, last + 1)


def missing_years(observations: pd.DataFrame, target: dict, region: str, years) -> list[int]:
    """Of ``years``, those with no full-year published figure of ``region`` for the target's indicator."""
    obs = observations
    have = obs[(obs["indicator_key"] == target.get("indicator_key")) & (obs["region"] == region)
               & (obs["record_type"] == OBSERVED) & (obs["period"] == PERIOD_YEAR)]
    present = set(have["year"].astype(int))
    return [y for y in years if y not in present]


def latest_search(search_log: pd.DataFrame) -> pd.DataFrame:
    """The most recent search-log entry of each target (one row per target_id)."""
    ordered = search_log.sort_values(["target_id", "searched_on"], kind="stable")
    return ordered.drop_duplicates("target_id", keep="last").reset_index(drop=True)


def search_rounds(search_log: pd.DataFrame, target_id: str) -> pd.DataFrame:
    """Every search-log entry of one target, oldest first (each search round keeps its own record)."""
    rounds = search_log.loc[search_log["target_id"] == target_id]
    return rounds.sort_values("searched_on", kind="stable").reset_index(drop=True)


def data_gaps(targets: pd.DataFrame, search_log: pd.DataFrame) -> pd.DataFrame:
    """Targets of an assessed edition that have no rating, with their latest search (empty columns if none).

    ``targets`` is the plan's targets joined with the edition's assessment (it needs ``status``).
    """
    gaps = targets[targets["status"].isin(GAP_STATUSES)]
    searched = latest_search(search_log)[["target_id", *LOG_COLUMNS]]
    return gaps.merge(searched, on="target_id", how="left").reset_index(drop=True)


def unlogged(gaps: pd.DataFrame) -> list[str]:
    """Gap targets that no search-log entry accounts for."""
    return gaps.loc[gaps["searched_on"].isna(), "target_id"].tolist()
