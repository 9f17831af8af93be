"""What an edition publishes reads like a statistical annex: no word about how a figure was collected, no
collectors' jargon, no float noise — in the downloads (CSV and xlsx) and on the pages of editions 2021–2025.

The search log is the one published record of collection by design (the data-and-sources appendix and
search_log.csv): it is left out of this scan.
"""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest

from jinan_eval.edition.book import EditionResults, edition_years
from jinan_eval.edition.downloads import write_downloads
from jinan_eval.report import mechanisms, overview, project
from jinan_eval.report.context import Context
from jinan_eval.report.tables import REQUEST_WORKBOOK, workbook_name
from jinan_eval.vocabulary import SECTION_KEY_PROJECT

from conftest import shipped_dataset

DATASET = shipped_dataset()
COLLECTION_WORDS = re.compile(
    r"转载|镜像|\brepost|\bmirror|\bvia\b|page returned|no URL|stored (?:page|copy|text)|excerpt|spam|low[- ]quality"
    r"|invented|reliab|verify (?:on|against)|search tool|collected/|returned by|headline not|title from|原指标|PARTIAL YEAR"
    r"|\bnote:|collector",
    re.IGNORECASE)
SHOUTED = re.compile(r"\b(?:TARGET|NOTE|PARTIAL)\b")  # collectors' capitalised markers
FLOAT_NOISE = re.compile(r"\d\.\d*(?:0000000|9999999)\d*")


def hits(texts) -> list[str]:
    return sorted({t[:120] for t in texts if isinstance(t, str) and (COLLECTION_WORDS.search(t) or SHOUTED.search(t)
                                                                 or FLOAT_NOISE.search(t))})


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    year = max(edition_years(DATASET))
    folder = tmp_path_factory.mktemp("downloads")
    write_downloads(DATASET, EditionResults.compute(DATASET, year).history, year, folder)
    return folder


def test_the_request_workbook_is_published_and_carries_no_collection_notes(downloads):
    book = openpyxl.load_workbook(downloads / REQUEST_WORKBOOK, read_only=True)
    found = [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row
             if v is not None]
    assert any("数据需求清单" in v for v in found)
    assert hits(found) == []


@pytest.mark.parametrize("table", ["observations", "sources", "assessment", "targets", "evidence", "commitments"])
def test_downloaded_csv_tables_carry_no_collection_notes_or_float_noise(downloads, table):
    frame = pd.read_csv(downloads / f"{table}.csv", dtype=str, keep_default_na=False)
    assert hits(frame.to_numpy().ravel().tolist()) == []


def test_the_workbook_carries_no_collection_notes_and_no_float_noise(downloads):
    book = openpyxl.load_workbook(downloads / workbook_name(DATASET.plan), read_only=True)
    found = []
    for sheet in book.worksheets:
        if sheet.title == "search_log":
            continue
        for row in sheet.iter_rows(values_only=True):
            found += [str(v) for v in row if v is not None]
    assert hits(found) == []


def page_text(ctx: Context) -> list[str]:
    blocks = overview.headline(ctx) + overview.counts(ctx)
    for section in ctx.dataset.sections.loc[ctx.dataset.sections["kind"] == SECTION_KEY_PROJECT, "section_id"]:
        blocks += project.intro(ctx, section) + project.targets(ctx, section) + project.tasks(ctx, section)
    blocks += mechanisms.mechanism_blocks(ctx)
    return [getattr(b, "text", None) or getattr(b, "html", "") for b in blocks if not hasattr(b, "to_dict")]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("year", edition_years(DATASET))
def test_pages_carry_no_collection_notes_or_float_noise(year, lang):
    assert hits(page_text(Context(DATASET, year, lang))) == []


def test_the_scan_catches_collection_notes_and_noise():
    assert hits(["新黄河 (腾讯新闻客户端转载)", "Xinhua (via People's Daily)", "-18.799999999999994",
                 "headline not shown in search excerpt", "0.8999999999999999"]) and hits(["济南日报"]) == []
