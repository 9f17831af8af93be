"""The reviewer's path and the team's, end to end, in Chromium (issue 28).

A built edition is served by ``jinan-eval serve`` (a subprocess, as the team starts it). A reviewer comments on a
section of the methods chapter, signed "Name (Affiliation)"; another posts markup (``"><img src=x
onerror=alert(1)>``) on a key-project page. The team approves both in Isso's admin page, exports them with
``jinan-eval reviews export``, answers the first in the review log and rebuilds; the next edition shows the comment
with its response and status under its section, and the open one on the page of reviews, as text. Then the same
site is served by a plain web server: each slot holds its plain line, and nothing errs in the console. No page asks
another host for anything in either mode. Screenshots of the reviewer's path at 1366 and 390 px go to
``_build/test-artifacts/review/``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest
import yaml

import jinan_eval.edition.book as book_module
from jinan_eval.config import BOOK_DIR
from jinan_eval.edition.book import build_edition

from e2e_helpers import ARTIFACTS, CHROMIUM, SHIPPED_DATA, Visit, chromium_browser, restored_cwd, served_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

YEAR = 2025
PASSWORD = "review-test-password"
COMMENT = "进度比阈值 0.95 的依据是什么？建议在“状态判定规则”中说明。"
XSS = '"><img src=x onerror=alert(1)> 请核对本页评级所用的年份。'
RESPONSE = "已采纳：阈值的来源和敏感性已在本节补充说明。"
SHOTS = ARTIFACTS / "review"
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 768}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """The 2025 Chinese edition of the shipped data, built from a copy of the book's sources (its review log is the
    one the team edits in this test)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run `make system-deps` (Debian package chromium)")
    pytest.importorskip("playwright.sync_api")
    root = tmp_path_factory.mktemp("review")
    data, book = root / "data", root / "book"
    shutil.copytree(SHIPPED_DATA, data)
    shutil.copytree(BOOK_DIR, book)
    patch = pytest.MonkeyPatch()
    patch.setattr(book_module, "BOOK_DIR", book)

    def build():
        with restored_cwd():
            return build_edition(YEAR, "zh", force=True, data_dir=data, build_dir=root / "build", jobs=2,
                                 progress=False)

    build()
    yield {"root": root, "site": root / "build" / "site", "log": book / "reviews" / "reviews.yml", "build": build}
    patch.undo()


@pytest.fixture(scope="module")
def review_server(edition):
    """``jinan-eval serve`` on the built site, as the team starts it (the password from the environment)."""
    port = free_port()
    env = {**os.environ, "JINAN_REVIEW_PASSWORD": PASSWORD}
    proc = subprocess.Popen([sys.executable, "-m", "jinan_eval.cli", "serve", "--site", str(edition["site"]),
                             "--store", str(edition["root"] / "store"), "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"jinan-eval serve stopped: {proc.stdout.read()}")
            time.sleep(0.2)
    yield f"127.0.0.1:{port}"
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser(edition):
    with chromium_browser() as chromium:
        yield chromium


def slot_of(page, thread: str):
    return page.locator(f'.review-slot[data-review-thread="{thread}"]')


def comment(visit: Visit, path: str, thread: str, text: str, author: str, shot: str | None = None):
    """Open a page, open a section's thread, and post a comment as a reviewer does."""
    page = visit.page
    visit.open(path)
    slot = slot_of(page, thread)
    slot.scroll_into_view_if_needed()
    slot.locator(".review-open").click()
    slot.locator("#isso-thread textarea").wait_for(timeout=15_000)
    page.wait_for_function("t => document.querySelector(`.review-slot[data-review-thread='${t}'] "
                           "input[name=author]`)?.placeholder === '姓名（单位）'", arg=thread, timeout=10_000)
    slot.locator("#isso-thread textarea").fill(text)
    slot.locator("#isso-thread input[name=author]").fill(author)
    slot.locator("#isso-thread input[type=submit]").click()
    slot.locator(".isso-comment[id^=isso-] .isso-text").first.wait_for(timeout=10_000)
    if shot:
        slot.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / shot))
    return slot


