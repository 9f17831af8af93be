"""Stage 2 · assess: Dataset → assessment table (codes and numbers, no prose).

Modules: ``method`` (parameters), ``formulas`` (pure functions, the path), ``routes`` (where a position comes
from), ``targets`` (status of every target), ``gaps`` (targets an edition cannot rate, with their search log).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..data import Dataset
from .commitments import assess_commitments, section_judgement
from .method import MethodParams
from .targets import OUTPUT_COLUMNS, assess_all_years, assess_targets, status_sensitivity

__all__ = ["OUTPUT_COLUMNS", "MethodParams", "assess_all_years", "assess_edition", "assess_history",
           "assess_targets", "commitment_levels", "section_judgement", "sensitivity", "status_sensitivity"]


def assess_edition(dataset: Dataset, report_year: int, params: MethodParams | None = None) -> pd.DataFrame:
    """The assessment of every target of the dataset's plan as of ``report_year``."""
    params = params or MethodParams.for_plan(dataset.plan)
    return assess_targets(dataset.targets, dataset.graded_observations(), dataset.indicators, report_year, params,
                          dataset.graded_statements())


def assess_history(dataset: Dataset, years: Iterable[int], params: MethodParams | None = None) -> pd.DataFrame:
    """assess_edition for each report year, concatenated."""
    params = params or MethodParams.for_plan(dataset.plan)
    return assess_all_years(dataset.targets, dataset.graded_observations(), dataset.indicators, years, params,
                            dataset.graded_statements())


def sensitivity(dataset: Dataset, report_year: int, shift: float = 0.05) -> pd.DataFrame:
    """How many statuses change when both rating thresholds move by ±shift."""
    params = MethodParams.for_plan(dataset.plan)
    return status_sensitivity(dataset.targets, dataset.graded_observations(), dataset.indicators, report_year,
                              params, shift, dataset.graded_statements())


def commitment_levels(dataset: Dataset, report_year: int) -> pd.DataFrame:
    """The implementation level of every commitment as of ``report_year`` (evidence dated up to that year; a
    milestone by the milestone rule, from the completion of the parts it names)."""
    evidence = dataset.evidence if dataset.evidence is not None else pd.DataFrame(columns=["target_id", "event",
                                                                                          "event_date", "source_id"])
    return assess_commitments(dataset.targets, evidence, report_year, dataset.plan.first_year)
