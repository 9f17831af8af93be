"""What a Chinese page may hold in Latin letters, and the scan that finds the rest (test_language: the pages'
content as generated; test_paper_phone_browser: the built HTML pages).

Exempt: what the data itself holds as published (source titles, publishers, locators, addresses, names and labels),
quotations (“…”: a document's words as it wrote them), identifiers by design (source ids, file names of the
downloads, link targets) and unit symbols. Whatever Latin-letter word remains is an internal code or an English
note that reached a Chinese page.
"""

from __future__ import annotations

import re

from jinan_eval.report import sources
from jinan_eval.report.text import locator_text

IDENTIFIERS = re.compile(
    r"\bS[0-9a-f]{8}\b"  # source ids
    r"|\]\([^)]*\)"  # Markdown link targets
    r"|[\w.-]+\.(?:csv|xlsx|html)(?:#[\w-]+)?"  # download and page file names
    r"|\bID\b"  # the source-id column's heading
)
#: unit symbols and acronyms a Chinese text writes as they are
UNIT_SYMBOLS = ("PUE", "TEU")


def data_strings(dataset) -> list[str]:
    """Text the data holds as published (titles, names, places): shown verbatim, not the report's words; longest
    first. Units are not exempt (the page prints them in its language, Messages.unit); unit symbols are."""
    values: set[str] = set(UNIT_SYMBOLS)
    frames = ((dataset.sources, ("title", "issuer", "locator", "url", "retrieved_from", "date", "doc_number")),
              (dataset.indicators, ("name_zh", "holder_zh", "publication_zh", "conversion_zh")),
              (dataset.targets, ("label_zh",)), (dataset.sections, ("title_zh", "lead_departments_zh")),
              (dataset.regions, ("name_zh",)),
              (dataset.evidence, ("what_zh", "quote")))
    for frame, columns in frames:
        for column in columns:
            values |= {str(v) for v in frame[column].dropna()}
    # as the pages show them: the place in Chinese, the document's words quoted (cut in the source list)
    shown = [locator_text(str(v), "zh") for v in dataset.sources["locator"].dropna()]
    values |= set(shown) | {sources.shorten(v) for v in shown}
    return sorted((v for v in values if v), key=len, reverse=True)


def leftover_words(text: str, strings: list[str]) -> list[str]:
    """Latin-script words of a zh text outside ``strings`` (:func:`data_strings`), quotations, identifiers."""
    for value in strings:
        text = text.replace(value, " ")
    text = re.sub(r"“[^”]*”", " ", text)
    text = IDENTIFIERS.sub(" ", text)
    return sorted(set(re.findall(r"[A-Za-z_]{2,}", text)))
