"""The review server and the review log (jinan_eval.review, jinan_eval.report.reviews), through the WSGI application
itself (werkzeug's test client: no port, no browser): the site as built but for the one file saying the server is
here; comments only on the editions' threads, signed, within a length and a rate; markup shown as text; the store
and the password never in the site; approval and the export into the review log, once each."""

from __future__ import annotations

import json
import sqlite3

import pytest
import yaml
from werkzeug.test import Client

from jinan_eval.report.reviews import (
    MAX_COMMENT_CHARS,
    ReviewLogError,
    comment_slot,
    load_reviews,
    review_block,
    reviews_page,
    signature,
    thread_section,
    thread_uri,
)
from jinan_eval.review import store
from jinan_eval.review.server import (
    FLOOD_POSTS,
    STORE_FILE,
    ServeError,
    moderator_password,
    review_app,
    store_path,
)

PASSWORD = "moderator-password"
XSS = '"><img src=x onerror=alert(1)>'
THREADS = [{"uri": "/review/methods-status", "title": "评估方法 · 状态判定规则", "page": "methods.html",
            "anchor": "methods-status"},
           {"uri": "/review/2025/kp4", "title": "三（四） 交通物流节能减排工程（2025年度版）", "page": "kp4.html",
            "anchor": ""}]
LOG_HEAD = "# the review log\n- reviewer: 评估组\n  date: 2026-11-25\n  section: methods-status\n  comment: 一条意见\n" \
           "  response: 已回复\n  status: resolved\n"


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    (root / "2025" / "_static").mkdir(parents=True)
    (root / "index.html").write_text("<html>index</html>", encoding="utf-8")
    (root / "2025" / "methods.html").write_text("<html>methods</html>", encoding="utf-8")
    (root / "2025" / "_static" / "review-server.json").write_text('{"enabled": false}', encoding="utf-8")
    (root / "2025" / "_static" / "review-threads.json").write_text(json.dumps({"threads": THREADS}),
                                                                  encoding="utf-8")
    return root


@pytest.fixture
def server(site, tmp_path):
    db = store_path(tmp_path / "store", site)
    return Client(review_app(site, db, "http://127.0.0.1:8000", PASSWORD)), tmp_path / "store"


def post(client, uri, text="进度比的阈值是否应按目标类型区分？", author="王某（山东大学）", address="10.0.0.1", **extra):
    return client.post("/comments/new", query_string={"uri": uri}, json={"text": text, "author": author, **extra},
                       environ_base={"REMOTE_ADDR": address})


def test_the_site_is_served_as_built_but_for_the_file_that_says_the_server_is_here(server, site):
    client, _ = server
    assert client.get("/2025/methods.html").get_data(as_text=True) == "<html>methods</html>"
    assert client.get("/").get_data(as_text=True) == "<html>index</html>"
    said = client.get("/2025/_static/review-server.json")
    assert said.json == {"enabled": True, "endpoint": "/comments/"}
    assert json.loads((site / "2025/_static/review-server.json").read_text()) == {"enabled": False}  # as built
    assert client.get("/comments/js/embed.min.js").status_code == 200  # Isso's own script, from this server
    assert client.get("/../store/comments.db").status_code == 404


def test_a_signed_comment_on_a_thread_of_the_book_waits_for_approval_and_is_returned_as_text(server):
    client, folder = server
    sent = post(client, "/review/methods-status", text=XSS, title="any title")
    assert sent.status_code == 202 and sent.json["mode"] == 2  # pending: moderation is on
    assert "<img" not in sent.json["text"] and "&lt;img" in sent.json["text"]
    shown = client.get("/comments/", query_string={"uri": "/review/methods-status"})
    assert shown.status_code == 404 or shown.json["replies"] == []  # not shown before approval
    with sqlite3.connect(folder / STORE_FILE) as con:  # the thread is named by the book, not by the request
        assert con.execute("SELECT title FROM threads").fetchall() == [("评估方法 · 状态判定规则",)]


@pytest.mark.parametrize("uri", ["/review/methods-nothing", "/2025/methods.html", "/review/2024/kp4", ""])
def test_no_comment_on_a_page_or_section_the_book_does_not_have(server, uri):
    client, _ = server
    refused = post(client, uri)
    assert refused.status_code == 404 and "本报告没有这一评论主题" in refused.json["message"]


