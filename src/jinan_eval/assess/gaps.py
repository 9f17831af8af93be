"""Data gaps: the targets an edition cannot rate, each paired with the record of how its data was searched for.

A gap is a quantified target rated "insufficient data" or a milestone rated "unknown". The search log
(``plans/<plan-id>/search_log.csv``) says for each what was searched, where and when, and why nothing usable came of it,
so that a gap reads as a fact about what is published rather than about effort.
"""

from __future__ import annotations

import pandas as pd

from ..vocabulary import GAP_STATUSES

LOG_COLUMNS = ("searched_on", "outcome", "queries", "where_searched", "reason_zh", "reason_en", "closest_url")


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
