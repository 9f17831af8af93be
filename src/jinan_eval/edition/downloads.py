"""The data an edition publishes beside its pages: CSV files and one Excel workbook with the same sheets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..assess.targets import published
from ..data import Dataset
from ..data.load import date_year
from ..report.tables import DOWNLOAD_TABLES, REQUEST_WORKBOOK, neutralised, workbook_name

_INTERNAL_COLUMNS = ("at_file", "at_line")
def _public(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=[c for c in _INTERNAL_COLUMNS if c in frame.columns])


def edition_tables(dataset: Dataset, history: pd.DataFrame, report_year: int,
                   commitments: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """targets, assessment (every report year up to this one, as computed for the edition), the implementation
    level of every commitment (every report year), the evidence and the responsible bodies' statements (dated up to
    the year), observations (≤ year) and the sources they all cite."""
    obs = _public(dataset.graded_observations().query("year <= @report_year"))  # each figure with its grade
    evidence = dataset.evidence if dataset.evidence is not None else pd.DataFrame(columns=["source_id", "event_date"])
    evidence = _public(evidence[evidence["event_date"].map(date_year) <= report_year]
                       if not evidence.empty else evidence)
    said = dataset.statements if dataset.statements is not None else pd.DataFrame(columns=["source_id",
                                                                                          "statement_date"])
    said = _public(said[said["statement_date"].map(date_year) <= report_year] if not said.empty
                   else said)
    cited = set(obs["source_id"]) | set(evidence["source_id"]) | set(said["source_id"])
    sources = _public(dataset.sources[dataset.sources["source_id"].isin(cited)])
    levels = commitments if commitments is not None else pd.DataFrame(columns=["target_id", "report_year", "level"])
    tables = {"assessment": published(history[history["report_year"] <= report_year]),
              "commitments": levels[levels["report_year"] <= report_year], "evidence": evidence, "statements": said,
              "targets": _public(dataset.targets), "observations": obs, "sources": sources}
    assert tuple(tables) == DOWNLOAD_TABLES
    return tables


def write_downloads(dataset: Dataset, history: pd.DataFrame, report_year: int, directory: Path,
                    commitments: pd.DataFrame | None = None, lang: str = "zh") -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    tables = edition_tables(dataset, history, report_year, commitments)
    written = []
    tables = {name: neutralised(frame) for name, frame in tables.items()}
    for name, frame in tables.items():
        path = directory / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8-sig")  # BOM so that Excel opens Chinese text correctly
        written.append(path)
    workbook = directory / workbook_name(dataset.plan)
    with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    written.append(workbook)
    from .workbook import write_request_workbook

    requests = directory / REQUEST_WORKBOOK
    # the edition's levels of this year are those the workbook would compute (the same statuses: assess_history is
    # assess_edition year by year)
    write_request_workbook(dataset, report_year, requests, None if commitments is None
                           else commitments[commitments["report_year"] == report_year], lang)
    written.append(requests)
    return written
