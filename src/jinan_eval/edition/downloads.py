"""The data an edition publishes beside its pages: CSV files and one Excel workbook with the same sheets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..assess.targets import published
from ..data import Dataset
from ..report.tables import DOWNLOAD_TABLES, workbook_name

_INTERNAL_COLUMNS = ("at_file", "at_line")


def _public(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=[c for c in _INTERNAL_COLUMNS if c in frame.columns])


def edition_tables(dataset: Dataset, history: pd.DataFrame, report_year: int) -> dict[str, pd.DataFrame]:
    """targets, assessment (every report year up to this one, as computed for the edition), observations
    (≤ year), the sources they cite and the search log."""
    obs = _public(dataset.graded_observations().query("year <= @report_year"))  # each figure with its grade
    sources = _public(dataset.sources[dataset.sources["source_id"].isin(obs["source_id"])])
    tables = {"assessment": published(history[history["report_year"] <= report_year]), "targets": _public(dataset.targets),
              "observations": obs, "sources": sources, "search_log": _public(dataset.search_log)}
    assert tuple(tables) == DOWNLOAD_TABLES
    return tables


def write_downloads(dataset: Dataset, history: pd.DataFrame, report_year: int, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    tables = edition_tables(dataset, history, report_year)
    written = []
    for name, frame in tables.items():
        path = directory / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8-sig")  # BOM so that Excel opens Chinese text correctly
        written.append(path)
    workbook = directory / workbook_name(dataset.plan)
    with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    written.append(workbook)
    return written
