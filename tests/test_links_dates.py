"""The link check of a staged edition (pages and downloads never link a blocked host, nor an address a browser would
read as another host) and the date checks of the CSV route (a real calendar date, not in the future)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from jinan_eval.data import validate
from jinan_eval.edition.book import check_links

from conftest import PLAN_DIR

HOSTS = {"14z7q.com": "blocked", "spam.example.biz": "blocked", "example.org": "official",
         "news.example.com": "outlet"}
BACKSLASH = "http://14z7q.com\\@www.jinan.gov.cn/"  # urlsplit reads www.jinan.gov.cn, a browser opens 14z7q.com
#: such an address is refused whatever its host: the host checked must be the one a browser opens
REFUSED = f"link refused: {BACKSLASH!r} holds a backslash, a space or a control character: a browser would read another address"


def clean_edition(root: Path) -> Path:
    """A staged edition as the build leaves it: pages, a data folder of downloads, a manifest."""
    (root / "data").mkdir(parents=True)
    (root / "_static").mkdir()
    (root / "index.html").write_text(
        '<a href="kp1.html">kp1</a> <a href="https://example.org/a?x=1&amp;y=2" rel="noopener">source</a> '
        '<a href="https://www.jinan.gov.cn/art/1.html">gov</a> <a href="data/sources.csv" download>csv</a>',
        encoding="utf-8")
    (root / "kp1.html").write_text('<a href="https://news.example.com/b">news</a><img src="_static/x.svg">',
                                   encoding="utf-8")
    (root / "_static" / "x.svg").write_text("<svg/>", encoding="utf-8")
    (root / "data" / "sources.csv").write_text(
        "source_id,title,url,retrieved_from\nS0000000a,统计公报,https://example.org/a,https://example.org/a\n",
        encoding="utf-8")
    book = Workbook()
    book.active.append(["source_id", "retrieved_from"])
    book.active.append(["S0000000a", "https://example.org/a"])
    book.save(root / "data" / "plan.xlsx")
    (root / "manifest.json").write_text(json.dumps({"edition": 2025, "plan_url": "https://example.org/plan"}),
                                        encoding="utf-8")
    return root


def test_a_clean_edition_has_no_link_problems(tmp_path):
    assert check_links(clean_edition(tmp_path / "edition"), hosts=HOSTS) == []


def test_a_page_linking_a_blocked_host_is_reported(tmp_path):
    edition = clean_edition(tmp_path / "edition")
    (edition / "data_sources.html").write_text(
        '<p>最接近的线索：<a href="https://14z7q.com/a.html" rel="noopener">https://14z7q.com/a.html</a></p>'
        '<img src="//spam.example.biz/x.png">', encoding="utf-8")
    problems = check_links(edition, hosts=HOSTS)
    assert "data_sources.html: link to blocked host 14z7q.com: https://14z7q.com/a.html" in problems
    assert any(p.startswith("data_sources.html: link to blocked host spam.example.biz: ") for p in problems)


def test_an_address_a_browser_reads_as_a_blocked_host_is_reported(tmp_path):
    edition = clean_edition(tmp_path / "edition")
    (edition / "kp10.html").write_text(f'<a href="{BACKSLASH}" rel="noopener">济南市城市建设统计资料</a>',
                                       encoding="utf-8")
    assert check_links(edition, hosts=HOSTS) == ["kp10.html: " + REFUSED]


def test_an_address_url_problem_refuses_fails_the_check_whatever_its_host(tmp_path):
    edition = clean_edition(tmp_path / "edition")
    (edition / "kp2.html").write_text('<a href="http://user@www.jinan.gov.cn/a.html">x</a>', encoding="utf-8")
    [problem] = check_links(edition, hosts=HOSTS)
    assert problem.startswith("kp2.html: ") and "http://user@www.jinan.gov.cn/a.html" in problem


def test_a_csv_download_with_a_blocked_address_is_reported(tmp_path):
    edition = clean_edition(tmp_path / "edition")
    (edition / "data" / "search_log.csv").write_text(
        "target_id,closest_url,reason_zh\n"
        'KP1-1,https://spam.example.biz/x.html,"见 http://14z7q.com,其余"\n'
        f'KP1-2,{BACKSLASH},\n', encoding="utf-8")
    problems = check_links(edition, hosts=HOSTS)
    assert set(problems) == {
        "data/search_log.csv: link to blocked host spam.example.biz: https://spam.example.biz/x.html",
        "data/search_log.csv: link to blocked host 14z7q.com: http://14z7q.com",  # the address ends at the comma
        "data/search_log.csv: " + REFUSED,
    }


def test_a_json_download_with_a_blocked_address_is_reported(tmp_path):
    edition = clean_edition(tmp_path / "edition")
    (edition / "manifest.json").write_text(json.dumps({"lead": "https://www.14z7q.com/"}), encoding="utf-8")
    # a subdomain of a blocked host is the same site
    assert check_links(edition, hosts=HOSTS) == [
        "manifest.json: link to blocked host www.14z7q.com: https://www.14z7q.com/"]


def test_an_xlsx_download_with_a_blocked_address_is_reported(tmp_path):
    edition = clean_edition(tmp_path / "edition")
    book = Workbook()
    sheet = book.active
    sheet.append(["target_id", "closest_url"])
    sheet.append(["KP1-1", "https://14z7q.com/a.html"])
    sheet.append(["KP1-2", BACKSLASH])
    sheet["C2"] = "链接"
    sheet["C2"].hyperlink = "https://spam.example.biz/y.html"  # a cell's hyperlink sits in the sheet's relations
    book.save(edition / "data" / "requests.xlsx")
    problems = check_links(edition, hosts=HOSTS)
    assert set(problems) == {
        "data/requests.xlsx: link to blocked host 14z7q.com: https://14z7q.com/a.html",
        "data/requests.xlsx: " + REFUSED,
        "data/requests.xlsx: link to blocked host spam.example.biz: https://spam.example.biz/y.html",
    }


def test_the_link_check_without_a_hosts_table_still_refuses_addresses_a_browser_misreads(tmp_path):
    edition = clean_edition(tmp_path / "edition")
    (edition / "kp10.html").write_text(f'<a href="{BACKSLASH}">x</a>', encoding="utf-8")
    [problem] = check_links(edition)
    assert problem.startswith("kp10.html: link refused: ") and "backslash" in problem


# ---------------------------------------------------------------- dates

def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def date_errors(data_dir: Path) -> list:
    report, _ = validate(data_dir)
    return [p for p in report.errors if p.rule.startswith("date.")]


TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()
NEXT_YEAR = str(dt.date.today().year + 1)


@pytest.mark.parametrize("date, rule, words", [
    ("2025-13-45", "date.not_a_date", "not a calendar date"),
    ("2025-02-29", "date.not_a_date", "not a calendar date"),
    ("2025-00", "date.not_a_date", "not a calendar date"),
    ("2099-01-01", "date.future", "lies in the future"),
    (TOMORROW, "date.future", "lies in the future"),
    (NEXT_YEAR, "date.future", "lies in the future"),
])
def test_a_source_date_must_be_a_calendar_date_not_in_the_future(data_dir, date, rule, words):
    replace_in(data_dir / "sources.csv", "2023-03-01", date)
    [problem] = date_errors(data_dir)
    assert (problem.file, problem.row, problem.column, problem.rule) == ("sources.csv", 2, "date", rule)
    assert words in problem.message and date in problem.message
    assert f"sources.csv:2 column 'date' [{rule}]" in str(problem)


@pytest.mark.parametrize("date", ["2024-02-29", "2023-03", "2023", dt.date.today().isoformat()])
def test_real_past_dates_pass(data_dir, date):
    replace_in(data_dir / "sources.csv", "2023-03-01", date)
    report, _ = validate(data_dir)
    assert report.ok, [str(p) for p in report.errors]


def test_the_date_a_page_was_read_on_is_checked_too(data_dir):
    replace_in(data_dir / "sources.csv", "2026-11-25,第2段", "2026-02-30,第2段")
    [problem] = date_errors(data_dir)
    assert (problem.file, problem.row, problem.column, problem.rule) == ("sources.csv", 3, "retrieved_on",
                                                                        "date.not_a_date")


def test_a_search_date_is_checked_too(data_dir):
    replace_in(data_dir / PLAN_DIR / "search_log.csv", "KP1-1,2026-11-25", "KP1-1,2099-11-25")
    [problem] = date_errors(data_dir)
    assert (problem.file, problem.row, problem.column, problem.rule) == (f"{PLAN_DIR}/search_log.csv", 2,
                                                                        "searched_on", "date.future")


def test_a_date_of_the_wrong_form_is_left_to_the_pattern_check(data_dir):
    replace_in(data_dir / "sources.csv", "2023-03-01", "2023/03/01")
    report, _ = validate(data_dir)
    assert [(p.row, p.column, p.rule) for p in report.errors] == [(2, "date", "pattern")]


EVIDENCE = ("target_id,event,event_date,what_zh,what_en,source_id,quote\n"
            "KP1-2,started,{date},开展工业节能诊断服务100家,Audits of 100 firms,S0000000a,开展节能诊断服务100家\n")
STATEMENTS = ("target_id,status,as_of_year,statement_date,body_zh,body_en,what_zh,what_en,source_id,quote\n"
              "MAIN-1,met_early,2024,{date},市工业和信息化局,Municipal Bureau of Industry and Information "
              "Technology,提前完成,Met early,S0000000a,提前完成目标\n")


@pytest.mark.parametrize("date, rule", [("2024-13", "date.not_a_date"), ("2024-06-31", "date.not_a_date"),
                                        (TOMORROW, "date.future")])
def test_an_evidence_date_must_be_a_calendar_date_not_in_the_future(data_dir, date, rule):
    path = data_dir / PLAN_DIR / "evidence.csv"
    path.write_text(EVIDENCE.format(date="2024-06-30"), encoding="utf-8")
    assert date_errors(data_dir) == [] and validate(data_dir)[0].ok, [str(p) for p in validate(data_dir)[0].errors]
    path.write_text(EVIDENCE.format(date=date), encoding="utf-8")
    [problem] = date_errors(data_dir)
    assert (problem.file, problem.row, problem.column, problem.rule) == (f"{PLAN_DIR}/evidence.csv", 2,
                                                                        "event_date", rule)


@pytest.mark.parametrize("date, rule", [("2025-02-30", "date.not_a_date"), (TOMORROW, "date.future")])
def test_a_statement_date_must_be_a_calendar_date_not_in_the_future(data_dir, date, rule):
    path = data_dir / PLAN_DIR / "statements.csv"
    path.write_text(STATEMENTS.format(date="2025-01-20"), encoding="utf-8")
    assert validate(data_dir)[0].ok, [str(p) for p in validate(data_dir)[0].errors]
    path.write_text(STATEMENTS.format(date=date), encoding="utf-8")
    [problem] = date_errors(data_dir)
    assert (problem.file, problem.row, problem.column, problem.rule) == (f"{PLAN_DIR}/statements.csv", 2,
                                                                        "statement_date", rule)


# ---------------------------------------------------------------- hosts as validation reads them

@pytest.mark.parametrize("url, rule", [
    ("https://www.spam.example.biz/a.html", "source.not_citable"),  # a name under a blocked host is that host's
    ("https://spam.example.biz./a.html", "source.not_citable"),  # a trailing dot names the same host
    ("http://[x/a.html", "source.url_form"),  # an address urlsplit cannot read: an error naming the cell, not a crash
])
def test_validation_reads_the_host_a_browser_would_open(data_dir, url, rule):
    replace_in(data_dir / "sources.csv", "https://news.example.com/b", url)
    report, _ = validate(data_dir)
    found = [p for p in report.errors if p.file == "sources.csv" and p.column == "retrieved_from"]
    assert found and found[0].rule.startswith(rule.split(".")[0]), [str(p) for p in report.errors]