@pytest.mark.parametrize("author", ["王某", "", "Jane Smith", "（山东大学）", XSS])
def test_a_comment_must_be_signed_with_name_and_affiliation(server, author):
    client, _ = server
    refused = post(client, "/review/methods-status", author=author)
    assert refused.status_code == 400 and "姓名（单位）" in refused.json["message"]


def test_a_long_comment_or_body_is_refused_with_a_message(server):
    client, _ = server
    assert post(client, "/review/methods-status", text="长" * MAX_COMMENT_CHARS).status_code == 202
    refused = post(client, "/review/methods-status", text="长" * (MAX_COMMENT_CHARS + 1), address="10.0.0.2")
    assert refused.status_code == 413 and str(MAX_COMMENT_CHARS) in refused.json["message"]
    huge = client.post("/comments/new", query_string={"uri": "/review/methods-status"}, data=b"{" * 100_000,
                       content_type="application/json")
    assert huge.status_code == 413
    broken = client.post("/comments/new", query_string={"uri": "/review/methods-status"}, data=b"{not json",
                         content_type="application/json")
    assert broken.status_code == 400 and "message" in broken.json


def test_a_flood_from_one_address_is_refused_and_another_reviewer_is_not_held_up(server):
    client, _ = server
    codes = [post(client, "/review/2025/kp4", text=f"第{i}条意见：请说明口径。").status_code
             for i in range(FLOOD_POSTS + 1)]
    assert codes == [202] * FLOOD_POSTS + [429]
    assert "一分钟" in post(client, "/review/2025/kp4").json["message"]
    assert post(client, "/review/2025/kp4", address="10.0.0.9").status_code == 202


def test_approved_comments_are_exported_once_each_and_the_log_keeps_its_entries(server, tmp_path):
    client, folder = server
    post(client, "/review/methods-status", text="阈值 0.95 的依据是什么？")
    post(client, "/review/2025/kp4", text=XSS, author="Jane Smith (Shandong University)", address="10.0.0.3")
    waiting = store.comments(folder, store.PENDING)
    assert [c["author"] for c in waiting] == ["王某（山东大学）", "Jane Smith (Shandong University)"]
    log = tmp_path / "reviews" / "reviews.yml"
    log.parent.mkdir()
    log.write_text(LOG_HEAD, encoding="utf-8")
    assert store.export(folder, log) == []  # nothing approved yet
    store.approve(folder, [waiting[0]["id"]])
    with pytest.raises(ServeError, match="no comment awaiting approval with number 999"):
        store.approve(folder, [999])
    first = store.export(folder, log)
    assert [(e["reviewer"], e["affiliation"], e["section"], e["status"]) for e in first] == [
        ("王某", "山东大学", "methods-status", "pending")]
    store.approve(folder, [waiting[1]["id"]])
    second = store.export(folder, log)
    assert [(e["reviewer"], e["section"], e["edition"], e["comment"]) for e in second] == [
        ("Jane Smith", "kp4", 2025, XSS)]
    assert store.export(folder, log) == []  # again: nothing added twice
    text = log.read_text(encoding="utf-8")
    assert text.startswith(LOG_HEAD)  # the team's entries and comments stay as they were
    entries = load_reviews(log, sections={"methods-status", "kp4"})
    assert len(entries) == 3 and entries[0]["response"] == "已回复"
    assert len({e.get("ref") for e in entries[1:]}) == 2


def test_the_store_and_the_password_file_are_never_in_the_site(site, tmp_path, monkeypatch):
    with pytest.raises(ServeError, match="inside the site folder"):
        store_path(site / "comments", site)
    secret = site / "password.txt"
    secret.write_text(PASSWORD)
    with pytest.raises(ServeError, match="inside the site folder"):
        moderator_password(secret, site)
    monkeypatch.delenv("JINAN_REVIEW_PASSWORD", raising=False)
    with pytest.raises(ServeError, match="JINAN_REVIEW_PASSWORD"):
        moderator_password(None, site)
    monkeypatch.setenv("JINAN_REVIEW_PASSWORD", "short")
    with pytest.raises(ServeError, match="at least 8 characters"):
        moderator_password(None, site)
    outside = tmp_path / "password.txt"
    outside.write_text(PASSWORD + "\n")
    assert moderator_password(outside, site) == PASSWORD


