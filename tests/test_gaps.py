"""Data gaps and the search log: which targets an edition cannot rate, and the record of each search."""

from __future__ import annotations

import pandas as pd

from jinan_eval.assess import assess_edition
from jinan_eval.assess.gaps import data_gaps, latest_search, unlogged
from jinan_eval.data import load_dataset
from jinan_eval.edition.book import latest_edition_year
from jinan_eval.report.context import with_assessment


def log_rows(*entries: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"target_id": t, "searched_on": d, "outcome": o, "queries": "q", "where_searched": "w",
          "reason_zh": f"原因 {t} {d}", "reason_en": f"reason {t} {d}", "closest_url": None} for t, d, o in entries])


def assessed(*statuses: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"target_id": t, "status": s, "label_zh": t, "label_en": t} for t, s in statuses])


def test_latest_search_keeps_the_newest_entry_of_each_target():
    log = log_rows(("A-1", "2026-11-25", "nothing_found"), ("A-1", "2025-03-01", "found_partial_only"),
                   ("B-1", "2025-03-01", "nothing_found"))
    latest = latest_search(log).set_index("target_id")
    assert latest.loc["A-1", "searched_on"] == "2026-11-25"
    assert latest.loc["A-1", "outcome"] == "nothing_found"
    assert len(latest) == 2


def test_gaps_are_unrated_targets_with_their_search():
    targets = assessed(("A-1", "insufficient_data"), ("A-2", "achieved"), ("A-3", "insufficient_data"),
                       ("A-4", "not_quantified"), ("A-5", "insufficient_data"))
    log = log_rows(("A-1", "2026-11-25", "found_partial_only"), ("A-2", "2026-11-25", "found_full"),
                   ("A-3", "2026-11-25", "nothing_found"))
    gaps = data_gaps(targets, log)
    assert gaps["target_id"].tolist() == ["A-1", "A-3", "A-5"]
    assert gaps.set_index("target_id").loc["A-3", "reason_en"] == "reason A-3 2026-11-25"
    assert unlogged(gaps) == ["A-5"]


def test_every_gap_of_the_default_edition_has_a_search_log_entry():
    dataset = load_dataset()
    year = latest_edition_year(dataset)
    targets = with_assessment(dataset.targets, assess_edition(dataset, year))
    gaps = data_gaps(targets, dataset.search_log)
    assert unlogged(gaps) == [], "each target without usable data needs a row in the plan's search_log.csv"
    # the gaps are exactly the targets the edition could not rate
    unrated = targets.loc[targets["status"].isin(["insufficient_data"]), "target_id"]
    assert sorted(gaps["target_id"]) == sorted(unrated)


def test_every_commitment_without_evidence_has_a_search_log_entry():
    from jinan_eval.assess import commitment_levels

    dataset = load_dataset()
    levels = commitment_levels(dataset, latest_edition_year(dataset))
    without = set(levels.loc[levels["level"].isin(["no_public_evidence", "overdue_no_evidence"]), "target_id"])
    assert without, "the shipped data has commitments still without evidence"
    assert sorted(without - set(dataset.search_log["target_id"])) == [], \
        "each commitment without evidence needs a row in the plan's search_log.csv: what was looked for, who holds it"