def test_a_reviewer_comments_the_team_approves_exports_answers_and_the_next_edition_shows_it(
        edition, review_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for viewport, name in ((WIDE, "1366"), (PHONE, "390")):
        v = Visit(browser, review_server)
        v.page.set_viewport_size(viewport)
        v.open(f"{YEAR}/methods.html")
        slot = slot_of(v.page, "/review/methods-status")
        slot.scroll_into_view_if_needed()
        v.page.screenshot(path=str(SHOTS / f"1-section-with-button-{name}.png"))
        assert v.problems() == []
        v.close()

    # a reviewer who does not sign with an affiliation is told how, and nothing is sent
    v = Visit(browser, review_server)
    v.page.set_viewport_size(WIDE)
    v.open(f"{YEAR}/methods.html")
    slot = slot_of(v.page, "/review/methods-status")
    slot.locator(".review-open").click()
    slot.locator("#isso-thread textarea").wait_for(timeout=15_000)
    slot.locator("#isso-thread textarea").fill(COMMENT)
    slot.locator("#isso-thread input[name=author]").fill("王某")
    slot.locator("#isso-thread input[type=submit]").click()
    assert "姓名（单位）" in slot.locator(".review-problem").inner_text()
    assert slot.locator(".isso-comment[id^=isso-]").count() == 0
    v.close()

    # the reviewer comments on a methods section; another posts markup on a key-project page (at a phone's width)
    first = Visit(browser, review_server)
    first.page.set_viewport_size(WIDE)
    posted = comment(first, f"{YEAR}/methods.html", "/review/methods-status", COMMENT, "王某（山东大学）",
                     "2-posted-awaiting-approval-1366.png")
    assert COMMENT in posted.inner_text() and "待审核" in posted.inner_text()
    assert first.problems() == []
    first.close()
    second = Visit(browser, review_server)
    second.page.set_viewport_size(PHONE)
    posted = comment(second, f"{YEAR}/kp4.html", f"/review/{YEAR}/kp4", XSS, "Jane Smith (Shandong University)",
                     "2-posted-awaiting-approval-390.png")
    assert posted.locator("#isso-thread img").count() == 0 and "<img src=x" in posted.inner_text()
    assert second.problems() == []
    second.close()

    # before approval another reader does not see them
    other = Visit(browser, review_server)
    other.open(f"{YEAR}/methods.html")
    slot = slot_of(other.page, "/review/methods-status")
    slot.locator(".review-open").click()
    slot.locator("#isso-thread textarea").wait_for(timeout=15_000)
    other.page.wait_for_timeout(1000)
    assert COMMENT not in slot.inner_text()
    other.close()

    # the team approves both in Isso's admin page, behind the moderator's password
    admin = Visit(browser, review_server)
    admin.open("comments/admin/")
    admin.page.locator("input[type=password]").fill(PASSWORD)
    admin.page.locator("input[type=password]").press("Enter")
    admin.page.wait_for_load_state("networkidle")
    assert admin.page.locator("text=Validate").count() == 2
    assert admin.page.locator("img[src=x]").count() == 0
    for _ in range(2):
        admin.page.locator("a.validate").first.click()
        admin.page.wait_for_timeout(500)
        admin.page.reload()
        admin.page.wait_for_load_state("networkidle")
    assert admin.page.locator("a.validate").count() == 0
    assert admin.dialogs == []
    admin.close()

    # now any reader sees the approved comment under its section
    reader = Visit(browser, review_server)
    reader.open(f"{YEAR}/methods.html")
    slot = slot_of(reader.page, "/review/methods-status")
    slot.locator(".review-open").click()
    slot.locator(".isso-comment[id^=isso-] .isso-text").first.wait_for(timeout=10_000)
    assert COMMENT in slot.inner_text() and "待审核" not in slot.inner_text()
    assert reader.problems() == []
    reader.close()

    # the team exports them into the review log (twice: added once), answers the first, rebuilds
    cli = [sys.executable, "-m", "jinan_eval.cli", "reviews", "export", "--store", str(edition["root"] / "store"),
           "--log", str(edition["log"])]
    out = subprocess.run(cli, capture_output=True, text=True, check=True)
    assert "2 comment(s) added" in out.stderr
    assert "0 comment(s) added" in subprocess.run(cli, capture_output=True, text=True, check=True).stderr
    entries = yaml.safe_load(edition["log"].read_text(encoding="utf-8"))
    exported = [e for e in entries if e.get("ref")]
    assert [(e["reviewer"], e["affiliation"], e["section"], e.get("edition")) for e in exported] == [
        ("王某", "山东大学", "methods-status", None), ("Jane Smith", "Shandong University", "kp4", YEAR)]
    text = edition["log"].read_text(encoding="utf-8")
    at = text.index(exported[0]["ref"])
    head, tail = text[:at], text[at:]
    head = head[::-1].replace("status: pending"[::-1], "status: adopted"[::-1], 1)[::-1]
    head = head[::-1].replace("response: ''"[::-1], f"response: {RESPONSE}"[::-1], 1)[::-1]
    edition["log"].write_text(head + tail, encoding="utf-8")
    edition["build"]()

    # the next edition: the comment, its response and status under the section it concerns
    for viewport, name in ((WIDE, "1366"), (PHONE, "390")):
        v = Visit(browser, review_server)
        v.page.set_viewport_size(viewport)
        v.open(f"{YEAR}/methods.html")
        section = v.page.locator('[id="methods-status"]').locator("xpath=ancestor-or-self::section[1]")
        logged = section.locator(".review-log", has_text=COMMENT)
        assert logged.count() == 1
        said = logged.inner_text()
        assert RESPONSE in said and "已采纳" in said and "王某（山东大学）" in said
        logged.scroll_into_view_if_needed()
        v.page.screenshot(path=str(SHOTS / f"3-answered-in-next-edition-{name}.png"))
        # the page of reviews lists the open one, as text
        v.open(f"{YEAR}/reviews.html")
        still_open = v.page.locator(".review-log", has_text="请核对本页评级所用的年份")
        assert still_open.count() == 1 and "待回复" in still_open.inner_text()
        assert "<img src=x" in still_open.inner_text() and v.page.locator("article img[src=x]").count() == 0
        assert v.page.locator('a[href="kp4.html"]').count() >= 1
        v.page.screenshot(path=str(SHOTS / f"4-open-reviews-{name}.png"), full_page=True)
        v.open(f"{YEAR}/kp4.html")
        assert v.page.locator(".review-log", has_text="请核对本页评级所用的年份").count() == 1
        assert v.page.locator("article img[src=x]").count() == 0
        assert v.problems() == []
        v.close()


def test_a_plain_web_server_shows_one_plain_line_and_no_console_error(edition, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with served_site(edition["site"]) as host:
        for path in (f"{YEAR}/methods.html", f"{YEAR}/kp4.html"):
            for viewport, name in ((WIDE, "1366"), (PHONE, "390")):
                v = Visit(browser, host)
                v.page.set_viewport_size(viewport)
                page = v.open(path)
                slots = page.locator(".review-slot")
                assert slots.count() >= 1
                assert page.locator(".review-open").count() == 0
                lines = {t.strip() for t in page.locator(".review-slot .review-offline").all_inner_texts()}
                assert len(lines) == 1 and "评审服务器" in lines.pop()
                assert not any("/comments/" in u for u in v.requested)
                assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
                assert v.problems() == []
                if path.endswith("methods.html"):
                    slot_of(page, "/review/methods-status").scroll_into_view_if_needed()
                    page.screenshot(path=str(SHOTS / f"5-plain-server-{name}.png"))
                v.close()


def test_the_comment_store_is_never_in_the_published_site(edition):
    published = [p.name for p in edition["site"].rglob("*") if re.search(r"\.(db|sqlite3?|db-journal)$", p.name)]
    assert published == []