def test_a_site_without_editions_or_threads_is_not_served(tmp_path):
    empty = tmp_path / "site"
    empty.mkdir()
    with pytest.raises(ServeError, match="build it first"):
        review_app(empty, tmp_path / "c.db", "http://127.0.0.1:8000", PASSWORD)
    (empty / "index.html").write_text("x")
    with pytest.raises(ServeError, match="no comment threads"):
        review_app(empty, tmp_path / "c.db", "http://127.0.0.1:8000", PASSWORD)


# ---------------------------------------------------------------- the review log and its blocks


def test_a_thread_names_its_section_and_back():
    assert thread_section(thread_uri("methods-status")) == ("methods-status", None)
    assert thread_section(thread_uri("kp4", 2025)) == ("kp4", 2025)
    assert thread_section("/2025/kp4.html") is None and thread_section("/review/../x") is None
    assert signature("王某（山东大学）") == ("王某", "山东大学")
    assert signature("Jane Smith (Shandong University)") == ("Jane Smith", "Shandong University")
    assert signature("王某") is None and signature("（山东大学）") is None


@pytest.mark.parametrize("entry, said", [
    ("- reviewer: a\n  date: 2026-01-01\n  section: methods-status\n  comment: c\n  response: ''\n  status: open\n",
     "entry 1, field status: 'open' is not one of pending, adopted, declined, resolved"),
    ("- reviewer: a\n  date: 1.12.2026\n  section: methods-status\n  comment: c\n  response: ''\n  status: pending\n",
     "entry 1, field date: '1.12.2026' is not a date (YYYY-MM-DD)"),
    ("- reviewer: a\n  date: 2026-13-01\n  section: methods-status\n  comment: c\n  response: ''\n  status: pending\n",
     "cannot be read (month must be in 1..12)"),
    ("- reviewer: a\n  comment: [unclosed\n", "cannot be read"),
    ("- reviewer: a\n  date: 2026-01-01\n  section: methods-nothing\n  comment: c\n  response: ''\n"
     "  status: pending\n", "entry 1, field section: 'methods-nothing' is no section of the book"),
    ("- reviewer: a\n  date: 2026-01-01\n  section: methods-status\n  comment: c\n  status: pending\n",
     "entry 1: lacks response"),
    ("- reviewer: a\n  date: 2026-01-01\n  section: methods-status\n  comment: c\n  response: ''\n"
     "  status: pending\n  score: 3\n", "entry 1: unknown field score"),
])
def test_a_review_log_the_book_cannot_use_is_refused_naming_file_entry_and_field(tmp_path, entry, said):
    log = tmp_path / "reviews.yml"
    log.write_text(entry, encoding="utf-8")
    with pytest.raises(ReviewLogError) as refused:
        load_reviews(log, sections={"methods-status"})
    assert str(log) in str(refused.value) and said in str(refused.value)


def test_a_review_is_shown_as_text_with_its_status_in_the_page_s_language():
    entry = {"reviewer": XSS, "affiliation": "大学", "date": "2026-12-07", "section": "methods-status",
             "comment": f"{XSS}\n第二行", "response": {"zh": "已修改", "en": "Changed"}, "status": "adopted"}
    zh, en = review_block([entry], "zh"), review_block([entry], "en")
    assert "<img" not in zh and "&lt;img" in zh and "已采纳" in zh and "已修改" in zh
    assert "Adopted" in en and "Changed" in en and "<img" not in en
    slot = comment_slot("/review/methods-status", '标题"><script>', "zh")
    assert "<script>" not in slot and 'data-review-thread="/review/methods-status"' in slot
    assert "评审服务器" in slot  # the plain line a plain web server leaves


def test_the_page_of_reviews_lists_the_open_ones_with_a_link_to_their_section():
    entries = yaml.safe_load(LOG_HEAD) + [
        {"reviewer": "王某", "affiliation": "山东大学", "date": "2026-12-07", "section": "kp4", "edition": 2025,
         "comment": "评级依据？", "response": "", "status": "pending"}]
    page = reviews_page(entries, "zh", {"kp4": "kp4.html"}, {"kp4": "三（四） 交通物流节能减排工程"})
    assert "评审记录共 2 条，其中待回复 1 条" in page
    assert '<a href="kp4.html">三（四） 交通物流节能减排工程（2025年度版）</a>' in page
    assert "评级依据？" in page and "一条意见" not in page  # answered ones are counted, shown under their section
    assert "已解决 1 条" in page
