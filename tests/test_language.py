"""The zh edition speaks Chinese: no internal code and no English note on any page of editions 2021–2025.

Page content is generated here the way the notebooks generate it (same functions, same data), for every page
and every report year, and scanned after removing what the data itself holds (source titles, publishers,
locators, addresses, units, names and labels) and what is an identifier by design (source ids, file names of the
downloads, link targets): a commitment is named by the plan's own numbering (三（三）第10项), never by its id. Whatever Latin-letter word remains is an internal code or an English
note that reached a Chinese page. The message catalogues are checked to mirror each other.
"""

from __future__ import annotations

import html
import re
import string

import pytest

from jinan_eval.assess import assess_edition
from jinan_eval.edition.book import edition_years
from jinan_eval.report import overview
from jinan_eval.report.book_pages import changes_page, index_page
from jinan_eval.report.context import Context
from jinan_eval.report.messages import Messages, catalogue
from zh_text import UNIT_SYMBOLS, data_strings, leftover_words

from conftest import shipped_dataset
from e2e_helpers import edition_blocks

DATASET = shipped_dataset()

DATASET = shipped_dataset()


def chart_words(spec: object) -> list[str]:
    """Every word a reader sees in a chart: titles, axis and legend titles, tooltip titles, labels in its data."""
    found = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in ("title", "description") and isinstance(value, str):
                found.append(value)
            elif key == "datasets":
                for rows in value.values():
                    found += [str(r[k]) for r in rows for k in ("status_label", "label", "region_name", "indicator")
                              if k in r]
            else:
                found += chart_words(value)
    elif isinstance(spec, list):
        for item in spec:
            found += chart_words(item)
    return found


def visible_text(blocks: list) -> str:
    parts = []
    for block in blocks:
        if hasattr(block, "to_dict"):
            parts += chart_words(block.to_dict())
        else:
            markup = getattr(block, "text", None) or getattr(block, "html", "")
            parts.append(html.unescape(re.sub(r"<[^>]+>", " ", markup)))
    return "\n".join(parts)


DATA_STRINGS = data_strings(DATASET)


@pytest.mark.parametrize("year", edition_years(DATASET))
def test_zh_pages_hold_no_code_and_no_english(year):
    ctx = Context(DATASET, year, "zh")
    text = visible_text(edition_blocks(DATASET, year, "zh"))  # every page of the edition, from its page list
    current, before = assess_edition(DATASET, year), assess_edition(DATASET, year - 1)
    manifest = {"data_cutoff": "2026-01-01", "package_version": "0", "git_commit": "0", "data_hash": "0" * 16,
                "built_at": "2026-01-01"}
    landing = index_page(year, "zh", DATASET, manifest, overview.findings(ctx)).split("| 软件版本")[0]  # not: version
    text += html.unescape(re.sub(r"<[^>]+>", " ", landing))
    text += changes_page(year, "zh", DATASET, current, before, False)
    assert leftover_words(text, DATA_STRINGS) == []


def test_the_scan_finds_a_planted_code_and_an_english_note():
    assert leftover_words("数据不足：截至2025年（no Jinan figures up to 2025）", DATA_STRINGS) == [
        "Jinan", "figures", "no", "to", "up"]
    assert leftover_words("口径 yoy_change_pct", DATA_STRINGS) == ["yoy_change_pct"]
    assert leftover_words("见 KP3-10", DATA_STRINGS) == ["KP"]
    assert leftover_words("三（三）第10项 见 data_sources.html#need-kp3-10", DATA_STRINGS) == []


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_message_catalogues_mirror_each_other():
    zh, en = catalogue("zh"), catalogue("en")
    # units are the data's own words: each catalogue names those written in the other language (not mirrored)
    zh = {k: v for k, v in zh.items() if not k.startswith("unit.")}
    en = {k: v for k, v in en.items() if not k.startswith("unit.")}
    assert set(zh) == set(en), f"only in zh: {sorted(set(zh) - set(en))}; only in en: {sorted(set(en) - set(zh))}"
    # a key project's heading numbers it the plan's way in Chinese (三（一）) and by its number in English
    own_numbering = {"page.key_project"}
    differing = [k for k in zh if _fields(zh[k]) != _fields(en[k]) and k not in own_numbering]
    assert differing == [], "placeholders differ between zh.yml and en.yml"


def test_every_unit_in_the_data_has_a_word_in_each_language():
    """A unit recorded in Latin letters gets Chinese words in the zh edition, one in Chinese gets English words in
    the en edition; symbols (%, μg/m³, PUE …) stay as they are."""
    units = set(DATASET.indicators["unit"]) | set(DATASET.observations["unit"]) | set(DATASET.targets["unit"].dropna())
    symbols = {"%", "μg/m³", "m³/万元", *UNIT_SYMBOLS}
    zh, en = Messages("zh"), Messages("en")
    latin = sorted(u for u in units if re.search(r"[A-Za-z]", u) and u not in symbols and zh.unit(u) == u)
    chinese = sorted(u for u in units if re.search(r"[\u4e00-\u9fff]", u) and en.unit(u) == u)
    assert latin == [] and chinese == [], (latin, chinese)
    assert zh.unit("days") == "天" and en.unit("万吨") == "10,000 t" and zh.unit("%") == "%"
