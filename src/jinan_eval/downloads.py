"""The data an edition publishes beside its pages: CSV files and one Excel workbook with the same sheets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .assess import assess_all_years
from .data import Dataset

WORKBOOK = "jinan-eval.xlsx"
TABLE_NAMES = ("assessment", "targets", "observations", "sources", "search_log")
DOWNLOAD_FILES = tuple(f"{name}.csv" for name in TABLE_NAMES) + (WORKBOOK,)
FIRST_REPORT_YEAR = 2021


def edition_tables(dataset: Dataset, report_year: int) -> dict[str, pd.DataFrame]:
    """targets, assessment (every report year up to this one), observations (≤ year), the sources they cite and
    the search log."""
    obs = dataset.observations[dataset.observations["year"] <= report_year]
    obs = obs.drop(columns=[c for c in ("at_file", "at_line") if c in obs.columns])
    sources = dataset.sources[dataset.sources["source_id"].isin(obs["source_id"])]
    sources = sources.drop(columns=[c for c in ("at_file", "at_line") if c in sources.columns])
    targets = dataset.targets.drop(columns=[c for c in ("at_file", "at_line") if c in dataset.targets.columns])
    assessment = assess_all_years(dataset.targets, dataset.observations, dataset.indicators,
                                  range(FIRST_REPORT_YEAR, report_year + 1))
    search_log = dataset.search_log.drop(columns=[c for c in ("at_file", "at_line") if c in dataset.search_log.columns])
    return {"targets": targets, "assessment": assessment, "observations": obs, "sources": sources,
            "search_log": search_log}


def write_downloads(dataset: Dataset, report_year: int, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    tables = edition_tables(dataset, report_year)
    written = []
    for name, frame in tables.items():
        path = directory / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8-sig")  # BOM so that Excel opens Chinese text correctly
        written.append(path)
    workbook = directory / WORKBOOK
    with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    written.append(workbook)
    return written
