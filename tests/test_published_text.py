"""What an edition publishes reads like a statistical annex: no word about how a figure was collected or looked
for, no collectors' jargon, no float noise — in every download (CSV, the workbooks) and on every page of editions
2021–2025 (the notebook pages, from the edition's page list, and the generated pages: landing, changes, methods,
data dictionary, how to review). The evaluation team's search record stays in the repository: no edition publishes
it.
"""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest

from jinan_eval.edition.book import EditionResults, edition_years
from jinan_eval.edition.downloads import write_downloads
from jinan_eval.report.tables import REQUEST_WORKBOOK, workbook_name

from conftest import shipped_dataset
from e2e_helpers import edition_blocks

DATASET = shipped_dataset()
COLLECTION_WORDS = re.compile(
    r"转载|镜像|\brepost|\bmirror|\bvia\b|page returned|no URL|stored (?:page|copy|text)|excerpt|spam|low[- ]quality"
    r"|invented|reliab|verify (?:on|against)|search tool|collected/|returned by|headline not|title from|原指标|PARTIAL YEAR"
    r"|\bnote:|collector"
    # how figures were looked for (the search record's words): never published
    r"|检索|search(?:ed|es|ing)? (?:tool|corpus|for)|\bcorpus|\bround \d+\b|最接近的线索|look-?ups?"
    r"|\bquer(?:y|ies)\b|\bsearch log|\bsearched\b",
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
    assert "search_log" not in book.sheetnames
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            found += [str(v) for v in row if v is not None]
    assert hits(found) == []


def page_text(blocks: list) -> list[str]:
    return [getattr(b, "text", None) or getattr(b, "html", "") for b in blocks if not hasattr(b, "to_dict")]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("year", edition_years(DATASET))
def test_pages_carry_no_collection_notes_or_float_noise(year, lang):
    assert hits(page_text(edition_blocks(DATASET, year, lang))) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_generated_pages_carry_no_collection_notes(lang, tmp_path):
    from jinan_eval.edition.book import Edition, manifest_for, markdown_pages

    year = max(edition_years(DATASET))
    manifest = manifest_for(Edition(year, lang), DATASET, DATASET.data_dir)
    pages = markdown_pages(Edition(year, lang), DATASET, manifest, EditionResults.compute(DATASET, year), tmp_path)
    assert set(pages) >= {"index.md", "changes.md", "methods.md", "data_dictionary.md", "how_to_review.md"}
    found = [f"{name}: {line}" for name, text in pages.items() for line in text.splitlines() if hits([line])]
    assert found == []


def test_no_download_is_the_search_record(downloads):
    assert not list(downloads.glob("search_log*"))


def test_the_scan_catches_how_figures_were_looked_for():
    for said in ("检索范围：search tool, pages corpus (stored page openings), ~66 queries", "第三轮5次检索",
                 "最接近的线索", "Round 3 (1 look-up)", "searched on 2026-11-25"):
        assert hits([said]), said


def test_the_scan_catches_collection_notes_and_noise():
    assert hits(["新黄河 (腾讯新闻客户端转载)", "Xinhua (via People's Daily)", "-18.799999999999994",
                 "headline not shown in search excerpt", "0.8999999999999999"]) and hits(["济南日报"]) == []
